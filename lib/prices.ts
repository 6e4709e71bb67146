/**
 * Pinned on-demand list prices of the node machine types, for `npm run verify`'s cost lines. Linux,
 * no discounts (committed use, savings plans, reservations, spot), one reference region per cloud;
 * other regions differ (often by 5-25%). Monthly = hourly x 730 hours.
 *
 * Sources, as transcribed on 2026-11-30 from the providers' public price pages (nothing is fetched at
 * run time; bump the date with the figures):
 * - gcp: https://cloud.google.com/compute/vm-instance-pricing, us-central1 (Iowa).
 * - aws: https://aws.amazon.com/ec2/pricing/on-demand/, us-east-1 (N. Virginia).
 * - azure: https://azure.microsoft.com/pricing/details/virtual-machines/linux/, East US.
 * Managed control-plane fees per cluster-hour (GKE Standard regional, EKS standard support, AKS
 * Standard tier): https://cloud.google.com/kubernetes-engine/pricing, https://aws.amazon.com/eks/pricing/,
 * https://azure.microsoft.com/pricing/details/kubernetes-service/.
 */

export const PRICES_AS_OF = "2026-11-30";
export const HOURS_PER_MONTH = 730;

export type PricedCloud = "gcp" | "aws" | "azure";

export const REFERENCE_REGION: Record<PricedCloud, string> = {
  gcp: "us-central1",
  aws: "us-east-1",
  azure: "eastus",
};

/** USD per node-hour, by cloud and machine type. */
export const NODE_HOURLY_USD: Record<PricedCloud, Record<string, number>> = {
  gcp: {
    "e2-standard-2": 0.067006,
    "e2-standard-4": 0.134012,
    "e2-standard-8": 0.268024,
    "e2-standard-16": 0.536048,
    "n2-standard-2": 0.097118,
    "n2-standard-4": 0.194236,
    "n2-standard-8": 0.388472,
    "n2-standard-16": 0.776944,
  },
  aws: {
    "m7i.large": 0.1008,
    "m7i.xlarge": 0.2016,
    "m7i.2xlarge": 0.4032,
    "m7i.4xlarge": 0.8064,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6i.2xlarge": 0.384,
  },
  azure: {
    Standard_D2s_v5: 0.096,
    Standard_D4s_v5: 0.192,
    Standard_D8s_v5: 0.384,
    Standard_D16s_v5: 0.768,
  },
};

/** USD per cluster-hour for the managed control plane. */
export const CONTROL_PLANE_HOURLY_USD: Record<PricedCloud, number> = { gcp: 0.1, aws: 0.1, azure: 0.1 };
