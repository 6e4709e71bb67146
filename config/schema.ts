/**
 * Every key this project reads from the stack config, under the `dedicated-platform:` namespace.
 * One table: its schema, whether it holds JSON (lists, objects, numbers, booleans), whether it must be
 * a secret, its default and what it means. The loader, the README table test and the docs all read it.
 */
import { z } from "zod";
import { CONCERNS } from "../components/namespaces/catalog";
import { quantity } from "./quantities";
import { SERVICE_NAMES } from "../components/services/catalog";

export const CONFIG_NAMESPACE = "dedicated-platform";
export const CLOUDS = ["gcp", "aws", "azure", "existing"] as const;
export type Cloud = (typeof CLOUDS)[number];
export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A DNS-1123 label: what Kubernetes accepts as a namespace name or label value prefix. */
const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, { message: `expected at most ${max} characters` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      message: "expected lower-case letters, digits and '-', starting with a letter and not ending with '-'",
    });

export const nodePoolSchema = z
  .strictObject({
    /** Pool name, unique in the stack. */
    name: dnsLabel(24),
    /** `system` runs cluster add-ons only; `workload` runs the platform. */
    role: z.enum(["system", "workload"]),
    /** Minimum nodes in EACH zone (the same meaning on every cloud; providers convert). */
    minPerZone: z.number().int().min(0).max(100),
    /** Maximum nodes in EACH zone. */
    maxPerZone: z.number().int().min(1).max(200),
    /** Cloud machine type / VM size. Required by the cloud targets, ignored by `existing`. */
    machineType: z.string().min(1).optional(),
    /** Allocatable CPU of one node (quantity). Derived from the machine type on clouds; set it on `existing` to enable capacity checks. */
    allocatableCpu: quantity.optional(),
    /** Allocatable memory of one node (quantity). */
    allocatableMemory: quantity.optional(),
  })
  .refine((p) => p.minPerZone <= p.maxPerZone, {
    error: (iss) => {
      const p = iss.input as { minPerZone: number; maxPerZone: number };
      return `minPerZone (${p.minPerZone}) must be less than or equal to maxPerZone (${p.maxPerZone})`;
    },
    path: ["minPerZone"],
  });
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

export const quotaSchema = z.strictObject({
  requestsCpu: quantity.optional(),
  requestsMemory: quantity.optional(),
  limitsCpu: quantity.optional(),
  limitsMemory: quantity.optional(),
  pods: z.number().int().min(1).max(5000).optional(),
  persistentVolumeClaims: z.number().int().min(0).max(1000).optional(),
  requestsStorage: quantity.optional(),
});
export type QuotaOverride = z.infer<typeof quotaSchema>;

export const containerDefaultsSchema = z.strictObject({
  requestCpu: quantity.optional(),
  requestMemory: quantity.optional(),
  limitCpu: quantity.optional(),
  limitMemory: quantity.optional(),
});

export const existingSchema = z.strictObject({
  /** kubeconfig context to use from the deployer's kubeconfig (instead of the `kubeconfig` secret). */
  kubeContext: z.string().min(1).optional(),
  /**
   * Removed: the provider's render mode cannot create a Helm release without a reachable cluster
   * ("can't create Helm Release with unreachable cluster"), and every stack has 9-12 of them.
   */
  renderYamlToDirectory: z
    .never({
      message:
        "was removed: the provider cannot render Helm releases without a cluster, so no stack could use it; run `npm run render -- <stack file> [out dir]`, which writes every object, charts included, as YAML",
    })
    .optional(),
  /** StorageClass to use for zonal volumes; it must bind with WaitForFirstConsumer. */
  storageClassName: dnsLabel(63).default("standard"),
});

const cidr = z.cidrv4({ message: "expected an IPv4 CIDR such as 203.0.113.0/24" });

