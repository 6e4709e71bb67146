/**
 * `npm run verify -- <stack file>... [--json] [--out <dir>]`: the zone-loss, quorum, capacity and
 * cost model of each stack (scripts/verify/model.ts). Markdown on stdout (or JSON with `--json`), an
 * SVG picture per stack in `--out` (default `out/verify`), progress on stderr. Exits 1 when a stack
 * fails: a workload or datastore that does not survive the loss of a zone, acknowledged writes that
 * can be lost without the stack accepting it, or autoscaler maximums the node pools cannot hold.
 * Stacks that opt into fewer than 3 zones (`allowFewerZones`) are reported, never failed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../tests/harness/stack-file";
import { verifyStack } from "./verify/model";
import { pictureSvg } from "./verify/picture";
import { reportMarkdown } from "./verify/report";

const stackName = (file: string) =>
  path
    .basename(file)
    .replace(/^Pulumi\./, "")
    .replace(/\.ya?ml$/, "");

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const outIndex = args.indexOf("--out");
  const outDir = path.resolve(outIndex >= 0 ? args[outIndex + 1] : "out/verify");
  const files = args.filter((a, i) => !a.startsWith("--") && (outIndex < 0 || i !== outIndex + 1));
  if (files.length === 0) {
    console.error("usage: npm run verify -- <stack file>... [--json] [--out <dir>]");
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  let failed = 0;
  const results = [];
  for (const file of files) {
    const name = stackName(file);
    const started = Date.now();
    console.error(`verify: ${name}: running the program and rendering its charts`);
    const v = await verifyStack(name, readStackFile(file));
    const svg = path.join(outDir, `${name}.svg`);
    fs.writeFileSync(svg, pictureSvg(v));
    console.error(`verify: ${name}: ${v.failures.length} failures, picture ${svg} (${Date.now() - started} ms)`);
    if (v.failures.length && !v.fewerZones) failed++;
    results.push(v);
    if (!json) console.log([...reportMarkdown(v, path.relative(process.cwd(), svg)), ""].join("\n"));
  }
  if (json) console.log(JSON.stringify(results, null, 2));
  process.exit(failed ? 1 : 0);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`verify: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  });
}
