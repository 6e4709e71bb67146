/** A dedicated, least-privilege service account for nodes (never the default compute account). */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** What a node needs: write logs and metrics, read images. Nothing else. */
export const NODE_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/autoscaling.metricsWriter",
  "roles/artifactregistry.reader",
];

export function createNodeServiceAccount(
  name: string,
  args: { project: string; customer: string },
  opts: pulumi.CustomResourceOptions,
): { account: gcp.serviceaccount.Account; grants: gcp.projects.IAMMember[] } {
  const account = new gcp.serviceaccount.Account(
    `${name}-nodes`,
    { accountId: `${args.customer}-gke-nodes`.slice(0, 30), displayName: `GKE nodes of ${args.customer}` },
    opts,
  );
  const grants = NODE_ROLES.map(
    (role) =>
      new gcp.projects.IAMMember(
        `${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`,
        { project: args.project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
        opts,
      ),
  );
  return { account, grants };
}