/** A weekly maintenance window: RFC 3339 start and end of a first occurrence plus an RFC 5545 RRULE. */
export const maintenanceWindowSchema = z.strictObject({
  start: z.iso.datetime({ message: "expected an RFC 3339 time such as 2026-01-03T02:00:00Z" }),
  end: z.iso.datetime({ message: "expected an RFC 3339 time such as 2026-01-03T06:00:00Z" }),
  recurrence: z
    .string()
    .regex(/^FREQ=(DAILY|WEEKLY)/, { message: "expected an RRULE such as FREQ=WEEKLY;BYDAY=SA,SU" }),
});

export const gcpSchema = z.strictObject({
  /** GCP project id. */
  project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, { message: "expected a GCP project id" }),
  /** Region of the regional cluster, e.g. europe-west1. */
  region: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, { message: "expected a GCP region such as europe-west1" }),
  /** Primary range of the node subnet. */
  nodesCidr: cidr.default("10.10.0.0/20"),
  /** Secondary range for pods (VPC-native). */
  podsCidr: cidr.default("10.16.0.0/14"),
  /** Secondary range for Services. */
  servicesCidr: cidr.default("10.20.0.0/20"),
  /** /28 for the private control plane. */
  masterCidr: cidr.default("172.16.0.0/28"),
  /** Release channel. */
  releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
  /** Maintenance window (default: weekends 02:00-06:00 UTC). */
  maintenanceWindow: maintenanceWindowSchema.default({
    start: "2026-01-03T02:00:00Z",
    end: "2026-01-03T06:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
  }),
  /** Cluster autoscaler profile. */
  autoscalingProfile: z.enum(["BALANCED", "OPTIMIZE_UTILIZATION"]).default("BALANCED"),
  /** Control plane reachable only on its private endpoint (then `controlPlaneAllowedCidrs` are private ranges). */
  privateEndpoint: z.boolean().default(false),
  /** GKE deletion protection; default: on unless environment is dev. */
  deletionProtection: z.boolean().optional(),
  /** Persistent disk type of the zonal StorageClass. */
  diskType: z.enum(["pd-balanced", "pd-ssd"]).default("pd-balanced"),
  /** Boot disk size of nodes, GB. */
  nodeDiskSizeGb: z.number().int().min(30).max(2000).default(100),
});
export type GcpConfig = z.infer<typeof gcpSchema>;

const iamRoleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]+$/, { message: "expected an IAM role ARN" });

