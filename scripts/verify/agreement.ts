/**
 * Where the model's zone-loss prediction and a real scheduler's drill disagree (tests/cluster): for
 * every workload the drill observed, the model's hard bound on replicas per zone must hold on the
 * placement the scheduler chose, the replicas left at once must be at least what the model
 * guarantees, and the drill's serving verdict (after the controllers reacted) must be the model's.
 */
import { worstPerZone, zoneLoss } from "./placement";
import type { Workload } from "./workloads";

export interface Observed {
  id: string;
  desired: number;
  /** Running pods per zone before the loss. */
  zones: Record<string, number>;
  /** Whether at least one replica ran once the controllers reacted to the loss. */
  servingAfter: boolean;
}

export function disagreements(observed: Observed[], model: Workload[], zones: string[], lost: string): string[] {
  const out: string[] = [];
  for (const o of observed) {
    const w = model.find((m) => m.id === o.id && !m.daemon && !m.datastore);
    if (!w || o.desired === 0) continue;
    const bound = worstPerZone(o.desired, w.placement, zones);
    const fullest = Math.max(0, ...Object.values(o.zones));
    if (fullest > bound) out.push(`${o.id}: ${fullest} replicas in one zone, the model bounds it at ${bound}`);
    const predicted = zoneLoss(o.desired, w.placement, zones, lost);
    const left = Object.entries(o.zones).reduce((a, [z, n]) => a + (z === lost ? 0 : n), 0);
    if (left < predicted.guaranteed)
      out.push(`${o.id}: ${left} replicas left at once in the drill, the model guarantees ${predicted.guaranteed}`);
    if (o.servingAfter !== predicted.recovered >= 1)
      out.push(
        `${o.id}: the drill says ${o.servingAfter ? "serving" : "down"}, the model ${predicted.recovered >= 1 ? "serving" : "down"}`,
      );
  }
  return out;
}
