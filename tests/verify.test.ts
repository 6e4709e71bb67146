/**
 * `npm run verify`: every example stack passes the zone-loss, quorum and capacity model; a stack that
 * breaks one rule fails with its own message; the report and picture come out.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { failuresOf, verifyStack, zoneReports } from "../scripts/verify/model";
import { exampleDocs, PICTURE, readmeBlock, ROOT } from "../scripts/verify-docs";
import { disagreements } from "../scripts/verify/agreement";
import { Workload, workloadsOf } from "../scripts/verify/workloads";
import { capacityEnvelope } from "../scripts/verify/capacity";
import { exampleStacks, STACKS_DIR, withConfig } from "./fixtures";
import { readStackFile } from "./harness/stack-file";
import type { DeployedObject } from "./harness/charts";

const name = (f: string) =>
  path
    .basename(f)
    .replace(/^Pulumi\./, "")
    .replace(/\.yaml$/, "");
const GKE = path.join(STACKS_DIR, "Pulumi.globex-gke.yaml");
const DEV = path.join(STACKS_DIR, "Pulumi.dev.yaml");

describe("verify", () => {
  for (const file of exampleStacks())
    it(`${name(file)}: survives the loss of any zone and fits its pools`, async () => {
      const v = await verifyStack(name(file), readStackFile(file));
      assert.deepEqual(v.failures, []);
      assert.equal(v.zoneLoss.length, v.zones.length);
      assert.ok(v.zoneLoss[0].datastores.length >= 5, "every datastore is modelled");
    });

  it("a workload pinned to one zone fails, naming it, the zone and the rule", async () => {
    const v = await verifyStack("gke", readStackFile(GKE));
    const pinned = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "pinned", namespace: "dp-services" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "pinned" } },
        template: {
          metadata: { labels: { app: "pinned" } },
          spec: { nodeSelector: { "topology.kubernetes.io/zone": v.zones[1] }, containers: [{ name: "c" }] },
        },
      },
    };
    const extra = [{ object: pinned, source: { kind: "program", name: "pinned" } }] as unknown as DeployedObject[];
    const workloads = [...v.workloads, ...workloadsOf(extra, "dp", 10)];
    const failures = failuresOf(zoneReports(workloads, [], v.zones), v.capacity);
    assert.deepEqual(failures, [
      `Deployment dp-services/pinned: 0 of 3 replicas can run when zone ${v.zones[1]} is lost (its placement confines it to that zone)`,
    ]);
  });

  it("a datastore of 2 fails: PostgreSQL stops accepting writes when its standby's zone goes", async () => {
    const stack = withConfig(readStackFile(DEV), { datastores: { postgres: { instances: 2 } } });
    const v = await verifyStack("dev-2", stack);
    assert.ok(
      v.failures.some((f) =>
        /^Cluster dp-data\/postgres: stops accepting writes when zone \S+ is lost \(synchronous ANY 1/.test(f),
      ),
      v.failures.join("\n"),
    );
  });

  it("autoscaler maximums beyond the pools' maximum fail, naming the zone", async () => {
    const stack = withConfig(readStackFile(GKE), {
      services: { "trigger-http": { maxReplicas: 300, cpu: "2", memory: "4Gi" } },
    });
    const v = await verifyStack("gke-max", stack);
    assert.ok(
      v.failures.some((f) =>
        /^zone \S+: every autoscaler at its maximum requests .* more than the pools' maximum holds/.test(f),
      ),
      v.failures.join("\n"),
    );
  });

  it("a pool whose maximum is below the platform at rest fails, and so does the loss of a zone", async () => {
    const base = readStackFile(GKE);
    const pools = (
      base.config!["dedicated-platform:nodePools"] as { name: string; maxPerZone: number; minPerZone: number }[]
    ).map((p) => ({ ...p, minPerZone: 1, maxPerZone: 1 }));
    const v = await verifyStack("gke-small", withConfig(base, { nodePools: pools }));
    assert.ok(
      v.failures.some((f) => /^zone \S+: the platform at rest requests .* more than the pools' maximum holds/.test(f)),
      v.failures.join("\n"),
    );
    assert.ok(
      v.failures.some((f) => /^zone \S+ lost: the other zones cannot hold the platform at rest/.test(f)),
      v.failures.join("\n"),
    );
  });

  it("a store that can lose acknowledged writes fails unless it says it accepts that", async () => {
    const v = await verifyStack("gke", readStackFile(GKE));
    const redis = v.zoneLoss[0].datastores.find((d) => d.store.startsWith("Redis"))!;
    assert.equal(redis.ackedWritesSafe, false);
    assert.match(redis.accepted ?? "", /caches/);
    const unaccepted = v.zoneLoss.map((z) => ({
      ...z,
      datastores: z.datastores.map((d) => ({ ...d, accepted: undefined })),
    }));
    assert.ok(
      failuresOf(unaccepted, v.capacity).some((f) =>
        /RedisReplication dp-data\/redis: can lose acknowledged writes/.test(f),
      ),
    );
  });

  it("a stack that opts into fewer zones is reported, not failed", async () => {
    const stack = withConfig(readStackFile(DEV), {
      zones: ["zone-a"],
      allowFewerZones: true,
      datastores: {
        postgres: { instances: 1 },
        redis: { replicas: 1, sentinels: 1 },
        mongodb: { members: 1 },
        rabbitmq: { replicas: 1 },
        elasticsearch: { nodes: 1 },
      },
    });
    const v = await verifyStack("dev-1", stack);
    assert.equal(v.fewerZones, true);
  });

  it("prints the report on stdout, progress on stderr, the picture in --out, and exits non-zero on failure", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "dp-verify-"));
    const ok = spawnSync(process.execPath, ["--import", "tsx", "scripts/verify.ts", GKE, "--out", out], {
      cwd: path.resolve(__dirname, ".."),
      encoding: "utf8",
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^## globex-gke \(gcp, production/m);
    assert.match(ok.stdout, /\| `Cluster dp-data\/postgres` PostgreSQL/);
    assert.match(ok.stdout, /\*\*total\*\* \| +\| +\| \$[\d,]+ \| \$[\d,]+ \|/);
    assert.match(ok.stderr, /verify: globex-gke: 0 failures/);
    assert.match(
      fs.readFileSync(path.join(out, "globex-gke.svg"), "utf8"),
      /^<svg[\s\S]*europe-west1-a[\s\S]*<\/svg>$/,
    );
    const bad = path.join(out, "Pulumi.bad.yaml");
    fs.writeFileSync(
      bad,
      JSON.stringify(withConfig(readStackFile(DEV), { datastores: { postgres: { instances: 2 } } })),
    );
    const failed = spawnSync(process.execPath, ["--import", "tsx", "scripts/verify.ts", bad, "--out", out, "--json"], {
      cwd: path.resolve(__dirname, ".."),
      encoding: "utf8",
    });
    assert.equal(failed.status, 1, failed.stderr);
    assert.ok(JSON.parse(failed.stdout)[0].failures.length > 0);
    fs.rmSync(out, { recursive: true });
  });

  it("capacity with an unknown allocatable is reported as not checked", () => {
    const c = capacityEnvelope(
      [],
      [{ name: "p", role: "workload", zones: ["a"], minPerZone: 1, maxPerZone: 1 }],
      ["a"],
      "existing",
    );
    assert.equal(c.known, false);
    assert.deepEqual(c.unknownPools, ["p"]);
  });
});

describe("verify against a drill", () => {
  const zones = ["a", "b", "c"];
  const model = (placement: object) =>
    [{ id: "Deployment ns/w", daemon: false, datastore: false, placement }] as unknown as Workload[];
  const seen = (z: Record<string, number>, servingAfter = true) => [
    { id: "Deployment ns/w", desired: 3, zones: z, servingAfter },
  ];

  it("agrees when the scheduler's placement is within the model's bounds", () => {
    assert.deepEqual(disagreements(seen({ a: 1, b: 1, c: 1 }), model({ hardZoneSkew: 1 }), zones, "a"), []);
    assert.deepEqual(disagreements(seen({ a: 3 }), model({}), zones, "a"), []);
  });

  it("names a workload whose observed placement breaks the model's bound or verdict", () => {
    assert.deepEqual(disagreements(seen({ a: 3 }, false), model({ zoneAntiAffinity: "required" }), zones, "a"), [
      "Deployment ns/w: 3 replicas in one zone, the model bounds it at 1",
      "Deployment ns/w: 0 replicas left at once in the drill, the model guarantees 2",
      "Deployment ns/w: the drill says down, the model serving",
    ]);
  });
});

describe("the README's example report", () => {
  it("is the current output for globex-gke, and so is its picture (npm run verify:docs)", async () => {
    const { block, svg } = await exampleDocs();
    assert.equal(
      readmeBlock(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")),
      block,
      "stale: run npm run verify:docs",
    );
    assert.equal(fs.readFileSync(path.join(ROOT, PICTURE), "utf8"), svg, "stale: run npm run verify:docs");
  });
});
