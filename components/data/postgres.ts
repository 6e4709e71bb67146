/**
 * Postgres for Kong and FusionAuth: a CloudNativePG cluster of 3 instances, one per zone (required
 * zone anti-affinity), with quorum synchronous replication so a commit is on two zones before it
 * is acknowledged. Separate databases and owner roles per consumer, passwords from @pulumi/random
 * in Kubernetes Secrets, scheduled base backups plus continuous WAL archiving to object storage.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatastoresConfig } from "../../config/schema";
import { Connection, serviceHost } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { ZONE_KEY } from "../common/placement";
import { IMAGES } from "../../lib/versions";

/** Where base backups and WAL go, in barman's terms. */
export type BackupTarget =
  | { api: "gcs"; bucket: pulumi.Output<string>; serviceAccountAnnotations: Record<string, pulumi.Input<string>> }
  | {
      api: "s3";
      bucket: pulumi.Output<string>;
      serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
      endpoint?: undefined;
    }
  | {
      api: "azureBlob";
      bucket: pulumi.Output<string>;
      endpoint: pulumi.Output<string>;
      serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
      /** Azure Workload Identity also needs a label on the pods. */
      podLabels: Record<string, string>;
    }
  | {
      api: "minio";
      bucket: pulumi.Output<string>;
      endpoint: pulumi.Output<string>;
      secretName: pulumi.Output<string>;
      keys: { accessKey: string; secretKey: string };
    };

export interface PostgresArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["postgres"];
  backup: BackupTarget;
  /** The operator release: the cluster's CRDs exist only once it is installed. */
  operator: pulumi.Resource;
  /** Protect the cluster and databases from deletion. Default true. */
  protect?: boolean;
}

/** The databases the platform needs, each with its own owner role. */
export const DATABASES = ["kong", "fusionauth"] as const;
export type DatabaseName = (typeof DATABASES)[number];

export const CLUSTER_NAME = "postgres";

export class Postgres extends pulumi.ComponentResource {
  /** Connection per database (host of the read-write service, owner credentials Secret). */
  public readonly connections: Record<DatabaseName, Connection>;
  /** The owners' passwords, as Pulumi secrets. */
  public readonly passwords: Record<DatabaseName, pulumi.Output<string>>;
  public readonly cluster: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:Postgres", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const protect = args.protect ?? true;
    const labels = standardLabels({ name: "postgres", instance: args.customer, component: "database" });
    const s = args.settings;

    const passwords = {} as Record<DatabaseName, pulumi.Output<string>>;
    const secrets = {} as Record<DatabaseName, k8s.core.v1.Secret>;
    for (const db of DATABASES) {
      const password = new random.RandomPassword(
        `${name}-${db}-password`,
        { length: 32, special: false },
        { parent: this },
      );
      passwords[db] = pulumi.secret(password.result);
      secrets[db] = new k8s.core.v1.Secret(
        `${name}-${db}-credentials`,
        {
          metadata: { name: `postgres-${db}`, namespace: args.namespace, labels },
          type: "kubernetes.io/basic-auth",
          stringData: { username: db, password: passwords[db] },
        },
        o,
      );
    }

