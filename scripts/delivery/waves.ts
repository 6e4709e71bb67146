/**
 * The deploy workflow's order: `npm run waves -- <stack>...` (or `-` and a JSON array on stdin) prints
 * the plan as a matrix, `{"include":[{"stack","wave","environment","cloud"}, ...]}`, in wave order
 * (lowest first), stacks sorted within a wave. The workflow runs it one job at a time with fail-fast,
 * so the first failure stops everything after it. A stack's wave is its `dedicated-platform:wave`, or
 * its environment's default (`config/waves.ts`); a bad stack file stops the plan before any update.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackInfo, stackInfo } from "./stack-info";

export interface PlanEntry {
  stack: string;
  wave: number;
  environment: string;
  cloud: string;
}

/** The stacks in deployment order: by wave, then by name. */
export function deployPlan(stacks: StackInfo[]): PlanEntry[] {
  return [...stacks]
    .sort((a, b) => a.wave - b.wave || a.stack.localeCompare(b.stack))
    .map(({ stack, wave, environment, cloud }) => ({ stack, wave, environment, cloud }));
}

if (require.main === module) {
  const root = path.resolve(__dirname, "../..");
  const args = process.argv.slice(2);
  const names: string[] = args[0] === "-" ? JSON.parse(fs.readFileSync(0, "utf8")) : args;
  try {
    const plan = deployPlan(names.map((s) => stackInfo(root, s)));
    console.error(`waves: ${plan.map((p) => `${p.wave}:${p.stack}`).join(" ") || "nothing to deploy"}`);
    console.log(JSON.stringify({ include: plan }));
  } catch (e) {
    console.error(`waves: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
