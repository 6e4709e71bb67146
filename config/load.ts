/**
 * Parses the stack config once into one typed object. Every key is checked on its own so that one
 * message lists every problem (a typo'd key, a bad value, a missing key, a cross-key conflict)
 * before any resource is declared.
 */
import { waveOf } from "./waves";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CONCERN_SPECS, CONCERNS, Concern, Quota } from "../components/namespaces/catalog";
import { CATALOG, SERVICE_NAMES, ServiceName } from "../components/services/catalog";
import { cidrWithin, overlappingPairs } from "./cidr";
import { ConfigError } from "./errors";
import {
  CONFIG_NAMESPACE,
  Cloud,
  Environment,
  KEYS,
  DatastoresConfig,
  datastoresSchema,
  emailSchema,
  GatewayConfig,
  ObservabilityConfig,
  observabilitySchema,
  httpFileSchema,
  imagesSchema,
  mirrorSchema,
  ServiceOverride,
  AwsConfig,
  AzureConfig,
  GcpConfig,
  KeyName,
  NodePoolConfig,
  QuotaOverride,
  containerDefaultsSchema,
  existingSchema,
} from "./schema";

/** The parsed, defaulted stack config. Secrets stay Pulumi secrets. */
export interface PlatformConfig {
  cloud: Cloud;
  customer: string;
  environment: Environment;
  /** Deployment wave on a merge to main (`config/waves.ts`). */
  wave: number;
  /** Zones from config; undefined means "derive from the region" (cloud targets only). */
  zones?: string[];
  allowFewerZones: boolean;
  protectData: boolean;
  namespacePrefix: string;
  /** `existing` target settings; `kubeconfig` is a Pulumi secret. */
  existing: z.infer<typeof existingSchema> & { kubeconfig?: pulumi.Output<string> };
  nodePools: NodePoolConfig[];
  controlPlaneAllowedCidrs: string[];
  namespaceQuotas: Record<Concern, Quota>;
  /** `gcp` target settings, with deletionProtection resolved. */
  gcp?: GcpConfig & { deletionProtection: boolean };
  /** `aws` target settings. */
  aws?: AwsConfig;
  /** `azure` target settings. */
  azure?: AzureConfig;
  storageReclaimPolicy: "Retain" | "Delete";
  datastores: DatastoresConfig;
  images: z.infer<typeof imagesSchema>;
  /** The customer's chart and image mirrors; undefined pulls from the upstream hosts. */
  mirror?: z.infer<typeof mirrorSchema>;
  /** Effective settings of every enabled service (catalog defaults merged with overrides). */
  services: Partial<Record<ServiceName, ServiceSettings>>;
  /** Email trigger mailbox; the password is a Pulumi secret. */
  email?: z.infer<typeof emailSchema> & { password: pulumi.Output<string> };
  httpFile: z.infer<typeof httpFileSchema>;
  gateway: GatewayConfig;
  observability: ObservabilityConfig & {
    /** Pulumi secrets; undefined when not configured. */
    datadogApiKey?: pulumi.Output<string>;
    datadogAppKey?: pulumi.Output<string>;
    slackWebhookUrl?: pulumi.Output<string>;
  };
  containerDefaults: Required<z.infer<typeof containerDefaultsSchema>>;
}

/** A service's effective settings. */
export interface ServiceSettings {
  minReplicas: number;
  maxReplicas: number;
  cpu: string;
  memory: string;
  /** `<registry>/<service>:<tag>` or `<registry>/<service>@<digest>`. */
  image: string;
}

export const DEFAULT_NODE_POOLS: NodePoolConfig[] = [
  { name: "system", role: "system", minPerZone: 1, maxPerZone: 2 },
  { name: "workload", role: "workload", minPerZone: 1, maxPerZone: 5 },
];

export const DEFAULT_CONTAINER_RESOURCES = {
  requestCpu: "100m",
  requestMemory: "128Mi",
  limitCpu: "1",
  limitMemory: "1Gi",
};

/** Keys that only one target reads: setting them for another is a mistake, not a no-op. */
const TARGET_ONLY: Partial<Record<KeyName, Cloud>> = {
  kubeconfig: "existing",
  existing: "existing",
  gcp: "gcp",
  aws: "aws",
};
/** The key holding each cloud target's own settings, required when that cloud is selected. */
const CLOUD_KEY: Partial<Record<Cloud, KeyName>> = { gcp: "gcp", aws: "aws", azure: "azure" };

