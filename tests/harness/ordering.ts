/**
 * Install order: a custom resource must wait for whatever installs its CRD, or the API server does not
 * know its kind yet (and on a first preview the provider cannot even tell whether it is namespaced).
 * The same holds for a chart or manifest whose objects include another's kinds (the RabbitMQ manifest's
 * cert-manager Certificates). A resource waits for what it depends on, for every descendant of a
 * component it depends on, and for everything those wait for.
 */
import type { DeployedObject } from "./charts";
import { isBuiltInKind } from "./k8s-schema";
import { apiGroupOf } from "./query";
import type { CapturedResource, StackRun } from "./run-stack";

/** `group/Kind` -> the captured resource that installs its CRD. */
function crdInstallers(deployed: DeployedObject[]): Map<string, CapturedResource> {
  const out = new Map<string, CapturedResource>();
  for (const d of deployed) {
    if (d.object.kind !== "CustomResourceDefinition") continue;
    const spec = d.object.spec as { group: string; names: { kind: string } };
    out.set(`${spec.group}/${spec.names.kind}`, d.source.resource);
  }
  return out;
}

/** Everything a resource waits for before it is created. */
export function waitsFor(run: StackRun): (urn: string) => Set<string> {
  const children = new Map<string, string[]>();
  for (const r of run.resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const descendants = (urn: string): string[] => (children.get(urn) ?? []).flatMap((c) => [c, ...descendants(c)]);
  const memo = new Map<string, Set<string>>();
  const closure = (urn: string): Set<string> => {
    const cached = memo.get(urn);
    if (cached) return cached;
    const out = new Set<string>();
    memo.set(urn, out); // a cycle stops here
    for (const d of byUrn.get(urn)?.dependsOn ?? []) {
      for (const x of [d, ...descendants(d)]) {
        out.add(x);
        for (const y of closure(x)) out.add(y);
      }
    }
    return out;
  };
  return closure;
}

/** `what: kind group/Kind is installed by X, which it does not wait for` for every ordering gap. */
export async function orderingProblems(run: StackRun, deployed: DeployedObject[]): Promise<string[]> {
  const installers = crdInstallers(deployed);
  const closure = waitsFor(run);
  const out = new Set<string>();
  for (const d of deployed) {
    const o = d.object;
    if (o.kind === "CustomResourceDefinition" || (await isBuiltInKind(o.apiVersion, o.kind))) continue;
    const key = `${apiGroupOf(o.apiVersion)}/${o.kind}`;
    const installer = installers.get(key);
    const who =
      d.source.kind === "program"
        ? `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`
        : `${d.source.kind} ${d.source.name}`;
    if (!installer) {
      out.add(`${who}: nothing the stack deploys installs the CRD of ${key}`);
      continue;
    }
    if (installer.urn === d.source.resource.urn) continue; // a chart's own CRDs: helm installs them first
    // A manifest's kinds are resolved by the provider when it expands the manifest, also on a first
    // preview, from the CRDs it applies itself (a ConfigFile's, a CustomResourceDefinition resource's),
    // never from a Helm release's, which it does not see: on a new cluster that preview fails.
    if (d.source.kind === "manifest" && installer.type === "kubernetes:helm.sh/v3:Release")
      out.add(
        `${who}: ${key} comes from Helm release ${installer.name}, which the provider cannot see on a first preview; apply that CRD as a manifest or a CustomResourceDefinition it depends on`,
      );
    if (!closure(d.source.resource.urn).has(installer.urn))
      out.add(`${who}: ${key} is installed by ${installer.name}, which it does not wait for (dependsOn)`);
  }
  return [...out];
}