export const awsSchema = z.strictObject({
  /** AWS region, e.g. eu-central-1. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { message: "expected an AWS region such as eu-central-1" }),
  kubernetesVersion: z
    .string()
    .regex(/^1\.[0-9]{2}$/, { message: "expected a Kubernetes minor version such as 1.33" })
    .default("1.33"),
  vpcCidr: cidr.default("10.0.0.0/16"),
  /** One private subnet per zone (nodes, internal load balancers). */
  privateSubnetCidrs: z.array(cidr).default(["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]),
  /** One public subnet per zone (NAT gateways, public load balancers). */
  publicSubnetCidrs: z.array(cidr).default(["10.0.96.0/22", "10.0.100.0/22", "10.0.104.0/22"]),
  /** One NAT gateway for all zones: cheaper, but a zone loss cuts egress (dev stacks). */
  singleNatGateway: z.boolean().default(false),
  /** Public API endpoint (restricted to `controlPlaneAllowedCidrs`); the private endpoint is always on. */
  endpointPublicAccess: z.boolean().default(false),
  /** IAM roles given cluster-admin through EKS access entries. */
  adminRoleArns: z.array(iamRoleArn).default([]),
  /** cluster-autoscaler's expander. */
  autoscalerExpander: z.enum(["least-waste", "random", "most-pods", "priority", "price"]).default("least-waste"),
  /** Root volume size of nodes, GiB. */
  nodeDiskSizeGb: z.number().int().min(20).max(2000).default(100),
});
export type AwsConfig = z.infer<typeof awsSchema>;

const uuid = z.uuid({ message: "expected a GUID" });

export const azureSchema = z.strictObject({
  /** Azure region, e.g. westeurope. */
  location: z.string().regex(/^[a-z]+[a-z0-9]*$/, { message: "expected an Azure region such as westeurope" }),
  /** Microsoft Entra tenant (Key Vault, Entra ID integration). */
  tenantId: uuid,
  kubernetesVersion: z
    .string()
    .regex(/^1\.[0-9]{2}$/, { message: "expected a Kubernetes minor version such as 1.33" })
    .default("1.33"),
  vnetCidr: cidr.default("10.40.0.0/16"),
  nodeSubnetCidr: cidr.default("10.40.0.0/20"),
  /** Azure CNI overlay: pods get addresses from this range, outside the VNet. */
  podCidr: cidr.default("192.168.0.0/16"),
  serviceCidr: cidr.default("10.41.0.0/16"),
  /** `Standard` has the uptime SLA; `Free` is for dev stacks. */
  tier: z.enum(["Standard", "Free"]).default("Standard"),
  networkPolicy: z.enum(["cilium", "calico"]).default("cilium"),
  /** Entra ID groups that get cluster-admin (Azure RBAC). */
  adminGroupObjectIds: z.array(uuid).default([]),
  /** Disable local accounts: only Entra ID identities (kubelogin) reach the API. */
  disableLocalAccounts: z.boolean().default(true),
  upgradeChannel: z.enum(["patch", "stable", "rapid", "node-image", "none"]).default("stable"),
  nodeOsUpgradeChannel: z.enum(["NodeImage", "SecurityPatch", "Unmanaged", "None"]).default("NodeImage"),
  maintenanceWindow: z
    .strictObject({
      dayOfWeek: z
        .enum(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
        .default("Saturday"),
      startTime: z
        .string()
        .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: "expected HH:MM" })
        .default("02:00"),
      durationHours: z.number().int().min(4).max(24).default(4),
    })
    .prefault({}),
  /** Private API server (no public endpoint); otherwise the API is limited to `controlPlaneAllowedCidrs`. */
  privateCluster: z.boolean().default(false),
  autoscalerProfile: z
    .strictObject({
      scanInterval: z
        .string()
        .regex(/^[0-9]+s$/, { message: "expected seconds such as 10s" })
        .default("10s"),
      expander: z.enum(["least-waste", "random", "most-pods", "priority"]).default("least-waste"),
      scaleDownUnneededTime: z
        .string()
        .regex(/^[0-9]+m$/, { message: "expected minutes such as 10m" })
        .default("10m"),
      scaleDownDelayAfterAdd: z
        .string()
        .regex(/^[0-9]+m$/, { message: "expected minutes such as 10m" })
        .default("10m"),
    })
    .prefault({}),
});
export type AzureConfig = z.infer<typeof azureSchema>;

/** CNPG schedules take six cron fields (seconds first). */
const cron6 = z
  .string()
  .regex(/^(\S+\s+){5}\S+$/, { message: "expected a six-field cron (seconds first) such as '0 0 2 * * *'" });

export const datastoresSchema = z.strictObject({
  postgres: z
    .strictObject({
      /** Instances, one per zone; fewer than 3 only on dev stacks. */
      instances: z.number().int().min(1).max(9).default(3),
      storageSize: quantity.default("50Gi"),
      cpu: quantity.default("1"),
      memory: quantity.default("4Gi"),
      /** Base backup schedule (six-field cron, UTC). WAL is archived continuously. */
      backupSchedule: cron6.default("0 0 2 * * *"),
      backupRetentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /** Redis pods (1 master + replicas), one per zone. */
      replicas: z.number().int().min(1).max(9).default(3),
      /** Sentinels deciding failover; a majority must survive a zone loss. */
      sentinels: z.number().int().min(1).max(9).default(3),
      storageSize: quantity.default("10Gi"),
      cpu: quantity.default("500m"),
      memory: quantity.default("1Gi"),
    })
    .prefault({}),
  mongodb: z
    .strictObject({
      /** Replica-set members, one per zone. */
      members: z.number().int().min(1).max(7).default(3),
      storageSize: quantity.default("50Gi"),
      cpu: quantity.default("1"),
      memory: quantity.default("4Gi"),
      /** Backup schedule (five-field cron, UTC). */
      backupSchedule: z
        .string()
        .regex(/^(\S+\s+){4}\S+$/, { message: "expected a five-field cron such as '0 3 * * *'" })
        .default("0 3 * * *"),
      /** How many scheduled backups to keep. */
      backupRetentionCount: z.number().int().min(1).max(365).default(14),
    })
    .prefault({}),
  rabbitmq: z
    .strictObject({
      replicas: z.number().int().min(1).max(9).default(3),
      storageSize: quantity.default("20Gi"),
      cpu: quantity.default("1"),
      memory: quantity.default("2Gi"),
    })
    .prefault({}),
  elasticsearch: z
    .strictObject({
      /** Master-eligible data nodes, one per zone. */
      nodes: z.number().int().min(1).max(30).default(3),
      storageSize: quantity.default("200Gi"),
      cpu: quantity.default("2"),
      memory: quantity.default("8Gi"),
      /** Days a pipeline-log index is kept before the lifecycle policy deletes it. */
      pipelineLogRetentionDays: z.number().int().min(1).max(3650).default(14),
    })
    .prefault({}),
  objectStorage: z
    .strictObject({
      /** `minio` (in-cluster, the source architecture's choice) or `cloud` (the cloud's bucket). */
      backend: z.enum(["minio", "cloud"]).default("minio"),
      /** Bucket for the platform's static files. */
      bucket: dnsLabel(40).default("static-files"),
      minio: z
        .strictObject({
          serversPerZone: z.number().int().min(1).max(4).default(1),
          volumesPerServer: z.number().int().min(2).max(16).default(4),
          volumeSize: quantity.default("100Gi"),
          cpu: quantity.default("1"),
          memory: quantity.default("4Gi"),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type DatastoresConfig = z.infer<typeof datastoresSchema>;

export const serviceOverrideSchema = z.strictObject({
  /** Leave the service out of this stack. */
  disabled: z.boolean().optional(),
  minReplicas: z.number().int().min(1).max(100).optional(),
  maxReplicas: z.number().int().min(1).max(500).optional(),
  cpu: quantity.optional(),
  memory: quantity.optional(),
  /** Image tag for this service (default: `images.tag`). */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: "expected an image tag" })
    .optional(),
  /** Image digest; wins over any tag. */
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, { message: "expected sha256:<64 hex digits>" })
    .optional(),
});
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

/** A customer's own chart and image mirrors (regulated customers: nothing from public hosts). */
export const mirrorSchema = z.strictObject({
  /** A Helm repository (`https://`), an OCI registry (`oci://`), or an absolute directory of chart archives. */
  charts: z
    .string()
    .refine((s) => !s.startsWith("file://"), {
      message:
        "file:// is not supported by the provider's Helm releases: give a local mirror as an absolute directory of <chart>-<version>.tgz archives (/srv/charts), or serve it over https:// or oci://",
    })
    .refine((s) => s.startsWith("file://") || /^(https?|oci):\/\/[^/\s]+/.test(s) || s.startsWith("/"), {
      message: "expected https://<repository>, oci://<registry>/<path> or an absolute directory such as /srv/charts",
    })
    .optional(),
  /** Registry host and path images are pulled through, e.g. registry.corp.example/mirror (no scheme). */
  registry: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/, {
      message: "expected a registry host with an optional path and no scheme, such as registry.corp.example/mirror",
    })
    .optional(),
  /** Where operator release manifests are, when `charts` is an OCI registry (a directory or an https:// URL). */
  manifests: z
    .string()
    .regex(/^(https?:\/\/[^/\s]+|\/)/, { message: "expected an https:// URL or an absolute directory" })
    .optional(),
});

export const imagesSchema = z.strictObject({
  /** Registry and path prefix of the platform's images: `<registry>/<service>:<tag>`. */
  registry: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, {
    message: "expected a registry path such as ghcr.io/acme/platform",
  }),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: "expected an image tag" }),
  /** Names of docker-registry Secrets in the services namespace. */
  pullSecrets: z.array(dnsLabel(63)).default([]),
});

