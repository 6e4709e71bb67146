/** Data layer I: operators, Postgres, Redis and object storage, each surviving the loss of a zone. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { CHARTS } from "../lib/versions";
import { STACKS_DIR, existingStack, withConfig, configProblems } from "./fixtures";
import {
  byUrn,
  ingressSourceNamespaces,
  Inputs,
  isSecretAt,
  isUnknown,
  K8sObject,
  named,
  objects,
  ofType,
  resourceOf,
  soleObject,
} from "./harness/query";
import { CapturedResource, runStack, StackRun } from "./harness/run-stack";
import { parseStackFile, readStackFile } from "./harness/stack-file";

const ZONE = "topology.kubernetes.io/zone";

/** The Helm release a resource depends on (directly), by chart name. */
function dependsOnChart(run: StackRun, r: CapturedResource): string[] {
  return r.dependsOn
    .map((u) => byUrn(run, u))
    .filter((d) => d?.type === "kubernetes:helm.sh/v3:Release")
    .map((d) => String(d!.inputs.chart));
}

/** A required pod anti-affinity on the zone key. */
function requiresOnePerZone(affinity: Inputs | undefined): boolean {
  const terms = affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.some((t: Inputs) => t.topologyKey === ZONE);
}

function hasRequestsAndLimits(resources: Inputs | undefined): boolean {
  return Boolean(
    resources?.requests?.cpu && resources?.requests?.memory && resources?.limits?.cpu && resources?.limits?.memory,
  );
}

/** Every string in `value` that contains `needle`, with its path. */
function find(value: unknown, needle: string, at = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => find(v, needle, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => find(v, needle, at ? `${at}.${k}` : k));
  return [];
}

