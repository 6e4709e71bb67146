/**
 * Routes and plugins as Kubernetes resources: an Ingress per exposed service (and for FusionAuth),
 * HTTPS only (HTTP answers with a redirect), each with an authentication plugin and a Redis-backed
 * rate limit, request-size limits for uploads, CORS for the Portal, an IP allow-list for FusionAuth's
 * admin UI, and Kong's Prometheus plugin on everything.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { GatewayConfig, Routed } from "../../config/schema";
import { quantityToNumber } from "../../config/quantities";
import type { Connection } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { ADMIN_PATH, identityHost, rateLimitOf, routeOf } from "./hosts";
import { FUSIONAUTH_PORT } from "./fusionauth";

export interface RoutesArgs {
  provider: k8s.Provider;
  customer: string;
  gateway: GatewayConfig;
  servicesNamespace: pulumi.Output<string>;
  identityNamespace: pulumi.Output<string>;
  /** Enabled services Kong routes to. */
  routed: Routed[];
  /** Redis for distributed rate limiting, and its password (copied next to the plugins). */
  redis: Connection;
  redisPassword: pulumi.Input<string>;
  /** FusionAuth's token issuer and public key (PEM). */
  issuer: string;
  publicKeyPem: pulumi.Output<string>;
  maxUploadSize: string;
  tlsSecretName: string;
  /** Wait for these before routing (Kong's CRDs, certificates). */
  dependsOn: pulumi.Resource[];
}

const KONG_CLASS = { "kubernetes.io/ingress.class": "kong" };
const PORTAL_TRIGGERS_JWT: Routed[] = ["portal", "coordinator"];

/** Kong's `megabytes` are MiB. */
export const toMegabytes = (quantity: string) => Math.ceil(quantityToNumber(quantity) / 1024 ** 2);

export class Routes extends pulumi.ComponentResource {
  public readonly triggerApiKey?: pulumi.Output<string>;

  constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:gateway:Routes", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const crOpts = { ...o, dependsOn: args.dependsOn };
    const g = args.gateway;
    const labels = standardLabels({ name: "kong-routes", instance: args.customer, component: "gateway" });

    const plugin = (
      id: string,
      namespace: pulumi.Output<string>,
      pluginName: string,
      config: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${id}`,
        {
          apiVersion: "configuration.konghq.com/v1",
          kind: "KongPlugin",
          metadata: { name: id, namespace, labels },
          plugin: pluginName,
          config,
          ...extra,
        },
        crOpts,
      );

    // Rate limits count in Redis so every Kong replica enforces the same limit.
    const redisSecrets = new Map<string, pulumi.Output<string>>();
    const redisSecretIn = (key: string, namespace: pulumi.Output<string>) => {
      if (!redisSecrets.has(key)) {
        const s = new k8s.core.v1.Secret(
          `${name}-redis-${key}`,
          {
            metadata: { name: "kong-rate-limit-redis", namespace, labels },
            stringData: { password: pulumi.secret(args.redisPassword) },
          },
          o,
        );
        redisSecrets.set(key, s.metadata.name);
      }
      return redisSecrets.get(key)!;
    };
    const rateLimit = (
      id: string,
      namespace: pulumi.Output<string>,
      nsKey: string,
      limits: { perSecond?: number; perMinute?: number },
    ) =>
      plugin(
        id,
        namespace,
        "rate-limiting",
        {
          ...(limits.perSecond ? { second: limits.perSecond } : {}),
          ...(limits.perMinute ? { minute: limits.perMinute } : {}),
          policy: "redis",
          limit_by: "consumer",
          fault_tolerant: true,
          redis: { host: args.redis.host, port: args.redis.port, timeout: 2000 },
        },
        {
          configPatches: [
            {
              path: "/redis/password",
              valueFrom: { secretKeyRef: { name: redisSecretIn(nsKey, namespace), key: "password" } },
            },
          ],
        },
      );

    const ingress = (
      id: string,
      namespace: pulumi.Output<string>,
      host: string,
      path: string,
      backend: { name: string; port: number },
      plugins: string[],
    ) =>
      new k8s.networking.v1.Ingress(
        `${name}-${id}`,
        {
          metadata: {
            name: id,
            namespace,
            labels,
            annotations: {
              "konghq.com/plugins": plugins.join(","),
              // HTTPS only: a plain-HTTP request gets a 301 to the same URL over HTTPS.
              "konghq.com/protocols": "https",
              "konghq.com/https-redirect-status-code": "301",
              ...(path === "/" ? {} : { "konghq.com/strip-path": "true" }),
            },
          },
          spec: {
            ingressClassName: "kong",
            tls: [{ hosts: [host], secretName: args.tlsSecretName }],
            rules: [
              {
                host,
                http: {
                  paths: [
                    {
                      path,
                      pathType: "Prefix",
                      backend: { service: { name: backend.name, port: { number: backend.port } } },
                    },
                  ],
                },
              },
            ],
          },
        },
        crOpts,
      );

    const svcNs = args.servicesNamespace;
    // FusionAuth-issued JWTs: the consumer is the issuer, its credential the token-signing public key.
    const jwtCredential = new k8s.core.v1.Secret(
      `${name}-fusionauth-jwt`,
      {
        metadata: { name: "fusionauth-jwt", namespace: svcNs, labels: { ...labels, "konghq.com/credential": "jwt" } },
        stringData: { key: args.issuer, algorithm: "RS256", rsa_public_key: args.publicKeyPem },
      },
      o,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-fusionauth-consumer`,
      {
        apiVersion: "configuration.konghq.com/v1",
        kind: "KongConsumer",
        metadata: { name: "fusionauth", namespace: svcNs, labels, annotations: KONG_CLASS },
        username: "fusionauth-users",
        credentials: [jwtCredential.metadata.name],
      },
      crOpts,
    );
    plugin("jwt-auth", svcNs, "jwt", {
      key_claim_name: "iss",
      claims_to_verify: ["exp"],
      header_names: ["authorization"],
    });

