/**
 * `npm run urns:update`: records the URN of every resource each example stack declares into
 * `tests/urns/<stack>.txt`. The example-stack tests fail when a URN recorded there disappears, since on
 * a live stack that is a delete (or a replacement) of a real resource. Run this only after a change
 * that renames on purpose, with an alias for every live resource it renames.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { exampleStacks } from "../tests/fixtures";
import { runStack } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";
import { URNS_DIR, urnFile, urnsOf } from "../tests/harness/urns";

async function main() {
  fs.mkdirSync(URNS_DIR, { recursive: true });
  for (const file of exampleStacks()) {
    const run = await runStack(readStackFile(file));
    const out = urnFile(file);
    fs.writeFileSync(out, urnsOf(run).join("\n") + "\n");
    console.log(`${path.relative(process.cwd(), out)}: ${run.resources.length} URNs`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
