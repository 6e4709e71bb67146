/**
 * The platform's own services: what each one is, which datastores it uses, whether the gateway
 * exposes it, its port and probes, its default replicas and HPA range. Pure data (no Pulumi), so the
 * config loader validates overrides against the same list the services layer builds.
 */

export const SERVICE_NAMES = [
  "trigger-http",
  "trigger-http-file",
  "trigger-rest",
  "trigger-email",
  "trigger-scheduler",
  "portal",
  "coordinator",
  "controller",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type Datastore = "redis" | "mongodb" | "rabbitmq" | "objectStorage" | "elasticsearch";

export interface ServiceSpec {
  /** What it does (documentation; also the Deployment's description annotation). */
  description: string;
  /** `app.kubernetes.io/component`. */
  component: "trigger" | "ui" | "admin-api" | "controller";
  /** Container port of the HTTP API (and probes). */
  port: number;
  /** Prometheus metrics port (`/metrics`). */
  metricsPort: number;
  /** Whether Kong routes public traffic to it. */
  exposed: boolean;
  datastores: Datastore[];
  /** Other services it calls. */
  calls: ServiceName[];
  probes: { readiness: string; liveness: string; startup: string };
  /** Default HPA range; at least 3 (one replica per zone). */
  replicas: { min: number; max: number };
  resources: { cpu: string; memory: string };
  /** Needs the Kubernetes API (leader election, creating pipelines): gets a mounted token. */
  usesKubernetesApi: boolean;
  /** Only one replica acts at a time, chosen through a Lease. */
  leaderElection: boolean;
  /**
   * Scale on more than CPU and memory (through KEDA, which then owns the service's HPA):
   * `requestsPerSecond` per replica, measured at Kong; or `queue` depth per replica in RabbitMQ.
   */
  scaleOn?: { requestsPerSecond: number } | { queue: string; messagesPerReplica: number };
}

const probes = { readiness: "/health/ready", liveness: "/health/live", startup: "/health/started" };
const trigger = {
  component: "trigger" as const,
  port: 8080,
  metricsPort: 9090,
  probes,
  usesKubernetesApi: false,
  leaderElection: false,
};

export const CATALOG: Record<ServiceName, ServiceSpec> = {
  "trigger-http": {
    ...trigger,
    description: "Receives HTTP calls that start pipelines",
    exposed: true,
    datastores: ["redis", "rabbitmq"],
    calls: [],
    replicas: { min: 3, max: 15 },
    resources: { cpu: "500m", memory: "1Gi" },
    scaleOn: { requestsPerSecond: 50 },
  },
  "trigger-http-file": {
    ...trigger,
    description: "Receives file uploads over HTTP that start pipelines",
    exposed: true,
    datastores: ["redis", "rabbitmq", "objectStorage"],
    calls: [],
    replicas: { min: 3, max: 9 },
    resources: { cpu: "500m", memory: "1Gi" },
    scaleOn: { requestsPerSecond: 10 },
  },
  "trigger-rest": {
    ...trigger,
    description: "Receives REST calls that start pipelines",
    exposed: true,
    datastores: ["redis", "rabbitmq"],
    calls: [],
    replicas: { min: 3, max: 15 },
    resources: { cpu: "500m", memory: "1Gi" },
    scaleOn: { requestsPerSecond: 50 },
  },
  "trigger-email": {
    ...trigger,
    description: "Reads a mailbox and starts pipelines from emails",
    exposed: false,
    datastores: ["rabbitmq"],
    calls: [],
    replicas: { min: 3, max: 6 },
    resources: { cpu: "250m", memory: "512Mi" },
  },
  "trigger-scheduler": {
    ...trigger,
    description: "Starts pipelines on cron schedules; one leader fires each job once",
    exposed: false,
    datastores: ["rabbitmq", "mongodb"],
    calls: [],
    // Leader-elected: extra replicas are hot standbys, so the range is fixed.
    replicas: { min: 3, max: 3 },
    resources: { cpu: "250m", memory: "512Mi" },
    usesKubernetesApi: true,
    leaderElection: true,
  },
  portal: {
    description: "The platform's web UI",
    component: "ui",
    port: 8080,
    metricsPort: 9090,
    probes,
    exposed: true,
    datastores: ["redis", "objectStorage"],
    calls: ["coordinator"],
    replicas: { min: 3, max: 6 },
    resources: { cpu: "250m", memory: "512Mi" },
    usesKubernetesApi: false,
    leaderElection: false,
  },
  coordinator: {
    description: "Admin API: pipelines, deployments, users' projects; reads pipeline logs",
    component: "admin-api",
    port: 8080,
    metricsPort: 9090,
    probes,
    exposed: true,
    datastores: ["mongodb", "rabbitmq", "redis", "elasticsearch"],
    calls: ["controller"],
    replicas: { min: 3, max: 9 },
    resources: { cpu: "500m", memory: "1Gi" },
    // Deployment requests queue up in RabbitMQ while pipelines are being rolled out.
    scaleOn: { queue: "coordinator.deployments", messagesPerReplica: 100 },
    usesKubernetesApi: false,
    leaderElection: false,
  },
  controller: {
    description: "Creates and removes pipeline workloads in the pipelines namespace",
    component: "controller",
    port: 8080,
    metricsPort: 9090,
    probes,
    exposed: false,
    datastores: ["mongodb", "rabbitmq"],
    calls: [],
    replicas: { min: 3, max: 3 },
    resources: { cpu: "250m", memory: "512Mi" },
    usesKubernetesApi: true,
    leaderElection: true,
  },
};
