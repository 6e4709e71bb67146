/**
 * `npm run bench`: for each example stack, wall time and peak memory of evaluating it under mocks,
 * beside three floors measured in the same run, as ratios. Then `tsc --noEmit`. Each figure is the
 * median of BENCH_RUNS runs (default 5: this VM's timings vary by 20% from run to run). Arguments, if
 * any, pick the stacks whose file names contain them (`npm run bench -- hooli-aks`).
 *
 * - The bare floor: a node process that only loads @pulumi/pulumi, @pulumi/kubernetes and that
 *   stack's cloud SDK.
 * - The trivial floor: as many trivial ConfigMaps as the stack declares, through the same harness
 *   (the Pulumi runtime spends about 1-2 ms on every resource), so a stack's ratio to the bare floor
 *   grows with its size whatever the program does.
 * - The registration floor (`bench-replay.ts`): the stack's own registrations replayed without the
 *   program, with the same SDK classes and inputs. The runtime's cost depends on the class and the
 *   inputs, not only on the count: a class's own aliases (azure-native: up to 113 per resource), an
 *   Output per declared output property, the size of the inputs. This floor holds all of that, so the
 *   ratio to it is what the program itself adds.
 *
 * Targets: the program's own overhead (its ratio to the registration floor) <= 1.3x on every stack,
 * tsc < 60 s. The ratios to the bare and trivial floors are shown for reference, and so is the share
 * of the stack's resource classes (registration floor over trivial floor).
 *
 * The program is evaluated as JavaScript compiled by tsc (into bin/), like the floors: the figure is
 * the program's own cost, not the TypeScript loader's. The tsx path the tests use is shown beside it
 * for reference (its require hook alone costs about a second here).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exampleStacks } from "../tests/fixtures";
import { readStackFile } from "../tests/harness/stack-file";
import type { Registration } from "./bench-replay";

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

function evalArgs(stackFile: string, registrationsFile?: string): string[] {
  return [path.join(BIN, "scripts", "bench-eval.js"), stackFile, ...(registrationsFile ? [registrationsFile] : [])];
}

function replayArgs(registrationsFile: string): string[] {
  return [path.join(BIN, "scripts", "bench-replay.js"), registrationsFile];
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

const ms = (s: Sample) => `${s.ms.toFixed(0)} ms`;
const times = (a: Sample, b: Sample) => `${(a.ms / b.ms).toFixed(2)}x`;

function main() {
  // `npm run bench -- hooli-aks`: only the stacks whose file names contain one of the arguments.
  const only = process.argv.slice(2);
  const stacks = exampleStacks().filter((f) => only.length === 0 || only.some((o) => path.basename(f).includes(o)));
  if (stacks.length === 0) throw new Error(`bench: no stack file matches ${only.join(", ")}`);
  const buildMs = compile();
  const header = [
    "stack",
    "bare floor",
    "trivial floor",
    "registration floor",
    "evaluate",
    "own overhead",
    "vs trivial",
    "classes' share",
    "tsx",
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  let worstOverRegistration = 0;
  let worstOverTrivial = 0;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dp-bench-"));
  try {
    for (const file of stacks) {
      const cloud = String(readStackFile(file).config?.["dedicated-platform:cloud"]);
      const registrations = path.join(scratch, `${path.basename(file)}.json`);
      // One run first: the resource count the trivial floor registers, and the registrations to replay.
      const resources = Number(measure(evalArgs(file, registrations)).extra);
      const [floor, evaluated, trivialFloor, registrationFloor, viaTsx] = mediansOf([
        floorArgs(cloud),
        evalArgs(file),
        runtimeFloorArgs(resources, cloud),
        replayArgs(registrations),
        evalTsxArgs(file),
      ]);
      worstOverRegistration = Math.max(worstOverRegistration, evaluated.ms / registrationFloor.ms);
      worstOverTrivial = Math.max(worstOverTrivial, evaluated.ms / trivialFloor.ms);
      rows.push([
        path.basename(file),
        `${ms(floor)} / ${floor.maxRssMiB.toFixed(0)} MiB`,
        ms(trivialFloor),
        ms(registrationFloor),
        `${ms(evaluated)} / ${evaluated.maxRssMiB.toFixed(0)} MiB`,
        times(evaluated, registrationFloor),
        times(evaluated, trivialFloor),
        times(registrationFloor, trivialFloor),
        `${ms(viaTsx)} (${times(viaTsx, floor)} bare)`,
      ]);
      const recorded = JSON.parse(fs.readFileSync(registrations, "utf8")) as Registration[];
      const aliases = recorded.reduce((n, r) => n + r.aliasCount, 0);
      notes.push(
        `${path.basename(file)}: ${resources} resources carrying ${aliases} aliases; ` +
          `${times(evaluated, floor)} the bare floor's time, ${(evaluated.maxRssMiB / floor.maxRssMiB).toFixed(2)}x its memory`,
      );
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  console.log(`Median of ${RUNS} interleaved runs each.`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(n);
  console.log(
    `worst ratio to the trivial floor ${worstOverTrivial.toFixed(2)}x (for reference: it counts the SDK classes' cost as the program's)`,
  );
  console.log(
    `worst ratio to the registration floor ${worstOverRegistration.toFixed(2)}x: the program's own overhead (target <= 1.3x)${
      worstOverRegistration <= 1.3 ? "" : " NOT MET"
    }`,
  );
  console.log(`tsc build into bin/: ${(buildMs / 1000).toFixed(1)} s`);
  const start = process.hrtime.bigint();
  const tsc = spawnSync(process.execPath, [TSC, "--noEmit"], { cwd: ROOT, encoding: "utf8" });
  const tscMs = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`tsc --noEmit: ${(tscMs / 1000).toFixed(1)} s (target < 60 s)${tsc.status === 0 ? "" : " FAILED"}`);
}

main();
