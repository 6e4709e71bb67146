/**
 * Elasticsearch for pipeline logs (ECK): 3 master-eligible data nodes, one per zone, with ECK's zone
 * awareness so a primary and its replica never share a zone. TLS on (ECK's self-signed CA), ClusterIP
 * only, never exposed. Users for the log shipper and for readers come from file-realm Secrets with
 * generated passwords; a one-off Job installs the pipeline-log lifecycle policy and index template.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatastoresConfig } from "../../config/schema";
import { Connection, serviceHost } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { ZONE_KEY } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { ELASTICSEARCH_VERSION, IMAGES } from "../../lib/versions";

export interface ElasticsearchArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["elasticsearch"];
  operator: pulumi.Resource;
  protect?: boolean;
}

export const ES_NAME = "pipeline-logs";
/** Label ECK puts on the cluster's pods. */
export const ES_POD_LABELS = { "elasticsearch.k8s.elastic.co/cluster-name": ES_NAME };
/** Indices the shipper writes, one per day: pipeline-logs-YYYY.MM.DD. */
export const PIPELINE_INDEX_PATTERN = "pipeline-logs-*";
export const ILM_POLICY = "pipeline-logs";

/** Roles (ECK file realm): the shipper may only write pipeline logs, readers only read them. */
export const ROLES = {
  pipeline_log_writer: {
    cluster: ["monitor"],
    indices: [{ names: [PIPELINE_INDEX_PATTERN], privileges: ["create_doc", "create_index", "auto_configure"] }],
  },
  pipeline_log_reader: {
    cluster: ["monitor"],
    indices: [{ names: [PIPELINE_INDEX_PATTERN], privileges: ["read", "view_index_metadata"] }],
  },
};

export const USERS = { shipper: "pipeline_log_writer", reader: "pipeline_log_reader" } as const;

