/** Network and exposure: default-deny everywhere, one way in, datastores never reachable from outside. */
import { nameOf, Rule, Stack } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const concern = (stack: Stack, ns: string | undefined) =>
  stack.platformNamespaces.find((n) => n.props.metadata?.name === ns)?.props.metadata?.labels?.[
    "app.kubernetes.io/component"
  ];

export const defaultDeny: Rule = {
  name: "default-deny-in-every-namespace",
  group: "network",
  description:
    "Every platform namespace has a NetworkPolicy selecting all pods with both policy types and no rule (deny all), so each flow the platform needs is allowed on purpose.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack.platformNamespaces
      .filter(
        (ns) =>
          !stack.objects("NetworkPolicy").some((p) => {
            const s = p.props.spec ?? {};
            return (
              p.props.metadata?.namespace === ns.props.metadata?.name &&
              Object.keys(s.podSelector ?? {}).length === 0 &&
              ["Ingress", "Egress"].every((t) => (s.policyTypes ?? []).includes(t)) &&
              !(s.ingress ?? []).length &&
              !(s.egress ?? []).length
            );
          }),
      )
      .map((ns) => ({ urn: ns.urn, message: `${nameOf(ns)}: no default-deny NetworkPolicy` })),
};

export const oneWayIn: Rule = {
  name: "only-the-gateway-is-exposed",
  group: "network",
  description:
    "Only the gateway namespace (Kong) has Services of type LoadBalancer or NodePort; everything else is reached through it.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack
      .objects("Service")
      .filter(
        (s) =>
          ["LoadBalancer", "NodePort"].includes(s.props.spec?.type) &&
          concern(stack, s.props.metadata?.namespace) !== "gateway",
      )
      .map((s) => ({ urn: s.urn, message: `${nameOf(s)}: type ${s.props.spec.type} outside the gateway namespace` })),
};

export const datastoresInternal: Rule = {
  name: "datastores-never-exposed",
  group: "network",
  description:
    "Nothing in the data and logging namespaces (the datastores, Elasticsearch) is reachable from outside the cluster: no LoadBalancer, NodePort or external IP, no Ingress, and Elasticsearch's own HTTP Service stays ClusterIP.",
  severity: "critical",
  enforcementLevel: "mandatory",
  check: (stack) => {
    const internal = (ns: string | undefined) => ["data", "logging"].includes(concern(stack, ns) ?? "");
    const services = stack
      .objects("Service")
      .filter(
        (s) =>
          internal(s.props.metadata?.namespace) &&
          (["LoadBalancer", "NodePort"].includes(s.props.spec?.type) || (s.props.spec?.externalIPs ?? []).length > 0),
      )
      .map((s) => ({ urn: s.urn, message: `${nameOf(s)}: reachable from outside the cluster` }));
    const ingresses = stack
      .objects("Ingress")
      .filter((i) => internal(i.props.metadata?.namespace))
      .map((i) => ({ urn: i.urn, message: `${nameOf(i)}: an Ingress into a datastore namespace` }));
    const es = stack
      .objects("Elasticsearch")
      .filter((e) => {
        const t = (e.props.spec?.http?.service?.spec as Any)?.type;
        return t !== undefined && t !== "ClusterIP";
      })
      .map((e) => ({
        urn: e.urn,
        message: `${nameOf(e)}: its HTTP Service is ${e.props.spec.http.service.spec.type}`,
      }));
    return [...services, ...ingresses, ...es];
  },
};

export const NETWORK_RULES = [defaultDeny, oneWayIn, datastoresInternal];
