/**
 * read + validate config -> pick the cloud target -> build the platform -> export outputs.
 * Exported as a function so the test harness can run this exact program under mocks.
 */
import { readStackConfig } from "./config/load";
import { Platform } from "./components/platform";
import { buildCloud } from "./providers";

export = async () => {
  const config = readStackConfig(); // throws, listing every problem, before any resource exists
  const target = await buildCloud(config);
  const platform = new Platform(config.customer, { config, target });
  return {
    cloud: config.cloud,
    customer: config.customer,
    zones: target.zones,
    clusterName: target.outputs.clusterName,
    clusterEndpoint: target.outputs.endpoint,
    kubeconfig: target.outputs.kubeconfig,
    namespaces: platform.namespaces,
    // Generated credentials, for operators of the stack: `pulumi stack output --show-secrets`.
    datastoreSecrets: platform.data.secrets,
    gatewaySecrets: platform.gateway.secrets,
    objectStorage: { backend: platform.data.objectStorage.backend, bucket: platform.data.objectStorage.bucket },
  };
};
