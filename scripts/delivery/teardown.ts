/**
 * The pre-destroy step: `npm run teardown -- <stack file> [--context <kube context>] [--kubeconfig <file>]
 * [--cluster-name <name>] [--node-resource-group <group>] [--cloud-checks] [--timeout <seconds>]`.
 *
 * `pulumi destroy` deletes what Pulumi declared. The cluster also created things outside Pulumi's graph
 * that block or leak when the cluster goes first: cloud load balancers behind Services of type
 * LoadBalancer (GKE forwarding rules, EKS load balancers and their ENIs, AKS frontend IPs), and disks
 * behind the volumes that StatefulSets and operators claimed (with `Retain` they outlive everything).
 * This removes them, in the platform's namespaces only, and waits until the cluster reports them gone:
 *
 * 1. refuses while the stack file has `protectData` on (explicitly or by its environment);
 * 2. deletes every Service of type LoadBalancer and waits for it (its cloud controller's finalizer
 *    holds it until the cloud load balancer is deleted);
 * 3. deletes the datastores' custom resources and the StatefulSets, so nothing claims volumes again;
 * 4. sets every bound volume's reclaim policy to Delete, deletes every PersistentVolumeClaim, and waits
 *    until those PersistentVolumes are gone (the CSI driver deletes each disk first);
 * 5. with `--cloud-checks`, runs the cloud's own listing of what such objects leave behind
 *    (`cloud-leftovers.ts`) until it lists nothing.
 *
 * Talks to the cluster with `kubectl` (the tool cache has one), so it runs anywhere a kubeconfig works.
 * Exits non-zero, naming what is left, on a timeout.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { CONCERNS, namespaceName } from "../../components/namespaces/catalog";
import type { PlatformConfig } from "../../config/load";
import { parseStackFile, readStackFile } from "../../tests/harness/stack-file";
import { CloudNames, cloudLeftoverChecks, LeftoverCheck } from "./cloud-leftovers";

/** Custom resources whose operators create StatefulSets and claim volumes (see components/data/). */
export const DATASTORE_KINDS = [
  "clusters.postgresql.cnpg.io",
  "perconaservermongodbs.psmdb.percona.com",
  "elasticsearches.elasticsearch.k8s.elastic.co",
  "rabbitmqclusters.rabbitmq.com",
  "redisreplications.redis.redis.opstreelabs.in",
  "redissentinels.redis.redis.opstreelabs.in",
  "tenants.minio.min.io",
];

export interface TeardownOptions {
  kubectl: (args: string[]) => string;
  timeoutSeconds: number;
  log: (line: string) => void;
  /** Run each cloud listing; undefined skips the cloud checks. */
  runCheck?: (check: LeftoverCheck) => string;
  names?: CloudNames;
  pollMs?: number;
}

export interface TeardownResult {
  loadBalancers: string[];
  claims: string[];
  volumes: string[];
  left: string[];
}

/** Why the stack cannot be torn down yet, or undefined. */
export function refusal(config: PlatformConfig): string | undefined {
  if (config.protectData)
    return `dedicated-platform:protectData is on (environment ${config.environment}): set it to false and run \`pulumi up\` first, so that nothing holding data is protected, then run the teardown again`;
  return undefined;
}

export const platformNamespaces = (config: PlatformConfig) =>
  CONCERNS.map((c) => namespaceName(config.namespacePrefix, c));