/** The lifecycle policy for the daily indices: kept hot, deleted once older than the retention. */
export function ilmPolicy(retentionDays: number) {
  return {
    policy: {
      phases: {
        hot: { min_age: "0ms", actions: { set_priority: { priority: 100 } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
      },
    },
  };
}

export function indexTemplate() {
  return {
    index_patterns: [PIPELINE_INDEX_PATTERN],
    template: {
      settings: {
        number_of_shards: 1,
        // One replica: with zone awareness it lands in another zone than its primary.
        number_of_replicas: 1,
        "index.lifecycle.name": ILM_POLICY,
      },
    },
    priority: 200,
  };
}

export class Elasticsearch extends pulumi.ComponentResource {
  /** Per user: connection with that user's credentials Secret; settings carry the CA Secret. */
  public readonly connections: Record<keyof typeof USERS, Connection>;
  public readonly passwords: Record<keyof typeof USERS, pulumi.Output<string>>;

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:Elasticsearch", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "elasticsearch", instance: args.customer, component: "pipeline-logs" });
    const s = args.settings;

    const passwords = {} as Record<keyof typeof USERS, pulumi.Output<string>>;
    const userSecrets = {} as Record<keyof typeof USERS, k8s.core.v1.Secret>;
    for (const [user, role] of Object.entries(USERS) as [keyof typeof USERS, string][]) {
      const pw = new random.RandomPassword(
        `${name}-${user}-password`,
        { length: 32, special: false },
        { parent: this },
      );
      passwords[user] = pulumi.secret(pw.result);
      userSecrets[user] = new k8s.core.v1.Secret(
        `${name}-${user}-user`,
        {
          metadata: { name: `es-${user}-user`, namespace: args.namespace, labels },
          // ECK's file realm reads basic-auth Secrets with an extra `roles` key.
          type: "kubernetes.io/basic-auth",
          stringData: { username: `pipeline-log-${user}`, password: passwords[user], roles: role },
        },
        o,
      );
    }
    const roles = new k8s.core.v1.Secret(
      `${name}-roles`,
      {
        metadata: { name: "es-roles", namespace: args.namespace, labels },
        stringData: { "roles.yml": JSON.stringify(ROLES) },
      },
      o,
    );

    const cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "elasticsearch.k8s.elastic.co/v1",
        kind: "Elasticsearch",
        metadata: { name: ES_NAME, namespace: args.namespace, labels },
        spec: {
          version: ELASTICSEARCH_VERSION,
          // ECK derives the image from the version; through a mirror it must be named.
          ...(args.mirror?.registry
            ? { image: image(`docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`, args.mirror) }
            : {}),
          // ClusterIP only; TLS stays on with ECK's self-signed certificates (the default).
          http: { service: { spec: { type: "ClusterIP" } } },
          auth: {
            fileRealm: Object.values(userSecrets).map((sec) => ({ secretName: sec.metadata.name })),
            roles: [{ secretName: roles.metadata.name }],
          },
          podDisruptionBudget: { spec: { maxUnavailable: 1, selector: { matchLabels: ES_POD_LABELS } } },
          nodeSets: [
            {
              name: "zonal",
              count: s.nodes,
              // ECK spreads the pods over zones and sets shard allocation awareness on the zone
              // attribute, so a replica never shares its primary's zone.
              zoneAwareness: { topologyKey: ZONE_KEY },
              config: {
                "node.roles": ["master", "data", "ingest"],
                // No privileged init container to raise vm.max_map_count: keeps Pod Security restricted.
                "node.store.allow_mmap": false,
              },
              podTemplate: {
                spec: {
                  securityContext: restrictedPod(1000),
                  containers: [
                    {
                      name: "elasticsearch",
                      resources: {
                        requests: { cpu: s.cpu, memory: s.memory },
                        limits: { cpu: s.cpu, memory: s.memory },
                      },
                      securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 1000 },
                    },
                  ],
                },
              },
              volumeClaimTemplates: [
                {
                  metadata: { name: "elasticsearch-data" },
                  spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.storageClass,
                    resources: { requests: { storage: s.storageSize } },
                  },
                },
              ],
            },
          ],
        },
      },
      { ...o, dependsOn: [args.operator], protect: args.protect ?? true },
    );

    const host = serviceHost(`${ES_NAME}-es-http`, args.namespace);
    this.lifecycleJob(name, args, labels, host, s.pipelineLogRetentionDays, cluster);

    const connection = (user: keyof typeof USERS): Connection => ({
      host,
      port: 9200,
      secretNamespace: args.namespace,
      secretName: userSecrets[user].metadata.name,
      keys: { username: "username", password: "password" },
      settings: {
        scheme: "https",
        caSecret: `${ES_NAME}-es-http-certs-public`,
        caKey: "ca.crt",
        indexPattern: PIPELINE_INDEX_PATTERN,
      },
    });
    this.connections = { shipper: connection("shipper"), reader: connection("reader") };
    this.passwords = passwords;
    this.registerOutputs({ passwords });
  }

  /** Installs the lifecycle policy and the index template with the elastic superuser, over TLS. */
  private lifecycleJob(
    name: string,
    args: ElasticsearchArgs,
    labels: Record<string, string>,
    host: pulumi.Output<string>,
    retentionDays: number,
    cluster: pulumi.Resource,
  ) {
    const o = { parent: this, provider: args.provider };
    const payloads = new k8s.core.v1.ConfigMap(
      `${name}-lifecycle`,
      {
        metadata: { name: "pipeline-logs-lifecycle", namespace: args.namespace, labels },
        data: {
          "policy.json": JSON.stringify(ilmPolicy(retentionDays)),
          "template.json": JSON.stringify(indexTemplate()),
        },
      },
      o,
    );
    const script = [
      "set -eu",
      'url="https://${ES_HOST}:9200"',
      'auth="elastic:${ES_PASSWORD}"',
      `curl -sSf --retry 30 --retry-all-errors --retry-delay 10 --cacert /ca/ca.crt -u "$auth" -X PUT "$url/_ilm/policy/${ILM_POLICY}" -H 'Content-Type: application/json' --data @/payload/policy.json`,
      `curl -sSf --retry 30 --retry-all-errors --retry-delay 10 --cacert /ca/ca.crt -u "$auth" -X PUT "$url/_index_template/${ILM_POLICY}" -H 'Content-Type: application/json' --data @/payload/template.json`,
    ].join("\n");
    new k8s.batch.v1.Job(
      `${name}-lifecycle-job`,
      {
        metadata: { namespace: args.namespace, labels },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: { ...labels, "dedicated-platform/job": "es-lifecycle" } },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              securityContext: restrictedPod(100),
              containers: [
                {
                  name: "install",
                  image: image(IMAGES.curl, args.mirror),
                  command: ["/bin/sh", "-c", script],
                  env: [
                    { name: "ES_HOST", value: host },
                    {
                      name: "ES_PASSWORD",
                      valueFrom: { secretKeyRef: { name: `${ES_NAME}-es-elastic-user`, key: "elastic" } },
                    },
                  ],
                  resources: {
                    requests: { cpu: "10m", memory: "16Mi", "ephemeral-storage": "16Mi" },
                    limits: { cpu: "100m", memory: "64Mi", "ephemeral-storage": "128Mi" },
                  },
                  securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
                  volumeMounts: [
                    { name: "ca", mountPath: "/ca", readOnly: true },
                    { name: "payload", mountPath: "/payload", readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "ca", secret: { secretName: `${ES_NAME}-es-http-certs-public` } },
                { name: "payload", configMap: { name: payloads.metadata.name } },
              ],
            },
          },
        },
      },
      { ...o, dependsOn: [cluster] },
    );
  }
}
