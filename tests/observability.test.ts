/** Observability: Prometheus, a monitor for every component, alerts with runbooks, Datadog, pipeline logs. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { STACKS_DIR, existingStack } from "./fixtures";
import { Inputs, isSecretAt, K8sObject, named, objects, ofType, resourceOf } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";

const ZONE = "topology.kubernetes.io/zone";

const release = (run: StackRun, chart: string) =>
  ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)?.inputs as Inputs | undefined;

/** Custom resources that are settings of a datastore, not workloads of their own. */
const NOT_WORKLOADS = new Set([
  "ScaledObject",
  "TriggerAuthentication",
  "Database",
  "ScheduledBackup",
  "Certificate",
  "KongPlugin",
  "KongConsumer",
  "PodMonitor",
  "ServiceMonitor",
  "PrometheusRule",
]);

/** The labels a monitor must select to cover a workload. */
function podLabelsOf(o: K8sObject & Inputs): Record<string, string> | undefined {
  switch (o.kind) {
    case "Deployment":
      return o.spec.selector.matchLabels;
    case "Cluster":
      return { "cnpg.io/cluster": o.metadata.name! };
    case "RedisReplication":
    case "RedisSentinel":
      return { app: o.metadata.name! };
    case "PerconaServerMongoDB":
      return { "app.kubernetes.io/instance": o.metadata.name!, "app.kubernetes.io/replset": o.spec.replsets[0].name };
    case "RabbitmqCluster":
      return { "app.kubernetes.io/name": o.metadata.name! };
    case "Tenant":
      return { "v1.min.io/tenant": o.metadata.name! };
    case "Elasticsearch":
      // Scraped through its exporter.
      return { "app.kubernetes.io/name": "elasticsearch-exporter" };
    default:
      return undefined;
  }
}

