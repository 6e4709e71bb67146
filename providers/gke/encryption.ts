/** Application-layer secrets encryption: a Cloud KMS key ring and rotating key the GKE service agent may use. */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsKey {
  key: gcp.kms.CryptoKey;
  /** The grant GKE needs before it can create the cluster with the key. */
  grant: gcp.kms.CryptoKeyIAMMember;
}

/** 90 days, in the seconds format Cloud KMS expects. */
export const KEY_ROTATION_PERIOD = "7776000s";

export function createSecretsKey(
  name: string,
  args: { project: string; region: string; protect: boolean },
  opts: pulumi.CustomResourceOptions,
): SecretsKey {
  // Key rings cannot be deleted in Cloud KMS; a destroyed stack leaves an empty ring behind.
  const ring = new gcp.kms.KeyRing(`${name}-keyring`, { location: args.region }, opts);
  const key = new gcp.kms.CryptoKey(
    `${name}-secrets`,
    { keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: KEY_ROTATION_PERIOD },
    // Losing the key makes every Secret in etcd unreadable.
    { ...opts, protect: args.protect },
  );
  const project = gcp.organizations.getProjectOutput({ projectId: args.project }, opts);
  const grant = new gcp.kms.CryptoKeyIAMMember(
    `${name}-secrets-gke-agent`,
    {
      cryptoKeyId: key.id,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: pulumi.interpolate`serviceAccount:service-${project.number}@container-engine-robot.iam.gserviceaccount.com`,
    },
    opts,
  );
  return { key, grant };
}
