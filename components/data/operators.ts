/**
 * The datastore operators, each a pinned Helm chart in the operators namespace.
 *
 * Why `helm.v3.Release`: it previews without a reachable cluster (pulumi-kubernetes PR #1886, fixing
 * issue #1794), so the first `pulumi preview` of a new customer stack, whose cluster does not exist
 * yet, works; `helm.v4.Chart` still fails there with "failed to parse kubeconfig data"
 * (pulumi-kubernetes issue #3027, open). A Release is also one visible resource under the test
 * mocks. Releases install their charts' CRDs first and wait until the operator is ready, so custom
 * resources that `dependsOn` a release are applied only after their CRDs exist.
 */
import { CONTROLLER_RESOURCES, JOB_RESOURCES, OPERATOR_RESOURCES } from "../../lib/resources";
import { manifestSource, Mirror, mirrorManifestObject } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "../../lib/labels";
import { allowEgress, allowIngress, isolate } from "../common/network-policies";
import { RESTRICTED_CONTAINER, RESTRICTED_POD_IMAGE_USER } from "../../lib/security-context";
import { CHARTS, ChartPin, MANIFESTS } from "../../lib/versions";

export interface OperatorsArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  /** The operators namespace. */
  namespace: pulumi.Output<string>;
  /** Namespaces whose pods the operators manage (they reach them for status and admin). */
  managedNamespaces: pulumi.Output<string>[];
  /** Install the MinIO operator (only for the `minio` object-storage backend). Default true. */
  minio?: boolean;
}

/** Every operator: two replicas (leader election), a small footprint. */
const COMMON_RESOURCES = OPERATOR_RESOURCES;

/**
 * The URN cert-manager's release had when the gateway's Certificates component installed it
 * (Platform `<customer>` > GatewayLayer `<customer>-gateway` > Certificates `<customer>-gateway-tls`),
 * in the engine's form: every ancestor's type.
 */
/** An object with the provider's `pulumi.com/patchForce` annotation: its server-side apply takes over fields another manager owns. */
function forcePatch<T>(props: T): T {
  const o = props as { metadata?: { annotations?: Record<string, string> } };
  return {
    ...o,
    metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, "pulumi.com/patchForce": "true" } },
  } as T;
}

