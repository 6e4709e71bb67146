/** What AKS hands the platform beyond the cluster: storage, load balancers, workload identity, Blob storage. */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
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
import { assignRole, ROLES } from "./roles";

/**
 * Zonal Premium SSD (LRS), not ZRS: every datastore replicates across zones itself, so a zone-redundant
 * disk would pay twice (cost and write latency) for the same protection. WaitForFirstConsumer creates
 * the disk in the zone of the pod that claims it.
 */
export function createStorageClass(config: PlatformConfig, opts: pulumi.CustomResourceOptions) {
  return zonalStorageClass(
    config,
    { provisioner: "disk.csi.azure.com", parameters: { skuName: "Premium_LRS", cachingMode: "ReadOnly" } },
    opts,
  );
}

export function loadBalancerAnnotations(kind: LoadBalancerKind): Record<string, string> {
  return kind === "internal" ? { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } : {};
}

/** Azure Workload Identity needs this label on the pod as well as the client-id annotation on its ServiceAccount. */
export const WORKLOAD_IDENTITY_POD_LABELS = { "azure.workload.identity/use": "true" };

export function makeWorkloadIdentity(
  customer: string,
  args: {
    resourceGroupName: pulumi.Output<string>;
    location: string;
    subscriptionId: pulumi.Output<string>;
    cluster: containerservice.ManagedCluster;
  },
) {
  const issuer = args.cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? "");
  return (
    name: string,
    account: ServiceAccountRef,
    grants: WorkloadGrant[],
    parent?: pulumi.Resource,
  ): WorkloadIdentity => {
    const o = { parent };
    const identity = new managedidentity.UserAssignedIdentity(
      `${customer}-${name}-wi`,
      { resourceGroupName: args.resourceGroupName, location: args.location },
      o,
    );
    new managedidentity.FederatedIdentityCredential(
      `${customer}-${name}-wi`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: identity.name,
        issuer,
        subject: pulumi.interpolate`system:serviceaccount:${account.namespace}:${account.name}`,
        audiences: ["api://AzureADTokenExchange"],
      },
      o,
    );
    grants.forEach((g, i) =>
      assignRole(
        `${customer}-${name}-wi-grant-${i}`,
        {
          subscriptionId: args.subscriptionId,
          role: g.access === "read" ? ROLES.storageBlobDataReader : ROLES.storageBlobDataContributor,
          principalId: identity.principalId,
          scope: g.store.scope!,
        },
        o,
      ),
    );
    return {
      serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
      podLabels: WORKLOAD_IDENTITY_POD_LABELS,
    };
  };
}

/** A storage account per store (TLS 1.2+, HTTPS only, no public blob access, versioning) with one container. */
export function makeObjectStore(
  config: PlatformConfig,
  args: { resourceGroupName: pulumi.Output<string>; location: string },
) {
  const accounts = new Map<string, storage.StorageAccount>();
  const store = (name: string, parent?: pulumi.Resource): ObjectStore => {
    const o = { parent };
    const account = new storage.StorageAccount(
      `${config.customer}-${name}`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
      },
      { ...o, protect: config.protectData },
    );
    accounts.set(name, account);
    new storage.BlobServiceProperties(
      `${config.customer}-${name}`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        blobServicesName: "default",
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: 30 },
      },
      o,
    );
    const container = new storage.BlobContainer(
      `${config.customer}-${name}`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: account.name,
        containerName: name,
        publicAccess: "None",
      },
      o,
    );
    return {
      api: "azureBlob",
      bucket: container.name,
      endpoint: pulumi.interpolate`https://${account.name}.blob.core.windows.net`,
      scope: account.id,
      accountName: account.name,
    };
  };
  const keys = (name: string, s: ObjectStore, parent?: pulumi.Resource): ObjectStoreKeys => {
    void parent;
    const listed = storage.listStorageAccountKeysOutput({
      resourceGroupName: args.resourceGroupName,
      accountName: s.accountName!,
    });
    return {
      accessKey: pulumi.secret(s.accountName!),
      secretKey: pulumi.secret(listed.keys.apply((k) => k[0].value)),
      endpoint: "",
      kind: "azure",
    };
  };
  return { store, keys, accounts };
}
