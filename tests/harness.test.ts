/** The test harness itself: its validators must fail on invalid objects, or every green run means nothing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crdSchemaErrors, crdsUnavailable, goPatternToJs } from "./harness/crd-schema";
import { k8sSchemaErrors } from "./harness/k8s-schema";
import type { K8sObject } from "./harness/query";
import { debuggable } from "./harness/promise-stacks";
import { runProgram, StackRunError } from "./harness/run-stack";
import { mockSecret, toStackConfig } from "./harness/stack-file";
import { existingStack } from "./fixtures";

const cnpgCluster = (spec: Record<string, unknown>): K8sObject => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata: { name: "pg", namespace: "dp-data" },
  spec: { instances: 3, storage: { size: "10Gi" }, ...spec },
});

describe("Kubernetes schema validation", () => {
  it("accepts a valid Deployment", async () => {
    const ok: K8sObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "c", image: "i" }] } } },
    };
    assert.deepEqual(await k8sSchemaErrors(ok), []);
  });

  it("rejects a wrong type and a missing required field", async () => {
    const bad: K8sObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { replicas: "3", template: { spec: { containers: [{ name: "c", image: "i" }] } } },
    };
    const errors = await k8sSchemaErrors(bad);
    assert.ok(
      errors.some((e) => e.includes("replicas")),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => e.includes("selector")),
      errors.join("\n"),
    );
  });
});

describe("CRD schema validation", { skip: crdsUnavailable() }, () => {
  it("accepts a valid CloudNativePG Cluster", () => {
    assert.deepEqual(crdSchemaErrors(cnpgCluster({})), []);
  });

  it("fails on a misspelt field", () => {
    const errors = crdSchemaErrors(cnpgCluster({ instancess: 3 }));
    assert.ok(
      errors.some((e) => e.includes("instancess")),
      errors.join("\n"),
    );
  });

  it("fails on a misspelt nested field and a wrong type", () => {
    const errors = crdSchemaErrors(cnpgCluster({ storage: { sizee: "10Gi" }, instances: "three" }));
    assert.ok(
      errors.some((e) => e.includes("sizee")),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((e) => e.includes("/spec/instances")),
      errors.join("\n"),
    );
  });

  it("fails on a kind with no published CRD", () => {
    const errors = crdSchemaErrors({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } });
    assert.match(errors[0], /no CRD for example.com\/v1 Widget/);
  });
});

describe("stack files", () => {
  it("turn secure values into secret placeholders and structured values into JSON", () => {
    const { values, secretKeys } = toStackConfig({
      config: { "p:a": { secure: "v1:xyz" }, "p:b": [1, 2], "p:c": 3, "p:d": "text" },
    });
    assert.deepEqual(secretKeys, ["p:a"]);
    assert.deepEqual(values, { "p:a": mockSecret("p:a"), "p:b": "[1,2]", "p:c": "3", "p:d": "text" });
  });
});

describe("Go patterns in CRDs", () => {
  it("turn Go's (?i) flag into two-case letters, and leave other patterns alone", () => {
    const js = goPatternToJs("^(?i)(abort|warn)?$")!;
    assert.match("WARN", new RegExp(js));
    assert.doesNotMatch("skip", new RegExp(js));
    assert.equal(goPatternToJs("^[a-z]+$"), "^[a-z]+$");
  });
});

/** The stack trace the runtime stores on a promise it wraps while a program runs under the harness. */
async function traceRecordedDuringRun(): Promise<unknown> {
  let trace: unknown;
  await runProgram(existingStack(), async () => {
    const probe = Promise.resolve(1);
    await debuggable.debuggablePromise(probe, "probe");
    trace = (probe as unknown as { _debugStackTrace?: unknown })._debugStackTrace;
    return {};
  });
  return trace;
}

describe("runs under the mocks", () => {
  it("store no stack trace on the runtime's promises, and give the runtime its wrapper back", async () => {
    const original = debuggable.debuggablePromise;
    // "Error" alone: the runtime still wrapped and tracked the promise, without formatting frames.
    assert.equal(await traceRecordedDuringRun(), "Error");
    assert.equal(debuggable.debuggablePromise, original);
  });

  it("keep the stack traces when PULUMI_DEBUG_PROMISE_LEAKS asks for them", async () => {
    debuggable.debugPromiseLeaks = true;
    try {
      assert.match(String(await traceRecordedDuringRun()), /\n\s+at /);
    } finally {
      debuggable.debugPromiseLeaks = false;
    }
  });

  it("keep the full stack of an error the program throws", async () => {
    await assert.rejects(
      runProgram(existingStack(), async () => {
        await debuggable.debuggablePromise(Promise.resolve(), "before");
        throw new Error("boom");
      }),
      (e: StackRunError) => /\n\s+at /.test(e.cause.stack ?? ""),
    );
  });
});