const fullKey = (key: string) => `${CONFIG_NAMESPACE}:${key}`;

function formatPath(key: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${String(p)}`),
    fullKey(key),
  );
}

function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

/** Pulumi hands every value over as a string; lists, objects, numbers and booleans arrive as JSON text. */
function decode(raw: string, json: boolean): unknown {
  if (!json) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // the schema then reports "expected array/object/boolean, got string"
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function unknownKeyProblem(key: string): string {
  const known = Object.keys(KEYS);
  const nearest = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint = nearest && nearest.d <= 3 ? ` Did you mean ${fullKey(nearest.k)}?` : "";
  return `${fullKey(key)}: unknown key.${hint} Known keys: ${known.join(", ")}.`;
}

function issueProblem(key: string, issue: z.core.$ZodIssue, value: unknown): string {
  const at = formatPath(key, issue.path);
  const input = issue.path.reduce<unknown>(
    (v, p) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined),
    value,
  );
  if (issue.code === "unrecognized_keys") {
    return `${at}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; ${issue.message}.`;
  }
  return `${at} = ${show(input)}: ${issue.message}.`;
}

/**
 * Parses raw stack config (`dedicated-platform:<key>` -> string, as Pulumi provides it).
 * `secretKeys` holds the full keys that were set with `--secret`.
 * Throws a ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, string>, secretKeys: ReadonlySet<string>): PlatformConfig {
  const problems: string[] = [];
  const values: Partial<Record<KeyName, unknown>> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;

  for (const [full, text] of Object.entries(raw)) {
    if (!full.startsWith(prefix)) continue; // other namespaces (gcp:project, kubernetes:...) are not ours
    const key = full.slice(prefix.length);
    if (!(key in KEYS)) {
      problems.push(unknownKeyProblem(key));
      continue;
    }
    const spec = KEYS[key as KeyName];
    if ("secret" in spec && spec.secret && !secretKeys.has(full)) {
      problems.push(
        `${full}: holds a credential and must be stored encrypted; set it with \`pulumi config set --secret ${full} ...\`.`,
      );
    }
    const value = decode(text, spec.json);
    const result = spec.schema.safeParse(value);
    if (result.success) values[key as KeyName] = result.data;
    else for (const issue of result.error.issues) problems.push(issueProblem(key, issue, value));
  }

  for (const [key, spec] of Object.entries(KEYS)) {
    if (isRequired(key as KeyName) && raw[fullKey(key)] === undefined) {
      problems.push(`${fullKey(key)}: required but not set. ${spec.doc}`);
    }
  }

  // A rule never runs on a key whose own value was refused (or is required and missing): its problem is
  // reported once, above, and not again as a consequence in a rule built on a stand-in value.
  const unusable = (key: KeyName) => values[key] === undefined && (raw[fullKey(key)] !== undefined || isRequired(key));

  const cloud = values.cloud as Cloud | undefined;
  const environment = (values.environment as Environment | undefined) ?? "production";
  const allowFewerZones = (values.allowFewerZones as boolean | undefined) ?? false;
  const zones = values.zones as string[] | undefined;
  const nodePools = (values.nodePools as NodePoolConfig[] | undefined) ?? DEFAULT_NODE_POOLS;
  const existing = (values.existing as z.infer<typeof existingSchema> | undefined) ?? existingSchema.parse({});

  problems.push(...checkZones(cloud, zones, allowFewerZones));
  const poolsUsable = !unusable("nodePools");
  if (poolsUsable) problems.push(...checkNodePools(nodePools, values.nodePools !== undefined));
  // An `existing` value that failed its own check is reported once, above: no rule on top of it.
  const existingFailed = raw[fullKey("existing")] !== undefined && values.existing === undefined;
  problems.push(...checkTarget(cloud, raw, existingFailed ? undefined : existing));
  const gcp = values.gcp as GcpConfig | undefined;
  if (cloud === "gcp" && gcp) problems.push(...checkGcp(gcp, zones));
  const aws = values.aws as AwsConfig | undefined;
  if (cloud === "aws" && aws) problems.push(...checkAws(aws, zones));
  const azure = values.azure as AzureConfig | undefined;
  if (cloud === "azure" && azure) problems.push(...checkAzure(azure, zones));
  if (cloud !== undefined && cloud !== "existing" && poolsUsable) {
    nodePools.forEach((p, i) => {
      if (!p.machineType) {
        problems.push(`${fullKey("nodePools")}[${i}].machineType: required on cloud "${cloud}" (pool "${p.name}").`);
      }
    });
  }

  const datastores = (values.datastores as DatastoresConfig | undefined) ?? datastoresSchema.parse({});
  problems.push(...checkDatastores(datastores, cloud, environment));
  const images = values.images as z.infer<typeof imagesSchema> | undefined;
  const overrides = (values.services ?? {}) as Partial<Record<ServiceName, ServiceOverride>>;
  const services = images ? resolveServices(images, overrides) : {};
  problems.push(...checkServices(services, environment));
  const gateway = values.gateway as GatewayConfig | undefined;
  // Without images there are no services to check routes against: that is one problem, already said.
  if (gateway && !unusable("images")) problems.push(...checkGateway(gateway, services, environment));
  const observability = (values.observability as ObservabilityConfig | undefined) ?? observabilitySchema.parse({});
  const has = (k: string) => raw[fullKey(k)] !== undefined;
  if (has("datadogAppKey") && !has("datadogApiKey")) {
    problems.push(`${fullKey("datadogAppKey")}: set without ${fullKey("datadogApiKey")}; Datadog needs the API key.`);
  }
  if ((observability.slackChannel !== undefined) !== has("alertSlackWebhookUrl")) {
    problems.push(
      `${fullKey("observability")}.slackChannel and ${fullKey("alertSlackWebhookUrl")} are set together or not at all.`,
    );
  }
  const email = values.email as z.infer<typeof emailSchema> | undefined;
  if (services["trigger-email"] && !email) {
    problems.push(
      `${fullKey("email")}: required while trigger-email is enabled (or set ${fullKey("services")}.trigger-email.disabled: true).`,
    );
  }
  if ((email !== undefined) !== (raw[fullKey("emailPassword")] !== undefined)) {
    problems.push(`${fullKey("email")} and ${fullKey("emailPassword")} are set together or not at all.`);
  }

  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);

  const quotaOverrides = (values.namespaceQuotas ?? {}) as Partial<Record<Concern, QuotaOverride>>;
  const namespaceQuotas = Object.fromEntries(
    CONCERNS.map((c) => [c, { ...CONCERN_SPECS[c].quota, ...stripUndefined(quotaOverrides[c] ?? {}) }]),
  ) as Record<Concern, Quota>;

  const kubeconfig = raw[fullKey("kubeconfig")];
  return {
    cloud: cloud as Cloud,
    customer: values.customer as string,
    environment,
    wave: waveOf(environment, values.wave as number | undefined),
    zones,
    allowFewerZones,
    protectData: (values.protectData as boolean | undefined) ?? environment !== "dev",
    namespacePrefix: (values.namespacePrefix as string | undefined) ?? "dp",
    existing: { ...existing, kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(kubeconfig) },
    nodePools,
    controlPlaneAllowedCidrs: (values.controlPlaneAllowedCidrs as string[] | undefined) ?? [],
    namespaceQuotas,
    aws,
    azure,
    gcp: gcp && { ...gcp, deletionProtection: gcp.deletionProtection ?? environment !== "dev" },
    datastores,
    images: images as z.infer<typeof imagesSchema>,
    mirror: values.mirror as z.infer<typeof mirrorSchema> | undefined,
    services,
    email: email && { ...email, password: pulumi.secret(raw[fullKey("emailPassword")]) },
    gateway: gateway as GatewayConfig,
    observability: {
      ...observability,
      datadogApiKey: secretValue(raw, "datadogApiKey"),
      datadogAppKey: secretValue(raw, "datadogAppKey"),
      slackWebhookUrl: secretValue(raw, "alertSlackWebhookUrl"),
    },
    httpFile: (values.httpFile as z.infer<typeof httpFileSchema> | undefined) ?? httpFileSchema.parse({}),
    storageReclaimPolicy:
      (values.storageReclaimPolicy as "Retain" | "Delete" | undefined) ?? (environment === "dev" ? "Delete" : "Retain"),
    containerDefaults: {
      ...DEFAULT_CONTAINER_RESOURCES,
      ...stripUndefined((values.containerDefaults ?? {}) as Record<string, string | undefined>),
    },
  };
}

