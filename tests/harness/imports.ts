/**
 * The project's own import graph, read from the source text, and the layering rules it must keep:
 * the kit (`lib/`) sits under both the cloud targets (`providers/`) and the platform (`components/`);
 * the platform reaches a cloud only through the seam (`providers/types.ts`).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");

/** Every relative module a source file imports, resolved to a path from the project root without `.ts`. */
export function relativeImports(file: string, source: string): string[] {
  const specs = [...source.matchAll(/(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^import\s+)"(\.{1,2}\/[^"]+)"/gm)].map(
    (m) => m[1],
  );
  return specs.map((s) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.(ts|js|json)$/, ""),
  );
}

/** What a file may not import, by the folder it is in. */
const RULES: { from: string; forbidden: (target: string) => boolean; why: string }[] = [
  {
    from: "lib/",
    forbidden: (t) => !t.startsWith("lib/"),
    why: "the kit layer imports nothing of the project but itself",
  },
  {
    from: "providers/",
    forbidden: (t) => t.startsWith("components/"),
    why: "a cloud target sits under the platform and may not import it (shared code belongs in lib/)",
  },
  {
    from: "components/",
    forbidden: (t) => t.startsWith("providers/") && t !== "providers/types",
    why: "the platform reaches a cloud only through the seam, providers/types.ts",
  },
];

/** `file imports target: why` for every import that breaks a layering rule. */
export function layerViolations(sources: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, source] of sources) {
    for (const rule of RULES.filter((r) => file.startsWith(r.from))) {
      for (const target of relativeImports(file, source).filter(rule.forbidden)) {
        out.push(`${file} imports ${target}: ${rule.why}`);
      }
    }
  }
  return out;
}

/** Every TypeScript source of the program (not the tests or scripts), by path from the project root. */
export function programSources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts")) out.set(rel, fs.readFileSync(path.join(ROOT, rel), "utf8"));
    }
  };
  for (const dir of ["lib", "config", "providers", "components"]) walk(dir);
  out.set("index.ts", fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"));
  return out;
}