    const [bootstrapDb, ...otherDbs] = DATABASES;
    const clusterOpts = { ...o, dependsOn: [args.operator], protect };
    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: CLUSTER_NAME, namespace: args.namespace, labels },
        spec: {
          instances: s.instances,
          imageName: image(IMAGES.postgres, args.mirror),
          primaryUpdateStrategy: "unsupervised",
          // One instance per zone: a zonal disk pins an instance to its zone, so two in one zone
          // would both go with it.
          affinity: { enablePodAntiAffinity: true, topologyKey: ZONE_KEY, podAntiAffinityType: "required" },
          postgresql: {
            // A commit returns once one standby (in another zone) has it: losing any zone loses no
            // acknowledged write. `required` refuses writes rather than silently going async.
            synchronous: { method: "any", number: 1, dataDurability: "required" },
          },
          enablePDB: true,
          resources: {
            requests: { cpu: s.cpu, memory: s.memory },
            limits: { cpu: s.cpu, memory: s.memory },
          },
          storage: { size: s.storageSize, storageClass: args.storageClass },
          bootstrap: {
            initdb: { database: bootstrapDb, owner: bootstrapDb, secret: { name: secrets[bootstrapDb].metadata.name } },
          },
          managed: {
            roles: otherDbs.map((db) => ({
              name: db,
              ensure: "present",
              login: true,
              passwordSecret: { name: secrets[db].metadata.name },
            })),
          },
          ...backupSpec(args.backup, s.backupRetentionDays),
        },
      },
      clusterOpts,
    );

    for (const db of otherDbs) {
      new k8s.apiextensions.CustomResource(
        `${name}-${db}-database`,
        {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "Database",
          metadata: { name: db, namespace: args.namespace, labels },
          spec: {
            name: db,
            owner: db,
            cluster: { name: CLUSTER_NAME },
            ensure: "present",
            databaseReclaimPolicy: "retain",
          },
        },
        { ...o, dependsOn: [this.cluster], protect },
      );
    }

    new k8s.apiextensions.CustomResource(
      `${name}-scheduled-backup`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: { name: "postgres-daily", namespace: args.namespace, labels },
        spec: {
          schedule: s.backupSchedule,
          cluster: { name: CLUSTER_NAME },
          method: "barmanObjectStore",
          backupOwnerReference: "self",
          immediate: true,
        },
      },
      { ...o, dependsOn: [this.cluster] },
    );

    const host = serviceHost(`${CLUSTER_NAME}-rw`, args.namespace);
    const connection = (db: DatabaseName): Connection => ({
      host,
      port: 5432,
      secretNamespace: args.namespace,
      secretName: secrets[db].metadata.name,
      keys: { username: "username", password: "password" },
      settings: { database: db },
    });
    this.connections = { kong: connection("kong"), fusionauth: connection("fusionauth") };
    this.passwords = passwords;
    this.registerOutputs({ passwords });
  }
}

/**
 * The in-tree `barmanObjectStore`, not the Barman Cloud plugin: the plugin needs cert-manager and an
 * `ObjectStore` CRD that is not among the pinned CRDs the tests validate against. It is deprecated
 * since CNPG 1.26 but present in 1.30; moving to the plugin is a follow-up once cert-manager lands.
 */
function backupSpec(target: BackupTarget, retentionDays: number) {
  const common = { wal: { compression: "gzip" }, data: { compression: "gzip" } };
  let store: Record<string, unknown>;
  let serviceAccountTemplate: Record<string, unknown> | undefined;
  switch (target.api) {
    case "gcs":
      store = {
        destinationPath: pulumi.interpolate`gs://${target.bucket}/postgres`,
        googleCredentials: { gkeEnvironment: true },
      };
      break;
    case "s3":
      store = {
        destinationPath: pulumi.interpolate`s3://${target.bucket}/postgres`,
        s3Credentials: { inheritFromIAMRole: true },
      };
      break;
    case "azureBlob":
      store = {
        destinationPath: pulumi.interpolate`${target.endpoint}/${target.bucket}/postgres`,
        azureCredentials: { inheritFromAzureAD: true },
      };
      break;
    case "minio":
      store = {
        destinationPath: pulumi.interpolate`s3://${target.bucket}/postgres`,
        endpointURL: target.endpoint,
        s3Credentials: {
          accessKeyId: { name: target.secretName, key: target.keys.accessKey },
          secretAccessKey: { name: target.secretName, key: target.keys.secretKey },
        },
      };
      break;
  }
  if (target.api !== "minio") serviceAccountTemplate = { metadata: { annotations: target.serviceAccountAnnotations } };
  return {
    backup: { retentionPolicy: `${retentionDays}d`, barmanObjectStore: { ...store, ...common } },
    ...(serviceAccountTemplate ? { serviceAccountTemplate } : {}),
    ...(target.api === "azureBlob" ? { inheritedMetadata: { labels: target.podLabels } } : {}),
  };
}
