/** Built-in Azure role definitions the stack assigns, and a helper to assign them at a scope. */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

export const ROLES = {
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
};

export function assignRole(
  name: string,
  args: {
    subscriptionId: pulumi.Input<string>;
    role: string;
    principalId: pulumi.Input<string>;
    scope: pulumi.Input<string>;
  },
  opts: pulumi.CustomResourceOptions,
) {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${args.role}`,
      scope: args.scope,
    },
    opts,
  );
}
