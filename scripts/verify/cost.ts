/** Monthly node cost of a stack at its pools' minimum and maximum, from the pinned list prices (lib/prices.ts). */
import {
  CONTROL_PLANE_HOURLY_USD,
  HOURS_PER_MONTH,
  NODE_HOURLY_USD,
  PRICES_AS_OF,
  PricedCloud,
  REFERENCE_REGION,
} from "../../lib/prices";
import type { NodePoolInfo } from "../../providers/types";

export interface PoolCost {
  pool: string;
  machineType?: string;
  nodesMin: number;
  nodesMax: number;
  /** USD per month; undefined where the machine type has no pinned price. */
  monthlyMin?: number;
  monthlyMax?: number;
}

export interface StackCost {
  priced: boolean;
  /** Why some or all of it is not priced. */
  note?: string;
  pools: PoolCost[];
  controlPlaneMonthly: number;
  monthlyMin?: number;
  monthlyMax?: number;
  source: string;
}

export function stackCost(cloud: string, pools: NodePoolInfo[], zones: string[]): StackCost {
  const source = `list prices as of ${PRICES_AS_OF}${cloud in REFERENCE_REGION ? `, ${REFERENCE_REGION[cloud as PricedCloud]}` : ""} (lib/prices.ts)`;
  const table = NODE_HOURLY_USD[cloud as PricedCloud];
  const rows: PoolCost[] = pools.map((p) => {
    const zonesOf = p.zones.length || zones.length;
    const hourly = table && p.machineType ? table[p.machineType] : undefined;
    const nodesMin = p.minPerZone * zonesOf;
    const nodesMax = p.maxPerZone * zonesOf;
    return {
      pool: p.name,
      machineType: p.machineType,
      nodesMin,
      nodesMax,
      monthlyMin: hourly === undefined ? undefined : hourly * HOURS_PER_MONTH * nodesMin,
      monthlyMax: hourly === undefined ? undefined : hourly * HOURS_PER_MONTH * nodesMax,
    };
  });
  if (!table) return { priced: false, note: "your own nodes: not priced", pools: rows, controlPlaneMonthly: 0, source };
  const missing = rows
    .filter((r) => r.monthlyMin === undefined)
    .map((r) => `${r.pool} (${r.machineType ?? "no machine type"})`);
  const controlPlaneMonthly = CONTROL_PLANE_HOURLY_USD[cloud as PricedCloud] * HOURS_PER_MONTH;
  const sum = (k: "monthlyMin" | "monthlyMax") => rows.reduce((a, r) => a + (r[k] ?? 0), controlPlaneMonthly);
  return {
    priced: missing.length === 0,
    note: missing.length ? `no pinned price for ${missing.join(", ")}: add it to lib/prices.ts` : undefined,
    pools: rows,
    controlPlaneMonthly,
    monthlyMin: sum("monthlyMin"),
    monthlyMax: sum("monthlyMax"),
    source,
  };
}
