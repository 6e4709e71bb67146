/** The seam: a stack loads only its own cloud's SDK, and targets that do not exist fail clearly. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as path from "node:path";
import { STACKS_DIR, existingStack } from "./fixtures";
import { readStackFile } from "./harness/stack-file";
import { runStack, StackRunError } from "./harness/run-stack";

const CLOUD_SDKS = ["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure-native", "@pulumi/eks", "@pulumi/awsx"];

const loaded = (pkg: string) => Object.keys(require.cache).filter((p) => p.includes(`/node_modules/${pkg}/`));

describe("cloud seam", () => {
  it("an existing-cluster stack loads no cloud SDK", async () => {
    const run = await runStack(existingStack());
    assert.ok(run.resources.length > 0);
    assert.ok(loaded("@pulumi/kubernetes").length > 0, "sanity: the module cache is observable");
    for (const sdk of CLOUD_SDKS) assert.deepEqual(loaded(sdk), [], `${sdk} was loaded`);
  });

  it("a GKE stack loads @pulumi/gcp and no other cloud SDK", async () => {
    const run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")));
    assert.ok(run.resources.some((r) => r.type === "gcp:container/cluster:Cluster"));
    assert.ok(loaded("@pulumi/gcp").length > 0);
    for (const sdk of CLOUD_SDKS.filter((s) => s !== "@pulumi/gcp"))
      assert.deepEqual(loaded(sdk), [], `${sdk} was loaded`);
  });

  it("an EKS stack loads @pulumi/aws and no other cloud SDK", async () => {
    const run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.initech-eks.yaml")));
    assert.ok(run.resources.some((r) => r.type === "aws:eks/cluster:Cluster"));
    assert.ok(loaded("@pulumi/aws").length > 0);
    for (const sdk of CLOUD_SDKS.filter((s) => s !== "@pulumi/aws" && s !== "@pulumi/gcp"))
      assert.deepEqual(loaded(sdk), [], `${sdk} was loaded`);
  });

  it("a config error stops the program before any resource is declared", async () => {
    const err = await runStack(existingStack({ cloud: "gpc" })).catch((e: unknown) => e);
    assert.ok(err instanceof StackRunError, String(err));
    assert.match(err.message, /dedicated-platform:cloud = "gpc"/);
    assert.deepEqual(err.resources, []);
  });

  it("an AKS stack loads azure-native by submodule and no other cloud SDK", async () => {
    const run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.hooli-aks.yaml")));
    assert.ok(run.resources.some((r) => r.type === "azure-native:containerservice:ManagedCluster"));
    const azure = loaded("@pulumi/azure-native");
    assert.ok(azure.length > 0);
    assert.ok(
      !azure.some((p) => p.endsWith("/@pulumi/azure-native/index.js")),
      "the top-level azure-native index was loaded",
    );
  });
});
