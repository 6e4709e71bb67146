/**
 * Applies everything a stack deploys to a real API server, the way the provider does: server-side
 * apply (`application/apply-patch+yaml`) with strict field validation. CRDs first (and waited for),
 * then the namespaces, then the rest as a server-side dry run, so admission runs in full (schema,
 * strict fields, Pod Security on the workloads' templates, quota and LimitRange) without controllers
 * acting on it. Every error and every `Warning` header the API server returns is collected, naming
 * the object. Requests go straight to the API server (one TLS connection, kept alive).
 *
 * Left out, and said so: admission webhook configurations and APIServices (their backends are
 * operator pods, which do not run here: registering them would make the API server call nothing).
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { placeholderName } from "../../scripts/render";
import type { ControlPlane } from "../../scripts/cluster/control-plane";
import type { DeployedObject } from "../harness/charts";
import type { K8sObject } from "../harness/query";

/** Kinds not applied, with the reason (reported with the result). */
export const NOT_APPLIED: Record<string, string> = {
  ValidatingWebhookConfiguration: "its webhook server is an operator pod, which does not run here",
  MutatingWebhookConfiguration: "its webhook server is an operator pod, which does not run here",
  APIService: "its backend is an operator pod, which does not run here",
};

export interface ApplyResult {
  applied: number;
  skipped: Record<string, number>;
  /** `Kind namespace/name: message` for every error. */
  errors: string[];
  /** `Kind namespace/name: warning` for every warning. */
  warnings: string[];
}

const idOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** A small client for one control plane: admin certificate, kept-alive connection. */
export class ApiClient {
  private readonly agent: https.Agent;
  private readonly base: URL;
  private readonly resources = new Map<string, { plural: string; namespaced: boolean } | null>();

  constructor(cp: ControlPlane) {
    this.base = new URL(cp.server);
    this.agent = new https.Agent({
      keepAlive: true,
      ca: fs.readFileSync(path.join(cp.dir, "ca.crt")),
      cert: fs.readFileSync(path.join(cp.dir, "admin.crt")),
      key: fs.readFileSync(path.join(cp.dir, "admin.key")),
    });
  }

  close() {
    this.agent.destroy();
  }