    if (g.triggerAuth === "key-auth") {
      const key = new random.RandomPassword(
        `${name}-trigger-api-key`,
        { length: 48, special: false },
        { parent: this },
      );
      this.triggerApiKey = pulumi.secret(key.result);
      const credential = new k8s.core.v1.Secret(
        `${name}-trigger-key`,
        {
          metadata: {
            name: "trigger-clients-key",
            namespace: svcNs,
            labels: { ...labels, "konghq.com/credential": "key-auth" },
          },
          stringData: { key: this.triggerApiKey },
        },
        o,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-trigger-consumer`,
        {
          apiVersion: "configuration.konghq.com/v1",
          kind: "KongConsumer",
          metadata: { name: "trigger-clients", namespace: svcNs, labels, annotations: KONG_CLASS },
          username: "trigger-clients",
          credentials: [credential.metadata.name],
        },
        crOpts,
      );
      plugin("key-auth", svcNs, "key-auth", { key_names: ["apikey", "x-api-key"], hide_credentials: true });
    }

    for (const svc of args.routed) {
      const route = routeOf(g, svc);
      const isTrigger = svc.startsWith("trigger-");
      const auth = !isTrigger || g.triggerAuth === "jwt" || PORTAL_TRIGGERS_JWT.includes(svc) ? "jwt-auth" : "key-auth";
      const plugins = [auth, `${svc}-rate-limit`];
      rateLimit(`${svc}-rate-limit`, svcNs, "services", rateLimitOf(g, svc));
      if (svc === "trigger-http-file") {
        plugin(`${svc}-size-limit`, svcNs, "request-size-limiting", {
          allowed_payload_size: toMegabytes(args.maxUploadSize),
          size_unit: "megabytes",
          require_content_length: false,
        });
        plugins.push(`${svc}-size-limit`);
      }
      if (svc === "portal") {
        plugin("portal-cors", svcNs, "cors", {
          origins: g.corsOrigins.length ? g.corsOrigins : [`https://${route.host}`],
          methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
          credentials: true,
          max_age: 3600,
        });
        plugins.push("portal-cors");
      }
      ingress(svc, svcNs, route.host, route.path, { name: svc, port: 80 }, plugins);
    }

    // FusionAuth: its login pages are public (rate limited); its admin UI only from the allow-list.
    const idNs = args.identityNamespace;
    const host = identityHost(g);
    rateLimit("identity-rate-limit", idNs, "identity", rateLimitOf(g, "identity"));
    plugin(
      "identity-admin-allow-list",
      idNs,
      "ip-restriction",
      g.adminAllowedCidrs.length ? { allow: g.adminAllowedCidrs } : { deny: ["0.0.0.0/0", "::/0"] },
    );
    const backend = { name: "fusionauth", port: FUSIONAUTH_PORT };
    ingress("fusionauth", idNs, host, "/", backend, ["identity-rate-limit"]);
    ingress("fusionauth-admin", idNs, host, ADMIN_PATH, backend, ["identity-admin-allow-list", "identity-rate-limit"]);

    // Metrics for every route, scraped by Prometheus from Kong's status port.
    new k8s.apiextensions.CustomResource(
      `${name}-prometheus`,
      {
        apiVersion: "configuration.konghq.com/v1",
        kind: "KongClusterPlugin",
        metadata: { name: "prometheus", labels: { ...labels, global: "true" }, annotations: KONG_CLASS },
        plugin: "prometheus",
        config: {
          status_code_metrics: true,
          latency_metrics: true,
          bandwidth_metrics: true,
          upstream_health_metrics: true,
        },
      },
      crOpts,
    );
    this.registerOutputs({});
  }
}
