/** Data layer II: MongoDB, RabbitMQ and Elasticsearch across 3 zones; Elasticsearch never exposed. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { ILM_POLICY, ilmPolicy, PIPELINE_INDEX_PATTERN } from "../components/data/elasticsearch";
import { MANIFESTS } from "../lib/versions";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/load";
import { STACKS_DIR, existingStack } from "./fixtures";
import {
  byUrn,
  ingressSourceNamespaces,
  Inputs,
  isSecretAt,
  K8sObject,
  named,
  objects,
  ofType,
  resourceOf,
  soleObject,
} from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { readStackFile, toStackConfig } from "./harness/stack-file";

const ZONE = "topology.kubernetes.io/zone";

function dependsOnTypes(run: StackRun, obj: K8sObject): string[] {
  return resourceOf(run, obj).dependsOn.map((u) => {
    const d = byUrn(run, u);
    return `${d?.type}:${String(d?.inputs.chart ?? d?.inputs.file ?? "")}`;
  });
}

/** Does a Service/Ingress/route point at Elasticsearch's pods or its HTTP service? */
function exposesElasticsearch(o: K8sObject & Inputs): boolean {
  const text = JSON.stringify(o);
  return text.includes("pipeline-logs-es-http") || text.includes("elasticsearch.k8s.elastic.co/cluster-name");
}

