/**
 * Redis cache: an OT-Container-Kit `RedisReplication` (one master, replicas) and a `RedisSentinel`
 * quorum that promotes a replica when the master's zone goes. One pod per zone for both (required
 * zone anti-affinity). Auth on, PDBs through the operator, restricted security contexts.
 * Image licence: BSD-3-Clause (Redis 7.0; see versions.ts).
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatastoresConfig } from "../../config/schema";
import { Connection, serviceHost } from "../common/contracts";
import { standardLabels, ACCEPTS_WRITE_LOSS } from "../../lib/labels";
import { zoneAntiAffinity } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { IMAGES } from "../../lib/versions";

export interface RedisArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["redis"];
  operator: pulumi.Resource;
  /** Protect the replication (its volumes hold the cache's persistence). Default true. */
  protect?: boolean;
}

export const REPLICATION_NAME = "redis";
/** Metrics for Prometheus on both the Redis and the Sentinel pods. */
const exporter = (mirror?: Mirror) => ({
  enabled: true,
  image: image(IMAGES.redisExporter, mirror),
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
});
export const SENTINEL_NAME = "redis-sentinel";
/** The label the operator puts on the pods of a RedisReplication/RedisSentinel (`app: <name>`). */
export const podLabels = (crName: string) => ({ app: crName });
/** Sentinel's name for the monitored master. */
export const MASTER_GROUP = "platform";

export class Redis extends pulumi.ComponentResource {
  public readonly connection: Connection;
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:Redis", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "redis", instance: args.customer, component: "cache" });
    const s = args.settings;

    const generated = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    this.password = pulumi.secret(generated.result);
    const secret = new k8s.core.v1.Secret(
      `${name}-auth`,
      { metadata: { name: "redis-auth", namespace: args.namespace, labels }, stringData: { password: this.password } },
      o,
    );
    const redisSecret = { name: secret.metadata.name, key: "password" };
    const resources = { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpu, memory: s.memory } };
    const pod = {
      podSecurityContext: restrictedPod(1000),
      securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 1000 },
      // The operator creates a PodDisruptionBudget from this: at most one pod (one zone) down.
      pdb: { enabled: true, maxUnavailable: 1 },
    };

    const replication = new k8s.apiextensions.CustomResource(
      `${name}-replication`,
      {
        apiVersion: "redis.redis.opstreelabs.in/v1beta2",
        kind: "RedisReplication",
        metadata: {
          name: REPLICATION_NAME,
          namespace: args.namespace,
          labels,
          // Replication is asynchronous: a Sentinel failover can drop the last writes the old master
          // acknowledged. The platform keeps caches and rate-limit counters here, rebuilt on a miss.
          annotations: {
            [ACCEPTS_WRITE_LOSS]: "caches and counters only, rebuilt on a miss; asynchronous replication",
          },
        },
        spec: {
          clusterSize: s.replicas,
          kubernetesConfig: {
            image: image(IMAGES.redis, args.mirror),
            imagePullPolicy: "IfNotPresent",
            resources,
            redisSecret,
          },
          storage: {
            volumeClaimTemplate: {
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClass,
                resources: { requests: { storage: s.storageSize } },
              },
            },
          },
          redisExporter: exporter(args.mirror),
          affinity: zoneAntiAffinity(podLabels(REPLICATION_NAME)),
          ...pod,
        },
      },
      { ...o, dependsOn: [args.operator], protect: args.protect ?? true },
    );

    new k8s.apiextensions.CustomResource(
      `${name}-sentinel`,
      {
        apiVersion: "redis.redis.opstreelabs.in/v1beta2",
        kind: "RedisSentinel",
        metadata: { name: SENTINEL_NAME, namespace: args.namespace, labels },
        spec: {
          clusterSize: s.sentinels,
          kubernetesConfig: {
            image: image(IMAGES.redisSentinel, args.mirror),
            imagePullPolicy: "IfNotPresent",
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
            redisSecret,
          },
          redisExporter: exporter(args.mirror),
          redisSentinelConfig: {
            redisReplicationName: REPLICATION_NAME,
            masterGroupName: MASTER_GROUP,
            // A majority of 3 sentinels: the two zones left after a zone loss can still elect.
            quorum: String(Math.floor(s.sentinels / 2) + 1),
            downAfterMilliseconds: "5000",
            failoverTimeout: "30000",
            redisReplicationPassword: { secretKeyRef: redisSecret },
          },
          affinity: zoneAntiAffinity(podLabels(SENTINEL_NAME)),
          ...pod,
        },
      },
      { ...o, dependsOn: [args.operator, replication] },
    );

    this.connection = {
      host: serviceHost(`${REPLICATION_NAME}-master`, args.namespace),
      port: 6379,
      secretNamespace: args.namespace,
      secretName: secret.metadata.name,
      keys: { password: "password" },
      settings: {
        sentinelHost: serviceHost(`${SENTINEL_NAME}-sentinel`, args.namespace),
        sentinelPort: "26379",
        sentinelMasterName: MASTER_GROUP,
      },
    };
    this.registerOutputs({ password: this.password });
  }
}
