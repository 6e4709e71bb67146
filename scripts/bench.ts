/**
 * `npm run bench`: for each example stack, wall time and peak memory of evaluating it under mocks,
 * side by side with a floor measured in the same run (a bare node process that only loads
 * @pulumi/pulumi, @pulumi/kubernetes and that stack's cloud SDK), as a ratio. Then `tsc --noEmit`.
 * Each figure is the median of BENCH_RUNS runs (default 5: this VM's timings vary by 20% from run to
 * run). Targets: the program's own overhead (its ratio to the runtime floor below) <= 1.3x on every
 * stack, tsc < 60 s. The ratio to the bare floor is shown for reference: a runtime floor of trivial
 * resources alone is 1.3-1.5x the bare floor at this size, so it cannot be the target.
 *
 * A second floor, the runtime floor, runs a program of as many trivial resources as the stack declares
 * through the same harness: the Pulumi runtime spends about 2 ms on every resource (four promises per
 * output property, a source-position stack trace, protobuf round trips through the mock monitor), so
 * a stack's ratio to the bare floor grows with its size whatever the program does. The ratio to the
 * runtime floor is what the program itself adds.
 *
 * The program is evaluated as JavaScript compiled by tsc (into bin/), like the floor: the figure is
 * the program's own cost, not the TypeScript loader's. The tsx path the tests use is shown beside it
 * for reference (its require hook alone costs about a second here).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { exampleStacks } from "../tests/fixtures";
import { readStackFile } from "../tests/harness/stack-file";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = path.resolve(__dirname, "..");

const CLOUD_SDK: Record<string, string | undefined> = {
  gcp: "@pulumi/gcp",
  aws: "@pulumi/aws",
  azure: "@pulumi/azure-native/containerservice",
  existing: undefined,
};

interface Sample {
  ms: number;
  maxRssMiB: number;
  /** The line before the RSS, when the child prints one (the eval child: its resource count). */
  extra?: string;
}

/** Runs node with args; the child prints its own peak RSS (KiB) as the last line. */
function measure(args: string[]): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  return { ms, maxRssMiB: Number(lines[lines.length - 1]) / 1024, extra: lines[lines.length - 2] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Medians of RUNS rounds; each round runs every command once, in turn, so that the machine's drift
 * during the benchmark weighs on all of them alike.
 */
function mediansOf(commands: string[][]): Sample[] {
  const rounds = Array.from({ length: RUNS }, () => commands.map(measure));
  return commands.map((_, i) => {
    const samples = rounds.map((round) => round[i]);
    return {
      ms: median(samples.map((s) => s.ms)),
      maxRssMiB: median(samples.map((s) => s.maxRssMiB)),
      extra: samples[0].extra,
    };
  });
}

const PRINT_RSS = "console.log(process.resourceUsage().maxRSS)";

function floorArgs(cloud: string): string[] {
  const mods = ["@pulumi/pulumi", "@pulumi/kubernetes", CLOUD_SDK[cloud]].filter(Boolean);
  return ["-e", `${mods.map((m) => `require(${JSON.stringify(m)});`).join("")}${PRINT_RSS}`];
}

const BIN = path.join(ROOT, "bin");

function evalArgs(stackFile: string): string[] {
  return [path.join(BIN, "scripts", "bench-eval.js"), stackFile];
}

function evalTsxArgs(stackFile: string): string[] {
  return ["--import", "tsx", path.join(ROOT, "scripts", "bench-eval.ts"), stackFile];
}

function runtimeFloorArgs(count: number, cloud: string): string[] {
  return [path.join(BIN, "scripts", "bench-floor.js"), String(count), CLOUD_SDK[cloud] ?? ""];
}

function compile(): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [TSC, "--outDir", BIN, "--noEmit", "false"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const TSC = require.resolve("typescript/bin/tsc");

function main() {
  const buildMs = compile();
  const rows: string[] = [];
  let worst = 0;
  let worstOverRuntime = 0;
  for (const file of exampleStacks()) {
    const cloud = String(readStackFile(file).config?.["dedicated-platform:cloud"]);
    // One run first, for the resource count the runtime floor registers.
    const resources = Number(measure(evalArgs(file)).extra);
    const [floor, evaluated, runtimeFloor, viaTsx] = mediansOf([
      floorArgs(cloud),
      evalArgs(file),
      runtimeFloorArgs(resources, cloud),
      evalTsxArgs(file),
    ]);
    const ratio = evaluated.ms / floor.ms;
    worst = Math.max(worst, ratio);
    worstOverRuntime = Math.max(worstOverRuntime, evaluated.ms / runtimeFloor.ms);
    rows.push(
      [
        path.basename(file).padEnd(36),
        `${floor.ms.toFixed(0)} ms / ${floor.maxRssMiB.toFixed(0)} MiB`.padEnd(22),
        `${evaluated.ms.toFixed(0)} ms / ${evaluated.maxRssMiB.toFixed(0)} MiB`.padEnd(22),
        `${ratio.toFixed(2)}x time, ${(evaluated.maxRssMiB / floor.maxRssMiB).toFixed(2)}x memory`.padEnd(28),
        `${resources} resources; runtime floor ${runtimeFloor.ms.toFixed(0)} ms`,
        `(${(runtimeFloor.ms / floor.ms).toFixed(2)}x the floor by itself) -> ${(evaluated.ms / runtimeFloor.ms).toFixed(2)}x`,
        `(tsx: ${viaTsx.ms.toFixed(0)} ms, ${(viaTsx.ms / floor.ms).toFixed(2)}x)`,
      ].join(" "),
    );
  }
  console.log(`Median of ${RUNS} interleaved runs each.`);
  console.log(`${"stack".padEnd(36)} ${"floor".padEnd(22)} ${"evaluate (mocks)".padEnd(22)} ratio`);
  for (const r of rows) console.log(r);
  console.log(`worst time ratio to the bare floor ${worst.toFixed(2)}x (for reference)`);
  console.log(
    `worst time ratio to the runtime floor ${worstOverRuntime.toFixed(2)}x: the program's own overhead (target <= 1.3x)${
      worstOverRuntime <= 1.3 ? "" : " NOT MET"
    }`,
  );

  console.log(`tsc build into bin/: ${(buildMs / 1000).toFixed(1)} s`);
  const start = process.hrtime.bigint();
  const tsc = spawnSync(process.execPath, [TSC, "--noEmit"], { cwd: ROOT, encoding: "utf8" });
  const tscMs = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`tsc --noEmit: ${(tscMs / 1000).toFixed(1)} s (target < 60 s)${tsc.status === 0 ? "" : " FAILED"}`);
}

main();
