/**
 * Node pools: one system pool (GKE-managed components only) and the workload pools, each regional
 * over the stack's zones, autoscaled, auto-upgraded and auto-repaired.
 *
 * Min/max: the stack config counts nodes PER ZONE. GKE's `minNodeCount`/`maxNodeCount` also count per
 * zone for a regional pool (the `total*` fields count in total), so the values pass through unchanged;
 * `initialNodeCount` is per zone too.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolConfig } from "../../config/schema";
import type { NodePoolInfo } from "../types";
import { allocatable } from "./machine-types";

/** GKE's own system components tolerate this taint; platform workloads do not, so they stay off. */
export const SYSTEM_TAINT = { key: "components.gke.io/gke-managed-components", value: "true", effect: "NO_SCHEDULE" };

export interface NodePoolsArgs {
  cluster: gcp.container.Cluster;
  region: string;
  zones: string[];
  pools: NodePoolConfig[];
  serviceAccount: pulumi.Input<string>;
  diskSizeGb: number;
  customer: string;
}

export function createNodePools(
  name: string,
  args: NodePoolsArgs,
  opts: pulumi.CustomResourceOptions,
): { pools: gcp.container.NodePool[]; info: NodePoolInfo[] } {
  const pools = args.pools.map(
    (p) =>
      new gcp.container.NodePool(
        `${name}-${p.name}`,
        {
          cluster: args.cluster.id,
          location: args.region,
          nodeLocations: args.zones,
          initialNodeCount: p.minPerZone,
          autoscaling: { minNodeCount: p.minPerZone, maxNodeCount: p.maxPerZone, locationPolicy: "BALANCED" },
          management: { autoRepair: true, autoUpgrade: true },
          upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
          nodeConfig: {
            machineType: p.machineType,
            serviceAccount: args.serviceAccount,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            diskType: "pd-balanced",
            diskSizeGb: args.diskSizeGb,
            labels: { "dedicated-platform/pool": p.name, "dedicated-platform/role": p.role },
            resourceLabels: { customer: args.customer, "managed-by": "pulumi" },
            taints: p.role === "system" ? [SYSTEM_TAINT] : [],
          },
        },
        // The autoscaler owns the node count: never diff on it.
        { ...opts, ignoreChanges: ["initialNodeCount", "nodeCount"] },
      ),
  );
  const info = args.pools.map((p) => ({
    name: p.name,
    role: p.role,
    zones: args.zones,
    minPerZone: p.minPerZone,
    maxPerZone: p.maxPerZone,
    machineType: p.machineType,
    allocatable: p.machineType ? allocatable(p.machineType) : undefined,
  }));
  return { pools, info };
}
