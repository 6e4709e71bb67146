/**
 * Kong Gateway 3.9 (open source), Postgres-backed, with the Kong Ingress Controller, from the pinned
 * official chart. The chart runs `kong migrations bootstrap` on install and `migrations up/finish`
 * around upgrades, before the proxy starts. The Admin API has no Service at all (the controller talks
 * to it inside the pod); the proxy sits behind the cloud's load balancer.
 */
import { CONTROLLER_RESOURCES, JOB_RESOURCES } from "../../lib/resources";
import { imageValue, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayConfig } from "../../config/schema";
import type { Connection } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { zoneSpread } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { CHARTS, IMAGES } from "../../lib/versions";

export interface KongArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  gateway: GatewayConfig;
  /** The data layer's connection to Kong's database. */
  postgres: Connection;
  postgresPassword: pulumi.Output<string>;
  /** Service annotations for the load balancer the config asks for. */
  loadBalancerAnnotations: Record<string, string>;
  /** Cluster add-ons the proxy's load balancer needs (created before, destroyed after Kong). */
  dependsOn?: pulumi.Resource[];
}

export const KONG_POD_LABELS = { "app.kubernetes.io/name": "kong", "app.kubernetes.io/instance": "kong" };
export const PROXY_PORTS = { http: 8000, https: 8443 };

export class Kong extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KongArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:gateway:Kong", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "kong", instance: args.customer, component: "gateway" });
    const g = args.gateway;

    // Kong's pods read the database password from a Secret in their own namespace.
    const dbSecret = new k8s.core.v1.Secret(
      `${name}-postgres`,
      {
        metadata: { name: "kong-postgres", namespace: args.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: "kong", password: pulumi.secret(args.postgresPassword) },
      },
      o,
    );

    this.release = pinnedRelease(
      `${name}-release`,
      {
        name: "kong",
        pin: CHARTS.kong,
        mirror: args.mirror,
        namespace: args.namespace,
        cleanupOnFail: true,
        timeout: 900,
        values: {
          image: imageValue(IMAGES.kong, args.mirror),
          env: {
            database: "postgres",
            pg_host: args.postgres.host,
            pg_port: String(args.postgres.port),
            pg_database: "kong",
            pg_user: { valueFrom: { secretKeyRef: { name: dbSecret.metadata.name, key: "username" } } },
            pg_password: { valueFrom: { secretKeyRef: { name: dbSecret.metadata.name, key: "password" } } },
            // Behind the cloud load balancer: trust the forwarded client address for rate limits and IP rules.
            trusted_ips: "0.0.0.0/0,::/0",
            real_ip_header: "X-Forwarded-For",
          },
          // The bundled Postgres subchart uses Bitnami images; the data layer's Postgres is used instead.
          postgresql: { enabled: false },
          migrations: { preUpgrade: true, postUpgrade: true, resources: JOB_RESOURCES },
          ingressController: { enabled: true, ingressClass: "kong", resources: CONTROLLER_RESOURCES },
          admin: { enabled: false },
          manager: { enabled: false },
          proxy: {
            enabled: true,
            type: g.serviceType,
            // Load balancer annotations mean nothing on a NodePort or ClusterIP Service.
            annotations: g.serviceType === "LoadBalancer" ? args.loadBalancerAnnotations : {},
            http: { enabled: true },
            tls: { enabled: true },
          },
          replicaCount: g.minReplicas,
          autoscaling: {
            enabled: true,
            minReplicas: g.minReplicas,
            maxReplicas: g.maxReplicas,
            metrics: [
              { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            ],
          },
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
          topologySpreadConstraints: zoneSpread(KONG_POD_LABELS),
          resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
          securityContext: restrictedPod(1000),
          containerSecurityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
        },
      },
      { ...o, dependsOn: args.dependsOn ?? [] },
    );
    this.registerOutputs({});
  }
}