describe("observability on GKE", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")));
  });

  it("runs 2 Prometheus replicas on different zones and 3 Alertmanagers, on zonal storage", () => {
    const v = release(run, "kube-prometheus-stack")!.values;
    const p = v.prometheus.prometheusSpec;
    assert.equal(p.replicas, 2);
    assert.deepEqual([p.podAntiAffinity, p.podAntiAffinityTopologyKey], ["hard", ZONE]);
    assert.equal(p.retention, "30d");
    assert.equal(p.storageSpec.volumeClaimTemplate.spec.storageClassName, "dp-zonal");
    assert.equal(p.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "200Gi");
    const a = v.alertmanager.alertmanagerSpec;
    assert.equal(a.replicas, 3);
    assert.deepEqual([a.podAntiAffinity, a.podAntiAffinityTopologyKey], ["hard", ZONE]);
    assert.equal(
      v["prometheus-node-exporter"].namespaceOverride,
      "dp-node-agents",
      "node-exporter stays out of restricted namespaces",
    );
  });

  it("has a monitor for every workload of the platform", () => {
    const monitors = [...objects(run, "PodMonitor"), ...objects(run, "ServiceMonitor")] as (K8sObject & Inputs)[];
    const workloads = [
      ...objects(run, "Deployment"),
      // Custom resources (a group with a dot that is not a Kubernetes API group) are operator-run workloads.
      ...objects(run).filter(
        (o) =>
          o.apiVersion.includes(".") &&
          !o.apiVersion.includes("k8s.io") &&
          !NOT_WORKLOADS.has(o.kind) &&
          o.metadata.namespace,
      ),
    ].filter((o) => !["Beat", "DatadogAgent"].includes(o.kind)) as (K8sObject & Inputs)[];
    assert.ok(workloads.length >= 14, `found ${workloads.length} workloads`);
    for (const w of workloads) {
      const labels = podLabelsOf(w);
      assert.ok(
        labels,
        `${w.kind} ${w.metadata.name}: no rule for where it exposes metrics (add a monitor and a case here)`,
      );
      const covered = monitors.some(
        (m) =>
          m.metadata.namespace === w.metadata.namespace &&
          Object.entries(m.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      assert.ok(covered, `${w.kind} ${w.metadata.namespace}/${w.metadata.name} has no PodMonitor/ServiceMonitor`);
    }
    // Kong (a Helm release) is scraped on its status port.
    assert.equal(named(run, "PodMonitor", "kong", "dp-gateway").spec.podMetricsEndpoints[0].port, "status");
  });

  it("defines every alert that matters, each with a runbook", () => {
    const rule = named(run, "PrometheusRule", "platform-alerts", "dp-observability");
    const rules = rule.spec.groups[0].rules as Inputs[];
    const names = new Set(rules.map((r) => r.alert));
    for (const a of [
      "ZoneWithoutReadyNodes",
      "HPAAtMaximum",
      "NodeAutoscalerAtMaximum",
      "PodDisruptionBudgetBlocking",
      "PostgresReplicaMissing",
      "PostgresSynchronousStandbyMissing",
      "MongoDBMemberDown",
      "RabbitMQQuorumLost",
      "ElasticsearchNotGreen",
      "KongHigh5xxRate",
      "CertificateExpiringSoon",
    ]) {
      assert.ok(names.has(a), `missing alert ${a}`);
    }
    for (const r of rules) assert.ok(r.annotations.runbook.length > 40, `${r.alert} has no real runbook`);
    assert.equal(rules.filter((r) => r.alert === "ZoneWithoutReadyNodes").length, 3, "one per zone");
    assert.equal(rules.find((r) => r.alert === "HPAAtMaximum")!.for, "15m");
  });

  it("sends alerts to the configured Slack channel, the webhook kept secret", () => {
    const s = named(run, "Secret", "alertmanager-platform", "dp-observability");
    assert.ok(isSecretAt(resourceOf(run, s), "stringData"));
    assert.match(s.stringData["alertmanager.yaml"], /channel: "#globex-platform-alerts"/);
    assert.equal(
      release(run, "kube-prometheus-stack")!.values.alertmanager.alertmanagerSpec.configSecret,
      "alertmanager-platform",
    );
  });

  it("runs Datadog with the API key only in a Secret, collecting platform logs but not pipeline logs", () => {
    assert.ok(release(run, "datadog-operator"));
    const keys = named(run, "Secret", "datadog-keys", "dp-node-agents");
    assert.ok(isSecretAt(resourceOf(run, keys), "stringData"));
    const agent = named(run, "DatadogAgent", "datadog", "dp-node-agents");
    assert.deepEqual(agent.spec.global.credentials.apiSecret, { secretName: "datadog-keys", keyName: "api-key" });
    assert.equal(agent.spec.global.site, "datadoghq.eu");
    assert.equal(agent.spec.features.logCollection.enabled, true);
    const env = Object.fromEntries(agent.spec.global.env.map((e: Inputs) => [e.name, e.value]));
    assert.equal(env.DD_CONTAINER_EXCLUDE_LOGS, "kube_namespace:.*");
    assert.match(env.DD_CONTAINER_INCLUDE_LOGS, /kube_namespace:dp-services/);
    assert.doesNotMatch(env.DD_CONTAINER_INCLUDE_LOGS, /dp-pipelines/);
    assert.ok(!JSON.stringify(agent).includes("mock-secret-value"), "no key inlined");
  });

  it("ships only the pipelines namespace's logs, to Elasticsearch over TLS, as the shipper user", () => {
    const beat = named(run, "Beat", "pipeline-logs", "dp-node-agents");
    assert.equal(beat.spec.type, "filebeat");
    assert.deepEqual(beat.spec.elasticsearchRef, { name: "pipeline-logs", namespace: "dp-logging" });
    const input = beat.spec.config["filebeat.inputs"][0];
    assert.deepEqual(input.paths, ["/var/log/containers/*_dp-pipelines_*.log"]);
    assert.ok(input.parsers.some((p: Inputs) => p.ndjson));
    assert.ok(input.processors.some((p: Inputs) => p.add_kubernetes_metadata));
    const out = beat.spec.config["output.elasticsearch"];
    assert.equal(out.index, "pipeline-logs-%{+yyyy.MM.dd}");
    assert.equal(out.hosts, undefined, "ECK's association sets the https endpoint and CA");
    assert.ok(!JSON.stringify(beat.spec.config).includes("verification_mode"));
    const creds = named(run, "Secret", "pipeline-log-shipper", "dp-node-agents");
    assert.equal(creds.stringData.username, "pipeline-log-shipper");
    assert.ok(isSecretAt(resourceOf(run, creds), "stringData"));
  });

  it("lets monitoring reach only the metrics ports it scrapes", () => {
    const egress = named(run, "NetworkPolicy", "monitoring-egress", "dp-observability");
    const data = egress.spec.egress.find(
      (r: Inputs) => r.to[0]?.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "dp-data",
    );
    assert.deepEqual(
      data.ports.map((p: Inputs) => p.port),
      [9187, 9121, 9216, 15692, 9000],
    );
    assert.ok(
      !egress.spec.egress.some((r: Inputs) =>
        (r.to ?? []).some(
          (t: Inputs) => t.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "dp-pipelines",
        ),
      ),
    );
  });
});

describe("observability without Datadog", () => {
  it("installs nothing of Datadog when the stack has no API key", async () => {
    const run = await runStack(existingStack());
    assert.equal(release(run, "datadog-operator"), undefined);
    assert.equal(objects(run, "DatadogAgent").length, 0);
    assert.equal(objects(run, "Secret").filter((s) => s.metadata.name === "datadog-keys").length, 0);
  });
});
