/** Explicit allow rules on top of each namespace's default-deny. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface Peer {
  /** Namespace the traffic comes from (or goes to). */
  namespace: pulumi.Input<string>;
  /** Pods in that namespace; all pods when omitted. */
  podLabels?: Record<string, string>;
}

export interface AllowIngressArgs {
  namespace: pulumi.Input<string>;
  /** The pods receiving traffic. */
  podLabels: Record<string, string>;
  rules: { from: Peer[]; ports: number[] }[];
  labels: Record<string, string>;
  policyName: string;
}

const peer = (p: Peer) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } },
  ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}),
});

const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

export function allowIngress(name: string, args: AllowIngressArgs, opts: pulumi.CustomResourceOptions) {
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name: args.policyName, namespace: args.namespace, labels: args.labels },
      spec: {
        podSelector: { matchLabels: args.podLabels },
        policyTypes: ["Ingress"],
        ingress: args.rules.map((r) => ({ from: r.from.map(peer), ports: tcp(r.ports) })),
      },
    },
    opts,
  );
}

export interface AllowEgressArgs {
  namespace: pulumi.Input<string>;
  podLabels: Record<string, string>;
  /** In-cluster destinations. */
  to?: { peers: Peer[]; ports?: number[] }[];
  /** Destinations outside the cluster network (cloud APIs, the Kubernetes API), by port. */
  externalPorts?: number[];
  labels: Record<string, string>;
  policyName: string;
}

export function allowEgress(name: string, args: AllowEgressArgs, opts: pulumi.CustomResourceOptions) {
  const egress = [
    ...(args.to ?? []).map((t) => ({ to: t.peers.map(peer), ...(t.ports ? { ports: tcp(t.ports) } : {}) })),
    ...(args.externalPorts?.length
      ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(args.externalPorts) }]
      : []),
  ];
  return new k8s.networking.v1.NetworkPolicy(
    name,
    {
      metadata: { name: args.policyName, namespace: args.namespace, labels: args.labels },
      spec: { podSelector: { matchLabels: args.podLabels }, policyTypes: ["Egress"], egress },
    },
    opts,
  );
}

/** The cluster DNS pods, the one destination every namespace may reach (kube-dns/CoreDNS carry this label on GKE, EKS, AKS and kind). */
export const KUBE_DNS = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/**
 * A namespace's isolation: `default-deny` (no ingress, no egress for any pod) and `allow-dns-egress`.
 * Every other flow is an explicit allow rule (allowIngress, allowEgress). `name` prefixes the two
 * resources' names (`<name>-default-deny`, `<name>-allow-dns`).
 */
export function isolate(
  name: string,
  args: { namespace: pulumi.Input<string>; labels: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
) {
  const meta = (policyName: string) => ({ name: policyName, namespace: args.namespace, labels: args.labels });
  return [
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      { metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
      opts,
    ),
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-dns`,
      {
        metadata: meta("allow-dns-egress"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [KUBE_DNS],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
          ],
        },
      },
      opts,
    ),
  ];
}
