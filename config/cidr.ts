/** IPv4 CIDR arithmetic for config checks: overlap between ranges. */
import * as ipaddr from "ipaddr.js";

function bounds(cidr: string): [number, number] {
  const [addr, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const start = addr.toByteArray().reduce((acc, b) => acc * 256 + b, 0);
  const size = 2 ** (32 - bits);
  const base = start - (start % size);
  return [base, base + size - 1];
}

/** True where the two ranges share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = bounds(a);
  const [b0, b1] = bounds(b);
  return a0 <= b1 && b0 <= a1;
}

/** Every overlapping pair among named ranges, as `name1 (cidr) overlaps name2 (cidr)`. */
export function overlappingPairs(ranges: Record<string, string>): string[] {
  const entries = Object.entries(ranges);
  const out: string[] = [];
  for (let i = 0; i < entries.length; i++)
    for (let j = i + 1; j < entries.length; j++)
      if (cidrsOverlap(entries[i][1], entries[j][1]))
        out.push(`${entries[i][0]} (${entries[i][1]}) overlaps ${entries[j][0]} (${entries[j][1]})`);
  return out;
}

/** True where `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const [i0, i1] = bounds(inner);
  const [o0, o1] = bounds(outer);
  return i0 >= o0 && i1 <= o1;
}