function secretValue(raw: Record<string, string>, key: string): pulumi.Output<string> | undefined {
  const v = raw[fullKey(key)];
  return v === undefined ? undefined : pulumi.secret(v);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkZones(cloud: Cloud | undefined, zones: string[] | undefined, allowFewer: boolean): string[] {
  const problems: string[] = [];
  if (zones === undefined) {
    if (cloud === "existing") {
      problems.push(
        `${fullKey("zones")}: required when cloud is "existing" (the zone names of the cluster's nodes' topology.kubernetes.io/zone label), e.g. ["zone-a","zone-b","zone-c"].`,
      );
    }
    return problems;
  }
  const distinct = new Set(zones);
  if (distinct.size !== zones.length) {
    problems.push(`${fullKey("zones")} = ${show(zones)}: zones must be distinct.`);
  }
  if (distinct.size < 3 && !allowFewer) {
    problems.push(
      `${fullKey("zones")} = ${show(zones)}: ${distinct.size} zone(s) given; 3 are needed to survive the loss of a zone. Set ${fullKey("allowFewerZones")}: true to accept a platform that does not.`,
    );
  }
  return problems;
}

function checkNodePools(pools: NodePoolConfig[], fromConfig: boolean): string[] {
  if (!fromConfig) return [];
  const problems: string[] = [];
  const key = fullKey("nodePools");
  const names = pools.map((p) => p.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length > 0)
    problems.push(`${key}: pool names must be unique; repeated: ${[...new Set(dupes)].join(", ")}.`);
  const systems = pools.filter((p) => p.role === "system").length;
  if (systems !== 1) problems.push(`${key}: exactly one pool with role "system" is needed; found ${systems}.`);
  if (!pools.some((p) => p.role === "workload" && p.maxPerZone > 0)) {
    problems.push(`${key}: at least one pool with role "workload" is needed.`);
  }
  return problems;
}

/** Whether the key must be set (a `required` key of KEYS). */
function isRequired(key: KeyName): boolean {
  const spec = KEYS[key];
  return "required" in spec && spec.required === true;
}

function checkTarget(
  cloud: Cloud | undefined,
  raw: Record<string, string>,
  existing: z.infer<typeof existingSchema> | undefined,
): string[] {
  const problems: string[] = [];
  if (cloud === undefined) return problems;
  for (const [key, only] of Object.entries(TARGET_ONLY)) {
    if (only !== cloud && raw[fullKey(key)] !== undefined) {
      problems.push(`${fullKey(key)}: only read when ${fullKey("cloud")} is "${only}" (it is "${cloud}"); remove it.`);
    }
  }
  const cloudKey = CLOUD_KEY[cloud];
  if (cloudKey && raw[fullKey(cloudKey)] === undefined) {
    problems.push(`${fullKey(cloudKey)}: required when ${fullKey("cloud")} is "${cloud}". ${KEYS[cloudKey].doc}`);
  }
  if (cloud !== "existing" || !existing) return problems;
  const ways = [
    raw[fullKey("kubeconfig")] !== undefined ? fullKey("kubeconfig") : undefined,
    existing.kubeContext !== undefined ? `${fullKey("existing")}.kubeContext` : undefined,
  ].filter((w): w is string => w !== undefined);
  if (ways.length !== 1) {
    problems.push(
      `cloud "existing" needs exactly one way to reach the cluster: ${fullKey("kubeconfig")} (secret), ${fullKey("existing")}.kubeContext; ${ways.length === 0 ? "none is set" : `set: ${ways.join(", ")}`}.`,
    );
  }
  return problems;
}

function resolveServices(
  images: z.infer<typeof imagesSchema>,
  overrides: Partial<Record<ServiceName, ServiceOverride>>,
): Partial<Record<ServiceName, ServiceSettings>> {
  const out: Partial<Record<ServiceName, ServiceSettings>> = {};
  for (const name of SERVICE_NAMES) {
    const o = overrides[name] ?? {};
    if (o.disabled) continue;
    const spec = CATALOG[name];
    const ref = o.digest ? `@${o.digest}` : `:${o.tag ?? images.tag}`;
    out[name] = {
      minReplicas: o.minReplicas ?? spec.replicas.min,
      maxReplicas: o.maxReplicas ?? spec.replicas.max,
      cpu: o.cpu ?? spec.resources.cpu,
      memory: o.memory ?? spec.resources.memory,
      image: `${images.registry}/${name}${ref}`,
    };
  }
  return out;
}

function checkGateway(
  g: GatewayConfig,
  services: Partial<Record<ServiceName, ServiceSettings>>,
  environment: Environment,
): string[] {
  const problems: string[] = [];
  const key = fullKey("gateway");
  for (const name of [...Object.keys(g.routes), ...Object.keys(g.rateLimits)]) {
    if (name !== "identity" && !services[name as ServiceName]) {
      problems.push(
        `${key}: a route or rate limit for "${name}", which is disabled in ${fullKey("services")}; remove it or enable the service.`,
      );
    }
  }
  if (g.tls.mode === "secret" && !g.tls.secretName)
    problems.push(`${key}.tls.secretName: required when tls.mode is "secret".`);
  if (g.tls.mode === "cert-manager" && !g.tls.acmeEmail)
    problems.push(`${key}.tls.acmeEmail: required when tls.mode is "cert-manager".`);
  if (g.minReplicas > g.maxReplicas) {
    problems.push(
      `${key}: minReplicas (${g.minReplicas}) must be less than or equal to maxReplicas (${g.maxReplicas}).`,
    );
  }
  if (g.minReplicas < 3 && environment !== "dev") {
    problems.push(`${key}.minReplicas = ${g.minReplicas}: at least 3 (one per zone) outside dev.`);
  }
  return problems;
}

function checkServices(services: Partial<Record<ServiceName, ServiceSettings>>, environment: Environment): string[] {
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    const at = `${fullKey("services")}.${name}`;
    if (s.minReplicas > s.maxReplicas) {
      problems.push(
        `${at}: minReplicas (${s.minReplicas}) must be less than or equal to maxReplicas (${s.maxReplicas}).`,
      );
    }
    if (s.minReplicas < 3 && environment !== "dev") {
      problems.push(
        `${at}.minReplicas = ${s.minReplicas}: at least 3 (one per zone) are needed to survive a zone loss; only dev stacks may run fewer.`,
      );
    }
  }
  return problems;
}

