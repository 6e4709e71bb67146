/**
 * Checks the values the program passes to a chart against what the chart reads: every key path must
 * exist in the chart's `values.yaml` at the pinned version (subcharts' under their names), except
 * under keys that are free-form by design, listed below with the reason. A chart ignores a key it
 * does not read, so a misspelt or moved value is silently lost; this is where it is caught.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import YAML from "yaml";

type Values = Record<string, unknown>;

/** Per chart: key paths (dot form, `*` for any one key) that are free-form maps, and why. */
export const FREE_FORM: Record<string, { path: string; why: string }[]> = {
  "cluster-autoscaler": [
    { path: "extraArgs", why: "each key is a cluster-autoscaler flag, passed as --<key>=<value>" },
  ],
  fusionauth: [{ path: "kickstart.data", why: "file name -> content of the kickstart ConfigMap" }],
  "kube-prometheus-stack": [
    {
      path: "prometheus.prometheusSpec.*",
      why: "copied into the Prometheus custom resource (checked against its CRD)",
    },
    {
      path: "alertmanager.alertmanagerSpec.*",
      why: "copied into the Alertmanager custom resource (checked against its CRD)",
    },
    { path: "alertmanager.config.*", why: "Alertmanager's own configuration file" },
    { path: "prometheus-node-exporter.*", why: "subchart values beyond those the parent documents" },
  ],
  kong: [
    { path: "env", why: "each key becomes a KONG_<KEY> environment variable of the proxy" },
    {
      path: "proxy.annotations",
      why: "the proxy Service's annotations, copied through a helper (load balancer settings)",
    },
  ],
  "cloudnative-pg": [{ path: "config.data", why: "the operator's ConfigMap, key -> value" }],
};

const extracted = path.join(os.tmpdir(), "dedicated-platform-charts");

/** The chart's directory, unpacked once from its archive into the temp directory. */
export function unpackChart(archive: string): string {
  const dir = path.join(extracted, `${path.basename(archive, ".tgz")}-${fs.statSync(archive).mtimeMs}`);
  if (!fs.existsSync(path.join(dir, ".complete"))) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["-xzf", archive, "-C", dir]);
    fs.writeFileSync(path.join(dir, ".complete"), "");
  }
  const [chart] = fs.readdirSync(dir).filter((e) => !e.startsWith("."));
  return path.join(dir, chart);
}

/** The chart's default values with each subchart's defaults under the subchart's name (or alias). */
export function chartDefaults(chartDir: string): Values {
  const own = (YAML.parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8")) ?? {}) as Values;
  const meta = YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as {
    dependencies?: { name: string; alias?: string }[];
  };
  for (const dep of meta.dependencies ?? []) {
    const sub = path.join(chartDir, "charts", dep.name);
    if (!fs.existsSync(path.join(sub, "values.yaml"))) continue;
    const key = dep.alias ?? dep.name;
    own[key] = { ...chartDefaults(sub), ...((own[key] as Values) ?? {}) };
  }
  return own;
}

const isMap = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

const matches = (pattern: string, at: string) => {
  const p = pattern.split(".");
  const a = at.split(".");
  return p.every((seg, i) => i < a.length && (seg === "*" || seg === a[i])) && a.length >= p.length;
};

/** What a chart's templates read of `.Values`, by name and as whole maps. */
export interface TemplateReads {
  /** Every `.Values.a.b` path a template names. */
  named: Set<string>;
  /** Paths whose whole content a template copies out (`toYaml`, `with`, `tplvalues.render`). */
  whole: Set<string>;
}

/** Scans the chart's templates (and each subchart's, under its name) for the values they read. */
export function templateReads(chartDir: string, prefix = ""): TemplateReads {
  const reads: TemplateReads = { named: new Set(), whole: new Set() };
  const files = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
      : [];
  for (const f of files(path.join(chartDir, "templates"))) {
    const text = fs.readFileSync(f, "utf8");
    // `.Values.a.b`, and the parenthesised form `((.Values.a).b).c` charts use to read optional keys.
    for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)((?:\)+\.[A-Za-z0-9_]+)*)/g)) {
      // Reading `a.b.c` reads `a.b` and `a` too.
      const parts = (m[1] + m[2].replace(/\)/g, "")).replace(/\.$/, "").split(".");
      for (let i = 1; i <= parts.length; i++) reads.named.add(prefix + parts.slice(0, i).join("."));
    }
    for (const m of text.matchAll(/(?:toYaml|with|"value")\s+\(?\s*\.Values\.([A-Za-z0-9_.]+)/g))
      reads.whole.add(prefix + m[1].replace(/\.$/, ""));
    for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)\s*\|\s*toYaml/g)) reads.whole.add(prefix + m[1]);
  }
  const meta = YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as {
    dependencies?: { name: string; alias?: string }[];
  };
  for (const dep of meta.dependencies ?? []) {
    const sub = templateReads(path.join(chartDir, "charts", dep.name), `${prefix}${dep.alias ?? dep.name}.`);
    for (const n of sub.named) reads.named.add(n);
    for (const w of sub.whole) reads.whole.add(w);
  }
  return reads;
}

/**
 * Every key path of `values` the chart does not read: not in its `values.yaml`, not named by a
 * template (charts document some keys only in comments), not inside a map a template copies out
 * whole, and not under a free-form key listed in FREE_FORM.
 */
export function unknownValuePaths(chart: string, values: Values, defaults: Values, reads: TemplateReads): string[] {
  const free = FREE_FORM[chart] ?? [];
  const out: string[] = [];
  const readWhole = (here: string[]) => here.some((_, i) => i > 0 && reads.whole.has(here.slice(0, i).join(".")));
  const walk = (user: Values, def: unknown, at: string[]) => {
    for (const [k, v] of Object.entries(user)) {
      const here = [...at, k];
      const dotted = here.join(".");
      if (free.some((f) => matches(f.path, dotted)) || readWhole(here)) continue;
      if (!isMap(def) || !(k in def)) {
        if (reads.named.has(dotted)) {
          if (isMap(v)) walk(v, undefined, here);
          continue;
        }
        out.push(dotted);
        continue;
      }
      // A list's items, and a scalar's value, are the chart's to interpret: checked in the render.
      if (isMap(v) && isMap(def[k])) walk(v, def[k], here);
      else if (isMap(v) && (def[k] === null || def[k] === undefined))
        out.push(`${dotted} (the chart's default is null)`);
    }
  };
  walk(values, defaults, []);
  return out;
}

/** Errors of the values against the chart's `values.schema.json`, where the chart ships one. */
export function schemaErrors(chartDir: string, values: Values, defaults: Values): string[] {
  const file = path.join(chartDir, "values.schema.json");
  if (!fs.existsSync(file)) return [];
  // Helm validates with its own JSON Schema library whatever `$schema` says; draft-07 semantics here.
  const schema = JSON.parse(fs.readFileSync(file, "utf8")) as Values;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  // Helm validates the merged values (defaults overridden by the user's), as here.
  const merged = deepMerge(defaults, values);
  if (validate(merged)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
}

export function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(base[k]) ? deepMerge(base[k], v) : v;
  return out;
}
