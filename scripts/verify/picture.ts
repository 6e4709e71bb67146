/**
 * `npm run verify`'s picture of one stack: zones as columns; a row per workload and datastore with its
 * replicas at rest as dots in the zones an even spread puts them; each cell coloured by what losing
 * that zone does to the row (green: still serves or keeps writing; amber: recovers in the other zones;
 * red: down, or a datastore that stops writing or can lose acknowledged writes); then the capacity
 * bars per zone (requests at rest and at every maximum against the pools' maximum).
 */
import { eligibleZones, runnable } from "./placement";
import type { Verification } from "./model";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const COLOURS = { ok: "#d9f2d9", warn: "#fde9c4", bad: "#f8c9c4" };

/** Replicas per zone at rest under an even spread over the zones it may use. */
function spread(n: number, eligible: string[], zones: string[]): number[] {
  const per = new Map(eligible.map((z, i) => [z, Math.floor(n / eligible.length) + (i < n % eligible.length ? 1 : 0)]));
  return zones.map((z) => per.get(z) ?? 0);
}

export function pictureSvg(v: Verification): string {
  const label = 360;
  const col = 170;
  const rowH = 18;
  const zones = v.zones;
  const rows: { name: string; counts: number[]; cells: (keyof typeof COLOURS)[] }[] = [];
  for (const w of v.zoneLoss[0]?.workloads ?? []) {
    const wl = v.workloads.find((x) => x.id === w.id)!;
    const eligible = eligibleZones(wl.placement, zones);
    rows.push({
      name: `${w.id}${w.requestPath ? " *" : ""}`,
      counts: spread(runnable(w.replicas, wl.placement, zones), eligible, zones),
      cells: v.zoneLoss.map((z) => {
        const s = z.workloads.find((x) => x.id === w.id)!.status;
        return s === "serves" ? "ok" : s === "recovers" && !w.requestPath ? "warn" : "bad";
      }),
    });
  }
  (v.zoneLoss[0]?.datastores ?? []).forEach((d, i) => {
    const wl = v.workloads.find((x) => x.datastore && d.object.startsWith(`${x.kind} ${x.namespace}/${x.name}`));
    const eligible = wl ? eligibleZones(wl.placement, zones) : zones;
    rows.push({
      name: `${d.object} (${d.store})`,
      counts: spread(d.members, eligible, zones),
      cells: v.zoneLoss.map((z) => {
        const x = z.datastores[i];
        return x.writes && (x.ackedWritesSafe || x.accepted) ? "ok" : "bad";
      }),
    });
  });
  const top = 70;
  const tableH = rows.length * rowH;
  const barTop = top + tableH + 50;
  // Bars: at rest (green) and at every autoscaler's maximum (orange, red past the pools' maximum).
  const barH = 14;
  const capRows = v.capacity.known ? v.capacity.zones.length : 0;
  const width = label + col * zones.length + 20;
  const height = barTop + (capRows ? capRows * (barH * 2 + 16) + 60 : 30);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(v.stack)}: zone loss and capacity (${esc(v.cloud)}, ${v.failures.length ? `${v.failures.length} failures` : "passes"})</text>`,
    `<text x="10" y="40" fill="#555">Dots: replicas at rest, spread evenly. Colour, at worst, if that zone is lost: still serving (green), recovering in the other zones (amber), down or losing writes (red). * request path.</text>`,
  ];
  zones.forEach((z, i) =>
    out.push(
      `<text x="${label + col * i + col / 2}" y="${top - 8}" text-anchor="middle" font-weight="bold">${esc(z)}</text>`,
    ),
  );
  rows.forEach((r, j) => {
    const y = top + j * rowH;
    out.push(`<text x="10" y="${y + 13}">${esc(r.name.length > 58 ? `${r.name.slice(0, 57)}…` : r.name)}</text>`);
    r.cells.forEach((c, i) => {
      const x = label + col * i;
      out.push(`<rect x="${x + 2}" y="${y + 1}" width="${col - 4}" height="${rowH - 2}" fill="${COLOURS[c]}"/>`);
      for (let k = 0; k < Math.min(r.counts[i], 12); k++)
        out.push(`<circle cx="${x + 12 + k * 11}" cy="${y + rowH / 2}" r="4" fill="#345"/>`);
      if (r.counts[i] > 12) out.push(`<text x="${x + 12 + 12 * 11}" y="${y + 13}">+${r.counts[i] - 12}</text>`);
    });
  });
  if (capRows) {
    out.push(
      `<text x="10" y="${barTop - 14}" font-size="13" font-weight="bold">CPU requests per zone against the pools' maximum (grey)</text>`,
    );
    const scale = Math.max(...v.capacity.zones.flatMap((c) => [c.capacityMax.cpu, c.demandMax.cpu]), 1);
    const maxW = width - label - 80;
    v.capacity.zones.forEach((c, i) => {
      const y = barTop + i * (barH * 2 + 16);
      const w = (x: number) => (x / scale) * maxW;
      out.push(
        `<text x="10" y="${y + barH - 2}">${esc(c.zone)}</text>`,
        `<text x="10" y="${y + barH * 2 - 1}" fill="#555">${c.demandMin.cpu.toFixed(1)} at rest, ${c.demandMax.cpu.toFixed(1)} at max, of ${c.capacityMax.cpu.toFixed(1)} cpu</text>`,
        `<rect x="${label}" y="${y}" width="${w(c.capacityMax.cpu)}" height="${barH * 2}" fill="#ddd"/>`,
        `<rect x="${label}" y="${y}" width="${w(c.demandMin.cpu)}" height="${barH}" fill="#6a9"/>`,
        `<rect x="${label}" y="${y + barH}" width="${w(c.demandMax.cpu)}" height="${barH}" fill="${c.demandMax.cpu > c.capacityMax.cpu ? "#c54" : "#e93"}"/>`,
      );
    });
  } else
    out.push(
      `<text x="10" y="${barTop}">Capacity not drawn: ${esc(v.capacity.unknownPools.join(", "))} have no known allocatable.</text>`,
    );
  out.push("</svg>");
  return out.join("\n");
}
