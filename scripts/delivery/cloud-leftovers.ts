/**
 * What a cluster's controllers create in the cloud on their own, listed with each cloud's CLI, so the
 * teardown can wait until none is left before `pulumi destroy` removes the network under them. Each
 * check prints one identifier per line, nothing when clean. Run in the destroy workflow with the
 * stack's cloud credentials; `npm run teardown -- ... --cloud-checks`.
 *
 * - GKE: the service controller's forwarding rules carry `kubernetes.io/service-name` in their
 *   description, and the PD CSI driver's disks `kubernetes.io/created-for/pvc/namespace`
 *   (https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer).
 * - EKS: load balancers and volumes tagged `kubernetes.io/cluster/<cluster>` (AWS Load Balancer
 *   Controller, EBS CSI driver), and the VPC CNI's ENIs left `available`
 *   (https://docs.aws.amazon.com/eks/latest/userguide/delete-cluster.html).
 * - AKS: public IPs of LoadBalancer Services (`k8s-azure-service` tag) and CSI disks
 *   (`kubernetes.io-created-for-pvc-namespace` tag) in the cluster's node resource group
 *   (https://learn.microsoft.com/azure/aks/load-balancer-standard).
 * - existing: nothing the project can list; the Kubernetes-side waits are all there is.
 */
import type { PlatformConfig } from "../../config/load";

export interface LeftoverCheck {
  what: string;
  command: string[];
}

export interface CloudNames {
  /** The cluster's name in the cloud (`pulumi stack output clusterName`). */
  clusterName?: string;
  /** AKS only: the node resource group (`az aks show --query nodeResourceGroup`). */
  nodeResourceGroup?: string;
}

export function cloudLeftoverChecks(config: PlatformConfig, names: CloudNames = {}): LeftoverCheck[] {
  const ns = `${config.namespacePrefix}-`;
  const need = (value: string | undefined, flag: string) => {
    if (!value) throw new Error(`the ${config.cloud} cloud checks need ${flag}`);
    return value;
  };
  switch (config.cloud) {
    case "gcp": {
      const project = config.gcp!.project;
      const gcloud = (what: string, list: string[], filter: string): LeftoverCheck => ({
        what,
        command: ["gcloud", ...list, `--project=${project}`, `--filter=${filter}`, "--format=value(name)"],
      });
      return [
        gcloud(
          "GKE forwarding rule",
          ["compute", "forwarding-rules", "list"],
          `description~"kubernetes.io/service-name\\":\\"${ns}"`,
        ),
        gcloud(
          "GKE disk",
          ["compute", "disks", "list"],
          `description~"kubernetes.io/created-for/pvc/namespace\\":\\"${ns}"`,
        ),
      ];
    }
    case "aws": {
      const region = config.aws!.region;
      const cluster = need(names.clusterName, "--cluster-name");
      return [
        {
          what: "EKS load balancer or volume",
          command: [
            "aws",
            "resourcegroupstaggingapi",
            "get-resources",
            `--region=${region}`,
            `--tag-filters=Key=kubernetes.io/cluster/${cluster},Values=owned,shared`,
            "--resource-type-filters",
            "elasticloadbalancing:loadbalancer",
            "ec2:volume",
            "--query=ResourceTagMappingList[].ResourceARN",
            "--output=text",
          ],
        },
        {
          what: "EKS network interface",
          command: [
            "aws",
            "ec2",
            "describe-network-interfaces",
            `--region=${region}`,
            `--filters=Name=tag:cluster.k8s.amazonaws.com/name,Values=${cluster}`,
            "Name=status,Values=available",
            "--query=NetworkInterfaces[].NetworkInterfaceId",
            "--output=text",
          ],
        },
      ];
    }
    case "azure": {
      const group = need(names.nodeResourceGroup, "--node-resource-group");
      return [
        {
          what: "AKS load-balancer public IP",
          command: [
            "az",
            "network",
            "public-ip",
            "list",
            "-g",
            group,
            "--query",
            '[?tags."k8s-azure-service"!=null].name',
            "-o",
            "tsv",
          ],
        },
        {
          what: "AKS disk",
          command: [
            "az",
            "disk",
            "list",
            "-g",
            group,
            "--query",
            `[?starts_with(tags."kubernetes.io-created-for-pvc-namespace", '${ns}')].name`,
            "-o",
            "tsv",
          ],
        },
      ];
    }
    case "existing":
      return [];
  }
}
