/** The stack config: every class of bad input fails with a message naming key, value and what is allowed. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config/errors";
import { parseConfig } from "../config/load";
import { KEYS } from "../config/schema";
import { configProblems, STACKS_DIR, existingStack, withConfig } from "./fixtures";
import { readStackFile, toStackConfig } from "./harness/stack-file";
import * as fs from "node:fs";
import * as path from "node:path";

function parse(extra: Record<string, unknown> = {}, secret: string[] = []) {
  const { values, secretKeys } = toStackConfig(existingStack(extra));
  return parseConfig(values, new Set([...secretKeys, ...secret]));
}

/** Parses and returns the list of problems (fails the test if the config was accepted). */
function problems(extra: Record<string, unknown>): string[] {
  try {
    parse(extra);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail("config was accepted");
}

function assertProblem(list: string[], ...parts: string[]) {
  assert.ok(
    list.some((p) => parts.every((part) => p.includes(part))),
    `no problem mentions ${parts.map((p) => JSON.stringify(p)).join(" and ")}; got:\n${list.join("\n")}`,
  );
}

describe("stack config", () => {
  it("parses a minimal existing stack with documented defaults", () => {
    const c = parse();
    assert.equal(c.cloud, "existing");
    assert.equal(c.environment, "production");
    assert.equal(c.protectData, true);
    assert.equal(c.allowFewerZones, false);
    assert.equal(c.namespacePrefix, "dp");
    assert.deepEqual(c.zones, ["zone-a", "zone-b", "zone-c"]);
    assert.equal(c.existing.storageClassName, "standard");
    assert.deepEqual(
      c.nodePools.map((p) => [p.role, p.minPerZone, p.maxPerZone]),
      [
        ["system", 1, 2],
        ["workload", 1, 5],
      ],
    );
    assert.equal(c.namespaceQuotas.data.pods, 80);
  });

  it("turns protectData off by default only for dev stacks", () => {
    assert.equal(parse({ environment: "dev" }).protectData, false);
    assert.equal(parse({ environment: "staging" }).protectData, true);
    assert.equal(parse({ environment: "dev", protectData: true }).protectData, true);
  });

  it("merges quota overrides field by field over the defaults", () => {
    const c = parse({ namespaceQuotas: { pipelines: { pods: 900 } } });
    assert.equal(c.namespaceQuotas.pipelines.pods, 900);
    assert.equal(c.namespaceQuotas.pipelines.requestsCpu, "64");
  });

  it("reports a missing required key with how to set it", () => {
    assertProblem(problems({ customer: undefined }), "dedicated-platform:customer", "required but not set");
  });

  it("reports an unknown cloud with the allowed values", () => {
    assertProblem(problems({ cloud: "gpc" }), "dedicated-platform:cloud", '"gpc"', '"gcp"|"aws"|"azure"|"existing"');
  });

  it("reports a value of the wrong type", () => {
    assertProblem(
      problems({ allowFewerZones: "yes" }),
      "dedicated-platform:allowFewerZones",
      '"yes"',
      "expected boolean",
    );
    assertProblem(problems({ zones: "zone-a" }), "dedicated-platform:zones", "expected array");
  });

  it("reports an out-of-range number", () => {
    const pools = [
      { name: "system", role: "system", minPerZone: 1, maxPerZone: 2 },
      { name: "work", role: "workload", minPerZone: 1, maxPerZone: 500 },
    ];
    assertProblem(problems({ nodePools: pools }), "dedicated-platform:nodePools[1].maxPerZone", "500", "<=200");
    assertProblem(problems({ namespaceQuotas: { data: { pods: 0 } } }), "namespaceQuotas.data.pods", ">=1");
  });

  it("reports min greater than max with both values", () => {
    const pools = [
      { name: "system", role: "system", minPerZone: 1, maxPerZone: 2 },
      { name: "work", role: "workload", minPerZone: 6, maxPerZone: 3 },
    ];
    assertProblem(
      problems({ nodePools: pools }),
      "dedicated-platform:nodePools[1].minPerZone",
      "minPerZone (6)",
      "maxPerZone (3)",
    );
  });

  it("reports a malformed CIDR", () => {
    const list = problems({ controlPlaneAllowedCidrs: ["203.0.113.0/24", "10.0.0.0/33", "10.1.2.3"] });
    assertProblem(list, "controlPlaneAllowedCidrs[1]", "10.0.0.0/33", "IPv4 CIDR");
    assertProblem(list, "controlPlaneAllowedCidrs[2]", "10.1.2.3", "IPv4 CIDR");
    assert.equal(list.filter((p) => p.includes("controlPlaneAllowedCidrs")).length, 2);
  });

  it("requires 3 distinct zones unless the stack opts out", () => {
    assertProblem(
      problems({ zones: ["zone-a", "zone-b"] }),
      "dedicated-platform:zones",
      "2 zone(s)",
      "allowFewerZones",
    );
    assertProblem(problems({ zones: ["zone-a", "zone-a", "zone-b"] }), "zones must be distinct");
    assert.deepEqual(parse({ zones: ["zone-a"], allowFewerZones: true }).zones, ["zone-a"]);
  });

  it("rejects an unknown key under the namespace, suggesting the near one", () => {
    assertProblem(
      problems({ namespacePrefx: "x" }),
      "dedicated-platform:namespacePrefx",
      "unknown key",
      "Did you mean dedicated-platform:namespacePrefix",
    );
  });

  it("rejects an unknown field inside a structured key", () => {
    assertProblem(
      problems({ existing: { kubeContext: "k", storageClass: "x" } }),
      "dedicated-platform:existing",
      '"storageClass"',
    );
  });

  it("ignores keys of other namespaces", () => {
    const { values, secretKeys } = toStackConfig(existingStack());
    values["kubernetes:context"] = "whatever";
    assert.doesNotThrow(() => parseConfig(values, new Set(secretKeys)));
  });

  it("requires the kubeconfig to be a secret", () => {
    const list = problems({ existing: undefined, kubeconfig: "apiVersion: v1" });
    assertProblem(list, "dedicated-platform:kubeconfig", "--secret");
    const ok = parse({ existing: undefined, kubeconfig: { secure: "v1:abc" } });
    assert.ok(ok.existing.kubeconfig);
  });

  it("needs exactly one way to reach an existing cluster", () => {
    assertProblem(problems({ existing: {} }), "exactly one way", "none is set");
    assertProblem(
      problems({ existing: { kubeContext: "a" }, kubeconfig: { secure: "v1:abc" } }),
      "exactly one way",
      "kubeContext",
      "dedicated-platform:kubeconfig",
    );
  });

  it("reports a problem once, never again as a consequence in a rule built on the refused value", () => {
    const gke = readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml"));
    // Without images no service is resolved: the gateway's routes must not then be called "disabled".
    const noImages = configProblems(withConfig(gke, { images: undefined }))
      .split("\n")
      .slice(1);
    assert.equal(noImages.length, 1, noImages.join("\n"));
    assert.match(noImages[0], /dedicated-platform:images: required but not set/);
    // A refused pool list is not replaced by the default pools for the machine-type rule.
    const onePool = configProblems(
      withConfig(gke, {
        nodePools: [{ name: "system", role: "system", machineType: "e2-standard-4", minPerZone: 1, maxPerZone: 2 }],
      }),
    )
      .split("\n")
      .slice(1);
    assert.equal(onePool.length, 1, onePool.join("\n"));
    assert.match(onePool[0], /dedicated-platform:nodePools = .*expected array to have >=2 items/);
  });

  it("refuses the removed render-to-YAML mode once, pointing at npm run render", () => {
    const list = problems({ existing: { renderYamlToDirectory: "out/yaml" } });
    assert.equal(list.length, 1, list.join("\n"));
    assertProblem(list, "dedicated-platform:existing", "renderYamlToDirectory", "was removed", "npm run render");
  });

  it("rejects existing-only keys on a cloud stack", () => {
    assertProblem(
      problems({ cloud: "gcp" }),
      "dedicated-platform:existing",
      'only read when dedicated-platform:cloud is "existing"',
    );
  });

  it("collects every problem into one message", () => {
    try {
      parse({ cloud: "gpc", customer: "Bad_Name", zones: ["a"], typo: 1 });
      assert.fail("accepted");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.problems.length >= 4, e.message);
      assert.match(e.message, /^Invalid stack config \(\d+ problems\):/);
    }
  });

  it("documents every key in the README config table", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
    for (const key of Object.keys(KEYS)) {
      assert.ok(
        readme.includes(`| \`dedicated-platform:${key}\``),
        `README has no table row for dedicated-platform:${key}`,
      );
    }
  });
});
