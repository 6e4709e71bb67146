/**
 * Whether what a stack deploys can talk where it must, through its own NetworkPolicies:
 *  - every admission webhook, APIService and CRD conversion webhook is reachable on its actual target
 *    port from outside the pod network (a managed cluster's control plane is outside it);
 *  - every flow the platform needs between its components is admitted by the source's egress AND the
 *    destination's ingress: Prometheus to every port a monitor scrapes, the gateway to every backend
 *    its routes name, KEDA to the metrics its scalers read.
 */
import type { DeployedObject } from "./charts";
import { Endpoint, flowAllowed, OUTSIDE, Port, selects, Source } from "./network-flows";
import type { K8sObject } from "./query";
import { podSpecOf } from "./pod-security";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/**
 * Ports of pods that operators create (so no pod template of them is deployed), by the name the
 * operator gives them: what a monitor naming the port reaches.
 */
const OPERATOR_POD_PORTS: { labels: Record<string, string>; name: string; number: number }[] = [
  // CloudNativePG instance pods: the postgres exporter (CloudNativePG docs, "Monitoring").
  { labels: { "cnpg.io/podRole": "instance" }, name: "metrics", number: 9187 },
  { labels: {}, name: "metrics", number: 9187 },
  // RabbitMQ cluster operator: the rabbitmq_prometheus plugin.
  { labels: { "app.kubernetes.io/component": "rabbitmq" }, name: "prometheus", number: 15692 },
  { labels: {}, name: "prometheus", number: 15692 },
  // OT redis-operator: the exporter sidecar.
  { labels: {}, name: "redis-exporter", number: 9121 },
  // prometheus-operator's pods: the server and its config reloader (prometheus-operator API docs).
  { labels: { "app.kubernetes.io/name": "prometheus" }, name: "http-web", number: 9090 },
  { labels: { "app.kubernetes.io/name": "alertmanager" }, name: "http-web", number: 9093 },
  { labels: {}, name: "reloader-web", number: 8080 },
];

export interface Pods extends Endpoint {
  /** The workload whose template these pods come from, or the selector they were inferred from. */
  what: string;
  ports: { name?: string; containerPort: number }[];
  /** Pods no template of which is deployed (an operator creates them): known by their selector only. */
  inferred?: boolean;
}

/** The pods of every workload in the set, as policies see them. */
export function podsOf(objects: K8sObject[], namespaceLabels: Map<string, Record<string, string>>): Pods[] {
  const out: Pods[] = [];
  for (const o of objects) {
    const spec = podSpecOf(o);
    if (!spec) continue;
    const meta =
      o.kind === "Pod"
        ? o.metadata
        : o.kind === "CronJob"
          ? (o.spec as Any).jobTemplate.spec.template.metadata
          : (o.spec as Any).template.metadata;
    const namespace = o.metadata.namespace ?? "default";
    out.push({
      what: `${o.kind} ${namespace}/${o.metadata.name}`,
      namespace,
      namespaceLabels: namespaceLabels.get(namespace),
      labels: meta?.labels ?? {},
      ports: (spec.containers ?? []).flatMap((c: Any) => c.ports ?? []),
    });
  }
  return out;
}

/** Pods a selector picks in a namespace; where none is deployed (an operator's), the selector's own labels. */
function selected(pods: Pods[], namespace: string, selector: Any, nsLabels?: Record<string, string>): Pods[] {
  const found = pods.filter((p) => p.namespace === namespace && selects(selector, p.labels));
  if (found.length > 0) return found;
  return [
    {
      what: `pods ${namespace}/${JSON.stringify(selector?.matchLabels ?? {})} (created by an operator)`,
      namespace,
      namespaceLabels: nsLabels,
      labels: selector?.matchLabels ?? {},
      ports: [],
      inferred: true,
    },
  ];
}

/** A port named or numbered on a pod, as a number (undefined when the name is not known). */
function resolvePort(pod: Pods, port: number | string): Port | undefined {
  if (typeof port === "number") return { number: port, name: pod.ports.find((p) => p.containerPort === port)?.name };
  const named = pod.ports.find((p) => p.name === port);
  if (named) return { number: named.containerPort, name: port };
  const known = OPERATOR_POD_PORTS.find((p) => p.name === port && selects({ matchLabels: p.labels }, pod.labels));
  return known ? { number: known.number, name: port } : undefined;
}