interface Item {
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

export async function teardown(config: PlatformConfig, o: TeardownOptions): Promise<TeardownResult> {
  const refused = refusal(config);
  if (refused) throw new Error(refused);
  const namespaces = new Set(platformNamespaces(config));
  const list = (resource: string): Item[] =>
    (JSON.parse(o.kubectl(["get", resource, "--all-namespaces", "-o", "json"])).items as Item[]).filter((i) =>
      namespaces.has(i.metadata.namespace ?? ""),
    );
  const ref = (i: Item) => `${i.metadata.namespace}/${i.metadata.name}`;
  /** Of `names` (namespace/name), those the cluster still lists as `resource`. */
  const stillListed = (resource: string, names: Set<string>) => () =>
    list(resource)
      .map(ref)
      .filter((r) => names.has(r));
  const remove = (resource: string, items: Item[]) => {
    for (const i of items)
      o.kubectl([
        "delete",
        resource,
        i.metadata.name,
        "-n",
        i.metadata.namespace!,
        "--wait=false",
        "--ignore-not-found",
      ]);
  };
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  const waitUntil = async (what: string, remaining: () => string[]) => {
    for (;;) {
      const left = remaining();
      if (left.length === 0) return [];
      if (Date.now() > deadline) return left.map((l) => `${what} ${l}`);
      await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
    }
  };

  // 1. Load balancers.
  const loadBalancers = list("services").filter((s) => s.spec?.type === "LoadBalancer");
  o.log(
    `teardown: ${loadBalancers.length} Services of type LoadBalancer: ${loadBalancers.map(ref).join(", ") || "none"}`,
  );
  remove("service", loadBalancers);
  const lbNames = new Set(loadBalancers.map(ref));
  const left = await waitUntil("Service", stillListed("services", lbNames));

  // 2. Whatever would claim volumes again.
  const served = new Set(o.kubectl(["api-resources", "-o", "name"]).split("\n"));
  for (const kind of DATASTORE_KINDS.filter((k) => served.has(k))) {
    const items = list(kind);
    o.log(`teardown: ${items.length} ${kind}`);
    remove(kind, items);
  }
  const sets = list("statefulsets");
  o.log(`teardown: ${sets.length} StatefulSets`);
  remove("statefulset", sets);

  // 3. Volumes: reclaim policy Delete first, so deleting the claim deletes the disk.
  const claims = list("persistentvolumeclaims");
  const volumes = claims.map((c) => c.spec?.volumeName as string | undefined).filter((v): v is string => !!v);
  for (const v of volumes)
    o.kubectl([
      "patch",
      "persistentvolume",
      v,
      "--type=merge",
      "-p",
      '{"spec":{"persistentVolumeReclaimPolicy":"Delete"}}',
    ]);
  o.log(`teardown: ${claims.length} PersistentVolumeClaims, ${volumes.length} bound volumes set to Delete`);
  remove("persistentvolumeclaim", claims);
  const claimNames = new Set(claims.map(ref));
  left.push(...(await waitUntil("PersistentVolumeClaim", stillListed("persistentvolumeclaims", claimNames))));
  const volumeNames = new Set(volumes);
  const pvs = () =>
    (JSON.parse(o.kubectl(["get", "persistentvolumes", "-o", "json"])).items as Item[])
      .map((v) => v.metadata.name)
      .filter((n) => volumeNames.has(n));
  left.push(...(await waitUntil("PersistentVolume", pvs)));

  // 4. The cloud's own view.
  if (o.runCheck) {
    for (const check of cloudLeftoverChecks(config, o.names)) {
      o.log(`teardown: ${check.what}: ${check.command.join(" ")}`);
      left.push(...(await waitUntil(check.what, () => o.runCheck!(check).split(/\s+/).filter(Boolean))));
    }
  }
  return { loadBalancers: [...lbNames], claims: [...claimNames], volumes, left };
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

async function main() {
  const args = process.argv.slice(2);
  const stackFile = args[0];
  if (!stackFile || stackFile.startsWith("--")) {
    console.error(
      "usage: npm run teardown -- <stack file> [--context C] [--kubeconfig F] [--cluster-name N] [--node-resource-group G] [--cloud-checks] [--timeout S]",
    );
    process.exit(2);
  }
  const config = parseStackFile(readStackFile(path.resolve(stackFile)));
  const kube = [
    ...(option(args, "--kubeconfig") ? ["--kubeconfig", option(args, "--kubeconfig")!] : []),
    ...(option(args, "--context") ? ["--context", option(args, "--context")!] : []),
  ];
  const result = await teardown(config, {
    kubectl: (a) => run("kubectl", [...kube, ...a]),
    timeoutSeconds: Number(option(args, "--timeout") ?? 900),
    log: (l) => console.error(l),
    names: { clusterName: option(args, "--cluster-name"), nodeResourceGroup: option(args, "--node-resource-group") },
    runCheck: args.includes("--cloud-checks") ? (c) => run(c.command[0], c.command.slice(1)) : undefined,
  });
  if (result.left.length) {
    console.error(`teardown: still there after the timeout:\n  ${result.left.join("\n  ")}`);
    process.exit(1);
  }
  console.log(
    `teardown: done: ${result.loadBalancers.length} load balancers, ${result.claims.length} claims, ${result.volumes.length} volumes removed`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`teardown: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
