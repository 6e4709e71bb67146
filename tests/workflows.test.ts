/** The delivery workflows: linted by actionlint, pinned, fork-safe, ordered, deliberate. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  destroyProblems,
  forkSafetyProblems,
  localActionFiles,
  readYaml,
  ROOT,
  runScripts,
  secretRefs,
  unpinned,
  waveProblems,
  workflowFiles,
  WORKFLOWS_DIR,
} from "./harness/workflows";

const actionText = (uses: string) => fs.readFileSync(path.join(ROOT, uses, "action.yml"), "utf8");
const preview = () => readYaml(path.join(WORKFLOWS_DIR, "preview.yml"));
const onPath = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

describe("workflows", () => {
  it("the four delivery workflows exist", () => {
    const names = workflowFiles().map((f) => path.basename(f));
    for (const w of ["preview.yml", "deploy.yml", "drift.yml", "destroy.yml"]) assert.ok(names.includes(w), w);
  });

  it(
    "actionlint finds nothing in any workflow",
    { skip: onPath("actionlint") ? false : "actionlint is not on PATH (bash scripts/setup-tools.sh)" },
    () => {
      const r = spawnSync("actionlint", ["-no-color"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    },
  );

  it("actionlint fails a broken workflow", { skip: onPath("actionlint") ? false : "actionlint is not on PATH" }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-actionlint-"));
    const file = path.join(dir, "broken.yml");
    fs.writeFileSync(
      file,
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.x }\n",
    );
    const r = spawnSync("actionlint", ["-no-color", file], { encoding: "utf8" });
    fs.rmSync(dir, { recursive: true });
    assert.notEqual(r.status, 0);
  });

  it("every action is pinned by commit SHA (workflows and local actions)", () => {
    for (const f of [...workflowFiles(), ...localActionFiles()]) assert.deepEqual(unpinned(readYaml(f)), [], f);
    assert.deepEqual(unpinned({ jobs: { a: { steps: [{ uses: "actions/checkout@v4" }] } } }), ["actions/checkout@v4"]);
  });

  it("the preview's offline job is fork-safe: no secret, read-only token, not pull_request_target", () => {
    assert.deepEqual(forkSafetyProblems(preview(), "offline", actionText), []);
  });

  it("a secret, a write permission or pull_request_target in the offline job is caught", () => {
    const w = preview();
    w.jobs.offline.steps.push({ run: "echo", env: { T: "${{ secrets.PULUMI_ACCESS_TOKEN }}" } });
    w.jobs.offline.permissions["pull-requests"] = "write";
    w.on = { pull_request_target: {} };
    assert.deepEqual(forkSafetyProblems(w, "offline", actionText), [
      "triggered by pull_request_target",
      "job references secrets.PULUMI_ACCESS_TOKEN",
      "permission pull-requests: write",
    ]);
    assert.deepEqual(
      forkSafetyProblems(preview(), "offline", () => "x: ${{ secrets.X }}"),
      ["./.github/actions/setup references secrets.X"],
    );
  });

  it("the cloud preview runs only for branches of this repository, with the policy pack and --diff", () => {
    const job = preview().jobs.cloud;
    assert.match(job.if, /head\.repo\.full_name == github\.repository/);
    const run = runScripts(preview(), "cloud");
    assert.match(run, /pulumi preview -s "\$STACK" --diff --policy-pack policy/);
    assert.equal(job.permissions["id-token"], "write");
  });

  it("deploy rolls out one stack at a time in wave order, per-stack concurrency, environment per stack", () => {
    assert.deepEqual(waveProblems(readYaml(path.join(WORKFLOWS_DIR, "deploy.yml")).jobs.up), []);
    assert.deepEqual(waveProblems({ strategy: { "max-parallel": 3 }, environment: "production" }), [
      "strategy.max-parallel is not 1",
      "strategy.fail-fast is not true",
      "environment is not the stack's",
      "no concurrency group per stack",
    ]);
  });

  it("drift runs nightly with --refresh --expect-no-changes and opens an issue", () => {
    const w = readYaml(path.join(WORKFLOWS_DIR, "drift.yml"));
    assert.ok(w.on.schedule?.length);
    const text = runScripts(w, "drift");
    assert.match(text, /--refresh --expect-no-changes/);
    assert.match(text, /gh issue create/);
  });

  it("destroy is by hand only, the name typed twice, protectData refused, teardown first", () => {
    const w = readYaml(path.join(WORKFLOWS_DIR, "destroy.yml"));
    assert.deepEqual(destroyProblems(w), []);
    const broken = structuredClone(w);
    broken.on = { push: {}, workflow_dispatch: { inputs: { stack: {} } } };
    broken.jobs.destroy.steps = broken.jobs.destroy.steps.filter(
      (s: { name?: string }) => !s.name?.startsWith("teardown"),
    );
    assert.deepEqual(destroyProblems(broken), [
      "triggers: push, workflow_dispatch",
      "inputs stack and confirm are not both required",
      "no teardown before destroy",
    ]);
  });

  it("no workflow holds a secret value: only references to repository secrets and variables", () => {
    for (const f of [...workflowFiles(), ...localActionFiles()]) {
      const text = fs.readFileSync(f, "utf8");
      assert.doesNotMatch(text, /dedicated-platform-dev-only|AKIA[0-9A-Z]{16}|-----BEGIN/, f);
      for (const m of text.matchAll(/^\s*(PULUMI_[A-Z_]+|[A-Z_]*(TOKEN|PASSWORD|PASSPHRASE|KEY))\s*:\s*(.+)$/gm))
        assert.match(m[3], /^\$\{\{ (secrets|github)\.[A-Za-z_.]+ \}\}$/, `${f}: ${m[1]}`);
    }
    assert.deepEqual(secretRefs("a ${{ secrets.A }} b ${{ secrets.B_2 }}"), ["A", "B_2"]);
  });
});
