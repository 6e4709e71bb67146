/** What GKE hands the platform beyond the cluster: storage, load balancers, workload identity, buckets. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { zonalStorageClass } from "../../lib/storage-class";
import type { PlatformConfig } from "../../config/load";
import type {
  LoadBalancerKind,
  ObjectStore,
  ObjectStoreKeys,
  ServiceAccountRef,
  WorkloadGrant,
  WorkloadIdentity,
} from "../types";

export function createStorageClass(config: PlatformConfig, diskType: string, opts: pulumi.CustomResourceOptions) {
  return zonalStorageClass(config, { provisioner: "pd.csi.storage.gke.io", parameters: { type: diskType } }, opts);
}

export function loadBalancerAnnotations(kind: LoadBalancerKind): Record<string, string> {
  return kind === "internal"
    ? { "networking.gke.io/load-balancer-type": "Internal" }
    : // Backend-service-based external passthrough load balancer, GKE's current default for new Services.
      { "cloud.google.com/l4-rbs": "enabled" };
}

/** A GCP service account id (6-30 chars) for a workload; long names keep a stable hash suffix. */
export function serviceAccountId(customer: string, name: string): string {
  const id = `${customer}-${name}`;
  if (id.length <= 30) return id;
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${id.slice(0, 23)}-${h.toString(36).slice(0, 6)}`.replace(/-+/g, "-");
}

const BUCKET_ROLE: Record<WorkloadGrant["access"], string> = {
  read: "roles/storage.objectViewer",
  readWrite: "roles/storage.objectUser",
};

export function makeWorkloadIdentity(project: string, customer: string, provider: gcp.Provider) {
  return (
    name: string,
    account: ServiceAccountRef,
    grants: WorkloadGrant[],
    parent?: pulumi.Resource,
  ): WorkloadIdentity => {
    const opts = { parent, provider };
    const gsa = new gcp.serviceaccount.Account(
      `${customer}-${name}-wi`,
      { accountId: serviceAccountId(customer, name), displayName: `${customer} workload ${name}` },
      opts,
    );
    new gcp.serviceaccount.IAMMember(
      `${customer}-${name}-wi-user`,
      {
        serviceAccountId: gsa.name,
        role: "roles/iam.workloadIdentityUser",
        member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${account.namespace}/${account.name}]`,
      },
      opts,
    );
    grants.forEach((g, i) => {
      new gcp.storage.BucketIAMMember(
        `${customer}-${name}-wi-grant-${i}`,
        {
          bucket: g.store.bucket,
          role: BUCKET_ROLE[g.access],
          member: pulumi.interpolate`serviceAccount:${gsa.email}`,
        },
        opts,
      );
    });
    return { serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": gsa.email }, podLabels: {} };
  };
}

export function makeObjectStore(config: PlatformConfig, project: string, region: string, provider: gcp.Provider) {
  return (name: string, parent?: pulumi.Resource): ObjectStore => {
    const bucket = new gcp.storage.Bucket(
      `${config.customer}-${name}`,
      {
        name: `${project}-${config.customer}-${name}`.slice(0, 63),
        location: region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        // Old versions are kept 30 days, then go.
        lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } }],
        forceDestroy: !config.protectData,
        labels: { customer: config.customer, "managed-by": "pulumi" },
      },
      { parent, provider, protect: config.protectData },
    );
    return { api: "gcs", bucket: bucket.name, endpoint: pulumi.output("https://storage.googleapis.com") };
  };
}

/**
 * HMAC keys on a dedicated service account that may only use the one bucket: GCS's S3-compatible
 * XML API accepts them at storage.googleapis.com. For tools without Workload Identity support.
 */
export function makeObjectStoreKeys(customer: string, provider: gcp.Provider) {
  return (name: string, store: ObjectStore, parent?: pulumi.Resource): ObjectStoreKeys => {
    const opts = { parent, provider };
    const gsa = new gcp.serviceaccount.Account(
      `${customer}-${name}-hmac`,
      { accountId: serviceAccountId(customer, `${name}-hmac`), displayName: `${customer} ${name} (HMAC)` },
      opts,
    );
    new gcp.storage.BucketIAMMember(
      `${customer}-${name}-hmac-grant`,
      { bucket: store.bucket, role: BUCKET_ROLE.readWrite, member: pulumi.interpolate`serviceAccount:${gsa.email}` },
      opts,
    );
    const key = new gcp.storage.HmacKey(`${customer}-${name}-hmac`, { serviceAccountEmail: gsa.email }, opts);
    return {
      accessKey: pulumi.secret(key.accessId),
      secretKey: pulumi.secret(key.secret),
      endpoint: "https://storage.googleapis.com",
    };
  };
}
