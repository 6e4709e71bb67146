/**
 * The stateful half of the platform: operators, Postgres, Redis and object storage, each across the
 * three zones, with NetworkPolicies that admit only their consumers, their operator and monitoring.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import type { CloudTarget } from "../../providers/types";
import { Connection, ObjectStorageConnection } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import type { Concern } from "../namespaces/catalog";
import { allowEgress, allowIngress } from "../common/network-policies";
import { ObjectStorage, TENANT_POD_LABELS } from "./object-storage";
import { Operators } from "./operators";
import { BackupTarget, CLUSTER_NAME, DatabaseName, Postgres } from "./postgres";
import { podLabels, Redis, REPLICATION_NAME, SENTINEL_NAME } from "./redis";
import { Elasticsearch, ES_POD_LABELS } from "./elasticsearch";
import { MongoBackupTarget, MongoDb, MONGODB_POD_LABELS } from "./mongodb";
import { RabbitMq, RABBITMQ_POD_LABELS } from "./rabbitmq";
import type { Datastore } from "../services/catalog";

export interface DataLayerArgs {
  config: PlatformConfig;
  target: CloudTarget;
  namespaces: Record<Concern, pulumi.Output<string>>;
}

/** Buckets for backups when the target has no cloud object store (MinIO backend). */
export const BACKUP_BUCKET = "postgres-backups";
export const MONGODB_BACKUP_BUCKET = "mongodb-backups";

export const POSTGRES_POD_LABELS = { "cnpg.io/cluster": CLUSTER_NAME };

export class DataLayer extends pulumi.ComponentResource {
  /** The operators' releases, for resources of their kinds elsewhere (a Beat, the gateway's certificates). */
  public readonly operators: Operators;
  public readonly postgres: Record<DatabaseName, Connection>;
  public readonly redis: Connection;
  public readonly objectStorage: ObjectStorageConnection;
  public readonly mongodb: Connection;
  public readonly rabbitmq: Connection;
  /** Elasticsearch for pipeline logs: one connection per user (shipper writes, reader reads). */
  public readonly elasticsearch: { shipper: Connection; reader: Connection };
  /**
   * The platform services' credentials per datastore (Pulumi secrets), for copying into the
   * consumers' namespaces: a pod can only reference a Secret in its own namespace.
   */
  public readonly serviceCredentials: Partial<Record<Datastore, Record<string, pulumi.Input<string>>>>;
  /** The pipeline-log shipper's Elasticsearch credentials (Pulumi secrets), for its own namespace. */
  public readonly shipperCredentials: { username: string; password: pulumi.Output<string> };
  /** Gives a service's Kubernetes ServiceAccount access to the static-files bucket (workload identity on `cloud`). */
  public readonly grantObjectStorage: ObjectStorage["grantAccess"];
  /** Passwords generated for the datastores, all Pulumi secrets. */
  public readonly secrets: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: DataLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:DataLayer", name, {}, opts);
    const { config, target, namespaces } = args;
    const provider = target.kubernetes;
    const ns = namespaces.data;
    const d = config.datastores;
    const protect = config.protectData;
    const storageClass = target.storageClasses.zonal;
    const useMinio = d.objectStorage.backend === "minio";
    // Off-cluster backups when the cloud offers a store; MinIO only on a target without one.
    const backupsInMinio = !target.objectStore;
    if (backupsInMinio && !useMinio) {
      throw new Error("Postgres backups need a cloud object store or the minio backend"); // the loader prevents this
    }

