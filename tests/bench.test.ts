/**
 * The benchmark's registration floor (scripts/bench-replay.ts) is only a floor if it registers what
 * the stack registers: same URNs, types, parents, providers and inputs, through the same SDK classes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { runProgram, runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";
import { exampleStacks } from "./fixtures";
import { Registration, replayDifferences, replayProgram } from "../scripts/bench-replay";

describe("the benchmark's registration floor", () => {
  // Each stack is run once for the tests below (one run at a time: they run in order).
  const runs = new Map<string, Promise<StackRun>>();
  const runOf = (file: string) => runs.get(file) ?? runs.set(file, runStack(readStackFile(file))).get(file)!;

  for (const file of exampleStacks()) {
    it(`replays exactly what ${path.basename(file)} registers`, async () => {
      const run = await runOf(file);
      const replay = await runProgram({ config: {} }, replayProgram(run.resources));
      assert.deepEqual(replayDifferences(run.resources, replay.resources), []);
      assert.equal(replay.resources.length, run.resources.length);
      // Through the SDK classes: the aliases each class adds (all but the program's own) are there too.
      const replayed = new Map(replay.resources.map((r) => [r.urn, r.aliasCount]));
      const mismatched = run.resources.filter((r) => replayed.get(r.urn) !== r.aliasCount - r.aliases.length);
      assert.deepEqual(
        mismatched.map((r) => `${r.urn}: ${replayed.get(r.urn)} of ${r.aliasCount}`),
        [],
      );
    });
  }

  it("counts the aliases an SDK class adds: azure-native's ManagedCluster has one per API version", async () => {
    const run = await runOf(exampleStacks().find((f) => f.includes("hooli-aks"))!);
    const cluster = run.resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster");
    assert.ok(cluster && cluster.aliasCount > 100, `ManagedCluster carries ${cluster?.aliasCount} aliases`);
    const configMaps = run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
    assert.ok(configMaps.length > 0 && configMaps.every((r) => r.aliasCount === 0));
  });

  const recorded: Registration = {
    type: "kubernetes:core/v1:ConfigMap",
    name: "settings",
    urn: "urn:pulumi:test::dedicated-platform::kubernetes:core/v1:ConfigMap::settings",
    custom: true,
    inputs: { apiVersion: "v1", kind: "ConfigMap", data: { a: "1" } },
    aliasCount: 0,
  };

  it("names every registration that differs, is missing or is extra", () => {
    const other = { ...recorded, name: "other", urn: recorded.urn.replace("settings", "other") };
    const changed = { ...recorded, inputs: { ...recorded.inputs, data: { a: "2" } } };
    assert.deepEqual(replayDifferences([recorded], [recorded]), []);
    assert.deepEqual(replayDifferences([recorded], [changed]), [`inputs differ: ${recorded.urn}`]);
    assert.deepEqual(replayDifferences([recorded], [other]), [`extra: ${other.urn}`, `missing: ${recorded.urn}`]);
  });

  it("refuses a type no SDK class registers, before registering anything", () => {
    const unknown = { ...recorded, type: "acme:widgets:Widget", name: "w" };
    assert.throws(
      () => replayProgram([recorded, unknown]),
      /no SDK class registers acme:widgets:Widget \(resource w\)/,
    );
  });
});
