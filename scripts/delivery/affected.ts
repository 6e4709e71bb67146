/**
 * Which stacks a change affects, from the files it changes: `npm run affected -- <base> [head]`
 * prints their names as a JSON array (for a workflow's matrix); `--files` reads the changed paths from
 * stdin instead of asking git; `--all` prints every stack (the nightly drift check, a first push).
 *
 * - A stack file (`stacks/Pulumi.<name>.yaml`) affects that stack alone; a deleted one affects none
 *   (a stack is removed by the destroy workflow, never by a merge).
 * - Files that never reach a cluster (tests, docs, Markdown, the delivery workflows' own scripts'
 *   tests) affect none.
 * - Everything else (the program, `lib/versions.ts`, the lock file, `Pulumi.yaml`, the policy pack)
 *   affects every stack.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const STACKS_DIR = "stacks";

/** Paths that change nothing a stack deploys: tests, docs and prose. */
const NO_DEPLOY_EFFECT = [/^tests\//, /^docs\//, /\.md$/, /^\.github\/ISSUE_TEMPLATE\//, /^LICENSE$/];

const STACK_FILE = /^stacks\/Pulumi\.([a-z0-9][a-z0-9-]*)\.yaml$/;

/** The stack a path is the config file of, or undefined. */
export const stackOfFile = (file: string) => STACK_FILE.exec(file)?.[1];

/**
 * The affected stacks, sorted. `changed` are repository-relative paths; `existing` the stacks whose
 * file exists at the head (deleted stacks are never previewed or deployed).
 */
export function affectedStacks(changed: string[], existing: string[]): string[] {
  const present = new Set(existing);
  const affected = new Set<string>();
  for (const file of changed) {
    const stack = stackOfFile(file);
    if (stack !== undefined) {
      if (present.has(stack)) affected.add(stack);
      continue;
    }
    if (NO_DEPLOY_EFFECT.some((re) => re.test(file))) continue;
    return [...present].sort();
  }
  return [...affected].sort();
}

/** The stacks whose file exists in `root`'s `stacks/`. */
export function stacksIn(root: string): string[] {
  const dir = path.join(root, STACKS_DIR);
  return fs
    .readdirSync(dir)
    .map((f) => stackOfFile(`${STACKS_DIR}/${f}`))
    .filter((s): s is string => s !== undefined)
    .sort();
}

function changedFiles(base: string, head: string): string[] {
  // The merge base, as a pull request's diff is: what the head changed, not what main did since.
  const r = spawnSync("git", ["diff", "--name-only", "--no-renames", `${base}...${head}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git diff ${base}...${head} failed: ${r.stderr.trim()}`);
  return r.stdout.split("\n").filter(Boolean);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const root = path.resolve(__dirname, "../..");
  if (args[0] === "--all" || /^0+$/.test(args[0] ?? "")) {
    // A push that created the branch has no "before" commit (GitHub sends zeros): everything is new.
    console.log(JSON.stringify(stacksIn(root)));
    process.exit(0);
  }
  const changed = args[0] === "--files" ? fs.readFileSync(0, "utf8").split("\n").filter(Boolean) : undefined;
  if (changed === undefined && args.length === 0) {
    console.error("usage: npm run affected -- <base> [head]   |   --files < changed-paths   |   --all");
    process.exit(2);
  }
  const files = changed ?? changedFiles(args[0], args[1] ?? "HEAD");
  const stacks = affectedStacks(files, stacksIn(root));
  console.error(`affected: ${files.length} changed files -> ${stacks.length} stacks`);
  console.log(JSON.stringify(stacks));
}
