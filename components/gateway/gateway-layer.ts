/**
 * The platform's front door: Kong (Postgres-backed, Kong Ingress Controller) behind the cloud's load
 * balancer, TLS for the customer's domain, routes and plugins for the exposed services, FusionAuth,
 * and the NetworkPolicies of the gateway and identity namespaces.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/load";
import { ROUTED, Routed } from "../../config/schema";
import type { CloudTarget } from "../../providers/types";
import type { DataLayer } from "../data/data-layer";
import { standardLabels } from "../../lib/labels";
import type { Concern } from "../namespaces/catalog";
import { allowEgress, allowIngress } from "../common/network-policies";
import { POSTGRES_POD_LABELS } from "../data/data-layer";
import { podLabels, REPLICATION_NAME } from "../data/redis";
import { CATALOG } from "../services/catalog";
import { Certificates } from "./certificates";
import { FusionAuth, FUSIONAUTH_POD_LABELS, FUSIONAUTH_PORT } from "./fusionauth";
import { identityHost, routeOf } from "./hosts";
import { Kong, KONG_POD_LABELS, PROXY_PORTS } from "./kong";
import { Routes } from "./routes";

export interface GatewayLayerArgs {
  config: PlatformConfig;
  target: CloudTarget;
  namespaces: Record<Concern, pulumi.Output<string>>;
  data: DataLayer;
}

/** cert-manager's HTTP-01 solver pods, which Kong must reach during ACME challenges. */
const ACME_SOLVER = { "acme.cert-manager.io/http01-solver": "true" };

/** The Kong ingress controller's admission webhook port (the chart's `ingressController.admissionWebhook.port`). */
export const KONG_ADMISSION_WEBHOOK_PORT = 8080;

export class GatewayLayer extends pulumi.ComponentResource {
  public readonly secrets: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: GatewayLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:gateway:GatewayLayer", name, {}, opts);
    const { config, target, namespaces, data } = args;
    const provider = target.kubernetes;
    const g = config.gateway;
    const routed = ROUTED.filter((s) => config.services[s]);

