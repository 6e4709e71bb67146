/**
 * The capacity envelope per zone: what the workloads request at every autoscaler's maximum, and at
 * rest, against what the node pools can hold at their maximum (and minimum) nodes per zone, with
 * every zone and with one zone lost. Counts are per zone on every cloud: the seam (providers/types.ts)
 * converts each cloud's own meaning (AKS pool counts are totals, GKE's and EKS's per zone).
 *
 * Pods that do not tolerate the clouds' system-pool taint run on workload pools only; DaemonSet pods
 * take their requests from every node they run on. A replica's zone is the even spread its rules make
 * likely (a hard spread or anti-affinity enforces it; otherwise it is the scheduler's default spread).
 */
import type { NodePoolInfo } from "../../providers/types";
import { eligibleZones, evenPerZone, runnable } from "./placement";
import type { Workload } from "./workloads";

export interface Resources {
  cpu: number;
  memory: number;
}

export interface ZoneCapacity {
  zone: string;
  /** Requests of the replicas this zone holds at the maximum / at rest. */
  demandMax: Resources;
  demandMin: Resources;
  /** Of which only workload pools may run (no system-pool toleration). */
  workloadOnlyMax: Resources;
  /** What the pools' maximum (and minimum) nodes in this zone hold, DaemonSets taken off. */
  capacityMax: Resources;
  capacityMin: Resources;
  workloadPoolsMax: Resources;
}

export interface CapacityEnvelope {
  /** False where a pool's allocatable is unknown (an `existing` pool that declares none). */
  known: boolean;
  unknownPools: string[];
  zones: ZoneCapacity[];
  /** With `lost` gone: the remaining zones at rest, and the share of the maximum they can hold. */
  oneZoneLost: { lost: string; demandMin: Resources; capacityMax: Resources; shareOfMax: number }[];
  /** Pods larger than any node they may run on. */
  tooLarge: string[];
}

const zero = (): Resources => ({ cpu: 0, memory: 0 });
const add = (a: Resources, b: Resources, k = 1) => ({ cpu: a.cpu + b.cpu * k, memory: a.memory + b.memory * k });
export const fits = (demand: Resources, capacity: Resources) =>
  demand.cpu <= capacity.cpu * 1.000001 && demand.memory <= capacity.memory * 1.000001;

/** Requests of the DaemonSet pods on one node of a pool (system pools: only those that tolerate the taint). */
function daemonOverhead(workloads: Workload[], pool: NodePoolInfo, tainted: boolean): Resources {
  return workloads
    .filter((w) => w.daemon && (!tainted || pool.role !== "system" || w.placement.toleratesSystemPool))
    .reduce((acc, w) => add(acc, w.requests), zero());
}

export function capacityEnvelope(
  workloads: Workload[],
  pools: NodePoolInfo[],
  zones: string[],
  cloud: string,
): CapacityEnvelope {
  const tainted = cloud !== "existing";
  const unknownPools = pools.filter((p) => !p.allocatable).map((p) => p.name);
  const nodeFree = (p: NodePoolInfo) => {
    const alloc = p.allocatable ?? { cpu: 0, memory: 0 };
    const ds = daemonOverhead(workloads, p, tainted);
    return { cpu: Math.max(alloc.cpu - ds.cpu, 0), memory: Math.max(alloc.memory - ds.memory, 0) };
  };
  const usable = (w: Workload, p: NodePoolInfo) => !tainted || p.role !== "system" || !!w.placement.toleratesSystemPool;
  const replicas = (w: Workload) => !w.daemon;
  const poolSum = (zs: string, which: "maxPerZone" | "minPerZone", filter: (p: NodePoolInfo) => boolean) =>
    pools
      .filter((p) => filter(p) && (p.zones.length === 0 || p.zones.includes(zs)))
      .reduce((acc, p) => add(acc, nodeFree(p), p[which]), zero());
  const demandIn = (zone: string, count: (w: Workload) => number, within: string[], only?: (w: Workload) => boolean) =>
    workloads
      .filter((w) => replicas(w) && (!only || only(w)) && eligibleZones(w.placement, within).includes(zone))
      .reduce((acc, w) => add(acc, w.requests, evenPerZone(count(w), w.placement, within)), zero());
  const onlyWorkloadPools = (w: Workload) => tainted && !w.placement.toleratesSystemPool;

  const perZone: ZoneCapacity[] = zones.map((zone) => ({
    zone,
    demandMax: demandIn(zone, (w) => w.max, zones),
    demandMin: demandIn(zone, (w) => w.min, zones),
    workloadOnlyMax: demandIn(zone, (w) => w.max, zones, onlyWorkloadPools),
    capacityMax: poolSum(zone, "maxPerZone", () => true),
    capacityMin: poolSum(zone, "minPerZone", () => true),
    workloadPoolsMax: poolSum(zone, "maxPerZone", (p) => p.role === "workload" || !tainted),
  }));

  const oneZoneLost = zones.map((lost) => {
    const remaining = zones.filter((z) => z !== lost);
    let demandMin = zero();
    let demandMax = zero();
    for (const zone of remaining) {
      // The lost zone's replicas come back in the remaining zones where their rules allow it.
      demandMin = add(
        demandMin,
        demandIn(zone, (w) => runnable(w.min, w.placement, remaining), remaining),
      );
      demandMax = add(
        demandMax,
        demandIn(zone, (w) => runnable(w.max, w.placement, remaining), remaining),
      );
    }
    const capacityMax = remaining.reduce(
      (acc, z) =>
        add(
          acc,
          poolSum(z, "maxPerZone", () => true),
        ),
      zero(),
    );
    const share = Math.min(
      1,
      demandMax.cpu ? capacityMax.cpu / demandMax.cpu : 1,
      demandMax.memory ? capacityMax.memory / demandMax.memory : 1,
    );
    return { lost, demandMin, capacityMax, shareOfMax: share };
  });

  const tooLarge: string[] = [];
  if (unknownPools.length === 0)
    for (const w of workloads.filter(replicas)) {
      const candidates = pools.filter((p) => usable(w, p)).map(nodeFree);
      if (!candidates.some((free) => fits(w.requests, free)))
        tooLarge.push(
          `${w.id}: one pod requests ${w.requests.cpu} cpu and ${gib(w.requests.memory)}, more than any node it may run on`,
        );
    }
  return { known: unknownPools.length === 0, unknownPools, zones: perZone, oneZoneLost, tooLarge };
}

export const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
