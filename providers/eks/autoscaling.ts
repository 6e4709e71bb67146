/**
 * cluster-autoscaler (pinned chart) with an IRSA role that may only resize this cluster's tagged node
 * groups, auto-discovery by tag, balance-similar-node-groups (the per-AZ groups grow together), the
 * expander from config; and metrics-server, which EKS does not ship and HPAs need.
 */
import { OPERATOR_RESOURCES } from "../../lib/resources";
import type { Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { CHARTS } from "../../lib/versions";
import { irsaRole, Oidc } from "./irsa";

export const AUTOSCALER_SA = "cluster-autoscaler";
/** Pods of the chart's Deployment (aws provider) and its metrics port. */
export const AUTOSCALER_POD_LABELS = { "app.kubernetes.io/name": "aws-cluster-autoscaler" };
export const AUTOSCALER_METRICS_PORT = 8085;

/** Least privilege: describe anything, change only node groups tagged as this cluster's. */
export function autoscalerPolicy(clusterName: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  };
}

export function createAutoscaling(
  name: string,
  args: { clusterName: string; region: string; oidc: Oidc; expander: string; provider: k8s.Provider; mirror?: Mirror },
  opts: pulumi.CustomResourceOptions,
) {
  const role = irsaRole(
    `${name}-cluster-autoscaler`,
    {
      oidc: args.oidc,
      namespace: "kube-system",
      serviceAccount: AUTOSCALER_SA,
      inlinePolicy: JSON.stringify(autoscalerPolicy(args.clusterName)),
    },
    opts,
  );
  const k8sOpts = { parent: opts.parent, provider: args.provider };
  const autoscaler = pinnedRelease(
    `${name}-cluster-autoscaler`,
    {
      name: "cluster-autoscaler",
      pin: CHARTS.clusterAutoscaler,
      mirror: args.mirror,
      namespace: "kube-system",
      values: {
        cloudProvider: "aws",
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        rbac: { serviceAccount: { name: AUTOSCALER_SA, annotations: { "eks.amazonaws.com/role-arn": role.arn } } },
        extraArgs: {
          "balance-similar-node-groups": true,
          expander: args.expander,
          "skip-nodes-with-system-pods": false,
          "skip-nodes-with-local-storage": false,
        },
        replicaCount: 2,
        resources: OPERATOR_RESOURCES,
        priorityClassName: "system-cluster-critical",
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
        // The chart runs the autoscaler as the image's user (root) with no context; restricted instead.
        securityContext: restrictedPod(65534),
        containerSecurityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
      },
    },
    k8sOpts,
  );
  const metricsServer = pinnedRelease(
    `${name}-metrics-server`,
    {
      name: "metrics-server",
      pin: CHARTS.metricsServer,
      mirror: args.mirror,
      namespace: "kube-system",
      values: {
        replicas: 2,
        resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "500m", memory: "400Mi" } },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
      },
    },
    k8sOpts,
  );
  return { autoscaler, metricsServer, role };
}
