/**
 * The peer scanners over what the offline render writes: `npm run scan -- <render dir>...` runs
 * Trivy (`trivy config`, offline, its embedded checks), checkov (`--framework kubernetes`) and
 * kube-score over every YAML file, names each finding by its object (`Kind namespace/name`), and
 * applies `scanners-skip.yaml`: each entry names a scanner, a check id, the objects it applies to
 * (`*` matches within a name) and why it does not apply. Exits 1 while a gated finding is neither
 * fixed nor skipped, or a skip entry matches nothing (the finding it covered is gone: delete it).
 *
 * Gated: Trivy's CRITICAL and HIGH, kube-score's CRITICAL, and every failed checkov check (checkov
 * gives no severity without a Prisma Cloud key, so none is taken as low). Medium and lower are
 * counted. The scanners come from scripts/setup-tools.sh (Trivy and kube-score from the Go module
 * proxy, checkov from PyPI); a missing one is an error here, not a skip.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Finding {
  scanner: "trivy" | "checkov" | "kube-score";
  id: string;
  severity: string;
  object: string;
  title: string;
  gated: boolean;
}

export interface SkipEntry {
  scanner: Finding["scanner"];
  id: string;
  objects: string[];
  reason: string;
}

export const SKIP_FILE = path.resolve(__dirname, "../scanners-skip.yaml");

/** `*` matches any run of characters within an object name. */
const pattern = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

export const objectName = (o: Any) =>
  `${o?.kind ?? "?"} ${o?.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o?.metadata?.name ?? "?"}`;

/** The YAML files of a render directory, relative to it. */
const yamlFiles = (dir: string) =>
  fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml"));

