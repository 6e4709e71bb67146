/**
 * One platform service from a typed spec: ServiceAccount, Deployment, Service,
 * HorizontalPodAutoscaler, PodDisruptionBudget. Spread over zones (hard) and nodes (soft), probed,
 * restricted, sized, its configuration wired from the datastores' connection contracts by Secret
 * reference, and a checksum annotation so a configuration change rolls the pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { quantityToNumber } from "../../config/quantities";
import { createHash } from "node:crypto";
import type { ServiceSettings } from "../../config/load";
import { standardLabels } from "../../lib/labels";
import { zoneSpread } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import type { ServiceName, ServiceSpec } from "./catalog";

/** An environment variable: a plain value, or a key of a Secret in the service's namespace. */
export type EnvSource = pulumi.Input<string> | { secret: pulumi.Input<string>; key: string };

export interface PlatformServiceArgs {
  provider: k8s.Provider;
  customer: string;
  namespace: pulumi.Output<string>;
  name: ServiceName;
  spec: ServiceSpec;
  settings: ServiceSettings;
  env: Record<string, EnvSource>;
  /** Values whose change must roll the pods (Secret contents, mounted config); hashed, never stored. */
  rollOn?: pulumi.Input<string>[];
  priorityClassName: pulumi.Input<string>;
  imagePullSecrets: string[];
  /** Extra annotations for the ServiceAccount (workload identity). */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /** Extra pod labels (Azure Workload Identity's opt-in label). */
  podLabels?: Record<string, string>;
  /** Scratch volumes, mounted at `path`, sized in quantity (emptyDir with a size limit). */
  scratch?: { name: string; path: string; size: string }[];
  /** Where KEDA reads custom metrics, for services whose spec has `scaleOn`. */
  scaler?: {
    prometheusUrl: pulumi.Input<string>;
    /** Kong's `service` label prefix for this service's route (`<namespace>.<service>.`). */
    kongServicePrefix: pulumi.Input<string>;
    /** TriggerAuthentication with RabbitMQ's management URL. */
    rabbitmqAuth: pulumi.Input<string>;
    /** The KEDA release: ScaledObjects need its CRDs. */
    keda: pulumi.Resource;
  };
}

export const HPA_BEHAVIOR = {
  // Up fast: double, or +4 pods, every 15 s, whichever adds more.
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 100, periodSeconds: 15 },
      { type: "Pods", value: 4, periodSeconds: 15 },
    ],
  },
  // Down slowly: after 5 minutes of lower load, at most 10% a minute.
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 10, periodSeconds: 60 }],
  },
};

export const CPU_TARGET = 70;
export const MEMORY_TARGET = 80;

export class PlatformService extends pulumi.ComponentResource {
  public readonly serviceName: pulumi.Output<string>;
  public readonly serviceAccountName: pulumi.Output<string>;
  /** Pod labels (selector) of the service. */
  public readonly podLabels: Record<string, string>;

