/**
 * Validates custom resources against the OpenAPI schema of their published CRD, read at test time
 * from `DP_CRDS_DIR` (default `../shared/crds`, beside the project). As a real API server prunes
 * unknown fields, an unknown field is an error here unless the schema preserves unknown fields.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import YAML from "yaml";
import type { K8sObject } from "./query";

export const CRDS_DIR = path.resolve(process.env.DP_CRDS_DIR ?? path.resolve(__dirname, "../../../shared/crds"));

/** Why CRD checks cannot run, or undefined when they can. Tests skip with this reason, visibly. */
export function crdsUnavailable(): string | undefined {
  return fs.existsSync(CRDS_DIR)
    ? undefined
    : `no CRD directory at ${CRDS_DIR}; set DP_CRDS_DIR to a directory of the pinned CRDs (see README)`;
}

type Schema = Record<string, unknown>;
interface CrdVersion {
  name: string;
  schema?: { openAPIV3Schema?: Schema };
}
interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

let index: Map<string, Schema> | undefined;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

function indexCrd(into: Map<string, Schema>, crd: Crd) {
  for (const v of crd.spec.versions) {
    const schema = v.schema?.openAPIV3Schema;
    if (schema) into.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, schema);
  }
}

/** `group/version/Kind` -> openAPIV3Schema, for every CRD file in the directory. */
function crdIndex(): Map<string, Schema> {
  if (index) return index;
  index = new Map();
  for (const file of walk(CRDS_DIR)) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      const crd = doc.toJS() as Crd | null;
      if (crd?.kind === "CustomResourceDefinition") indexCrd(index, crd);
    }
  }
  return index;
}

/**
 * Adds the CRDs a chart or manifest installs itself, for the kinds the CRD directory lacks (the
 * directory's copy wins where both have one: it is the published one the tests pin).
 */
export function addInstalledCrds(objects: K8sObject[]) {
  const known = crdIndex();
  const extra = new Map<string, Schema>();
  for (const o of objects) if (o.kind === "CustomResourceDefinition") indexCrd(extra, o as unknown as Crd);
  for (const [k, v] of extra) if (!known.has(k)) known.set(k, v);
}

/**
 * CRD patterns are Go regular expressions. Go's inline case-insensitive flag `(?i)` has no JavaScript
 * equivalent inside a pattern: spell each letter as a two-case class instead (only for patterns without
 * character classes, where that rewrite is exact; others are dropped rather than mis-checked).
 */
export function goPatternToJs(pattern: string): string | undefined {
  if (!pattern.includes("(?i)")) return pattern;
  const rest = pattern.replace("(?i)", "");
  if (rest.includes("[") || rest.includes("\\")) return undefined;
  return rest.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** Copies a structural schema, closing every object that lists its properties to unknown fields. */
export function strictSchema(schema: Schema): Schema {
  const s: Schema = { ...schema };
  if (typeof s.pattern === "string") {
    const js = goPatternToJs(s.pattern);
    if (js === undefined) delete s.pattern;
    else s.pattern = js;
  }
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  if (s.properties && typeof s.properties === "object") {
    s.properties = Object.fromEntries(
      Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, strictSchema(v)]),
    );
    if (s.additionalProperties === undefined && !preserve) s.additionalProperties = false;
  }
  if (s.items && typeof s.items === "object") s.items = strictSchema(s.items as Schema);
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    s.additionalProperties = strictSchema(s.additionalProperties as Schema);
  }
  // allOf/anyOf/oneOf branches are left as they are: in a structural schema they only constrain
  // values, and closing their property lists would reject fields the main schema allows.
  return s;
}

// CRD patterns are Go regular expressions; some escape characters the JavaScript `u` flag rejects.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
addFormats(ajv);
for (const f of ["int32", "int64", "float", "double", "byte", "quantity", "duration", "int-or-string"]) {
  if (!ajv.formats[f]) ajv.addFormat(f, true);
}
const compiled = new Map<string, ValidateFunction>();

/** `apps.example.com/v1` -> group and version. */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Schema errors of a custom resource (empty when valid). A kind with no CRD in the directory is an error. */
export function crdSchemaErrors(obj: K8sObject): string[] {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const key = `${group}/${version}/${obj.kind}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = crdIndex().get(key);
    if (!schema) return [`no CRD for ${obj.apiVersion} ${obj.kind} in ${CRDS_DIR}`];
    validate = ajv.compile(strictSchema(schema));
    compiled.set(key, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
    return `${e.instancePath || "/"} ${e.message ?? e.keyword}${extra}`;
  });
}
