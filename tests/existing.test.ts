/** The `existing` target: the two ways to reach a cluster, each on the one Kubernetes provider. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { existingStack } from "./fixtures";
import { ofType } from "./harness/query";
import { runStack } from "./harness/run-stack";

async function providerOf(extra: Record<string, unknown>) {
  const run = await runStack(existingStack(extra));
  const providers = ofType(run, "pulumi:providers:kubernetes");
  assert.equal(providers.length, 1);
  return { run, provider: providers[0] };
}

describe("existing target", () => {
  it("uses a kubeconfig given as a secret, and keeps it secret in the provider and the outputs", async () => {
    const { run, provider } = await providerOf({ existing: undefined, kubeconfig: { secure: "v1:abc" } });
    assert.ok(String(provider.inputs.kubeconfig).length > 0);
    assert.ok(provider.secretPaths.includes("kubeconfig"));
    assert.equal(provider.inputs.context, undefined);
    assert.ok(run.secretOutputs.includes("kubeconfig"));
  });

  it("uses a context of the deployer's kubeconfig", async () => {
    const { provider } = await providerOf({ existing: { kubeContext: "kind-acme" } });
    assert.equal(provider.inputs.context, "kind-acme");
    assert.equal(provider.inputs.kubeconfig, undefined);
  });

  it("gives the provider a stable cluster identity, so a rotated kubeconfig does not replace every object", async () => {
    const { provider } = await providerOf({});
    assert.equal(provider.inputs.clusterIdentifier, "testco-existing");
  });

  it("exports the zones from config", async () => {
    const { run } = await providerOf({ zones: ["r1", "r2", "r3"] });
    assert.deepEqual(run.outputs.zones, ["r1", "r2", "r3"]);
  });
});
