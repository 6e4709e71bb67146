/** Graphviz DOT for the two pictures, and SVG through Graphviz compiled to WebAssembly (no system package). */
import type { PlatformModel } from "./model";
import type { SequenceModel } from "./sequence";

/** A DOT string; a newline in the text becomes a line break of the label. */
const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
const FONT = 'fontname="Helvetica"';

const FILL: Record<string, string> = { workload: "#e8f1fb", datastore: "#fdf0dc", release: "#eeeeee" };

export function platformDot(m: PlatformModel): string {
  const lines = [
    "digraph platform {",
    `  graph [${FONT} rankdir=LR compound=true nodesep=0.25 ranksep=1.1 labelloc=t fontsize=18 label=${q(
      `${m.customer}: namespaces, workloads and the flows NetworkPolicies allow (zones: ${m.zones.join(", ")})`,
    )}];`,
    `  node [${FONT} shape=box style="rounded,filled" fontsize=11];`,
    `  edge [${FONT} fontsize=9 color="#5b6b7b"];`,
    `  ${q("lb")} [label=${q("load balancer\n(clients)")} shape=cds fillcolor="#d9f2d9"];`,
  ];
  for (const ns of m.namespaces) {
    if (ns.boxes.length === 0) continue;
    lines.push(`  subgraph ${q(`cluster_${ns.name}`)} {`);
    lines.push(`    ${q(anchor(ns.name))} [shape=point style=invis width=0];`);
    lines.push(
      `    label=${q(`${ns.name}${ns.enforce ? ` (Pod Security: ${ns.enforce})` : ""}`)}; style=rounded; color="#9aa8b5";`,
    );
    for (const b of ns.boxes) {
      const label = [b.title, ...b.detail, ...(b.internalOnly ? ["internal only: no route, no load balancer"] : [])];
      const style = b.internalOnly ? ` color="#b22222" penwidth=2 style="rounded,filled,dashed"` : "";
      lines.push(`    ${q(b.id)} [label=${q(label.join("\n"))} fillcolor=${q(FILL[b.kind])}${style}];`);
    }
    lines.push("  }");
  }
  for (const f of m.entry)
    lines.push(`  ${q("lb")} -> ${q(f.to)} [label=${q(f.ports.join(","))} color="#2e8b57" penwidth=2];`);
  for (const e of collapsed(m)) {
    const ends = [e.ltail ? `ltail=${q(`cluster_${e.ltail}`)}` : "", e.lhead ? `lhead=${q(`cluster_${e.lhead}`)}` : ""];
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.ports.join(","))} ${ends.join(" ")}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

const anchor = (namespace: string) => `anchor_${namespace}`;

interface Edge {
  from: string;
  to: string;
  ports: number[];
  ltail?: string;
  lhead?: string;
}

/**
 * Flows drawn once per namespace where a namespace-wide policy admits them: every box of a namespace
 * reaching the same target on the same ports is one arrow from the namespace's border, and likewise
 * one arrow into a namespace where the same source reaches all of its boxes.
 */
function collapsed(m: PlatformModel): Edge[] {
  const nsOf = new Map(m.namespaces.flatMap((n) => n.boxes.map((b) => [b.id, n.name] as const)));
  const size = new Map(m.namespaces.map((n) => [n.name, n.boxes.length]));
  const group = (edges: Edge[], key: (e: Edge) => string, side: "from" | "to") => {
    const groups = new Map<string, Edge[]>();
    for (const e of edges) groups.set(key(e), [...(groups.get(key(e)) ?? []), e]);
    return [...groups.values()].flatMap((g) => {
      const ns = nsOf.get(g[0][side]);
      if (!ns || g.length < 2 || g.length !== size.get(ns)) return g;
      return [side === "from" ? { ...g[0], from: anchor(ns), ltail: ns } : { ...g[0], to: anchor(ns), lhead: ns }];
    });
  };
  const bySource = group(m.flows, (e) => `${nsOf.get(e.from)}|${e.to}|${e.ports.join(",")}`, "from");
  return group(bySource, (e) => `${e.from}|${nsOf.get(e.to)}|${e.ports.join(",")}`, "to");
}

const LAYER_FILL: Record<string, string> = {
  cloud: "#d9f2d9",
  platform: "#eeeeee",
  data: "#fdf0dc",
  gateway: "#e6e0f8",
  services: "#e8f1fb",
  observability: "#fbe3e8",
};

export function sequenceDot(m: SequenceModel, title: string): string {
  const lines = [
    "digraph sequence {",
    `  graph [${FONT} rankdir=LR nodesep=0.2 ranksep=0.6 labelloc=t fontsize=18 label=${q(title)}];`,
    `  node [${FONT} shape=box style="rounded,filled" fontsize=11];`,
    `  edge [color="#5b6b7b"];`,
  ];
  for (const u of m.units) {
    const kind = u.type.split(":").pop() ?? u.type;
    lines.push(`  ${q(u.urn)} [label=${q(`${u.name}\n${kind}`)} fillcolor=${q(LAYER_FILL[u.layer] ?? "#ffffff")}];`);
  }
  for (const [a, b] of m.edges) lines.push(`  ${q(a)} -> ${q(b)};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** SVG of a DOT graph. Graphviz's layout is deterministic for the same input and version (pinned by the lock file). */
export async function toSvg(dot: string): Promise<string> {
  // An ES module: loaded with import(), which this CommonJS project keeps as a real dynamic import.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}
