/**
 * The platform's own services: every enabled entry of the catalog, built by PlatformService, with
 * the credentials they need copied into their namespace, a priority class, the Controller's RBAC
 * in the pipelines namespace, Leases for the leader-elected services, and NetworkPolicies.
 */
import { CONTROLLER_RESOURCES, OPERATOR_RESOURCES } from "../../lib/resources";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import type { DataLayer } from "../data/data-layer";
import { ES_POD_LABELS } from "../data/elasticsearch";
import { standardLabels } from "../../lib/labels";
import { MONGODB_POD_LABELS } from "../data/mongodb";
import type { Concern } from "../namespaces/catalog";
import { allowEgress, allowIngress, Peer } from "../common/network-policies";
import { TENANT_POD_LABELS } from "../data/object-storage";
import { RABBITMQ_POD_LABELS } from "../data/rabbitmq";
import { podLabels, REPLICATION_NAME, SENTINEL_NAME } from "../data/redis";
import { CHARTS } from "../../lib/versions";
import { CATALOG, Datastore, ServiceName } from "./catalog";
import { EnvSource, PlatformService } from "./platform-service";

export interface ServicesLayerArgs {
  config: PlatformConfig;
  provider: k8s.Provider;
  namespaces: Record<Concern, pulumi.Output<string>>;
  data: DataLayer;
}

/** Where the HTTP-File trigger spools uploads: a sized scratch volume, not the root filesystem. */
export const UPLOAD_DIR = "/var/spool/uploads";

