/**
 * What the platform diagram shows, read from a captured stack run: namespaces, the workloads,
 * datastores and Helm releases in them (with replicas and zone placement), and the flows between
 * them that the NetworkPolicies admit on both sides.
 */
import { ES_POD_LABELS } from "../../components/data/elasticsearch";
import { MONGODB_POD_LABELS } from "../../components/data/mongodb";
import { TENANT_POD_LABELS } from "../../components/data/object-storage";
import { POSTGRES_POD_LABELS } from "../../components/data/data-layer";
import { RABBITMQ_POD_LABELS } from "../../components/data/rabbitmq";
import { ZONE_KEY } from "../../components/common/placement";
import { admittedPorts, Endpoint, flowAllowed, OUTSIDE } from "../../tests/harness/network-flows";
import { Inputs, K8sObject, objects, ofType } from "../../tests/harness/query";
import type { StackRun } from "../../tests/harness/run-stack";

export interface Box extends Endpoint {
  id: string;
  kind: "workload" | "datastore" | "release";
  title: string;
  /** Replicas, members or the autoscaler's range, and where they are placed. */
  detail: string[];
  /** Reachable only from inside the cluster (Elasticsearch): drawn as such, and checked by the tests. */
  internalOnly?: boolean;
}

export interface Flow {
  from: string;
  to: string;
  ports: number[];
}

export interface PlatformModel {
  customer: string;
  zones: string[];
  namespaces: { name: string; enforce?: string; boxes: Box[] }[];
  /** The boxes the load balancer's clients reach (the gateway's proxy). */
  entry: Flow[];
  /** Every box that something outside the pod network can reach, with the ports (webhooks included). */
  exposed: Flow[];
  flows: Flow[];
}

/** How each datastore's operator labels its pods, and how many members the custom resource asks for. */
const DATASTORES: Record<string, { labels: (o: Inputs) => Record<string, string>; members: (o: Inputs) => number }> = {
  Cluster: { labels: () => POSTGRES_POD_LABELS, members: (o) => o.spec.instances },
  RedisReplication: { labels: (o) => ({ app: o.metadata.name }), members: (o) => o.spec.clusterSize },
  RedisSentinel: { labels: (o) => ({ app: o.metadata.name }), members: (o) => o.spec.clusterSize },
  PerconaServerMongoDB: { labels: () => MONGODB_POD_LABELS, members: (o) => o.spec.replsets[0].size },
  RabbitmqCluster: { labels: () => RABBITMQ_POD_LABELS, members: (o) => o.spec.replicas },
  Elasticsearch: {
    labels: () => ES_POD_LABELS,
    members: (o) => o.spec.nodeSets.reduce((n: number, s: Inputs) => n + s.count, 0),
  },
  Tenant: {
    labels: () => TENANT_POD_LABELS,
    members: (o) => o.spec.pools.reduce((n: number, p: Inputs) => n + p.servers, 0),
  },
};

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];

/** Whether a spec spreads or separates its pods over zones, in words. */
function zonePlacement(spec: unknown, zones: number): string | undefined {
  const text = JSON.stringify(spec ?? {});
  if (!text.includes(ZONE_KEY)) return undefined;
  const hard =
    /"whenUnsatisfiable":"DoNotSchedule"[^}]*"topologyKey":"topology\.kubernetes\.io\/zone"|"topologyKey":"topology\.kubernetes\.io\/zone"[^}]*"whenUnsatisfiable":"DoNotSchedule"/.test(
      text,
    );
  // Required pod anti-affinity on the zone, as the Kubernetes field or as the operators spell it
  // (CloudNativePG `podAntiAffinityType: required`, Percona `antiAffinityTopologyKey`).
  if (
    /requiredDuringScheduling[^\]]*topology\.kubernetes\.io\/zone/.test(text) ||
    /"podAntiAffinityType":"required"/.test(text) ||
    /"antiAffinityTopologyKey":"topology\.kubernetes\.io\/zone"/.test(text)
  )
    return `one per zone (${zones} zones)`;
  return hard ? `spread over ${zones} zones` : `spread over zones (soft)`;
}

