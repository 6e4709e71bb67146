/** The stack's own VPC: a subnet with secondary ranges (VPC-native), Cloud Router + NAT, minimal firewall. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpConfig } from "../../config/schema";

export interface GkeNetwork {
  network: gcp.compute.Network;
  subnet: gcp.compute.Subnetwork;
  podsRange: string;
  servicesRange: string;
}

/** Google's load balancer health-check ranges (https://cloud.google.com/load-balancing/docs/health-check-concepts). */
export const HEALTH_CHECK_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

export function createNetwork(name: string, gcpConfig: GcpConfig, opts: pulumi.CustomResourceOptions): GkeNetwork {
  const network = new gcp.compute.Network(
    `${name}-vpc`,
    { autoCreateSubnetworks: false, routingMode: "REGIONAL", deleteDefaultRoutesOnCreate: false },
    opts,
  );
  const podsRange = "pods";
  const servicesRange = "services";
  const subnet = new gcp.compute.Subnetwork(
    `${name}-nodes`,
    {
      network: network.id,
      region: gcpConfig.region,
      ipCidrRange: gcpConfig.nodesCidr,
      secondaryIpRanges: [
        { rangeName: podsRange, ipCidrRange: gcpConfig.podsCidr },
        { rangeName: servicesRange, ipCidrRange: gcpConfig.servicesCidr },
      ],
      // Private nodes reach Google APIs (Artifact Registry, GCS, Cloud KMS) without public IPs.
      privateIpGoogleAccess: true,
      logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
    },
    opts,
  );
  const router = new gcp.compute.Router(`${name}-router`, { network: network.id, region: gcpConfig.region }, opts);
  new gcp.compute.RouterNat(
    `${name}-nat`,
    {
      router: router.name,
      region: gcpConfig.region,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    opts,
  );
  // GKE creates the control-plane-to-node rules itself. These two are the rest of what it needs:
  // nodes, pods and services talk to each other, and load balancer health checks reach the nodes.
  // Everything else stays on the VPC's implied deny-ingress.
  new gcp.compute.Firewall(
    `${name}-allow-internal`,
    {
      network: network.id,
      direction: "INGRESS",
      sourceRanges: [gcpConfig.nodesCidr, gcpConfig.podsCidr, gcpConfig.servicesCidr],
      allows: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "icmp" }],
    },
    opts,
  );
  new gcp.compute.Firewall(
    `${name}-allow-health-checks`,
    {
      network: network.id,
      direction: "INGRESS",
      sourceRanges: HEALTH_CHECK_RANGES,
      allows: [{ protocol: "tcp" }],
    },
    opts,
  );
  return { network, subnet, podsRange, servicesRange };
}
