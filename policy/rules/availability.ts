/** High availability: replicas, zone spread, disruption budgets and autoscaler ownership. */
import { hardZoneRule, podLabels, podSpec, selects, ZONE_KEY } from "./pods";
import { kubeKind, nameOf, Resource, Rule, Stack } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Each autoscaler (HPA or KEDA ScaledObject) with the workload it scales and its minimum. */
function autoscaled(stack: Stack): { scaler: Resource; target?: Resource; min: number }[] {
  return stack.objects("HorizontalPodAutoscaler", "ScaledObject").map((scaler) => {
    const ref = scaler.props.spec?.scaleTargetRef ?? {};
    const ns = scaler.props.metadata?.namespace;
    const target = stack
      .objects(ref.kind ?? "Deployment")
      .find((w) => w.props.metadata?.namespace === ns && w.props.metadata?.name === ref.name);
    const keda = kubeKind(scaler.type) === "ScaledObject";
    const min = keda ? (scaler.props.spec?.minReplicaCount ?? 0) : (scaler.props.spec?.minReplicas ?? 1);
    return { scaler, target, min };
  });
}

export const productionReplicas: Rule = {
  name: "three-replicas-in-production",
  group: "availability",
  description:
    "In production every autoscaled workload (HPA or KEDA) keeps at least 3 replicas, one per zone, so losing a zone or a node never leaves it with none. Raise `minReplicas` (services: `dedicated-platform:services.<name>.minReplicas`).",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack.environment !== "production"
      ? []
      : autoscaled(stack)
          .filter((a) => a.min < 3)
          .map((a) => ({ urn: a.scaler.urn, message: `${nameOf(a.scaler)}: minimum ${a.min} replicas in production` })),
};

export const zoneSpread: Rule = {
  name: "autoscaled-spread-over-zones",
  group: "availability",
  description:
    "Every autoscaled workload spreads its replicas over the zones with a hard rule (topology spread `DoNotSchedule` on topology.kubernetes.io/zone, or required zone anti-affinity), so no zone holds them all.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    autoscaled(stack)
      .filter((a) => a.target && !hardZoneRule(podSpec(a.target)))
      .map((a) => ({ urn: a.target!.urn, message: `${nameOf(a.target!)}: no hard spread over ${ZONE_KEY}` })),
};

/** Whether a PodDisruptionBudget can ever allow an eviction for a workload of `replicas`. */
export function pdbBlocksDrain(pdb: Any, replicas: number): boolean {
  const s = pdb.spec ?? {};
  const asCount = (v: unknown) =>
    typeof v === "string" && v.endsWith("%") ? Math.ceil((Number(v.slice(0, -1)) / 100) * replicas) : Number(v);
  if (s.maxUnavailable !== undefined) return asCount(s.maxUnavailable) < 1;
  if (s.minAvailable !== undefined) return asCount(s.minAvailable) >= replicas;
  return false;
}

export const disruptionBudgets: Rule = {
  name: "pdb-allows-one-disruption",
  group: "availability",
  description:
    "Every autoscaled workload has a PodDisruptionBudget that allows one disruption at its minimum replicas: a node drain or upgrade proceeds one pod at a time and is never blocked.",
  severity: "medium",
  enforcementLevel: "mandatory",
  check: (stack) =>
    autoscaled(stack).flatMap((a) => {
      if (!a.target || a.min < 1) return [];
      const labels = podLabels(a.target);
      const pdbs = stack
        .objects("PodDisruptionBudget")
        .filter(
          (p) =>
            p.props.metadata?.namespace === a.target!.props.metadata?.namespace &&
            selects(p.props.spec?.selector?.matchLabels, labels),
        );
      if (pdbs.length === 0)
        return [{ urn: a.target.urn, message: `${nameOf(a.target)}: no PodDisruptionBudget selects it` }];
      return pdbs
        .filter((p) => pdbBlocksDrain(p.props, Math.max(a.min, 1)))
        .map((p) => ({
          urn: p.urn,
          message: `${nameOf(p)}: allows no disruption at ${a.min} replicas, so it blocks every drain`,
        }));
    }),
};

export const autoscalerOwnsReplicas: Rule = {
  name: "autoscaler-owns-replicas",
  group: "availability",
  description:
    "A workload an autoscaler scales declares no `spec.replicas`: each `pulumi up` would otherwise reset it to that number, scaling in under load.",
  severity: "medium",
  enforcementLevel: "mandatory",
  check: (stack) =>
    autoscaled(stack)
      .filter((a) => a.target?.origin === "program" && a.target.props.spec?.replicas !== undefined)
      .map((a) => ({
        urn: a.target!.urn,
        message: `${nameOf(a.target!)}: sets spec.replicas while ${nameOf(a.scaler)} scales it`,
      })),
};

/** Whether a datastore custom resource keeps its members one per zone. */
export function datastoreOnePerZone(r: Resource): boolean | undefined {
  const s = r.props.spec ?? {};
  const requiredZone = (affinity: Any) =>
    (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
      (t: Any) => t.topologyKey === ZONE_KEY,
    );
  switch (kubeKind(r.type)) {
    case "Cluster":
      return r.type.includes("postgresql.cnpg.io")
        ? s.affinity?.topologyKey === ZONE_KEY && s.affinity?.podAntiAffinityType === "required"
        : undefined;
    case "PerconaServerMongoDB":
      return (s.replsets ?? []).every((rs: Any) => rs.affinity?.antiAffinityTopologyKey === ZONE_KEY);
    case "RedisReplication":
    case "RedisSentinel":
    case "RabbitmqCluster":
      return requiredZone(s.affinity);
    case "Elasticsearch":
      return (s.nodeSets ?? []).every((n: Any) => !!n.zoneAwareness);
    case "Tenant":
      return (s.pools ?? []).every((p: Any) => requiredZone(p.affinity) || hardZoneRule(p));
    default:
      return undefined;
  }
}

export const datastoresPerZone: Rule = {
  name: "datastores-one-member-per-zone",
  group: "availability",
  description:
    "Every datastore keeps one member per zone (required zone anti-affinity, or the operator's zone awareness), so a zone's loss takes one member and the store keeps its quorum.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack.resources
      .filter((r) => datastoreOnePerZone(r) === false)
      .map((r) => ({ urn: r.urn, message: `${nameOf(r)}: members are not kept one per zone` })),
};

export const AVAILABILITY_RULES = [
  productionReplicas,
  zoneSpread,
  disruptionBudgets,
  autoscalerOwnsReplicas,
  datastoresPerZone,
];
