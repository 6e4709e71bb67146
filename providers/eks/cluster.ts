/**
 * The EKS control plane: private endpoint always on, public endpoint optional and restricted, secrets
 * encrypted with a KMS key the stack creates (rotation on), control-plane logs, access entries for the
 * admin roles, and an OIDC provider for IAM Roles for Service Accounts (IRSA, used throughout).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import type { AwsConfig } from "../../config/schema";
import type { EksNetwork } from "./network";
import type { Oidc } from "./irsa";

export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const assumeBy = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
export const assumeByEc2 = assumeBy("ec2.amazonaws.com");

export interface EksControlPlane {
  cluster: aws.eks.Cluster;
  key: aws.kms.Key;
  oidc: Oidc;
}

export function createControlPlane(
  name: string,
  args: { config: PlatformConfig; aws: AwsConfig; network: EksNetwork; clusterName: string },
  opts: pulumi.CustomResourceOptions,
): EksControlPlane {
  const key = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `EKS secrets encryption for ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    // Losing the key makes every Secret in etcd unreadable.
    { ...opts, protect: args.config.protectData },
  );
  new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId }, opts);
  const role = new aws.iam.Role(`${name}-cluster`, { assumeRolePolicy: assumeBy("eks.amazonaws.com") }, opts);
  const policy = new aws.iam.RolePolicyAttachment(
    `${name}-cluster`,
    { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" },
    opts,
  );
  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: args.clusterName,
      version: args.aws.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: args.network.privateSubnets.map((s) => s.id),
        endpointPrivateAccess: true,
        endpointPublicAccess: args.aws.endpointPublicAccess,
        ...(args.aws.endpointPublicAccess ? { publicAccessCidrs: args.config.controlPlaneAllowedCidrs } : {}),
      },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOGS,
      // Access entries only (no aws-auth ConfigMap); the creator gets no implicit admin.
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      // Add-ons are managed below, in order: no self-managed defaults first.
      bootstrapSelfManagedAddons: false,
      deletionProtection: args.config.environment !== "dev",
    },
    { ...opts, dependsOn: [policy, ...args.network.ready] },
  );
  args.aws.adminRoleArns.forEach((principalArn, i) => {
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-${i}`,
      { clusterName: cluster.name, principalArn, type: "STANDARD" },
      opts,
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-admin-${i}`,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      },
      { ...opts, dependsOn: [entry] },
    );
  });
  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs[0].issuer);
  const provider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"] },
    opts,
  );
  return { cluster, key, oidc: { arn: provider.arn, issuer: issuerUrl.apply((u) => u.replace(/^https:\/\//, "")) } };
}
