/**
 * A chart directory for machines that reach the chart repositories (GitHub's runners): `npm run
 * charts:pull -- <dir>` pulls every chart pinned in lib/versions.ts as `<chart>-<version>.tgz` and
 * every manifest as `manifests/<mirror name>`, the layout the tests' harness (`DP_CHARTS_DIR`) and the
 * `mirror.charts` config key read. Here, offline, `../shared/charts` is that directory already.
 * `--print` prints the commands instead of running them.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { manifestFileName } from "../../lib/mirror";
import { CHARTS, MANIFESTS } from "../../lib/versions";

/** The commands that fill `dir`: one `helm pull` per chart, one `curl` per manifest. */
export function pullCommands(dir: string): string[][] {
  const charts = Object.values(CHARTS).map((pin) =>
    pin.repo.startsWith("oci://")
      ? ["helm", "pull", `${pin.repo.replace(/\/+$/, "")}/${pin.chart}`, "--version", pin.version, "-d", dir]
      : ["helm", "pull", pin.chart, "--repo", pin.repo, "--version", pin.version, "-d", dir],
  );
  const manifests = Object.values(MANIFESTS).map((url) => [
    "curl",
    "--fail",
    "--silent",
    "--show-error",
    "--location",
    "--output",
    path.join(dir, "manifests", manifestFileName(url)),
    url,
  ]);
  return [...charts, ...manifests];
}

if (require.main === module) {
  const [dir, flag] = process.argv.slice(2);
  if (!dir) {
    console.error("usage: npm run charts:pull -- <dir> [--print]");
    process.exit(2);
  }
  const commands = pullCommands(path.resolve(dir));
  if (flag === "--print") {
    for (const c of commands) console.log(c.join(" "));
  } else {
    fs.mkdirSync(path.join(path.resolve(dir), "manifests"), { recursive: true });
    for (const [cmd, ...args] of commands) {
      const r = spawnSync(cmd, args, { stdio: "inherit" });
      if (r.status !== 0) {
        console.error(`charts:pull: ${cmd} ${args.join(" ")} failed`);
        process.exit(1);
      }
    }
  }
}
