/**
 * Picks the cloud target. Each target module is loaded only when selected, so a stack loads only its
 * own cloud's SDK (a GKE stack never pays for loading @pulumi/aws or @pulumi/azure-native).
 *
 * `require` rather than `import()`: the project is CommonJS and Pulumi runs it through ts-node's
 * CommonJS hook; a real dynamic import of a .ts file would bypass that hook.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import type { BuildCloud, CloudTarget } from "./types";

const TARGETS: Record<PlatformConfig["cloud"], (() => { buildCloud: BuildCloud }) | undefined> = {
  existing: () => require("./existing") as typeof import("./existing"),
  gcp: () => require("./gke") as typeof import("./gke"),
  aws: () => require("./eks") as typeof import("./eks"),
  azure: () => require("./aks") as typeof import("./aks"),
};

export async function buildCloud(config: PlatformConfig, opts?: pulumi.ComponentResourceOptions): Promise<CloudTarget> {
  const load = TARGETS[config.cloud];
  if (!load) {
    throw new Error(
      `dedicated-platform:cloud = "${config.cloud}": this target is not implemented yet; available: ${Object.entries(
        TARGETS,
      )
        .filter(([, l]) => l)
        .map(([c]) => c)
        .join(", ")}.`,
    );
  }
  const target = load();
  return target.buildCloud(config, opts);
}
