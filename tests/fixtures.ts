/** Stack configs for tests, in the shape of a Pulumi.<stack>.yaml file. */
import * as fs from "node:fs";
import * as path from "node:path";
import assert from "node:assert/strict";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/load";
import { StackFile, toStackConfig } from "./harness/stack-file";

/** Pulumi.yaml's `stackConfigDir`: every customer stack file, and the project's own dev stack. */
export const STACKS_DIR = path.resolve(__dirname, "../stacks");

/** Every committed stack file: the example customer stacks and the dev stack. */
export const exampleStacks = () =>
  fs
    .readdirSync(STACKS_DIR)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .map((f) => path.join(STACKS_DIR, f));

/** A copy of `stack` where `extra` adds, overrides or (with undefined) removes keys, given without the namespace prefix. */
export function withConfig(stack: StackFile, extra: Record<string, unknown>): StackFile {
  const config = { ...stack.config };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete config[`dedicated-platform:${k}`];
    else config[`dedicated-platform:${k}`] = v;
  }
  return { config };
}

/** A minimal valid `existing` stack, changed by `extra` as in `withConfig`. */
export function existingStack(extra: Record<string, unknown> = {}): StackFile {
  const base: StackFile = {
    config: {
      "dedicated-platform:cloud": "existing",
      "dedicated-platform:customer": "testco",
      "dedicated-platform:zones": ["zone-a", "zone-b", "zone-c"],
      "dedicated-platform:existing": { kubeContext: "kind-test" },
      "dedicated-platform:images": { registry: "registry.example.com/platform", tag: "1.4.2" },
      "dedicated-platform:email": {
        host: "smtp.example.com",
        username: "pipelines@example.com",
        from: "pipelines@example.com",
      },
      "dedicated-platform:emailPassword": { secure: "v1:test" },
      "dedicated-platform:gateway": { domain: "platform.testco.example", tls: { acmeEmail: "ops@testco.example" } },
    },
  };
  return withConfig(base, extra);
}

/** The ConfigError message a stack's config produces; fails the test if the config is accepted. */
export function configProblems(stack: StackFile): string {
  const { values, secretKeys } = toStackConfig(stack);
  try {
    parseConfig(values, new Set(secretKeys));
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.message;
  }
  return assert.fail("config was accepted");
}
