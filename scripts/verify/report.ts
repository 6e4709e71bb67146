/** `npm run verify`'s Markdown report of one stack's model (model.ts). */
import { gib, Resources } from "./capacity";
import type { Verification } from "./model";

const usd = (v?: number) => (v === undefined ? "n/a" : `$${Math.round(v).toLocaleString("en-US")}`);
const res = (r: Resources) => `${Math.round(r.cpu * 10) / 10} cpu / ${gib(r.memory)}`;
const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : "-");
const table = (head: string[], rows: string[][]) => [
  `| ${head.join(" | ")} |`,
  `| ${head.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
];

export function reportMarkdown(v: Verification, picture?: string): string[] {
  const lines = [
    `## ${v.stack} (${v.cloud}, ${v.environment}, zones ${v.zones.join(", ")})`,
    "",
    v.failures.length === 0
      ? "**Verdict: passes.** Every zone can be lost with the platform still serving, every datastore keeps its quorum without losing acknowledged writes (or says it accepts that), and the pools' maximum holds every autoscaler's maximum."
      : `**Verdict: ${v.fewerZones ? "reported (the stack opted into fewer zones)" : "fails"}**, ${v.failures.length} reasons:`,
    ...v.failures.map((f) => `- ${f}`),
    ...(picture ? ["", `![${v.stack}](${picture})`] : []),
    "",
    "### Zone loss: workloads",
    "",
    "Replicas at rest; after losing each zone, those guaranteed by the hard placement rules, those an even spread leaves, and whether it serves at once, recovers in the other zones, or is down.",
    "",
  ];
  const ids = v.zoneLoss[0]?.workloads.map((w) => w.id) ?? [];
  lines.push(
    ...table(
      ["workload", "at rest", ...v.zoneLoss.map((z) => `lose ${z.zone}`)],
      ids.map((id) => {
        const cells = v.zoneLoss.map((z) => {
          const w = z.workloads.find((x) => x.id === id)!;
          return `${w.guaranteed} (likely ${w.likely}) ${w.status === "serves" ? "serves" : w.status === "recovers" ? "recovers" : "**down**"}`;
        });
        const w = v.zoneLoss[0].workloads.find((x) => x.id === id)!;
        return [`\`${id}\`${w.requestPath ? " (request path)" : ""}`, String(w.replicas), ...cells];
      }),
    ),
    "",
    "### Zone loss: datastores",
    "",
  );
  const stores = v.zoneLoss[0]?.datastores ?? [];
  lines.push(
    ...table(
      ["datastore", "members", "writes after losing any zone", "acknowledged writes", "rule (worst zone)"],
      stores.map((d, i) => {
        const all = v.zoneLoss.map((z) => z.datastores[i]);
        const worst = all.find((x) => !x.writes || !x.ackedWritesSafe) ?? all[0];
        return [
          `\`${d.object}\` ${d.store}`,
          String(d.members),
          all.every((x) => x.writes) ? "yes" : `**no** (${all.filter((x) => !x.writes).length} zones)`,
          all.every((x) => x.ackedWritesSafe)
            ? "safe"
            : d.accepted
              ? `may be lost (accepted: ${d.accepted})`
              : "**may be lost**",
          worst.rule,
        ];
      }),
    ),
    "",
    "### Capacity per zone",
    "",
  );
  if (!v.capacity.known)
    lines.push(`Not checked: pools ${v.capacity.unknownPools.join(", ")} have no known allocatable.`, "");
  else {
    lines.push(
      ...table(
        ["zone", "at rest", "pools at minimum", "at every maximum", "pools at maximum", "use of the maximum"],
        v.capacity.zones.map((c) => [
          c.zone,
          res(c.demandMin),
          res(c.capacityMin),
          res(c.demandMax),
          res(c.capacityMax),
          `${pct(c.demandMax.cpu, c.capacityMax.cpu)} cpu, ${pct(c.demandMax.memory, c.capacityMax.memory)} memory`,
        ]),
      ),
      "",
      ...table(
        ["zone lost", "the rest at rest needs", "the other zones hold at most", "share of the maximum they hold"],
        v.capacity.oneZoneLost.map((l) => [
          l.lost,
          res(l.demandMin),
          res(l.capacityMax),
          `${Math.round(l.shareOfMax * 100)}%`,
        ]),
      ),
      "",
    );
  }
  lines.push("### Cost per month", "");
  lines.push(
    ...table(
      ["pool", "machine type", "nodes (min-max)", "at minimum", "at maximum"],
      [
        ...v.cost.pools.map((p) => [
          p.pool,
          p.machineType ?? "-",
          `${p.nodesMin}-${p.nodesMax}`,
          usd(p.monthlyMin),
          usd(p.monthlyMax),
        ]),
        ...(v.cost.controlPlaneMonthly
          ? [["control plane", "-", "-", usd(v.cost.controlPlaneMonthly), usd(v.cost.controlPlaneMonthly)]]
          : []),
        ["**total**", "", "", usd(v.cost.monthlyMin), usd(v.cost.monthlyMax)],
      ],
    ),
    "",
    `Prices: ${v.cost.source}.${v.cost.note ? ` ${v.cost.note}.` : ""}`,
  );
  if (v.notes.length) lines.push("", "Notes:", ...v.notes.map((n) => `- ${n}`));
  return lines;
}
