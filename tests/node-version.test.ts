/** The project runs on the Node.js LTS line it pins (lib/tool-versions.json), everywhere it says so. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import toolVersions from "../lib/tool-versions.json";

const ROOT = path.resolve(__dirname, "..");
const major = (v: string) => Number(v.replace(/^[^0-9]*/, "").split(".")[0]);

describe("Node.js", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

  it("is pinned to an LTS line (even major) that package.json requires and its types match", () => {
    const pinned = major(toolVersions.node);
    assert.equal(pinned % 2, 0, `Node ${toolVersions.node} is not an LTS line`);
    assert.ok(pinned >= 24, `Node ${pinned} is older than the supported LTS`);
    assert.equal(pkg.engines.node, `>=${pinned}`);
    assert.equal(major(pkg.devDependencies["@types/node"]), pinned, "@types/node follows the pinned Node");
  });

  it("is what CI runs: .ci/run puts the setup script's Node first on PATH before anything else", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    const setup = ci.indexOf("scripts/setup-tools.sh");
    assert.ok(setup > 0 && setup < ci.indexOf("npm ci"), ".ci/run runs the setup script before npm ci");
    assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), new RegExp(`Node\\.js ${pinned()} `));
  });
});

function pinned() {
  return major(toolVersions.node);
}
