/**
 * The workloads of a stack as the zone-loss and capacity model sees them: every Deployment,
 * StatefulSet and DaemonSet (the program's and the charts'), and every datastore custom resource's
 * members, each with its replicas at rest and at the autoscalers' maximum, its per-pod requests (the
 * namespace's LimitRange defaults applied where a container declares none), its placement rules, and
 * whether it is on the request path (a Service selects it in the gateway, identity or services
 * namespaces: the platform stops serving without it).
 */
import type { DeployedObject } from "../../tests/harness/charts";
import { podSpecOf } from "../../tests/harness/pod-security";
import { datastorePods, limitRangeDefaults, maxReplicas, minReplicas, podUsage } from "../../tests/harness/quota-fit";
import { selects } from "../../policy/rules/pods";
import { memberPlacement } from "./datastore-placement";
import { placementOf, Placement } from "./placement";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Concerns whose workloads serve requests: without one of them the platform is down. */
export const REQUEST_PATH_CONCERNS = ["gateway", "identity", "services"];

export interface Workload {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  /** `program`, the release or manifest it comes from, or `datastore`. */
  source: string;
  daemon: boolean;
  datastore: boolean;
  min: number;
  max: number;
  requests: { cpu: number; memory: number };
  placement: Placement;
  requestPath: boolean;
}

export function workloadsOf(deployed: DeployedObject[], prefix: string, nodes: number): Workload[] {
  const all = deployed.map((d) => d.object) as Any[];
  const defaults = limitRangeDefaults(all);
  const services = all.filter((o) => o.kind === "Service");
  const concernOf = (ns: string) => (ns.startsWith(`${prefix}-`) ? ns.slice(prefix.length + 1) : ns);
  const out: Workload[] = [];
  for (const d of deployed) {
    const o = d.object as Any;
    const ns = o.metadata?.namespace ?? "";
    const source = d.source.kind === "program" ? "program" : d.source.name;
    const usage = (spec: Any) => podUsage(spec, defaults.get(ns) ?? { request: {}, limit: {} });
    if (["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind)) {
      const spec = podSpecOf(o);
      const labels = o.spec?.template?.metadata?.labels ?? {};
      const u = usage(spec);
      const selected = services.some((s) => s.metadata.namespace === ns && selects(s.spec?.selector, labels));
      out.push({
        id: `${o.kind} ${ns}/${o.metadata.name}`,
        kind: o.kind,
        namespace: ns,
        name: o.metadata.name,
        source,
        daemon: o.kind === "DaemonSet",
        datastore: false,
        min: minReplicas(o, all, nodes),
        max: maxReplicas(o, all, nodes),
        requests: { cpu: u.requestsCpu, memory: u.requestsMemory },
        placement: placementOf(spec, labels),
        requestPath: selected && REQUEST_PATH_CONCERNS.includes(concernOf(ns)),
      });
      continue;
    }
    datastorePods(o).forEach((p, i) => {
      const u = usage(p.spec);
      out.push({
        id: `${o.kind} ${ns}/${o.metadata.name}${i ? ` #${i}` : ""}`,
        kind: o.kind,
        namespace: ns,
        name: o.metadata.name,
        source: "datastore",
        daemon: false,
        datastore: true,
        min: p.count,
        max: p.count,
        requests: { cpu: u.requestsCpu, memory: u.requestsMemory },
        placement: { ...memberPlacement(o, i), toleratesSystemPool: false },
        requestPath: false,
      });
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
