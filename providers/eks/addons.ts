/**
 * EKS add-ons, in order: vpc-cni and kube-proxy with the cluster (nodes need them to become ready),
 * coredns and the EBS CSI driver only once node groups exist (coredns applied before any node can run
 * it stays degraded). vpc-cni and the EBS CSI driver get their own IRSA roles.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, Oidc } from "./irsa";

export function createAddons(
  name: string,
  args: { cluster: aws.eks.Cluster; oidc: Oidc; nodeGroups: pulumi.Resource[] },
  opts: pulumi.CustomResourceOptions,
) {
  const addon = (id: string, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[] = []) =>
    new aws.eks.Addon(
      `${name}-${id}`,
      {
        clusterName: args.cluster.name,
        addonName: id,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "PRESERVE",
        ...extra,
      },
      { ...opts, dependsOn },
    );
  const cniRole = irsaRole(
    `${name}-vpc-cni`,
    {
      oidc: args.oidc,
      namespace: "kube-system",
      serviceAccount: "aws-node",
      policyArns: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
    },
    opts,
  );
  const ebsRole = irsaRole(
    `${name}-ebs-csi`,
    {
      oidc: args.oidc,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      policyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    },
    opts,
  );
  const vpcCni = addon("vpc-cni", { serviceAccountRoleArn: cniRole.arn });
  const kubeProxy = addon("kube-proxy", {});
  const coredns = addon("coredns", {}, args.nodeGroups);
  const ebsCsi = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsRole.arn }, args.nodeGroups);
  return { vpcCni, kubeProxy, coredns, ebsCsi, all: [vpcCni, kubeProxy, coredns, ebsCsi] };
}