    const operators = (this.operators = new Operators(
      `${name}-operators`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: namespaces.operators,
        // The pods they manage, and (KEDA) Prometheus for custom metrics.
        managedNamespaces: [ns, namespaces.logging, namespaces.observability],
        minio: useMinio,
      },
      { parent: this },
    ));

    const objectStorage = new ObjectStorage(
      `${name}-objects`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: ns,
        storageClass,
        settings: d.objectStorage,
        target,
        zones: target.zones,
        operator: operators.minio,
        extraBuckets: backupsInMinio ? [BACKUP_BUCKET, MONGODB_BACKUP_BUCKET] : [],
        protect,
      },
      { parent: this },
    );

    const postgres = new Postgres(
      `${name}-postgres`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: ns,
        storageClass,
        settings: d.postgres,
        backup: this.backupTarget(target, objectStorage, ns),
        operator: operators.cloudnativePg,
        protect,
      },
      { parent: this },
    );

    const redis = new Redis(
      `${name}-redis`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: ns,
        storageClass,
        settings: d.redis,
        operator: operators.redis,
        protect,
      },
      { parent: this },
    );

    const mongodb = new MongoDb(
      `${name}-mongodb`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: ns,
        storageClass,
        settings: d.mongodb,
        backup: this.mongoBackupTarget(name, target, objectStorage, ns, config.customer),
        operator: operators.mongodb,
        protect,
      },
      { parent: this },
    );
    const rabbitmq = new RabbitMq(
      `${name}-rabbitmq`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: ns,
        storageClass,
        settings: d.rabbitmq,
        operator: operators.rabbitmq,
        protect,
      },
      { parent: this },
    );
    const elasticsearch = new Elasticsearch(
      `${name}-elasticsearch`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: namespaces.logging,
        storageClass,
        settings: d.elasticsearch,
        operator: operators.elastic,
        protect,
      },
      { parent: this },
    );

    this.networkPolicies(name, config.customer, provider, namespaces, useMinio);

    this.postgres = postgres.connections;
    this.redis = redis.connection;
    this.objectStorage = objectStorage.connection;
    this.mongodb = mongodb.connection;
    this.rabbitmq = rabbitmq.connection;
    this.elasticsearch = elasticsearch.connections;
    this.grantObjectStorage = objectStorage.grantAccess;
    this.shipperCredentials = { username: "pipeline-log-shipper", password: elasticsearch.passwords.shipper };
    this.serviceCredentials = {
      redis: { password: redis.password },
      mongodb: { username: "platform", password: mongodb.password },
      rabbitmq: { username: "platform", password: rabbitmq.password },
      elasticsearch: { username: "pipeline-log-reader", password: elasticsearch.passwords.reader },
      ...(objectStorage.minioKeys
        ? {
            objectStorage: {
              accessKey: objectStorage.minioKeys.accessKey,
              secretKey: objectStorage.minioKeys.secretKey,
            },
          }
        : {}),
    };
    this.secrets = {
      postgresKong: postgres.passwords.kong,
      postgresFusionauth: postgres.passwords.fusionauth,
      redis: redis.password,
      mongodb: mongodb.password,
      rabbitmq: rabbitmq.password,
      elasticsearchShipper: elasticsearch.passwords.shipper,
      elasticsearchReader: elasticsearch.passwords.reader,
    };
    this.registerOutputs({ secrets: this.secrets });
  }

  private backupTarget(target: CloudTarget, objects: ObjectStorage, ns: pulumi.Output<string>): BackupTarget {
    if (target.objectStore && target.workloadIdentity) {
      const store = target.objectStore("pg-backups", this);
      // CloudNativePG runs every instance under a ServiceAccount named after the cluster.
      const identity = target.workloadIdentity(
        "postgres",
        { namespace: ns, name: CLUSTER_NAME },
        [{ kind: "objectStore", store, access: "readWrite" }],
        this,
      );
      const annotations = identity.serviceAccountAnnotations;
      if (store.api === "azureBlob") {
        return {
          api: "azureBlob",
          bucket: store.bucket,
          endpoint: store.endpoint,
          serviceAccountAnnotations: annotations,
          podLabels: identity.podLabels,
        };
      }
      return { api: store.api, bucket: store.bucket, serviceAccountAnnotations: annotations };
    }
    const c = objects.connection;
    if (!c.credentials) throw new Error("MinIO backups need the MinIO credentials Secret");
    return {
      api: "minio",
      bucket: pulumi.output(BACKUP_BUCKET),
      endpoint: c.endpoint,
      secretName: c.credentials.secretName,
      keys: c.credentials.keys,
    };
  }

  /** MongoDB backups: the cloud's bucket through S3-compatible keys, else a MinIO bucket. */
  private mongoBackupTarget(
    name: string,
    target: CloudTarget,
    objects: ObjectStorage,
    ns: pulumi.Output<string>,
    customer: string,
  ): MongoBackupTarget {
    let bucket: pulumi.Input<string>;
    let endpoint: pulumi.Input<string>;
    let keys: { accessKey: pulumi.Input<string>; secretKey: pulumi.Output<string> };
    let azure = false;
    if (target.objectStore) {
      if (!target.objectStoreKeys) {
        throw new Error(
          `MongoDB backups on ${target.cloud}: the target gives no S3-compatible keys for its object store`,
        );
      }
      const store = target.objectStore("mongo-backups", this);
      const k = target.objectStoreKeys("mongo-backups", store, this);
      [bucket, endpoint, keys] = [store.bucket, k.endpoint, k];
      azure = k.kind === "azure";
    } else {
      if (!objects.minioKeys) throw new Error("MongoDB backups need a cloud object store or the minio backend");
      [bucket, endpoint, keys] = [MONGODB_BACKUP_BUCKET, objects.connection.endpoint, objects.minioKeys];
    }
    const secret = new k8s.core.v1.Secret(
      `${name}-mongodb-backup-credentials`,
      {
        metadata: {
          name: "mongodb-backup-credentials",
          namespace: ns,
          labels: standardLabels({ name: "mongodb", instance: customer, component: "backup" }),
        },
        // The key names Percona Backup for MongoDB reads (S3-compatible, or an Azure storage account).
        stringData: azure
          ? { AZURE_STORAGE_ACCOUNT_NAME: keys.accessKey, AZURE_STORAGE_ACCOUNT_KEY: keys.secretKey }
          : { AWS_ACCESS_KEY_ID: keys.accessKey, AWS_SECRET_ACCESS_KEY: keys.secretKey },
      },
      { parent: this, provider: target.kubernetes },
    );
    return { bucket, endpoint, credentialsSecret: secret.metadata.name, type: azure ? "azure" : "s3" };
  }

  /** Ingress per datastore from its consumers, its operator and monitoring; egress for replication and backups. */
  private networkPolicies(
    name: string,
    customer: string,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    useMinio: boolean,
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({ name: "data-network-policy", instance: customer, component: "isolation" });
    const data = namespaces.data;
    const from = (...concerns: Concern[]) => concerns.map((c) => ({ namespace: namespaces[c] }));

    allowIngress(
      `${name}-postgres-ingress`,
      {
        namespace: data,
        podLabels: POSTGRES_POD_LABELS,
        policyName: "postgres-ingress",
        labels,
        rules: [
          { from: from("gateway", "identity"), ports: [5432] }, // Kong, FusionAuth
          { from: [{ namespace: data, podLabels: POSTGRES_POD_LABELS }], ports: [5432, 8000] }, // replication, status
          { from: from("operators"), ports: [8000, 5432] },
          { from: from("observability"), ports: [9187] },
        ],
      },
      o,
    );
    allowIngress(
      `${name}-redis-ingress`,
      {
        namespace: data,
        podLabels: podLabels(REPLICATION_NAME),
        policyName: "redis-ingress",
        labels,
        rules: [
          { from: from("services", "gateway"), ports: [6379] }, // platform services, Kong rate limiting
          { from: [{ namespace: data, podLabels: podLabels(REPLICATION_NAME) }], ports: [6379] },
          { from: [{ namespace: data, podLabels: podLabels(SENTINEL_NAME) }], ports: [6379] },
          { from: from("operators"), ports: [6379] },
          { from: from("observability"), ports: [9121] },
        ],
      },
      o,
    );
    allowIngress(
      `${name}-sentinel-ingress`,
      {
        namespace: data,
        podLabels: podLabels(SENTINEL_NAME),
        policyName: "redis-sentinel-ingress",
        labels,
        rules: [
          { from: from("services", "gateway"), ports: [26379] },
          { from: [{ namespace: data, podLabels: podLabels(SENTINEL_NAME) }], ports: [26379] },
          { from: from("operators"), ports: [26379] },
          { from: from("observability"), ports: [9121] },
        ],
      },
      o,
    );
    if (useMinio) {
      allowIngress(
        `${name}-minio-ingress`,
        {
          namespace: data,
          podLabels: TENANT_POD_LABELS,
          policyName: "minio-ingress",
          labels,
          rules: [
            { from: from("services"), ports: [9000] }, // static files
            { from: [{ namespace: data, podLabels: POSTGRES_POD_LABELS }], ports: [9000] }, // backups
            { from: [{ namespace: data, podLabels: TENANT_POD_LABELS }], ports: [9000] }, // erasure-coded peers
            { from: from("operators"), ports: [9000] },
            { from: from("observability"), ports: [9000] },
          ],
        },
        o,
      );
    }
    allowIngress(
      `${name}-mongodb-ingress`,
      {
        namespace: data,
        podLabels: MONGODB_POD_LABELS,
        policyName: "mongodb-ingress",
        labels,
        rules: [
          { from: from("services"), ports: [27017] },
          { from: [{ namespace: data, podLabels: MONGODB_POD_LABELS }], ports: [27017] },
          { from: from("operators"), ports: [27017] },
          { from: from("observability"), ports: [9216] },
        ],
      },
      o,
    );
    allowIngress(
      `${name}-rabbitmq-ingress`,
      {
        namespace: data,
        podLabels: RABBITMQ_POD_LABELS,
        policyName: "rabbitmq-ingress",
        labels,
        rules: [
          { from: from("services"), ports: [5672, 15672] }, // AMQP; management API for the Coordinator
          // Erlang distribution, peer discovery and CLI tools between the nodes.
          { from: [{ namespace: data, podLabels: RABBITMQ_POD_LABELS }], ports: [4369, 5672, 15672, 25672] },
          { from: from("operators"), ports: [15672] },
          { from: from("observability"), ports: [15692] },
        ],
      },
      o,
    );
    // Elasticsearch admits only the log shipper, the services that read pipeline logs, monitoring,
    // its operator and itself; nothing outside the cluster has a path to it.
    allowIngress(
      `${name}-elasticsearch-ingress`,
      {
        namespace: namespaces.logging,
        podLabels: ES_POD_LABELS,
        policyName: "elasticsearch-ingress",
        labels,
        rules: [
          { from: from("node-agents"), ports: [9200] }, // the pipeline-log shipper
          { from: from("services"), ports: [9200] }, // readers of pipeline logs
          { from: from("observability"), ports: [9200] },
          { from: from("operators"), ports: [9200] },
          { from: [{ namespace: namespaces.logging }], ports: [9200, 9300] }, // nodes, lifecycle Job
        ],
      },
      o,
    );
    allowEgress(
      `${name}-logging-egress`,
      {
        namespace: namespaces.logging,
        podLabels: {},
        policyName: "logging-egress",
        labels,
        to: [{ peers: [{ namespace: namespaces.logging }], ports: [9200, 9300] }],
      },
      o,
    );
    // Datastore pods reach each other (replication, sentinels, backups to MinIO), the Kubernetes API
    // (CloudNativePG's instance manager) and HTTPS (cloud object stores for backups).
    allowEgress(
      `${name}-data-egress`,
      {
        namespace: data,
        podLabels: {},
        policyName: "datastores-egress",
        labels,
        to: [{ peers: [{ namespace: data }] }],
        externalPorts: [443, 6443],
      },
      o,
    );
  }
}
