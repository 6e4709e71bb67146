/**
 * `npm run cluster -- up [dir] [--stack <stack file>] | down <dir> | status <dir>`: the test control
 * plane by hand (see scripts/cluster/control-plane.ts). `up` prints the directory, the kubeconfig and
 * the API server's address; with `--stack`, it also starts KWOK and the simulated nodes of that
 * stack's pools and zones, as the cluster tests do. `down` stops what `up` started, by its PIDs.
 */
import * as path from "node:path";
import { ApiClient } from "../tests/cluster/apply";
import { simulatedNodes, stackPools } from "../tests/cluster/placement";
import { readStackFile } from "../tests/harness/stack-file";
import { down, load, startKwok, status, up } from "./cluster/control-plane";

async function main() {
  const args = process.argv.slice(2);
  const stackAt = args.indexOf("--stack");
  const stackFile = stackAt >= 0 ? args.splice(stackAt, 2)[1] : undefined;
  const [command, dir] = args;
  if (command === "up") {
    const cp = await up(dir, { stopOnExit: false });
    if (stackFile) {
      const pools = await stackPools(readStackFile(stackFile));
      startKwok(cp, path.resolve(__dirname, "../tests/cluster/kwok-stages.yaml"));
      const client = new ApiClient(cp);
      const nodes = simulatedNodes(pools.cloud, pools.zones, pools.pools);
      for (const n of nodes) await client.send("POST", "/api/v1/nodes", n);
      client.close();
      console.log(`${nodes.length} simulated nodes in ${pools.zones.join(", ")} (KWOK)`);
    }
    console.log(`control plane up in ${cp.dir}\n  server:     ${cp.server}\n  kubeconfig: ${cp.kubeconfig}`);
    console.log(`  stop it:    npm run cluster -- down ${cp.dir}`);
  } else if ((command === "down" || command === "status") && dir) {
    const cp = load(dir);
    if (command === "down") down(cp);
    console.log(status(cp).join("\n"));
  } else {
    console.error("usage: npm run cluster -- up [dir] [--stack <stack file>] | down <dir> | status <dir>");
    process.exit(2);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
