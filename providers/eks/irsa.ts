/** IAM Roles for Service Accounts: a role only one Kubernetes ServiceAccount can assume. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface Oidc {
  arn: pulumi.Output<string>;
  /** Issuer URL without `https://`. */
  issuer: pulumi.Output<string>;
}

export function irsaRole(
  name: string,
  args: {
    oidc: Oidc;
    namespace: pulumi.Input<string>;
    serviceAccount: string;
    policyArns?: string[];
    inlinePolicy?: pulumi.Input<string>;
  },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const assume = pulumi.all([args.oidc.arn, args.oidc.issuer, args.namespace]).apply(([arn, issuer, ns]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: `system:serviceaccount:${ns}:${args.serviceAccount}`,
              [`${issuer}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    }),
  );
  const role = new aws.iam.Role(name, { assumeRolePolicy: assume }, opts);
  (args.policyArns ?? []).forEach(
    (policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn }, opts),
  );
  if (args.inlinePolicy) new aws.iam.RolePolicy(`${name}-inline`, { role: role.id, policy: args.inlinePolicy }, opts);
  return role;
}
