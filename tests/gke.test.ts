/** The GKE target: private, regional, 3 zones, KMS-encrypted secrets, Workload Identity, Dataplane V2. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { readStackConfig } from "../config/load";
import { buildCloud } from "../providers/gke";
import { loadBalancerAnnotations, serviceAccountId } from "../providers/gke/seam";
import { allocatable } from "../providers/gke/machine-types";
import { NODE_ROLES } from "../providers/gke/node-identity";
import { STACKS_DIR, withConfig, configProblems } from "./fixtures";
import { byUrn, Inputs, objects, ofType } from "./harness/query";
import { CapturedResource, runProgram, runStack, StackRun } from "./harness/run-stack";
import { parseStackFile, readStackFile, StackFile } from "./harness/stack-file";

const GKE_STACK = path.join(STACKS_DIR, "Pulumi.globex-gke.yaml");

const one = (run: StackRun, type: string): CapturedResource => {
  const found = ofType(run, type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};

/** The GKE example stack with some config keys replaced. */
const gkeStack = (extra: Record<string, unknown>): StackFile => withConfig(readStackFile(GKE_STACK), extra);

describe("GKE target", () => {
  let run: StackRun;
  let cluster: Inputs;
  before(async () => {
    run = await runStack(readStackFile(GKE_STACK));
    cluster = one(run, "gcp:container/cluster:Cluster").inputs;
  });

  it("is regional with nodes in 3 distinct zones of the region", () => {
    assert.equal(cluster.location, "europe-west1");
    assert.equal(new Set(cluster.nodeLocations).size, 3);
    for (const z of cluster.nodeLocations) assert.match(z, /^europe-west1-[a-z]$/);
    assert.deepEqual(run.outputs.zones, cluster.nodeLocations);
  });

  it("has private nodes and a control plane restricted to the configured CIDRs", () => {
    assert.equal(cluster.privateClusterConfig.enablePrivateNodes, true);
    assert.deepEqual(
      cluster.masterAuthorizedNetworksConfig.cidrBlocks.map((b: Inputs) => b.cidrBlock),
      ["198.51.100.0/24", "203.0.113.32/28"],
    );
  });

  it("encrypts secrets with the stack's rotating KMS key, granted to the GKE service agent first", () => {
    const key = one(run, "gcp:kms/cryptoKey:CryptoKey");
    assert.equal(key.inputs.rotationPeriod, "7776000s");
    assert.equal(cluster.databaseEncryption.state, "ENCRYPTED");
    assert.equal(cluster.databaseEncryption.keyName, `${key.name}-id`);
    const grant = one(run, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    assert.equal(grant.inputs.role, "roles/cloudkms.cryptoKeyEncrypterDecrypter");
    assert.match(
      String(grant.inputs.member),
      /^serviceAccount:service-\d+@container-engine-robot\.iam\.gserviceaccount\.com$/,
    );
    assert.ok(one(run, "gcp:container/cluster:Cluster").dependsOn.includes(grant.urn));
    assert.ok(key.protect, "the key is protected on a production stack");
  });

  it("enables Workload Identity, Dataplane V2, shielded nodes and logging/monitoring components", () => {
    assert.equal(cluster.workloadIdentityConfig.workloadPool, "globex-platform-prod.svc.id.goog");
    assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
    assert.equal(cluster.enableShieldedNodes, true);
    assert.ok(cluster.loggingConfig.enableComponents.includes("APISERVER"));
    assert.ok(cluster.loggingConfig.enableComponents.includes("WORKLOADS"));
    assert.ok(cluster.monitoringConfig.enableComponents.includes("SYSTEM_COMPONENTS"));
    assert.equal(cluster.releaseChannel.channel, "STABLE");
    assert.equal(cluster.maintenancePolicy.recurringWindow.recurrence, "FREQ=WEEKLY;BYDAY=SA,SU");
    assert.equal(cluster.clusterAutoscaling.autoscalingProfile, "OPTIMIZE_UTILIZATION");
    assert.equal(cluster.deletionProtection, true);
  });

  it("removes the default node pool", () => {
    assert.equal(cluster.removeDefaultNodePool, true);
  });

  it("autoscales every pool per zone with the configured min/max, ignoring autoscaler-owned counts", () => {
    const pools = ofType(run, "gcp:container/nodePool:NodePool");
    const byName = Object.fromEntries(
      pools.map((p) => [p.inputs.nodeConfig && (p.inputs.nodeConfig as Inputs).labels["dedicated-platform/pool"], p]),
    );
    // Config counts per zone; GKE's minNodeCount/maxNodeCount on a regional pool count per zone too.
    assert.deepEqual(byName.system.inputs.autoscaling as Inputs, {
      minNodeCount: 1,
      maxNodeCount: 2,
      locationPolicy: "BALANCED",
    });
    assert.deepEqual(byName.workload.inputs.autoscaling as Inputs, {
      minNodeCount: 2,
      maxNodeCount: 10,
      locationPolicy: "BALANCED",
    });
    for (const p of pools) {
      const i = p.inputs as Inputs;
      assert.equal(i.autoscaling.totalMinNodeCount, undefined, "total counts would mean something else");
      assert.deepEqual(i.management, { autoRepair: true, autoUpgrade: true });
      assert.equal(i.upgradeSettings.maxUnavailable, 0);
      assert.deepEqual(i.nodeLocations, cluster.nodeLocations);
      assert.ok(p.ignoreChanges.includes("initialNodeCount") && p.ignoreChanges.includes("nodeCount"));
      assert.equal(i.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA");
    }
    assert.equal((byName.system.inputs.nodeConfig as Inputs).taints.length, 1, "system pool keeps workloads off");
  });

  it("runs nodes as a dedicated least-privilege service account, not the default compute one", () => {
    const accounts = ofType(run, "gcp:serviceaccount/account:Account");
    const nodeSa = accounts.find((a) => a.inputs.accountId === "globex-gke-nodes");
    assert.ok(nodeSa);
    const email = "globex-gke-nodes@mock-project.iam.gserviceaccount.com";
    for (const p of ofType(run, "gcp:container/nodePool:NodePool")) {
      const sa = (p.inputs.nodeConfig as Inputs).serviceAccount;
      assert.equal(sa, email);
      assert.doesNotMatch(sa, /-compute@developer\.gserviceaccount\.com$/);
    }
    const roles = ofType(run, "gcp:projects/iAMMember:IAMMember").map((m) => m.inputs.role);
    assert.deepEqual(roles.sort(), [...NODE_ROLES].sort());
    assert.ok(!roles.some((r) => /owner|editor/.test(String(r))));
  });

  it("builds a VPC-native network with Cloud NAT and only the firewall rules GKE needs", () => {
    const subnet = one(run, "gcp:compute/subnetwork:Subnetwork").inputs as Inputs;
    assert.deepEqual(
      subnet.secondaryIpRanges.map((r: Inputs) => r.rangeName),
      ["pods", "services"],
    );
    assert.equal(subnet.privateIpGoogleAccess, true);
    assert.equal(cluster.networkingMode, "VPC_NATIVE");
    // The NAT is the stack's router's (named by the provider), in the cluster's region.
    const router = one(run, "gcp:compute/router:Router");
    const nat = one(run, "gcp:compute/routerNat:RouterNat").inputs as Inputs;
    assert.equal(nat.router, `${router.name}-mock`);
    assert.equal(nat.region, router.inputs.region);
    const rules = ofType(run, "gcp:compute/firewall:Firewall");
    assert.equal(rules.length, 2);
    for (const r of rules) assert.ok(!(r.inputs.sourceRanges as string[]).includes("0.0.0.0/0"));
  });

  it("gives the platform a gke-gcloud-auth-plugin kubeconfig, as a secret", () => {
    const provider = one(run, "pulumi:providers:kubernetes");
    assert.ok(provider.secretPaths.includes("kubeconfig"));
    const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
    assert.equal(kubeconfig.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.ok(run.secretOutputs.includes("kubeconfig"));
    const dependsOn = provider.dependsOn.map((u) => byUrn(run, u)?.type);
    assert.ok(dependsOn.includes("gcp:container/nodePool:NodePool"), "the provider waits for the node pools");
  });

  it("creates a zone-aware StorageClass that binds on first consumer", () => {
    const [sc] = objects(run, "StorageClass") as Inputs[];
    assert.equal(sc.provisioner, "pd.csi.storage.gke.io");
    assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
    assert.equal(sc.allowVolumeExpansion, true);
    assert.equal(sc.reclaimPolicy, "Retain");
    assert.equal(sc.parameters.type, "pd-ssd");
  });

  it("derives allocatable capacity from the machine type", () => {
    const a = allocatable("n2-standard-8");
    assert.ok(a);
    assert.ok(a.cpu > 7.8 && a.cpu < 8, String(a.cpu));
    assert.ok(a.memory > 28 * 1024 ** 3 && a.memory < 32 * 1024 ** 3);
  });
});

describe("GKE config errors", () => {
  const problems = (extra: Record<string, unknown>) => configProblems(gkeStack(extra));
  const gcp = (over: Record<string, unknown>) => ({ project: "globex-platform-prod", region: "europe-west1", ...over });

  it("rejects zones outside the region", () => {
    assert.match(
      problems({ zones: ["europe-west1-b", "europe-west1-c", "us-east1-b"] }),
      /us-east1-b not in region europe-west1/,
    );
  });

  it("rejects min greater than max", () => {
    const pools = [
      { name: "system", role: "system", machineType: "e2-standard-4", minPerZone: 1, maxPerZone: 2 },
      { name: "workload", role: "workload", machineType: "n2-standard-8", minPerZone: 5, maxPerZone: 3 },
    ];
    assert.match(
      problems({ nodePools: pools }),
      /nodePools\[1\]\.minPerZone = 5: minPerZone \(5\) must be less than or equal to maxPerZone \(3\)/,
    );
  });

  it("rejects overlapping CIDRs", () => {
    assert.match(
      problems({ gcp: gcp({ podsCidr: "10.10.8.0/21" }) }),
      /nodesCidr \(10\.10\.0\.0\/20\) overlaps podsCidr \(10\.10\.8\.0\/21\)/,
    );
  });

  it("rejects a malformed CIDR and a control-plane range that is not a /28", () => {
    assert.match(
      problems({ gcp: gcp({ servicesCidr: "10.20.0.0/40" }) }),
      /gcp\.servicesCidr = "10\.20\.0\.0\/40": expected an IPv4 CIDR/,
    );
    assert.match(
      problems({ gcp: gcp({ masterCidr: "172.16.0.0/24" }) }),
      /masterCidr = "172\.16\.0\.0\/24": GKE needs a \/28/,
    );
  });

  it("requires the gcp settings and a machine type for every pool", () => {
    const pools = [
      { name: "system", role: "system", minPerZone: 1, maxPerZone: 2 },
      { name: "workload", role: "workload", machineType: "n2-standard-8", minPerZone: 1, maxPerZone: 3 },
    ];
    const msg = problems({ gcp: undefined, nodePools: pools });
    assert.match(msg, /dedicated-platform:gcp: required when dedicated-platform:cloud is "gcp"/);
    assert.match(msg, /nodePools\[0\]\.machineType: required on cloud "gcp"/);
  });

  it("turns deletion protection off by default only on dev stacks", () => {
    assert.equal(parseStackFile(gkeStack({ environment: "dev" })).gcp?.deletionProtection, false);
  });
});

describe("GKE seam: workload identity and object store", () => {
  let run: StackRun;
  before(async () => {
    run = await runProgram(readStackFile(GKE_STACK), async () => {
      const target = await buildCloud(readStackConfig());
      assert.ok(target.objectStore && target.workloadIdentity);
      const store = target.objectStore("backups");
      const identity = target.workloadIdentity("postgres", { namespace: "dp-data", name: "postgres" }, [
        { kind: "objectStore", store, access: "readWrite" },
      ]);
      return { annotations: identity.serviceAccountAnnotations, bucket: store.bucket, api: store.api };
    });
  });

  it("creates a locked-down, versioned GCS bucket, protected on a production stack", () => {
    const bucket = one(run, "gcp:storage/bucket:Bucket");
    const b = bucket.inputs as Inputs;
    assert.equal(b.uniformBucketLevelAccess, true);
    assert.equal(b.publicAccessPrevention, "enforced");
    assert.deepEqual(b.versioning, { enabled: true });
    assert.equal(b.forceDestroy, false);
    assert.ok(bucket.protect);
    assert.equal(run.outputs.api, "gcs");
  });

  it("binds a Google service account to the Kubernetes one and grants it the bucket", () => {
    const gsa = ofType(run, "gcp:serviceaccount/account:Account").find((a) => a.inputs.accountId === "globex-postgres");
    assert.ok(gsa);
    const binding = one(run, "gcp:serviceaccount/iAMMember:IAMMember").inputs as Inputs;
    assert.equal(binding.role, "roles/iam.workloadIdentityUser");
    assert.equal(binding.member, "serviceAccount:globex-platform-prod.svc.id.goog[dp-data/postgres]");
    const grant = one(run, "gcp:storage/bucketIAMMember:BucketIAMMember").inputs as Inputs;
    assert.equal(grant.role, "roles/storage.objectUser");
    assert.equal(grant.member, "serviceAccount:globex-postgres@mock-project.iam.gserviceaccount.com");
    assert.deepEqual(run.outputs.annotations, {
      "iam.gke.io/gcp-service-account": "globex-postgres@mock-project.iam.gserviceaccount.com",
    });
  });

  it("keeps service account ids within GCP's 30 characters", () => {
    const id = serviceAccountId("a-rather-long-customer", "elasticsearch-snapshots");
    assert.ok(id.length <= 30 && /^[a-z]([-a-z0-9]*[a-z0-9])$/.test(id), id);
    assert.notEqual(id, serviceAccountId("a-rather-long-customer", "elasticsearch-snapshots-2"));
  });
});

describe("GKE load balancer annotations", () => {
  it("asks for an internal load balancer only when told to", () => {
    assert.deepEqual(loadBalancerAnnotations("internal"), { "networking.gke.io/load-balancer-type": "Internal" });
    assert.equal(loadBalancerAnnotations("public")["networking.gke.io/load-balancer-type"], undefined);
  });
});
