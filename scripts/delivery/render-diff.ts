/**
 * The object-level diff of two offline renders (`npm run render`): `npm run render:diff -- <base dir>
 * <head dir> [stack]` prints Markdown: per namespace, the objects added, removed and changed, with the
 * changed fields as paths (`spec.template.spec.containers[0].image`). The pull-request workflow runs
 * it for each affected stack between the base's render and the head's, as its job summary; it needs no
 * secret and no cluster, so it runs for forks too. Secret values are masked in both renders, so a
 * changed secret shows as unchanged; its keys still show.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

type Obj = Record<string, unknown>;

export interface ObjectChange {
  namespace: string;
  id: string;
  fields: string[];
}

export interface RenderDiff {
  added: { namespace: string; id: string }[];
  removed: { namespace: string; id: string }[];
  changed: ObjectChange[];
}

/** Every object of a render directory (its namespace files and `charts/`), by namespace and identity. */
export function readRender(dir: string): Map<string, Obj> {
  const objects = new Map<string, Obj>();
  if (!fs.existsSync(dir)) return objects;
  const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml"));
  for (const file of files.sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) {
      const o = doc.toJS() as Obj | null;
      if (!o || typeof o !== "object" || !o.kind) continue;
      objects.set(keyOf(o), o);
    }
  }
  return objects;
}

const meta = (o: Obj) => (o.metadata ?? {}) as { name?: string; namespace?: string };
const keyOf = (o: Obj) => `${meta(o).namespace ?? "(cluster)"}\t${o.apiVersion}/${o.kind}/${meta(o).name}`;
const split = (key: string) => {
  const [namespace, id] = key.split("\t");
  return { namespace, id };
};

/** The paths at which `a` and `b` differ (leaves, or the whole subtree where its type changes). */
export function changedPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isPlainObject(a) && isPlainObject(b);
  if (bothArrays) {
    const n = Math.max(a.length, b.length);
    return Array.from({ length: n }, (_, i) => changedPaths(a[i], b[i], `${at}[${i}]`)).flat();
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return [at || "(root)"];
}

const isPlainObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export function diffRenders(base: Map<string, Obj>, head: Map<string, Obj>): RenderDiff {
  const diff: RenderDiff = { added: [], removed: [], changed: [] };
  for (const [key, o] of head) {
    const before = base.get(key);
    if (!before) diff.added.push(split(key));
    else {
      const fields = changedPaths(before, o);
      if (fields.length) diff.changed.push({ ...split(key), fields });
    }
  }
  for (const key of base.keys()) if (!head.has(key)) diff.removed.push(split(key));
  return diff;
}

/** At most this many changed fields per object, then a count (a chart bump can touch hundreds). */
const FIELDS_SHOWN = 12;

export function diffMarkdown(stack: string, diff: RenderDiff): string {
  const total = diff.added.length + diff.removed.length + diff.changed.length;
  const lines = [
    `### ${stack}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
  ];
  if (total === 0) return [...lines, "", "No object changes."].join("\n");
  const namespaces = [...new Set([...diff.added, ...diff.removed, ...diff.changed].map((c) => c.namespace))].sort();
  for (const ns of namespaces) {
    lines.push("", `#### ${ns}`, "", "| change | object | fields |", "| --- | --- | --- |");
    for (const a of diff.added.filter((c) => c.namespace === ns)) lines.push(`| added | \`${a.id}\` | |`);
    for (const r of diff.removed.filter((c) => c.namespace === ns)) lines.push(`| removed | \`${r.id}\` | |`);
    for (const c of diff.changed.filter((x) => x.namespace === ns)) {
      const shown = c.fields.slice(0, FIELDS_SHOWN).map((f) => `\`${f}\``);
      if (c.fields.length > FIELDS_SHOWN) shown.push(`and ${c.fields.length - FIELDS_SHOWN} more`);
      lines.push(`| changed | \`${c.id}\` | ${shown.join(", ")} |`);
    }
  }
  return lines.join("\n");
}

if (require.main === module) {
  const [baseDir, headDir, stack] = process.argv.slice(2);
  if (!baseDir || !headDir) {
    console.error("usage: npm run render:diff -- <base render dir> <head render dir> [stack name]");
    process.exit(2);
  }
  const diff = diffRenders(readRender(baseDir), readRender(headDir));
  console.log(diffMarkdown(stack ?? path.basename(headDir), diff));
}
