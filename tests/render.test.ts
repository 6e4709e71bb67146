/** The offline render: what a pull request from a fork, with no cloud credentials, can still review. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { MASK, masked, placeholderName, renderRun } from "../scripts/render";
import { existingStack } from "./fixtures";
import { chartsUnavailable } from "./harness/charts";
import { deployedObjects } from "./harness/deployed";
import { objects } from "./harness/query";
import { CapturedResource, runStack } from "./harness/run-stack";

const docsOf = (file: string) => YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS());

describe("render", () => {
  it("writes every object, one file per namespace, and a summary whose counts add up", async () => {
    const run = await runStack(existingStack());
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
    const { files, summary } = renderRun(run, out);
    assert.ok(files.includes("_cluster.yaml") && files.includes("dp-data.yaml") && files.includes("summary.txt"));
    const rendered = files.filter((f) => f.endsWith(".yaml")).flatMap((f) => docsOf(path.join(out, f)));
    assert.equal(rendered.length, objects(run).length);
    for (const f of files.filter((f) => f.startsWith("dp-"))) {
      const ns = f.replace(/\.yaml$/, "");
      assert.ok(
        docsOf(path.join(out, f)).every((d: { metadata: { namespace: string } }) => d.metadata.namespace === ns),
      );
    }
    assert.match(summary, new RegExp(`Program objects: ${objects(run).length}\\n`));
    assert.match(summary, new RegExp(`NetworkPolicy\\s+${objects(run, "NetworkPolicy").length}\\n`));
    // Every object can be applied as written: a name everywhere, Secrets with their keys.
    for (const d of rendered) assert.ok(d.metadata.name, `${d.kind} without a name`);
    const job = rendered.find((d) => d.kind === "Job");
    assert.match(job.metadata.name, /-autonamed$/);
  });

  it(
    "writes each Helm release's and manifest's objects apart, Secret values masked, counted apart",
    { skip: chartsUnavailable() },
    async () => {
      const run = await runStack(existingStack());
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
      const charts = deployedObjects(run);
      const { files, summary } = renderRun(run, out, charts);
      const chartFiles = files.filter((f) => f.startsWith("charts/"));
      assert.ok(
        chartFiles.includes("charts/kong.yaml") && chartFiles.includes("charts/rabbitmq-cluster-operator-v2.22.3.yaml"),
      );
      const fromCharts = charts.objects.filter((d) => d.source.kind !== "program").length;
      assert.equal(chartFiles.flatMap((f) => docsOf(path.join(out, f))).length, fromCharts);
      assert.match(summary, new RegExp(`Chart and manifest objects: ${fromCharts} \\(in charts/\\)`));
      const secrets = chartFiles.flatMap((f) => docsOf(path.join(out, f))).filter((d) => d.kind === "Secret");
      assert.ok(secrets.length > 0);
      for (const s of secrets)
        for (const field of ["data", "stringData"])
          for (const v of Object.values(s[field] ?? {})) assert.equal(v, MASK, `${s.metadata.name}.${field}`);
    },
  );

  it("masks secret values one by one, keeping a Secret's keys, and names auto-named objects", () => {
    const r = {
      name: "app-credentials",
      inputs: { kind: "Secret", metadata: {}, stringData: { password: "hunter2", user: "app" } },
      secretPaths: ["stringData"],
    } as unknown as CapturedResource;
    const obj = masked(r) as unknown as { metadata: { name: string }; stringData: Record<string, string> };
    assert.deepEqual(obj.stringData, { password: MASK, user: MASK });
    assert.equal(obj.metadata.name, placeholderName("app-credentials"));
    assert.equal((r.inputs.stringData as Record<string, string>).password, "hunter2", "the capture is not modified");
    const config = {
      name: "c",
      inputs: { kind: "ConfigMap", metadata: { name: "c" }, data: { url: "x", token: "t" } },
      secretPaths: ["data.token"],
    } as unknown as CapturedResource;
    assert.deepEqual((masked(config) as unknown as { data: object }).data, { url: "x", token: MASK });
  });
});
