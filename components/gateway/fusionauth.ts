/**
 * FusionAuth from its pinned chart: Postgres from the data layer, search engine `database` (its
 * Elasticsearch support stops at 7.x, so it does not use the pipeline-log cluster), 3 replicas spread
 * over zones with a PDB. A kickstart file sets a new stack up without clicks: the JWT signing key
 * (whose public half Kong's JWT plugin trusts), the tenant's issuer, the Portal application and an
 * admin user. The kickstart file holds no secret: it reads them from environment variables that come
 * from a Secret (`#{ENV.*}`), because the chart ships kickstart files in a ConfigMap.
 */
import { image, Mirror } from "../../lib/mirror";
import * as k8s from "@pulumi/kubernetes";
import { pinnedRelease } from "../../lib/helm";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { createHash } from "node:crypto";
import type { GatewayConfig } from "../../config/schema";
import type { Connection } from "../common/contracts";
import { standardLabels } from "../../lib/labels";
import { zoneSpread } from "../common/placement";
import { RESTRICTED_CONTAINER, restrictedPod } from "../../lib/security-context";
import { CHARTS, IMAGES } from "../../lib/versions";
import { identityHost, routeOf } from "./hosts";

export interface FusionAuthArgs {
  provider: k8s.Provider;
  customer: string;
  /** The customer's chart and image mirror (config `mirror`); upstream registries without it. */
  mirror?: Mirror;
  namespace: pulumi.Output<string>;
  gateway: GatewayConfig;
  postgres: Connection;
  postgresPassword: pulumi.Output<string>;
}

export const FUSIONAUTH_POD_LABELS = {
  "app.kubernetes.io/name": "fusionauth",
  "app.kubernetes.io/instance": "fusionauth",
};
export const FUSIONAUTH_PORT = 9011;

/** A stable UUID derived from a name, so kickstart ids do not change between runs. */
export function stableUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** PEM with its newlines escaped, so it can be substituted into a JSON string in the kickstart file. */
const jsonEscapedPem = (pem: pulumi.Output<string>) => pem.apply((p) => p.replace(/\n/g, "\\n"));

export function kickstart(customer: string, gateway: GatewayConfig) {
  const portal = routeOf(gateway, "portal");
  const issuer = `https://${identityHost(gateway)}`;
  const signingKeyId = stableUuid(`${customer}:signing-key`);
  const portalAppId = stableUuid(`${customer}:portal`);
  return {
    issuer,
    signingKeyId,
    portalAppId,
    file: {
      variables: {
        adminEmail: `admin@${gateway.domain}`,
        adminPassword: "#{ENV.FA_ADMIN_PASSWORD}",
        issuer,
        signingKeyId,
        portalAppId,
      },
      apiKeys: [{ key: "#{ENV.FA_API_KEY}", description: "dedicated-platform provisioning" }],
      requests: [
        {
          method: "POST",
          url: "/api/key/import/#{signingKeyId}",
          body: {
            key: {
              algorithm: "RS256",
              name: "platform-jwt",
              privateKey: "#{ENV.FA_SIGNING_PRIVATE_KEY}",
              publicKey: "#{ENV.FA_SIGNING_PUBLIC_KEY}",
            },
          },
        },
        {
          method: "PATCH",
          url: "/api/tenant/#{FUSIONAUTH_TENANT_ID}",
          body: {
            tenant: {
              issuer: "#{issuer}",
              jwtConfiguration: { accessTokenKeyId: "#{signingKeyId}", idTokenKeyId: "#{signingKeyId}" },
            },
          },
        },
        {
          method: "POST",
          url: "/api/application/#{portalAppId}",
          body: {
            application: {
              name: "Portal",
              oauthConfiguration: {
                authorizedRedirectURLs: [
                  `https://${portal.host}${portal.path === "/" ? "" : portal.path}/oauth2/callback`,
                ],
                enabledGrants: ["authorization_code", "refresh_token"],
                requireClientAuthentication: false,
                proofKeyForCodeExchangePolicy: "Required",
              },
              jwtConfiguration: { enabled: true, accessTokenKeyId: "#{signingKeyId}", idTokenKeyId: "#{signingKeyId}" },
            },
          },
        },
        {
          method: "POST",
          url: "/api/user/registration",
          body: {
            user: { email: "#{adminEmail}", password: "#{adminPassword}" },
            registration: { applicationId: "#{FUSIONAUTH_APPLICATION_ID}", roles: ["admin"] },
          },
        },
      ],
    },
  };
}

