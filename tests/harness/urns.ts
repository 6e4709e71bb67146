/** The URNs of a stack run, recorded per example stack so that moving code can never rename a live resource. */
import * as path from "node:path";
import type { CapturedResource, StackRun } from "./run-stack";

export const URNS_DIR = path.resolve(__dirname, "../urns");

/** `tests/urns/<stack>.txt` for a stack file `Pulumi.<stack>.yaml`. */
export const urnFile = (stackFile: string) =>
  path.join(
    URNS_DIR,
    `${path
      .basename(stackFile)
      .replace(/^Pulumi\./, "")
      .replace(/\.ya?ml$/, "")}.txt`,
  );

/**
 * Every resource's URN as the real engine forms it, sorted. The mock monitor qualifies a type with its
 * parent's type only; the engine qualifies it with every ancestor's (`A$B$C`), so a component moved
 * under another parent changes its descendants' URNs there too. This builds the engine's form from
 * the captured parent chain, so such a move shows here.
 */
export function urnsOf(run: StackRun): string[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  const qualified = new Map<string, string>();
  const qualifiedType = (r: CapturedResource): string => {
    let q = qualified.get(r.urn);
    if (q === undefined) {
      const parent = r.parent ? byUrn.get(r.parent) : undefined;
      // The stack resource is every top-level resource's parent; the engine leaves it out of the type.
      q = parent && parent.type !== "pulumi:pulumi:Stack" ? `${qualifiedType(parent)}$${r.type}` : r.type;
      qualified.set(r.urn, q);
    }
    return q;
  };
  const prefix = (urn: string) => urn.split("::").slice(0, 2).join("::");
  return run.resources.map((r) => `${prefix(r.urn)}::${qualifiedType(r)}::${r.name}`).sort();
}
