/**
 * Resources for the charts' pods that set none. A container without them gets its namespace's
 * LimitRange defaults (a 1-CPU limit each), which adds up past the namespace's quota at the
 * autoscalers' maximum; explicit, modest values keep every namespace inside its quota. Ephemeral
 * storage (logs, scratch files) is requested and limited too, so a full node evicts the right pod.
 */

/** A controller or webhook: mostly idle, watching the API. */
export const CONTROLLER_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" },
  limits: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "512Mi" },
};

/** An operator that reconciles datastores (two replicas, leader election). */
export const OPERATOR_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "128Mi" },
  limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "1Gi" },
};

/** A one-off Job (database migrations, certificate generation, an API check). */
export const JOB_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" },
  limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "512Mi" },
};

/** An agent on every node (metrics exporters). */
export const NODE_AGENT_RESOURCES = {
  requests: { cpu: "20m", memory: "32Mi", "ephemeral-storage": "32Mi" },
  limits: { cpu: "200m", memory: "128Mi", "ephemeral-storage": "256Mi" },
};

/** The CPU and memory of a set above, for a chart that reads only those keys (not the whole map). */
export function cpuAndMemory(r: { requests: Record<string, string>; limits: Record<string, string> }) {
  return {
    requests: { cpu: r.requests.cpu, memory: r.requests.memory },
    limits: { cpu: r.limits.cpu, memory: r.limits.memory },
  };
}