export class FusionAuth extends pulumi.ComponentResource {
  /** The issuer (`iss`) of FusionAuth's tokens and the PEM public key that verifies them. */
  public readonly issuer: string;
  public readonly publicKeyPem: pulumi.Output<string>;
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: FusionAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:gateway:FusionAuth", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const labels = standardLabels({ name: "fusionauth", instance: args.customer, component: "identity" });
    const k = kickstart(args.customer, args.gateway);
    this.issuer = k.issuer;

    const key = new tls.PrivateKey(`${name}-signing-key`, { algorithm: "RSA", rsaBits: 2048 }, { parent: this });
    this.publicKeyPem = key.publicKeyPem;
    const secretOf = (id: string) =>
      pulumi.secret(
        new random.RandomPassword(`${name}-${id}`, { length: 40, special: false }, { parent: this }).result,
      );
    this.adminPassword = secretOf("admin-password");

    const db = new k8s.core.v1.Secret(
      `${name}-database`,
      {
        metadata: { name: "fusionauth-database", namespace: args.namespace, labels },
        stringData: { password: pulumi.secret(args.postgresPassword) },
      },
      o,
    );
    const bootstrap = new k8s.core.v1.Secret(
      `${name}-bootstrap`,
      {
        metadata: { name: "fusionauth-bootstrap", namespace: args.namespace, labels },
        stringData: {
          adminPassword: this.adminPassword,
          apiKey: secretOf("api-key"),
          signingPrivateKey: pulumi.secret(jsonEscapedPem(key.privateKeyPem)),
          signingPublicKey: jsonEscapedPem(key.publicKeyPem),
        },
      },
      o,
    );
    const fromBootstrap = (envName: string, secretKey: string) => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: bootstrap.metadata.name, key: secretKey } },
    });

    pinnedRelease(
      `${name}-release`,
      {
        name: "fusionauth",
        pin: CHARTS.fusionauth,
        mirror: args.mirror,
        namespace: args.namespace,
        cleanupOnFail: true,
        timeout: 900,
        values: {
          image: IMAGES.fusionauth,
          replicaCount: 3,
          database: {
            protocol: "postgresql",
            host: args.postgres.host,
            port: args.postgres.port,
            name: "fusionauth",
            // The chart's current keys (`database.user` and a string `database.existingSecret` are its
            // deprecated spellings).
            dbUser: {
              username: "fusionauth",
              existingSecret: { enabled: true, name: db.metadata.name, passwordKey: "password" },
            },
          },
          search: { engine: "database" },
          // The chart's own wait-for-db init container has no securityContext value, so its pods
          // would be refused by the namespace's Pod Security `restricted`. The same wait, through the
          // chart's documented `extraInitContainers`, with the restricted context.
          initContainers: { waitForDb: false, waitForSearch: false },
          extraInitContainers: [
            {
              name: "wait-for-database",
              image: image(IMAGES.busybox, args.mirror),
              command: [
                "/bin/sh",
                "-c",
                'until nc -z "$DB_HOST" "$DB_PORT"; do echo waiting for the database; sleep 5; done',
              ],
              env: [
                { name: "DB_HOST", value: args.postgres.host },
                { name: "DB_PORT", value: String(args.postgres.port) },
              ],
              securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true },
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
            },
          ],
          app: { runtimeMode: "production", silentMode: true, memory: "1G" },
          kickstart: { enabled: true, data: { "kickstart.json": JSON.stringify(k.file, null, 2) } },
          // The chart sets FUSIONAUTH_APP_KICKSTART_FILE itself (from `kickstart.file`, default
          // /kickstart/kickstart.json) and refuses to render when `environment` sets it too.
          environment: [
            fromBootstrap("FA_ADMIN_PASSWORD", "adminPassword"),
            fromBootstrap("FA_API_KEY", "apiKey"),
            fromBootstrap("FA_SIGNING_PRIVATE_KEY", "signingPrivateKey"),
            fromBootstrap("FA_SIGNING_PUBLIC_KEY", "signingPublicKey"),
          ],
          podDisruptionBudget: { enabled: true },
          topologySpreadConstraints: zoneSpread(FUSIONAUTH_POD_LABELS),
          resources: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { cpu: "2", memory: "1536Mi" } },
          service: { type: "ClusterIP", port: FUSIONAUTH_PORT },
          serviceAccount: { create: true, automount: false },
          podSecurityContext: restrictedPod(1001),
          securityContext: RESTRICTED_CONTAINER,
        },
      },
      o,
    );
    this.registerOutputs({ adminPassword: this.adminPassword });
  }
}
