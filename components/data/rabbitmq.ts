/**
 * RabbitMQ: a 3-node `RabbitmqCluster` (RabbitMQ Cluster Operator), one node per zone, quorum queues
 * by default (Raft: a queue keeps serving while a majority of its replicas, 2 of 3, is up; classic
 * mirroring is gone in 4.x), pause_minority so a partitioned node stops rather than diverges. The
 * management UI stays on a ClusterIP Service. The platform's user and its generated password come
 * from a definitions file in a Secret (a salted SHA-256 hash, never the password in the CR).
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createHash } from "node:crypto";
import type { DatastoresConfig } from "../../config/schema";
import { Connection, serviceHost } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { zoneAntiAffinity } from "../common/placement";
import { IMAGES } from "../../lib/versions";

export interface RabbitMqArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  storageClass: pulumi.Input<string>;
  settings: DatastoresConfig["rabbitmq"];
  operator: pulumi.Resource;
  protect?: boolean;
}

export const RABBITMQ_NAME = "rabbitmq";
/** Label the operator puts on the cluster's pods. */
export const RABBITMQ_POD_LABELS = { "app.kubernetes.io/name": RABBITMQ_NAME };

export const DEFINITIONS_DIR = "/etc/rabbitmq/definitions";
export const PLATFORM_USER = "platform";

export const RABBITMQ_CONFIG = [
  "default_queue_type = quorum",
  "cluster_partition_handling = pause_minority",
  "vm_memory_high_watermark.relative = 0.8",
  // The platform's own user comes from a definitions file in a Secret, so its password is never in the CR.
  `load_definitions = ${DEFINITIONS_DIR}/definitions.json`,
].join("\n");

/**
 * RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ++ sha256(salt ++ password)). The salt is
 * derived from the password so the definitions (and the pods) do not change on every run.
 */
export function rabbitPasswordHash(password: string): string {
  const salt = createHash("sha256").update(`salt:${password}`).digest().subarray(0, 4);
  const hash = createHash("sha256")
    .update(Buffer.concat([salt, Buffer.from(password, "utf8")]))
    .digest();
  return Buffer.concat([salt, hash]).toString("base64");
}

export function definitions(passwordHash: string) {
  return {
    users: [
      {
        name: PLATFORM_USER,
        password_hash: passwordHash,
        hashing_algorithm: "rabbit_password_hashing_sha256",
        tags: [],
      },
    ],
    vhosts: [{ name: "/" }],
    permissions: [{ user: PLATFORM_USER, vhost: "/", configure: ".*", write: ".*", read: ".*" }],
  };
}

export class RabbitMq extends pulumi.ComponentResource {
  public readonly connection: Connection;
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: RabbitMqArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:data:RabbitMq", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "rabbitmq", instance: args.customer, component: "message-broker" });
    const s = args.settings;

    const generated = new random.RandomPassword(
      `${name}-platform-password`,
      { length: 32, special: false },
      { parent: this },
    );
    this.password = pulumi.secret(generated.result);
    const credentials = new k8s.core.v1.Secret(
      `${name}-platform-user`,
      {
        metadata: { name: "rabbitmq-platform-user", namespace: args.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: PLATFORM_USER, password: this.password },
      },
      o,
    );
    const definitionsSecret = new k8s.core.v1.Secret(
      `${name}-definitions`,
      {
        metadata: { name: "rabbitmq-definitions", namespace: args.namespace, labels },
        stringData: {
          "definitions.json": pulumi.secret(
            this.password.apply((p) => JSON.stringify(definitions(rabbitPasswordHash(p)))),
          ),
        },
      },
      o,
    );

    new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "rabbitmq.com/v1beta1",
        kind: "RabbitmqCluster",
        metadata: { name: RABBITMQ_NAME, namespace: args.namespace, labels },
        spec: {
          replicas: s.replicas,
          image: image(IMAGES.rabbitmq, args.mirror),
          resources: { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpu, memory: s.memory } },
          persistence: { storageClassName: args.storageClass, storage: s.storageSize },
          rabbitmq: { additionalConfig: RABBITMQ_CONFIG },
          affinity: zoneAntiAffinity(RABBITMQ_POD_LABELS),
          // AMQP and the management UI inside the cluster only.
          service: { type: "ClusterIP" },
          override: {
            statefulSet: {
              spec: {
                template: {
                  spec: {
                    containers: [
                      {
                        name: "rabbitmq",
                        volumeMounts: [{ name: "definitions", mountPath: DEFINITIONS_DIR, readOnly: true }],
                      },
                    ],
                    volumes: [{ name: "definitions", secret: { secretName: definitionsSecret.metadata.name } }],
                  },
                },
              },
            },
          },
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
      secretName: credentials.metadata.name,
      keys: { username: "username", password: "password" },
      settings: { managementPort: "15672" },
    };
    this.registerOutputs({ password: this.password });
  }
}
