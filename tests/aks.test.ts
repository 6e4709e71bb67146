/** The AKS target: zones 1-3 on every pool, autoscaler with converted counts, workload identity, KMS. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { toAzureCliLogin } from "../providers/aks/kubeconfig";
import { STACKS_DIR, withConfig, configProblems } from "./fixtures";
import { Inputs, objects, ofType } from "./harness/query";
import { CapturedResource, runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";

const AKS = path.join(STACKS_DIR, "Pulumi.hooli-aks.yaml");
const input = (r: CapturedResource) => r.inputs as Inputs;
const one = (run: StackRun, type: string) => {
  const found = ofType(run, type);
  assert.equal(found.length, 1, `expected one ${type}`);
  return found[0];
};

describe("AKS target", () => {
  let run: StackRun;
  let cluster: Inputs;
  before(async () => {
    run = await runStack(readStackFile(AKS));
    cluster = input(one(run, "azure-native:containerservice:ManagedCluster"));
  });

  it("puts every pool in zones 1, 2 and 3, with the autoscaler on and per-zone counts converted to totals", () => {
    const system = cluster.agentPoolProfiles[0];
    const user = input(one(run, "azure-native:containerservice:AgentPool"));
    for (const p of [system, user]) {
      assert.deepEqual(p.availabilityZones, ["1", "2", "3"]);
      assert.equal(p.enableAutoScaling, true);
    }
    // 1-2 and 2-8 nodes per zone over 3 zones.
    assert.deepEqual([system.minCount, system.maxCount], [3, 6]);
    assert.deepEqual([user.minCount, user.maxCount], [6, 24]);
    assert.ok(one(run, "azure-native:containerservice:AgentPool").ignoreChanges.includes("count"));
    assert.ok(
      one(run, "azure-native:containerservice:ManagedCluster").ignoreChanges.includes("agentPoolProfiles[0].count"),
    );
  });

  it("keeps the system pool for critical add-ons only", () => {
    const system = cluster.agentPoolProfiles[0];
    assert.equal(system.mode, "System");
    assert.deepEqual(system.nodeTaints, ["CriticalAddonsOnly=true:NoSchedule"]);
    assert.equal(input(one(run, "azure-native:containerservice:AgentPool")).mode, "User");
  });

  it("turns on the OIDC issuer, workload identity, a network policy engine and a tuned autoscaler profile", () => {
    assert.equal(cluster.oidcIssuerProfile.enabled, true);
    assert.equal(cluster.securityProfile.workloadIdentity.enabled, true);
    assert.deepEqual(
      [cluster.networkProfile.networkPluginMode, cluster.networkProfile.networkPolicy],
      ["overlay", "cilium"],
    );
    assert.deepEqual(cluster.autoScalerProfile, {
      scanInterval: "10s",
      expander: "least-waste",
      scaleDownUnneededTime: "10m",
      scaleDownDelayAfterAdd: "10m",
      balanceSimilarNodeGroups: "true",
    });
  });

  it("encrypts etcd with a Key Vault key the stack creates, reachable by the control-plane identity", () => {
    const kms = cluster.securityProfile.azureKeyVaultKms;
    assert.equal(kms.enabled, true);
    assert.match(kms.keyId, /\/keys\/.+\/0123$/);
    const key = input(one(run, "azure-native:keyvault:Key"));
    assert.equal(key.properties.rotationPolicy.lifetimeActions[0].action.type, "rotate");
    assert.deepEqual(cluster.identity.type, "UserAssigned");
    const roles = ofType(run, "azure-native:authorization:RoleAssignment").map(input);
    assert.ok(
      roles.some((r) => String(r.roleDefinitionId).endsWith("12338af0-0e69-4776-bea7-57ae8d297424")),
      "Key Vault Crypto User",
    );
  });

  it("uses Entra ID with Azure RBAC and no local accounts, and a kubelogin kubeconfig as a secret", () => {
    assert.deepEqual([cluster.aadProfile.managed, cluster.aadProfile.enableAzureRBAC], [true, true]);
    assert.equal(cluster.disableLocalAccounts, true);
    const provider = one(run, "pulumi:providers:kubernetes");
    assert.ok(provider.secretPaths.includes("kubeconfig"));
    assert.match(String(provider.inputs.kubeconfig), /kubelogin/);
    assert.match(String(provider.inputs.kubeconfig), /- azurecli/);
    assert.deepEqual(cluster.apiServerAccessProfile.authorizedIPRanges, ["198.51.100.0/24"]);
  });

  it("creates a zonal disk StorageClass that binds on first consumer", () => {
    const [sc] = objects(run, "StorageClass") as Inputs[];
    assert.equal(sc.provisioner, "disk.csi.azure.com");
    assert.equal(sc.parameters.skuName, "Premium_LRS");
    assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
  });

  it("locks storage accounts down: TLS 1.2, HTTPS only, no public blob access, versioning", () => {
    const accounts = ofType(run, "azure-native:storage:StorageAccount");
    assert.ok(accounts.length >= 2);
    for (const a of accounts.map(input)) {
      assert.deepEqual(
        [a.minimumTlsVersion, a.enableHttpsTrafficOnly, a.allowBlobPublicAccess],
        ["TLS1_2", true, false],
      );
    }
    assert.ok(
      ofType(run, "azure-native:storage:BlobServiceProperties").every((p) => input(p).isVersioningEnabled === true),
    );
    assert.ok(ofType(run, "azure-native:storage:BlobContainer").every((c) => input(c).publicAccess === "None"));
  });

  it("federates a managed identity with the Postgres ServiceAccount and labels its pods for workload identity", () => {
    const creds = ofType(run, "azure-native:managedidentity:FederatedIdentityCredential").map(input);
    assert.ok(creds.some((c) => c.subject === "system:serviceaccount:dp-data:postgres"));
    const pg = objects(run, "Cluster", "dp-data")[0] as Inputs;
    assert.ok(pg.spec.serviceAccountTemplate.metadata.annotations["azure.workload.identity/client-id"]);
    assert.deepEqual(pg.spec.inheritedMetadata.labels, { "azure.workload.identity/use": "true" });
    const mongo = objects(run, "PerconaServerMongoDB", "dp-data")[0] as Inputs;
    assert.equal((Object.values(mongo.spec.backup.storages)[0] as Inputs).type, "azure");
  });
});

describe("AKS kubeconfig", () => {
  it("switches kubelogin from the interactive device code to the Azure CLI login", () => {
    assert.equal(
      toAzureCliLogin("args:\n- get-token\n- --login\n- devicecode\n"),
      "args:\n- get-token\n- --login\n- azurecli\n",
    );
  });
});

describe("AKS config errors", () => {
  const problems = (extra: Record<string, unknown>) => configProblems(withConfig(readStackFile(AKS), extra));
  const azure = {
    location: "westeurope",
    tenantId: "5f0a2c7e-1b3d-4e6f-9a8b-7c6d5e4f3a2b",
    adminGroupObjectIds: ["3b1d2c4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"],
  };

  it("rejects min greater than max", () => {
    const pools = [
      { name: "system", role: "system", machineType: "Standard_D4s_v5", minPerZone: 2, maxPerZone: 1 },
      { name: "workload", role: "workload", machineType: "Standard_D8s_v5", minPerZone: 1, maxPerZone: 2 },
    ];
    assert.match(problems({ nodePools: pools }), /minPerZone \(2\) must be less than or equal to maxPerZone \(1\)/);
  });

  it("rejects a bad CIDR and a node subnet outside the VNet", () => {
    assert.match(
      problems({ azure: { ...azure, podCidr: "192.168.0.0/40" } }),
      /azure\.podCidr = "192\.168\.0\.0\/40": expected an IPv4 CIDR/,
    );
    assert.match(
      problems({ azure: { ...azure, nodeSubnetCidr: "10.99.0.0/20" } }),
      /nodeSubnetCidr = "10\.99\.0\.0\/20": not inside vnetCidr/,
    );
  });

  it("rejects an empty VM size", () => {
    const pools = [
      { name: "system", role: "system", machineType: "", minPerZone: 1, maxPerZone: 2 },
      { name: "workload", role: "workload", machineType: "Standard_D8s_v5", minPerZone: 1, maxPerZone: 2 },
    ];
    assert.match(problems({ nodePools: pools }), /nodePools\[0\]\.machineType/);
  });

  it("rejects disabling local accounts with no admin group", () => {
    assert.match(
      problems({ azure: { ...azure, adminGroupObjectIds: [] } }),
      /adminGroupObjectIds: empty while disableLocalAccounts is true/,
    );
  });
});
