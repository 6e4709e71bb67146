/**
 * The rules (rules/) as Pulumi stack policies: the engine hands every resource of the preview, with
 * its inputs and options; each rule sees them in its own shape (rules/types.ts). Secret inputs reach a
 * policy unwrapped, behind a proxy that keeps them marked: their paths are read from the proxy's
 * target, so a rule can tell a Pulumi secret from a plain value.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Resource, Rule, Stack } from "./rules/types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** The proxy's raw target (`@pulumi/policy`'s proxy.ts names this property). */
const TARGET = "__getSpecialProxyTarget";

/** Paths of the values @pulumi/policy holds as secrets (instances of its Secret class, with `.value`). */
export function secretPaths(props: Any): Set<string> {
  const out = new Set<string>();
  const walk = (v: Any, at: string) => {
    const raw = v !== null && typeof v === "object" ? (v[TARGET] ?? v) : v;
    if (raw === null || typeof raw !== "object") return;
    if (raw.constructor?.name === "Secret" && "value" in raw) {
      out.add(at);
      return;
    }
    for (const [k, x] of Object.entries(raw)) walk(x, Array.isArray(raw) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
  };
  walk(props, "");
  return out;
}

export function fromEngine(r: PolicyResource): Resource {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    secretPaths: secretPaths(r.props),
    protect: r.opts?.protect ?? false,
    origin: "program",
  };
}

export function toPolicy(rule: Rule): StackValidationPolicy {
  return {
    name: rule.name,
    description: `${rule.description} (${rule.group}, ${rule.severity})`,
    enforcementLevel: rule.enforcementLevel,
    validateStack: (args, reportViolation) => {
      for (const v of rule.check(new Stack(args.resources.map(fromEngine)))) reportViolation(v.message, v.urn);
    },
  };
}
