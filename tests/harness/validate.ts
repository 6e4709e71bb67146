/** Validates every Kubernetes object of a stack run: built-in kinds and custom resources. */
import { crdSchemaErrors, crdsUnavailable } from "./crd-schema";
import { isBuiltIn, k8sSchemaErrors } from "./k8s-schema";
import { K8sObject, objects } from "./query";
import type { StackRun } from "./run-stack";

export interface ValidationReport {
  /** `Kind namespace/name: error` for every invalid object. */
  errors: string[];
  builtIn: number;
  custom: number;
  /** Custom resources not checked, with the reason (only when the CRD directory is missing). */
  skipped: string[];
}

const id = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? "?"}`;

export async function validateRun(run: StackRun): Promise<ValidationReport> {
  const report: ValidationReport = { errors: [], builtIn: 0, custom: 0, skipped: [] };
  const unavailable = crdsUnavailable();
  for (const obj of objects(run)) {
    if (await isBuiltIn(obj)) {
      report.builtIn++;
      report.errors.push(...(await k8sSchemaErrors(obj)).map((e) => `${id(obj)}: ${e}`));
    } else if (unavailable) {
      report.skipped.push(`${id(obj)}: ${unavailable}`);
    } else {
      report.custom++;
      report.errors.push(...crdSchemaErrors(obj).map((e) => `${id(obj)}: ${e}`));
    }
  }
  return report;
}
