/**
 * Object storage for static files, with two backends behind one contract:
 * - `minio`: a distributed MinIO Tenant, one server per zone (required zone anti-affinity), erasure
 *   parity equal to the drives of one zone, so losing a zone keeps reads and writes. MinIO's
 *   community edition is unmaintained (no new images since Oct 2025): see the README warning.
 * - `cloud`: the cloud's own bucket from the seam; services reach it through workload identity.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatastoresConfig } from "../../config/schema";
import type { CloudTarget, ServiceAccountRef, WorkloadIdentity } from "../../providers/types";
import { ObjectStorageConnection, serviceHost } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { zoneAntiAffinity, zoneSpread } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { IMAGES } from "../../lib/versions";

export const TENANT_NAME = "minio";
/** Label the MinIO operator puts on a tenant's pods. */
export const TENANT_POD_LABELS = { "v1.min.io/tenant": TENANT_NAME };
/** Keys of the application user's Secret, as the MinIO operator reads them. */
export const MINIO_USER_KEYS = { accessKey: "CONSOLE_ACCESS_KEY", secretKey: "CONSOLE_SECRET_KEY" };

/** Parity that survives a zone: the drives of one zone. The config loader keeps all drives in one erasure set (<= 16). */
export function minioParity(m: DatastoresConfig["objectStorage"]["minio"]): number {
  return m.serversPerZone * m.volumesPerServer;
}

export interface ObjectStorageArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["objectStorage"];
  target: CloudTarget;
  zones: string[];
  /** The MinIO operator release (required for the `minio` backend). */
  operator?: pulumi.Resource;
  /** Extra buckets (e.g. for backups on a target without a cloud store). `minio` only. */
  extraBuckets?: string[];
  protect?: boolean;
}

export class ObjectStorage extends pulumi.ComponentResource {
  public readonly connection: ObjectStorageConnection;
  /**
   * Gives a Kubernetes ServiceAccount access to the bucket. On `cloud` it binds a workload identity;
   * on `minio` access is by the credentials Secret and this returns no annotations.
   */
  public readonly grantAccess: (name: string, account: ServiceAccountRef) => WorkloadIdentity;
  /** The MinIO application user's keys (Pulumi secrets), for tools that need them in their own Secret format. */
  public minioKeys?: { accessKey: pulumi.Input<string>; secretKey: pulumi.Output<string> };

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:ObjectStorage", name, {}, opts);
    const s = args.settings;
    if (s.backend === "cloud") {
      const { objectStore, workloadIdentity } = args.target;
      if (!objectStore || !workloadIdentity) {
        throw new Error(
          `dedicated-platform:datastores.objectStorage.backend = "cloud": target ${args.target.cloud} has no object store`,
        );
      }
      const store = objectStore(s.bucket, this);
      this.connection = { backend: "cloud", api: store.api, endpoint: store.endpoint, bucket: store.bucket };
      this.grantAccess = (id, account) =>
        workloadIdentity(`${id}-files`, account, [{ kind: "objectStore", store, access: "readWrite" }], this);
    } else {
      if (!args.operator) throw new Error("the minio backend needs the MinIO operator");
      this.connection = this.minio(name, args, s, args.operator);
      this.grantAccess = () => ({ serviceAccountAnnotations: {}, podLabels: {} });
    }
    this.registerOutputs({ endpoint: this.connection.endpoint, bucket: this.connection.bucket });
  }

  private minio(
    name: string,
    args: ObjectStorageArgs,
    s: DatastoresConfig["objectStorage"],
    operator: pulumi.Resource,
  ): ObjectStorageConnection {
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "minio", instance: args.customer, component: "object-storage" });
    const m = s.minio;
    const secretValue = (id: string) =>
      pulumi.secret(
        new random.RandomPassword(`${name}-${id}`, { length: 40, special: false }, { parent: this }).result,
      );

    const rootPassword = secretValue("root-password");
    const configuration = new k8s.core.v1.Secret(
      `${name}-configuration`,
      {
        metadata: { name: "minio-configuration", namespace: args.namespace, labels },
        stringData: {
          "config.env": pulumi.interpolate`export MINIO_ROOT_USER="platform-root"
export MINIO_ROOT_PASSWORD="${rootPassword}"
export MINIO_STORAGE_CLASS_STANDARD="EC:${minioParity(m)}"
`,
        },
      },
      o,
    );
    this.minioKeys = { accessKey: "platform-app", secretKey: secretValue("app-secret") };
    const appUser = new k8s.core.v1.Secret(
      `${name}-app-user`,
      {
        metadata: { name: "minio-app-user", namespace: args.namespace, labels },
        stringData: {
          [MINIO_USER_KEYS.accessKey]: this.minioKeys.accessKey,
          [MINIO_USER_KEYS.secretKey]: this.minioKeys.secretKey,
        },
      },
      o,
    );
    const servers = m.serversPerZone * args.zones.length;
    new k8s.apiextensions.CustomResource(
      `${name}-tenant`,
      {
        apiVersion: "minio.min.io/v2",
        kind: "Tenant",
        metadata: { name: TENANT_NAME, namespace: args.namespace, labels },
        spec: {
          image: image(IMAGES.minio, args.mirror),
          configuration: { name: configuration.metadata.name },
          users: [{ name: appUser.metadata.name }],
          buckets: [s.bucket, ...(args.extraBuckets ?? [])].map((b) => ({ name: b })),
          // In-cluster plain HTTP, reachable only through the data namespace's NetworkPolicies.
          requestAutoCert: false,
          // Cluster metrics without a bearer token: only monitoring may reach the port anyway.
          env: [{ name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" }],
          pools: [
            {
              name: "pool-0",
              servers,
              volumesPerServer: m.volumesPerServer,
              volumeClaimTemplate: {
                metadata: { name: "data" },
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  storageClassName: args.storageClass,
                  resources: { requests: { storage: m.volumeSize } },
                },
              },
              resources: { requests: { cpu: m.cpu, memory: m.memory }, limits: { cpu: m.cpu, memory: m.memory } },
              securityContext: restrictedPod(1000),
              containerSecurityContext: { ...RESTRICTED_CONTAINER, runAsUser: 1000 },
              // One server per zone: required anti-affinity. More per zone: an even hard spread.
              ...(m.serversPerZone === 1
                ? { affinity: zoneAntiAffinity(TENANT_POD_LABELS) }
                : { topologySpreadConstraints: zoneSpread(TENANT_POD_LABELS) }),
            },
          ],
        },
      },
      { ...o, dependsOn: [operator], protect: args.protect ?? true },
    );
    // The operator creates no PodDisruptionBudget: at most one zone's servers down at a time.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: "minio", namespace: args.namespace, labels },
        spec: { maxUnavailable: m.serversPerZone, selector: { matchLabels: TENANT_POD_LABELS } },
      },
      o,
    );
    return {
      backend: "minio",
      api: "s3",
      endpoint: pulumi.interpolate`http://${serviceHost("minio", args.namespace)}`,
      bucket: pulumi.output(s.bucket),
      credentials: { secretNamespace: args.namespace, secretName: appUser.metadata.name, keys: MINIO_USER_KEYS },
    };
  }
}
