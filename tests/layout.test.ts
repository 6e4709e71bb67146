/** The layers of the tree: kit under clouds and platform, the platform on the seam only. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerViolations, programSources, relativeImports } from "./harness/imports";

describe("layout", () => {
  it("reads relative imports of every form the project uses", () => {
    const source = [
      'import * as a from "../../lib/versions";',
      'import type { B } from "./b";',
      'export { C } from "../../lib/labels";',
      'const d = require("./d") as typeof import("./d");',
      'import "./side-effect";',
      'import * as k8s from "@pulumi/kubernetes";',
    ].join("\n");
    assert.deepEqual(relativeImports("providers/eks/x.ts", source).sort(), [
      "lib/labels",
      "lib/versions",
      "providers/eks/b",
      "providers/eks/d",
      "providers/eks/d",
      "providers/eks/side-effect",
    ]);
  });

  it("no cloud target imports the platform, the platform imports only the seam, the kit imports neither", () => {
    const sources = programSources();
    assert.ok(sources.size > 40, `read ${sources.size} source files`);
    assert.deepEqual(layerViolations(sources), []);
  });

  it("fails on an import in either wrong direction, and on the kit importing a layer above it", () => {
    const broken = new Map([
      ["providers/eks/autoscaling.ts", 'import { pinnedRelease } from "../../components/helm";'],
      ["components/data/redis.ts", 'import { buildCloud } from "../../providers/gke";'],
      ["components/gateway/kong.ts", 'import type { CloudTarget } from "../../providers/types";'],
      ["lib/helm.ts", 'import type { PlatformConfig } from "../config/load";'],
    ]);
    const found = layerViolations(broken);
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0], /^providers\/eks\/autoscaling\.ts imports components\/helm: a cloud target/);
    assert.match(found[1], /^components\/data\/redis\.ts imports providers\/gke: the platform reaches a cloud only/);
    assert.match(found[2], /^lib\/helm\.ts imports config\/load: the kit layer/);
  });
});
