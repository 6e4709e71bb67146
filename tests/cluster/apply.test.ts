/**
 * Every example stack on a real control plane (etcd, kube-apiserver with the default admission
 * plugins, controller-manager, scheduler) with simulated nodes in its 3 zones (KWOK plays the kubelet):
 * everything it deploys, charts included, applied with server-side apply and strict validation, with
 * no error and no warning; then every workload's pods scheduled and Running, spread as their
 * constraints say, HPAs at their minimum, PDBs satisfiable; then one zone taken away (its nodes
 * cordoned and deleted) and every workload still serving once the real controllers have reacted.
 *
 * Out of scope, and said so in the output: objects operators create (the operators run as simulated
 * pods, so no datastore pod exists), KEDA's HPAs (KEDA does not run: its ScaledObjects' Deployments
 * stay at one replica), and admission webhooks and APIServices (their servers are those simulated pods).
 *
 * `npm run test:cluster`; needs scripts/setup-tools.sh's tools and the chart directory.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { controlPlaneUnavailable, down, startKwok, up, ControlPlane } from "../../scripts/cluster/control-plane";
import { exampleStacks } from "../fixtures";
import { chartsUnavailable, DeployedObject } from "../harness/charts";
import { deployedObjects } from "../harness/deployed";
import { runStack } from "../harness/run-stack";
import type { StackPools } from "../harness/stack-pools";
import { readStackFile } from "../harness/stack-file";
import { disagreements } from "../../scripts/verify/agreement";
import { workloadsOf } from "../../scripts/verify/workloads";
import { ApiClient, applyStack, NOT_APPLIED } from "./apply";
import {
  drillReport,
  DrillRow,
  hpaMinimums,
  loseZone,
  settle,
  simulatedNodes,
  stackPools,
  Workload,
  ZONE,
} from "./placement";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const unavailable = controlPlaneUnavailable() ?? chartsUnavailable();
const STAGES = path.resolve(__dirname, "kwok-stages.yaml");

/** A control plane with KWOK and the given nodes, and a client for it. */
async function cluster(nodes: Any[]): Promise<{ cp: ControlPlane; client: ApiClient }> {
  const cp = await up();
  startKwok(cp, STAGES);
  const client = new ApiClient(cp);
  for (const n of nodes) await client.send("POST", "/api/v1/nodes", n);
  return { cp, client };
}

/** The drill's failures: every workload that stopped serving, with its pending pods' reasons. */
const notServing = (rows: DrillRow[]) =>
  rows
    .filter((r) => !r.serving)
    .map(
      (r) => `${r.workload}: ${r.after} of ${r.desired} Running after the loss; ${r.pending.slice(0, 2).join("; ")}`,
    );

const table = (rows: DrillRow[]) =>
  rows.map(
    (r) =>
      `${r.workload}: ${r.before} -> ${r.after} Running of ${r.desired}` +
      (r.pdbAllowed === false ? "; its PDB would not have allowed it" : r.pdbAllowed ? "; its PDB allowed it" : "") +
      (r.pending.length ? `; ${r.pending.length} pending (${r.pending[0]})` : "") +
      (r.serving ? "" : "; NOT SERVING"),
  );

