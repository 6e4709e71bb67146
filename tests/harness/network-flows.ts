/**
 * What a set of NetworkPolicies admits, evaluated as the Kubernetes NetworkPolicy API defines it
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a pod is isolated for
 * a direction once any policy of that direction selects it, and a connection then needs a rule on
 * BOTH sides, the source's egress and the destination's ingress. Used by the reachability checks and
 * the platform diagram, so both read the policies the same way.
 */
import type { K8sObject } from "./query";

/** Pods as a policy sees them: their namespace (with its labels) and their own labels. */
export interface Endpoint {
  namespace: string;
  namespaceLabels?: Record<string, string>;
  labels: Record<string, string>;
}

/**
 * Something outside the pod network: the load balancer's clients, or the control plane of a managed
 * cluster calling a webhook. Only `ipBlock` peers and rules with no peers at all admit it.
 */
export const OUTSIDE = "outside-the-pod-network" as const;
export type Source = Endpoint | typeof OUTSIDE;

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: number | string; endPort?: number; protocol?: string }[];
}
interface PolicySpec {
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** Label selector semantics: every matchLabels pair and every expression must hold; empty selects all. */
export function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const nsLabels = (e: Endpoint) => ({ "kubernetes.io/metadata.name": e.namespace, ...e.namespaceLabels });

/** Whether a peer of a policy in `policyNamespace` covers the endpoint. */
function peerCovers(peer: Peer, policyNamespace: string, other: Source): boolean {
  if (peer.ipBlock) return other === OUTSIDE;
  if (other === OUTSIDE) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, nsLabels(other))
    : other.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, other.labels);
}

/** Whether a rule admits `other` on `port` (a number, or the container port's name). */
function ruleAdmits(rule: Rule, peers: Peer[] | undefined, ns: string, other: Source, port: Port): boolean {
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerCovers(p, ns, other));
  const portOk =
    !rule.ports ||
    rule.ports.length === 0 ||
    rule.ports.some((p) => {
      if ((p.protocol ?? "TCP") !== "TCP") return false;
      if (p.port === undefined) return true;
      if (typeof p.port === "string") return p.port === port.name;
      return p.endPort ? port.number >= p.port && port.number <= p.endPort : p.port === port.number;
    });
  return peerOk && portOk;
}

/** A TCP port, by number and (where the container names it) by name. */
export interface Port {
  number: number;
  name?: string;
}

const policiesOf = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.kind === "NetworkPolicy")
    .map((o) => ({ namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "", spec: o.spec as PolicySpec }));

const hasType = (spec: PolicySpec, type: "Ingress" | "Egress") =>
  spec.policyTypes ? spec.policyTypes.includes(type) : type === "Ingress" || Boolean(spec.egress);

export interface FlowVerdict {
  allowed: boolean;
  /** Which side refuses, when one does. */
  blockedBy?: "egress" | "ingress";
}

/** Whether `from` can open a TCP connection to `to` on `port` under the given policies. */
export function flowAllowed(objects: K8sObject[], from: Source, to: Endpoint, port: Port): FlowVerdict {
  const policies = policiesOf(objects);
  if (from !== OUTSIDE) {
    const egress = policies.filter(
      (p) => p.namespace === from.namespace && hasType(p.spec, "Egress") && selects(p.spec.podSelector, from.labels),
    );
    const ok =
      egress.length === 0 ||
      egress.some((p) => (p.spec.egress ?? []).some((r) => ruleAdmits(r, r.to, p.namespace, to, port)));
    if (!ok) return { allowed: false, blockedBy: "egress" };
  }
  const ingress = policies.filter(
    (p) => p.namespace === to.namespace && hasType(p.spec, "Ingress") && selects(p.spec.podSelector, to.labels),
  );
  const ok =
    ingress.length === 0 ||
    ingress.some((p) => (p.spec.ingress ?? []).some((r) => ruleAdmits(r, r.from, p.namespace, from, port)));
  return ok ? { allowed: true } : { allowed: false, blockedBy: "ingress" };
}

/** The TCP ports the ingress rules of policies selecting `to` name (where flows to it can land). */
export function admittedPorts(objects: K8sObject[], to: Endpoint): number[] {
  const ports = new Set<number>();
  for (const p of policiesOf(objects)) {
    if (p.namespace !== to.namespace || !hasType(p.spec, "Ingress") || !selects(p.spec.podSelector, to.labels))
      continue;
    for (const r of p.spec.ingress ?? [])
      for (const port of r.ports ?? []) if (typeof port.port === "number") ports.add(port.port);
  }
  return [...ports].sort((a, b) => a - b);
}
