/**
 * Simulated nodes for a stack, and what the real controllers and scheduler make of its workloads on
 * them: where every pod runs, how replicas spread over the zones, and what a zone's loss does.
 */
import type { NodePoolInfo } from "../../providers/types";
import { KWOK_NODE_LABEL } from "../../scripts/cluster/control-plane";
export { stackPools } from "../harness/stack-pools";
import type { ApiClient } from "./apply";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const ZONE = "topology.kubernetes.io/zone";

/** Where a pool's allocatable is unknown (an `existing` pool that declares none): a common 8-core node. */
const DEFAULT_ALLOCATABLE = { cpu: 8, memory: 32 * 2 ** 30 };
/** At most this many simulated nodes per pool and zone (a pool's maximum may be large). */
const MAX_NODES_PER_POOL_ZONE = 8;

/** The Node objects: each pool's maximum per zone (no node autoscaler runs here), labelled as the clouds do. */
export function simulatedNodes(cloud: string, zones: string[], pools: NodePoolInfo[]): Any[] {
  const nodes: Any[] = [];
  for (const pool of pools) {
    const alloc = pool.allocatable ?? DEFAULT_ALLOCATABLE;
    const perZone = Math.min(Math.max(pool.maxPerZone, 1), MAX_NODES_PER_POOL_ZONE);
    for (const zone of pool.zones.length > 0 ? pool.zones : zones)
      for (let i = 0; i < perZone; i++) {
        const name = `${pool.name}-${zone}-${i}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
        nodes.push({
          apiVersion: "v1",
          kind: "Node",
          metadata: {
            name,
            labels: {
              [KWOK_NODE_LABEL]: "true",
              [ZONE]: zone,
              "kubernetes.io/hostname": name,
              "kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64",
              "dedicated-platform/pool": pool.name,
              "dedicated-platform/role": pool.role,
            },
            annotations: {
              "dedicated-platform.test/cpu": String(Math.floor(alloc.cpu * 1000)) + "m",
              "dedicated-platform.test/memory": String(Math.floor(alloc.memory / 2 ** 20)) + "Mi",
              // Every cloud node has local disk; pods that request ephemeral storage need it on the node.
              "dedicated-platform.test/ephemeral-storage": "100Gi",
            },
          },
          // The clouds keep platform workloads off their system pools with a taint (the existing target does not).
          spec:
            cloud !== "existing" && pool.role === "system"
              ? { taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }] }
              : {},
        });
      }
  }
  return nodes;
}

export interface Workload {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  /** Running pods per zone. */
  zones: Record<string, number>;
  /** Pods not Running, with the scheduler's reason when it gave one. */
  pending: string[];
  /** The labels of its pods (its template's), for the PodDisruptionBudgets that select them. */
  podLabels: Record<string, string>;
}

const podsPath = "/api/v1/pods";

/** Every Deployment, StatefulSet and DaemonSet of the given namespaces, with its pods. */
export async function workloads(client: ApiClient, namespaces: Set<string>): Promise<Workload[]> {
  const nodes = (await client.get<Any>("/api/v1/nodes")).items as Any[];
  const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.[ZONE] ?? "?"]));
  const pods = ((await client.get<Any>(podsPath)).items as Any[]).filter((p) => namespaces.has(p.metadata.namespace));
  const out: Workload[] = [];
  for (const [kind, path] of [
    ["Deployment", "/apis/apps/v1/deployments"],
    ["StatefulSet", "/apis/apps/v1/statefulsets"],
    ["DaemonSet", "/apis/apps/v1/daemonsets"],
  ] as const) {
    for (const w of (await client.get<Any>(path)).items as Any[]) {
      if (!namespaces.has(w.metadata.namespace)) continue;
      const selector = w.spec.selector?.matchLabels ?? {};
      const mine = pods.filter(
        (p) =>
          p.metadata.namespace === w.metadata.namespace &&
          !p.metadata.deletionTimestamp &&
          Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v) &&
          (p.metadata.ownerReferences ?? []).some((o: Any) => o.kind === (kind === "Deployment" ? "ReplicaSet" : kind)),
      );
      const zones: Record<string, number> = {};
      const pending: string[] = [];
      for (const p of mine) {
        // A pod still listed on a node that is gone serves nothing (the pod GC deletes it later).
        if (p.spec.nodeName && !zoneOf.has(p.spec.nodeName)) continue;
        if (p.status?.phase === "Running" && p.spec.nodeName)
          zones[zoneOf.get(p.spec.nodeName)!] = (zones[zoneOf.get(p.spec.nodeName)!] ?? 0) + 1;
        else {
          const unscheduled = (p.status?.conditions ?? []).find(
            (c: Any) => c.type === "PodScheduled" && c.status === "False",
          );
          pending.push(`${p.metadata.name}: ${unscheduled?.message ?? p.status?.phase ?? "no status"}`);
        }
      }
      const desired = kind === "DaemonSet" ? (w.status?.desiredNumberScheduled ?? 0) : (w.spec.replicas ?? 1);
      out.push({
        id: `${kind} ${w.metadata.namespace}/${w.metadata.name}`,
        kind,
        namespace: w.metadata.namespace,
        name: w.metadata.name,
        desired,
        ready: Object.values(zones).reduce((a, b) => a + b, 0),
        zones,
        pending,
        podLabels: w.spec.template?.metadata?.labels ?? {},
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Polls until every workload runs its desired replicas, and at least its HPA's minimum (`minimums`,
 * by workload id: the HPA controller acts on its own period), or the time is up; returns the last state.
 */
export async function settle(
  client: ApiClient,
  namespaces: Set<string>,
  seconds: number,
  done?: (w: Workload[]) => boolean,
  minimums: Map<string, number> = new Map(),
): Promise<Workload[]> {
  const until = Date.now() + seconds * 1000;
  let state = await workloads(client, namespaces);
  const settled =
    done ??
    ((ws: Workload[]) =>
      ws.length > 0 &&
      ws.every((w) => w.ready >= Math.max(w.desired, minimums.get(w.id) ?? 0) && w.pending.length === 0));
  while (!settled(state) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    state = await workloads(client, namespaces);
  }
  return state;
}

/** `Deployment ns/name -> minReplicas` for every HorizontalPodAutoscaler among the objects. */
export function hpaMinimums(
  objects: { kind: string; metadata: { namespace?: string }; spec?: unknown }[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of objects.filter((x) => x.kind === "HorizontalPodAutoscaler")) {
    const spec = o.spec as Any;
    out.set(
      `${spec.scaleTargetRef.kind ?? "Deployment"} ${o.metadata.namespace}/${spec.scaleTargetRef.name}`,
      spec.minReplicas ?? 1,
    );
  }
  return out;
}

/** Takes a zone away as an outage does: its nodes cordoned, then deleted (their pods go with them). */
export async function loseZone(client: ApiClient, zone: string): Promise<string[]> {
  const nodes = (
    (await client.get<Any>(`/api/v1/nodes?labelSelector=${encodeURIComponent(`${ZONE}=${zone}`)}`)).items as Any[]
  ).map((n) => n.metadata.name as string);
  for (const n of nodes) await client.send("PATCH", `/api/v1/nodes/${n}`, { spec: { unschedulable: true } });
  for (const n of nodes) await client.send("DELETE", `/api/v1/nodes/${n}`);
  return nodes;
}

export interface DrillRow {
  workload: string;
  before: number;
  after: number;
  desired: number;
  pending: string[];
  /** Whether its PodDisruptionBudget allowed losing the pods the zone held (voluntary-disruption view). */
  pdbAllowed?: boolean;
  serving: boolean;
}

/** Each workload before and after the loss; serving means at least one Running replica, and no fewer than the PDB guarantees. */
export function drillReport(before: Workload[], after: Workload[], zone: string, pdbs: Any[]): DrillRow[] {
  return before.map((b) => {
    const a = after.find((x) => x.id === b.id);
    const pdb = pdbs.find(
      (p) =>
        p.metadata.namespace === b.namespace &&
        Object.keys(p.spec.selector?.matchLabels ?? {}).length > 0 &&
        Object.entries(p.spec.selector.matchLabels).every(([k, v]) => b.podLabels[k] === v),
    );
    const lost = b.zones[zone] ?? 0;
    return {
      workload: b.id,
      before: b.ready,
      after: a?.ready ?? 0,
      desired: a?.desired ?? b.desired,
      pending: a?.pending ?? [],
      pdbAllowed: pdb ? (pdb.status?.disruptionsAllowed ?? 0) >= lost : undefined,
      serving: (a?.ready ?? 0) >= 1,
    };
  });
}
