/** The zone-aware StorageClass every cloud target creates, differing only in its CSI driver and parameters. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { standardLabels } from "./labels";

/** Name of the zone-aware StorageClass every platform volume uses. */
export const ZONAL_STORAGE_CLASS = "dp-zonal";

/** The two settings of a stack's config the StorageClass reads (a `PlatformConfig` fits). */
export interface StorageClassConfig {
  customer: string;
  storageReclaimPolicy: "Retain" | "Delete";
}

export function zonalStorageClass(
  config: StorageClassConfig,
  driver: { provisioner: string; parameters: Record<string, pulumi.Input<string>> },
  opts: pulumi.CustomResourceOptions,
): k8s.storage.v1.StorageClass {
  return new k8s.storage.v1.StorageClass(
    `${config.customer}-zonal-storage`,
    {
      metadata: {
        name: ZONAL_STORAGE_CLASS,
        labels: standardLabels({ name: "storage-class", instance: config.customer, component: "storage" }),
      },
      provisioner: driver.provisioner,
      parameters: driver.parameters,
      // A zonal disk lives in one zone: create it where the pod that claims it is scheduled.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: config.storageReclaimPolicy,
    },
    opts,
  );
}
