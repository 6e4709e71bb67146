/** Every rule of the pack, grouped by concern (one file each beside this one). */
import { AVAILABILITY_RULES } from "./availability";
import { CLOUD_RULES } from "./clouds";
import { DATA_RULES } from "./data";
import { NETWORK_RULES } from "./network";
import { Resource, Rule, Stack, Violation } from "./types";
import { WORKLOAD_RULES } from "./workloads";

export const RULES: Rule[] = [
  ...WORKLOAD_RULES,
  ...AVAILABILITY_RULES,
  ...NETWORK_RULES,
  ...DATA_RULES,
  ...CLOUD_RULES,
];

export interface Finding extends Violation {
  rule: string;
  enforcementLevel: Rule["enforcementLevel"];
  severity: Rule["severity"];
}

/** Every rule over one stack's resources. */
export function evaluate(resources: Resource[], rules: Rule[] = RULES): Finding[] {
  const stack = new Stack(resources);
  return rules.flatMap((r) =>
    r.check(stack).map((v) => ({ ...v, rule: r.name, enforcementLevel: r.enforcementLevel, severity: r.severity })),
  );
}
