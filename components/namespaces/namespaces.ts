/**
 * One namespace per concern, each isolated: Pod Security Admission labels, a default-deny
 * NetworkPolicy (ingress and egress) with DNS egress allowed, a ResourceQuota, a LimitRange,
 * and the `default` ServiceAccount with token automount off.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CONTAINER_RESOURCES } from "../../config/load";
import { ENVIRONMENT_ANNOTATION, HOLDS_DATA_ANNOTATION, standardLabels } from "../../lib/labels";
import { isolate } from "../common/network-policies";
import { CONCERN_SPECS, CONCERNS, Concern, namespaceName, Quota } from "./catalog";

export interface PlatformNamespacesArgs {
  /** Kubernetes provider every object is created with (required: never the ambient kubeconfig). */
  provider: k8s.Provider;
  /** The customer stack; the `app.kubernetes.io/instance` label. */
  customer: string;
  /** Namespace name prefix: `<prefix>-<concern>`. Default `dp`. */
  prefix?: string;
  /** ResourceQuota per concern. Default: `CONCERN_SPECS[concern].quota`. */
  quotas?: Partial<Record<Concern, Quota>>;
  /** LimitRange defaults for containers that declare no resources. Default: requests 100m/128Mi, limits 1/1Gi. */
  containerDefaults?: typeof DEFAULT_CONTAINER_RESOURCES;
  /** Protect the namespaces that hold volumes: deleting a namespace deletes its PVCs. Default `true`. */
  protectData?: boolean;
  /**
   * The stack's environment, written to every namespace (`ENVIRONMENT_ANNOTATION`) so that checks
   * outside the program (the policy pack) apply the rules that depend on it. Default `production`.
   */
  environment?: string;
}

export class PlatformNamespaces extends pulumi.ComponentResource {
  /** Namespace name per concern; resolves once the Namespace exists. */
  public readonly names: Record<Concern, pulumi.Output<string>>;

  constructor(name: string, args: PlatformNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:platform:Namespaces", name, {}, opts);
    const prefix = args.prefix ?? "dp";
    const limits = args.containerDefaults ?? DEFAULT_CONTAINER_RESOURCES;
    const protectData = args.protectData ?? true;
    const childOpts = { parent: this, provider: args.provider };

    const names = {} as Record<Concern, pulumi.Output<string>>;
    for (const concern of CONCERNS) {
      const spec = CONCERN_SPECS[concern];
      const quota = args.quotas?.[concern] ?? spec.quota;
      const labels = standardLabels({ name: "namespace", instance: args.customer, component: concern });
      const level = spec.podSecurity;

      const ns = new k8s.core.v1.Namespace(
        `${name}-${concern}`,
        {
          metadata: {
            name: namespaceName(prefix, concern),
            labels: {
              ...labels,
              "pod-security.kubernetes.io/enforce": level,
              "pod-security.kubernetes.io/enforce-version": "latest",
              "pod-security.kubernetes.io/audit": level,
              "pod-security.kubernetes.io/warn": level,
            },
            annotations: {
              "dedicated-platform/purpose": spec.purpose,
              [ENVIRONMENT_ANNOTATION]: args.environment ?? "production",
              ...(spec.holdsData ? { [HOLDS_DATA_ANNOTATION]: "true" } : {}),
            },
          },
        },
        { ...childOpts, protect: spec.holdsData && protectData },
      );
      const namespace = ns.metadata.name;
      names[concern] = namespace;
      const meta = (suffix: string) => ({ name: suffix, namespace, labels });

      isolate(`${name}-${concern}`, { namespace, labels }, childOpts);
      new k8s.core.v1.ResourceQuota(
        `${name}-${concern}-quota`,
        {
          metadata: meta("platform-quota"),
          spec: {
            hard: {
              "requests.cpu": quota.requestsCpu,
              "requests.memory": quota.requestsMemory,
              "limits.cpu": quota.limitsCpu,
              "limits.memory": quota.limitsMemory,
              pods: String(quota.pods),
              persistentvolumeclaims: String(quota.persistentVolumeClaims),
              "requests.storage": quota.requestsStorage,
            },
          },
        },
        childOpts,
      );
      new k8s.core.v1.LimitRange(
        `${name}-${concern}-limits`,
        {
          metadata: meta("container-defaults"),
          spec: {
            limits: [
              {
                type: "Container",
                defaultRequest: { cpu: limits.requestCpu, memory: limits.requestMemory },
                default: { cpu: limits.limitCpu, memory: limits.limitMemory },
              },
            ],
          },
        },
        childOpts,
      );
      // The namespace controller creates `default`; a server-side-apply patch turns its token off
      // so a pod that forgets serviceAccountName gets no API credentials.
      new k8s.core.v1.ServiceAccountPatch(
        `${name}-${concern}-default-sa`,
        { metadata: { name: "default", namespace, labels }, automountServiceAccountToken: false },
        childOpts,
      );
    }
    this.names = names;
    this.registerOutputs({ names });
  }
}