describe("data layer on an existing cluster (MinIO backend)", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.acme-onprem.yaml")));
  });

  it("installs the operators from the pinned charts into the operators namespace", () => {
    const dataOperators = [
      CHARTS.cloudnativePg,
      CHARTS.redisOperator,
      CHARTS.minioOperator,
      CHARTS.psmdbOperator,
      CHARTS.eckOperator,
      CHARTS.keda,
      CHARTS.certManager, // the RabbitMQ operator's webhook certificates
    ];
    const releases = ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs as Inputs);
    const inOperators = releases.filter((r) => r.namespace === "dp-operators");
    assert.deepEqual(inOperators.map((r) => r.chart).sort(), dataOperators.map((c) => c.chart).sort());
    for (const r of releases) {
      const pin = Object.values(CHARTS).find((c) => c.chart === r.chart);
      assert.ok(pin, `${r.chart} is not pinned in versions.ts`);
      assert.equal(r.version, pin.version);
      assert.equal(r.repositoryOpts.repo, pin.repo);
      assert.equal(r.atomic, true, `${r.chart}: a failed install or upgrade must roll back`);
    }
  });

  it("applies every custom resource after the operator that owns its CRD", () => {
    const owner: Record<string, string> = {
      Cluster: "cloudnative-pg",
      Database: "cloudnative-pg",
      ScheduledBackup: "cloudnative-pg",
      RedisReplication: "redis-operator",
      RedisSentinel: "redis-operator",
      Tenant: "operator",
    };
    for (const [kind, chart] of Object.entries(owner)) {
      const r = resourceOf(run, soleObject(run, kind));
      const direct = dependsOnChart(run, r);
      // Database and ScheduledBackup wait for the Cluster, which waits for the operator.
      const viaCluster = r.dependsOn
        .map((u) => byUrn(run, u))
        .filter((d) => d?.inputs.kind === "Cluster")
        .flatMap((c) => dependsOnChart(run, c!));
      assert.ok([...direct, ...viaCluster].includes(chart), `${kind} is not ordered after ${chart}`);
    }
  });

  it("runs Postgres as 3 instances, one per zone, with synchronous replication and a PDB", () => {
    const pg = soleObject(run, "Cluster");
    assert.equal(pg.spec.instances, 3);
    assert.deepEqual(pg.spec.affinity, {
      enablePodAntiAffinity: true,
      topologyKey: ZONE,
      podAntiAffinityType: "required",
    });
    assert.deepEqual(pg.spec.postgresql.synchronous, { method: "any", number: 1, dataDurability: "required" });
    assert.equal(pg.spec.enablePDB, true, "CloudNativePG creates the PDBs (at most one instance down)");
    assert.ok(hasRequestsAndLimits(pg.spec.resources));
    assert.equal(pg.spec.storage.storageClass, "topolvm-provisioner");
  });

  it("gives Kong and FusionAuth separate databases and owners with generated passwords in Secrets", () => {
    const pg = soleObject(run, "Cluster");
    assert.equal(pg.spec.bootstrap.initdb.database, "kong");
    assert.equal(pg.spec.bootstrap.initdb.owner, "kong");
    assert.equal(pg.spec.bootstrap.initdb.secret.name, "postgres-kong");
    assert.deepEqual(
      pg.spec.managed.roles.map((r: Inputs) => [r.name, r.passwordSecret.name]),
      [["fusionauth", "postgres-fusionauth"]],
    );
    const db = soleObject(run, "Database");
    assert.deepEqual([db.spec.name, db.spec.owner, db.spec.cluster.name], ["fusionauth", "fusionauth", "postgres"]);
    for (const name of ["postgres-kong", "postgres-fusionauth"]) {
      const secret = objects(run, "Secret", "dp-data").find((s) => s.metadata.name === name) as K8sObject & Inputs;
      assert.equal(secret.type, "kubernetes.io/basic-auth");
      assert.ok(isSecretAt(resourceOf(run, secret), "stringData.password"), `${name} password is not a Pulumi secret`);
    }
  });

  it("backs Postgres up on a schedule, with WAL archiving and retention, to MinIO on a cloudless target", () => {
    const pg = soleObject(run, "Cluster");
    assert.equal(pg.spec.backup.retentionPolicy, "30d");
    const store = pg.spec.backup.barmanObjectStore;
    assert.equal(store.destinationPath, "s3://postgres-backups/postgres");
    assert.equal(store.endpointURL, "http://minio.dp-data.svc.cluster.local");
    assert.equal(store.s3Credentials.accessKeyId.name, "minio-app-user");
    const scheduled = soleObject(run, "ScheduledBackup");
    assert.equal(scheduled.spec.cluster.name, "postgres");
    assert.equal(scheduled.spec.method, "barmanObjectStore");
    assert.match(scheduled.spec.schedule, /^(\S+\s+){5}\S+$/);
    assert.ok(soleObject(run, "Tenant").spec.buckets.some((b: Inputs) => b.name === "postgres-backups"));
  });

  it("runs Redis with 3 replicas and 3 sentinels, one per zone, auth on, PDBs, resources", () => {
    const rep = soleObject(run, "RedisReplication");
    const sen = soleObject(run, "RedisSentinel");
    assert.equal(rep.spec.clusterSize, 3);
    assert.equal(sen.spec.clusterSize, 3);
    for (const r of [rep, sen]) {
      assert.ok(requiresOnePerZone(r.spec.affinity), `${r.kind} not spread one per zone`);
      assert.deepEqual(r.spec.pdb, { enabled: true, maxUnavailable: 1 });
      assert.ok(hasRequestsAndLimits(r.spec.kubernetesConfig.resources));
      assert.equal(r.spec.kubernetesConfig.redisSecret.name, "redis-auth");
      assert.doesNotMatch(r.spec.kubernetesConfig.image, /bitnami/);
    }
    assert.equal(sen.spec.redisSentinelConfig.quorum, "2", "a majority of 3 sentinels survives a zone");
    assert.equal(sen.spec.redisSentinelConfig.redisReplicationName, rep.metadata.name);
  });

  it("runs MinIO one server per zone with parity that covers a whole zone, and a PDB", () => {
    const tenant = soleObject(run, "Tenant");
    const pool = tenant.spec.pools[0];
    assert.equal(pool.servers, 3);
    assert.ok(requiresOnePerZone(pool.affinity));
    assert.ok(hasRequestsAndLimits(pool.resources));
    const config = objects(run, "Secret", "dp-data").find(
      (s) => s.metadata.name === "minio-configuration",
    ) as K8sObject & Inputs;
    assert.match(
      config.stringData["config.env"],
      new RegExp(`MINIO_STORAGE_CLASS_STANDARD="EC:${pool.volumesPerServer}"`),
    );
    assert.ok(isSecretAt(resourceOf(run, config), "stringData.config.env"));
    const pdb = objects(run, "PodDisruptionBudget", "dp-data").find((p) => p.metadata.name === "minio") as Inputs;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, { "v1.min.io/tenant": "minio" });
  });

  it("protects every data-bearing custom resource on a production stack", () => {
    for (const kind of ["Cluster", "Database", "RedisReplication", "Tenant"]) {
      assert.ok(resourceOf(run, soleObject(run, kind)).protect, `${kind} is not protected`);
    }
  });

  it("never shows a generated password in plain text, in inputs or outputs", () => {
    for (const r of run.resources) {
      for (const at of find(r.inputs, "mock-random-")) {
        assert.ok(isSecretAt(r, at), `${r.type} ${r.name} ${at}`);
      }
    }
    for (const [name, value] of Object.entries(run.outputs)) {
      if (find(value, "mock-random-").length > 0)
        assert.ok(run.secretOutputs.includes(name), `output ${name} leaks a password`);
    }
    assert.ok(run.secretOutputs.includes("datastoreSecrets"));
  });

  it("admits Postgres traffic only from its consumers, itself, its operator and monitoring", () => {
    const sources = ingressSourceNamespaces(named(run, "NetworkPolicy", "postgres-ingress", "dp-data"));
    assert.deepEqual([...new Set(sources)].sort(), [
      "dp-data",
      "dp-gateway",
      "dp-identity",
      "dp-observability",
      "dp-operators",
    ]);
    assert.ok(!sources.includes("dp-services"));
    const redisSources = ingressSourceNamespaces(named(run, "NetworkPolicy", "redis-ingress", "dp-data"));
    assert.ok(!redisSources.includes("dp-identity") && !redisSources.includes("dp-pipelines"));
  });
});

