/**
 * The exact pinned charts, offline: every captured Helm release rendered with `helm template` from the
 * chart archive in the chart directory, with the release's captured values and namespace; and the
 * operator manifests the program loads, read from the same directory. What a release installs becomes
 * objects the tests can check like the program's own.
 *
 *   DP_CHARTS_DIR   the chart directory (default: ../shared/charts beside the project)
 *   DP_HELM         the helm binary (default: the setup script's cache, then `helm` on PATH)
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { manifestFileName } from "../../lib/mirror";
import { CHARTS, ChartPin, MANIFESTS } from "../../lib/versions";
import toolVersions from "../../lib/tool-versions.json";
import type { K8sObject } from "./query";
import type { CapturedResource, StackRun } from "./run-stack";

export const ROOT = path.resolve(__dirname, "../..");

export const chartsDir = () => path.resolve(process.env.DP_CHARTS_DIR ?? path.join(ROOT, "../shared/charts"));

/** The helm binary: DP_HELM, the setup script's cache, or the one on PATH; undefined when none runs. */
export function helmBinary(): string | undefined {
  const cache = process.env.DP_TOOLS_CACHE ?? path.join(os.homedir(), ".cache/dedicated-platform/tools");
  const candidates = [process.env.DP_HELM, path.join(cache, `helm-${toolVersions.helm}/bin/helm`), "helm"];
  for (const c of candidates.filter((x): x is string => !!x)) {
    try {
      execFileSync(c, ["version", "--short"], { stdio: "pipe" });
      return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

let helmFound: string | undefined | null = null;
const helm = () => (helmFound === null ? (helmFound = helmBinary()) : helmFound);

/** Why charts cannot be rendered here, or undefined when they can. */
export function chartsUnavailable(): string | undefined {
  const dir = chartsDir();
  if (!fs.existsSync(path.join(dir, "index.yaml")))
    return `no chart directory at ${dir} (set DP_CHARTS_DIR to the offline chart mirror)`;
  if (!helm()) return "no helm binary (run scripts/setup-tools.sh, or set DP_HELM)";
  return undefined;
}

/** The archive of a pinned chart in the chart directory; throws naming the chart when it is absent. */
export function chartArchive(pin: { chart: string; version: string }): string {
  const file = path.join(chartsDir(), `${pin.chart}-${pin.version}.tgz`);
  if (!fs.existsSync(file))
    throw new Error(
      `chart ${pin.chart} ${pin.version} (pinned in lib/versions.ts) is not in ${chartsDir()}: add ${path.basename(file)}`,
    );
  return file;
}

/**
 * The local copy of a manifest the program loads: by its upstream URL (`MANIFESTS` in
 * lib/versions.ts), or by its name on a mirror (a path or URL ending in that name).
 */
export function manifestFile(location: string): string {
  const file = path.join(chartsDir(), "manifests", manifestName(location));
  if (!fs.existsSync(file)) throw new Error(`manifest ${location} has no offline copy in ${path.dirname(file)}`);
  return file;
}

/** A manifest's file name, whether the program loads it by its upstream URL or from a mirror. */
export function manifestName(location: string): string {
  return (Object.values(MANIFESTS) as string[]).includes(location)
    ? manifestFileName(location)
    : path.basename(location);
}

/** Objects cached as JSON under `key` in the temp directory, made by `produce` on a miss (written atomically). */
function cached(key: string, produce: () => K8sObject[]): K8sObject[] {
  const file = path.join(cacheDir, `${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as K8sObject[];
  const objects = produce();
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(objects));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
  return objects;
}

/**
 * cert-manager's CRDs as its release asset `cert-manager.crds.yaml` holds them, rendered from the
 * pinned chart (the asset is generated from the same templates) where the chart directory has no
 * copy of the asset.
 */
export function certManagerCrdsFromChart(): K8sObject[] {
  const archive = chartArchive(CHARTS.certManager);
  const key = createHash("sha256")
    .update(`cert-manager-crds ${archive} ${fs.statSync(archive).mtimeMs}`)
    .digest("hex");
  return cached(key, () => {
    const args = [
      "template",
      "cert-manager",
      archive,
      "--set",
      "crds.enabled=true",
      "--kube-version",
      DEFAULT_KUBE_VERSION,
    ];
    const text = execFileSync(helm()!, args, { maxBuffer: 64 << 20 }).toString();
    return parseObjects(text).filter((o) => o.kind === "CustomResourceDefinition");
  });
}

/** Where an object of a stack comes from: the program itself, a Helm release, or a manifest. */
export interface Source {
  kind: "program" | "release" | "manifest";
  /** The release's name, or the manifest's file name. */
  name: string;
  /** The captured resource that declares it (the object itself, its release, or its ConfigFile). */
  resource: CapturedResource;
}

export interface DeployedObject {
  object: K8sObject;
  source: Source;
}

/** The pin a captured release was made from (chart and version), found among CHARTS. */
export function pinOf(r: CapturedResource): ChartPin {
  // The chart as the pin names it, or through a mirror: `oci://…/<chart>` or `<dir>/<chart>-<version>.tgz`.
  const chart = String(r.inputs.chart);
  const pin = Object.values(CHARTS).find(
    (p) =>
      p.version === r.inputs.version &&
      (chart === p.chart || chart.endsWith(`/${p.chart}`) || path.basename(chart) === `${p.chart}-${p.version}.tgz`),
  );
  if (!pin)
    throw new Error(`release ${r.name}: chart ${r.inputs.chart} ${r.inputs.version} is not pinned in lib/versions.ts`);
  return pin;
}

/** The Kubernetes minor version a stack's clusters run, for `helm template --kube-version`. */
export const DEFAULT_KUBE_VERSION = "1.33";

const cacheDir = path.join(os.tmpdir(), "dedicated-platform-helm-template");

/**
 * `helm template` of a captured release: the objects it installs (CRDs and hooks included, tests
 * excluded). Output is cached by its inputs in the temp directory, since every test file renders the
 * same releases.
 */
export function renderRelease(r: CapturedResource, kubeVersion = DEFAULT_KUBE_VERSION): K8sObject[] {
  const archive = chartArchive(pinOf(r));
  const name = String(r.inputs.name);
  const namespace = String(r.inputs.namespace ?? "default");
  const values = JSON.stringify(r.inputs.values ?? {});
  const args = ["template", name, archive, "--namespace", namespace, "--kube-version", kubeVersion];
  args.push("--include-crds", "--skip-tests", "--values", "-");
  const key = createHash("sha256")
    .update(JSON.stringify([args, values, fs.statSync(archive).mtimeMs]))
    .digest("hex");
  // Kept as JSON: parsing the charts' YAML (CRDs of megabytes) is most of a cold render's cost.
  return cached(key, () => {
    try {
      const text = execFileSync(helm()!, args, {
        input: values,
        stdio: ["pipe", "pipe", "pipe"],
        maxBuffer: 256 << 20,
      }).toString();
      return parseObjects(text);
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`helm template of release ${name} (${pinOf(r).chart} ${pinOf(r).version}) failed: ${stderr}`);
    }
  });
}

/** Every object of a multi-document YAML text (empty documents dropped; `List` kinds flattened). */
export function parseObjects(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === "object" && "kind" in o)
    .flatMap((o) => (o.kind.endsWith("List") && Array.isArray(o.items) ? (o.items as K8sObject[]) : [o]));
}

/** The kube version a stack renders its charts for: its cloud's configured version, or the default. */
export function kubeVersionOf(run: StackRun): string {
  const provider = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster" || r.type.includes("ManagedCluster"));
  const v = provider?.inputs.version ?? provider?.inputs.kubernetesVersion;
  return typeof v === "string" && /^1\.\d+/.test(v) ? v.split(".").slice(0, 2).join(".") : DEFAULT_KUBE_VERSION;
}
