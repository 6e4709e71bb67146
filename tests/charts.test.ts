/**
 * Everything a stack deploys, charts included: every Helm release rendered from the exact pinned chart
 * (DP_CHARTS_DIR, default ../shared/charts) and the operator manifests, checked like the program's own
 * objects. Each check runs on every example stack, and once on a broken input that it must catch.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { exampleStacks } from "./fixtures";
import { chartDefaults, schemaErrors, templateReads, unknownValuePaths, unpackChart } from "./harness/chart-values";
import { chartArchive, chartsUnavailable, DeployedObject, pinOf } from "./harness/charts";
import { addInstalledCrds, crdSchemaErrors } from "./harness/crd-schema";
import { Deployed, deployedObjects, describe as name } from "./harness/deployed";
import { isBuiltIn, k8sSchemaErrors } from "./harness/k8s-schema";
import { orderingProblems } from "./harness/ordering";
import { Level, podSecurityViolations } from "./harness/pod-security";
import type { K8sObject } from "./harness/query";
import { blockedFlows, controlPlaneFlows, namespaceLabelsOf, platformFlows, podsOf } from "./harness/reachability";
import { CapturedResource, runStack, StackRun } from "./harness/run-stack";
import { StackFile, parseStackFile, readStackFile } from "./harness/stack-file";
import { quotaFits } from "./harness/quota-fit";
import { documentedRetainedGroups, retainedCrdGroups } from "./harness/retained-crds";
import { CHARTS } from "../lib/versions";

const unavailable = chartsUnavailable();
const LEVELS = ["privileged", "baseline", "restricted"];

/** Each namespace's enforced Pod Security level, from the Namespace objects deployed. */
function enforcedLevels(objects: DeployedObject[]): Map<string, string> {
  return new Map(
    objects
      .filter((d) => d.object.kind === "Namespace")
      .map((d) => [
        d.object.metadata.name ?? "",
        d.object.metadata.labels?.["pod-security.kubernetes.io/enforce"] ?? "",
      ]),
  );
}

/**
 * Pod Security findings of every pod template. A namespace nobody labels (kube-system, a manifest's
 * own) gets the cluster's default level, which may be anything: such pods are held to `restricted`
 * here, and the namespaces are reported.
 */
function podSecurityFindings(objects: DeployedObject[]): { violations: string[]; unlabelled: Set<string> } {
  const levels = enforcedLevels(objects);
  const violations: string[] = [];
  const unlabelled = new Set<string>();
  for (const d of objects) {
    const ns = d.object.metadata?.namespace ?? "default";
    const level = levels.get(ns);
    if (!level && d.object.kind !== "Namespace" && d.object.spec) unlabelled.add(ns);
    const v = podSecurityViolations(d.object, (LEVELS.includes(level ?? "") ? level : "restricted") as Level);
    if (v.length > 0) violations.push(`${name(d)} (${level || "unlabelled"}): ${v.join("; ")}`);
  }
  return { violations, unlabelled };
}

async function schemaFindings(objects: DeployedObject[]): Promise<string[]> {
  addInstalledCrds(objects.map((d) => d.object));
  const out: string[] = [];
  for (const d of objects.filter((x) => x.source.kind !== "program")) {
    const errors = (await isBuiltIn(d.object)) ? await k8sSchemaErrors(d.object) : crdSchemaErrors(d.object);
    out.push(...errors.map((e) => `${name(d)}: ${e}`));
  }
  return out;
}

function valueFindings(run: StackRun): string[] {
  const out: string[] = [];
  for (const r of run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
    const dir = unpackChart(chartArchive(pinOf(r)));
    const defaults = chartDefaults(dir);
    const values = (r.inputs.values ?? {}) as Record<string, unknown>;
    const chart = String(r.inputs.chart);
    for (const p of unknownValuePaths(chart, values, defaults, templateReads(dir)))
      out.push(`release ${r.inputs.name} (${chart}): the chart does not read ${p}`);
    for (const e of schemaErrors(dir, values, defaults))
      out.push(`release ${r.inputs.name} (${chart}): values.schema.json: ${e}`);
  }
  return out;
}

/** The most nodes the stack's pools may ever run (DaemonSets put a pod on each). */
function maxNodes(stack: StackFile): number {
  const config = parseStackFile(stack);
  return config.nodePools.reduce((n, p) => n + p.maxPerZone, 0) * (config.zones?.length ?? 3);
}

function quotaFindings(deployed: DeployedObject[], nodes: number): string[] {
  return quotaFits(deployed, nodes)
    .filter((f) => f.over.length > 0)
    .map((f) => `namespace ${f.namespace}: ${f.over.join("; ")}; its pods at the maximum: ${f.pods.join("; ")}`);
}

function flowFindings(deployed: DeployedObject[]): { blocked: string[]; errors: string[]; checked: number } {
  const objects = deployed.map((d) => d.object);
  const pods = podsOf(objects, namespaceLabelsOf(deployed));
  const cp = controlPlaneFlows(objects, pods);
  const pf = platformFlows(objects, pods);
  return {
    blocked: blockedFlows(objects, [...cp.flows, ...pf.flows]),
    errors: [...cp.errors, ...pf.errors],
    checked: cp.flows.length + pf.flows.length,
  };
}

