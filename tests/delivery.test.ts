/** The delivery scripts the workflows call: affected stacks, waves, render diff, drift report, teardown. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { affectedStacks, stackOfFile, stacksIn } from "../scripts/delivery/affected";
import { cloudLeftoverChecks } from "../scripts/delivery/cloud-leftovers";
import { driftReport, driftedResources } from "../scripts/delivery/drift-report";
import { pullCommands } from "../scripts/delivery/pull-charts";
import { changedPaths, diffMarkdown, diffRenders } from "../scripts/delivery/render-diff";
import { stackInfo } from "../scripts/delivery/stack-info";
import { platformNamespaces, teardown } from "../scripts/delivery/teardown";
import { deployPlan } from "../scripts/delivery/waves";
import { chartsDir } from "./harness/charts";
import { parseStackFile as config, readStackFile } from "./harness/stack-file";
import { configProblems, existingStack, STACKS_DIR, withConfig } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const STACKS = ["acme-onprem", "dev", "globex-gke", "hooli-aks", "initech-eks"];

describe("affected stacks", () => {
  it("lists every stack file of stacks/", () => assert.deepEqual(stacksIn(ROOT), STACKS));

  it("a stack file affects that stack alone", () => {
    assert.deepEqual(affectedStacks(["stacks/Pulumi.dev.yaml"], STACKS), ["dev"]);
    assert.deepEqual(affectedStacks(["stacks/Pulumi.dev.yaml", "stacks/Pulumi.hooli-aks.yaml"], STACKS), [
      "dev",
      "hooli-aks",
    ]);
  });

  it("tests, docs and Markdown affect none", () => {
    assert.deepEqual(affectedStacks(["README.md", "docs/architecture.md", "tests/gke.test.ts"], STACKS), []);
  });

  it("code, pins, the lock file, Pulumi.yaml and the policy pack affect every stack", () => {
    for (const f of [
      "components/platform.ts",
      "lib/versions.ts",
      "package-lock.json",
      "Pulumi.yaml",
      "policy/index.ts",
    ])
      assert.deepEqual(affectedStacks(["README.md", f], STACKS), STACKS, f);
  });

  it("a deleted stack file affects nothing (a stack goes by the destroy workflow)", () => {
    assert.deepEqual(affectedStacks(["stacks/Pulumi.gone.yaml"], STACKS), []);
    assert.equal(stackOfFile("stacks/Pulumi.gone.yaml"), "gone");
    assert.equal(stackOfFile("stacks/README.md"), undefined);
  });
});

describe("waves", () => {
  it("orders the example stacks: dev first, the canary production stack in wave 2, production after", () => {
    const plan = deployPlan(STACKS.map((s) => stackInfo(ROOT, s)));
    assert.deepEqual(
      plan.map((p) => `${p.wave}:${p.stack}`),
      ["1:dev", "2:acme-onprem", "3:globex-gke", "3:hooli-aks", "3:initech-eks"],
    );
  });

  it("follows the environment when no wave is set, and the wave key when it is", () => {
    const info = config;
    assert.equal(info(existingStack({ environment: "staging" })).wave, 2);
    assert.equal(info(existingStack({ environment: "production" })).wave, 3);
    assert.equal(info(existingStack({ environment: "production", wave: 1 })).wave, 1);
  });

  it("a wave outside 1-9 is a config error naming the key", () => {
    assert.match(configProblems(existingStack({ wave: 12 })), /dedicated-platform:wave/);
    assert.match(configProblems(existingStack({ wave: 1.5 })), /dedicated-platform:wave/);
  });
});

describe("render diff", () => {
  const obj = (ns: string, name: string, spec: Record<string, unknown>) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns },
    data: spec,
  });
  const map = (...os: ReturnType<typeof obj>[]) =>
    new Map(os.map((o) => [`${o.metadata.namespace}\tv1/ConfigMap/${o.metadata.name}`, o as Record<string, unknown>]));

  it("names added, removed and changed objects per namespace, with the changed fields", () => {
    const base = map(
      obj("dp-a", "same", { x: "1" }),
      obj("dp-a", "old", {}),
      obj("dp-b", "edit", { x: "1", y: ["a"] }),
    );
    const head = map(
      obj("dp-a", "same", { x: "1" }),
      obj("dp-a", "new", {}),
      obj("dp-b", "edit", { x: "2", y: ["a", "b"] }),
    );
    const diff = diffRenders(base, head);
    assert.deepEqual(diff.added, [{ namespace: "dp-a", id: "v1/ConfigMap/new" }]);
    assert.deepEqual(diff.removed, [{ namespace: "dp-a", id: "v1/ConfigMap/old" }]);
    assert.deepEqual(diff.changed, [{ namespace: "dp-b", id: "v1/ConfigMap/edit", fields: ["data.x", "data.y[1]"] }]);
    const md = diffMarkdown("s", diff);
    assert.match(md, /^### s: 1 added, 1 removed, 1 changed/);
    assert.match(md, /#### dp-b[\s\S]*\| changed \| `v1\/ConfigMap\/edit` \| `data.x`, `data.y\[1\]` \|/);
    assert.match(diffMarkdown("s", diffRenders(base, base)), /No object changes/);
  });

  it("a type change is one path, not its leaves", () => {
    assert.deepEqual(changedPaths({ a: { b: 1 } }, { a: [1] }), ["a"]);
  });
});

describe("drift report", () => {
  const preview = {
    steps: [
      { op: "same", urn: "urn:pulumi:s::dedicated-platform::kubernetes:core/v1:Namespace::ns" },
      {
        op: "update",
        urn: "urn:pulumi:s::dedicated-platform::dedicated-platform:Platform$kubernetes:apps/v1:Deployment::portal",
        diffReasons: ["spec"],
        detailedDiff: { "spec.replicas": { kind: "update" } },
      },
    ],
  };

  it("names each drifted resource, its type and the properties that differ", () => {
    assert.deepEqual(driftedResources(preview), [
      { op: "update", type: "kubernetes:apps/v1:Deployment", name: "portal", properties: ["spec", "spec.replicas"] },
    ]);
    const md = driftReport("globex-gke", preview);
    assert.equal(md.split("\n")[0], "Drift: globex-gke");
    assert.match(md, /\| update \| `kubernetes:apps\/v1:Deployment` \| `portal` \| `spec`, `spec.replicas` \|/);
  });

  it("a preview that failed before planning reports its errors", () => {
    const md = driftReport("s", { diagnostics: [{ severity: "error", message: "could not reach the cluster\nmore" }] });
    assert.match(md, /- could not reach the cluster$/m);
  });
});

describe("cloud leftovers", () => {
  it("lists GKE forwarding rules and disks of the platform's namespaces in the stack's project", () => {
    const checks = cloudLeftoverChecks(config(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml"))));
    assert.deepEqual(
      checks.map((c) => c.what),
      ["GKE forwarding rule", "GKE disk"],
    );
    assert.ok(checks.every((c) => c.command[0] === "gcloud" && c.command.some((a) => a.startsWith("--project="))));
  });

  it("EKS needs the cluster's name, AKS its node resource group", () => {
    const eks = config(readStackFile(path.join(STACKS_DIR, "Pulumi.initech-eks.yaml")));
    assert.throws(() => cloudLeftoverChecks(eks), /--cluster-name/);
    assert.ok(cloudLeftoverChecks(eks, { clusterName: "c" })[0].command.join(" ").includes("kubernetes.io/cluster/c"));
    const aks = config(readStackFile(path.join(STACKS_DIR, "Pulumi.hooli-aks.yaml")));
    assert.throws(() => cloudLeftoverChecks(aks), /--node-resource-group/);
    assert.equal(cloudLeftoverChecks(aks, { nodeResourceGroup: "mc" }).length, 2);
    assert.deepEqual(cloudLeftoverChecks(config(existingStack())), []);
  });
});

describe("pull charts", () => {
  it("fills a directory in the layout the harness reads: <chart>-<version>.tgz and manifests/<name>", () => {
    const commands = pullCommands("/d");
    const offline = fs.readdirSync(chartsDir(), { recursive: true, encoding: "utf8" });
    for (const c of commands.filter((x) => x[0] === "helm")) {
      const i = c.indexOf("--version");
      const chart = c[2].startsWith("oci://") ? c[2].split("/").pop() : c[2];
      assert.ok(
        offline.includes(`${chart}-${c[i + 1]}.tgz`),
        `${chart}-${c[i + 1]}.tgz is not the name the harness reads`,
      );
    }
    assert.ok(commands.some((c) => c.includes("/d/manifests/rabbitmq-cluster-operator-v2.22.3.yml")));
  });
});

describe("teardown", () => {
  /** A kubectl that serves `objects` and records what it was asked. */
  function fakeKubectl(objects: Record<string, { metadata: { name: string; namespace?: string }; spec?: object }[]>) {
    const calls: string[] = [];
    const kubectl = (args: string[]) => {
      calls.push(args.join(" "));
      if (args[0] === "api-resources") return "clusters.postgresql.cnpg.io\nservices\n";
      if (args[0] === "get") return JSON.stringify({ items: objects[args[1]] ?? [] });
      if (args[0] === "delete") {
        const list = objects[`${args[1]}s`] ?? objects[args[1]];
        if (list) objects[`${args[1]}s`] = list.filter((o) => o.metadata.name !== args[2]);
        if (args[1] === "persistentvolumeclaim") objects.persistentvolumes = [];
      }
      return "";
    };
    return { kubectl, calls };
  }

  it("refuses while protectData is on, naming the key", async () => {
    const { kubectl, calls } = fakeKubectl({});
    await assert.rejects(
      teardown(config(existingStack()), { kubectl, timeoutSeconds: 1, log: () => {} }),
      /dedicated-platform:protectData is on/,
    );
    assert.deepEqual(calls, []);
  });

  it("deletes the platform's load balancers, datastores and claims, volumes set to Delete first", async () => {
    const c = config(withConfig(existingStack(), { protectData: false }));
    const [ns] = platformNamespaces(c);
    const { kubectl, calls } = fakeKubectl({
      services: [
        { metadata: { name: "kong-proxy", namespace: ns }, spec: { type: "LoadBalancer" } },
        { metadata: { name: "internal", namespace: ns }, spec: { type: "ClusterIP" } },
        { metadata: { name: "theirs", namespace: "kube-system" }, spec: { type: "LoadBalancer" } },
      ],
      "clusters.postgresql.cnpg.io": [{ metadata: { name: "pg", namespace: ns } }],
      persistentvolumeclaims: [{ metadata: { name: "data-0", namespace: ns }, spec: { volumeName: "pv-1" } }],
      persistentvolumes: [{ metadata: { name: "pv-1" } }],
    });
    const result = await teardown(c, { kubectl, timeoutSeconds: 5, log: () => {}, pollMs: 1 });
    assert.deepEqual(result.left, []);
    assert.deepEqual(result.loadBalancers, [`${ns}/kong-proxy`]);
    const deletes = calls.filter((x) => x.startsWith("delete") || x.startsWith("patch"));
    assert.deepEqual(
      deletes.map((d) => d.split(" ").slice(0, 3).join(" ")),
      [
        "delete service kong-proxy",
        "delete clusters.postgresql.cnpg.io pg",
        "patch persistentvolume pv-1",
        "delete persistentvolumeclaim data-0",
      ],
    );
  });

  it("names what is still there after the timeout", async () => {
    const c = config(withConfig(existingStack(), { protectData: false }));
    const [ns] = platformNamespaces(c);
    const stuck = { metadata: { name: "lb", namespace: ns }, spec: { type: "LoadBalancer" } };
    const kubectl = (args: string[]) =>
      args[0] === "get" ? JSON.stringify({ items: args[1] === "services" ? [stuck] : [] }) : "";
    const result = await teardown(c, { kubectl, timeoutSeconds: 0, log: () => {}, pollMs: 1 });
    assert.deepEqual(result.left, [`Service ${ns}/lb`]);
  });
});
