/** A kubeconfig for the cluster that authenticates with gke-gcloud-auth-plugin (no static credentials). */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export function kubeconfigFor(cluster: gcp.container.Cluster): pulumi.Output<string> {
  const context = pulumi.interpolate`${cluster.project}_${cluster.location}_${cluster.name}`;
  return pulumi.secret(
    pulumi.all([context, cluster.endpoint, cluster.masterAuth.clusterCaCertificate]).apply(([ctx, endpoint, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: ctx, cluster: { server: `https://${endpoint}`, "certificate-authority-data": ca } }],
        contexts: [{ name: ctx, context: { cluster: ctx, user: ctx } }],
        "current-context": ctx,
        users: [
          {
            name: ctx,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "gke-gcloud-auth-plugin",
                installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                provideClusterInfo: true,
              },
            },
          },
        ],
      }),
    ),
  );
}
