/**
 * Offline render: `npm run render -- <stack file> [out dir]`.
 * Runs the program under the test mocks (no CLI, no cloud, no cluster) and writes every Kubernetes
 * object the stack declares as YAML, one file per namespace (`_cluster.yaml` for cluster-scoped
 * objects), plus `summary.txt` with counts by kind and namespace. Secret values are masked.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { isK8sObject, K8sObject } from "../tests/harness/query";
import { CapturedResource, runStack, StackRun } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";

export const MASK = "<secret>";

/** Replaces every secret path of a captured resource's inputs with a mask. */
export function masked(r: CapturedResource): K8sObject {
  const copy = structuredClone(r.inputs) as Record<string, unknown>;
  for (const p of r.secretPaths) {
    const parts = p.match(/[^.[\]]+/g) ?? [];
    let node: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
    node[parts[parts.length - 1]] = MASK;
  }
  return copy as K8sObject;
}

export interface RenderResult {
  files: string[];
  summary: string;
}

export function renderRun(run: StackRun, outDir: string): RenderResult {
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
    const text = objs.map((o) => YAML.stringify(o, { sortMapEntries: false })).join("---\n");
    fs.writeFileSync(path.join(outDir, file), text);
    files.push(file);
  }
  const summary = summarize(run, byFile);
  fs.writeFileSync(path.join(outDir, "summary.txt"), summary);
  return { files: [...files, "summary.txt"], summary };
}

function summarize(run: StackRun, byFile: Map<string, K8sObject[]>): string {
  const all = [...byFile.values()].flat();
  const count = (key: (o: K8sObject) => string) => {
    const m = new Map<string, number>();
    for (const o of all) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
    return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(40)} ${n}`);
  };
  const other = run.resources.filter((r) => r.custom && !isK8sObject(r));
  return [
    `Kubernetes objects: ${all.length}`,
    "By kind:",
    ...count((o) => o.kind),
    "By namespace:",
    ...count((o) => o.metadata?.namespace ?? "(cluster-scoped)"),
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
  const { files, summary } = renderRun(run, outDir);
  console.log(`Rendered ${stackFile} into ${outDir} (${files.length} files)\n${summary}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