/** What the Controller may do in the pipelines namespace, and nothing else anywhere. */
export const CONTROLLER_RULES = [
  {
    apiGroups: [""],
    resources: ["pods", "services", "configmaps", "secrets", "serviceaccounts"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods/log", "events"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["apps"],
    resources: ["deployments"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["batch"],
    resources: ["jobs", "cronjobs"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["autoscaling"],
    resources: ["horizontalpodautoscalers"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["policy"],
    resources: ["poddisruptionbudgets"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
];

/** Leader election: a Lease in the services' own namespace. */
export const LEASE_RULES = [
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["get", "list", "watch", "create", "update", "patch"],
  },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
];

/** Datastore pods and ports a service reaches when it uses that store. */
const STORE_PEERS: Record<
  Exclude<Datastore, "elasticsearch" | "objectStorage">,
  { labels: Record<string, string>; ports: number[] }[]
> = {
  redis: [
    { labels: podLabels(REPLICATION_NAME), ports: [6379] },
    { labels: podLabels(SENTINEL_NAME), ports: [26379] },
  ],
  mongodb: [{ labels: MONGODB_POD_LABELS, ports: [27017] }],
  rabbitmq: [{ labels: RABBITMQ_POD_LABELS, ports: [5672, 15672] }],
};

export class ServicesLayer extends pulumi.ComponentResource {
  public readonly services: Partial<Record<ServiceName, PlatformService>> = {};

  constructor(name: string, args: ServicesLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:services:ServicesLayer", name, {}, opts);
    const { config, provider, namespaces, data } = args;
    const o = { parent: this, provider };
    const ns = namespaces.services;
    const labels = (component: string) =>
      standardLabels({ name: "platform-services", instance: config.customer, component });

    const priority = new k8s.scheduling.v1.PriorityClass(
      `${name}-priority`,
      {
        metadata: { name: `${config.namespacePrefix}-platform-service`, labels: labels("scheduling") },
        value: 100000,
        globalDefault: false,
        description: "Platform services: scheduled before pipeline workloads, preempting them when nodes are full.",
      },
      o,
    );

    // A pod can only read Secrets of its own namespace: copy the services' credentials next to them.
    const credentialSecrets: Partial<
      Record<Datastore | "email", { name: pulumi.Output<string>; values: pulumi.Input<string>[] }>
    > = {};
    const copy = (store: Datastore | "email", values: Record<string, pulumi.Input<string>>) => {
      const secretValues = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, pulumi.secret(v)]));
      const secret = new k8s.core.v1.Secret(
        `${name}-${store}-credentials`,
        {
          metadata: { name: `platform-${store.toLowerCase()}`, namespace: ns, labels: labels("credentials") },
          stringData: secretValues,
        },
        o,
      );
      credentialSecrets[store] = { name: secret.metadata.name, values: Object.values(secretValues) };
    };
    for (const [store, values] of Object.entries(data.serviceCredentials)) copy(store as Datastore, values);
    if (config.email) copy("email", { password: config.email.password });

    const enabled = Object.keys(config.services) as ServiceName[];
    const scaler = enabled.some((s) => CATALOG[s].scaleOn)
      ? this.keda(name, config, provider, namespaces, data)
      : undefined;
    for (const svc of enabled) {
      const spec = CATALOG[svc];
      const settings = config.services[svc]!;
      const env: Record<string, EnvSource> = { SERVICE_NAME: svc, PLATFORM_CUSTOMER: config.customer, TMPDIR: "/tmp" };
      const rollOn: pulumi.Input<string>[] = [];
      const ref = (store: Datastore | "email", key: string): EnvSource => {
        const s = credentialSecrets[store];
        if (!s) throw new Error(`${svc} needs ${store} credentials, which this stack does not have`);
        return { secret: s.name, key };
      };
      const useStore = (store: Datastore | "email") => rollOn.push(...(credentialSecrets[store]?.values ?? []));

      for (const store of spec.datastores) {
        switch (store) {
          case "redis":
            Object.assign(env, {
              REDIS_HOST: data.redis.host,
              REDIS_PORT: String(data.redis.port),
              REDIS_SENTINEL_HOST: data.redis.settings!.sentinelHost,
              REDIS_SENTINEL_PORT: data.redis.settings!.sentinelPort,
              REDIS_SENTINEL_MASTER: data.redis.settings!.sentinelMasterName,
              REDIS_PASSWORD: ref("redis", "password"),
            });
            break;
          case "mongodb":
            Object.assign(env, {
              MONGODB_HOST: data.mongodb.host,
              MONGODB_PORT: String(data.mongodb.port),
              MONGODB_DATABASE: data.mongodb.settings!.database,
              MONGODB_REPLICA_SET: data.mongodb.settings!.replicaSet,
              MONGODB_AUTH_SOURCE: data.mongodb.settings!.authSource,
              MONGODB_USERNAME: ref("mongodb", "username"),
              MONGODB_PASSWORD: ref("mongodb", "password"),
            });
            break;
          case "rabbitmq":
            Object.assign(env, {
              RABBITMQ_HOST: data.rabbitmq.host,
              RABBITMQ_PORT: String(data.rabbitmq.port),
              RABBITMQ_USERNAME: ref("rabbitmq", "username"),
              RABBITMQ_PASSWORD: ref("rabbitmq", "password"),
            });
            break;
          case "elasticsearch": {
            const es = data.elasticsearch.reader;
            Object.assign(env, {
              ELASTICSEARCH_URL: pulumi.interpolate`https://${es.host}:${es.port}`,
              ELASTICSEARCH_INDEX_PATTERN: es.settings!.indexPattern,
              ELASTICSEARCH_USERNAME: ref("elasticsearch", "username"),
              ELASTICSEARCH_PASSWORD: ref("elasticsearch", "password"),
            });
            break;
          }
          case "objectStorage": {
            const os = data.objectStorage;
            Object.assign(env, {
              OBJECT_STORAGE_API: os.api,
              OBJECT_STORAGE_ENDPOINT: os.endpoint,
              OBJECT_STORAGE_BUCKET: os.bucket,
            });
            if (os.credentials) {
              Object.assign(env, {
                OBJECT_STORAGE_ACCESS_KEY: ref("objectStorage", "accessKey"),
                OBJECT_STORAGE_SECRET_KEY: ref("objectStorage", "secretKey"),
              });
            }
            break;
          }
        }
        useStore(store);
      }
      for (const callee of spec.calls) {
        if (config.services[callee])
          env[`${callee.toUpperCase().replace(/-/g, "_")}_URL`] =
            pulumi.interpolate`http://${callee}.${ns}.svc.cluster.local`;
      }
      if (spec.leaderElection) Object.assign(env, { LEADER_ELECTION_LEASE: `${svc}-leader`, POD_NAMESPACE: ns });
      if (svc === "controller") env.PIPELINES_NAMESPACE = namespaces.pipelines;
      let scratch: { name: string; path: string; size: string }[] | undefined;
      if (svc === "trigger-http-file") {
        Object.assign(env, { MAX_UPLOAD_SIZE: config.httpFile.maxUploadSize, UPLOAD_DIR });
        scratch = [{ name: "uploads", path: UPLOAD_DIR, size: config.httpFile.tempStorage }];
      }
      if (svc === "trigger-email" && config.email) {
        const e = config.email;
        Object.assign(env, {
          SMTP_HOST: e.host,
          SMTP_PORT: String(e.port),
          SMTP_USERNAME: e.username,
          SMTP_FROM: e.from,
          SMTP_STARTTLS: String(e.startTls),
          SMTP_PASSWORD: ref("email", "password"),
        });
        useStore("email");
      }

      const identity = spec.datastores.includes("objectStorage")
        ? data.grantObjectStorage(svc, { namespace: ns, name: svc })
        : undefined;
      this.services[svc] = new PlatformService(
        `${name}-${svc}`,
        {
          provider,
          customer: config.customer,
          namespace: ns,
          name: svc,
          spec,
          settings,
          env,
          rollOn,
          priorityClassName: priority.metadata.name,
          imagePullSecrets: config.images.pullSecrets,
          serviceAccountAnnotations: identity?.serviceAccountAnnotations,
          podLabels: identity?.podLabels,
          scratch,
          scaler: scaler && { ...scaler, kongServicePrefix: pulumi.interpolate`${ns}.${svc}.` },
        },
        { parent: this },
      );
    }

    this.rbac(name, config, provider, namespaces, enabled);
    this.networkPolicies(name, config, provider, namespaces, enabled);
    this.registerOutputs({});
  }

  /**
   * KEDA, for services that scale on request rate (Prometheus, from Kong's metrics) or queue depth
   * (RabbitMQ's management API). KEDA creates and owns their HPAs.
   */
  private keda(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    data: DataLayer,
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({ name: "keda", instance: config.customer, component: "autoscaling" });
    const keda = pinnedRelease(
      `${name}-keda`,
      {
        name: "keda",
        pin: CHARTS.keda,
        mirror: config.mirror,
        namespace: namespaces.operators,
        values: {
          operator: { replicaCount: 2 },
          metricsServer: { replicaCount: 2 },
          // The chart's defaults limit each pod to 1 CPU and 1000Mi: more than the operators' quota holds.
          resources: { operator: OPERATOR_RESOURCES, metricServer: OPERATOR_RESOURCES, webhooks: CONTROLLER_RESOURCES },
        },
      },
      o,
    );
    const rabbit = data.serviceCredentials.rabbitmq!;
    const secret = new k8s.core.v1.Secret(
      `${name}-keda-rabbitmq`,
      {
        metadata: { name: "keda-rabbitmq", namespace: namespaces.services, labels },
        stringData: {
          host: pulumi.secret(
            pulumi.interpolate`http://${rabbit.username}:${rabbit.password}@${data.rabbitmq.host}:${data.rabbitmq.settings!.managementPort}/`,
          ),
        },
      },
      o,
    );
    const auth = new k8s.apiextensions.CustomResource(
      `${name}-keda-rabbitmq-auth`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "TriggerAuthentication",
        metadata: { name: "rabbitmq-management", namespace: namespaces.services, labels },
        spec: { secretTargetRef: [{ parameter: "host", name: secret.metadata.name, key: "host" }] },
      },
      { ...o, dependsOn: [keda] },
    );
    return {
      keda,
      rabbitmqAuth: auth.metadata.name,
      prometheusUrl: pulumi.interpolate`http://monitoring-kube-prometheus-prometheus.${namespaces.observability}.svc:9090`,
    };
  }

  private rbac(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    enabled: ServiceName[],
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({ name: "platform-services", instance: config.customer, component: "rbac" });
    const services = namespaces.services;
    // A Role and its binding to one ServiceAccount of the services namespace.
    const grant = (
      id: string,
      roleName: string,
      namespace: pulumi.Output<string>,
      rules: typeof LEASE_RULES,
      account: string,
    ) => {
      const role = new k8s.rbac.v1.Role(`${name}-${id}`, { metadata: { name: roleName, namespace, labels }, rules }, o);
      new k8s.rbac.v1.RoleBinding(
        `${name}-${id}`,
        {
          metadata: { name: roleName, namespace, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: account, namespace: services }],
        },
        o,
      );
    };
    for (const svc of enabled.filter((s) => CATALOG[s].leaderElection)) {
      grant(`${svc}-leader`, `${svc}-leader-election`, services, LEASE_RULES, svc);
    }
    if (enabled.includes("controller")) {
      // A Role (not a ClusterRole) in the pipelines namespace: no reach into any other namespace.
      grant("controller-pipelines", "controller-pipelines", namespaces.pipelines, CONTROLLER_RULES, "controller");
    }
  }

  private networkPolicies(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    enabled: ServiceName[],
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({ name: "platform-services", instance: config.customer, component: "isolation" });
    const services = namespaces.services;
    const svcPeer = (s: ServiceName): Peer => ({ namespace: services, podLabels: { "app.kubernetes.io/name": s } });
    for (const svc of enabled) {
      const spec = CATALOG[svc];
      const callers = enabled.filter((c) => CATALOG[c].calls.includes(svc));
      const rules = [
        ...(spec.exposed ? [{ from: [{ namespace: namespaces.gateway }], ports: [spec.port] }] : []),
        ...(callers.length ? [{ from: callers.map(svcPeer), ports: [spec.port] }] : []),
        { from: [{ namespace: namespaces.observability }], ports: [spec.metricsPort] },
      ];
      const pod = { "app.kubernetes.io/name": svc };
      allowIngress(
        `${name}-${svc}-ingress`,
        { namespace: services, podLabels: pod, policyName: `${svc}-ingress`, labels, rules },
        o,
      );

      const to: { peers: Peer[]; ports?: number[] }[] = [];
      for (const store of spec.datastores) {
        if (store === "elasticsearch")
          to.push({ peers: [{ namespace: namespaces.logging, podLabels: ES_POD_LABELS }], ports: [9200] });
        else if (store === "objectStorage") {
          if (config.datastores.objectStorage.backend === "minio")
            to.push({ peers: [{ namespace: namespaces.data, podLabels: TENANT_POD_LABELS }], ports: [9000] });
        } else
          for (const p of STORE_PEERS[store])
            to.push({ peers: [{ namespace: namespaces.data, podLabels: p.labels }], ports: p.ports });
      }
      for (const callee of spec.calls.filter((c) => enabled.includes(c)))
        to.push({ peers: [svcPeer(callee)], ports: [CATALOG[callee].port] });
      const external = [
        ...(spec.usesKubernetesApi ? [443, 6443] : []),
        ...(spec.datastores.includes("objectStorage") && config.datastores.objectStorage.backend === "cloud"
          ? [443]
          : []),
        ...(svc === "trigger-email" && config.email ? [config.email.port, 993] : []),
      ];
      allowEgress(
        `${name}-${svc}-egress`,
        {
          namespace: services,
          podLabels: pod,
          policyName: `${svc}-egress`,
          labels,
          to,
          externalPorts: [...new Set(external)],
        },
        o,
      );
    }
    // Pipelines call the customer's systems on the internet and publish to RabbitMQ; they reach no
    // other in-cluster address (private ranges are excluded from the internet rule).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-pipelines-egress`,
      {
        metadata: { name: "pipelines-egress", namespace: namespaces.pipelines, labels },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespaces.data } },
                  podSelector: { matchLabels: RABBITMQ_POD_LABELS },
                },
              ],
              ports: [{ protocol: "TCP", port: 5672 }],
            },
            {
              to: [
                {
                  ipBlock: {
                    cidr: "0.0.0.0/0",
                    except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"],
                  },
                },
              ],
            },
          ],
        },
      },
      o,
    );
  }
}
