/**
 * Validates built-in Kubernetes objects against the Kubernetes OpenAPI schema, through the
 * validators `kubernetes-models` generates from it (types, formats, required fields, enums).
 */
import type { K8sObject } from "./query";

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

const cache = new Map<string, ModelClass | null>();

/** `apps/v1` + `Deployment` -> the kubernetes-models module path. Core (`v1`) lives at the top. */
function modulePath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function load(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const key = `${apiVersion}/${kind}`;
  if (!cache.has(key)) {
    try {
      // kubernetes-models is ESM-only: a real dynamic import.
      const mod = (await import(modulePath(apiVersion, kind))) as Record<string, ModelClass>;
      cache.set(key, mod[kind] ?? null);
    } catch {
      cache.set(key, null);
    }
  }
  return cache.get(key) ?? null;
}

/** True where kubernetes-models knows the kind, i.e. it is a built-in Kubernetes API. */
export async function isBuiltIn(obj: K8sObject): Promise<boolean> {
  return (await load(obj.apiVersion, obj.kind)) !== null;
}

/** Returns the schema errors of a built-in object (empty when valid); throws if the kind is not built in. */
export async function k8sSchemaErrors(obj: K8sObject): Promise<string[]> {
  const Model = await load(obj.apiVersion, obj.kind);
  if (!Model) throw new Error(`${obj.apiVersion} ${obj.kind} is not a built-in Kubernetes kind`);
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** True where the kind is a built-in Kubernetes API (by apiVersion and kind). */
export const isBuiltInKind = (apiVersion: string, kind: string) => isBuiltIn({ apiVersion, kind, metadata: {} });
