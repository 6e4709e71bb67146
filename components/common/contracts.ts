/**
 * The connection contract every datastore hands its consumers, so later components wire
 * themselves without guessing names: where to connect, and which Secret keys hold the credentials.
 * Consumers reference the Secret (secretKeyRef); the values never leave it.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Connection {
  /** In-cluster DNS name of the service (`<svc>.<namespace>.svc.cluster.local`). */
  host: pulumi.Output<string>;
  port: number;
  /** Namespace of the Secret; consumers in other namespaces get their own copy. */
  secretNamespace: pulumi.Output<string>;
  secretName: pulumi.Output<string>;
  /** Key names inside the Secret. */
  keys: { username?: string; password: string; [other: string]: string | undefined };
  /** Extra non-secret settings (database name, bucket name, TLS...). */
  settings?: Record<string, pulumi.Input<string>>;
}

/** The object-storage contract: an S3-style endpoint and bucket, whatever the backend. */
export interface ObjectStorageConnection {
  backend: "minio" | "cloud";
  /** `s3` (MinIO, S3), `gcs` or `azureBlob`: what client the consumer needs. */
  api: "s3" | "gcs" | "azureBlob";
  endpoint: pulumi.Output<string>;
  bucket: pulumi.Output<string>;
  /** Secret with access keys (MinIO); undefined where access is by workload identity (cloud). */
  credentials?: {
    secretNamespace: pulumi.Output<string>;
    secretName: pulumi.Output<string>;
    keys: { accessKey: string; secretKey: string };
  };
}

export const serviceHost = (name: pulumi.Input<string>, namespace: pulumi.Input<string>) =>
  pulumi.interpolate`${name}.${namespace}.svc.cluster.local`;
