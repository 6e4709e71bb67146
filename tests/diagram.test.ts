/** The pictures of the platform: generated from the program, never stale, and true to its NetworkPolicies. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { diagrams } from "../scripts/diagram";
import { platformModel } from "../scripts/diagram/model";
import { sequenceModel } from "../scripts/diagram/sequence";
import { STACKS_DIR } from "./fixtures";
import { flowAllowed, OUTSIDE } from "./harness/network-flows";
import type { K8sObject } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";

const STACK = path.join(STACKS_DIR, "Pulumi.globex-gke.yaml");
const DOCS = path.resolve(__dirname, "../docs");

describe("diagrams", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(STACK), { stackName: "globex-gke" });
  });

  it("are committed as generated from the current program (docs/platform-globex-gke.svg, docs/sequence-globex-gke.svg)", async () => {
    const { platform, sequence } = await diagrams(STACK);
    const hint = "stale: run `npm run diagram -- stacks/Pulumi.globex-gke.yaml` and commit the result";
    assert.ok(
      fs.readFileSync(path.join(DOCS, "platform-globex-gke.svg"), "utf8") === platform,
      `platform picture ${hint}`,
    );
    assert.ok(
      fs.readFileSync(path.join(DOCS, "sequence-globex-gke.svg"), "utf8") === sequence,
      `sequence picture ${hint}`,
    );
  });

  it("draws Elasticsearch as internal: nothing outside the pod network and nothing in the gateway reaches it", () => {
    const m = platformModel(run);
    const es = m.namespaces.flatMap((n) => n.boxes).find((b) => b.internalOnly);
    assert.ok(es, "an internal-only Elasticsearch box");
    assert.ok(!m.exposed.some((f) => f.to === es.id), "Elasticsearch reachable from outside the pod network");
    const gateway = m.namespaces.find((n) => n.name.endsWith("gateway"))!;
    assert.ok(!m.flows.some((f) => f.to === es.id && gateway.boxes.some((b) => b.id === f.from)));
    assert.deepEqual(
      m.entry.map((f) => f.to),
      ["dp-gateway/Release/kong"],
      "the load balancer reaches Kong's proxy only",
    );
    assert.ok(m.flows.some((f) => f.from === "dp-gateway/Release/kong" && f.to === "dp-services/Deployment/portal"));
  });

  it("would show Elasticsearch exposed if a policy opened it to everyone", () => {
    const openToAll: K8sObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "open", namespace: "dp-logging" },
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 9200 }] }] },
    };
    const broken: StackRun = {
      ...run,
      resources: [
        ...run.resources,
        { ...run.resources.find((r) => r.inputs.kind === "NetworkPolicy")!, inputs: openToAll as never, urn: "open" },
      ],
    };
    const m = platformModel(broken);
    assert.ok(m.exposed.some((f) => f.to.endsWith("Elasticsearch/pipeline-logs") && f.ports.includes(9200)));
  });

  it("draws a flow only where egress and ingress both admit it", () => {
    const policy = (ns: string, spec: object): K8sObject => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: ns },
      spec,
    });
    const a = { namespace: "a", labels: { app: "x" } };
    const b = { namespace: "b", labels: { app: "y" } };
    const ingress = policy("b", {
      podSelector: { matchLabels: { app: "y" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } } }],
          ports: [{ port: 80 }],
        },
      ],
    });
    const denyEgress = policy("a", { podSelector: {}, policyTypes: ["Egress"] });
    assert.deepEqual(flowAllowed([ingress], a, b, { number: 80 }), { allowed: true });
    assert.deepEqual(flowAllowed([ingress], a, b, { number: 81 }), { allowed: false, blockedBy: "ingress" });
    assert.deepEqual(flowAllowed([ingress, denyEgress], a, b, { number: 80 }), { allowed: false, blockedBy: "egress" });
    assert.equal(flowAllowed([ingress], OUTSIDE, b, { number: 80 }).allowed, false);
  });

  it("orders the install as the architecture does: cluster, namespaces, operators, datastores, gateway, services", () => {
    const m = sequenceModel(run);
    const unit = (type: string) => m.units.find((u) => u.type.endsWith(type))!.urn;
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      m.edges.some(([a, b]) => a === from && !seen.has(b) && (seen.add(b), b === to || reaches(b, to, seen)));
    const chain = ["GkeCluster", "Namespaces", "Operators", "Postgres", "Kong", "Routes"];
    for (let i = 0; i + 1 < chain.length; i++)
      assert.ok(reaches(unit(chain[i]), unit(chain[i + 1])), `${chain[i]} before ${chain[i + 1]}`);
    assert.ok(reaches(unit("Redis"), unit("ServicesLayer")), "datastores before the services");
    assert.ok(!reaches(unit("ServicesLayer"), unit("Operators")), "the operators never wait for the services");
  });
});
