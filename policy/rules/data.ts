/** Data and secrets: what holds data is protected and retained; no credential in plain text. */
import { datastoreOnePerZone } from "./availability";
import { containers, podSpec, WORKLOAD_KINDS } from "./pods";
import { kubeKind, nameOf, Resource, Rule } from "./types";

/** What holds data: the namespaces that say they hold volumes, and every datastore custom resource (Sentinels hold none). */
const holdsData = (r: Resource) =>
  (kubeKind(r.type) === "Namespace" && r.props.metadata?.annotations?.["dedicated-platform/holds-data"] === "true") ||
  (datastoreOnePerZone(r) !== undefined && kubeKind(r.type) !== "RedisSentinel");

export const dataProtected: Rule = {
  name: "data-protected-outside-dev",
  group: "data",
  description:
    "Outside dev, everything that holds data (the data namespaces, every datastore) is protected, so neither `pulumi destroy` nor a replacement caused by a typo can delete it. Keep `dedicated-platform:protectData` on; a stack cannot turn this rule off.",
  severity: "critical",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack.environment === "dev"
      ? []
      : stack.resources
          .filter((r) => r.origin === "program" && holdsData(r) && !r.protect)
          .map((r) => ({
            urn: r.urn,
            message: `${nameOf(r)}: holds data and is not protected (environment ${stack.environment})`,
          })),
};

export const volumesRetained: Rule = {
  name: "volumes-retained-outside-dev",
  group: "data",
  description:
    "Outside dev, the platform's StorageClasses keep a volume when its claim is deleted (`reclaimPolicy: Retain`; `dedicated-platform:storageReclaimPolicy`).",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    stack.environment === "dev"
      ? []
      : stack
          .objects("StorageClass")
          .filter((s) => s.origin === "program" && s.props.reclaimPolicy !== "Retain")
          .map((s) => ({ urn: s.urn, message: `${nameOf(s)}: reclaimPolicy ${s.props.reclaimPolicy ?? "Delete"}` })),
};

/** A key that names a credential (its value would be one), not a reference to one. */
export const SECRET_KEY =
  /(password|passwd|secret|token|api[-_]?key|apikey|credential|private[-_]?key|access[-_]?key)$/i;
const REFERENCE_KEY =
  /(secret(name|ref|keyref)?|existingsecret|secretkey(ref)?|passwordkey|tokenkey|keyname|path|file|enabled|mode|type)$/i;

const looksLikeCredential = (key: string, value: unknown) =>
  typeof value === "string" &&
  value.length > 0 &&
  SECRET_KEY.test(key) &&
  !REFERENCE_KEY.test(key) &&
  !/^\$\(|^\{\{|^\$\{/.test(value);

/** Every leaf of a value with its path, for walking Helm values. */
function leaves(v: unknown, at: string, out: { path: string; key: string; value: unknown }[] = []) {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${at}[${i}]`, out));
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      const p = at ? `${at}.${k}` : k;
      if (x !== null && typeof x === "object") leaves(x, p, out);
      else out.push({ path: p, key: k, value: x });
    }
  return out;
}

export const noPlainSecrets: Rule = {
  name: "no-plain-credentials",
  group: "data",
  description:
    "No credential sits in plain text: not in a ConfigMap, not as an environment literal, not as a Helm value, unless it is a Pulumi secret. Put it in a Secret (generated or from `pulumi config set --secret`) and reference it.",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) => {
    const out: { urn: string; message: string }[] = [];
    for (const cm of stack.objects("ConfigMap"))
      for (const [k, v] of Object.entries(cm.props.data ?? {}))
        if (looksLikeCredential(k, v) && !cm.secretPaths.has(`data.${k}`))
          out.push({ urn: cm.urn, message: `${nameOf(cm)}: data.${k} looks like a credential in plain text` });
    for (const w of stack.objects(...WORKLOAD_KINDS)) {
      const spec = podSpec(w);
      if (!spec) continue;
      for (const { path, c } of containers(spec))
        for (const e of c.env ?? [])
          if (e.value !== undefined && looksLikeCredential(e.name, e.value) && !w.secretPaths.size)
            out.push({
              urn: w.urn,
              message: `${nameOf(w)} ${path}: env ${e.name} is a literal; use valueFrom.secretKeyRef`,
            });
    }
    for (const release of stack.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release"))
      for (const l of leaves(release.props.values ?? {}, "values"))
        if (looksLikeCredential(l.key, l.value) && !release.secretPaths.has(l.path))
          out.push({
            urn: release.urn,
            message: `Helm release ${release.props.name ?? release.name}: ${l.path} is a plain value; make it a Pulumi secret or a Secret reference`,
          });
    return out;
  },
};

export const DATA_RULES = [dataProtected, volumesRetained, noPlainSecrets];
