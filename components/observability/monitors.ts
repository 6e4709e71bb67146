/**
 * What Prometheus scrapes: one monitor per platform component, in the component's namespace. Pure
 * data about where each component exposes metrics; the test that every component has a monitor
 * reads the same list.
 */
import { ES_EXPORTER_LABELS } from "./elasticsearch-exporter";
import { KONG_POD_LABELS } from "../gateway/kong";
import { MONGODB_METRICS_PORT, MONGODB_POD_LABELS } from "../data/mongodb";
import type { Concern } from "../namespaces/catalog";
import { TENANT_POD_LABELS } from "../data/object-storage";
import { RABBITMQ_POD_LABELS } from "../data/rabbitmq";
import { podLabels, REPLICATION_NAME, SENTINEL_NAME } from "../data/redis";

export interface PodMonitorSpec {
  /** Component name (the monitor's name). */
  name: string;
  namespace: Concern;
  podLabels: Record<string, string>;
  /** Container port name, or a number where the container port has no name. */
  port: string | number;
  path?: string;
  /** Only present when this backend/mode is on. */
  when?: "minio";
}

export const POD_MONITORS: PodMonitorSpec[] = [
  { name: "postgres", namespace: "data", podLabels: { "cnpg.io/cluster": "postgres" }, port: "metrics" },
  { name: "redis", namespace: "data", podLabels: podLabels(REPLICATION_NAME), port: "redis-exporter" },
  { name: "redis-sentinel", namespace: "data", podLabels: podLabels(SENTINEL_NAME), port: "redis-exporter" },
  { name: "mongodb", namespace: "data", podLabels: MONGODB_POD_LABELS, port: MONGODB_METRICS_PORT },
  { name: "rabbitmq", namespace: "data", podLabels: RABBITMQ_POD_LABELS, port: "prometheus" },
  {
    name: "minio",
    namespace: "data",
    podLabels: TENANT_POD_LABELS,
    port: 9000,
    path: "/minio/v2/metrics/cluster",
    when: "minio",
  },
  { name: "elasticsearch", namespace: "logging", podLabels: ES_EXPORTER_LABELS, port: "metrics" },
  { name: "kong", namespace: "gateway", podLabels: KONG_POD_LABELS, port: "status" },
];

/** Ports monitoring must reach, per namespace (for its egress policy). */
export const SCRAPE_PORTS: Partial<Record<Concern, number[]>> = {
  data: [9187, 9121, MONGODB_METRICS_PORT, 15692, 9000],
  logging: [9114],
  gateway: [8100],
  services: [9090],
  identity: [9011],
};
