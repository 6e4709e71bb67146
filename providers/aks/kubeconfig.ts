/**
 * The cluster's user kubeconfig in `exec` format (kubelogin), switched from the interactive device
 * code login to `--login azurecli`, so `pulumi up` and CI authenticate as the signed-in Azure CLI
 * identity. Entra ID is always on, so this works with local accounts disabled or not; no static admin
 * certificate is ever fetched.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";

export function toAzureCliLogin(kubeconfig: string): string {
  return kubeconfig
    .replace(/--login\s*\n?\s*-?\s*devicecode/g, (m) => m.replace("devicecode", "azurecli"))
    .replace(/- devicecode/g, "- azurecli");
}

export function kubeconfigFor(
  cluster: containerservice.ManagedCluster,
  resourceGroupName: pulumi.Output<string>,
): pulumi.Output<string> {
  const creds = containerservice.listManagedClusterUserCredentialsOutput({
    resourceGroupName,
    resourceName: cluster.name,
    format: "exec",
  });
  return pulumi.secret(
    creds.kubeconfigs.apply((k) => toAzureCliLogin(Buffer.from(k[0].value, "base64").toString("utf8"))),
  );
}