function formerCertManagerUrn(customer: string): string {
  const type = [
    "dedicated-platform:platform:Platform",
    "dedicated-platform:gateway:GatewayLayer",
    "dedicated-platform:gateway:Certificates",
    "kubernetes:helm.sh/v3:Release",
  ].join("$");
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${customer}-gateway-tls-cert-manager`;
}

export class Operators extends pulumi.ComponentResource {
  public readonly cloudnativePg: k8s.helm.v3.Release;
  public readonly redis: k8s.helm.v3.Release;
  public readonly minio?: k8s.helm.v3.Release;
  public readonly mongodb: k8s.helm.v3.Release;
  public readonly elastic: k8s.helm.v3.Release;
  /** The RabbitMQ Cluster Operator has no official chart: its release manifest, applied server-side. */
  public readonly rabbitmq: k8s.yaml.v2.ConfigFile;
  /**
   * cert-manager: the RabbitMQ manifest's webhooks get their certificates from it, and the gateway
   * issues its TLS certificates with it, so it is installed on every stack.
   */
  public readonly certManager: k8s.helm.v3.Release;
  /** cert-manager's CRDs, applied by the provider itself (see MANIFESTS.certManagerCrds). */
  public readonly certManagerCrds: k8s.yaml.v2.ConfigFile;

  constructor(name: string, args: OperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:Operators", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const release = (
      id: string,
      pin: ChartPin,
      values: Record<string, unknown>,
      extra?: pulumi.CustomResourceOptions,
    ) =>
      pinnedRelease(
        `${name}-${id}`,
        {
          name: id,
          pin: pin,
          namespace: args.namespace,
          createNamespace: false,
          cleanupOnFail: true,
          timeout: 600,
          values,
          mirror: args.mirror,
        },
        { ...o, ...extra },
      );

    const mirror = args.mirror;
    // The provider resolves a custom kind on a preview only from CRDs it applies itself, not from a
    // Helm release's: applied here, the RabbitMQ manifest's Certificates and Issuer resolve on the
    // first preview of a new cluster. `patchForce` takes the CRDs over from the release that installed
    // them on stacks created before (the chart kept them: `crds.keep`).
    this.certManagerCrds = new k8s.yaml.v2.ConfigFile(
      `${name}-cert-manager-crds`,
      { file: manifestSource(MANIFESTS.certManagerCrds, mirror) },
      { ...o, transforms: [({ props, opts }) => ({ props: forcePatch(props), opts })] },
    );
    this.certManager = release(
      "cert-manager",
      CHARTS.certManager,
      {
        crds: { enabled: false },
        replicaCount: 2,
        resources: CONTROLLER_RESOURCES,
        webhook: { replicaCount: 2, resources: CONTROLLER_RESOURCES },
        cainjector: { replicaCount: 2, resources: CONTROLLER_RESOURCES },
        startupapicheck: { resources: JOB_RESOURCES },
      },
      // It was the gateway's until every stack needed it: the alias keeps the live release (no
      // replacement) on stacks that had it there.
      { aliases: [formerCertManagerUrn(args.customer)], dependsOn: [this.certManagerCrds] },
    );

    this.cloudnativePg = release("cnpg", CHARTS.cloudnativePg, {
      replicaCount: 2,
      resources: COMMON_RESOURCES,
      config: { clusterWide: true },
    });
    // The operators namespace enforces Pod Security `restricted`; these two charts set no security
    // context by default, so their pods would be refused.
    this.redis = release("redis-operator", CHARTS.redisOperator, {
      replicas: 2,
      resources: COMMON_RESOURCES,
      podSecurityContext: RESTRICTED_POD_IMAGE_USER,
      securityContext: RESTRICTED_CONTAINER,
    });
    this.mongodb = release("psmdb-operator", CHARTS.psmdbOperator, {
      // Cluster-wide, so the operator in the operators namespace manages the data namespace.
      watchAllNamespaces: true,
      replicaCount: 2,
      resources: COMMON_RESOURCES,
      podSecurityContext: RESTRICTED_POD_IMAGE_USER,
      securityContext: RESTRICTED_CONTAINER,
    });
    this.elastic = release("eck-operator", CHARTS.eckOperator, {
      replicaCount: 2,
      resources: COMMON_RESOURCES,
      // Elastic's anonymous usage telemetry off for a customer's dedicated platform.
      telemetry: { disabled: true },
      // The chart's pod context lacks the seccomp profile `restricted` requires (merged with its own).
      podSecurityContext: RESTRICTED_POD_IMAGE_USER,
    });
    // The manifest creates its own `rabbitmq-system` namespace for the operator and cluster-wide
    // CRDs/RBAC. Fetched by the provider at deploy time (never in tests). Unlike the Helm releases,
    // a first preview before the cluster exists may not be able to expand it (see docs/architecture.md).
    this.rabbitmq = new k8s.yaml.v2.ConfigFile(
      `${name}-rabbitmq-operator`,
      { file: manifestSource(MANIFESTS.rabbitmqOperator, mirror) },
      {
        ...o,
        // Its webhooks' certificates are cert-manager Certificates and an Issuer: their kinds must be
        // known (the CRDs) and served (cert-manager) first.
        dependsOn: [this.certManagerCrds, this.certManager],
        // Through a mirror, the operator's own image too.
        ...(mirror?.registry
          ? { transforms: [({ props, opts }) => ({ props: mirrorManifestObject(props, mirror), opts })] }
          : {}),
      },
    );
    if (args.minio ?? true) {
      this.minio = release("minio-operator", CHARTS.minioOperator, {
        operator: { replicaCount: 2, resources: COMMON_RESOURCES },
      });
    }

    const labels = standardLabels({ name: "operators", instance: args.customer, component: "operators" });
    // Operators talk to the Kubernetes API (its address is not selectable, so by port) and to the
    // pods they manage; the API server calls their admission webhooks.
    allowEgress(
      `${name}-egress`,
      {
        namespace: args.namespace,
        podLabels: {},
        policyName: "operators-egress",
        labels,
        externalPorts: [443, 6443],
        to: [{ peers: args.managedNamespaces.map((namespace) => ({ namespace })) }],
      },
      o,
    );
    allowIngress(
      `${name}-webhooks`,
      {
        namespace: args.namespace,
        podLabels: {},
        policyName: "operators-webhooks",
        labels,
        // An empty `from` admits any source: the API server's address cannot be selected by labels.
        // 9443: the CloudNativePG (and controller-runtime) webhook port; 6443: KEDA's metrics API server;
        // 10250: cert-manager's webhook (the chart's `webhook.securePort`).
        rules: [{ from: [], ports: [9443, 6443, 10250] }],
      },
      o,
    );
    // The RabbitMQ operator's namespace comes from its manifest, with no NetworkPolicy: the
    // platform's isolation there too. The operator reaches the Kubernetes API (by port: its address
    // is not selectable) and the clusters it manages; the API server calls its webhook (9443).
    const rabbitOpts = { ...o, dependsOn: [this.rabbitmq] };
    const rabbitLabels = standardLabels({ name: "rabbitmq-operator", instance: args.customer, component: "operators" });
    isolate(`${name}-rabbitmq-system`, { namespace: RABBITMQ_OPERATOR_NAMESPACE, labels: rabbitLabels }, rabbitOpts);
    allowEgress(
      `${name}-rabbitmq-operator-egress`,
      {
        namespace: RABBITMQ_OPERATOR_NAMESPACE,
        podLabels: {},
        policyName: "operator-egress",
        labels: rabbitLabels,
        externalPorts: [443, 6443],
        to: [{ peers: args.managedNamespaces.map((namespace) => ({ namespace })) }],
      },
      rabbitOpts,
    );
    allowIngress(
      `${name}-rabbitmq-operator-webhook`,
      {
        namespace: RABBITMQ_OPERATOR_NAMESPACE,
        podLabels: {},
        policyName: "operator-webhook",
        labels: rabbitLabels,
        rules: [{ from: [], ports: [9443] }],
      },
      rabbitOpts,
    );
    this.registerOutputs({});
  }
}

/** The namespace the RabbitMQ Cluster Operator's manifest creates for itself. */
export const RABBITMQ_OPERATOR_NAMESPACE = "rabbitmq-system";