export const emailSchema = z.strictObject({
  host: z.string().regex(/^[A-Za-z0-9.-]+$/, { message: "expected a host name" }),
  port: z.number().int().min(1).max(65535).default(587),
  username: z.string().min(1),
  from: z.email({ message: "expected an email address" }),
  startTls: z.boolean().default(true),
});

export const httpFileSchema = z.strictObject({
  /** Largest accepted upload. */
  maxUploadSize: quantity.default("100Mi"),
  /** Size of the scratch volume uploads are spooled to (not the root filesystem). */
  tempStorage: quantity.default("10Gi"),
});

const hostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/, {
    message: "expected a lower-case DNS name such as platform.acme.example",
  });

/** Services Kong routes to (the catalog's exposed ones). */
export const ROUTED = ["trigger-http", "trigger-http-file", "trigger-rest", "portal", "coordinator"] as const;
export type Routed = (typeof ROUTED)[number];

const rateLimit = z
  .strictObject({
    perSecond: z.number().int().min(1, { message: "a rate limit must be at least 1" }).max(1_000_000).optional(),
    perMinute: z.number().int().min(1, { message: "a rate limit must be at least 1" }).max(60_000_000).optional(),
  })
  .refine((r) => r.perSecond !== undefined || r.perMinute !== undefined, { message: "set perSecond and/or perMinute" });

