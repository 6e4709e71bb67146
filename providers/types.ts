/**
 * The seam: what every cloud target hands to the platform layer. The platform layer (components/)
 * depends on this file and never on a cloud SDK.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";

export type LoadBalancerKind = "public" | "internal";

/** A node pool as the platform sees it. Counts are PER ZONE on every cloud. */
export interface NodePoolInfo {
  name: string;
  role: "system" | "workload";
  zones: string[];
  minPerZone: number;
  maxPerZone: number;
  /** The cloud's machine type (GKE machine type, EC2 instance type, Azure VM size), when configured. */
  machineType?: string;
  /** Allocatable capacity of one node, when known (cores, bytes); used by capacity checks. */
  allocatable?: { cpu: number; memory: number };
}

/** A Kubernetes ServiceAccount that needs cloud permissions. */
export interface ServiceAccountRef {
  namespace: pulumi.Input<string>;
  name: string;
}

/** A cloud permission a workload asks for. Targets translate it into their own IAM. */
export type WorkloadGrant = { kind: "objectStore"; store: ObjectStore; access: "read" | "readWrite" };

/** How a pod gets cloud permissions: what to put on its ServiceAccount and pod template. */
export interface WorkloadIdentity {
  serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
  podLabels: Record<string, string>;
}

/** A bucket on the cloud's own object store. */
export interface ObjectStore {
  /** `s3` speaks the S3 API; `gcs` and `azureBlob` need their native clients (Blob has no S3 API). */
  api: "s3" | "gcs" | "azureBlob";
  bucket: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  region?: pulumi.Output<string>;
  /** Azure: the storage account's resource id (role-assignment scope) and name. */
  scope?: pulumi.Output<string>;
  accountName?: pulumi.Output<string>;
}

/**
 * Static access keys (Pulumi secrets): S3-compatible keys and the endpoint that accepts them, or
 * (`kind: "azure"`) a storage account name and key, since Blob has no S3 API.
 */
export interface ObjectStoreKeys {
  accessKey: pulumi.Output<string>;
  secretKey: pulumi.Output<string>;
  endpoint: string;
  kind?: "s3" | "azure";
}

export interface ClusterOutputs {
  clusterName: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  /** Always a Pulumi secret. */
  kubeconfig: pulumi.Output<string>;
}

/** What `buildCloud` returns: everything the platform layer may use of the cloud. */
export interface CloudTarget {
  cloud: PlatformConfig["cloud"];
  /** The provider every platform resource is created with; never the ambient kubeconfig. */
  kubernetes: k8s.Provider;
  /** The zones the nodes span (3 unless the stack allows fewer). */
  zones: string[];
  /** Name of the zone-aware StorageClass (WaitForFirstConsumer, expansion allowed). */
  storageClasses: { zonal: pulumi.Output<string> };
  nodePools: NodePoolInfo[];
  /** Service annotations that give a public or an internal load balancer on this cloud. */
  loadBalancer(kind: LoadBalancerKind): Record<string, string>;
  /**
   * Grants a Kubernetes ServiceAccount cloud permissions. Undefined where the target has no cloud
   * identity (`existing`): callers must then fall back to in-cluster credentials.
   */
  workloadIdentity?: (
    name: string,
    account: ServiceAccountRef,
    grants: WorkloadGrant[],
    parent?: pulumi.Resource,
  ) => WorkloadIdentity;
  /**
   * Static S3-compatible keys for a bucket, for tools that cannot use workload identity (Percona
   * Backup for MongoDB on GCS). Undefined where workload identity always works (S3 with IAM roles)
   * or where there is no cloud store.
   */
  objectStoreKeys?: (name: string, store: ObjectStore, parent?: pulumi.Resource) => ObjectStoreKeys;
  /** A bucket on the cloud's object store; undefined where the target has none (`existing`). */
  objectStore?: (name: string, parent?: pulumi.Resource) => ObjectStore;
  outputs: ClusterOutputs;
  /**
   * In-cluster add-ons the target installs that platform objects rely on, such as the controller
   * that creates and deletes cloud load balancers. Objects that need them depend on them, so
   * `pulumi destroy` removes those objects (and their cloud resources) while the add-ons still run.
   */
  clusterAddons?: pulumi.Resource[];
  /**
   * Where the node autoscaler exposes Prometheus metrics, when it runs in the cluster (EKS's
   * cluster-autoscaler). Undefined where the cloud runs it out of reach (GKE, AKS managed autoscalers).
   */
  autoscalerMetrics?: {
    namespace: string;
    podLabels: Record<string, string>;
    port: number;
    dependsOn: pulumi.Resource;
  };
}

/** The signature every target module exports as `buildCloud`. */
export type BuildCloud = (
  config: PlatformConfig,
  opts?: pulumi.ComponentResourceOptions,
) => Promise<CloudTarget> | CloudTarget;