  constructor(name: string, args: PlatformServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:services:PlatformService", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const { spec, settings } = args;
    const labels = standardLabels({ name: args.name, instance: args.customer, component: spec.component });
    const selector = { "app.kubernetes.io/name": args.name, "app.kubernetes.io/instance": args.customer };
    this.podLabels = selector;
    const meta = { name: args.name, namespace: args.namespace, labels };

    const account = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: { ...meta, annotations: args.serviceAccountAnnotations },
        // No API token unless the service talks to the Kubernetes API.
        automountServiceAccountToken: spec.usesKubernetesApi,
      },
      o,
    );

    const env = Object.entries(args.env).map(([envName, source]) =>
      typeof source === "object" && source !== null && "secret" in source
        ? { name: envName, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } }
        : { name: envName, value: source as pulumi.Input<string> },
    );
    // The checksum covers the env as declared (Secret names and keys, never values) and the values
    // that must roll the pods. A hash reveals nothing, so it is not kept as a secret.
    const checksum = pulumi.unsecret(
      pulumi.all([pulumi.output(env), pulumi.output(args.rollOn ?? [])]).apply(([e, roll]) =>
        createHash("sha256")
          .update(JSON.stringify([e, roll]))
          .digest("hex"),
      ),
    );
    const scratch = args.scratch ?? [];
    // Ephemeral storage: the logs and writable layer, plus every emptyDir at its size limit (/tmp's
    // 256Mi and the scratch volumes), so the kubelet evicts this pod only when it overruns its own.
    const ephemeral = ephemeralStorage(["256Mi", ...scratch.map((v) => v.size)]);
    const httpProbe = (path: string) => ({ httpGet: { path, port: "http" } });

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { ...meta, annotations: { "dedicated-platform/description": spec.description } },
        spec: {
          // No `replicas`: the HorizontalPodAutoscaler owns it (a fixed value would fight it on every update).
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
          template: {
            metadata: {
              labels: { ...labels, ...(args.podLabels ?? {}), ...selector },
              annotations: { "dedicated-platform/config-checksum": checksum },
            },
            spec: {
              serviceAccountName: account.metadata.name,
              automountServiceAccountToken: spec.usesKubernetesApi,
              priorityClassName: args.priorityClassName,
              securityContext: restrictedPod(10001),
              topologySpreadConstraints: zoneSpread(selector),
              imagePullSecrets: args.imagePullSecrets.map((n) => ({ name: n })),
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: args.name,
                  image: settings.image,
                  imagePullPolicy: "IfNotPresent",
                  ports: [
                    { name: "http", containerPort: spec.port },
                    { name: "metrics", containerPort: spec.metricsPort },
                  ],
                  env,
                  resources: {
                    requests: { cpu: settings.cpu, memory: settings.memory, "ephemeral-storage": ephemeral.request },
                    limits: { cpu: settings.cpu, memory: settings.memory, "ephemeral-storage": ephemeral.limit },
                  },
                  readinessProbe: { ...httpProbe(spec.probes.readiness), periodSeconds: 5, failureThreshold: 3 },
                  livenessProbe: { ...httpProbe(spec.probes.liveness), periodSeconds: 10, failureThreshold: 3 },
                  // Up to 5 minutes to start before liveness applies.
                  startupProbe: { ...httpProbe(spec.probes.startup), periodSeconds: 5, failureThreshold: 60 },
                  securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
                  volumeMounts: [
                    { name: "tmp", mountPath: "/tmp" },
                    ...scratch.map((v) => ({ name: v.name, mountPath: v.path })),
                  ],
                },
              ],
              volumes: [
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                ...scratch.map((v) => ({ name: v.name, emptyDir: { sizeLimit: v.size } })),
              ],
            },
          },
        },
      },
      o,
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: meta,
        spec: {
          type: "ClusterIP",
          selector,
          ports: [
            { name: "http", port: 80, targetPort: "http" },
            { name: "metrics", port: spec.metricsPort, targetPort: "metrics" },
          ],
        },
      },
      o,
    );

    if (spec.scaleOn) {
      if (!args.scaler) throw new Error(`${args.name} scales on custom metrics but no scaler was given`);
      // KEDA creates and owns the HPA (autoscaling/v2) from this: CPU, memory and the custom metric.
      const custom =
        "requestsPerSecond" in spec.scaleOn
          ? {
              type: "prometheus",
              name: "requests-per-second",
              metadata: {
                serverAddress: args.scaler.prometheusUrl,
                query: pulumi.interpolate`sum(rate(kong_http_requests_total{service=~"${pulumi.output(args.scaler.kongServicePrefix).apply((p) => p.replace(/\./g, "\\\\."))}.*"}[1m]))`,
                threshold: String(spec.scaleOn.requestsPerSecond),
              },
            }
          : {
              type: "rabbitmq",
              name: "queue-depth",
              metadata: {
                protocol: "http",
                queueName: spec.scaleOn.queue,
                mode: "QueueLength",
                value: String(spec.scaleOn.messagesPerReplica),
              },
              authenticationRef: { name: args.scaler.rabbitmqAuth },
            };
      new k8s.apiextensions.CustomResource(
        `${name}-scaledobject`,
        {
          apiVersion: "keda.sh/v1alpha1",
          kind: "ScaledObject",
          metadata: meta,
          spec: {
            scaleTargetRef: { name: deployment.metadata.name },
            minReplicaCount: settings.minReplicas,
            maxReplicaCount: settings.maxReplicas,
            advanced: { horizontalPodAutoscalerConfig: { behavior: HPA_BEHAVIOR } },
            triggers: [
              { type: "cpu", metricType: "Utilization", metadata: { value: String(CPU_TARGET) } },
              { type: "memory", metricType: "Utilization", metadata: { value: String(MEMORY_TARGET) } },
              custom,
            ],
          },
        },
        { ...o, dependsOn: [args.scaler.keda] },
      );
    } else {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: meta,
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
            minReplicas: settings.minReplicas,
            maxReplicas: settings.maxReplicas,
            metrics: [
              {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: CPU_TARGET } },
              },
              {
                type: "Resource",
                resource: { name: "memory", target: { type: "Utilization", averageUtilization: MEMORY_TARGET } },
              },
            ],
            behavior: HPA_BEHAVIOR,
          },
        },
        o,
      );
    }

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        // A third at most: with replicas spread evenly, two of three zones keep serving.
        metadata: meta,
        spec: { maxUnavailable: "33%", selector: { matchLabels: selector } },
      },
      o,
    );

    this.serviceName = service.metadata.name;
    this.serviceAccountName = account.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}

/** Requests 256Mi of ephemeral storage; limits it to 512Mi (logs, writable layer) plus the emptyDirs' sizes. */
export function ephemeralStorage(emptyDirSizes: string[]): { request: string; limit: string } {
  const mi = emptyDirSizes.reduce((a, q) => a + Math.ceil(quantityToNumber(q) / 2 ** 20), 512);
  return { request: "256Mi", limit: `${mi}Mi` };
}
