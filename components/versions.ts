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
} satisfies Record<string, ChartPin>;

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
  /** The last community MinIO server image (no new community images since Oct 2025). */
  minio: "quay.io/minio/minio:RELEASE.2025-10-15T17-29-55Z",
} as const;
