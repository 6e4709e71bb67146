/**
 * A stack's resources in the policy pack's shape (policy/rules/types.ts): every resource the program
 * declares, as the engine would hand it (inputs, secret paths, protect), and every object its Helm
 * releases and manifests install, rendered from the pinned charts (which the engine never sees one
 * by one: the tests check them with the same rules).
 */
import type { Resource } from "../../policy/rules/types";
import { chartsUnavailable } from "./charts";
import { deployedObjects } from "./deployed";
import type { StackRun } from "./run-stack";

/** The engine's type token for a Kubernetes object: `kubernetes:apps/v1:Deployment`, `kubernetes:core/v1:Service`. */
export const kubeType = (apiVersion: string, kind: string) =>
  `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;

export function policyResources(run: StackRun): Resource[] {
  const program: Resource[] = run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    secretPaths: new Set(r.secretPaths),
    protect: r.protect,
    origin: "program",
  }));
  if (chartsUnavailable()) return program;
  const charts: Resource[] = deployedObjects(run)
    .objects.filter((d) => d.source.kind !== "program")
    .map((d) => {
      const o = d.object;
      const ref = `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
      return {
        type: kubeType(o.apiVersion, o.kind),
        name: o.metadata?.name ?? "",
        urn: `${d.source.kind}:${d.source.name}:${ref}`,
        props: o as unknown as Record<string, unknown>,
        secretPaths: new Set<string>(),
        protect: false,
        origin: `${d.source.kind} ${d.source.name}`,
      };
    });
  return [...program, ...charts];
}
