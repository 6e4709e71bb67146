/**
 * `npm run diagram -- <stack file> [platform.svg] [sequence.svg]`: two pictures of a stack, generated
 * from the program run under the test mocks (no cloud, no cluster):
 *  - the platform: namespaces as boxes, workloads, datastores and Helm releases inside with their
 *    replicas and zone placement, the load balancer entry, and an arrow for every flow that the
 *    NetworkPolicies admit on both sides (egress and ingress);
 *  - the install and upgrade sequence, from the real dependency graph (dependencies and providers).
 * Defaults: `docs/platform-<stack>.svg` and `docs/sequence-<stack>.svg`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runStack } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";
import { platformDot, sequenceDot, toSvg } from "./diagram/dot";
import { platformModel } from "./diagram/model";
import { sequenceModel } from "./diagram/sequence";

export const stackNameOf = (file: string) =>
  path
    .basename(file)
    .replace(/^Pulumi\./, "")
    .replace(/\.ya?ml$/, "");

/** Both pictures of a stack file, as SVG text. */
export async function diagrams(stackFile: string): Promise<{ platform: string; sequence: string }> {
  const stack = stackNameOf(stackFile);
  const run = await runStack(readStackFile(stackFile), { stackName: stack });
  const title = `${stack}: install and upgrade order (an arrow: the right side waits for the left)`;
  return {
    platform: await toSvg(platformDot(platformModel(run))),
    sequence: await toSvg(sequenceDot(sequenceModel(run), title)),
  };
}

async function main() {
  const [stackFile, platformOut, sequenceOut] = process.argv.slice(2);
  if (!stackFile) {
    console.error("usage: npm run diagram -- <stack file> [platform.svg] [sequence.svg]");
    process.exit(2);
  }
  const stack = stackNameOf(stackFile);
  const { platform, sequence } = await diagrams(stackFile);
  const outs = [platformOut ?? `docs/platform-${stack}.svg`, sequenceOut ?? `docs/sequence-${stack}.svg`];
  fs.writeFileSync(outs[0], platform);
  fs.writeFileSync(outs[1], sequence);
  console.log(`Wrote ${outs.join(" and ")}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