describe("MongoDB, RabbitMQ and Elasticsearch", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")));
  });

  it("runs a 3-member MongoDB replica set, one member per zone, with a PDB and resources", () => {
    const m = soleObject(run, "PerconaServerMongoDB");
    assert.equal(m.spec.sharding.enabled, false);
    assert.equal(m.spec.replsets.length, 1);
    const rs = m.spec.replsets[0];
    assert.equal(rs.size, 3);
    assert.equal(rs.affinity.antiAffinityTopologyKey, ZONE);
    assert.deepEqual(rs.podDisruptionBudget, { maxUnavailable: 1 });
    assert.ok(rs.resources.requests.cpu && rs.resources.limits.memory);
    assert.equal(rs.volumeSpec.persistentVolumeClaim.storageClassName, "dp-zonal");
    assert.ok(dependsOnTypes(run, m).includes("kubernetes:helm.sh/v3:Release:psmdb-operator"));
  });

  it("gives the platform a MongoDB user with a generated password and read-write on its database", () => {
    const m = soleObject(run, "PerconaServerMongoDB");
    assert.deepEqual(m.spec.users[0].roles, [{ name: "readWrite", db: "platform" }]);
    const secret = objects(run, "Secret", "dp-data").find(
      (s) => s.metadata.name === m.spec.users[0].passwordSecretRef.name,
    )!;
    assert.ok(isSecretAt(resourceOf(run, secret), "stringData.password"));
  });

  it("backs MongoDB up on a schedule with a retention count, to the cloud bucket through scoped HMAC keys", () => {
    const backup = soleObject(run, "PerconaServerMongoDB").spec.backup;
    assert.equal(backup.enabled, true);
    const [task] = backup.tasks;
    assert.equal(task.schedule, "0 3 * * *");
    assert.deepEqual(task.retention, { type: "count", count: 14, deleteFromStorage: true });
    const storage = backup.storages[task.storageName];
    assert.equal(storage.s3.endpointUrl, "https://storage.googleapis.com");
    assert.equal(storage.s3.bucket, "globex-platform-prod-globex-mongo-backups");
    const creds = objects(run, "Secret", "dp-data").find((s) => s.metadata.name === storage.s3.credentialsSecret)!;
    assert.ok(isSecretAt(resourceOf(run, creds), "stringData.AWS_SECRET_ACCESS_KEY"));
    assert.equal(ofType(run, "gcp:storage/hmacKey:HmacKey").length, 1);
  });

  it("runs 3 RabbitMQ nodes, one per zone, quorum queues by default, a PDB, ClusterIP only", () => {
    const r = soleObject(run, "RabbitmqCluster");
    assert.equal(r.spec.replicas, 3);
    assert.equal(r.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, ZONE);
    assert.match(r.spec.rabbitmq.additionalConfig, /^default_queue_type = quorum$/m);
    assert.equal(r.spec.service.type, "ClusterIP");
    assert.ok(r.spec.resources.requests.cpu && r.spec.resources.limits.memory);
    const pdb = objects(run, "PodDisruptionBudget", "dp-data").find((p) => p.metadata.name === "rabbitmq") as Inputs;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, { "app.kubernetes.io/name": "rabbitmq" });
    assert.ok(dependsOnTypes(run, r).includes(`kubernetes:yaml/v2:ConfigFile:${MANIFESTS.rabbitmqOperator}`));
  });

  it("runs 3 master-eligible Elasticsearch data nodes with zone awareness, TLS on, a PDB, resources", () => {
    const es = soleObject(run, "Elasticsearch");
    assert.equal(es.metadata.namespace, "dp-logging");
    assert.equal(es.spec.nodeSets.length, 1);
    const set = es.spec.nodeSets[0];
    assert.equal(set.count, 3);
    assert.deepEqual(set.config["node.roles"], ["master", "data", "ingest"]);
    assert.deepEqual(set.zoneAwareness, { topologyKey: ZONE });
    assert.ok(set.podTemplate.spec.containers[0].resources.limits.memory);
    assert.equal(es.spec.http.tls, undefined, "no tls override: ECK's TLS stays on");
    assert.equal(es.spec.podDisruptionBudget.spec.maxUnavailable, 1);
    assert.ok(dependsOnTypes(run, es).includes("kubernetes:helm.sh/v3:Release:eck-operator"));
  });

  it("creates a writer user for the shipper and a reader user, limited to pipeline-log indices", () => {
    const es = soleObject(run, "Elasticsearch");
    const realm = es.spec.auth.fileRealm.map((f: Inputs) => f.secretName).sort();
    assert.deepEqual(realm, ["es-reader-user", "es-shipper-user"]);
    const roles = objects(run, "Secret", "dp-logging").find((s) => s.metadata.name === "es-roles") as Inputs;
    const parsed = JSON.parse(roles.stringData["roles.yml"]);
    for (const role of Object.values(parsed) as Inputs[]) {
      assert.deepEqual(role.indices[0].names, [PIPELINE_INDEX_PATTERN]);
      assert.ok(!role.indices[0].privileges.includes("all"));
    }
    for (const name of realm) {
      const s = objects(run, "Secret", "dp-logging").find((x) => x.metadata.name === name)!;
      assert.ok(isSecretAt(resourceOf(run, s), "stringData.password"));
    }
  });

  it("installs a lifecycle policy that deletes pipeline-log indices after the configured retention", () => {
    const cm = objects(run, "ConfigMap", "dp-logging").find(
      (c) => c.metadata.name === "pipeline-logs-lifecycle",
    ) as Inputs;
    assert.deepEqual(JSON.parse(cm.data["policy.json"]), ilmPolicy(14));
    assert.equal(JSON.parse(cm.data["template.json"]).template.settings["index.lifecycle.name"], ILM_POLICY);
    const job = objects(run, "Job", "dp-logging")[0] as Inputs;
    assert.match(job.spec.template.spec.containers[0].command[2], new RegExp(`_ilm/policy/${ILM_POLICY}`));
    assert.match(job.spec.template.spec.containers[0].command[2], /--cacert/);
  });

  it("never exposes Elasticsearch: ClusterIP only, no LoadBalancer/NodePort Service, Ingress or route to it", () => {
    assert.equal(soleObject(run, "Elasticsearch").spec.http.service.spec.type, "ClusterIP");
    for (const svc of objects(run, "Service") as (K8sObject & Inputs)[]) {
      if (exposesElasticsearch(svc)) assert.equal(svc.spec?.type ?? "ClusterIP", "ClusterIP", `${svc.metadata.name}`);
    }
    for (const kind of ["Ingress", "HTTPRoute", "TCPRoute", "TLSRoute", "GRPCRoute", "TCPIngress", "UDPIngress"]) {
      for (const o of objects(run, kind) as (K8sObject & Inputs)[]) {
        assert.ok(!exposesElasticsearch(o), `${kind} ${o.metadata.name} routes to Elasticsearch`);
      }
    }
    for (const r of ofType(run, "kubernetes:helm.sh/v3:Release")) {
      assert.ok(
        !JSON.stringify(r.inputs.values ?? {}).includes("pipeline-logs-es-http"),
        `${r.name} values reference Elasticsearch`,
      );
    }
  });

  it("admits Elasticsearch traffic only from the shipper, readers, monitoring, its operator and itself", () => {
    const policy = named(run, "NetworkPolicy", "elasticsearch-ingress", "dp-logging");
    const sources = ingressSourceNamespaces(policy);
    assert.deepEqual([...new Set(sources)].sort(), [
      "dp-logging",
      "dp-node-agents",
      "dp-observability",
      "dp-operators",
      "dp-services",
    ]);
    assert.ok(
      policy.spec.ingress.every((r: Inputs) => r.from.length > 0),
      "no rule admits every source",
    );
  });

  it("protects MongoDB, RabbitMQ and Elasticsearch on a production stack", () => {
    for (const kind of ["PerconaServerMongoDB", "RabbitmqCluster", "Elasticsearch"]) {
      assert.ok(resourceOf(run, soleObject(run, kind)).protect, kind);
    }
  });
});

describe("MongoDB backups on an existing cluster", () => {
  it("go to a MinIO bucket with the MinIO application user's keys", async () => {
    const run = await runStack(existingStack());
    const storage = Object.values(soleObject(run, "PerconaServerMongoDB").spec.backup.storages)[0] as Inputs;
    assert.equal(storage.s3.bucket, "mongodb-backups");
    assert.equal(storage.s3.endpointUrl, "http://minio.dp-data.svc.cluster.local");
    assert.ok(soleObject(run, "Tenant").spec.buckets.some((b: Inputs) => b.name === "mongodb-backups"));
  });
});

describe("data layer II config errors", () => {
  it("rejects fewer than 3 members, nodes or replicas outside dev", () => {
    const { values, secretKeys } = toStackConfig(
      existingStack({
        datastores: { mongodb: { members: 1 }, rabbitmq: { replicas: 2 }, elasticsearch: { nodes: 1 } },
      }),
    );
    try {
      parseConfig(values, new Set(secretKeys));
      assert.fail("accepted");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /datastores\.mongodb\.members = 1: at least 3/);
      assert.match(e.message, /datastores\.rabbitmq\.replicas = 2: at least 3/);
      assert.match(e.message, /datastores\.elasticsearch\.nodes = 1: at least 3/);
    }
  });
});
