/**
 * The AWS Load Balancer Controller: the way EKS provisions load balancers today (NLBs in IP mode
 * through `aws-load-balancer-type: external`). Its IRSA policy lets it read anything it must look up,
 * but create, change and delete only load balancers, target groups and security groups it tagged as
 * this cluster's (`elbv2.k8s.aws/cluster`).
 */
import { OPERATOR_RESOURCES } from "../../lib/resources";
import type { Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_CONTAINER, RESTRICTED_POD_IMAGE_USER } from "../../lib/security-context";
import { CHARTS } from "../../lib/versions";
import { irsaRole, Oidc } from "./irsa";

export const LBC_SA = "aws-load-balancer-controller";
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

export function loadBalancerControllerPolicy() {
  const tagged = { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } };
  const taggedOnCreate = { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:Describe*",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
        ],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...taggedOnCreate },
      },
      {
        Effect: "Allow",
        Action: [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:DeleteSecurityGroup",
          "ec2:CreateTags",
          "ec2:DeleteTags",
        ],
        Resource: "*",
        Condition: tagged,
      },
      {
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: taggedOnCreate,
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:AddTags",
          "elasticloadbalancing:RemoveTags",
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:RegisterTargets",
          "elasticloadbalancing:DeregisterTargets",
        ],
        Resource: "*",
        Condition: tagged,
      },
      {
        // Tagging a load balancer or target group at creation (the tag the conditions above rely on).
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: [
          "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
          "arn:aws:elasticloadbalancing:*:*:loadbalancer/*",
        ],
        Condition: {
          StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
        },
      },
    ],
  };
}

export function createLoadBalancerController(
  name: string,
  args: {
    clusterName: string;
    region: string;
    vpcId: pulumi.Input<string>;
    oidc: Oidc;
    provider: k8s.Provider;
    mirror?: Mirror;
  },
  opts: pulumi.CustomResourceOptions,
) {
  const role = irsaRole(
    `${name}-lb-controller`,
    {
      oidc: args.oidc,
      namespace: "kube-system",
      serviceAccount: LBC_SA,
      inlinePolicy: JSON.stringify(loadBalancerControllerPolicy()),
    },
    opts,
  );
  return pinnedRelease(
    `${name}-lb-controller`,
    {
      name: "aws-load-balancer-controller",
      pin: CHARTS.awsLoadBalancerController,
      mirror: args.mirror,
      namespace: "kube-system",
      values: {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        resources: OPERATOR_RESOURCES,
        serviceAccount: { create: true, name: LBC_SA, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
        // Only what this platform uses: no WAF, Shield or ingress-class default.
        enableShield: false,
        enableWaf: false,
        enableWafv2: false,
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
        // The chart's defaults keep every capability and no seccomp profile: restricted instead.
        podSecurityContext: { ...RESTRICTED_POD_IMAGE_USER, fsGroup: 65534 },
        securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
      },
    },
    { parent: opts.parent, provider: args.provider },
  );
}