describe("data layer on GKE", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")));
  });

  it("backs Postgres up to a GCS bucket through Workload Identity, not keys", () => {
    const pg = soleObject(run, "Cluster");
    assert.match(
      pg.spec.backup.barmanObjectStore.destinationPath,
      /^gs:\/\/globex-platform-prod-globex-pg-backups\/postgres$/,
    );
    assert.deepEqual(pg.spec.backup.barmanObjectStore.googleCredentials, { gkeEnvironment: true });
    assert.match(
      pg.spec.serviceAccountTemplate.metadata.annotations["iam.gke.io/gcp-service-account"],
      /^globex-postgres@/,
    );
    const binding = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").map((m) => m.inputs.member);
    assert.ok(binding.includes("serviceAccount:globex-platform-prod.svc.id.goog[dp-data/postgres]"));
  });

  it("uses the GKE zone-aware StorageClass for every volume", () => {
    assert.equal(soleObject(run, "Cluster").spec.storage.storageClass, "dp-zonal");
    assert.equal(
      soleObject(run, "RedisReplication").spec.storage.volumeClaimTemplate.spec.storageClassName,
      "dp-zonal",
    );
  });
});

describe("data layer on a dev stack", () => {
  it("protects nothing, so a destroy works end to end", async () => {
    const run = await runStack(existingStack({ environment: "dev" }));
    for (const kind of ["Cluster", "Database", "RedisReplication", "Tenant"]) {
      assert.equal(resourceOf(run, soleObject(run, kind)).protect, false, kind);
    }
  });
});

describe("data layer config errors", () => {
  const problems = (extra: Record<string, unknown>) => configProblems(existingStack(extra));

  it("rejects an unknown object-storage backend", () => {
    assert.match(
      problems({ datastores: { objectStorage: { backend: "s3" } } }),
      /datastores\.objectStorage\.backend = "s3": Invalid option: expected one of "minio"\|"cloud"/,
    );
  });

  it("rejects fewer than 3 replicas outside dev, and accepts them on dev", () => {
    const msg = problems({ datastores: { postgres: { instances: 1 }, redis: { replicas: 2 } } });
    assert.match(msg, /datastores\.postgres\.instances = 1: at least 3/);
    assert.match(msg, /datastores\.redis\.replicas = 2: at least 3/);
    const config = parseStackFile(existingStack({ environment: "dev", datastores: { postgres: { instances: 1 } } }));
    assert.equal(config.datastores.postgres.instances, 1);
  });

  it("rejects the cloud backend on a target without a cloud store", () => {
    assert.match(
      problems({ datastores: { objectStorage: { backend: "cloud" } } }),
      /backend = "cloud": the existing target has no cloud object store/,
    );
  });

  it("rejects a MinIO layout larger than one erasure set", () => {
    assert.match(
      problems({ datastores: { objectStorage: { minio: { serversPerZone: 2, volumesPerServer: 4 } } } }),
      /= 24 drives; at most 16/,
    );
  });
});

describe("data layer with the cloud object-storage backend (GKE)", () => {
  let run: StackRun;
  before(async () => {
    const stack = withConfig(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")), {
      datastores: { objectStorage: { backend: "cloud" } },
    });
    run = await runStack(stack);
  });

  it("uses a locked-down GCS bucket and installs no MinIO", () => {
    const buckets = ofType(run, "gcp:storage/bucket:Bucket").map((b) => b.inputs as Inputs);
    const files = buckets.find((b) => String(b.name).endsWith("-static-files"));
    assert.ok(files, "no static-files bucket");
    assert.equal(files.publicAccessPrevention, "enforced");
    assert.equal(objects(run, "Tenant").length, 0);
    assert.ok(!ofType(run, "kubernetes:helm.sh/v3:Release").some((r) => r.inputs.chart === CHARTS.minioOperator.chart));
    assert.deepEqual(run.outputs.objectStorage, { backend: "cloud", bucket: files.name });
  });
});

describe("first preview of a new stack", () => {
  it("declares the whole platform while the cluster's outputs are still unknown", async () => {
    const run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml")), { preview: true });
    // Every pinned chart but the EKS-only ones: the GKE example uses cert-manager and has a Datadog key.
    const eksOnly = [
      CHARTS.clusterAutoscaler.chart,
      CHARTS.metricsServer.chart,
      CHARTS.awsLoadBalancerController.chart,
    ];
    assert.deepEqual(
      ofType(run, "kubernetes:helm.sh/v3:Release")
        .map((r) => r.inputs.chart)
        .sort(),
      Object.values(CHARTS)
        .map((c) => c.chart)
        .filter((c) => !eksOnly.includes(c))
        .sort(),
    );
    assert.equal(objects(run, "Cluster").length, 1);
    const provider = ofType(run, "pulumi:providers:kubernetes")[0];
    assert.ok(isUnknown(provider.inputs.kubeconfig), "the kubeconfig is unknown until the cluster exists");
  });
});
