/**
 * What the delivery workflows need to know of a stack, read from its stack file through the config
 * parser (so a bad file stops here with the same message `pulumi up` would give): `npm run stack-info --
 * <stack>` prints `{"stack","cloud","environment","wave","protectData","region"}` (`region`: the cloud's
 * region or location, empty for `existing`).
 */
import * as path from "node:path";
import { parseStackFile, readStackFile } from "../../tests/harness/stack-file";
import { STACKS_DIR } from "./affected";

export interface StackInfo {
  stack: string;
  cloud: string;
  environment: string;
  wave: number;
  protectData: boolean;
  region: string;
}

export const stackFilePath = (root: string, stack: string) => path.join(root, STACKS_DIR, `Pulumi.${stack}.yaml`);

export function stackInfo(root: string, stack: string): StackInfo {
  const c = parseStackFile(readStackFile(stackFilePath(root, stack)));
  const region = c.gcp?.region ?? c.aws?.region ?? c.azure?.location ?? "";
  return { stack, cloud: c.cloud, environment: c.environment, wave: c.wave, protectData: c.protectData, region };
}

if (require.main === module) {
  const [stack] = process.argv.slice(2);
  if (!stack) {
    console.error("usage: npm run stack-info -- <stack>");
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(stackInfo(path.resolve(__dirname, "../.."), stack)));
  } catch (e) {
    console.error(`${stack}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