/** The YAML files of a render directory, each with its documents' objects and first lines. */
function documents(dir: string): { file: string; docs: { line: number; object: Any }[] }[] {
  return yamlFiles(dir).map((f) => {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    const docs: { line: number; object: Any }[] = [];
    let line = 1;
    for (const part of text.split(/^---\n/m)) {
      docs.push({ line, object: YAML.parse(part) });
      // The part's lines, and the `---` line after it.
      line += part.split("\n").length;
    }
    return { file: f, docs };
  });
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (bash scripts/setup-tools.sh installs it)`);
  return r.stdout;
}

export function trivy(dir: string): Finding[] {
  const cache = path.join(os.tmpdir(), "dp-trivy-cache");
  const out = JSON.parse(
    run("trivy", ["config", "--skip-check-update", "--quiet", "--format", "json", "--cache-dir", cache, dir]) || "{}",
  );
  const files = new Map(documents(dir).map((d) => [d.file, d.docs]));
  const findings: Finding[] = [];
  for (const r of out.Results ?? [])
    for (const m of r.Misconfigurations ?? []) {
      const docs = files.get(r.Target) ?? [];
      // Trivy's messages name the object ("Container 'c' of Deployment 'x' ..."); its line numbers
      // drift from the file's on long files, so they are only the fallback.
      const message = String(m.Message ?? "");
      const named =
        /\b([A-Z][A-Za-z]+) '([^']+)' (?:should|shouldn't|has|is|does|uses|mounts)/.exec(message) ??
        /^([a-z]+) (\S+) in \S+ namespace/.exec(message);
      const start = m.CauseMetadata?.StartLine ?? 1;
      const doc =
        (named &&
          docs.find(
            (d) => d.object?.kind?.toLowerCase() === named[1].toLowerCase() && d.object?.metadata?.name === named[2],
          )) ||
        [...docs].reverse().find((d) => d.line <= start);
      findings.push({
        scanner: "trivy",
        id: m.ID,
        severity: m.Severity,
        object: objectName(doc?.object),
        title: m.Title,
        gated: m.Severity === "CRITICAL" || m.Severity === "HIGH",
      });
    }
  return findings;
}

export function checkov(dir: string): Finding[] {
  const text = run("checkov", [
    "-d",
    dir,
    "--framework",
    "kubernetes",
    "--output",
    "json",
    "--quiet",
    "--compact",
    "--skip-download",
  ]);
  const reports = [JSON.parse(text || "[]")].flat();
  return reports.flatMap((rep: Any) =>
    (rep.results?.failed_checks ?? []).map((f: Any) => {
      const [kind, ns, ...name] = String(f.resource).split(".");
      // checkov names a resource Kind.namespace.name; cluster-scoped ones Kind.default.name.
      const object = ns && ns !== "default" ? `${kind} ${ns}/${name.join(".")}` : `${kind} ${name.join(".")}`;
      return {
        scanner: "checkov",
        id: f.check_id,
        severity: f.severity ?? "unrated",
        object,
        title: f.check_name,
        gated: true,
      } as Finding;
    }),
  );
}

export function kubeScore(dir: string): Finding[] {
  // kube-score reads the files itself: only their names are needed here.
  const files = yamlFiles(dir).map((f) => path.join(dir, f));
  const out = JSON.parse(run("kube-score", ["score", "--output-format", "json", ...files]) || "[]");
  const findings: Finding[] = [];
  for (const o of out)
    for (const c of o.checks ?? []) {
      if (c.skipped || (c.grade !== 1 && c.grade !== 5)) continue;
      findings.push({
        scanner: "kube-score",
        id: c.check.id,
        severity: c.grade === 1 ? "CRITICAL" : "WARNING",
        object: objectName({ kind: o.type_meta?.kind, metadata: o.object_meta }),
        title: c.check.name,
        gated: c.grade === 1,
      });
    }
  return findings;
}

export function readSkips(file = SKIP_FILE): SkipEntry[] {
  const entries = (YAML.parse(fs.readFileSync(file, "utf8")) ?? []) as SkipEntry[];
  for (const e of entries)
    if (!e.scanner || !e.id || !e.objects?.length || !e.reason?.trim())
      throw new Error(
        `${path.basename(file)}: every entry needs scanner, id, objects and reason: ${JSON.stringify(e)}`,
      );
  return entries;
}

export const skips = (f: Finding, entries: SkipEntry[]) =>
  entries.find((e) => e.scanner === f.scanner && e.id === f.id && e.objects.some((o) => pattern(o).test(f.object)));

export interface Gate {
  open: Finding[];
  skipped: number;
  unusedSkips: SkipEntry[];
}

export function gate(findings: Finding[], entries: SkipEntry[]): Gate {
  // Each gated finding with the entry that skips it, matched once.
  const matched = findings.filter((f) => f.gated).map((f) => ({ f, entry: skips(f, entries) }));
  const open = matched.filter((m) => !m.entry).map((m) => m.f);
  const used = new Set(matched.map((m) => m.entry));
  return { open, skipped: matched.length - open.length, unusedSkips: entries.filter((e) => !used.has(e)) };
}

function main() {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error("usage: npm run scan -- <render dir>...");
    process.exit(2);
  }
  const all: Finding[] = [];
  for (const dir of dirs) {
    for (const [name, scan] of [
      ["trivy", trivy],
      ["checkov", checkov],
      ["kube-score", kubeScore],
    ] as const) {
      const started = Date.now();
      const found = scan(dir);
      console.error(`scan: ${dir}: ${name}: ${found.length} findings (${Math.round((Date.now() - started) / 1000)} s)`);
      all.push(...found);
    }
  }
  const entries = readSkips();
  const g = gate(all, entries);
  const count = (s: string, sev: string) => all.filter((f) => f.scanner === s && f.severity === sev).length;
  for (const s of ["trivy", "checkov", "kube-score"]) {
    const sevs = [...new Set(all.filter((f) => f.scanner === s).map((f) => f.severity))].sort();
    const open = g.open.filter((f) => f.scanner === s).length;
    console.log(
      `${s}: ${sevs.map((v) => `${count(s, v)} ${v.toLowerCase()}`).join(", ") || "no findings"}; ${open} gated open`,
    );
  }
  console.log(`skip file: ${entries.length} entries, ${g.skipped} gated findings skipped`);
  for (const e of g.unusedSkips)
    console.log(`unused skip entry (the finding is gone: delete it): ${e.scanner} ${e.id} ${e.objects.join(", ")}`);
  const open = [...new Set(g.open.map((f) => `${f.scanner} ${f.severity} ${f.id} ${f.object}: ${f.title}`))].sort();
  for (const o of open) console.log(`open: ${o}`);
  const ok = open.length === 0 && g.unusedSkips.length === 0;
  console.log(
    ok
      ? "scan: 0 open critical or high findings"
      : `scan: ${open.length} open findings, ${g.unusedSkips.length} unused skips`,
  );
  process.exit(ok ? 0 : 1);
}

if (require.main === module) main();
