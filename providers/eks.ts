/**
 * The EKS target: a private cluster across 3 AZs in its own VPC, secrets encrypted with a KMS key,
 * IRSA for every cloud permission, managed node groups (one per AZ for workloads) scaled by
 * cluster-autoscaler, and metrics-server.
 *
 * Teardown: every Kubernetes object of the platform is created through a provider that depends on
 * the node groups and all add-ons, so `pulumi destroy` deletes them first, while the EBS CSI driver,
 * the CNI and the nodes still run: Services of type LoadBalancer release their NLBs (the
 * `service.kubernetes.io/load-balancer-cleanup` finalizer holds the Service until the cloud controller
 * has deleted the load balancer) and PVCs release their volumes (per `storageReclaimPolicy`) before
 * node groups, the cluster, NAT gateways and the VPC go.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import { createAddons } from "./eks/addons";
import { AUTOSCALER_METRICS_PORT, AUTOSCALER_POD_LABELS, createAutoscaling } from "./eks/autoscaling";
import { createControlPlane } from "./eks/cluster";
import { kubeconfigFor } from "./eks/kubeconfig";
import { createLoadBalancerController } from "./eks/load-balancer-controller";
import { createNetwork } from "./eks/network";
import { createNodeGroups } from "./eks/nodes";
import {
  createStorageClass,
  loadBalancerAnnotations,
  makeObjectStore,
  makeObjectStoreKeys,
  makeWorkloadIdentity,
} from "./eks/seam";
import type { BuildCloud, CloudTarget } from "./types";

async function resolveZones(config: PlatformConfig, provider: aws.Provider): Promise<string[]> {
  if (config.zones) return config.zones;
  const found = await aws.getAvailabilityZones(
    { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { provider },
  );
  const zones = [...found.names].sort().slice(0, 3);
  if (zones.length < 3 && !config.allowFewerZones) {
    throw new Error(
      `aws region ${config.aws!.region} reports ${zones.length} zone(s) available; 3 are needed (dedicated-platform:zones).`,
    );
  }
  return zones;
}

export class EksCluster extends pulumi.ComponentResource {
  public readonly target!: CloudTarget;

  private constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:providers:EksCluster", name, {}, opts);
  }

  static async create(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Promise<EksCluster> {
    const a = config.aws;
    if (!a) throw new Error("dedicated-platform:aws is required when cloud is aws"); // the loader already checks
    const name = config.customer;
    const clusterName = `${name}-platform`;
    const self = new EksCluster(`${name}-cluster`, opts);
    const awsProvider = new aws.Provider(
      `${name}-aws`,
      {
        region: a.region as aws.Region,
        defaultTags: { tags: { customer: name, "managed-by": "pulumi", "part-of": "dedicated-platform" } },
      },
      { parent: self },
    );
    const o = { parent: self, provider: awsProvider };
    const zones = await resolveZones(config, awsProvider);

    const network = createNetwork(name, { config: a, zones, clusterName }, o);
    const controlPlane = createControlPlane(name, { config, aws: a, network, clusterName }, o);
    const nodes = createNodeGroups(
      name,
      {
        clusterName: controlPlane.cluster.name,
        clusterNameForTags: clusterName,
        zones,
        privateSubnets: network.privateSubnets,
        pools: config.nodePools,
        diskSizeGb: a.nodeDiskSizeGb,
        kmsKeyArn: controlPlane.key.arn,
      },
      o,
    );
    const addons = createAddons(
      name,
      { cluster: controlPlane.cluster, oidc: controlPlane.oidc, nodeGroups: nodes.groups },
      o,
    );
    const kubeconfig = kubeconfigFor(controlPlane.cluster, a.region);
    const kubernetes = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig, clusterIdentifier: `${clusterName}-eks`, enableServerSideApply: true },
      // Created after, and so destroyed before, the nodes and every add-on (see the teardown note above).
      { parent: self, dependsOn: [...nodes.groups, ...addons.all] },
    );
    const autoscaling = createAutoscaling(
      name,
      {
        clusterName,
        region: a.region,
        oidc: controlPlane.oidc,
        expander: a.autoscalerExpander,
        provider: kubernetes,
        mirror: config.mirror,
      },
      o,
    );
    // LoadBalancer Services depend on this controller (seam: clusterAddons), so destroy deletes them,
    // and their NLBs, while it still runs.
    const lbController = createLoadBalancerController(
      name,
      {
        clusterName,
        region: a.region,
        vpcId: network.vpc.id,
        oidc: controlPlane.oidc,
        provider: kubernetes,
        mirror: config.mirror,
      },
      o,
    );
    const storageClass = createStorageClass(config, controlPlane.key.arn, { parent: self, provider: kubernetes });

    (self as { target: CloudTarget }).target = {
      cloud: "aws",
      kubernetes,
      zones,
      storageClasses: { zonal: storageClass.metadata.name },
      nodePools: nodes.info,
      loadBalancer: loadBalancerAnnotations,
      workloadIdentity: makeWorkloadIdentity(name, controlPlane.oidc, awsProvider),
      objectStore: makeObjectStore(config, a.region, awsProvider),
      objectStoreKeys: makeObjectStoreKeys(name, a.region, awsProvider),
      outputs: { clusterName: controlPlane.cluster.name, endpoint: controlPlane.cluster.endpoint, kubeconfig },
      clusterAddons: [lbController],
      autoscalerMetrics: {
        namespace: "kube-system",
        podLabels: AUTOSCALER_POD_LABELS,
        port: AUTOSCALER_METRICS_PORT,
        dependsOn: autoscaling.autoscaler,
      },
    };
    self.registerOutputs({ clusterName: controlPlane.cluster.name, kubeconfig });
    return self;
  }
}

export const buildCloud: BuildCloud = async (config, opts) => (await EksCluster.create(config, opts)).target;