export const gatewaySchema = z.strictObject({
  /** The customer's domain: routes default to it, FusionAuth to `auth.<domain>`. */
  domain: hostname,
  /** Load balancer in front of Kong's proxy. */
  loadBalancer: z.enum(["public", "internal"]).default("public"),
  /**
   * The proxy Service's type. `LoadBalancer` on clouds; on a cluster without a load-balancer
   * implementation (kind, many on-prem clusters) `NodePort` or `ClusterIP`, so that nothing waits for
   * an address that never comes (the release's `atomic` wait would roll it back).
   */
  serviceType: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).default("LoadBalancer"),
  tls: z
    .strictObject({
      /**
       * `cert-manager`: certificates from ACME (Let's Encrypt by default); `self-signed`: cert-manager
       * with a self-signed issuer (dev, kind); `secret`: a TLS Secret you supply.
       */
      mode: z.enum(["cert-manager", "self-signed", "secret"]).default("cert-manager"),
      /** `secret` mode: a `kubernetes.io/tls` Secret present in the services and identity namespaces. */
      secretName: dnsLabel(63).optional(),
      /** `cert-manager` mode: the ACME account email. */
      acmeEmail: z.email().optional(),
      acmeServer: z.url().default("https://acme-v02.api.letsencrypt.org/directory"),
    })
    .prefault({}),
  /** Host/path per routed service. */
  routes: z
    .partialRecord(
      z.enum(ROUTED),
      z.strictObject({
        host: hostname.optional(),
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_.-]*$/, { message: "expected a path such as /api" })
          .optional(),
      }),
    )
    .default({}),
  /** Rate limits per routed service and for FusionAuth (`identity`). */
  rateLimits: z.partialRecord(z.enum([...ROUTED, "identity"]), rateLimit).default({}),
  /** How trigger callers authenticate: API keys or FusionAuth JWTs. */
  triggerAuth: z.enum(["key-auth", "jwt"]).default("key-auth"),
  /** Origins the Portal accepts cross-origin calls from (CORS). Default: the Portal's own origin. */
  corsOrigins: z.array(z.url()).default([]),
  /** CIDRs allowed to reach FusionAuth's admin UI (`/admin`). Empty: nobody. */
  adminAllowedCidrs: z.array(cidr).default([]),
  minReplicas: z.number().int().min(1).max(50).default(3),
  maxReplicas: z.number().int().min(1).max(200).default(10),
});
export type GatewayConfig = z.infer<typeof gatewaySchema>;

