/**
 * The nightly drift check's issue body: `npm run drift:report -- <stack> <preview.json>` reads the
 * output of `pulumi preview --refresh --expect-no-changes --json` and prints Markdown naming every
 * resource the refresh found changed (its operation, type, name and the properties that differ), or
 * the preview's errors when it failed before planning anything. The first line is the issue's title.
 */
import * as fs from "node:fs";

interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
  detailedDiff?: Record<string, { kind: string }>;
}

interface PreviewJson {
  steps?: PreviewStep[];
  diagnostics?: { severity: string; message: string; urn?: string }[];
}

export interface Drifted {
  op: string;
  type: string;
  name: string;
  properties: string[];
}

/** The type and name a URN ends in (`urn:pulumi:stack::project::a$b::name`). */
export function urnParts(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = (parts[2] ?? "").split("$");
  return { type: types[types.length - 1], name: parts.slice(3).join("::") };
}

export function driftedResources(preview: PreviewJson): Drifted[] {
  return (preview.steps ?? [])
    .filter((s) => s.op !== "same" && s.op !== "read")
    .map((s) => ({
      op: s.op,
      ...urnParts(s.urn),
      properties: [...new Set([...(s.diffReasons ?? []), ...Object.keys(s.detailedDiff ?? {})])].sort(),
    }));
}

export const driftTitle = (stack: string) => `Drift: ${stack}`;

export function driftReport(stack: string, preview: PreviewJson): string {
  const drifted = driftedResources(preview);
  const errors = (preview.diagnostics ?? []).filter((d) => d.severity === "error");
  const lines = [driftTitle(stack), ""];
  if (drifted.length) {
    lines.push(
      `The nightly \`pulumi preview --refresh --expect-no-changes\` of \`${stack}\` found ${drifted.length} resources that differ from the code:`,
      "",
      "| operation | type | name | properties |",
      "| --- | --- | --- | --- |",
      ...drifted.map(
        (d) => `| ${d.op} | \`${d.type}\` | \`${d.name}\` | ${d.properties.map((p) => `\`${p}\``).join(", ")} |`,
      ),
    );
  }
  if (errors.length) lines.push("", "Errors:", "", ...errors.map((e) => `- ${e.message.trim().split("\n")[0]}`));
  if (!drifted.length && !errors.length)
    lines.push(`The preview of \`${stack}\` failed without naming a resource; see the run's log.`);
  return lines.join("\n");
}

if (require.main === module) {
  const [stack, file] = process.argv.slice(2);
  if (!stack || !file) {
    console.error("usage: npm run drift:report -- <stack> <preview.json>");
    process.exit(2);
  }
  const text = fs.readFileSync(file, "utf8").trim();
  console.log(driftReport(stack, text ? (JSON.parse(text) as PreviewJson) : {}));
}