    const kong = new Kong(
      `${name}-kong`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: namespaces.gateway,
        gateway: g,
        postgres: data.postgres.kong,
        postgresPassword: data.secrets.postgresKong,
        loadBalancerAnnotations: target.loadBalancer(g.loadBalancer),
        dependsOn: target.clusterAddons,
      },
      { parent: this },
    );
    const fusionauth = new FusionAuth(
      `${name}-fusionauth`,
      {
        provider,
        mirror: config.mirror,
        customer: config.customer,
        namespace: namespaces.identity,
        gateway: g,
        postgres: data.postgres.fusionauth,
        postgresPassword: data.secrets.postgresFusionauth,
      },
      { parent: this },
    );
    const certificates = new Certificates(
      `${name}-tls`,
      {
        provider,
        customer: config.customer,
        gateway: g,
        certManager: data.operators.certManager,
        hostsByNamespace: [
          { namespace: namespaces.services, hosts: routed.map((s) => routeOf(g, s).host) },
          { namespace: namespaces.identity, hosts: [identityHost(g)] },
        ],
      },
      { parent: this },
    );
    const routes = new Routes(
      `${name}-routes`,
      {
        provider,
        customer: config.customer,
        gateway: g,
        servicesNamespace: namespaces.services,
        identityNamespace: namespaces.identity,
        routed,
        redis: data.redis,
        redisPassword: data.secrets.redis,
        issuer: fusionauth.issuer,
        publicKeyPem: fusionauth.publicKeyPem,
        maxUploadSize: config.httpFile.maxUploadSize,
        tlsSecretName: certificates.secretName,
        dependsOn: [kong.release, ...certificates.ready],
      },
      { parent: this },
    );

    this.networkPolicies(name, config, provider, namespaces, routed);
    this.secrets = {
      fusionauthAdmin: fusionauth.adminPassword,
      ...(routes.triggerApiKey ? { triggerApiKey: routes.triggerApiKey } : {}),
    };
    this.registerOutputs({ secrets: this.secrets });
  }

  private networkPolicies(
    name: string,
    config: PlatformConfig,
    provider: k8s.Provider,
    namespaces: Record<Concern, pulumi.Output<string>>,
    routed: Routed[],
  ) {
    const o = { parent: this, provider };
    const labels = standardLabels({
      name: "gateway-network-policy",
      instance: config.customer,
      component: "isolation",
    });
    // The proxy takes traffic from the load balancer, whose source addresses are the clients'.
    allowIngress(
      `${name}-kong-ingress`,
      {
        namespace: namespaces.gateway,
        podLabels: KONG_POD_LABELS,
        policyName: "kong-proxy-ingress",
        labels,
        rules: [
          { from: [], ports: [PROXY_PORTS.http, PROXY_PORTS.https] },
          { from: [{ namespace: namespaces.observability }], ports: [8100] }, // status/metrics
          // The ingress controller's admission webhook, called by the API server (not selectable by labels).
          { from: [], ports: [KONG_ADMISSION_WEBHOOK_PORT] },
        ],
      },
      o,
    );
    // Kong reaches only the routed services, FusionAuth, ACME solvers, Redis and its Postgres, and
    // (the ingress controller) the Kubernetes API.
    allowEgress(
      `${name}-kong-egress`,
      {
        namespace: namespaces.gateway,
        podLabels: KONG_POD_LABELS,
        policyName: "kong-egress",
        labels,
        to: [
          ...routed.map((s) => ({
            peers: [{ namespace: namespaces.services, podLabels: { "app.kubernetes.io/name": s } }],
            ports: [CATALOG[s].port],
          })),
          { peers: [{ namespace: namespaces.identity, podLabels: FUSIONAUTH_POD_LABELS }], ports: [FUSIONAUTH_PORT] },
          {
            peers: [
              { namespace: namespaces.services, podLabels: ACME_SOLVER },
              { namespace: namespaces.identity, podLabels: ACME_SOLVER },
            ],
            ports: [8089],
          },
          { peers: [{ namespace: namespaces.data, podLabels: podLabels(REPLICATION_NAME) }], ports: [6379] },
          { peers: [{ namespace: namespaces.data, podLabels: POSTGRES_POD_LABELS }], ports: [5432] },
        ],
        externalPorts: [443, 6443],
      },
      o,
    );
    allowIngress(
      `${name}-fusionauth-ingress`,
      {
        namespace: namespaces.identity,
        podLabels: FUSIONAUTH_POD_LABELS,
        policyName: "fusionauth-ingress",
        labels,
        rules: [
          { from: [{ namespace: namespaces.gateway }], ports: [FUSIONAUTH_PORT] },
          { from: [{ namespace: namespaces.services }], ports: [FUSIONAUTH_PORT] }, // token/user API for the platform
          { from: [{ namespace: namespaces.identity, podLabels: FUSIONAUTH_POD_LABELS }], ports: [FUSIONAUTH_PORT] }, // cluster peers
          { from: [{ namespace: namespaces.observability }], ports: [FUSIONAUTH_PORT] },
        ],
      },
      o,
    );
    allowEgress(
      `${name}-fusionauth-egress`,
      {
        namespace: namespaces.identity,
        podLabels: FUSIONAUTH_POD_LABELS,
        policyName: "fusionauth-egress",
        labels,
        to: [
          { peers: [{ namespace: namespaces.data, podLabels: POSTGRES_POD_LABELS }], ports: [5432] },
          { peers: [{ namespace: namespaces.identity, podLabels: FUSIONAUTH_POD_LABELS }], ports: [FUSIONAUTH_PORT] },
        ],
        // Outgoing email (password resets) and identity providers over HTTPS.
        externalPorts: [443, 587],
      },
      o,
    );
    for (const ns of [namespaces.services, namespaces.identity]) {
      allowIngress(
        `${name}-acme-solver-${ns === namespaces.services ? "services" : "identity"}`,
        {
          namespace: ns,
          podLabels: ACME_SOLVER,
          policyName: "acme-http01-solver",
          labels,
          rules: [{ from: [{ namespace: namespaces.gateway }], ports: [8089] }],
        },
        o,
      );
    }
  }
}
