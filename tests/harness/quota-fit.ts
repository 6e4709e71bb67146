/**
 * Whether each namespace's ResourceQuota holds what the stack runs there at the autoscalers' maximum:
 * the pods of every workload (the program's and the charts'), and the members of every datastore
 * custom resource, with the namespace's LimitRange defaults applied to containers that declare no
 * resources (as the LimitRanger admission plugin does before the quota is charged). The quota
 * admission plugin refuses a pod that would exceed it: a Deployment then stays short of replicas and
 * an `atomic` release rolls back.
 *
 * Out of scope, said in the result: containers an operator injects into the pods it creates (sidecars,
 * init containers) beyond those the custom resource declares, and a rolling update's surge pods.
 */
import { quantityToNumber } from "../../config/quantities";
import type { DeployedObject } from "./charts";
import { podSpecOf } from "./pod-security";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Usage {
  requestsCpu: number;
  requestsMemory: number;
  limitsCpu: number;
  limitsMemory: number;
  pods: number;
}

export interface Defaults {
  request: { cpu?: number; memory?: number };
  limit: { cpu?: number; memory?: number };
}

const q = (v: unknown) => (v === undefined || v === null ? undefined : quantityToNumber(String(v)));

/** One container's effective requests and limits after LimitRange defaulting. */
function containerUsage(c: Any, d: Defaults) {
  const r = c?.resources ?? {};
  const limCpu = q(r.limits?.cpu) ?? d.limit.cpu ?? 0;
  const limMem = q(r.limits?.memory) ?? d.limit.memory ?? 0;
  // A container with a limit and no request is given its limit as request; otherwise the default request.
  const reqCpu = q(r.requests?.cpu) ?? (q(r.limits?.cpu) !== undefined ? limCpu : (d.request.cpu ?? 0));
  const reqMem = q(r.requests?.memory) ?? (q(r.limits?.memory) !== undefined ? limMem : (d.request.memory ?? 0));
  return { requestsCpu: reqCpu, requestsMemory: reqMem, limitsCpu: limCpu, limitsMemory: limMem };
}

/** A pod's charge against the quota: its containers summed, or its largest init container where larger. */
export function podUsage(spec: Any, d: Defaults): Usage {
  const sum = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  for (const c of spec.containers ?? []) {
    const u = containerUsage(c, d);
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += u[k];
  }
  for (const c of spec.initContainers ?? []) {
    const u = containerUsage(c, d);
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] = Math.max(sum[k], u[k]);
  }
  return { ...sum, pods: 1 };
}

/** The HPA or KEDA ScaledObject that scales a workload, if any. */
export function autoscalerOf(o: Any, all: Any[]): Any | undefined {
  const ns = o.metadata.namespace;
  return all.find(
    (a) =>
      (a.kind === "HorizontalPodAutoscaler" || a.kind === "ScaledObject") &&
      a.metadata?.namespace === ns &&
      a.spec.scaleTargetRef?.name === o.metadata.name &&
      (a.spec.scaleTargetRef.kind ?? "Deployment") === o.kind,
  );
}

/** Replicas of a workload at the autoscalers' maximum (HPA or KEDA ScaledObject naming it). */
export function maxReplicas(o: Any, all: Any[], nodes: number): number {
  if (o.kind === "DaemonSet") return nodes;
  if (o.kind === "Job" || o.kind === "CronJob") return 1;
  const a = autoscalerOf(o, all);
  if (a) return a.spec.maxReplicas ?? a.spec.maxReplicaCount ?? 100;
  return o.spec?.replicas ?? 1;
}

/** Replicas of a workload at rest: the autoscaler's minimum (KEDA's default is 0, an HPA's 1), or `replicas`. */
export function minReplicas(o: Any, all: Any[], nodes: number): number {
  if (o.kind === "DaemonSet") return nodes;
  if (o.kind === "Job" || o.kind === "CronJob") return 0;
  const a = autoscalerOf(o, all);
  if (a) return a.kind === "ScaledObject" ? (a.spec.minReplicaCount ?? 0) : (a.spec.minReplicas ?? 1);
  return o.spec?.replicas ?? 1;
}

