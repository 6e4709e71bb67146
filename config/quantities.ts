import { z } from "zod";

/** A Kubernetes resource quantity such as `500m`, `2`, `512Mi` or `10Gi`. */
export const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/, {
  message: "expected a Kubernetes quantity such as 500m, 2, 512Mi or 10Gi",
});

const MEMORY_FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  m: 1e-3,
};

/** Converts a quantity to its base unit (cores for CPU, bytes for memory); throws on a malformed one. */
export function quantityToNumber(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${q}`);
  return Number(m[1]) * MEMORY_FACTORS[m[2] ?? ""];
}
