/**
 * Metrics, alerts and logs: kube-prometheus-stack (2 Prometheus replicas on different zones,
 * 3 Alertmanagers, zonal storage), a monitor for every platform component, the alert rules,
 * Datadog for platform metrics and logs (only with an API key), and Filebeat shipping the pipelines
 * namespace's logs to Elasticsearch. Platform logs go to Datadog, pipeline logs to Elasticsearch, and
 * neither goes to both.
 */
import {
  CONTROLLER_RESOURCES,
  JOB_RESOURCES,
  NODE_AGENT_RESOURCES,
  OPERATOR_RESOURCES,
  cpuAndMemory,
} from "../../lib/resources";
import { image } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import type { PlatformConfig } from "../../config/load";
import type { CloudTarget } from "../../providers/types";
import type { DataLayer } from "../data/data-layer";
import { ES_NAME, ES_POD_LABELS } from "../data/elasticsearch";
import { standardLabels } from "../../lib/labels";
import { CONCERNS, Concern } from "../namespaces/catalog";
import { allowEgress, allowIngress } from "../common/network-policies";
import { ZONE_KEY } from "../common/placement";
import type { ServicesLayer } from "../services/services-layer";
import { CHARTS, ELASTICSEARCH_VERSION } from "../../lib/versions";
import { alertRules } from "./alerts";
import { createElasticsearchExporter, ES_EXPORTER_LABELS } from "./elasticsearch-exporter";
import { POD_MONITORS, SCRAPE_PORTS } from "./monitors";

export interface ObservabilityLayerArgs {
  config: PlatformConfig;
  target: CloudTarget;
  namespaces: Record<Concern, pulumi.Output<string>>;
  data: DataLayer;
  services: ServicesLayer;
}

/** The index the shipper writes: one per day, under the lifecycle policy of the data layer. */
export const PIPELINE_INDEX = "pipeline-logs-%{+yyyy.MM.dd}";

