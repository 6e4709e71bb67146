/**
 * The platform's namespaces: one per concern. Pure data (no Pulumi imports) so the config
 * parser can validate quota overrides against the same list the component builds.
 */

/** Pod Security Admission levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export const CONCERNS = [
  "operators",
  "data",
  "logging",
  "gateway",
  "identity",
  "services",
  "pipelines",
  "observability",
  "node-agents",
] as const;
export type Concern = (typeof CONCERNS)[number];

/** A concern's namespace: `<prefix>-<concern>` (`dp-data`). */
export const namespaceName = (prefix: string, concern: Concern) => `${prefix}-${concern}`;

export interface ConcernSpec {
  /** What runs there (documentation, also written to the namespace's description annotation). */
  purpose: string;
  /** Enforced Pod Security level. `restricted` unless the workloads cannot run under it. */
  podSecurity: PodSecurityLevel;
  /** Whether the namespace holds persistent volumes (its deletion would delete data). */
  holdsData: boolean;
  /** Default ResourceQuota; `dedicated-platform:namespaceQuotas` overrides any field. */
  quota: Quota;
}

/** A namespace's ResourceQuota, in Kubernetes quantities. */
export interface Quota {
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  pods: number;
  persistentVolumeClaims: number;
  requestsStorage: string;
}

/**
 * Builds a quota; sized for the defaults of what runs in each namespace at the autoscalers' maximum,
 * with headroom for rolling updates. Limits are `limitFactor` times the requests (two unless the
 * namespace's pods burst further above their requests).
 */
const quota = (cpu: number, memoryGi: number, pods: number, pvcs = 0, storageGi = 0, limitFactor = 2): Quota => ({
  requestsCpu: String(cpu),
  requestsMemory: `${memoryGi}Gi`,
  limitsCpu: String(cpu * limitFactor),
  limitsMemory: `${memoryGi * limitFactor}Gi`,
  pods,
  persistentVolumeClaims: pvcs,
  requestsStorage: `${storageGi}Gi`,
});

export const CONCERN_SPECS: Record<Concern, ConcernSpec> = {
  operators: {
    purpose: "Operators that run the datastores, gateway CRDs and agents",
    podSecurity: "restricted",
    holdsData: false,
    // Eight operators and their webhooks, two replicas each, limited at five times their requests.
    quota: quota(4, 8, 40, 0, 0, 3),
  },
  data: {
    purpose: "Postgres, Redis, MongoDB, RabbitMQ and object storage",
    podSecurity: "restricted",
    holdsData: true,
    quota: quota(24, 96, 80, 60, 4000),
  },
  logging: {
    purpose: "Elasticsearch for pipeline logs (never reachable from outside)",
    podSecurity: "restricted",
    holdsData: true,
    quota: quota(12, 48, 30, 12, 3000),
  },
  gateway: {
    purpose: "Kong API gateway and its ingress controller",
    podSecurity: "restricted",
    holdsData: false,
    // Kong at its maximum of 10 pods, each allowed to burst to four times its request.
    quota: quota(8, 16, 40, 0, 0, 4),
  },
  identity: { purpose: "FusionAuth", podSecurity: "restricted", holdsData: false, quota: quota(6, 12, 20) },
  services: {
    purpose: "The platform's own services: triggers, Portal, Coordinator, Controller",
    podSecurity: "restricted",
    holdsData: false,
    quota: quota(48, 96, 300),
  },
  pipelines: {
    purpose: "Pipeline workloads the Controller creates",
    podSecurity: "restricted",
    holdsData: false,
    quota: quota(64, 256, 500),
  },
  observability: {
    purpose: "Prometheus, Alertmanager, metrics adapter",
    podSecurity: "restricted",
    holdsData: true,
    quota: quota(12, 48, 60, 12, 1000),
  },
  // Node-level collectors (node-exporter, the Datadog agent, the pipeline log shipper) read the host's
  // /var/log and /proc, which no Pod Security level below `privileged` admits. They are isolated here so
  // every other namespace can stay `restricted`.
  "node-agents": {
    purpose: "Node-level DaemonSets that read host logs and metrics",
    podSecurity: "privileged",
    holdsData: false,
    quota: quota(8, 16, 200),
  },
};
