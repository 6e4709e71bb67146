/**
 * The platform layer: everything that runs inside the cluster, built only from the seam
 * (`CloudTarget`) and the parsed config. No cloud SDK is imported here.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config/load";
import type { CloudTarget } from "../providers/types";
import { DataLayer } from "./data/data-layer";
import { Concern } from "./namespaces/catalog";
import { PlatformNamespaces } from "./namespaces/namespaces";
import { ServicesLayer } from "./services/services-layer";
import { GatewayLayer } from "./gateway/gateway-layer";
import { ObservabilityLayer } from "./observability/observability-layer";

export interface PlatformArgs {
  config: PlatformConfig;
  target: CloudTarget;
}

export class Platform extends pulumi.ComponentResource {
  public readonly namespaces: Record<Concern, pulumi.Output<string>>;
  public readonly data: DataLayer;
  public readonly services: ServicesLayer;
  public readonly gateway: GatewayLayer;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dedicated-platform:platform:Platform", name, {}, opts);
    const { config, target } = args;

    const namespaces = new PlatformNamespaces(
      `${name}-ns`,
      {
        provider: target.kubernetes,
        customer: config.customer,
        prefix: config.namespacePrefix,
        quotas: config.namespaceQuotas,
        containerDefaults: config.containerDefaults,
        protectData: config.protectData,
        environment: config.environment,
      },
      { parent: this },
    );
    this.namespaces = namespaces.names;
    this.data = new DataLayer(`${name}-data`, { config, target, namespaces: namespaces.names }, { parent: this });
    this.services = new ServicesLayer(
      `${name}-services`,
      { config, provider: target.kubernetes, namespaces: namespaces.names, data: this.data },
      { parent: this },
    );
    this.gateway = new GatewayLayer(
      `${name}-gateway`,
      { config, target, namespaces: namespaces.names, data: this.data },
      { parent: this },
    );
    new ObservabilityLayer(
      `${name}-observability`,
      { config, target, namespaces: namespaces.names, data: this.data, services: this.services },
      { parent: this },
    );
    this.registerOutputs({ namespaces: this.namespaces });
  }
}