export const DATADOG_SITES = [
  "datadoghq.com",
  "datadoghq.eu",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "ap1.datadoghq.com",
  "ddog-gov.com",
] as const;

export const observabilitySchema = z.strictObject({
  prometheus: z
    .strictObject({
      /** How long Prometheus keeps samples (Prometheus duration: 15d, 12h, 4w). */
      retention: z
        .string()
        .regex(/^[0-9]+(h|d|w|y)$/, { message: "expected a duration such as 15d" })
        .default("15d"),
      storageSize: quantity.default("100Gi"),
      /** Prometheus replicas, on different zones. */
      replicas: z.number().int().min(2).max(4).default(2),
      alertmanagerReplicas: z.number().int().min(3).max(5).default(3),
    })
    .prefault({}),
  /** Slack channel for alerts; the webhook URL is the secret `alertSlackWebhookUrl`. */
  slackChannel: z
    .string()
    .regex(/^#[a-z0-9_-]+$/, { message: "expected a channel such as #platform-alerts" })
    .optional(),
  datadog: z
    .strictObject({
      site: z.enum(DATADOG_SITES).default("datadoghq.com"),
      /** Cluster name shown in Datadog (default: the customer). */
      clusterName: dnsLabel(80).optional(),
    })
    .prefault({}),
});
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;

export interface KeySpec {
  schema: z.ZodType;
  /** Pulumi hands every value over as a string; JSON keys (lists, objects, numbers, booleans) are parsed first. */
  json: boolean;
  /** The key must be set with `pulumi config set --secret`. */
  secret?: boolean;
  required?: boolean;
  /** Default as shown in the README. */
  default: string;
  doc: string;
}

export const KEYS = {
  cloud: {
    schema: z.enum(CLOUDS),
    json: false,
    required: true,
    default: "(required)",
    doc: "Target: `gcp` (GKE), `aws` (EKS), `azure` (AKS) or `existing` (a cluster you already have).",
  },
  customer: {
    schema: dnsLabel(30),
    json: false,
    required: true,
    default: "(required)",
    doc: "Customer identifier (DNS label, at most 30 characters); used in resource names and labels. Never change it on a live stack.",
  },
  environment: {
    schema: z.enum(ENVIRONMENTS),
    json: false,
    default: "`production`",
    doc: "`dev`, `staging` or `production`. Decides safety defaults such as `protectData`.",
  },
  zones: {
    schema: z.array(z.string().min(1)).min(1),
    json: true,
    default: "derived from the region (clouds); required for `existing`",
    doc: "Availability zones the nodes span. Three distinct zones unless `allowFewerZones` is true.",
  },
  wave: {
    schema: z.number().int().min(1).max(9),
    json: true,
    default: "`1` for dev, `2` for staging, `3` for production",
    doc: "Deployment wave of this stack on a merge to main (1-9): the deploy workflow rolls wave 1 to every stack first and stops at the first failure, then wave 2, and so on.",
  },
  allowFewerZones: {
    schema: z.boolean(),
    json: true,
    default: "`false`",
    doc: "Explicit opt-out for stacks (dev only, in practice) that run on fewer than 3 zones and so do not survive a zone loss.",
  },
  protectData: {
    schema: z.boolean(),
    json: true,
    default: "`true` unless `environment` is `dev`",
    doc: "Protects everything that holds data (namespaces with volumes, datastores) from deletion by `pulumi destroy` or an accidental replace.",
  },
  namespacePrefix: {
    schema: dnsLabel(20),
    json: false,
    default: "`dp`",
    doc: "Prefix of every platform namespace (`<prefix>-data`, `<prefix>-gateway`, ...). Never change it on a live stack.",
  },
  gcp: {
    schema: gcpSchema,
    json: true,
    default: "(required when cloud is `gcp`)",
    doc: "`gcp` only: `project`, `region` (required); `nodesCidr`, `podsCidr`, `servicesCidr`, `masterCidr`, `releaseChannel`, `maintenanceWindow`, `autoscalingProfile`, `privateEndpoint`, `deletionProtection`, `diskType`, `nodeDiskSizeGb` (see the GKE section).",
  },
  aws: {
    schema: awsSchema,
    json: true,
    default: "(required when cloud is `aws`)",
    doc: "`aws` only: `region` (required); `kubernetesVersion`, `vpcCidr`, `privateSubnetCidrs`, `publicSubnetCidrs`, `singleNatGateway`, `endpointPublicAccess`, `adminRoleArns`, `autoscalerExpander`, `nodeDiskSizeGb` (see the EKS section).",
  },
  azure: {
    schema: azureSchema,
    json: true,
    default: "(required when cloud is `azure`)",
    doc: "`azure` only: `location`, `tenantId` (required); `kubernetesVersion`, `vnetCidr`, `nodeSubnetCidr`, `podCidr`, `serviceCidr`, `tier`, `networkPolicy`, `adminGroupObjectIds`, `disableLocalAccounts`, `upgradeChannel`, `nodeOsUpgradeChannel`, `maintenanceWindow`, `privateCluster`, `autoscalerProfile` (see the AKS section).",
  },
  storageReclaimPolicy: {
    schema: z.enum(["Retain", "Delete"]),
    json: false,
    default: "`Retain` unless `environment` is `dev`",
    doc: "Reclaim policy of the zone-aware StorageClass the stack creates: `Retain` keeps a volume when its claim is deleted.",
  },
  datastores: {
    schema: datastoresSchema,
    json: true,
    default: "3 of each, one per zone (see the Data layer section)",
    doc: "`postgres` (instances, storageSize, cpu, memory, backupSchedule, backupRetentionDays), `redis` (replicas, sentinels, storageSize, cpu, memory), `mongodb` (members, storageSize, cpu, memory, backupSchedule, backupRetentionCount), `rabbitmq` (replicas, storageSize, cpu, memory), `elasticsearch` (nodes, storageSize, cpu, memory, pipelineLogRetentionDays), `objectStorage` (backend `minio`/`cloud`, bucket, minio {serversPerZone, volumesPerServer, volumeSize, cpu, memory}). Fewer than 3 replicas only on dev stacks.",
  },
  gateway: {
    schema: gatewaySchema,
    json: true,
    required: true,
    default: "(required: `domain`)",
    doc: "Kong and FusionAuth: `domain` (required), `loadBalancer` (`public`/`internal`), `serviceType` (`LoadBalancer`, or `NodePort`/`ClusterIP` where the cluster has no load-balancer implementation), `tls` ({mode `cert-manager`/`secret`, secretName, acmeEmail, acmeServer}), `routes` ({<service>: {host, path}}), `rateLimits` ({<service>\\|identity: {perSecond, perMinute}}), `triggerAuth` (`key-auth`/`jwt`), `corsOrigins`, `adminAllowedCidrs`, `minReplicas`, `maxReplicas`.",
  },
  images: {
    schema: imagesSchema,
    json: true,
    default: "(required)",
    doc: "Images of the platform's services: `registry` (e.g. `ghcr.io/acme/platform`), `tag`, `pullSecrets` (Secret names in the services namespace).",
    required: true,
  },
  mirror: {
    schema: mirrorSchema,
    json: true,
    default: "none (upstream repositories and registries)",
    doc: "A regulated customer's own mirrors: `charts` (every chart from an `https://` Helm repository, an `oci://` registry, or an absolute directory of `<chart>-<version>.tgz`; never `file://`) and `registry` (every image pulled as `<registry>/<upstream path without its host>`).",
  },
  services: {
    schema: z.partialRecord(z.enum(SERVICE_NAMES), serviceOverrideSchema),
    json: true,
    default: "the catalog's defaults (see the Services section)",
    doc: `Per-service overrides (${SERVICE_NAMES.join(", ")}): disabled, minReplicas, maxReplicas, cpu, memory, tag, digest.`,
  },
  email: {
    schema: emailSchema,
    json: true,
    default: "(required while trigger-email is enabled)",
    doc: "Mailbox of the Email trigger: `host`, `port` (587), `username`, `from`, `startTls` (true). The password goes in `emailPassword`.",
  },
  emailPassword: {
    schema: z.string().min(1),
    json: false,
    secret: true,
    default: "(required with `email`)",
    doc: "Password of the Email trigger's mailbox, set with `--secret`.",
  },
  httpFile: {
    schema: httpFileSchema,
    json: true,
    default: "`{maxUploadSize: 100Mi, tempStorage: 10Gi}`",
    doc: "HTTP-File trigger: `maxUploadSize` (largest upload), `tempStorage` (scratch volume for uploads).",
  },
  observability: {
    schema: observabilitySchema,
    json: true,
    default: "Prometheus 2 replicas, 15d, 100Gi; Datadog site datadoghq.com",
    doc: "`prometheus` ({retention, storageSize, replicas, alertmanagerReplicas}), `slackChannel` (alerts), `datadog` ({site, clusterName}).",
  },
  datadogApiKey: {
    schema: z.string().min(1),
    json: false,
    secret: true,
    default: "unset (Datadog off)",
    doc: "Datadog API key, set with `--secret`. Without it the stack installs nothing of Datadog.",
  },
  datadogAppKey: {
    schema: z.string().min(1),
    json: false,
    secret: true,
    default: "unset",
    doc: "Datadog application key (cluster agent features), set with `--secret`; needs `datadogApiKey`.",
  },
  alertSlackWebhookUrl: {
    schema: z.url(),
    json: false,
    secret: true,
    default: "unset (alerts stay in Alertmanager)",
    doc: "Slack incoming-webhook URL for Alertmanager, set with `--secret`; used with `observability.slackChannel`.",
  },
  kubeconfig: {
    schema: z.string().min(1),
    json: false,
    secret: true,
    default: "unset",
    doc: "`existing` only: the kubeconfig of the target cluster, set with `--secret`. Exactly one of this or `existing.kubeContext`.",
  },
  existing: {
    schema: existingSchema,
    json: true,
    default: "`{storageClassName: standard}`",
    doc: "`existing` only: `kubeContext` (a context of the deployer's kubeconfig), `storageClassName` (a WaitForFirstConsumer class).",
  },
  nodePools: {
    schema: z.array(nodePoolSchema).min(2),
    json: true,
    default: "system 1-2 and workload 1-5 nodes per zone",
    doc: "Node pools: `name`, `role` (`system`/`workload`), `minPerZone`, `maxPerZone` (counted PER ZONE on every cloud), `machineType`, `allocatableCpu`, `allocatableMemory`. One system pool and at least one workload pool.",
  },
  controlPlaneAllowedCidrs: {
    schema: z.array(cidr),
    json: true,
    default: "`[]` (private access only)",
    doc: "CIDRs allowed to reach the Kubernetes API endpoint (cloud targets).",
  },
  namespaceQuotas: {
    schema: z.partialRecord(z.enum(CONCERNS), quotaSchema),
    json: true,
    default: "per-namespace defaults (see docs/architecture.md)",
    doc: `ResourceQuota overrides per namespace concern (${CONCERNS.join(", ")}): requestsCpu, requestsMemory, limitsCpu, limitsMemory, pods, persistentVolumeClaims, requestsStorage.`,
  },
  containerDefaults: {
    schema: containerDefaultsSchema,
    json: true,
    default: "requests 100m/128Mi, limits 1/1Gi",
    doc: "LimitRange defaults for containers that declare no resources: requestCpu, requestMemory, limitCpu, limitMemory.",
  },
} satisfies Record<string, KeySpec>;

export type KeyName = keyof typeof KEYS;
