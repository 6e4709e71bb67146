/** The node pools and zones a stack's cloud target reports through the seam, run under the mocks. */
import { readStackConfig } from "../../config/load";
import { buildCloud } from "../../providers";
import type { NodePoolInfo } from "../../providers/types";
import { runProgram } from "./run-stack";
import type { StackFile } from "./stack-file";

export interface StackPools {
  cloud: string;
  zones: string[];
  pools: NodePoolInfo[];
}

/** The node pools and zones the stack's cloud target reports through the seam (run under the mocks). */
export async function stackPools(stack: StackFile): Promise<StackPools> {
  const run = await runProgram(stack, async () => {
    const config = readStackConfig();
    const target = await buildCloud(config);
    return { cloud: config.cloud, zones: target.zones, pools: target.nodePools };
  });
  return run.outputs as unknown as StackPools;
}
