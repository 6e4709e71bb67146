/**
 * The install and upgrade sequence, read from the real dependency graph of a captured run: every
 * resource's dependencies (explicit `dependsOn` and those implied by its inputs, which the engine
 * waits for alike) and its provider, gathered per unit (the cloud target, and each component of the
 * platform's layers), reduced to the edges that are not implied by others.
 */
import type { CapturedResource, StackRun } from "../../tests/harness/run-stack";
import { providerUrn } from "../../tests/harness/query";

export interface Unit {
  urn: string;
  name: string;
  type: string;
  /** The layer it belongs to (`cloud`, `data`, `gateway`, `services`, `observability`, `platform`). */
  layer: string;
}

export interface SequenceModel {
  units: Unit[];
  /** `[before, after]` pairs of unit URNs: `after` waits for `before`. */
  edges: [string, string][];
}

const isComponent = (r: CapturedResource) => !r.custom;

export function sequenceModel(run: StackRun): SequenceModel {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const depth = (r: CapturedResource): number =>
    r.parent && byUrn.has(r.parent) ? 1 + depth(byUrn.get(r.parent)!) : 0;
  // A unit is a top-level component other than the Platform (the cloud target), or a component two
  // levels under the Platform (a layer's part: Operators, Postgres, Kong...). Resources directly in a
  // layer (KEDA, the Prometheus stack) belong to the layer's own unit.
  const unitOf = new Map<string, string>();
  const find = (r: CapturedResource): string => {
    const cached = unitOf.get(r.urn);
    if (cached) return cached;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    let u: string;
    if (!parent) u = r.urn;
    else if (isComponent(r) && parent.type === "dedicated-platform:platform:Platform") u = r.urn;
    else if (isComponent(r) && depth(r) === 2) u = r.urn;
    else if (parent.type === "dedicated-platform:platform:Platform" && !isComponent(r)) u = parent.urn;
    else u = find(parent);
    unitOf.set(r.urn, u);
    return u;
  };
  for (const r of run.resources) find(r);
  const unitUrns = [...new Set(unitOf.values())].filter(
    (u) => byUrn.get(u)?.type !== "dedicated-platform:platform:Platform",
  );
  // A layer that holds only components (the data layer) is not a unit of its own.
  const direct = new Set(run.resources.filter((r) => !isComponent(r)).map((r) => unitOf.get(r.urn)));
  const units = unitUrns
    .filter((u) => direct.has(u))
    .map((u) => {
      const r = byUrn.get(u)!;
      const [, module] = r.type.split(":");
      return { urn: u, name: r.name, type: r.type, layer: r.parent ? module : "cloud" };
    });
  const known = new Set(units.map((u) => u.urn));

  const after = new Map<string, Set<string>>(units.map((u) => [u.urn, new Set<string>()]));
  for (const r of run.resources) {
    const b = unitOf.get(r.urn)!;
    if (!known.has(b)) continue;
    const deps = [...r.dependsOn, ...(r.provider ? [providerUrn(r.provider)] : [])];
    for (const d of deps) {
      const a = unitOf.get(d);
      if (a && a !== b && known.has(a)) after.get(a)!.add(b);
    }
  }
  return { units, edges: transitiveReduction(after) };
}

/** The edges of a DAG that no longer path implies. */
function transitiveReduction(after: Map<string, Set<string>>): [string, string][] {
  const reach = new Map<string, Set<string>>();
  const reachable = (u: string, seen = new Set<string>()): Set<string> => {
    const cached = reach.get(u);
    if (cached) return cached;
    if (seen.has(u)) return new Set(); // a cycle cannot be installed; shown unreduced
    seen.add(u);
    const out = new Set<string>();
    for (const v of after.get(u) ?? []) {
      out.add(v);
      for (const w of reachable(v, seen)) out.add(w);
    }
    reach.set(u, out);
    return out;
  };
  const edges: [string, string][] = [];
  for (const [u, vs] of after) {
    for (const v of vs) {
      const implied = [...vs].some((w) => w !== v && reachable(w).has(v));
      if (!implied) edges.push([u, v]);
    }
  }
  return edges.sort((x, y) => `${x[0]} ${x[1]}`.localeCompare(`${y[0]} ${y[1]}`));
}
