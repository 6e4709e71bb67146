/**
 * The policy pack (policy/): each rule with a passing and a failing input, built by hand as Pulumi's
 * compliance policies are tested; the engine adapter called as the engine calls it; and the whole
 * pack over every example stack (program objects and rendered chart objects): no mandatory
 * violation, every advisory one listed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Secret } from "@pulumi/policy";
import { secretPaths, toPolicy } from "../policy/engine";
import { evaluate, RULES } from "../policy/rules";
import type { Resource } from "../policy/rules/types";
import { kubeType, policyResources } from "./harness/policy-resources";
import { runStack } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";
import { exampleStacks, withConfig, STACKS_DIR } from "./fixtures";
import * as path from "node:path";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

let n = 0;
function obj(kind: string, props: Any, extra: Partial<Resource> = {}): Resource {
  const apiVersion =
    props.apiVersion ??
    (
      {
        Deployment: "apps/v1",
        StatefulSet: "apps/v1",
        DaemonSet: "apps/v1",
        HorizontalPodAutoscaler: "autoscaling/v2",
        PodDisruptionBudget: "policy/v1",
        NetworkPolicy: "networking.k8s.io/v1",
        StorageClass: "storage.k8s.io/v1",
        Ingress: "networking.k8s.io/v1",
        RoleBinding: "rbac.authorization.k8s.io/v1",
      } as Record<string, string>
    )[kind] ??
    "v1";
  return {
    type: kubeType(apiVersion, kind),
    name: `r${++n}`,
    urn: `urn:${n}`,
    props: { apiVersion, kind, ...props },
    secretPaths: new Set(),
    protect: false,
    origin: "program",
    ...extra,
  };
}
const cloud = (type: string, props: Any, extra: Partial<Resource> = {}): Resource => ({
  type,
  name: `c${++n}`,
  urn: `urn:${n}`,
  props,
  secretPaths: new Set(),
  protect: false,
  origin: "program",
  ...extra,
});

const ns = (name: string, component: string, env = "production", extra: Any = {}) =>
  obj("Namespace", {
    metadata: {
      name,
      labels: {
        "app.kubernetes.io/component": component,
        "pod-security.kubernetes.io/enforce": component === "node-agents" ? "privileged" : "restricted",
      },
      annotations: { "dedicated-platform/environment": env, ...extra },
    },
  });
const SC = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
  readOnlyRootFilesystem: true,
};
const RES = {
  requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "1Gi" },
  limits: { memory: "256Mi", "ephemeral-storage": "1Gi" },
};
const SPREAD = [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 }];
const container = (c: Any = {}) => ({
  name: "app",
  image: "ghcr.io/acme/app:1.2.3",
  securityContext: SC,
  resources: RES,
  ...c,
});
const deployment = (name: string, pod: Any = {}, spec: Any = {}, namespace = "dp-services") =>
  obj("Deployment", {
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          automountServiceAccountToken: false,
          topologySpreadConstraints: SPREAD,
          containers: [container()],
          ...pod,
        },
      },
      ...spec,
    },
  });
const hpa = (name: string, min: number) =>
  obj("HorizontalPodAutoscaler", {
    metadata: { name, namespace: "dp-services" },
    spec: { scaleTargetRef: { kind: "Deployment", name }, minReplicas: min, maxReplicas: 10 },
  });
const pdb = (name: string, spec: Any) =>
  obj("PodDisruptionBudget", {
    metadata: { name, namespace: "dp-services" },
    spec: { selector: { matchLabels: { app: name } }, ...spec },
  });

const findings = (rule: string, resources: Resource[]) =>
  evaluate(
    resources,
    RULES.filter((r) => r.name === rule),
  ).map((f) => f.message);

/** Each rule: resources it passes, resources it fails, and what the failure says. */
const CASES: { rule: string; good: Resource[]; bad: Resource[]; says: RegExp }[] = [
  {
    rule: "pods-run-restricted",
    good: [deployment("a")],
    bad: [deployment("a", { containers: [container({ securityContext: { runAsNonRoot: true } })] })],
    says: /allowPrivilegeEscalation is not false, capabilities do not drop ALL, no RuntimeDefault seccomp/,
  },
  {
    rule: "read-only-root-filesystem",
    good: [deployment("a")],
    bad: [deployment("a", { containers: [container({ securityContext: { ...SC, readOnlyRootFilesystem: false } })] })],
    says: /root filesystem is writable/,
  },
  {
    rule: "requests-and-limits",
    good: [deployment("a")],
    bad: [deployment("a", { containers: [container({ resources: { requests: { cpu: "1" } } })] })],
    says: /no memory request, memory limit/,
  },
  {
    rule: "ephemeral-storage-requested",
    good: [deployment("a")],
    bad: [
      deployment("a", {
        containers: [container({ resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } })],
      }),
    ],
    says: /no ephemeral-storage/,
  },
  {
    rule: "probes-differ",
    good: [
      deployment("a", {
        containers: [
          container({ livenessProbe: { httpGet: { path: "/live" } }, readinessProbe: { httpGet: { path: "/ready" } } }),
        ],
      }),
    ],
    bad: [
      deployment("a", {
        containers: [
          container({ livenessProbe: { httpGet: { path: "/" } }, readinessProbe: { httpGet: { path: "/" } } }),
        ],
      }),
    ],
    says: /identical/,
  },
  {
    rule: "no-host-access",
    good: [ns("dp-node-agents", "node-agents"), deployment("agent", { hostNetwork: true }, {}, "dp-node-agents")],
    bad: [deployment("a", { hostNetwork: true, volumes: [{ name: "h", hostPath: { path: "/" } }] })],
    says: /uses hostNetwork, a hostPath volume/,
  },
  {
    rule: "images-pinned",
    good: [deployment("a", { containers: [container({ image: "quay.io/x/y@sha256:abc" })] })],
    bad: [
      deployment("a", { containers: [container({ image: "nginx:latest" })] }),
      deployment("b", { containers: [container({ image: "nginx" })] }),
    ],
    says: /is :latest|no tag or digest/,
  },
  {
    rule: "images-from-known-registries",
    good: [deployment("a")],
    bad: [
      deployment("a"),
      deployment("b", { containers: [container({ image: "evil.example.com/x:1" })] }, {}, "dp-x"),
    ].map((r, i) => (i ? { ...r, origin: "release x" } : r)),
    says: /from evil\.example\.com/,
  },
  {
    rule: "service-account-token-where-used",
    good: [
      deployment("a"),
      deployment("b", { automountServiceAccountToken: true, serviceAccountName: "b" }),
      obj("RoleBinding", {
        metadata: { name: "b", namespace: "dp-services" },
        subjects: [{ kind: "ServiceAccount", name: "b" }],
      }),
    ],
    bad: [deployment("a", { automountServiceAccountToken: undefined })],
    says: /mounts the token of dp-services\/default/,
  },
  {
    rule: "three-replicas-in-production",
    good: [ns("dp-services", "services"), deployment("a"), hpa("a", 3)],
    bad: [ns("dp-services", "services"), deployment("a"), hpa("a", 2)],
    says: /minimum 2 replicas in production/,
  },
  {
    rule: "autoscaled-spread-over-zones",
    good: [deployment("a"), hpa("a", 3)],
    bad: [deployment("a", { topologySpreadConstraints: [] }), hpa("a", 3)],
    says: /no hard spread/,
  },
  {
    rule: "pdb-allows-one-disruption",
    good: [deployment("a"), hpa("a", 3), pdb("a", { maxUnavailable: 1 })],
    bad: [deployment("a"), hpa("a", 3), pdb("a", { minAvailable: "100%" })],
    says: /allows no disruption at 3 replicas/,
  },
  {
    rule: "autoscaler-owns-replicas",
    good: [deployment("a"), hpa("a", 3)],
    bad: [deployment("a", {}, { replicas: 3 }), hpa("a", 3)],
    says: /sets spec.replicas/,
  },
  {
    rule: "datastores-one-member-per-zone",
    good: [
      obj("RabbitmqCluster", {
        apiVersion: "rabbitmq.com/v1beta1",
        metadata: { name: "r", namespace: "dp-data" },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "topology.kubernetes.io/zone" }],
            },
          },
        },
      }),
    ],
    bad: [
      obj("RabbitmqCluster", {
        apiVersion: "rabbitmq.com/v1beta1",
        metadata: { name: "r", namespace: "dp-data" },
        spec: {},
      }),
    ],
    says: /not kept one per zone/,
  },
  {
    rule: "default-deny-in-every-namespace",
    good: [
      ns("dp-data", "data"),
      obj("NetworkPolicy", {
        metadata: { name: "deny", namespace: "dp-data" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      }),
    ],
    bad: [
      ns("dp-data", "data"),
      obj("NetworkPolicy", {
        metadata: { name: "deny", namespace: "dp-data" },
        spec: { podSelector: {}, policyTypes: ["Ingress"] },
      }),
    ],
    says: /no default-deny/,
  },
  {
    rule: "only-the-gateway-is-exposed",
    good: [
      ns("dp-gateway", "gateway"),
      obj("Service", { metadata: { name: "kong", namespace: "dp-gateway" }, spec: { type: "LoadBalancer" } }),
    ],
    bad: [
      ns("dp-services", "services"),
      obj("Service", { metadata: { name: "portal", namespace: "dp-services" }, spec: { type: "NodePort" } }),
    ],
    says: /type NodePort outside the gateway/,
  },
  {
    rule: "datastores-never-exposed",
    good: [
      ns("dp-logging", "logging"),
      obj("Service", { metadata: { name: "es", namespace: "dp-logging" }, spec: { type: "ClusterIP" } }),
    ],
    bad: [
      ns("dp-logging", "logging"),
      obj("Service", {
        metadata: { name: "es", namespace: "dp-logging" },
        spec: { type: "ClusterIP", externalIPs: ["1.2.3.4"] },
      }),
      obj("Elasticsearch", {
        apiVersion: "elasticsearch.k8s.elastic.co/v1",
        metadata: { name: "logs", namespace: "dp-logging" },
        spec: { http: { service: { spec: { type: "LoadBalancer" } } } },
      }),
    ],
    says: /reachable from outside|HTTP Service is LoadBalancer/,
  },
  {
    rule: "data-protected-outside-dev",
    good: [ns("dp-data", "data", "production", { "dedicated-platform/holds-data": "true" })].map((r) => ({
      ...r,
      protect: true,
    })),
    bad: [ns("dp-data", "data", "production", { "dedicated-platform/holds-data": "true" })],
    says: /holds data and is not protected \(environment production\)/,
  },
  {
    rule: "volumes-retained-outside-dev",
    good: [obj("StorageClass", { metadata: { name: "z" }, reclaimPolicy: "Retain" })],
    bad: [obj("StorageClass", { metadata: { name: "z" }, reclaimPolicy: "Delete" })],
    says: /reclaimPolicy Delete/,
  },
  {
    rule: "no-plain-credentials",
    good: [
      obj(
        "ConfigMap",
        { metadata: { name: "c", namespace: "x" }, data: { password: "s3cret" } },
        { secretPaths: new Set(["data.password"]) },
      ),
      obj("ConfigMap", { metadata: { name: "d", namespace: "x" }, data: { existingSecret: "creds" } }),
    ],
    bad: [
      obj("ConfigMap", { metadata: { name: "c", namespace: "x" }, data: { DB_PASSWORD: "s3cret" } }),
      cloud("kubernetes:helm.sh/v3:Release", { name: "kong", values: { env: { pg_password: "x" } } }),
    ],
    says: /looks like a credential|values\.env\.pg_password is a plain value/,
  },
  {
    rule: "gke-hardened",
    good: [
      cloud("gcp:container/cluster:Cluster", {
        privateClusterConfig: { enablePrivateNodes: true },
        databaseEncryption: { state: "ENCRYPTED", keyName: "k" },
        workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
      }),
      cloud("gcp:container/nodePool:NodePool", { nodeConfig: { serviceAccount: "nodes@p.iam.gserviceaccount.com" } }),
    ],
    bad: [
      cloud("gcp:container/cluster:Cluster", { privateClusterConfig: { enablePrivateNodes: false } }),
      cloud("gcp:container/nodePool:NodePool", { nodeConfig: {} }),
    ],
    says: /no private nodes, KMS secrets encryption, Workload Identity|default service account/,
  },
  {
    rule: "eks-hardened",
    good: [
      cloud("aws:eks/cluster:Cluster", {
        vpcConfig: { endpointPrivateAccess: true },
        encryptionConfig: { provider: { keyArn: "arn:k" } },
      }),
      cloud("aws:iam/openIdConnectProvider:OpenIdConnectProvider", {}),
    ],
    bad: [cloud("aws:eks/cluster:Cluster", { vpcConfig: { endpointPrivateAccess: false } })],
    says: /no private endpoint access, KMS secrets encryption, IRSA or Pod Identity/,
  },
  {
    rule: "aks-hardened",
    good: [
      cloud("azure-native:containerservice:ManagedCluster", {
        disableLocalAccounts: true,
        securityProfile: { azureKeyVaultKms: { enabled: true }, workloadIdentity: { enabled: true } },
        oidcIssuerProfile: { enabled: true },
        apiServerAccessProfile: { enablePrivateCluster: true },
      }),
      cloud("azure-native:keyvault:Vault", { properties: { networkAcls: { defaultAction: "Deny" } } }),
    ],
    bad: [
      cloud("azure-native:containerservice:ManagedCluster", {
        disableLocalAccounts: false,
        apiServerAccessProfile: { enablePrivateCluster: true },
      }),
      cloud("azure-native:keyvault:Vault", { properties: {} }),
    ],
    says: /local accounts disabled|open to public networks/,
  },
];