function checkDatastores(d: DatastoresConfig, cloud: Cloud | undefined, environment: Environment): string[] {
  const problems: string[] = [];
  const key = fullKey("datastores");
  if (environment !== "dev") {
    const counts: [string, number][] = [
      ["postgres.instances", d.postgres.instances],
      ["redis.replicas", d.redis.replicas],
      ["redis.sentinels", d.redis.sentinels],
      ["mongodb.members", d.mongodb.members],
      ["rabbitmq.replicas", d.rabbitmq.replicas],
      ["elasticsearch.nodes", d.elasticsearch.nodes],
    ];
    for (const [path, n] of counts) {
      if (n < 3) {
        problems.push(
          `${key}.${path} = ${n}: at least 3 (one per zone) are needed to survive a zone loss; only stacks with ${fullKey("environment")}: dev may run fewer.`,
        );
      }
    }
  }
  const m = d.objectStorage.minio;
  const drives = 3 * m.serversPerZone * m.volumesPerServer;
  if (d.objectStorage.backend === "minio" && drives > 16) {
    problems.push(
      `${key}.objectStorage.minio: serversPerZone (${m.serversPerZone}) x volumesPerServer (${m.volumesPerServer}) x 3 zones = ${drives} drives; at most 16 keep one erasure set whose parity covers a whole zone.`,
    );
  }
  if (d.objectStorage.backend === "cloud" && cloud === "existing") {
    problems.push(
      `${key}.objectStorage.backend = "cloud": the existing target has no cloud object store; use "minio".`,
    );
  }
  return problems;
}

