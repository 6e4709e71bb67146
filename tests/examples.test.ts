/**
 * Every example stack runs as-is under mocks, and every Kubernetes object it declares is valid
 * against the Kubernetes schema (built-in kinds) or its CRD (custom resources), carries the standard
 * labels, uses the stack's own Kubernetes provider, and leaks no secret.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { exampleStacks } from "./fixtures";
import { isK8sObject, isSecretAt, objects, providerUrn } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { mockSecret, readStackFile } from "./harness/stack-file";
import { urnFile, urnsOf } from "./harness/urns";
import { validateRun } from "./harness/validate";

const STANDARD_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
];

/** Every path in `value` where `needle` appears inside a string. */
function pathsContaining(value: unknown, needle: string, at = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, needle, `${at}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needle, at ? `${at}.${k}` : k));
  }
  return [];
}

const stacks = exampleStacks();

describe("example stacks", () => {
  it("exist", () => assert.ok(stacks.length > 0));

  for (const file of stacks) {
    describe(path.basename(file), () => {
      const stack = readStackFile(file);
      let run: StackRun;
      before(async () => {
        run = await runStack(stack);
      });

      it("validates every Kubernetes object against its schema", async (t) => {
        const report = await validateRun(run);
        assert.deepEqual(report.errors, []);
        assert.ok(report.builtIn > 0);
        if (report.skipped.length > 0)
          t.skip(`${report.skipped.length} custom resources not checked: ${report.skipped[0]}`);
      });

      it("creates every Kubernetes resource with the stack's own provider", () => {
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.urn);
        assert.equal(providers.length, 1, "one Kubernetes provider per cluster");
        for (const r of run.resources.filter(isK8sObject)) {
          assert.ok(r.provider, `${r.type} ${r.name} uses the ambient (default) provider`);
          assert.equal(providerUrn(r.provider), providers[0], `${r.type} ${r.name}`);
        }
      });

      it("puts the standard app.kubernetes.io labels on every object", () => {
        for (const o of objects(run)) {
          for (const label of STANDARD_LABELS) {
            assert.ok(
              o.metadata.labels?.[label],
              `${o.kind} ${o.metadata.namespace}/${o.metadata.name} lacks ${label}`,
            );
          }
        }
      });

      it("keeps every secret config value a Pulumi secret in inputs and outputs", () => {
        const secretKeys = Object.entries(stack.config ?? {})
          .filter(([, v]) => v !== null && typeof v === "object" && "secure" in v)
          .map(([k]) => k);
        for (const key of secretKeys) {
          const needle = mockSecret(key);
          for (const r of run.resources) {
            for (const at of pathsContaining(r.inputs, needle)) {
              assert.ok(isSecretAt(r, at), `${key} in plain text at ${r.type} ${r.name} ${at}`);
            }
          }
          for (const [name, value] of Object.entries(run.outputs)) {
            if (pathsContaining(value, needle).length > 0)
              assert.ok(run.secretOutputs.includes(name), `output ${name} leaks ${key}`);
          }
        }
        assert.ok(run.secretOutputs.includes("kubeconfig"), "the kubeconfig output is a secret");
      });

      it("keeps every recorded URN, so a live stack sees no delete or replacement (tests/urns)", () => {
        const recorded = fs.readFileSync(urnFile(file), "utf8").split("\n").filter(Boolean);
        // A resource that moved keeps its live state through an alias to the URN it had.
        const now = new Set([...urnsOf(run), ...run.resources.flatMap((r) => r.aliases)]);
        const gone = recorded.filter((u) => !now.has(u));
        assert.deepEqual(
          gone,
          [],
          `${gone.length} resources would be deleted or replaced on a live stack; give each an alias (or, for a ` +
            "deliberate removal, run `npm run urns:update` and say why in the commit)",
        );
      });

      it("parents every resource under a component of this project", () => {
        for (const r of run.resources) {
          if (r.type.startsWith("dedicated-platform:")) continue;
          assert.ok(r.parent, `${r.type} ${r.name} has no parent component`);
        }
      });
    });
  }
});
