/**
 * How many of a workload's replicas one zone can hold at worst, from the placement rules the
 * scheduler enforces (hard rules bound it; soft rules only make an even spread likely). The model
 * behind `npm run verify`'s zone-loss table.
 *
 * Kubernetes semantics (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/):
 * - a `DoNotSchedule` spread on the zone key with maxSkew k keeps every zone within k of the emptiest:
 *   n replicas over Z zones put at most floor((n + (Z-1)k) / Z) in one zone;
 * - required pod anti-affinity on the zone key puts at most one in a zone (replicas beyond the zone
 *   count stay Pending);
 * - a node selector or required node affinity on the zone key confines every replica to those zones;
 * - `ScheduleAnyway` spreads and preferred anti-affinity bound nothing: the worst case is every
 *   replica in one zone. The likely case is an even spread, for every workload: the scheduler's
 *   built-in default constraints spread a workload's pods over zones when it has room
 *   (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#internal-default-constraints).
 */

export const ZONE_KEY = "topology.kubernetes.io/zone";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Placement {
  /** maxSkew of a DoNotSchedule spread on the zone key. */
  hardZoneSkew?: number;
  /** Required (or preferred) pod anti-affinity on the zone key against its own pods. */
  zoneAntiAffinity?: "required" | "preferred";
  /** A ScheduleAnyway spread on the zone key. */
  softZoneSpread?: boolean;
  /** The zones a node selector or required node affinity allows; undefined is every zone. */
  zones?: string[];
  /** Tolerates the clouds' system-pool taint (CriticalAddonsOnly), so it may run on system nodes. */
  toleratesSystemPool?: boolean;
}

/** The zones a workload may run in. */
export const eligibleZones = (p: Placement, zones: string[]) =>
  p.zones ? zones.filter((z) => p.zones!.includes(z)) : zones;

/** Replicas that can run at all: required zone anti-affinity allows one per eligible zone. */
export function runnable(n: number, p: Placement, zones: string[]): number {
  const e = eligibleZones(p, zones).length;
  return p.zoneAntiAffinity === "required" ? Math.min(n, e) : e === 0 ? 0 : n;
}

/** At most this many of n replicas in any one zone, guaranteed by the hard rules. */
export function worstPerZone(n: number, p: Placement, zones: string[]): number {
  const e = eligibleZones(p, zones).length;
  const r = runnable(n, p, zones);
  if (r === 0) return 0;
  if (p.zoneAntiAffinity === "required") return 1;
  if (p.hardZoneSkew !== undefined) return Math.min(r, Math.floor((r + (e - 1) * p.hardZoneSkew) / e));
  return r;
}

/** The number of replicas an even spread puts in the fullest zone (what soft rules make likely). */
export const evenPerZone = (n: number, p: Placement, zones: string[]) =>
  Math.ceil(runnable(n, p, zones) / Math.max(eligibleZones(p, zones).length, 1));

export interface ZoneLoss {
  /** Replicas left at worst right after the loss (hard rules only). */
  guaranteed: number;
  /** Replicas left when the soft rules spread them evenly (what the scheduler will most likely have done). */
  likely: number;
  /** Replicas that run again once the controllers re-create the lost ones in the remaining zones. */
  recovered: number;
}

export function zoneLoss(n: number, p: Placement, zones: string[], lost: string): ZoneLoss {
  const eligible = eligibleZones(p, zones);
  const r = runnable(n, p, zones);
  if (!eligible.includes(lost)) return { guaranteed: r, likely: r, recovered: r };
  const remaining = zones.filter((z) => z !== lost);
  return {
    guaranteed: r - worstPerZone(n, p, zones),
    likely: r - Math.min(evenPerZone(n, p, zones), worstPerZone(n, p, zones)),
    recovered: runnable(n, { ...p, zones: eligible.filter((z) => z !== lost) }, remaining),
  };
}

/** The placement rules of a pod spec (and, for operators' custom resources, the equivalent fields). */
export function placementOf(spec: Any, ownLabels: Record<string, string> = {}): Placement {
  const p: Placement = {};
  for (const c of spec?.topologySpreadConstraints ?? []) {
    if (c.topologyKey !== ZONE_KEY) continue;
    if (c.whenUnsatisfiable === "DoNotSchedule") p.hardZoneSkew = Math.min(p.hardZoneSkew ?? Infinity, c.maxSkew ?? 1);
    else p.softZoneSpread = true;
  }
  const own = (term: Any) => {
    const sel = term?.labelSelector?.matchLabels ?? {};
    return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => ownLabels[k] === v);
  };
  const anti = spec?.affinity?.podAntiAffinity ?? {};
  if (
    (anti.requiredDuringSchedulingIgnoredDuringExecution ?? []).some((t: Any) => t.topologyKey === ZONE_KEY && own(t))
  )
    p.zoneAntiAffinity = "required";
  else if (
    (anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).some(
      (t: Any) => t.podAffinityTerm?.topologyKey === ZONE_KEY && own(t.podAffinityTerm),
    )
  )
    p.zoneAntiAffinity = "preferred";
  const selected = spec?.nodeSelector?.[ZONE_KEY];
  if (selected) p.zones = [selected];
  for (const term of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
    [])
    for (const e of term.matchExpressions ?? [])
      if (e.key === ZONE_KEY && e.operator === "In") p.zones = [...new Set([...(p.zones ?? []), ...e.values])];
  p.toleratesSystemPool = (spec?.tolerations ?? []).some((t: Any) =>
    t.operator === "Exists" && !t.key ? true : t.key === "CriticalAddonsOnly",
  );
  return p;
}
