/**
 * A Helm release of a chart pinned in versions.ts: chart, version and repository come from the pin.
 * Defaults: `atomic` (a failed install or upgrade rolls back) and a history of 5 revisions.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ChartPin } from "./versions";

export type PinnedReleaseArgs = Omit<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> & {
  pin: ChartPin;
};

export function pinnedRelease(
  name: string,
  args: PinnedReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const { pin, ...rest } = args;
  return new k8s.helm.v3.Release(
    name,
    {
      chart: pin.chart,
      version: pin.version,
      repositoryOpts: { repo: pin.repo },
      atomic: true,
      maxHistory: 5,
      ...rest,
    },
    opts,
  );
}
