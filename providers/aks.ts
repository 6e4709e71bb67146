/**
 * The AKS target: a zone-redundant cluster (every pool in zones 1-3) in its own resource group and
 * VNet, Azure CNI overlay with Cilium (or Calico), workload identity, Entra ID with Azure RBAC, KMS etcd
 * encryption with a Key Vault key, and the cluster autoscaler with a tuned profile.
 * azure-native is imported by submodule: the top-level import is many times slower to compile and load.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import { createCluster, toTotal } from "./aks/cluster";
import { kubeconfigFor } from "./aks/kubeconfig";
import { createStorageClass, loadBalancerAnnotations, makeObjectStore, makeWorkloadIdentity } from "./aks/seam";
import { allocatable } from "./aks/vm-sizes";
import type { BuildCloud, CloudTarget, NodePoolInfo } from "./types";

export const AZURE_ZONES = ["1", "2", "3"];

export class AksCluster extends pulumi.ComponentResource {
  public readonly target: CloudTarget;

  constructor(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    const a = config.azure;
    if (!a) throw new Error("dedicated-platform:azure is required when cloud is azure"); // the loader already checks
    const name = config.customer;
    super("dedicated-platform:providers:AksCluster", `${name}-cluster`, {}, opts);
    const o = { parent: this };
    const zones = config.zones ?? AZURE_ZONES;
    const rg = new resources.ResourceGroup(
      `${name}-rg`,
      { location: a.location, tags: { customer: name, "managed-by": "pulumi" } },
      o,
    );
    const subscriptionId = authorization.getClientConfigOutput(o).subscriptionId;

    const aks = createCluster(name, { config, azure: a, zones, resourceGroupName: rg.name, subscriptionId }, o);
    const kubeconfig = kubeconfigFor(aks.cluster, rg.name);
    const kubernetes = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig, clusterIdentifier: `${name}-aks`, enableServerSideApply: true },
      { parent: this, dependsOn: [aks.cluster, ...aks.pools] },
    );
    const storageClass = createStorageClass(config, { parent: this, provider: kubernetes });
    const objects = makeObjectStore(config, { resourceGroupName: rg.name, location: a.location });
    const nodePools: NodePoolInfo[] = config.nodePools.map((p) => ({
      name: p.name,
      role: p.role,
      zones,
      minPerZone: toTotal(p, 1).minCount,
      maxPerZone: toTotal(p, 1).maxCount,
      machineType: p.machineType,
      allocatable: p.machineType ? allocatable(p.machineType) : undefined,
    }));

    this.target = {
      cloud: "azure",
      kubernetes,
      zones,
      storageClasses: { zonal: storageClass.metadata.name },
      nodePools,
      loadBalancer: loadBalancerAnnotations,
      workloadIdentity: makeWorkloadIdentity(name, {
        resourceGroupName: rg.name,
        location: a.location,
        subscriptionId,
        cluster: aks.cluster,
      }),
      objectStore: objects.store,
      objectStoreKeys: objects.keys,
      outputs: { clusterName: aks.cluster.name, endpoint: aks.cluster.fqdn.apply((f) => f ?? ""), kubeconfig },
    };
    this.registerOutputs({ clusterName: aks.cluster.name, kubeconfig });
  }
}

export const buildCloud: BuildCloud = (config, opts) => new AksCluster(config, opts).target;
