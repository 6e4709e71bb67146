/**
 * MongoDB: a Percona Server for MongoDB replica set of 3 members, one per zone, through the Percona
 * Operator (maintained; the MongoDB Community Operator is out of support since Nov 2025). Auth is
 * always on; the platform gets its own user and database; Percona Backup for MongoDB writes scheduled
 * backups to object storage with a retention count.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatastoresConfig } from "../../config/schema";
import { Connection, serviceHost } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { ZONE_KEY } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { IMAGES, PSMDB_CR_VERSION } from "../../lib/versions";

/** Where backups go: an S3-compatible bucket, with keys in a Secret (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
export interface MongoBackupTarget {
  bucket: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  credentialsSecret?: pulumi.Input<string>;
  /** `azure`: Blob storage (no S3 API), the bucket is the container. Default `s3`. */
  type?: "s3" | "azure";
}

export interface MongoDbArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["mongodb"];
  backup: MongoBackupTarget;
  operator: pulumi.Resource;
  protect?: boolean;
}

export const MONGODB_NAME = "mongodb";
export const REPLSET = "rs0";
/** Labels the Percona operator puts on replica-set pods. */
export const MONGODB_POD_LABELS = { "app.kubernetes.io/instance": MONGODB_NAME, "app.kubernetes.io/replset": REPLSET };
export const APP_DATABASE = "platform";
export const MONGODB_METRICS_PORT = 9216;

export class MongoDb extends pulumi.ComponentResource {
  public readonly connection: Connection;
  public readonly password: pulumi.Output<string>;
  public readonly cluster: k8s.apiextensions.CustomResource;

  constructor(name: string, args: MongoDbArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:MongoDb", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "mongodb", instance: args.customer, component: "database" });
    const s = args.settings;

    const generated = new random.RandomPassword(
      `${name}-app-password`,
      { length: 32, special: false },
      { parent: this },
    );
    this.password = pulumi.secret(generated.result);
    const appSecret = new k8s.core.v1.Secret(
      `${name}-app-user`,
      {
        metadata: { name: "mongodb-platform-user", namespace: args.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: "platform", password: this.password },
      },
      o,
    );

    const storageName = "object-store";
    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "psmdb.percona.com/v1",
        kind: "PerconaServerMongoDB",
        metadata: { name: MONGODB_NAME, namespace: args.namespace, labels },
        spec: {
          crVersion: PSMDB_CR_VERSION,
          image: image(IMAGES.mongodb, args.mirror),
          // The operator generates the system users (cluster admin, backup...) into this Secret.
          secrets: { users: "mongodb-system-users" },
          sharding: { enabled: false },
          replsets: [
            {
              name: REPLSET,
              size: s.members,
              // One member per zone: an election needs a majority, and 2 of 3 zones hold it.
              affinity: { antiAffinityTopologyKey: ZONE_KEY },
              podDisruptionBudget: { maxUnavailable: 1 },
              resources: { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpu, memory: s.memory } },
              volumeSpec: {
                persistentVolumeClaim: {
                  storageClassName: args.storageClass,
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: s.storageSize } },
                },
              },
              podSecurityContext: restrictedPod(1001),
              containerSecurityContext: { ...RESTRICTED_CONTAINER, runAsUser: 1001 },
              // Metrics for Prometheus, as the operator's cluster-monitor system user.
              sidecars: [
                {
                  name: "metrics",
                  image: image(IMAGES.mongodbExporter, args.mirror),
                  args: [
                    "--discovering-mode",
                    "--compatible-mode",
                    "--collector.replicasetstatus",
                    "--mongodb.uri=mongodb://$(MONGODB_CLUSTER_MONITOR_USER):$(MONGODB_CLUSTER_MONITOR_PASSWORD)@127.0.0.1:27017/admin",
                  ],
                  env: ["MONGODB_CLUSTER_MONITOR_USER", "MONGODB_CLUSTER_MONITOR_PASSWORD"].map((k) => ({
                    name: k,
                    valueFrom: { secretKeyRef: { name: "mongodb-system-users", key: k } },
                  })),
                  ports: [{ name: "metrics", containerPort: MONGODB_METRICS_PORT }],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                  securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 1001, readOnlyRootFilesystem: true },
                },
              ],
            },
          ],
          users: [
            {
              name: "platform",
              db: "admin",
              passwordSecretRef: { name: appSecret.metadata.name, key: "password" },
              roles: [{ name: "readWrite", db: APP_DATABASE }],
            },
          ],
          backup: {
            enabled: true,
            image: image(IMAGES.mongodbBackup, args.mirror),
            storages: {
              [storageName]:
                args.backup.type === "azure"
                  ? {
                      type: "azure",
                      azure: {
                        container: args.backup.bucket,
                        prefix: "mongodb",
                        credentialsSecret: args.backup.credentialsSecret,
                      },
                    }
                  : {
                      type: "s3",
                      s3: {
                        bucket: args.backup.bucket,
                        prefix: "mongodb",
                        ...(args.backup.endpoint ? { endpointUrl: args.backup.endpoint } : {}),
                        ...(args.backup.credentialsSecret ? { credentialsSecret: args.backup.credentialsSecret } : {}),
                      },
                    },
            },
            tasks: [
              {
                name: "scheduled",
                enabled: true,
                schedule: s.backupSchedule,
                storageName,
                type: "logical",
                retention: { type: "count", count: s.backupRetentionCount, deleteFromStorage: true },
              },
            ],
          },
        },
      },
      { ...o, dependsOn: [args.operator], protect: args.protect ?? true },
    );

    this.connection = {
      // The replica set's headless service; drivers discover the members from it.
      host: serviceHost(`${MONGODB_NAME}-${REPLSET}`, args.namespace),
      port: 27017,
      secretNamespace: args.namespace,
      secretName: appSecret.metadata.name,
      keys: { username: "username", password: "password" },
      settings: { database: APP_DATABASE, replicaSet: REPLSET, authSource: "admin" },
    };
    this.registerOutputs({ password: this.password });
  }
}
