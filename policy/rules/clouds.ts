/** Each cloud's cluster hardening, on the cloud resources the program declares. */
import { Rule, Stack } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const of = (stack: Stack, pattern: RegExp) => stack.resources.filter((r) => pattern.test(r.type));
const first = <T>(v: T | T[] | undefined): T | undefined => (Array.isArray(v) ? v[0] : v);

export const gkeHardened: Rule = {
  name: "gke-hardened",
  group: "clouds",
  description:
    "GKE: private nodes, Kubernetes secrets encrypted with a Cloud KMS key, Workload Identity on, and node pools running as their own service account (never the Compute Engine default).",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) => [
    ...of(stack, /^gcp:container\/cluster:Cluster$/).flatMap((c) => {
      const p = c.props;
      const missing = [
        first(p.privateClusterConfig as Any)?.enablePrivateNodes === true ? "" : "private nodes",
        first(p.databaseEncryption as Any)?.state === "ENCRYPTED" && first(p.databaseEncryption as Any)?.keyName
          ? ""
          : "KMS secrets encryption",
        first(p.workloadIdentityConfig as Any)?.workloadPool ? "" : "Workload Identity",
      ].filter(Boolean);
      return missing.length ? [{ urn: c.urn, message: `GKE cluster ${c.name}: no ${missing.join(", ")}` }] : [];
    }),
    ...of(stack, /^gcp:container\/nodePool:NodePool$/).flatMap((n) => {
      const sa = first(n.props.nodeConfig as Any)?.serviceAccount;
      return !sa || sa === "default" || /-compute@developer\.gserviceaccount\.com$/.test(sa)
        ? [{ urn: n.urn, message: `GKE node pool ${n.name}: runs as the default service account` }]
        : [];
    }),
  ],
};

export const eksHardened: Rule = {
  name: "eks-hardened",
  group: "clouds",
  description:
    "EKS: the API endpoint reachable privately, Kubernetes secrets encrypted with a KMS key, and pod credentials through IRSA (an OIDC provider) or EKS Pod Identity.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) => {
    const identity =
      of(stack, /^aws:iam\/openIdConnectProvider:OpenIdConnectProvider$/).length > 0 ||
      of(stack, /^aws:eks\/podIdentityAssociation:PodIdentityAssociation$/).length > 0;
    return of(stack, /^aws:eks\/cluster:Cluster$/).flatMap((c) => {
      const p = c.props;
      const missing = [
        first(p.vpcConfig as Any)?.endpointPrivateAccess === true ? "" : "private endpoint access",
        first(p.encryptionConfig as Any)?.provider?.keyArn ? "" : "KMS secrets encryption",
        identity ? "" : "IRSA or Pod Identity",
      ].filter(Boolean);
      return missing.length ? [{ urn: c.urn, message: `EKS cluster ${c.name}: no ${missing.join(", ")}` }] : [];
    });
  },
};

export const aksHardened: Rule = {
  name: "aks-hardened",
  group: "clouds",
  description:
    "AKS: local accounts off (Entra ID only), Kubernetes secrets encrypted with a Key Vault key (KMS), workload identity on, and the Key Vault closed to public networks where the cluster is private.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) => {
    const clusters = of(stack, /^azure-native:containerservice(\/[^:]+)?:ManagedCluster$/);
    const vaults = of(stack, /^azure-native:keyvault(\/[^:]+)?:Vault$/);
    return clusters.flatMap((c) => {
      const p = c.props;
      const missing = [
        p.disableLocalAccounts === true ? "" : "local accounts disabled",
        p.securityProfile?.azureKeyVaultKms?.enabled === true ? "" : "KMS secrets encryption",
        p.oidcIssuerProfile?.enabled === true && p.securityProfile?.workloadIdentity?.enabled === true
          ? ""
          : "workload identity",
      ].filter(Boolean);
      const out = missing.length ? [{ urn: c.urn, message: `AKS cluster ${c.name}: no ${missing.join(", ")}` }] : [];
      if (p.apiServerAccessProfile?.enablePrivateCluster === true)
        for (const v of vaults)
          if (
            v.props.properties?.networkAcls?.defaultAction !== "Deny" &&
            v.props.properties?.publicNetworkAccess !== "Disabled"
          )
            out.push({
              urn: v.urn,
              message: `Key Vault ${v.name}: open to public networks while the cluster is private`,
            });
      return out;
    });
  },
};

export const CLOUD_RULES = [gkeHardened, eksHardened, aksHardened];
