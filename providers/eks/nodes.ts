/**
 * Managed node groups: a system group over the 3 AZs, and for each workload pool ONE GROUP PER AZ, so
 * cluster-autoscaler can always add a node in the zone where a pending pod's volume lives. Launch
 * templates require IMDSv2 and encrypt gp3 root volumes. Min/max are per zone (as on every cloud).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolConfig } from "../../config/schema";
import type { NodePoolInfo } from "../types";
import { assumeByEc2 } from "./cluster";
import { allocatable } from "./instance-types";

export const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

export interface NodeGroupsArgs {
  clusterName: pulumi.Output<string>;
  /** The autoscaler's auto-discovery tag value: the cluster's name. */
  clusterNameForTags: string;
  zones: string[];
  privateSubnets: aws.ec2.Subnet[];
  pools: NodePoolConfig[];
  diskSizeGb: number;
  kmsKeyArn: pulumi.Output<string>;
}

/** Tags cluster-autoscaler discovers node groups by. */
export const autoscalerTags = (clusterName: string) => ({
  "k8s.io/cluster-autoscaler/enabled": "true",
  [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
});

export function createNodeGroups(name: string, args: NodeGroupsArgs, opts: pulumi.CustomResourceOptions) {
  const role = new aws.iam.Role(`${name}-nodes`, { assumeRolePolicy: assumeByEc2 }, opts);
  const attachments = NODE_POLICIES.map(
    (policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${i}`, { role: role.name, policyArn }, opts),
  );
  const template = new aws.ec2.LaunchTemplate(
    `${name}-nodes`,
    {
      // IMDSv2 only; hop limit 1 keeps pods from borrowing the node's role through the metadata service.
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: args.diskSizeGb,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: args.kmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [{ resourceType: "instance", tags: { Name: `${args.clusterNameForTags}-node` } }],
    },
    opts,
  );
  const groups: aws.eks.NodeGroup[] = [];
  const info: NodePoolInfo[] = [];
  for (const pool of args.pools) {
    const perZone = pool.role === "workload";
    const placements = perZone
      ? args.zones.map((z, i) => ({ suffix: `-${z}`, subnets: [args.privateSubnets[i]], zones: 1 }))
      : [{ suffix: "", subnets: args.privateSubnets, zones: args.zones.length }];
    for (const p of placements) {
      groups.push(
        new aws.eks.NodeGroup(
          `${name}-${pool.name}${p.suffix}`,
          {
            clusterName: args.clusterName,
            nodeRoleArn: role.arn,
            subnetIds: p.subnets.map((s) => s.id),
            instanceTypes: [pool.machineType!],
            launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
            scalingConfig: {
              minSize: pool.minPerZone * p.zones,
              maxSize: pool.maxPerZone * p.zones,
              desiredSize: pool.minPerZone * p.zones,
            },
            updateConfig: { maxUnavailable: 1 },
            labels: { "dedicated-platform/pool": pool.name, "dedicated-platform/role": pool.role },
            taints: pool.role === "system" ? [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }] : [],
            tags: { ...autoscalerTags(args.clusterNameForTags), "dedicated-platform/pool": pool.name },
          },
          // The autoscaler owns the desired size: never diff on it.
          { ...opts, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
        ),
      );
    }
    info.push({
      name: pool.name,
      role: pool.role,
      zones: args.zones,
      minPerZone: pool.minPerZone,
      maxPerZone: pool.maxPerZone,
      machineType: pool.machineType,
      allocatable: pool.machineType ? allocatable(pool.machineType) : undefined,
    });
  }
  return { role, groups, info };
}
