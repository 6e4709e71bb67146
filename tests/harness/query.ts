/** Helpers to query a captured stack run. */
import assert from "node:assert/strict";
import type { CapturedResource, StackRun } from "./run-stack";

/** Captured inputs, read freely by the tests (the validators have already checked their shape). */
export type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Kubernetes object as the API server would receive it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, core `v1` -> "". */
export const apiGroupOf = (apiVersion: string) =>
  apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";

/** Types that declare one Kubernetes object per resource (not providers, Helm releases or YAML bundles). */
export function isK8sObject(r: CapturedResource): boolean {
  return (
    r.custom &&
    r.type.startsWith("kubernetes:") &&
    !r.type.startsWith("kubernetes:helm.sh/") &&
    !r.type.startsWith("kubernetes:yaml/") &&
    !r.type.startsWith("kubernetes:kustomize/")
  );
}

export const ofType = (run: StackRun, type: string) => run.resources.filter((r) => r.type === type);

/** Kubernetes objects of a kind (e.g. `NetworkPolicy`), optionally in one namespace. */
export function objects(run: StackRun, kind?: string, namespace?: string): K8sObject[] {
  return run.resources
    .filter(isK8sObject)
    .map((r) => r.inputs as unknown as K8sObject)
    .filter(
      (o) =>
        (kind === undefined || o.kind === kind) && (namespace === undefined || o.metadata?.namespace === namespace),
    );
}

/** The Kubernetes object of a kind with this name (in `namespace` when given); fails the test when there is none. */
export function named(run: StackRun, kind: string, name: string, namespace?: string): K8sObject & Inputs {
  const o = objects(run, kind, namespace).find((x) => x.metadata.name === name);
  assert.ok(o, `no ${kind} ${namespace ?? ""}/${name}`);
  return o as K8sObject & Inputs;
}

/** The one Kubernetes object of a kind (a custom resource the stack declares once); fails the test otherwise. */
export function soleObject(run: StackRun, kind: string): K8sObject & Inputs {
  const found = objects(run, kind);
  assert.equal(found.length, 1, `expected one ${kind}`);
  return found[0] as K8sObject & Inputs;
}

/** The namespaces a NetworkPolicy admits ingress from, one entry per peer of every rule. */
export function ingressSourceNamespaces(policy: Inputs): string[] {
  return policy.spec.ingress.flatMap((rule: Inputs) =>
    rule.from.map((peer: Inputs) => peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]),
  );
}

export function resourceOf(run: StackRun, obj: K8sObject): CapturedResource {
  const r = run.resources.find((res) => res.inputs === (obj as unknown));
  if (!r) throw new Error(`no captured resource for ${obj.kind}/${obj.metadata.name}`);
  return r;
}

export function byUrn(run: StackRun, urn: string): CapturedResource | undefined {
  return run.resources.find((r) => r.urn === urn);
}

/** The URN part of a provider reference (`<urn>::<id>`). */
export const providerUrn = (ref: string) => ref.slice(0, ref.lastIndexOf("::"));

/** Every ancestor URN of a resource, nearest first. */
export function ancestors(run: StackRun, r: CapturedResource): string[] {
  const out: string[] = [];
  for (let p = r.parent; p; p = byUrn(run, p)?.parent) out.push(p);
  return out;
}

/** True where the value at `at` (dot/bracket path) was a Pulumi secret, itself or inside a secret parent. */
export function isSecretAt(r: CapturedResource, at: string): boolean {
  return r.secretPaths.some((s) => at === s || at.startsWith(`${s}.`) || at.startsWith(`${s}[`));
}

/** True for a value the engine does not know yet (a preview before the resource exists). */
export const isUnknown = (v: unknown) =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>).__pulumiUnknown === true;