export interface Flow {
  /** What the flow is for, for the message. */
  why: string;
  from: Source;
  fromWhat: string;
  to: Pods;
  port: number | string;
}

const serviceOf = (objects: K8sObject[], namespace: string, name: string) =>
  objects.find(
    (o) => o.kind === "Service" && o.metadata.name === name && (o.metadata.namespace ?? "default") === namespace,
  );

/** The pods and target port behind a Service port. */
function behindService(objects: K8sObject[], pods: Pods[], namespace: string, name: string, port: number) {
  const svc = serviceOf(objects, namespace, name) as Any;
  if (!svc) return { error: `Service ${namespace}/${name} is not deployed` };
  const entry = (svc.spec.ports ?? []).find((p: Any) => p.port === port) ?? (svc.spec.ports ?? [])[0];
  if (!entry) return { error: `Service ${namespace}/${name} has no port ${port}` };
  return {
    pods: selected(pods, namespace, { matchLabels: svc.spec.selector ?? {} }),
    targetPort: (entry.targetPort ?? entry.port) as number | string,
  };
}

/** The control plane's calls into the cluster: webhooks, aggregated APIs and conversion webhooks. */
export function controlPlaneFlows(objects: K8sObject[], pods: Pods[]): { flows: Flow[]; errors: string[] } {
  const flows: Flow[] = [];
  const errors: string[] = [];
  const add = (why: string, ref: Any) => {
    if (!ref?.service) return; // a URL webhook: outside the cluster
    const { namespace, name } = ref.service;
    const b = behindService(objects, pods, namespace, name, ref.service.port ?? 443);
    if ("error" in b) return void errors.push(`${why}: ${b.error}`);
    for (const to of b.pods) flows.push({ why, from: OUTSIDE, fromWhat: "the API server", to, port: b.targetPort });
  };
  for (const o of objects as Any[]) {
    if (o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration")
      for (const w of o.webhooks ?? []) add(`${o.kind} ${o.metadata.name} (${w.name})`, w.clientConfig);
    if (o.kind === "APIService" && o.spec?.service) add(`APIService ${o.metadata.name}`, { service: o.spec.service });
    if (o.kind === "CustomResourceDefinition" && o.spec?.conversion?.strategy === "Webhook")
      add(`CRD ${o.metadata.name} conversion`, o.spec.conversion.webhook?.clientConfig);
  }
  return { flows, errors };
}

/** `http://name.namespace.svc:port` -> service, namespace and port. */
function parseServiceUrl(url: string): { name: string; namespace: string; port: number } | undefined {
  const m = url.match(/^\w+:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)/);
  return m ? { name: m[1], namespace: m[2], port: Number(m[3]) } : undefined;
}

/**
 * The flows the platform itself relies on, derived from what it deploys: Prometheus to each monitor's
 * port, Kong to each route's backend, KEDA's operator to each scaler's source.
 */
