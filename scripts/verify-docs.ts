/**
 * `npm run verify:docs`: the README's example verify report (globex-gke) and its picture
 * (docs/verify/globex-gke.svg), regenerated. tests/verify.test.ts fails while either is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../tests/harness/stack-file";
import { verifyStack } from "./verify/model";
import { pictureSvg } from "./verify/picture";
import { reportMarkdown } from "./verify/report";

export const ROOT = path.resolve(__dirname, "..");
export const EXAMPLE = "globex-gke";
export const PICTURE = `docs/verify/${EXAMPLE}.svg`;
// Prettier leaves the block as generated, so the staleness test compares like with like.
export const BEGIN = `<!-- verify:${EXAMPLE} (npm run verify:docs) -->\n<!-- prettier-ignore-start -->`;
export const END = "<!-- prettier-ignore-end -->\n<!-- /verify -->";

/** The report block and picture as they should be committed. */
export async function exampleDocs(): Promise<{ block: string; svg: string }> {
  const v = await verifyStack(EXAMPLE, readStackFile(path.join(ROOT, "stacks", `Pulumi.${EXAMPLE}.yaml`)));
  // One heading level down: the README's section holds it.
  const report = reportMarkdown(v, PICTURE).map((l) => (l.startsWith("#") ? `#${l}` : l));
  return { block: [BEGIN, "", ...report, "", END].join("\n"), svg: pictureSvg(v) };
}

export function readmeBlock(readme: string): string | undefined {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END, a);
  return a < 0 || b < 0 ? undefined : readme.slice(a, b + END.length);
}

async function main() {
  const { block, svg } = await exampleDocs();
  const file = path.join(ROOT, "README.md");
  const readme = fs.readFileSync(file, "utf8");
  const current = readmeBlock(readme);
  if (!current) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  fs.writeFileSync(file, readme.replace(current, block));
  fs.mkdirSync(path.dirname(path.join(ROOT, PICTURE)), { recursive: true });
  fs.writeFileSync(path.join(ROOT, PICTURE), svg);
  console.log(`updated README.md and ${PICTURE}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
