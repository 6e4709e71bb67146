/**
 * The `existing` target: the platform on a cluster that already exists (kind, minikube, on-prem),
 * reached through a kubeconfig secret or a context of the deployer's kubeconfig. (To review objects
 * without a cluster: `npm run render`.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import type { BuildCloud, CloudTarget, NodePoolInfo } from "./types";
import { quantityToNumber } from "../config/quantities";

export class ExistingCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;

  constructor(name: string, config: PlatformConfig, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:providers:ExistingCluster", name, {}, opts);
    const { kubeconfig, kubeContext } = config.existing;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig,
        context: kubeContext,
        // A stable identity: a kubeconfig rotated on the same cluster must not replace every object.
        clusterIdentifier: `${config.customer}-existing`,
        enableServerSideApply: true,
      },
      { parent: this },
    );
    this.registerOutputs({ provider: this.provider });
  }
}

export function existingNodePools(config: PlatformConfig, zones: string[]): NodePoolInfo[] {
  return config.nodePools.map((p) => ({
    name: p.name,
    role: p.role,
    zones,
    minPerZone: p.minPerZone,
    maxPerZone: p.maxPerZone,
    machineType: p.machineType,
    allocatable:
      p.allocatableCpu && p.allocatableMemory
        ? { cpu: quantityToNumber(p.allocatableCpu), memory: quantityToNumber(p.allocatableMemory) }
        : undefined,
  }));
}

export const buildCloud: BuildCloud = (config, opts) => {
  const cluster = new ExistingCluster(`${config.customer}-cluster`, config, opts);
  // The loader guarantees zones for `existing`; this only narrows the type.
  const zones = config.zones ?? [];
  const { kubeContext, kubeconfig, storageClassName } = config.existing;
  const target: CloudTarget = {
    cloud: "existing",
    kubernetes: cluster.provider,
    zones,
    // The cluster owns its storage classes; the stack config names the zone-aware one to use.
    storageClasses: { zonal: pulumi.output(storageClassName) },
    nodePools: existingNodePools(config, zones),
    // No cloud load balancer integration is assumed (MetalLB, kind, on-prem): plain Service type LoadBalancer.
    loadBalancer: () => ({}),
    outputs: {
      clusterName: pulumi.output(kubeContext ?? "kubeconfig"),
      endpoint: pulumi.output(""),
      kubeconfig: kubeconfig ?? pulumi.secret(""),
    },
  };
  return target;
};