/** Workloads with a hard zone constraint (spread or anti-affinity) in their template. */
function zoneBound(deployed: DeployedObject[]): Set<string> {
  const out = new Set<string>();
  for (const d of deployed) {
    const o = d.object as Any;
    if (!["Deployment", "StatefulSet"].includes(o.kind)) continue;
    const text = JSON.stringify(o.spec?.template?.spec ?? {});
    if (text.includes(ZONE) && (text.includes('"DoNotSchedule"') || text.includes("requiredDuringScheduling")))
      out.add(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
  }
  return out;
}

describe("a real control plane with nodes in 3 zones", { skip: unavailable }, () => {
  for (const file of exampleStacks()) {
    describe(path.basename(file), () => {
      let cp: ControlPlane;
      let client: ApiClient;
      let zones: string[];
      let deployed: DeployedObject[];
      let namespaces: Set<string>;
      let settled: Workload[];
      let pools: StackPools;
      let prefix: string;
      before(async () => {
        const stack = readStackFile(file);
        pools = await stackPools(stack);
        prefix = String(stack.config?.["dedicated-platform:namespacePrefix"] ?? "dp");
        zones = pools.zones;
        ({ cp, client } = await cluster(simulatedNodes(pools.cloud, pools.zones, pools.pools)));
        const d = deployedObjects(await runStack(stack));
        assert.deepEqual(d.renderErrors, []);
        deployed = d.objects;
        namespaces = new Set(
          deployed.filter((x) => x.object.kind === "Namespace").map((x) => x.object.metadata.name ?? ""),
        );
      });
      after(() => {
        client?.close();
        if (cp) down(cp);
      });

      it("accepts everything the stack deploys, with no error and no warning", async (t) => {
        const result = await applyStack(cp, deployed, { dryRun: false });
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.warnings, []);
        assert.ok(result.applied > 300, `${result.applied} objects applied`);
        t.diagnostic(
          `${result.applied} objects applied; not applied: ${Object.entries(result.skipped)
            .map(([k, n]) => `${n} ${k} (${NOT_APPLIED[k]})`)
            .join(", ")}`,
        );
      });

      it("runs every pod of every workload on a simulated node, spread over the zones, HPAs at their minimum", async (t) => {
        settled = await settle(client, namespaces, 180, undefined, hpaMinimums(deployed.map((d) => d.object)));
        const short = settled.filter((w) => w.ready < w.desired || w.pending.length > 0);
        assert.deepEqual(
          short.map((w) => `${w.id}: ${w.ready}/${w.desired} Running; ${w.pending.slice(0, 2).join("; ")}`),
          [],
        );
        for (const id of zoneBound(deployed)) {
          const w = settled.find((x) => x.id === id);
          if (!w || w.desired < zones.length) continue;
          assert.deepEqual(
            Object.keys(w.zones).sort(),
            [...zones].sort(),
            `${id} is not in every zone: ${JSON.stringify(w.zones)}`,
          );
        }
        const hpas = (await client.get<Any>("/apis/autoscaling/v2/horizontalpodautoscalers")).items as Any[];
        for (const h of hpas.filter((x) => namespaces.has(x.metadata.namespace))) {
          const w = settled.find((x) => x.id === `Deployment ${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`);
          assert.ok(
            w && w.desired >= h.spec.minReplicas,
            `HPA ${h.metadata.name}: ${w?.desired} replicas < minimum ${h.spec.minReplicas}`,
          );
        }
        const pdbs = (await client.get<Any>("/apis/policy/v1/poddisruptionbudgets")).items as Any[];
        const checked = pdbs.filter((p) => namespaces.has(p.metadata.namespace) && (p.status?.expectedPods ?? 0) > 0);
        for (const p of checked)
          assert.ok(
            p.status.currentHealthy >= p.status.desiredHealthy,
            `PDB ${p.metadata.namespace}/${p.metadata.name} is not satisfied: ${JSON.stringify(p.status)}`,
          );
        t.diagnostic(
          `${settled.length} workloads Running; ${checked.length} PDBs satisfied (those over operator-created pods are out of scope)`,
        );
      });

      it(`keeps every workload serving through the loss of a zone`, async (t) => {
        const lost = await loseZone(client, zones[0]);
        const afterLoss = await settle(client, namespaces, 150, undefined, hpaMinimums(deployed.map((d) => d.object)));
        const pdbs = (await client.get<Any>("/apis/policy/v1/poddisruptionbudgets")).items as Any[];
        const rows = drillReport(settled, afterLoss, zones[0], pdbs);
        t.diagnostic(`zone ${zones[0]} lost (${lost.length} nodes):\n${table(rows).join("\n")}`);
        assert.deepEqual(notServing(rows), []);
        // The verify model's prediction for the same stack and zone, against what the scheduler did.
        const model = workloadsOf(deployed, prefix, simulatedNodes(pools.cloud, zones, pools.pools).length);
        const observed = settled.map((w) => ({
          id: w.id,
          desired: w.desired,
          zones: w.zones,
          servingAfter: rows.find((r) => r.workload === w.id)?.serving ?? false,
        }));
        const compared = observed.filter((o) => model.some((m) => m.id === o.id && !m.daemon));
        assert.deepEqual(disagreements(observed, model, zones, zones[0]), []);
        t.diagnostic(`the verify model agrees with the drill on ${compared.length} workloads`);
      });
    });
  }

  describe("broken inputs", () => {
    const zones = ["zone-a", "zone-b", "zone-c"];
    let cp: ControlPlane;
    let client: ApiClient;
    before(async () => {
      const pools = [{ name: "workload", role: "workload" as const, zones, minPerZone: 1, maxPerZone: 1 }];
      ({ cp, client } = await cluster(simulatedNodes("existing", zones, pools)));
    });
    after(() => {
      client?.close();
      if (cp) down(cp);
    });
    const resource = { name: "broken" } as DeployedObject["source"]["resource"];
    const obj = (o: object): DeployedObject => ({
      object: o as never,
      source: { kind: "program", name: "broken", resource },
    });
    const ns = (name: string) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" },
      },
    });
    const RESTRICTED = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    };
    const deployment = (namespace: string, name: string, spec: Any, securityContext: object = RESTRICTED) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "c", image: "busybox:1.36.1", securityContext }], ...(spec.pod ?? {}) },
        },
        ...(spec.deployment ?? {}),
      },
    });

    it("refuses an unknown field and warns about a pod template Pod Security rejects, naming the object", async () => {
      const result = await applyStack(cp, [
        obj(ns("strict")),
        obj(deployment("strict", "unknown-field", { deployment: { replicaz: 2 } })),
        obj(deployment("strict", "privileged", {}, { privileged: true })),
      ]);
      assert.ok(
        result.errors.some((e) =>
          /^Deployment strict\/unknown-field: .*\.spec\.replicaz: field not declared in schema/.test(e),
        ),
        result.errors.join("\n"),
      );
      assert.ok(
        result.warnings.some((w) =>
          /^Deployment strict\/privileged: would violate PodSecurity "restricted:latest": privileged/.test(w),
        ),
        result.warnings.join("\n"),
      );
    });

    it("fails the drill for a workload pinned to the lost zone, naming it, and passes one spread over the zones", async () => {
      const spread = {
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: ZONE,
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app: "spread" } },
          },
        ],
      };
      const result = await applyStack(
        cp,
        [
          obj(ns("drill")),
          obj(
            deployment("drill", "pinned", { pod: { nodeSelector: { [ZONE]: "zone-a" } }, deployment: { replicas: 2 } }),
          ),
          obj(deployment("drill", "spread", { pod: spread, deployment: { replicas: 3 } })),
        ],
        { dryRun: false },
      );
      assert.deepEqual(result.errors, []);
      const namespaces = new Set(["drill"]);
      const before = await settle(client, namespaces, 90);
      assert.deepEqual(
        before.map((w) => `${w.name} ${w.ready}`),
        ["pinned 2", "spread 3"],
      );
      await loseZone(client, "zone-a");
      // The pod GC deletes the lost zone's pods (after its quarantine), then the ReplicaSets replace them.
      const afterLoss = await settle(
        client,
        namespaces,
        150,
        (ws) =>
          ws.find((w) => w.name === "spread")?.ready === 3 &&
          (ws.find((w) => w.name === "pinned")?.pending.length ?? 0) > 0,
      );
      const failures = notServing(drillReport(before, afterLoss, "zone-a", []));
      assert.equal(failures.length, 1, failures.join("\n"));
      assert.match(
        failures[0],
        /^Deployment drill\/pinned: 0 of 2 Running after the loss; .*didn't match Pod's node affinity\/selector/,
      );
    });
  });
});