function checkGcp(gcp: GcpConfig, zones: string[] | undefined): string[] {
  const problems: string[] = [];
  const outside = (zones ?? []).filter((z) => !z.startsWith(`${gcp.region}-`));
  if (outside.length > 0) {
    problems.push(
      `${fullKey("zones")} = ${show(zones)}: ${outside.join(", ")} not in region ${gcp.region} (${fullKey("gcp")}.region); zones of ${gcp.region} look like ${gcp.region}-b.`,
    );
  }
  for (const pair of overlappingPairs({
    nodesCidr: gcp.nodesCidr,
    podsCidr: gcp.podsCidr,
    servicesCidr: gcp.servicesCidr,
    masterCidr: gcp.masterCidr,
  })) {
    problems.push(`${fullKey("gcp")}: ${pair}; the node, pod, service and control-plane ranges must not overlap.`);
  }
  if (!/\/28$/.test(gcp.masterCidr)) {
    problems.push(`${fullKey("gcp")}.masterCidr = ${show(gcp.masterCidr)}: GKE needs a /28 for the control plane.`);
  }
  return problems;
}

function checkAws(aws: AwsConfig, zones: string[] | undefined): string[] {
  const problems: string[] = [];
  const key = fullKey("aws");
  const outside = (zones ?? []).filter((z) => !new RegExp(`^${aws.region}[a-z]$`).test(z));
  if (outside.length > 0) {
    problems.push(
      `${fullKey("zones")} = ${show(zones)}: ${outside.join(", ")} not in region ${aws.region} (${key}.region); zones of ${aws.region} look like ${aws.region}a.`,
    );
  }
  const count = zones?.length ?? 3;
  for (const list of ["privateSubnetCidrs", "publicSubnetCidrs"] as const) {
    if (aws[list].length !== count) {
      problems.push(`${key}.${list}: ${aws[list].length} given; one per zone (${count}) is needed.`);
    }
    aws[list].forEach((c, i) => {
      if (!cidrWithin(c, aws.vpcCidr))
        problems.push(`${key}.${list}[${i}] = ${show(c)}: not inside vpcCidr ${aws.vpcCidr}.`);
    });
  }
  const named = Object.fromEntries([
    ...aws.privateSubnetCidrs.map((c, i) => [`privateSubnetCidrs[${i}]`, c]),
    ...aws.publicSubnetCidrs.map((c, i) => [`publicSubnetCidrs[${i}]`, c]),
  ]);
  for (const pair of overlappingPairs(named)) problems.push(`${key}: ${pair}; subnets must not overlap.`);
  return problems;
}

