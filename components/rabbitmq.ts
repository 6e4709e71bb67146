/**
 * RabbitMQ: a 3-node `RabbitmqCluster` (RabbitMQ Cluster Operator), one node per zone, quorum queues
 * by default (Raft: a queue keeps serving while a majority of its replicas, 2 of 3, is up; classic
 * mirroring is gone in 4.x), pause_minority so a partitioned node stops rather than diverges. The
 * management UI stays on a ClusterIP Service.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatastoresConfig } from "../config/schema";
import { Connection, serviceHost } from "./contracts";
import { standardLabels } from "./labels";
import { zoneAntiAffinity } from "./placement";
import { IMAGES } from "./versions";

export interface RabbitMqArgs {
  provider: k8s.Provider;
  customer: string;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["rabbitmq"];
  operator: pulumi.Resource;
  protect?: boolean;
}

export const RABBITMQ_NAME = "rabbitmq";
/** Label the operator puts on the cluster's pods. */
export const RABBITMQ_POD_LABELS = { "app.kubernetes.io/name": RABBITMQ_NAME };

export const RABBITMQ_CONFIG = [
  "default_queue_type = quorum",
  "cluster_partition_handling = pause_minority",
  "vm_memory_high_watermark.relative = 0.8",
].join("\n");

export class RabbitMq extends pulumi.ComponentResource {
  public readonly connection: Connection;

  constructor(name: string, args: RabbitMqArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:RabbitMq", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "rabbitmq", instance: args.customer, component: "message-broker" });
    const s = args.settings;

    new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "rabbitmq.com/v1beta1",
        kind: "RabbitmqCluster",
        metadata: { name: RABBITMQ_NAME, namespace: args.namespace, labels },
        spec: {
          replicas: s.replicas,
          image: IMAGES.rabbitmq,
          resources: { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpu, memory: s.memory } },
          persistence: { storageClassName: args.storageClass, storage: s.storageSize },
          rabbitmq: { additionalConfig: RABBITMQ_CONFIG },
          affinity: zoneAntiAffinity(RABBITMQ_POD_LABELS),
          // AMQP and the management UI inside the cluster only.
          service: { type: "ClusterIP" },
        },
      },
      { ...o, dependsOn: [args.operator], protect: args.protect ?? true },
    );
    // The operator creates no PodDisruptionBudget: one node (one zone) down at a time keeps quorum.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: RABBITMQ_NAME, namespace: args.namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: RABBITMQ_POD_LABELS } },
      },
      o,
    );

    this.connection = {
      host: serviceHost(RABBITMQ_NAME, args.namespace),
      port: 5672,
      secretNamespace: args.namespace,
      // The operator generates the default user into `<name>-default-user`.
      secretName: pulumi.output(`${RABBITMQ_NAME}-default-user`),
      keys: { username: "username", password: "password" },
      settings: { managementPort: "15672" },
    };
    this.registerOutputs({});
  }
}
