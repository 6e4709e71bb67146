/**
 * Where a datastore custom resource's members may run, read from its operator's own placement
 * fields. Both views of a store use it: its members as workloads (capacity, the picture) and its
 * quorum after a zone's loss (quorum/).
 */
import { placementOf, Placement, ZONE_KEY } from "./placement";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** The labels a spec's first required anti-affinity term selects: its own pods (Redis, Prometheus). */
const ownAntiAffinityLabels = (s: Any): Record<string, string> =>
  s.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]?.labelSelector?.matchLabels ?? {};

/**
 * The placement of the members of `o`; `part` picks the replica set, node set or pool of stores that
 * have several (PerconaServerMongoDB, Elasticsearch, Tenant), in the order of their spec.
 */
export function memberPlacement(o: Any, part = 0): Placement {
  const s = o.spec ?? {};
  switch (o.kind) {
    case "Cluster": {
      // CloudNativePG's default is preferred anti-affinity per host (`spec.affinity`).
      if (!o.apiVersion?.startsWith("postgresql.cnpg.io/")) return {};
      const a = s.affinity ?? {};
      const onZone = (a.topologyKey ?? "kubernetes.io/hostname") === ZONE_KEY && a.enablePodAntiAffinity !== false;
      return {
        zoneAntiAffinity: onZone ? (a.podAntiAffinityType === "required" ? "required" : "preferred") : undefined,
      };
    }
    case "PerconaServerMongoDB": {
      const r = s.replsets?.[part] ?? {};
      return r.affinity?.antiAffinityTopologyKey === ZONE_KEY ? { zoneAntiAffinity: "required" } : placementOf(r);
    }
    case "Elasticsearch": {
      // ECK's zoneAwareness spreads a node set over the zones (DoNotSchedule, maxSkew 1) and sets awareness.
      const n = s.nodeSets?.[part] ?? {};
      return n.zoneAwareness ? { hardZoneSkew: 1 } : placementOf(n.podTemplate?.spec ?? {});
    }
    case "Tenant":
      return placementOf(s.pools?.[part] ?? {}, { "v1.min.io/tenant": o.metadata.name });
    case "RabbitmqCluster":
      return placementOf(s, { "app.kubernetes.io/name": o.metadata.name });
    case "RedisReplication":
    case "RedisSentinel":
    case "Prometheus":
    case "Alertmanager":
      return placementOf(s, ownAntiAffinityLabels(s));
    default:
      return {};
  }
}
