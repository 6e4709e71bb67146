/**
 * The GKE target: a private, regional, autoscaling cluster across 3 zones in its own VPC, with
 * secrets encrypted by a Cloud KMS key the stack creates, Workload Identity and Dataplane V2.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import { createCluster } from "./gke/cluster";
import { createSecretsKey } from "./gke/encryption";
import { kubeconfigFor } from "./gke/kubeconfig";
import { createNetwork } from "./gke/network";
import { createNodeServiceAccount } from "./gke/node-identity";
import { createNodePools } from "./gke/node-pools";
import {
  createStorageClass,
  loadBalancerAnnotations,
  makeObjectStore,
  makeObjectStoreKeys,
  makeWorkloadIdentity,
} from "./gke/seam";
import type { BuildCloud, CloudTarget, NodePoolInfo } from "./types";

/** Three zones of the region: from config, else the first three zones the region reports as UP. */
async function resolveZones(config: PlatformConfig, g: NonNullable<PlatformConfig["gcp"]>, provider: gcp.Provider) {
  if (config.zones) return config.zones;
  const found = await gcp.compute.getZones({ project: g.project, region: g.region, status: "UP" }, { provider });
  const zones = [...found.names].sort().slice(0, 3);
  if (zones.length < 3 && !config.allowFewerZones) {
    throw new Error(
      `gcp region ${g.region} reports ${zones.length} zone(s) up; 3 are needed (dedicated-platform:zones).`,
    );
  }
  return zones;
}

export class GkeCluster extends pulumi.ComponentResource {
  public readonly target!: CloudTarget;

  private constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:providers:GkeCluster", name, {}, opts);
  }

  /** Zones may need a lookup, so construction is async. */
  static async create(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Promise<GkeCluster> {
    const g = config.gcp;
    if (!g) throw new Error("dedicated-platform:gcp is required when cloud is gcp"); // the loader already checks
    const name = config.customer;
    const self = new GkeCluster(`${name}-cluster`, opts);
    const gcpProvider = new gcp.Provider(
      `${name}-gcp`,
      { project: g.project, region: g.region, defaultLabels: { customer: name, "managed-by": "pulumi" } },
      { parent: self },
    );
    const o = { parent: self, provider: gcpProvider };
    const zones = await resolveZones(config, g, gcpProvider);

    const network = createNetwork(name, g, o);
    const secretsKey = createSecretsKey(name, { project: g.project, region: g.region, protect: config.protectData }, o);
    const nodeSa = createNodeServiceAccount(name, { project: g.project, customer: name }, o);
    const cluster = createCluster(
      name,
      { config, gcp: g, zones, network, secretsKey, nodeServiceAccount: nodeSa.account.email },
      { ...o, dependsOn: nodeSa.grants },
    );
    const nodePools = createNodePools(
      name,
      {
        cluster,
        region: g.region,
        zones,
        pools: config.nodePools,
        serviceAccount: nodeSa.account.email,
        diskSizeGb: g.nodeDiskSizeGb,
        customer: name,
      },
      o,
    );
    const kubeconfig = kubeconfigFor(cluster);
    const kubernetes = new k8s.Provider(
      `${name}-k8s`,
      // A fixed identity: a refreshed kubeconfig (new CA, new endpoint) must not replace every object.
      { kubeconfig, clusterIdentifier: `${name}-gke`, enableServerSideApply: true },
      { parent: self, dependsOn: nodePools.pools },
    );
    const storageClass = createStorageClass(config, g.diskType, { parent: self, provider: kubernetes });

    const info: NodePoolInfo[] = nodePools.info;
    (self as { target: CloudTarget }).target = {
      cloud: "gcp",
      kubernetes,
      zones,
      storageClasses: { zonal: storageClass.metadata.name },
      nodePools: info,
      loadBalancer: loadBalancerAnnotations,
      workloadIdentity: makeWorkloadIdentity(g.project, name, gcpProvider),
      objectStore: makeObjectStore(config, g.project, g.region, gcpProvider),
      objectStoreKeys: makeObjectStoreKeys(name, gcpProvider),
      outputs: { clusterName: cluster.name, endpoint: cluster.endpoint, kubeconfig },
    };
    self.registerOutputs({ clusterName: cluster.name, endpoint: cluster.endpoint, kubeconfig });
    return self;
  }
}

export const buildCloud: BuildCloud = async (config, opts) => (await GkeCluster.create(config, opts)).target;
