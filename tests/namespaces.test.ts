/** Namespaces: one per concern, isolated by Pod Security, default-deny policies, quota and limits. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CONCERN_SPECS, CONCERNS } from "../components/namespaces/catalog";
import { existingStack } from "./fixtures";
import { K8sObject, objects, ofType, resourceOf } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";

type NetworkPolicySpec = {
  podSelector: Record<string, unknown>;
  policyTypes: string[];
  ingress?: unknown[];
  egress?: {
    to: Record<string, { matchLabels: Record<string, string> }>[];
    ports: { protocol: string; port: number }[];
  }[];
};

describe("platform namespaces", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(existingStack({ namespaceQuotas: { services: { pods: 123 } } }));
  });

  const namespaces = () => objects(run, "Namespace");
  const inNs = (kind: string, ns: string) => objects(run, kind, ns);

  it("creates one namespace per concern, with the prefix", () => {
    assert.deepEqual(
      namespaces()
        .map((n) => n.metadata.name)
        .sort(),
      CONCERNS.map((c) => `dp-${c}`).sort(),
    );
  });

  it("enforces Pod Security: restricted everywhere but the node-agents namespace", () => {
    for (const ns of namespaces()) {
      const labels = ns.metadata.labels ?? {};
      const concern = ns.metadata.name!.replace(/^dp-/, "") as keyof typeof CONCERN_SPECS;
      const expected = CONCERN_SPECS[concern].podSecurity;
      for (const mode of ["enforce", "audit", "warn"]) {
        assert.equal(labels[`pod-security.kubernetes.io/${mode}`], expected, `${ns.metadata.name} ${mode}`);
      }
    }
    const privileged = namespaces().filter(
      (n) => n.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted",
    );
    assert.deepEqual(
      privileged.map((n) => n.metadata.name),
      ["dp-node-agents"],
    );
  });

  it("denies all ingress and egress by default and allows DNS egress to kube-dns only", () => {
    for (const ns of namespaces().map((n) => n.metadata.name!)) {
      const policies = inNs("NetworkPolicy", ns).map((p) => p.spec as NetworkPolicySpec);
      const deny = policies.find((p) => Object.keys(p.podSelector).length === 0 && !p.ingress && !p.egress);
      assert.ok(deny, `${ns} has no default-deny policy`);
      assert.deepEqual([...deny.policyTypes].sort(), ["Egress", "Ingress"]);
      const dns = policies.find((p) => p.egress?.some((e) => e.ports.some((port) => port.port === 53)));
      assert.ok(dns, `${ns} has no DNS egress`);
      const rule = dns.egress![0];
      assert.deepEqual(rule.to[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "kube-system" });
      assert.deepEqual(rule.to[0].podSelector.matchLabels, { "k8s-app": "kube-dns" });
      assert.deepEqual(rule.ports.map((p) => p.protocol).sort(), ["TCP", "UDP"]);
    }
  });

  it("gives every namespace a ResourceQuota and a LimitRange, with config overrides applied", () => {
    for (const ns of namespaces().map((n) => n.metadata.name!)) {
      const quotas = inNs("ResourceQuota", ns);
      assert.equal(quotas.length, 1, `${ns} quota`);
      const hard = (quotas[0].spec as { hard: Record<string, string> }).hard;
      for (const key of ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"]) {
        assert.ok(hard[key], `${ns} quota lacks ${key}`);
      }
      const limits = inNs("LimitRange", ns);
      assert.equal(limits.length, 1, `${ns} limit range`);
      const container = (limits[0].spec as { limits: { type: string; default: object; defaultRequest: object }[] })
        .limits[0];
      assert.equal(container.type, "Container");
      assert.deepEqual(container.defaultRequest, { cpu: "100m", memory: "128Mi" });
    }
    const services = inNs("ResourceQuota", "dp-services")[0].spec as { hard: Record<string, string> };
    assert.equal(services.hard.pods, "123");
    assert.equal(services.hard["requests.cpu"], CONCERN_SPECS.services.quota.requestsCpu);
  });

  it("turns off token automount on every namespace's default ServiceAccount", () => {
    const patches = ofType(run, "kubernetes:core/v1:ServiceAccountPatch").map((r) => r.inputs as unknown as K8sObject);
    assert.deepEqual(
      patches.map((p) => p.metadata.namespace).sort(),
      namespaces()
        .map((n) => n.metadata.name)
        .sort(),
    );
    for (const p of patches) {
      assert.equal(p.metadata.name, "default");
      assert.equal(p.automountServiceAccountToken, false);
    }
  });

  it("puts nothing in the default namespace", () => {
    const clusterScoped = new Set([
      "Namespace",
      "PriorityClass",
      "StorageClass",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterIssuer",
      "KongClusterPlugin",
    ]);
    const namespaced = objects(run).filter((o) => !clusterScoped.has(o.kind));
    assert.ok(namespaced.length > 0);
    for (const o of namespaced) {
      assert.ok(
        o.metadata.namespace && o.metadata.namespace !== "default",
        `${o.kind}/${o.metadata.name} has namespace ${o.metadata.namespace}`,
      );
    }
  });

  it("protects the namespaces that hold volumes (and only those) outside dev", () => {
    const protectedNs = namespaces()
      .filter((n) => resourceOf(run, n).protect)
      .map((n) => n.metadata.name);
    const expected = CONCERNS.filter((c) => CONCERN_SPECS[c].holdsData).map((c) => `dp-${c}`);
    assert.deepEqual(protectedNs.sort(), expected.sort());
  });
});

describe("platform namespaces on a dev stack", () => {
  it("protects nothing, so `pulumi destroy` works end to end", async () => {
    const run = await runStack(existingStack({ environment: "dev", namespacePrefix: "acme" }));
    const ns = objects(run, "Namespace");
    assert.ok(ns.every((n) => n.metadata.name!.startsWith("acme-")));
    assert.ok(ns.every((n) => !resourceOf(run, n).protect));
  });
});