describe("policy rules", () => {
  it("every rule has a name, a description, a severity, an enforcement level and a case below", () => {
    for (const r of RULES) {
      assert.ok(r.description.length > 40 && r.severity && r.enforcementLevel, r.name);
      assert.ok(
        CASES.some((c) => c.rule === r.name),
        `no test case for ${r.name}`,
      );
    }
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
  });

  for (const c of CASES)
    it(`${c.rule}: passes a good input and fails a bad one, saying why`, () => {
      assert.deepEqual(findings(c.rule, c.good), []);
      const bad = findings(c.rule, c.bad);
      assert.ok(bad.length > 0, "the bad input passed");
      for (const m of bad) assert.match(m, c.says);
    });

  it("dev stacks need neither protection nor Retain; production ones do", () => {
    const dev = ns("dp-data", "data", "dev", { "dedicated-platform/holds-data": "true" });
    assert.deepEqual(findings("data-protected-outside-dev", [dev]), []);
    assert.deepEqual(
      findings("volumes-retained-outside-dev", [
        dev,
        obj("StorageClass", { metadata: { name: "z" }, reclaimPolicy: "Delete" }),
      ]),
      [],
    );
  });
});

describe("policy engine adapter", () => {
  it("reports each violation with its URN, as the engine's validateStack calls it", () => {
    const policy = toPolicy(RULES.find((r) => r.name === "volumes-retained-outside-dev")!);
    const reported: [string, string?][] = [];
    const resource = {
      type: "kubernetes:storage.k8s.io/v1:StorageClass",
      name: "z",
      urn: "urn:z",
      props: { metadata: { name: "z" }, reclaimPolicy: "Delete" },
      opts: { protect: false },
    };
    (policy.validateStack as Any)({ resources: [resource] }, (message: string, urn?: string) =>
      reported.push([message, urn]),
    );
    assert.deepEqual(reported, [["StorageClass z: reclaimPolicy Delete", "urn:z"]]);
    assert.equal(policy.enforcementLevel, "mandatory");
  });

  it("reads which inputs are Pulumi secrets from the engine's secret markers", () => {
    assert.deepEqual(
      [...secretPaths({ data: { password: new Secret("x"), user: "u" }, list: [new Secret("y")] })],
      ["data.password", "list[0]"],
    );
  });
});

describe("policy pack over the example stacks", () => {
  for (const file of exampleStacks())
    it(`${path.basename(file)}: no mandatory violation; advisory ones listed`, async (t) => {
      const found = evaluate(policyResources(await runStack(readStackFile(file))));
      assert.deepEqual(
        found.filter((f) => f.enforcementLevel === "mandatory").map((f) => `${f.rule}: ${f.message}`),
        [],
      );
      const advisory = found.filter((f) => f.enforcementLevel === "advisory");
      t.diagnostic(`${advisory.length} advisory:\n${advisory.map((f) => `  ${f.rule}: ${f.message}`).join("\n")}`);
    });

  it("a production customer stack cannot switch a mandatory rule off by config (protectData false)", async () => {
    const stack = withConfig(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")), { protectData: false });
    const found = evaluate(policyResources(await runStack(stack)));
    const unprotected = found.filter((f) => f.rule === "data-protected-outside-dev");
    assert.ok(unprotected.length >= 5, `${unprotected.length} violations`);
    assert.ok(unprotected.every((f) => f.enforcementLevel === "mandatory"));
  });
});
