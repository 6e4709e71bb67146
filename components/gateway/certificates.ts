/**
 * TLS for the gateway: an ACME or a self-signed ClusterIssuer of cert-manager (installed with the
 * operators), and a Certificate in each namespace that holds routes (Kong reads an Ingress's TLS
 * Secret from the Ingress's own namespace). In `secret` mode the customer's Secret is used as it is.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayConfig } from "../../config/schema";
import { standardLabels } from "../../lib/labels";

export interface CertificatesArgs {
  provider: k8s.Provider;
  customer: string;
  gateway: GatewayConfig;
  /** cert-manager's release (the data layer's operators install it): the issuer waits for its CRDs. */
  certManager: pulumi.Resource;
  /** Namespace -> host names that need a certificate there. */
  hostsByNamespace: { namespace: pulumi.Output<string>; hosts: string[] }[];
}

export const TLS_SECRET = "platform-tls";

export class Certificates extends pulumi.ComponentResource {
  /** Name of the TLS Secret each Ingress references (in its own namespace). */
  public readonly secretName: string;
  /** The resources an Ingress must wait for (the Certificates), empty in `secret` mode. */
  public readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:gateway:Certificates", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const tls = args.gateway.tls;
    if (tls.mode === "secret") {
      this.secretName = tls.secretName!;
      this.registerOutputs({});
      return;
    }
    this.secretName = TLS_SECRET;
    const labels = standardLabels({ name: "certificates", instance: args.customer, component: "tls" });
    const issuerName = tls.mode === "self-signed" ? "platform-self-signed" : "platform-acme";
    const issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: issuerName, labels },
        spec:
          tls.mode === "self-signed"
            ? { selfSigned: {} }
            : {
                acme: {
                  email: tls.acmeEmail,
                  server: tls.acmeServer,
                  privateKeySecretRef: { name: "platform-acme-account" },
                  // HTTP-01 through Kong itself: the challenge is served on the public proxy.
                  solvers: [{ http01: { ingress: { ingressClassName: "kong" } } }],
                },
              },
      },
      { ...o, dependsOn: [args.certManager] },
    );
    args.hostsByNamespace.forEach(({ namespace, hosts }, i) => {
      this.ready.push(
        new k8s.apiextensions.CustomResource(
          `${name}-certificate-${i}`,
          {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: TLS_SECRET, namespace, labels },
            spec: {
              secretName: TLS_SECRET,
              dnsNames: [...new Set(hosts)],
              issuerRef: { kind: "ClusterIssuer", name: issuerName, group: "cert-manager.io" },
              privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
              duration: "2160h",
              renewBefore: "720h",
            },
          },
          { ...o, dependsOn: [issuer] },
        ),
      );
    });
    this.registerOutputs({});
  }
}