/** An HPA's or KEDA ScaledObject's replica range for the workload, when one scales it. */
function scaling(run: StackRun, kind: string, name: string, namespace?: string): string | undefined {
  for (const o of [...objects(run, "HorizontalPodAutoscaler"), ...objects(run, "ScaledObject")] as Inputs[]) {
    const ref = o.spec.scaleTargetRef;
    if (ref.name !== name || (ref.kind ?? "Deployment") !== kind || o.metadata.namespace !== namespace) continue;
    const min = o.spec.minReplicas ?? o.spec.minReplicaCount ?? 1;
    const max = o.spec.maxReplicas ?? o.spec.maxReplicaCount ?? 100;
    return `${min}-${max} replicas (${o.kind === "ScaledObject" ? "KEDA" : "HPA"})`;
  }
  return undefined;
}

export function platformModel(run: StackRun): PlatformModel {
  const zones = (run.outputs.zones as string[] | undefined) ?? [];
  const customer = String(run.outputs.customer ?? "");
  const nsObjects = objects(run, "Namespace");
  const nsLabels = new Map(nsObjects.map((n) => [n.metadata.name ?? "", n.metadata.labels ?? {}]));
  const boxes: Box[] = [];
  const add = (b: Omit<Box, "namespaceLabels">) =>
    boxes.push({ ...b, namespaceLabels: nsLabels.get(b.namespace) ?? {} });

  for (const o of objects(run) as (K8sObject & Inputs)[]) {
    const ns = o.metadata.namespace ?? "";
    if (WORKLOAD_KINDS.includes(o.kind)) {
      const replicas =
        o.kind === "DaemonSet"
          ? "one per node"
          : (scaling(run, o.kind, o.metadata.name ?? "", ns) ?? `${o.spec.replicas ?? 1} replicas`);
      add({
        id: `${ns}/${o.kind}/${o.metadata.name}`,
        kind: "workload",
        namespace: ns,
        title: o.metadata.name ?? o.kind,
        labels: o.spec.template.metadata?.labels ?? {},
        detail: [replicas, zonePlacement(o.spec.template.spec, zones.length)].filter((d): d is string => !!d),
      });
    } else if (DATASTORES[o.kind]) {
      const d = DATASTORES[o.kind];
      add({
        id: `${ns}/${o.kind}/${o.metadata.name}`,
        kind: "datastore",
        namespace: ns,
        title: `${o.metadata.name} (${o.kind})`,
        labels: d.labels(o),
        detail: [`${d.members(o)} members`, zonePlacement(o.spec, zones.length)].filter((x): x is string => !!x),
        internalOnly: o.kind === "Elasticsearch",
      });
    }
  }
  for (const r of ofType(run, "kubernetes:helm.sh/v3:Release")) {
    const name = String(r.inputs.name ?? r.name);
    const ns = String(r.inputs.namespace ?? "default");
    add({
      id: `${ns}/Release/${name}`,
      kind: "release",
      namespace: ns,
      title: name,
      // The standard chart labels; Kong's and FusionAuth's pods carry exactly these.
      labels: { "app.kubernetes.io/instance": name, "app.kubernetes.io/name": String(r.inputs.chart) },
      detail: [`chart ${r.inputs.chart} ${r.inputs.version}`],
    });
  }

  const k8s = objects(run);
  const gateway = concernNamespace(k8s, "gateway");
  const flows: Flow[] = [];
  const entry: Flow[] = [];
  const exposed: Flow[] = [];
  for (const to of boxes) {
    const ports = admittedPorts(k8s, to);
    for (const from of boxes) {
      if (from === to) continue;
      const open = ports.filter((p) => flowAllowed(k8s, from, to, { number: p }).allowed);
      if (open.length > 0) flows.push({ from: from.id, to: to.id, ports: open });
    }
    // Other namespaces open webhook ports to the control plane; only the gateway's are the public entry.
    const fromOutside = ports.filter((p) => flowAllowed(k8s, OUTSIDE, to, { number: p }).allowed);
    if (fromOutside.length > 0) exposed.push({ from: OUTSIDE, to: to.id, ports: fromOutside });
    if (fromOutside.length > 0 && to.namespace === gateway)
      entry.push({ from: OUTSIDE, to: to.id, ports: fromOutside });
  }

  const namespaces = nsObjects
    .map((n) => ({
      name: n.metadata.name ?? "",
      enforce: n.metadata.labels?.["pod-security.kubernetes.io/enforce"],
      boxes: boxes.filter((b) => b.namespace === n.metadata.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { customer, zones, namespaces, entry, exposed, flows };
}

/** The namespace that holds a concern (its `app.kubernetes.io/component` label). */
function concernNamespace(k8s: K8sObject[], concern: string): string | undefined {
  return k8s.find((o) => o.kind === "Namespace" && o.metadata.labels?.["app.kubernetes.io/component"] === concern)
    ?.metadata.name;
}