describe("charts: everything a stack deploys", { skip: unavailable }, () => {
  it("has every pinned chart in the chart directory, at its pinned version", () => {
    for (const pin of Object.values(CHARTS)) chartArchive(pin);
    assert.throws(
      () => chartArchive({ chart: "kong", version: "0.0.1" }),
      /chart kong 0\.0\.1 .* add kong-0\.0\.1\.tgz/,
    );
  });

  for (const file of exampleStacks()) {
    describe(path.basename(file), () => {
      let run: StackRun;
      let deployed: Deployed;
      before(async () => {
        run = await runStack(readStackFile(file));
        deployed = deployedObjects(run);
      });

      it("renders every Helm release from its pinned chart", () => {
        assert.deepEqual(deployed.renderErrors, []);
        for (const r of run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release"))
          assert.ok(
            deployed.objects.some((d) => d.source.resource === r),
            `release ${r.inputs.name} rendered no objects`,
          );
      });

      it("validates every chart and manifest object against the Kubernetes schema or its CRD", async () => {
        assert.deepEqual(await schemaFindings(deployed.objects), []);
      });

      it("satisfies its namespace's Pod Security level on every pod template, charts' included", (t) => {
        const { violations, unlabelled } = podSecurityFindings(deployed.objects);
        assert.deepEqual(violations, []);
        if (unlabelled.size > 0)
          t.diagnostic(
            `namespaces the stack does not label (held to restricted here): ${[...unlabelled].sort().join(", ")}`,
          );
      });

      it("passes each chart only values it reads, and its values.schema.json", () => {
        assert.deepEqual(valueFindings(run), []);
      });

      it("lets the control plane reach every webhook and APIService, and admits every flow the platform needs", (t) => {
        const { blocked, errors, checked } = flowFindings(deployed.objects);
        assert.deepEqual(errors, []);
        assert.deepEqual(blocked, []);
        assert.ok(checked > 30, `checked ${checked} flows`);
        t.diagnostic(`${checked} flows checked`);
      });

      it("declares every custom resource, chart and manifest after what installs its CRD", async () => {
        assert.deepEqual(await orderingProblems(run, deployed.objects), []);
      });

      it("documents every CRD a destroy leaves behind (README: What pulumi destroy leaves behind)", () => {
        const documented = documentedRetainedGroups(fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8"));
        const missing = [...retainedCrdGroups(run, deployed.objects)].flatMap(([chart, groups]) =>
          [...groups].filter((g) => !documented.get(chart)?.has(g)).map((g) => `${chart}: ${g}`),
        );
        assert.deepEqual(missing, []);
      });

      it("fits every pod of each namespace, charts' included, in its ResourceQuota at the autoscalers' maximum", (t) => {
        assert.deepEqual(quotaFindings(deployed.objects, maxNodes(readStackFile(file))), []);
        t.diagnostic(
          "not counted: containers operators inject into the pods they create, and rolling-update surge pods",
        );
      });
    });
  }
});

describe("charts: each check catches what it is for", { skip: unavailable }, () => {
  let run: StackRun;
  let deployed: Deployed;
  const release = (chart: string) =>
    run.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart)!;
  /** The run with one release's values replaced. */
  const withValues = (chart: string, values: (v: Record<string, unknown>) => Record<string, unknown>): StackRun => ({
    ...run,
    resources: run.resources.map((r) =>
      r === release(chart)
        ? ({
            ...r,
            inputs: { ...r.inputs, values: values(structuredClone(r.inputs.values) as never) },
          } as CapturedResource)
        : r,
    ),
  });
  before(async () => {
    run = await runStack(readStackFile(exampleStacks().find((f) => f.includes("globex-gke"))!));
    deployed = deployedObjects(run);
  });

  it("a release whose chart refuses its values is a render error, with helm's reason", () => {
    const broken = withValues("fusionauth", (v) => ({
      ...v,
      environment: [{ name: "FUSIONAUTH_APP_KICKSTART_FILE", value: "/kickstart/kickstart.json" }],
    }));
    const errors = deployedObjects(broken).renderErrors;
    assert.equal(errors.length, 1);
    assert.match(
      errors[0],
      /release fusionauth .*cannot override chart-managed variable FUSIONAUTH_APP_KICKSTART_FILE/,
    );
  });

  it("a chart pod without the restricted context in a restricted namespace is a violation, init containers included", () => {
    const broken = deployedObjects(
      withValues("redis-operator", (v) => ({ ...v, podSecurityContext: {}, securityContext: {} })),
    );
    const { violations } = podSecurityFindings(broken.objects);
    assert.ok(
      violations.some((v) =>
        /release redis-operator: Deployment dp-operators\/redis-operator \(restricted\): .*runAsNonRoot/.test(v),
      ),
    );
    const pod: K8sObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "x" },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [{ name: "init", image: "busybox" }],
        containers: [
          {
            name: "c",
            image: "x",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
        volumes: [{ name: "h", hostPath: { path: "/" } }],
      },
    };
    assert.deepEqual(podSecurityViolations(pod, "restricted"), [
      "volume h: hostPath",
      "volume h: type hostPath is not allowed",
      "initContainer init: securityContext.allowPrivilegeEscalation must be false",
      "initContainer init: capabilities.drop must include ALL",
    ]);
    assert.deepEqual(podSecurityViolations(pod, "baseline"), ["volume h: hostPath"]);
  });

  it("a value path the chart does not read is reported; one it reads, or documents as free-form, is not", () => {
    const broken = withValues("redis-operator", (v) => ({ ...v, redisOperator: { replicas: 2 } }));
    assert.deepEqual(
      valueFindings(broken).filter((f) => f.includes("redis-operator")),
      ["release redis-operator (redis-operator): the chart does not read redisOperator.replicas"],
    );
    // Kong documents podDisruptionBudget.maxUnavailable only in a comment; its templates read it.
    const kong = withValues("kong", (v) => ({ ...v, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } }));
    assert.deepEqual(
      valueFindings(kong).filter((f) => f.includes("kong")),
      [],
    );
  });

  it("a webhook the stack's NetworkPolicies do not admit is reported with its port and the side that refuses", () => {
    const objects = deployed.objects.filter(
      (d) => !(d.object.kind === "NetworkPolicy" && d.object.metadata.name === "operators-webhooks"),
    );
    const { blocked } = flowFindings(objects);
    assert.ok(
      blocked.some((b) =>
        /cert-manager-webhook .*the API server -> Deployment dp-operators\/cert-manager-webhook port 10250 is refused by the ingress side/.test(
          b,
        ),
      ),
      blocked.join("\n"),
    );
  });

  it("a namespace whose quota cannot hold its pods at the maximum is reported with the pods, LimitRange defaults applied", () => {
    // KEDA's chart defaults (1 CPU limit per pod), as before explicit resources were given, with more replicas.
    const broken = deployedObjects(
      withValues("keda", (v) => ({ ...v, resources: undefined, operator: { replicaCount: 4 } })),
    );
    const found = quotaFindings(broken.objects, 30);
    assert.ok(
      found.some((f) =>
        /^namespace dp-operators: limits\.cpu: [0-9.]+ needed > 12; .*Deployment keda-operator x4: each requests 0\.1 cpu/.test(
          f,
        ),
      ),
      found.join("\n"),
    );
    // A container with no resources at all takes the LimitRange's defaults.
    const bare = deployedObjects(
      withValues("kong", (v) => ({ ...v, ingressController: { ...(v.ingressController as object), resources: {} } })),
    );
    assert.ok(
      quotaFits(bare.objects, 30)
        .find((f) => f.namespace === "dp-gateway")!
        .pods.some((p) => /kong-kong x10: each requests 0\.6 cpu .* limits 3 cpu/.test(p)),
    );
  });

  it("a manifest whose kinds' CRDs only a Helm release installs is reported: its first preview would fail", async () => {
    // As before the fix: cert-manager's chart installed its CRDs, and the RabbitMQ manifest needs them.
    const certManager = release("cert-manager");
    const broken = deployed.objects.map((d) =>
      d.source.name.startsWith("cert-manager-crds-")
        ? { ...d, source: { kind: "release" as const, name: "cert-manager", resource: certManager } }
        : d,
    );
    const problems = await orderingProblems(run, broken);
    assert.ok(
      problems.some((p) =>
        /^manifest rabbitmq-cluster-operator-v2\.22\.3\.yml: cert-manager\.io\/Certificate comes from Helm release .*cert-manager, which the provider cannot see on a first preview/.test(
          p,
        ),
      ),
      problems.join("\n"),
    );
  });

  it("a CRD left behind that the README does not list is reported", () => {
    const readme = fs
      .readFileSync(path.resolve(__dirname, "../README.md"), "utf8")
      .replace(/(\| `kong` +\|[^|]*)`configuration\.konghq\.com`/, "$1");
    const documented = documentedRetainedGroups(readme);
    assert.equal(documented.get("kong")?.has("configuration.konghq.com"), false);
    assert.ok(retainedCrdGroups(run, deployed.objects).get("kong")?.has("configuration.konghq.com"));
  });

  it("a custom resource that does not wait for its operator's release is reported", async () => {
    const eck = release("eck-operator");
    const broken: StackRun = {
      ...run,
      resources: run.resources.map((r) =>
        r.inputs.kind === "Beat" ? { ...r, dependsOn: r.dependsOn.filter((d) => d !== eck.urn) } : r,
      ),
    };
    const problems = await orderingProblems(broken, deployedObjects(broken).objects);
    assert.ok(
      problems.some((p) =>
        /^Beat dp-node-agents\/pipeline-logs: beat\.k8s\.elastic\.co\/Beat is installed by .*eck-operator/.test(p),
      ),
      problems.join("\n"),
    );
  });
});
