/** Zone placement rules shared by the datastores: one replica per zone, and never two in one zone. */

export const ZONE_KEY = "topology.kubernetes.io/zone";
export const HOST_KEY = "kubernetes.io/hostname";

/** Required anti-affinity on the zone: no two matching pods in one zone (so N replicas need N zones). */
export function zoneAntiAffinity(matchLabels: Record<string, string>) {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels }, topologyKey: ZONE_KEY }],
    },
  };
}

/** Even spread over zones (hard) and nodes (soft), for workloads with more replicas than zones. */
export function zoneSpread(matchLabels: Record<string, string>) {
  return [
    { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
    { maxSkew: 1, topologyKey: HOST_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } },
  ];
}
