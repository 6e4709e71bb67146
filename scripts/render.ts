/**
 * Offline render: `npm run render -- <stack file> [out dir]`.
 * Runs the program under the test mocks (no CLI, no cloud, no cluster) and writes every Kubernetes
 * object the stack declares as YAML, one file per namespace (`_cluster.yaml` for cluster-scoped
 * objects); the objects of each Helm release and manifest, rendered from the pinned charts, into
 * `charts/<release>.yaml`; and `summary.txt` with counts. Every Secret value is masked (its keys kept,
 * so the output can still be applied), and objects Pulumi names at deploy time get a stable
 * placeholder name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { chartsUnavailable, DeployedObject } from "../tests/harness/charts";
import { deployedObjects } from "../tests/harness/deployed";
import { isK8sObject, K8sObject } from "../tests/harness/query";
import { CapturedResource, runStack, StackRun } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";

export const MASK = "<secret>";

/** The name an object Pulumi auto-names (no `metadata.name`) gets in the render, stable across runs. */
export const placeholderName = (resourceName: string) => `${resourceName}-autonamed`;

/** Every value of a Secret's `data` and `stringData` masked, its keys kept (the output stays applicable). */
function maskSecretValues(obj: Record<string, unknown>) {
  if (obj.kind !== "Secret") return;
  for (const field of ["data", "stringData"]) {
    const map = obj[field];
    if (map !== null && typeof map === "object")
      obj[field] = Object.fromEntries(Object.keys(map as object).map((k) => [k, MASK]));
  }
}

/**
 * A captured resource's object as the render writes it: every secret path masked (a Secret's values
 * one by one, keeping its keys), and a placeholder name where Pulumi would pick one at deploy time.
 */
export function masked(r: CapturedResource): K8sObject {
  const copy = structuredClone(r.inputs) as Record<string, unknown>;
  for (const p of r.secretPaths) {
    const parts = p.match(/[^.[\]]+/g) ?? [];
    let node: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
    const last = parts[parts.length - 1];
    const value = node[last];
    node[last] =
      copy.kind === "Secret" && parts.length === 1 && value !== null && typeof value === "object"
        ? Object.fromEntries(Object.keys(value).map((k) => [k, MASK]))
        : MASK;
  }
  maskSecretValues(copy);
  const metadata = (copy.metadata ?? {}) as Record<string, unknown>;
  if (!metadata.name && !metadata.generateName) copy.metadata = { ...metadata, name: placeholderName(r.name) };
  return copy as K8sObject;
}

/** A chart's or manifest's object as the render writes it: Secret values masked. */
export function maskedChartObject(o: K8sObject): K8sObject {
  const copy = structuredClone(o) as Record<string, unknown>;
  maskSecretValues(copy);
  return copy as K8sObject;
}

/**
 * One object as YAML that every reader takes the same way. kubectl, Helm and most scanners read YAML
 * 1.1, where unquoted `on`, `yes` or `=` are not strings: the 1.1 schema quotes them (a chart's
 * `value: "on"` must not come back as a boolean), and `=` (1.1's value key) is quoted by hand.
 */
export function toYaml(o: unknown): string {
  const doc = new YAML.Document(o, { version: "1.1" });
  YAML.visit(doc, {
    Scalar(_, node) {
      if (node.value === "=") node.type = "QUOTE_DOUBLE";
    },
  });
  return doc.toString();
}

export interface RenderResult {
  files: string[];
  summary: string;
}

/** The chart objects to render, or why there are none (no chart directory or no helm here). */
export type ChartObjects = { objects: DeployedObject[]; renderErrors: string[] } | { unavailable: string };

export function renderRun(run: StackRun, outDir: string, charts?: ChartObjects): RenderResult {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const byFile = new Map<string, K8sObject[]>();
  for (const r of run.resources.filter(isK8sObject)) {
    const obj = masked(r);
    const file = `${obj.metadata?.namespace ?? "_cluster"}.yaml`;
    byFile.set(file, [...(byFile.get(file) ?? []), obj]);
  }
  const files: string[] = [];
  const order = (o: K8sObject) => `${o.kind}/${o.metadata?.name ?? ""}`;
  for (const [file, objs] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    objs.sort((a, b) => order(a).localeCompare(order(b)));
    const text = objs.map(toYaml).join("---\n");
    fs.writeFileSync(path.join(outDir, file), text);
    files.push(file);
  }
  const bySource = new Map<string, K8sObject[]>();
  if (charts && "objects" in charts) {
    fs.mkdirSync(path.join(outDir, "charts"), { recursive: true });
    for (const d of charts.objects.filter((x) => x.source.kind !== "program")) {
      const file = `charts/${d.source.name.replace(/\.ya?ml$/, "")}.yaml`;
      bySource.set(file, [...(bySource.get(file) ?? []), maskedChartObject(d.object)]);
    }
    for (const [file, objs] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
      fs.writeFileSync(path.join(outDir, file), objs.map(toYaml).join("---\n"));
      files.push(file);
    }
  }
  const summary = summarize(run, byFile, bySource, charts);
  fs.writeFileSync(path.join(outDir, "summary.txt"), summary);
  return { files: [...files, "summary.txt"], summary };
}

function summarize(
  run: StackRun,
  byFile: Map<string, K8sObject[]>,
  bySource: Map<string, K8sObject[]>,
  charts?: ChartObjects,
): string {
  const all = [...byFile.values()].flat();
  const count = (key: (o: K8sObject) => string) => {
    const m = new Map<string, number>();
    for (const o of all) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
    return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(40)} ${n}`);
  };
  const other = run.resources.filter((r) => r.custom && !isK8sObject(r));
  const chartLines =
    charts === undefined
      ? []
      : "unavailable" in charts
        ? [`Chart and manifest objects: not rendered (${charts.unavailable})`]
        : [
            `Chart and manifest objects: ${[...bySource.values()].flat().length} (in charts/)`,
            ...[...bySource].map(([file, objs]) => `  ${file.padEnd(40)} ${objs.length}`),
            ...charts.renderErrors.map((e) => `  render error: ${e}`),
          ];
  return [
    `Program objects: ${all.length}`,
    "By kind:",
    ...count((o) => o.kind),
    "By namespace:",
    ...count((o) => o.metadata?.namespace ?? "(cluster-scoped)"),
    ...chartLines,
    `Other resources (cloud, providers, Helm releases): ${other.length}`,
    ...countTypes(other),
    "",
  ].join("\n");
}

function countTypes(rs: CapturedResource[]): string[] {
  const m = new Map<string, number>();
  for (const r of rs) m.set(r.type, (m.get(r.type) ?? 0) + 1);
  return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(40)} ${n}`);
}

async function main() {
  const [stackFile, outArg] = process.argv.slice(2);
  if (!stackFile) {
    console.error("usage: npm run render -- <stack file> [out dir]");
    process.exit(2);
  }
  const stackName = path
    .basename(stackFile)
    .replace(/^Pulumi\./, "")
    .replace(/\.ya?ml$/, "");
  const outDir = path.resolve(outArg ?? path.join("render", stackName));
  const run = await runStack(readStackFile(stackFile), { stackName });
  const unavailable = chartsUnavailable();
  const { files, summary } = renderRun(run, outDir, unavailable ? { unavailable } : deployedObjects(run));
  console.log(`Rendered ${stackFile} into ${outDir} (${files.length} files)\n${summary}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
