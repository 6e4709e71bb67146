/**
 * `npm run cluster -- up [dir] | down <dir> | status <dir>`: the test control plane by hand (see
 * scripts/cluster/control-plane.ts). `up` prints the directory, the kubeconfig and the API server's
 * address; `down` stops what `up` started, by its PIDs.
 */
import { down, load, status, up } from "./cluster/control-plane";

async function main() {
  const [command, dir] = process.argv.slice(2);
  if (command === "up") {
    const cp = await up(dir, { stopOnExit: false });
    console.log(`control plane up in ${cp.dir}\n  server:     ${cp.server}\n  kubeconfig: ${cp.kubeconfig}`);
    console.log(`  stop it:    npm run cluster -- down ${cp.dir}`);
  } else if ((command === "down" || command === "status") && dir) {
    const cp = load(dir);
    if (command === "down") down(cp);
    console.log(status(cp).join("\n"));
  } else {
    console.error("usage: npm run cluster -- up [dir] | down <dir> | status <dir>");
    process.exit(2);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
