/**
 * The one place every chart and image version is pinned. Bumping one is a one-line change here.
 * Charts are fetched only at deploy time (Helm releases), never by the tests.
 */

export interface ChartPin {
  chart: string;
  version: string;
  repo: string;
}

export const CHARTS = {
  /** CloudNativePG operator 1.30.0. */
  cloudnativePg: { chart: "cloudnative-pg", version: "0.29.0", repo: "https://cloudnative-pg.github.io/charts" },
  /** OT-Container-Kit redis-operator 0.26.0 (Sentinel failover); the chart follows the operator's version. */
  redisOperator: { chart: "redis-operator", version: "0.26.0", repo: "https://ot-container-kit.github.io/helm-charts" },
  /** MinIO operator 7.1.1, the last community release line. */
  minioOperator: { chart: "operator", version: "7.1.1", repo: "https://operator.min.io" },
  /** Percona Operator for MongoDB 1.22.0. */
  psmdbOperator: { chart: "psmdb-operator", version: "1.22.0", repo: "https://percona.github.io/percona-helm-charts/" },
  /** Elastic Cloud on Kubernetes 3.5.0 (Elastic License 2.0, Basic tier). */
  eckOperator: { chart: "eck-operator", version: "3.5.0", repo: "https://helm.elastic.co" },
  /** Kong's official chart, Postgres mode, with the Kong Ingress Controller. */
  kong: { chart: "kong", version: "3.4.1", repo: "https://charts.konghq.com" },
  /** FusionAuth's official chart; its image tag is pinned below, not left to the chart. */
  fusionauth: { chart: "fusionauth", version: "1.68.0", repo: "https://fusionauth.github.io/charts" },
  /** cert-manager, for the gateway's certificates (`gateway.tls.mode` cert-manager or self-signed). */
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
  /** Prometheus, Alertmanager, the operator, kube-state-metrics and node-exporter (CRDs: operator v0.93.1). */
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    repo: "https://prometheus-community.github.io/helm-charts",
  },
  /** EKS only: the node autoscaler (one node group per zone, balance-similar-node-groups). */
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    version: "9.59.0",
    repo: "https://kubernetes.github.io/autoscaler",
  },
  /** EKS only: provisions NLBs for LoadBalancer Services (IP targets). */
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    version: "1.14.0",
    repo: "https://aws.github.io/eks-charts",
  },
  /** EKS only: EKS ships no metrics-server, and HPAs need it. */
  metricsServer: {
    chart: "metrics-server",
    version: "3.13.0",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
  },
  /** KEDA: scaling on request rate and queue depth (it creates the HPAs of those services). */
  keda: { chart: "keda", version: "2.20.2", repo: "https://kedacore.github.io/charts" },
  /** The Datadog Operator (installed only when the stack has a Datadog API key). */
  datadogOperator: { chart: "datadog-operator", version: "2.25.0", repo: "https://helm.datadoghq.com" },
} satisfies Record<string, ChartPin>;

/** Manifests applied as they are published (yaml/v2 ConfigFile), each at the version of its pin. */
export const MANIFESTS = {
  /** RabbitMQ Cluster Operator 2.22.3 (it has no official chart). */
  rabbitmqOperator: "https://github.com/rabbitmq/cluster-operator/releases/download/v2.22.3/cluster-operator.yml",
  /**
   * cert-manager's CRDs at the chart's version. Applied as a manifest, not by the chart: the provider
   * learns a CRD's kinds only from CRDs it applies itself, and the RabbitMQ manifest's Certificates
   * and Issuer must resolve on the first preview, before anything is installed.
   */
  certManagerCrds: `https://github.com/cert-manager/cert-manager/releases/download/${CHARTS.certManager.version}/cert-manager.crds.yaml`,
} as const;

/** Elasticsearch version ECK deploys (image docker.elastic.co/elasticsearch/elasticsearch:<version>). */
export const ELASTICSEARCH_VERSION = "9.1.5";
/** The `crVersion` the Percona operator expects in its custom resources. */
export const PSMDB_CR_VERSION = "1.22.0";

export const IMAGES = {
  /** PostgreSQL 17 from CloudNativePG's own image builds. */
  postgres: "ghcr.io/cloudnative-pg/postgresql:17.6",
  /**
   * Redis 7.0.x rebuilt by OT-Container-Kit for its operator. Licence: BSD-3-Clause (the Redis 7.4+
   * lines are RSAL/SSPL, 8.x adds AGPL). Not Bitnami.
   */
  redis: "quay.io/opstree/redis:v7.0.15",
  redisSentinel: "quay.io/opstree/redis-sentinel:v7.0.15",
  redisExporter: "quay.io/opstree/redis-exporter:v1.44.0",
  /** Percona Server for MongoDB 8.0 and Percona Backup for MongoDB. */
  mongodb: "percona/percona-server-mongodb:8.0.12-4",
  mongodbBackup: "percona/percona-backup-mongodb:2.11.0",
  /** RabbitMQ 4.1 with the management plugin (quorum queues; classic mirroring is gone in 4.x). */
  rabbitmq: "rabbitmq:4.1.4-management",
  /** Kong Gateway 3.9: the last open-source line (3.10+ is Enterprise-only). */
  kong: { repository: "kong", tag: "3.9.1" },
  fusionauth: { repository: "fusionauth/fusionauth-app", tag: "1.68.0" },
  mongodbExporter: "percona/mongodb_exporter:0.47.1",
  elasticsearchExporter: "quay.io/prometheuscommunity/elasticsearch-exporter:v1.9.0",
  /** FusionAuth's wait-for-database init container (the image the chart's own one uses). */
  busybox: "docker.io/library/busybox:1.36.1",
  /** For the one-off Job that installs the pipeline-log lifecycle policy and index template. */
  curl: "curlimages/curl:8.16.0",
  /** The last community MinIO server image (no new community images since Oct 2025). */
  minio: "quay.io/minio/minio:RELEASE.2025-10-15T17-29-55Z",
} as const;
