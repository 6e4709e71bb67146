/**
 * Rules the delivery workflows (.github/workflows) must keep, as functions over a parsed workflow so
 * each can be fed a broken one: every action pinned by commit, the fork-safe job free of secrets and
 * write permissions, deploys ordered and stoppable, destroys deliberate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const ROOT = path.resolve(__dirname, "../..");
export const WORKFLOWS_DIR = path.join(ROOT, ".github/workflows");
export const ACTIONS_DIR = path.join(ROOT, ".github/actions");

export const readYaml = (file: string): Any => YAML.parse(fs.readFileSync(file, "utf8"));

export const workflowFiles = () =>
  fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(WORKFLOWS_DIR, f));

export const localActionFiles = () => fs.readdirSync(ACTIONS_DIR).map((d) => path.join(ACTIONS_DIR, d, "action.yml"));

/** Every `uses:` of a workflow's jobs or a composite action's steps. */
export function usesOf(doc: Any): string[] {
  const steps = [
    ...Object.values((doc?.jobs ?? {}) as Record<string, Any>).flatMap((j) => [j, ...((j.steps ?? []) as Any[])]),
    ...((doc?.runs?.steps ?? []) as Any[]),
  ];
  return steps.map((s) => s?.uses).filter((u): u is string => typeof u === "string");
}

/** `uses:` references that are neither local nor pinned to a full commit SHA. */
export function unpinned(doc: Any): string[] {
  return usesOf(doc).filter((u) => !u.startsWith("./") && !/@[0-9a-f]{40}$/.test(u));
}

/** Every `${{ secrets.* }}` a text references. */
export const secretRefs = (text: string) => [...text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);

/** The `run:` scripts of every step of every job (or of one job), joined. */
export function runScripts(workflow: Any, jobName?: string): string {
  const jobs = Object.entries((workflow?.jobs ?? {}) as Record<string, Any>).filter(([n]) => !jobName || n === jobName);
  return jobs.flatMap(([, j]) => ((j.steps ?? []) as Any[]).map((s) => s?.run ?? "")).join("\n");
}

/**
 * Why a job would not be safe to run on a fork's pull request: a secret it or a local action it uses
 * references, a permission beyond reading, or a trigger that runs fork code with this repository's
 * token (`pull_request_target`).
 */
export function forkSafetyProblems(workflow: Any, jobName: string, actionText: (uses: string) => string): string[] {
  const problems: string[] = [];
  const on = workflow.on ?? workflow[true as unknown as string];
  if (on && typeof on === "object" && "pull_request_target" in on) problems.push("triggered by pull_request_target");
  const job = workflow.jobs?.[jobName];
  if (!job) return [`no job ${jobName}`];
  for (const s of secretRefs(JSON.stringify(job))) problems.push(`job references secrets.${s}`);
  for (const u of usesOf({ jobs: { [jobName]: job } }).filter((x) => x.startsWith("./")))
    for (const s of secretRefs(actionText(u))) problems.push(`${u} references secrets.${s}`);
  const perms = job.permissions ?? workflow.permissions;
  if (perms === undefined || perms === "write-all" || perms === "read-all")
    problems.push("permissions not set to read only");
  else if (typeof perms === "object")
    for (const [scope, level] of Object.entries(perms))
      if (level !== "read" && level !== "none") problems.push(`permission ${scope}: ${String(level)}`);
  return problems;
}

/** Why a deploy job would not roll out in waves, one stack at a time, stopping at the first failure. */
export function waveProblems(job: Any): string[] {
  const problems: string[] = [];
  const strategy = job?.strategy ?? {};
  if (strategy["max-parallel"] !== 1) problems.push("strategy.max-parallel is not 1");
  if (strategy["fail-fast"] !== true) problems.push("strategy.fail-fast is not true");
  if (!/matrix\.environment/.test(String(job?.environment ?? ""))) problems.push("environment is not the stack's");
  if (!/matrix\.stack/.test(String(job?.concurrency?.group ?? ""))) problems.push("no concurrency group per stack");
  return problems;
}

/** Why a destroy workflow would not be deliberate: any trigger but workflow_dispatch, no typed-twice check. */
export function destroyProblems(workflow: Any): string[] {
  const problems: string[] = [];
  const on = workflow.on ?? workflow[true as unknown as string];
  const triggers = typeof on === "string" ? [on] : Object.keys(on ?? {});
  if (triggers.length !== 1 || triggers[0] !== "workflow_dispatch") problems.push(`triggers: ${triggers.join(", ")}`);
  const inputs = on?.workflow_dispatch?.inputs ?? {};
  if (!inputs.stack || !inputs.confirm) problems.push("inputs stack and confirm are not both required");
  const text = runScripts(workflow);
  if (!/"\$STACK" != "\$CONFIRM"/.test(text)) problems.push("no step compares the two names");
  if (!/protectData/.test(text)) problems.push("no step refuses while protectData is on");
  if (!/npm run --silent teardown/.test(text)) problems.push("no teardown before destroy");
  return problems;
}