export function platformFlows(objects: K8sObject[], pods: Pods[]): { flows: Flow[]; errors: string[] } {
  const flows: Flow[] = [];
  const errors: string[] = [];
  const prometheus = pods.filter((p) => p.labels["app.kubernetes.io/name"] === "prometheus");
  const keda = pods.filter((p) => p.labels["app.kubernetes.io/name"] === "keda-operator");
  const kong = pods.filter((p) => p.labels["app.kubernetes.io/name"] === "kong" && p.what.startsWith("Deployment"));
  // The Prometheus pods the operator creates from the chart's Prometheus resource.
  const promCr = objects.find((o) => o.kind === "Prometheus") as Any;
  const promPods: Source[] = promCr
    ? [
        {
          namespace: promCr.metadata.namespace,
          labels: {
            "app.kubernetes.io/name": "prometheus",
            prometheus: promCr.metadata.name,
            ...(promCr.spec.podMetadata?.labels ?? {}),
          },
        },
      ]
    : prometheus;

  for (const m of objects as Any[]) {
    if (m.kind !== "ServiceMonitor" && m.kind !== "PodMonitor") continue;
    const ns = m.metadata.namespace;
    const namespaces: string[] = m.spec.namespaceSelector?.matchNames ?? [ns];
    for (const target of namespaces) {
      if (m.kind === "PodMonitor") {
        for (const ep of m.spec.podMetricsEndpoints ?? []) {
          for (const to of selected(pods, target, m.spec.selector)) {
            const port = ep.port ?? ep.portNumber ?? ep.targetPort;
            if (port === undefined) continue; // the pod's only metrics port; nothing named to check
            for (const from of promPods)
              flows.push({ why: `PodMonitor ${ns}/${m.metadata.name}`, from, fromWhat: "Prometheus", to, port });
          }
        }
      } else {
        const services = objects.filter(
          (s: Any) =>
            s.kind === "Service" &&
            (s.metadata.namespace ?? "default") === target &&
            selects(m.spec.selector, s.metadata.labels ?? {}),
        ) as Any[];
        for (const svc of services) {
          for (const ep of m.spec.endpoints ?? []) {
            const entry = (svc.spec.ports ?? []).find((p: Any) => p.name === ep.port || p.targetPort === ep.targetPort);
            if (!entry) continue;
            for (const to of selected(pods, target, { matchLabels: svc.spec.selector ?? {} }))
              for (const from of promPods)
                flows.push({
                  why: `ServiceMonitor ${ns}/${m.metadata.name}`,
                  from,
                  fromWhat: "Prometheus",
                  to,
                  port: entry.targetPort ?? entry.port,
                });
          }
        }
      }
    }
  }

  for (const ing of objects as Any[]) {
    if (ing.kind !== "Ingress") continue;
    for (const rule of ing.spec.rules ?? [])
      for (const p of rule.http?.paths ?? []) {
        const svc = p.backend.service;
        const b = behindService(objects, pods, ing.metadata.namespace, svc.name, svc.port.number);
        if ("error" in b) {
          errors.push(`Ingress ${ing.metadata.namespace}/${ing.metadata.name}: ${b.error}`);
          continue;
        }
        for (const from of kong)
          for (const to of b.pods)
            flows.push({
              why: `Ingress ${ing.metadata.namespace}/${ing.metadata.name}`,
              from,
              fromWhat: from.what,
              to,
              port: b.targetPort,
            });
      }
  }

  for (const so of objects as Any[]) {
    if (so.kind !== "ScaledObject") continue;
    for (const t of so.spec.triggers ?? []) {
      const url = t.type === "prometheus" ? t.metadata?.serverAddress : undefined;
      const svc = url ? parseServiceUrl(url) : undefined;
      if (!svc) continue;
      const b = behindService(objects, pods, svc.namespace, svc.name, svc.port);
      const targets =
        "error" in b
          ? selected(pods, svc.namespace, { matchLabels: { "app.kubernetes.io/name": "prometheus" } })
          : b.pods;
      const port = "error" in b ? svc.port : b.targetPort;
      for (const from of keda)
        for (const to of targets)
          flows.push({ why: `ScaledObject ${so.metadata.name} (${t.type})`, from, fromWhat: from.what, to, port });
    }
  }
  return { flows, errors };
}

/** `why: from -> to:port blocked by the egress|ingress side` for every flow the policies refuse. */
export function blockedFlows(objects: K8sObject[], flows: Flow[]): string[] {
  const out = new Set<string>();
  for (const f of flows) {
    // Prometheus discovers a named port only on pods that declare it: the same labels on a Job's pods
    // (Kong's migrations) make no target there.
    if (typeof f.port === "string" && !f.to.inferred && !f.to.ports.some((p) => p.name === f.port)) continue;
    const port = resolvePort(f.to, f.port);
    if (!port) {
      out.add(`${f.why}: port ${f.port} of ${f.to.what} is not known`);
      continue;
    }
    const v = flowAllowed(objects, f.from, f.to, port);
    if (!v.allowed)
      out.add(`${f.why}: ${f.fromWhat} -> ${f.to.what} port ${port.number} is refused by the ${v.blockedBy} side`);
  }
  return [...out];
}

/** The labels of each namespace, from the Namespace objects deployed. */
export function namespaceLabelsOf(deployed: DeployedObject[]): Map<string, Record<string, string>> {
  return new Map(
    deployed
      .filter((d) => d.object.kind === "Namespace")
      .map((d) => [
        d.object.metadata.name ?? "",
        { "kubernetes.io/metadata.name": d.object.metadata.name ?? "", ...(d.object.metadata.labels ?? {}) },
      ]),
  );
}
