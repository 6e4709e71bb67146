/**
 * Pod templates of Kubernetes workloads. The project's test harness has its own reader of the same
 * fields (tests/harness/pod-security.ts); this one lives in the policy pack because the pack is its
 * own package, run by the Pulumi CLI without the project's sources.
 */
import { kubeKind, Resource } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"];

export function podSpec(r: Resource): Any | undefined {
  const kind = kubeKind(r.type);
  const spec = r.props.spec;
  if (kind === "Pod") return spec;
  if (kind === "CronJob") return spec?.jobTemplate?.spec?.template?.spec;
  return kind && WORKLOAD_KINDS.includes(kind) ? spec?.template?.spec : undefined;
}

export function podLabels(r: Resource): Record<string, string> {
  const kind = kubeKind(r.type);
  if (kind === "Pod") return r.props.metadata?.labels ?? {};
  if (kind === "CronJob") return r.props.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return r.props.spec?.template?.metadata?.labels ?? {};
}

/** Every container of a pod spec with where it sits: `containers[0]`, `initContainers[1]`. */
export function containers(spec: Any): { path: string; c: Any }[] {
  const out: { path: string; c: Any }[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"])
    (spec?.[field] ?? []).forEach((c: Any, i: number) =>
      out.push({ path: `${field}[${i}] ${c.name ?? ""}`.trim(), c }),
    );
  return out;
}

export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

export const ZONE_KEY = "topology.kubernetes.io/zone";

/** Whether a pod spec keeps its replicas apart by zone with a hard rule. */
export function hardZoneRule(spec: Any): boolean {
  const spread = (spec?.topologySpreadConstraints ?? []).some(
    (c: Any) => c.topologyKey === ZONE_KEY && c.whenUnsatisfiable === "DoNotSchedule",
  );
  const anti = (spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
    (t: Any) => t.topologyKey === ZONE_KEY,
  );
  return spread || anti;
}
