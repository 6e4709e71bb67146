/** The offline render: what a pull request from a fork, with no cloud credentials, can still review. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { MASK, masked, renderRun } from "../scripts/render";
import { existingStack } from "./fixtures";
import { objects } from "./harness/query";
import { CapturedResource, runStack } from "./harness/run-stack";

describe("render", () => {
  it("writes every object, one file per namespace, and a summary whose counts add up", async () => {
    const run = await runStack(existingStack());
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    const { files, summary } = renderRun(run, out);
    assert.ok(files.includes("_cluster.yaml") && files.includes("dp-data.yaml") && files.includes("summary.txt"));
    const rendered = files
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(out, f), "utf8")).map((d) => d.toJS()));
    assert.equal(rendered.length, objects(run).length);
    for (const f of files.filter((f) => f.startsWith("dp-"))) {
      const ns = f.replace(/\.yaml$/, "");
      const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(out, f), "utf8")).map((d) => d.toJS());
      assert.ok(docs.every((d: { metadata: { namespace: string } }) => d.metadata.namespace === ns));
    }
    assert.match(summary, new RegExp(`Kubernetes objects: ${objects(run).length}\\n`));
    assert.match(summary, new RegExp(`NetworkPolicy\\s+${objects(run, "NetworkPolicy").length}\\n`));
  });

  it("masks secret values", () => {
    const r = {
      inputs: { kind: "Secret", metadata: { name: "s" }, stringData: { password: "hunter2", user: "app" } },
      secretPaths: ["stringData.password"],
    } as unknown as CapturedResource;
    const obj = masked(r) as unknown as { stringData: Record<string, string> };
    assert.deepEqual(obj.stringData, { password: MASK, user: "app" });
    assert.equal((r.inputs.stringData as Record<string, string>).password, "hunter2", "the capture is not modified");
  });
});
