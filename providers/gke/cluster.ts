/** The regional, private GKE cluster, its default node pool removed. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import type { GkeNetwork } from "./network";
import type { SecretsKey } from "./encryption";

export interface ClusterArgs {
  config: PlatformConfig;
  gcp: NonNullable<PlatformConfig["gcp"]>;
  zones: string[];
  network: GkeNetwork;
  secretsKey: SecretsKey;
  nodeServiceAccount: pulumi.Input<string>;
}

export function createCluster(
  name: string,
  args: ClusterArgs,
  opts: pulumi.CustomResourceOptions,
): gcp.container.Cluster {
  const { config, gcp: g } = args;
  return new gcp.container.Cluster(
    `${name}-gke`,
    {
      location: g.region, // regional: the control plane is replicated across the region's zones
      nodeLocations: args.zones,
      network: args.network.network.id,
      subnetwork: args.network.subnet.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: args.network.podsRange,
        servicesSecondaryRangeName: args.network.servicesRange,
      },
      // The default pool cannot be configured as we need; it is created (GKE requires one) and removed.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: {
        serviceAccount: args.nodeServiceAccount,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: "GKE_METADATA" },
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: g.privateEndpoint,
        masterIpv4CidrBlock: g.masterCidr,
        masterGlobalAccessConfig: { enabled: true },
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: config.controlPlaneAllowedCidrs.map((cidrBlock) => ({ cidrBlock, displayName: cidrBlock })),
      },
      workloadIdentityConfig: { workloadPool: `${g.project}.svc.id.goog` },
      // Dataplane V2 (eBPF): enforces NetworkPolicy without the Calico add-on.
      datapathProvider: "ADVANCED_DATAPATH",
      releaseChannel: { channel: g.releaseChannel },
      maintenancePolicy: {
        recurringWindow: {
          startTime: g.maintenanceWindow.start,
          endTime: g.maintenanceWindow.end,
          recurrence: g.maintenanceWindow.recurrence,
        },
      },
      enableShieldedNodes: true,
      databaseEncryption: { state: "ENCRYPTED", keyName: args.secretsKey.key.id },
      clusterAutoscaling: { autoscalingProfile: g.autoscalingProfile },
      loggingConfig: {
        enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"],
      },
      monitoringConfig: {
        enableComponents: [
          "SYSTEM_COMPONENTS",
          "APISERVER",
          "CONTROLLER_MANAGER",
          "SCHEDULER",
          "STORAGE",
          "POD",
          "DEPLOYMENT",
          "STATEFULSET",
          "HPA",
        ],
      },
      addonsConfig: {
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
      },
      resourceLabels: { customer: config.customer, "managed-by": "pulumi", "part-of": "dedicated-platform" },
      deletionProtection: g.deletionProtection,
    },
    {
      ...opts,
      dependsOn: [args.secretsKey.grant],
      // The removed default pool's settings are only read at creation; changing them must not replace the cluster.
      ignoreChanges: ["nodeConfig", "initialNodeCount"],
    },
  );
}
