/** What EKS hands the platform beyond the cluster: storage, load balancers, IRSA, S3 buckets. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { zonalStorageClass } from "../../lib/storage-class";
import type { PlatformConfig } from "../../config/load";
import type {
  LoadBalancerKind,
  ObjectStore,
  ObjectStoreKeys,
  ServiceAccountRef,
  WorkloadGrant,
  WorkloadIdentity,
} from "../types";
import { irsaRole, Oidc } from "./irsa";

export function createStorageClass(
  config: PlatformConfig,
  kmsKeyArn: pulumi.Output<string>,
  opts: pulumi.CustomResourceOptions,
) {
  return zonalStorageClass(
    config,
    { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true", kmsKeyId: kmsKeyArn } },
    opts,
  );
}

/** NLBs through the AWS Load Balancer Controller (IP targets), internet-facing or internal. */
export function loadBalancerAnnotations(kind: LoadBalancerKind): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": kind === "internal" ? "internal" : "internet-facing",
  };
}

const bucketActions = (access: WorkloadGrant["access"]) =>
  access === "read"
    ? ["s3:GetObject", "s3:ListBucket"]
    : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:AbortMultipartUpload"];

function bucketPolicy(grants: { bucket: pulumi.Input<string>; access: WorkloadGrant["access"] }[]) {
  return pulumi.all(grants.map((g) => pulumi.output(g.bucket))).apply((buckets) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: buckets.map((b, i) => ({
        Effect: "Allow",
        Action: bucketActions(grants[i].access),
        Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
      })),
    }),
  );
}

export function makeWorkloadIdentity(customer: string, oidc: Oidc, provider: aws.Provider) {
  return (
    name: string,
    account: ServiceAccountRef,
    grants: WorkloadGrant[],
    parent?: pulumi.Resource,
  ): WorkloadIdentity => {
    const role = irsaRole(
      `${customer}-${name}-irsa`,
      {
        oidc,
        namespace: account.namespace,
        serviceAccount: account.name,
        inlinePolicy: grants.length
          ? bucketPolicy(grants.map((g) => ({ bucket: g.store.bucket, access: g.access })))
          : undefined,
      },
      { parent, provider },
    );
    return { serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": role.arn }, podLabels: {} };
  };
}

export function makeObjectStore(config: PlatformConfig, region: string, provider: aws.Provider) {
  return (name: string, parent?: pulumi.Resource): ObjectStore => {
    const o = { parent, provider };
    const bucket = new aws.s3.Bucket(
      `${config.customer}-${name}`,
      { bucketPrefix: `${config.customer}-${name}-`.slice(0, 37), forceDestroy: !config.protectData },
      { ...o, protect: config.protectData },
    );
    new aws.s3.BucketVersioning(
      `${config.customer}-${name}`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      o,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${config.customer}-${name}`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
      },
      o,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${config.customer}-${name}`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      o,
    );
    new aws.s3.BucketPolicy(
      `${config.customer}-${name}-tls-only`,
      {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          }),
        ),
      },
      o,
    );
    return {
      api: "s3",
      bucket: bucket.bucket,
      endpoint: pulumi.output(`https://s3.${region}.amazonaws.com`),
      region: pulumi.output(region),
    };
  };
}

/** Static keys of an IAM user that may use only that bucket, for tools without IRSA support. */
export function makeObjectStoreKeys(customer: string, region: string, provider: aws.Provider) {
  return (name: string, store: ObjectStore, parent?: pulumi.Resource): ObjectStoreKeys => {
    const o = { parent, provider };
    const user = new aws.iam.User(`${customer}-${name}-keys`, {}, o);
    new aws.iam.UserPolicy(
      `${customer}-${name}-keys`,
      { user: user.name, policy: bucketPolicy([{ bucket: store.bucket, access: "readWrite" }]) },
      o,
    );
    const key = new aws.iam.AccessKey(`${customer}-${name}-keys`, { user: user.name }, o);
    return {
      accessKey: pulumi.secret(key.id),
      secretKey: pulumi.secret(key.secret),
      endpoint: `https://s3.${region}.amazonaws.com`,
    };
  };
}