  request(method: string, pathname: string, body?: string, contentType = "application/json") {
    return new Promise<{ status: number; body: string; warnings: string[] }>((resolve, reject) => {
      const req = https.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          path: pathname,
          method,
          agent: this.agent,
          headers: body ? { "content-type": contentType } : {},
        },
        (res) => {
          let data = "";
          res.on("data", (c) => (data += c));
          res.on("end", () => {
            const w = res.headers.warning;
            const warnings = (Array.isArray(w) ? w : w ? [w] : []).map((x) =>
              x.replace(/^299 - "?|"$/g, "").replace(/\\"/g, '"'),
            );
            resolve({ status: res.statusCode ?? 0, body: data, warnings });
          });
        },
      );
      req.on("error", reject);
      if (body) req.write(body);
      req.end();
    });
  }

  /** GET a path as JSON; throws on an error status. */
  async get<T = unknown>(pathname: string): Promise<T> {
    const r = await this.request("GET", pathname);
    if (r.status !== 200) throw new Error(`GET ${pathname}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as T;
  }

  /** Sends a JSON body (POST, PUT, PATCH as merge patch) or a DELETE; throws on an error status. */
  async send(method: "POST" | "PATCH" | "DELETE", pathname: string, body?: unknown): Promise<void> {
    const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    const r = await this.request(method, pathname, body === undefined ? undefined : JSON.stringify(body), contentType);
    if (r.status >= 300) throw new Error(`${method} ${pathname}: ${r.status} ${r.body.slice(0, 300)}`);
  }

  /** The REST resource of a kind (its plural and scope), from discovery; null when the server lacks it. */
  async resourceOf(apiVersion: string, kind: string, fresh = false) {
    const key = `${apiVersion}/${kind}`;
    if (!fresh && this.resources.has(key)) return this.resources.get(key)!;
    const prefix = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const r = await this.request("GET", prefix);
    const found =
      r.status === 200
        ? ((JSON.parse(r.body).resources ?? []) as { name: string; kind: string; namespaced: boolean }[]).find(
            (x) => x.kind === kind && !x.name.includes("/"),
          )
        : undefined;
    const value = found ? { plural: found.name, namespaced: found.namespaced } : null;
    this.resources.set(key, value);
    return value;
  }

  /** Server-side apply of one object; resolves to the API server's errors and warnings for it. */
  async apply(o: K8sObject, dryRun: boolean): Promise<{ error?: string; warnings: string[] }> {
    let res = await this.resourceOf(o.apiVersion, o.kind);
    if (!res) res = await this.resourceOf(o.apiVersion, o.kind, true); // a CRD applied just now
    if (!res) return { error: `the API server does not serve ${o.apiVersion} ${o.kind}`, warnings: [] };
    const prefix = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
    const ns = res.namespaced ? `/namespaces/${o.metadata.namespace ?? "default"}` : "";
    const query = `fieldManager=pulumi-kubernetes&force=true&fieldValidation=Strict${dryRun ? "&dryRun=All" : ""}`;
    const url = `${prefix}${ns}/${res.plural}/${encodeURIComponent(o.metadata.name ?? "")}?${query}`;
    const r = await this.request("PATCH", url, JSON.stringify(o), "application/apply-patch+yaml");
    if (r.status >= 200 && r.status < 300) return { warnings: r.warnings };
    let message = r.body;
    try {
      message = (JSON.parse(r.body) as { message?: string }).message ?? r.body;
    } catch {
      // not a Status object
    }
    return { error: `${r.status}: ${message}`, warnings: r.warnings };
  }
}

/** The object as the provider sends it: a name where Pulumi would generate one. */
function applicable(d: DeployedObject): K8sObject {
  const o = structuredClone(d.object);
  if (!o.metadata.name) o.metadata = { ...o.metadata, name: placeholderName(d.source.resource.name) };
  return o;
}

/** Waits until every CRD is Established (the API server serves its kind). */
async function crdsEstablished(client: ApiClient, names: string[], seconds = 60): Promise<string[]> {
  const until = Date.now() + seconds * 1000;
  let pending = names;
  while (pending.length > 0 && Date.now() < until) {
    const next: string[] = [];
    for (const n of pending) {
      const r = await client.request("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`);
      const conditions =
        r.status === 200 ? ((JSON.parse(r.body).status?.conditions ?? []) as { type: string; status: string }[]) : [];
      if (!conditions.some((c) => c.type === "Established" && c.status === "True")) next.push(n);
    }
    pending = next;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return pending;
}

/**
 * Applies a stack's objects to the control plane: CRDs and namespaces for real, the rest as a dry run,
 * or (`dryRun: false`) for real too, so that the controllers, the scheduler and KWOK act on them.
 */
export async function applyStack(
  cp: ControlPlane,
  deployed: DeployedObject[],
  { dryRun = true } = {},
): Promise<ApplyResult> {
  const client = new ApiClient(cp);
  const result: ApplyResult = { applied: 0, skipped: {}, errors: [], warnings: [] };
  const record = async (o: K8sObject, dryRun: boolean) => {
    const r = await client.apply(o, dryRun);
    for (const w of r.warnings) result.warnings.push(`${idOf(o)}: ${w}`);
    if (r.error) result.errors.push(`${idOf(o)}: ${r.error}`);
    else result.applied++;
  };
  try {
    const objects = deployed.map(applicable);
    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    for (const crd of crds) await record(crd, false);
    const pending = await crdsEstablished(
      client,
      crds.map((c) => c.metadata.name ?? ""),
    );
    for (const n of pending) result.errors.push(`CustomResourceDefinition ${n}: not Established within 60 s`);
    for (const ns of objects.filter((o) => o.kind === "Namespace")) await record(ns, false);
    for (const o of objects) {
      if (o.kind === "CustomResourceDefinition" || o.kind === "Namespace") continue;
      if (NOT_APPLIED[o.kind]) {
        result.skipped[o.kind] = (result.skipped[o.kind] ?? 0) + 1;
        continue;
      }
      await record(o, dryRun);
    }
  } finally {
    client.close();
  }
  return result;
}
