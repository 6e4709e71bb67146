/**
 * The benchmark's registration floor: what the Pulumi runtime spends on exactly the resources a stack
 * declares, without the program that decides them. It replays a stack's recorded registrations (type,
 * name, parent, provider and resolved inputs) through the same harness, with the same SDK classes, so
 * everything the SDK does per resource is in the floor: the aliases a class adds (azure-native gives
 * each resource one per API-versioned module, up to 113), an `Output` per declared output property
 * (dozens on a cloud resource, five on a ConfigMap), and the serialisation of the stack's real inputs.
 * What the program adds on top (config parsing, building inputs, Outputs passed between resources,
 * dependencies, transforms, components' own logic) is the difference, the program's own overhead.
 *
 * The replay must register the very same resources: it fails when a URN, a type, a parent, a provider
 * or any input differs. Inputs are replayed as resolved values, secrets as plain values (a handful per
 * stack).
 *
 * As the benchmark's child: `bench-replay.js <registrations.json>`, written by `bench-eval.js`; prints
 * the resource count and its peak RSS (KiB).
 */
import * as fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { CapturedResource, runProgram } from "../tests/harness/run-stack";

/** What the replay needs of a recorded registration. */
export type Registration = Pick<
  CapturedResource,
  "type" | "name" | "urn" | "parent" | "provider" | "custom" | "inputs" | "aliasCount"
>;

type Construct = (name: string, inputs: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;
type SdkClass = { __pulumiType?: string } & (new (
  name: string,
  inputs: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.Resource);

/* eslint-disable @typescript-eslint/no-require-imports */
// By name at run time: the replay loads only the SDKs the stack used, as the program does.
const load = (pkg: string) => require(pkg) as Record<string, unknown>;
/* eslint-enable @typescript-eslint/no-require-imports */

const PACKAGES: Record<string, string> = {
  kubernetes: "@pulumi/kubernetes",
  aws: "@pulumi/aws",
  gcp: "@pulumi/gcp",
  random: "@pulumi/random",
  tls: "@pulumi/tls",
};

/** The SDK class whose constructor registers `type`, or undefined. Checked against the class's own token. */
function sdkClass(type: string): SdkClass | undefined {
  const [pkg, module, name] = type.split(":");
  let candidate: unknown;
  if (pkg === "azure-native") candidate = load(`@pulumi/azure-native/${module}`)[name];
  else if (pkg === "kubernetes") {
    // `apps/v1`, `networking.k8s.io/v1`, `helm.sh/v3`: the SDK's namespace is the group's first label.
    const [group, version] = module.split("/");
    const ns = load(PACKAGES.kubernetes)[group.split(".")[0]] as Record<string, Record<string, unknown>> | undefined;
    candidate = ns?.[version]?.[name];
  } else if (PACKAGES[pkg]) {
    const sdk = load(PACKAGES[pkg]);
    const [mod] = module.split("/");
    candidate = mod === "index" ? sdk[name] : (sdk[mod] as Record<string, unknown> | undefined)?.[name];
  }
  return (candidate as SdkClass | undefined)?.__pulumiType === type ? (candidate as SdkClass) : undefined;
}

/** A provider registered by the SDK's base class: no package's provider class need be loaded. */
class ReplayedProvider extends pulumi.ProviderResource {}

/** How to register `r` again: its SDK class, a CustomResource for a custom kind, or a component of its type. */
function constructorFor(r: Registration): Construct {
  const [pkg, module, name] = r.type.split(":");
  if (pkg === "pulumi" && module === "providers") {
    // The recorded inputs are what the provider class sent (its non-string settings JSON-encoded): the
    // base class sends them as they are.
    return (resourceName, inputs, opts) => new ReplayedProvider(name, resourceName, inputs, opts);
  }
  const cls = sdkClass(r.type);
  if (cls) return (resourceName, inputs, opts) => new cls(resourceName, inputs, opts);
  if (r.type.startsWith("kubernetes:") && r.custom) {
    // Kinds of the stack's CRDs: the program declares them as CustomResources (token from apiVersion and kind).
    const k8s = load(PACKAGES.kubernetes) as { apiextensions: { CustomResource: SdkClass } };
    return (resourceName, inputs, opts) => new k8s.apiextensions.CustomResource(resourceName, inputs, opts);
  }
  if (!r.custom) return (resourceName, _inputs, opts) => new pulumi.ComponentResource(r.type, resourceName, {}, opts);
  throw new Error(`bench-replay: no SDK class registers ${r.type} (resource ${r.name})`);
}

/**
 * A program that registers `registrations` again, in their order, each with its recorded parent and
 * provider. Every constructor is resolved before anything is registered, so an unknown type fails
 * before the run.
 */
export function replayProgram(registrations: Registration[]): () => Promise<Record<string, unknown>> {
  const constructors = registrations.map(constructorFor);
  return async () => {
    const byUrn = new Map<string, pulumi.Resource>();
    registrations.forEach((r, i) => {
      const resource = (urn: string | undefined, what: string) => {
        if (urn === undefined) return undefined;
        const found = byUrn.get(urn);
        if (!found) throw new Error(`bench-replay: the ${what} of ${r.urn} was not registered before it`);
        return found;
      };
      const provider = resource(r.provider?.split("::").slice(0, -1).join("::"), "provider");
      const opts = { parent: resource(r.parent, "parent"), provider: provider as pulumi.ProviderResource | undefined };
      byUrn.set(r.urn, constructors[i](r.name, r.inputs, opts));
    });
    return {};
  };
}

/**
 * How a replay's registrations differ from the stack's: a URN one has and the other lacks, or another
 * type, parent, provider or inputs. Empty for a true floor.
 */
export function replayDifferences(recorded: Registration[], replayed: Registration[]): string[] {
  const got = new Map(replayed.map((r) => [r.urn, r]));
  const want = new Set(recorded.map((r) => r.urn));
  const differences = replayed.filter((r) => !want.has(r.urn)).map((r) => `extra: ${r.urn}`);
  for (const r of recorded) {
    const x = got.get(r.urn);
    if (!x) differences.push(`missing: ${r.urn}`);
    else {
      const fields = (["type", "parent", "provider", "inputs"] as const).filter((f) => !isDeepStrictEqual(x[f], r[f]));
      if (fields.length > 0) differences.push(`${fields.join(", ")} differ: ${r.urn}`);
    }
  }
  return differences;
}

async function main() {
  const registrations = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Registration[];
  const run = await runProgram({ config: {} }, replayProgram(registrations));
  const differences = replayDifferences(registrations, run.resources);
  if (differences.length > 0)
    throw new Error(`bench-replay: not the stack's registrations:\n${differences.join("\n")}`);
  console.log(`${run.resources.length}\n${process.resourceUsage().maxRSS}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