/** Members and the pod spec each runs, for the datastore custom resources (their main containers). */
export function datastorePods(o: Any): { count: number; spec: Any }[] {
  const s = o.spec ?? {};
  const container = (resources: Any, extra: Any[] = []) => ({ containers: [{ resources }, ...extra] });
  switch (o.kind) {
    case "Cluster": // CloudNativePG
      return [{ count: s.instances ?? 1, spec: container(s.resources) }];
    case "RedisReplication":
    case "RedisSentinel":
      return [
        {
          count: s.clusterSize ?? 1,
          spec: container(
            s.kubernetesConfig?.resources,
            s.redisExporter?.enabled ? [{ resources: s.redisExporter.resources }] : [],
          ),
        },
      ];
    case "PerconaServerMongoDB":
      return (s.replsets ?? []).map((r: Any) => ({
        count: r.size ?? 3,
        spec: {
          containers: [
            { resources: r.resources },
            ...(r.sidecars ?? []),
            ...(s.backup?.enabled ? [{ resources: s.backup.resources }] : []),
          ],
        },
      }));
    case "RabbitmqCluster":
      return [{ count: s.replicas ?? 1, spec: container(s.resources) }];
    case "Elasticsearch":
      return (s.nodeSets ?? []).map((n: Any) => ({
        count: n.count ?? 1,
        spec: n.podTemplate?.spec ?? { containers: [{}] },
      }));
    case "Tenant":
      return (s.pools ?? []).map((p: Any) => ({ count: p.servers ?? 1, spec: container(p.resources) }));
    case "Prometheus":
    case "Alertmanager":
      return [{ count: s.replicas ?? 1, spec: container(s.resources) }];
    default:
      return [];
  }
}

/** Each namespace's LimitRange container defaults, as the LimitRanger admission plugin applies them. */
export function limitRangeDefaults(all: Any[]): Map<string, Defaults> {
  const defaults = new Map<string, Defaults>();
  for (const lr of all.filter((o) => o.kind === "LimitRange")) {
    const c = (lr.spec.limits ?? []).find((l: Any) => l.type === "Container") ?? {};
    defaults.set(lr.metadata.namespace, {
      request: { cpu: q(c.defaultRequest?.cpu), memory: q(c.defaultRequest?.memory) },
      limit: { cpu: q(c.default?.cpu), memory: q(c.default?.memory) },
    });
  }
  return defaults;
}

export interface QuotaFit {
  namespace: string;
  quota: Usage;
  used: Usage;
  /** `resource: used > hard` for every quota line the namespace's pods exceed. */
  over: string[];
  /** What counts, largest first: `what xN: cpu request, memory request` for the message. */
  pods: string[];
}

const HARD: Record<string, keyof Usage> = {
  "requests.cpu": "requestsCpu",
  "requests.memory": "requestsMemory",
  "limits.cpu": "limitsCpu",
  "limits.memory": "limitsMemory",
  pods: "pods",
};

/** Each quota'd namespace: its quota, what its pods use at the maximum, and where it does not fit. */
export function quotaFits(deployed: DeployedObject[], nodes: number): QuotaFit[] {
  const all = deployed.map((d) => d.object) as Any[];
  const defaults = limitRangeDefaults(all);
  const out: QuotaFit[] = [];
  for (const rq of all.filter((o) => o.kind === "ResourceQuota")) {
    const ns = rq.metadata.namespace;
    const d = defaults.get(ns) ?? { request: {}, limit: {} };
    const used: Usage = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
    const pods: { what: string; cpu: number; line: string }[] = [];
    const charge = (what: string, count: number, spec: Any) => {
      const u = podUsage(spec, d);
      for (const k of Object.keys(used) as (keyof Usage)[]) used[k] += u[k] * count;
      pods.push({
        what,
        cpu: u.limitsCpu * count,
        line: `${what} x${count}: each requests ${u.requestsCpu} cpu and ${mi(u.requestsMemory)}, limits ${u.limitsCpu} cpu and ${mi(u.limitsMemory)}`,
      });
    };
    for (const o of all.filter((x) => x.metadata?.namespace === ns)) {
      const spec = podSpecOf(o);
      if (spec) charge(`${o.kind} ${o.metadata.name}`, maxReplicas(o, all, nodes), spec);
      else for (const p of datastorePods(o)) charge(`${o.kind} ${o.metadata.name}`, p.count, p.spec);
    }
    const quota: Usage = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
    const over: string[] = [];
    for (const [hardKey, k] of Object.entries(HARD)) {
      const hard = q(rq.spec.hard?.[hardKey]);
      if (hard === undefined) continue;
      quota[k] = hard;
      // A rounding margin: quantities are compared in bytes and cores.
      if (used[k] > hard * 1.000001) over.push(`${hardKey}: ${round(used[k], k)} needed > ${rq.spec.hard[hardKey]}`);
    }
    pods.sort((a, b) => b.cpu - a.cpu);
    out.push({ namespace: ns, quota, used, over, pods: pods.map((p) => p.line) });
  }
  return out;
}

const mi = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;

const round = (v: number, k: keyof Usage) =>
  k.endsWith("Memory") ? `${Math.ceil(v / 2 ** 30)}Gi` : k === "pods" ? String(v) : String(Math.round(v * 1000) / 1000);
