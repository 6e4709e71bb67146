/**
 * A Helm release of a chart pinned in versions.ts: chart, version and repository come from the pin,
 * or from the customer's mirror (`mirror`), whose registry the chart's images are then pulled from too.
 * Defaults: `atomic` (a failed install or upgrade rolls back) and a history of 5 revisions.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartImageValues, chartSource, Mirror } from "./mirror";
import type { ChartPin } from "./versions";

export type PinnedReleaseArgs = Omit<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts"> & {
  pin: ChartPin;
  mirror?: Mirror;
};

type Values = Record<string, unknown>;
const isPlainMap = (v: unknown): v is Values =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v);

/** `over` merged into `base`, maps key by key (as Helm merges values). */
function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isPlainMap(v) && isPlainMap(base[k]) ? mergeValues(base[k], v) : v;
  return out;
}

export function pinnedRelease(
  name: string,
  args: PinnedReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const { pin, mirror, values, ...rest } = args;
  const imageValues = chartImageValues(pin.chart, mirror);
  return new k8s.helm.v3.Release(
    name,
    {
      ...chartSource(pin, mirror),
      atomic: true,
      maxHistory: 5,
      ...rest,
      ...(values !== undefined || Object.keys(imageValues).length > 0
        ? { values: mergeValues((values ?? {}) as Values, imageValues) }
        : {}),
    },
    opts,
  );
}