/** Alertmanager's configuration: Slack when configured, otherwise alerts stay in Alertmanager. */
export function alertmanagerConfig(slack?: { channel: string; webhookUrl: string }) {
  const receivers = slack
    ? [
        {
          name: "platform",
          slack_configs: [{ api_url: slack.webhookUrl, channel: slack.channel, send_resolved: true }],
        },
      ]
    : [{ name: "platform" }];
  return {
    route: {
      receiver: "platform",
      group_by: ["alertname", "namespace"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
    },
    receivers,
  };
}

export class ObservabilityLayer extends pulumi.ComponentResource {
  constructor(name: string, args: ObservabilityLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:observability:ObservabilityLayer", name, {}, opts);
    const { config, target, namespaces, data } = args;
    const provider = target.kubernetes;
    const o = { parent: this, provider };
    const obs = config.observability;
    const labels = (component: string) =>
      standardLabels({ name: "observability", instance: config.customer, component });

    const alertmanagerSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager`,
      {
        metadata: { name: "alertmanager-platform", namespace: namespaces.observability, labels: labels("alerting") },
        stringData: {
          "alertmanager.yaml": obs.slackWebhookUrl
            ? pulumi.secret(
                obs.slackWebhookUrl.apply((url) =>
                  YAML.stringify(alertmanagerConfig({ channel: obs.slackChannel!, webhookUrl: url })),
                ),
              )
            : YAML.stringify(alertmanagerConfig()),
        },
      },
      o,
    );

    const storage = (size: string) => ({
      volumeClaimTemplate: {
        spec: {
          storageClassName: target.storageClasses.zonal,
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: size } },
        },
      },
    });
    const stack = pinnedRelease(
      `${name}-prometheus`,
      {
        name: "monitoring",
        pin: CHARTS.kubePrometheusStack,
        mirror: config.mirror,
        namespace: namespaces.observability,
        timeout: 900,
        values: {
          grafana: { enabled: false },
          prometheus: {
            prometheusSpec: {
              replicas: obs.prometheus.replicas,
              // Replicas never share a zone.
              podAntiAffinity: "hard",
              podAntiAffinityTopologyKey: ZONE_KEY,
              retention: obs.prometheus.retention,
              storageSpec: storage(obs.prometheus.storageSize),
              // Pick up every monitor and rule of the platform, not only the chart's own.
              serviceMonitorSelectorNilUsesHelmValues: false,
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
            },
          },
          alertmanager: {
            alertmanagerSpec: {
              replicas: obs.prometheus.alertmanagerReplicas,
              podAntiAffinity: "hard",
              podAntiAffinityTopologyKey: ZONE_KEY,
              configSecret: alertmanagerSecret.metadata.name,
              storage: storage("5Gi"),
              resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
            },
          },
          // Zone and pool labels on kube_node_labels, for the zone and node-autoscaler alerts.
          "kube-state-metrics": {
            metricLabelsAllowlist: [`nodes=[${ZONE_KEY},dedicated-platform/pool]`],
            resources: OPERATOR_RESOURCES,
          },
          // node-exporter reads the host: it runs in the privileged node-agents namespace.
          "prometheus-node-exporter": { namespaceOverride: namespaces["node-agents"], resources: NODE_AGENT_RESOURCES },
          prometheusOperator: {
            resources: OPERATOR_RESOURCES,
            // The chart reads the reloader's cpu and memory one by one, no other key.
            prometheusConfigReloader: { resources: cpuAndMemory(CONTROLLER_RESOURCES) },
            admissionWebhooks: { patch: { resources: JOB_RESOURCES } },
          },
          // Managed control planes expose no etcd/scheduler/controller-manager endpoints to scrape.
          kubeEtcd: { enabled: false },
          kubeScheduler: { enabled: false },
          kubeControllerManager: { enabled: false },
          kubeProxy: { enabled: false },
        },
      },
      o,
    );
    const crOpts = { ...o, dependsOn: [stack] };

    const monitorLabels = labels("monitoring");
    const useMinio = config.datastores.objectStorage.backend === "minio";
    for (const m of POD_MONITORS.filter((p) => p.when !== "minio" || useMinio)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${m.name}-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: m.name, namespace: namespaces[m.namespace], labels: monitorLabels },
          spec: {
            selector: { matchLabels: m.podLabels },
            podMetricsEndpoints: [
              {
                ...(typeof m.port === "number" ? { portNumber: m.port } : { port: m.port }),
                path: m.path ?? "/metrics",
                interval: "30s",
              },
            ],
          },
        },
        crOpts,
      );
    }
    for (const svc of Object.keys(args.services.services)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${svc}-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "ServiceMonitor",
          metadata: { name: svc, namespace: namespaces.services, labels: monitorLabels },
          spec: {
            selector: { matchLabels: { "app.kubernetes.io/name": svc } },
            endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
          },
        },
        crOpts,
      );
    }
    // The node autoscaler, where it runs inside the cluster (EKS).
    const ca = target.autoscalerMetrics;
    if (ca) {
      new k8s.apiextensions.CustomResource(
        `${name}-node-autoscaler-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: "node-autoscaler", namespace: ca.namespace, labels: monitorLabels },
          spec: {
            selector: { matchLabels: ca.podLabels },
            podMetricsEndpoints: [{ portNumber: ca.port, path: "/metrics", interval: "30s" }],
          },
        },
        { ...o, dependsOn: [stack, ca.dependsOn] },
      );
    }
    createElasticsearchExporter(
      `${name}-es-exporter`,
      {
        customer: config.customer,
        namespace: namespaces.logging,
        readerSecret: data.elasticsearch.reader.secretName,
        mirror: config.mirror,
      },
      o,
    );

    const zonesByPool = target.nodePools;
    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "platform-alerts", namespace: namespaces.observability, labels: labels("alerting") },
        spec: {
          groups: [
            {
              name: "dedicated-platform",
              rules: pulumi.all([namespaces.data, namespaces.logging]).apply(([dataNs, loggingNs]) =>
                alertRules({
                  zones: target.zones,
                  nodePools: zonesByPool,
                  namespaces: { data: dataNs, logging: loggingNs },
                }),
              ),
            },
          ],
        },
      },
      crOpts,
    );

    this.pipelineLogs(name, config, provider, namespaces, data);
    if (obs.datadogApiKey) this.datadog(name, config, provider, namespaces, obs.datadogApiKey, obs.datadogAppKey);
    this.networkPolicies(name, config, provider, namespaces, target);
    this.registerOutputs({});
  }

  /**
   * Filebeat (through ECK) on every node reads only the pipelines namespace's container logs,
   * parses JSON lines, adds Kubernetes metadata and writes daily pipeline-log indices over TLS as the
   * shipper user (ECK supplies the CA and endpoint through elasticsearchRef).
   */
  private pipelineLogs(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    data: DataLayer,
  ) {
    const o = { parent: this, provider };
    const ns = namespaces["node-agents"];
    const labels = standardLabels({ name: "filebeat", instance: config.customer, component: "pipeline-logs" });
    const credentials = new k8s.core.v1.Secret(
      `${name}-shipper-credentials`,
      {
        metadata: { name: "pipeline-log-shipper", namespace: ns, labels },
        stringData: data.shipperCredentials,
      },
      o,
    );
    const pipelinesNs = namespaces.pipelines;
    new k8s.apiextensions.CustomResource(
      `${name}-filebeat`,
      {
        apiVersion: "beat.k8s.elastic.co/v1beta1",
        kind: "Beat",
        metadata: { name: "pipeline-logs", namespace: ns, labels },
        spec: {
          type: "filebeat",
          version: ELASTICSEARCH_VERSION,
          // ECK derives the image from the version; through a mirror it must be named.
          ...(config.mirror?.registry
            ? { image: image(`docker.elastic.co/beats/filebeat:${ELASTICSEARCH_VERSION}`, config.mirror) }
            : {}),
          elasticsearchRef: { name: ES_NAME, namespace: namespaces.logging },
          config: pulumi.all([pipelinesNs]).apply(([pipelines]) => ({
            "filebeat.inputs": [
              {
                type: "filestream",
                id: "pipeline-containers",
                // Only the pipelines namespace: kubelet names files <pod>_<namespace>_<container>-<id>.log.
                paths: [`/var/log/containers/*_${pipelines}_*.log`],
                parsers: [{ container: {} }, { ndjson: { target: "", overwrite_keys: true, add_error_key: true } }],
                processors: [
                  {
                    add_kubernetes_metadata: {
                      host: "${NODE_NAME}",
                      matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }],
                    },
                  },
                ],
              },
            ],
            "output.elasticsearch": {
              username: "${ES_USERNAME}",
              password: "${ES_PASSWORD}",
              index: PIPELINE_INDEX,
            },
            // The index template and lifecycle policy come from the data layer's Job.
            "setup.template.enabled": false,
            "setup.ilm.enabled": false,
          })),
          daemonSet: {
            podTemplate: {
              spec: {
                automountServiceAccountToken: true,
                containers: [
                  {
                    name: "filebeat",
                    env: [
                      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                      {
                        name: "ES_USERNAME",
                        valueFrom: { secretKeyRef: { name: credentials.metadata.name, key: "username" } },
                      },
                      {
                        name: "ES_PASSWORD",
                        valueFrom: { secretKeyRef: { name: credentials.metadata.name, key: "password" } },
                      },
                    ],
                    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "500m", memory: "400Mi" } },
                    // Reading other pods' log files on the host needs root; the namespace is node-agents.
                    securityContext: { runAsUser: 0 },
                    volumeMounts: [
                      { name: "varlogcontainers", mountPath: "/var/log/containers", readOnly: true },
                      { name: "varlogpods", mountPath: "/var/log/pods", readOnly: true },
                    ],
                  },
                ],
                volumes: [
                  { name: "varlogcontainers", hostPath: { path: "/var/log/containers" } },
                  { name: "varlogpods", hostPath: { path: "/var/log/pods" } },
                ],
              },
            },
          },
        },
      },
      // A Beat is ECK's kind: it must wait for the operator's release, which installs the CRD.
      { ...o, dependsOn: [data.operators.elastic] },
    );
  }

  /** The Datadog Operator and one DatadogAgent: platform metrics and the platform namespaces' logs. */
  private datadog(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    apiKey: pulumi.Output<string>,
    appKey?: pulumi.Output<string>,
  ) {
    const o = { parent: this, provider };
    const ns = namespaces["node-agents"];
    const labels = standardLabels({ name: "datadog", instance: config.customer, component: "monitoring" });
    const operator = pinnedRelease(
      `${name}-datadog-operator`,
      {
        name: "datadog-operator",
        pin: CHARTS.datadogOperator,
        mirror: config.mirror,
        namespace: ns,
        values: { replicaCount: 2, resources: OPERATOR_RESOURCES },
      },
      o,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-datadog-keys`,
      {
        metadata: { name: "datadog-keys", namespace: ns, labels },
        stringData: { "api-key": apiKey, ...(appKey ? { "app-key": appKey } : {}) },
      },
      o,
    );
    // Logs of every platform namespace but pipelines (those go to Elasticsearch only).
    const platformNamespaces = pulumi.all(CONCERNS.filter((c) => c !== "pipelines").map((c) => namespaces[c]));
    new k8s.apiextensions.CustomResource(
      `${name}-datadog-agent`,
      {
        apiVersion: "datadoghq.com/v2alpha1",
        kind: "DatadogAgent",
        metadata: { name: "datadog", namespace: ns, labels },
        spec: {
          global: {
            clusterName: config.observability.datadog.clusterName ?? config.customer,
            // The agents' images through the customer's mirror (the operator's `global.registry`).
            ...(config.mirror?.registry ? { registry: config.mirror.registry } : {}),
            site: config.observability.datadog.site,
            credentials: {
              apiSecret: { secretName: secret.metadata.name, keyName: "api-key" },
              ...(appKey ? { appSecret: { secretName: secret.metadata.name, keyName: "app-key" } } : {}),
            },
            env: [
              { name: "DD_CONTAINER_EXCLUDE_LOGS", value: "kube_namespace:.*" },
              {
                name: "DD_CONTAINER_INCLUDE_LOGS",
                value: platformNamespaces.apply((list) => list.map((n) => `kube_namespace:${n}`).join(" ")),
              },
            ],
          },
          features: {
            logCollection: { enabled: true, containerCollectAll: true },
            prometheusScrape: { enabled: false },
          },
        },
      },
      { ...o, dependsOn: [operator] },
    );
  }

  private networkPolicies(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    target: CloudTarget,
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({
      name: "observability-network-policy",
      instance: config.customer,
      component: "isolation",
    });
    // Monitoring reaches the metrics ports it scrapes, and nothing else.
    allowEgress(
      `${name}-monitoring-egress`,
      {
        namespace: namespaces.observability,
        podLabels: {},
        policyName: "monitoring-egress",
        labels,
        to: [
          ...Object.entries(SCRAPE_PORTS).map(([concern, ports]) => ({
            peers: [{ namespace: namespaces[concern as Concern] }],
            ports,
          })),
          { peers: [{ namespace: namespaces["node-agents"] }], ports: [9100] }, // node-exporter
          { peers: [{ namespace: namespaces.observability }] }, // Prometheus, Alertmanager, operator, kube-state-metrics
          { peers: [{ namespace: namespaces.operators }], ports: [9402] }, // cert-manager
          // CoreDNS, which the chart's ServiceMonitor scrapes.
          { peers: [{ namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } }], ports: [9153] },
          ...(target.autoscalerMetrics
            ? [
                {
                  peers: [
                    { namespace: target.autoscalerMetrics.namespace, podLabels: target.autoscalerMetrics.podLabels },
                  ],
                  ports: [target.autoscalerMetrics.port],
                },
              ]
            : []),
        ],
        // The Kubernetes API (service discovery, kube-state-metrics) and Alertmanager's webhooks.
        externalPorts: [443, 6443, 10250],
      },
      o,
    );
    allowIngress(
      `${name}-monitoring-ingress`,
      {
        namespace: namespaces.observability,
        podLabels: {},
        policyName: "monitoring-internal",
        labels,
        rules: [
          { from: [{ namespace: namespaces.observability }], ports: [9090, 9093, 9094, 8080, 10250] },
          { from: [], ports: [10250] }, // the prometheus-operator's admission webhook, called by the API server
          { from: [{ namespace: namespaces.operators }], ports: [9090] }, // KEDA's Prometheus queries
        ],
      },
      o,
    );
    allowIngress(
      `${name}-es-exporter-ingress`,
      {
        namespace: namespaces.logging,
        podLabels: ES_EXPORTER_LABELS,
        policyName: "elasticsearch-exporter-ingress",
        labels,
        rules: [{ from: [{ namespace: namespaces.observability }], ports: [9114] }],
      },
      o,
    );
    // Node agents: the log shipper writes to Elasticsearch; Filebeat's metadata and the Datadog agent
    // read the Kubernetes API and kubelets; the Datadog agent sends to Datadog over HTTPS.
    allowEgress(
      `${name}-node-agents-egress`,
      {
        namespace: namespaces["node-agents"],
        podLabels: {},
        policyName: "node-agents-egress",
        labels,
        to: [{ peers: [{ namespace: namespaces.logging, podLabels: ES_POD_LABELS }], ports: [9200] }],
        externalPorts: [443, 6443, 10250],
      },
      o,
    );
    allowIngress(
      `${name}-node-exporter-ingress`,
      {
        namespace: namespaces["node-agents"],
        podLabels: {},
        policyName: "node-agents-scrape",
        labels,
        rules: [{ from: [{ namespace: namespaces.observability }], ports: [9100] }],
      },
      o,
    );
  }
}
