/**
 * Everything a stack deploys: the program's own Kubernetes objects, the objects of every Helm release
 * (rendered from the pinned chart) and of every manifest it loads, each attributed to its source.
 */
import * as fs from "node:fs";
import { Mirror, mirrorManifestObject } from "../../lib/mirror";
import {
  certManagerCrdsFromChart,
  DeployedObject,
  kubeVersionOf,
  manifestFile,
  manifestName,
  parseObjects,
  renderRelease,
} from "./charts";
import { apiGroupOf, isK8sObject, K8sObject } from "./query";
import type { StackRun } from "./run-stack";

/** A manifest's file name and objects: its offline copy, or (cert-manager's CRDs) the chart's. */
function manifest(location: string): { name: string; objects: K8sObject[] } {
  const name = manifestName(location);
  if (name.startsWith("cert-manager-crds-")) {
    try {
      return { name, objects: manifestObjects(manifestFile(location)) };
    } catch {
      return { name, objects: certManagerCrdsFromChart() };
    }
  }
  return { name, objects: manifestObjects(manifestFile(location)) };
}

const manifests = new Map<string, K8sObject[]>();
/** A manifest's objects, parsed once per process (fresh copies each time: callers may change them). */
function manifestObjects(file: string): K8sObject[] {
  if (!manifests.has(file)) manifests.set(file, parseObjects(fs.readFileSync(file, "utf8")));
  return structuredClone(manifests.get(file)!);
}

/** Built-in kinds that live outside namespaces (the rest of the built-ins are namespaced). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "APIService",
  "PriorityClass",
  "StorageClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "IngressClass",
  "RuntimeClass",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "CertificateSigningRequest",
]);

/** Whether a kind is namespaced: built-ins by the list above, custom kinds by their CRD's scope. */
export function namespacedKinds(objects: K8sObject[]): (o: K8sObject) => boolean {
  const crdScope = new Map<string, string>();
  for (const o of objects.filter((x) => x.kind === "CustomResourceDefinition")) {
    const spec = o.spec as { group: string; names: { kind: string }; scope: string };
    crdScope.set(`${spec.group}/${spec.names.kind}`, spec.scope);
  }
  return (o) => {
    const scope = crdScope.get(`${apiGroupOf(o.apiVersion)}/${o.kind}`);
    if (scope) return scope === "Namespaced";
    // Custom kinds whose CRD the stack does not install: `Cluster*` ones (cert-manager's ClusterIssuer) are cluster-wide.
    if (o.kind.startsWith("Cluster")) return false;
    return !CLUSTER_SCOPED.has(o.kind);
  };
}

export interface Deployed {
  objects: DeployedObject[];
  /** Releases helm refused to render, with helm's message (their objects are missing above). */
  renderErrors: string[];
}

/**
 * The objects of every release and manifest in a run, and the program's own, each with its source.
 * `mirror`: the stack's image mirror, for the manifest objects. The program rewrites their images with
 * a transform on the ConfigFile, which the mocks do not run: the same function is applied here.
 */
export function deployedObjects(run: StackRun, kubeVersion = kubeVersionOf(run), mirror?: Mirror): Deployed {
  const out: DeployedObject[] = [];
  const renderErrors: string[] = [];
  for (const r of run.resources) {
    if (isK8sObject(r)) {
      out.push({ object: r.inputs as unknown as K8sObject, source: { kind: "program", name: r.name, resource: r } });
    } else if (r.type === "kubernetes:helm.sh/v3:Release") {
      const namespace = String(r.inputs.namespace ?? "default");
      let objs: K8sObject[];
      try {
        objs = renderRelease(r, kubeVersion);
      } catch (e) {
        renderErrors.push((e as Error).message);
        continue;
      }
      const namespaced = namespacedKinds(objs);
      for (const object of objs) {
        // Helm installs a namespaced object without a namespace into the release's namespace.
        if (namespaced(object) && !object.metadata?.namespace)
          object.metadata = { ...(object.metadata ?? {}), namespace };
        out.push({ object, source: { kind: "release", name: String(r.inputs.name), resource: r } });
      }
    } else if (r.type === "kubernetes:yaml/v2:ConfigFile") {
      const location = String(r.inputs.file);
      const { name, objects } = manifest(location);
      for (const object of objects)
        out.push({ object: mirrorManifestObject(object, mirror), source: { kind: "manifest", name, resource: r } });
    }
  }
  return { objects: out, renderErrors };
}

/** `release kong: Deployment dp-gateway/kong-kong`, the way every chart check names an object. */
export const describe = (d: DeployedObject) =>
  `${d.source.kind === "program" ? "program" : `${d.source.kind} ${d.source.name}`}: ${d.object.kind} ${
    d.object.metadata?.namespace ? `${d.object.metadata.namespace}/` : ""
  }${d.object.metadata?.name ?? "(unnamed)"}`;
