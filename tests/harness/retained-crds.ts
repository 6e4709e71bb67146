/**
 * What `pulumi destroy` leaves on a cluster: the CRDs Helm never deletes. Helm installs a chart's
 * `crds/` directory but never upgrades or deletes it, and it keeps every object annotated
 * `helm.sh/resource-policy: keep`. Everything else of the platform (namespaces, webhooks, APIServices,
 * the manifests' CRDs, which the provider applies itself) goes with the stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { chartArchive, DeployedObject, pinOf } from "./charts";
import { unpackChart } from "./chart-values";
import type { StackRun } from "./run-stack";

const crdFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "templates" ? [] : crdFiles(p);
        return /\.ya?ml$/.test(e.name) && p.split(path.sep).includes("crds") ? [p] : [];
      })
    : [];

/** `chart -> the API groups of the CRDs a destroy leaves behind`, for every release of the run. */
export function retainedCrdGroups(run: StackRun, deployed: DeployedObject[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of run.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
    const chart = pinOf(r).chart;
    const groups = new Set<string>();
    for (const file of crdFiles(unpackChart(chartArchive(pinOf(r)))))
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
        const o = doc.toJS() as { kind?: string; spec?: { group?: string } } | null;
        if (o?.kind === "CustomResourceDefinition" && o.spec?.group) groups.add(o.spec.group);
      }
    for (const d of deployed.filter((x) => x.source.resource === r && x.object.kind === "CustomResourceDefinition"))
      if (d.object.metadata.annotations?.["helm.sh/resource-policy"] === "keep")
        groups.add((d.object.spec as { group: string }).group);
    if (groups.size > 0) out.set(chart, groups);
  }
  return out;
}

/** The README's table of what destroy leaves: chart -> the groups its row names. */
export function documentedRetainedGroups(readme: string): Map<string, Set<string>> {
  const section = readme.split("## What `pulumi destroy` leaves behind")[1]?.split("\n## ")[0] ?? "";
  const out = new Map<string, Set<string>>();
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const [chart, groups] = line
      .split("|")
      .slice(1, 3)
      .map((c) => c.trim());
    out.set(chart.replace(/`/g, ""), new Set([...groups.matchAll(/`([^`]+)`/g)].map((m) => m[1])));
  }
  return out;
}
