/** A kubeconfig that authenticates with `aws eks get-token` (no static credentials). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function kubeconfigFor(cluster: aws.eks.Cluster, region: string): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data]).apply(([name, endpoint, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": ca } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
          {
            name,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
              },
            },
          },
        ],
      }),
    ),
  );
}