function checkAzure(azure: AzureConfig, zones: string[] | undefined): string[] {
  const problems: string[] = [];
  const key = fullKey("azure");
  const bad = (zones ?? []).filter((z) => !["1", "2", "3"].includes(z));
  if (bad.length > 0)
    problems.push(`${fullKey("zones")} = ${show(zones)}: Azure availability zones are "1", "2" and "3".`);
  if (!cidrWithin(azure.nodeSubnetCidr, azure.vnetCidr)) {
    problems.push(`${key}.nodeSubnetCidr = ${show(azure.nodeSubnetCidr)}: not inside vnetCidr ${azure.vnetCidr}.`);
  }
  for (const pair of overlappingPairs({
    vnetCidr: azure.vnetCidr,
    podCidr: azure.podCidr,
    serviceCidr: azure.serviceCidr,
  })) {
    problems.push(`${key}: ${pair}; the VNet, pod and service ranges must not overlap.`);
  }
  if (azure.disableLocalAccounts && azure.adminGroupObjectIds.length === 0) {
    problems.push(
      `${key}.adminGroupObjectIds: empty while disableLocalAccounts is true; nobody could administer the cluster.`,
    );
  }
  return problems;
}

/** Reads the running stack's config (the CLI's, or the one the test harness sets). */
export function readStackConfig(): PlatformConfig {
  // The config module directly, not `pulumi.runtime`: that index also loads the closure serializer
  // (and TypeScript) which this program never uses. isConfigSecret is exported but left out of the
  // typings; it reads the PULUMI_CONFIG_SECRET_KEYS list the CLI passes to the program.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    allConfig(): Record<string, string>;
    isConfigSecret(k: string): boolean;
  };
  const raw = runtimeConfig.allConfig();
  const secretKeys = new Set(Object.keys(raw).filter((k) => runtimeConfig.isConfigSecret(k)));
  return parseConfig(raw, secretKeys);
}
