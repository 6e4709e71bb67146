/**
 * The AKS cluster: every pool in zones 1-3, Azure CNI overlay with a network policy engine, OIDC
 * issuer and workload identity, a user-assigned identity for the control plane, Entra ID with Azure
 * RBAC (local accounts off when configured), KMS etcd encryption with a Key Vault key the stack
 * creates, upgrade channels and a maintenance window, and the cluster autoscaler with a tuned profile.
 *
 * Min/max: the config counts nodes per zone; an AKS pool spread over 3 zones counts in total, so
 * the provider multiplies by the number of zones.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import type { AzureConfig, NodePoolConfig } from "../../config/schema";
import { assignRole, ROLES } from "./roles";

export const SYSTEM_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/** AKS pool counts are totals over the pool's zones. */
export const toTotal = (pool: NodePoolConfig, zones: number) => ({
  minCount: pool.minPerZone * zones,
  maxCount: pool.maxPerZone * zones,
});

/** Agent pool names: lower-case alphanumerics, at most 12 characters. */
export const poolName = (name: string) => name.replace(/[^a-z0-9]/g, "").slice(0, 12);

export function createCluster(
  name: string,
  args: {
    config: PlatformConfig;
    azure: AzureConfig;
    zones: string[];
    resourceGroupName: pulumi.Output<string>;
    subscriptionId: pulumi.Output<string>;
  },
  opts: pulumi.CustomResourceOptions,
) {
  const { config, azure: a, zones } = args;
  const rg = args.resourceGroupName;
  const vnet = new network.VirtualNetwork(
    `${name}-vnet`,
    { resourceGroupName: rg, location: a.location, addressSpace: { addressPrefixes: [a.vnetCidr] } },
    { ...opts, ignoreChanges: ["subnets"] },
  );
  const subnet = new network.Subnet(
    `${name}-nodes`,
    { resourceGroupName: rg, virtualNetworkName: vnet.name, addressPrefix: a.nodeSubnetCidr },
    opts,
  );

  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-control-plane`,
    { resourceGroupName: rg, location: a.location },
    opts,
  );
  const vault = new keyvault.Vault(
    `${name}-kms`,
    {
      resourceGroupName: rg,
      location: a.location,
      properties: {
        tenantId: a.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
      },
    },
    { ...opts, protect: config.protectData },
  );
  const key = new keyvault.Key(
    `${name}-etcd`,
    {
      resourceGroupName: rg,
      vaultName: vault.name,
      properties: {
        kty: "RSA",
        keySize: 2048,
        keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
        rotationPolicy: {
          lifetimeActions: [{ action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } }],
          attributes: { expiryTime: "P2Y" },
        },
      },
    },
    // Losing the key makes every Secret in etcd unreadable.
    { ...opts, protect: config.protectData },
  );
  const grants = [
    assignRole(
      `${name}-kms-user`,
      {
        subscriptionId: args.subscriptionId,
        role: ROLES.keyVaultCryptoUser,
        principalId: identity.principalId,
        scope: vault.id,
      },
      opts,
    ),
    assignRole(
      `${name}-subnet`,
      {
        subscriptionId: args.subscriptionId,
        role: ROLES.networkContributor,
        principalId: identity.principalId,
        scope: subnet.id,
      },
      opts,
    ),
  ];

  const system = config.nodePools.find((p) => p.role === "system")!;
  const cluster = new containerservice.ManagedCluster(
    `${name}-aks`,
    {
      resourceGroupName: rg,
      location: a.location,
      dnsPrefix: `${config.customer}-platform`,
      kubernetesVersion: a.kubernetesVersion,
      sku: { name: "Base", tier: a.tier },
      identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
      agentPoolProfiles: [
        {
          name: poolName(system.name),
          mode: "System",
          vmSize: system.machineType,
          availabilityZones: zones,
          enableAutoScaling: true,
          ...toTotal(system, zones.length),
          count: system.minPerZone * zones.length,
          vnetSubnetID: subnet.id,
          osDiskType: "Managed",
          // Critical add-ons only: platform workloads go to the user pools.
          nodeTaints: [SYSTEM_TAINT],
          nodeLabels: { "dedicated-platform/pool": system.name, "dedicated-platform/role": "system" },
          type: "VirtualMachineScaleSets",
        },
      ],
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        networkPolicy: a.networkPolicy,
        ...(a.networkPolicy === "cilium" ? { networkDataplane: "cilium" } : {}),
        podCidr: a.podCidr,
        serviceCidr: a.serviceCidr,
        dnsServiceIP: serviceIp(a.serviceCidr, 10),
        loadBalancerSku: "standard",
        outboundType: "loadBalancer",
      },
      oidcIssuerProfile: { enabled: true },
      securityProfile: {
        workloadIdentity: { enabled: true },
        azureKeyVaultKms: { enabled: true, keyId: key.keyUriWithVersion, keyVaultNetworkAccess: "Public" },
      },
      aadProfile: {
        managed: true,
        enableAzureRBAC: true,
        adminGroupObjectIDs: a.adminGroupObjectIds,
        tenantID: a.tenantId,
      },
      disableLocalAccounts: a.disableLocalAccounts,
      autoUpgradeProfile: { upgradeChannel: a.upgradeChannel, nodeOSUpgradeChannel: a.nodeOsUpgradeChannel },
      apiServerAccessProfile: a.privateCluster
        ? { enablePrivateCluster: true }
        : { authorizedIPRanges: config.controlPlaneAllowedCidrs },
      autoScalerProfile: {
        scanInterval: a.autoscalerProfile.scanInterval,
        expander: a.autoscalerProfile.expander,
        scaleDownUnneededTime: a.autoscalerProfile.scaleDownUnneededTime,
        scaleDownDelayAfterAdd: a.autoscalerProfile.scaleDownDelayAfterAdd,
        balanceSimilarNodeGroups: "true",
      },
    },
    // The autoscaler owns the node counts: never diff on them.
    { ...opts, dependsOn: grants, ignoreChanges: ["agentPoolProfiles[0].count"] },
  );
  const pools = config.nodePools
    .filter((p) => p.role === "workload")
    .map(
      (p) =>
        new containerservice.AgentPool(
          `${name}-${p.name}`,
          {
            resourceGroupName: rg,
            resourceName: cluster.name,
            agentPoolName: poolName(p.name),
            mode: "User",
            vmSize: p.machineType,
            availabilityZones: zones,
            enableAutoScaling: true,
            ...toTotal(p, zones.length),
            count: p.minPerZone * zones.length,
            vnetSubnetID: subnet.id,
            osDiskType: "Managed",
            nodeLabels: { "dedicated-platform/pool": p.name, "dedicated-platform/role": p.role },
            type: "VirtualMachineScaleSets",
          },
          { ...opts, ignoreChanges: ["count"] },
        ),
    );
  new containerservice.MaintenanceConfiguration(
    `${name}-maintenance`,
    {
      resourceGroupName: rg,
      resourceName: cluster.name,
      configName: "aksManagedAutoUpgradeSchedule",
      maintenanceWindow: {
        schedule: { weekly: { dayOfWeek: a.maintenanceWindow.dayOfWeek, intervalWeeks: 1 } },
        durationHours: a.maintenanceWindow.durationHours,
        startTime: a.maintenanceWindow.startTime,
        utcOffset: "+00:00",
      },
    },
    opts,
  );
  return { cluster, pools, vault, key, identity, subnet };
}

/** The n-th address of a CIDR (the cluster DNS service sits at .10 of the service range). */
export function serviceIp(cidr: string, n: number): string {
  const [addr] = cidr.split("/");
  const parts = addr.split(".").map(Number);
  parts[3] += n;
  return parts.join(".");
}
