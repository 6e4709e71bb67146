/** The scanners' gate (scripts/scan.ts): findings named by object, the skip file applied, stale entries caught. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Finding, gate, kubeScore, readSkips, SKIP_FILE, skips } from "../scripts/scan";

const finding = (id: string, object: string, gated = true): Finding => ({
  scanner: "trivy",
  id,
  severity: gated ? "HIGH" : "LOW",
  object,
  title: id,
  gated,
});
const onPath = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

describe("scan gate", () => {
  const entries = [
    {
      scanner: "trivy" as const,
      id: "KSV-0041",
      objects: ["ClusterRole *-operator"],
      reason: "operators manage Secrets",
    },
  ];

  it("a skip entry covers its check on the objects it names, with `*` inside a name", () => {
    assert.ok(skips(finding("KSV-0041", "ClusterRole psmdb-operator"), entries));
    assert.equal(skips(finding("KSV-0041", "ClusterRole portal"), entries), undefined);
    assert.equal(skips(finding("KSV-0014", "ClusterRole psmdb-operator"), entries), undefined);
  });

  it("opens every gated finding not skipped, ignores ungated ones, and names unused entries", () => {
    const g = gate(
      [
        finding("KSV-0041", "ClusterRole a-operator"),
        finding("KSV-0014", "Deployment x/y"),
        finding("KSV-0020", "Deployment x/y", false),
      ],
      entries,
    );
    assert.deepEqual(
      g.open.map((f) => f.id),
      ["KSV-0014"],
    );
    assert.equal(g.skipped, 1);
    assert.deepEqual(gate([], entries).unusedSkips, entries);
  });

  it("every entry of scanners-skip.yaml names a scanner, a check, its objects and why", () => {
    const all = readSkips();
    assert.ok(all.length > 0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-skip-"));
    fs.writeFileSync(path.join(dir, "s.yaml"), "- scanner: trivy\n  id: KSV-0001\n  objects: ['*']\n");
    assert.throws(() => readSkips(path.join(dir, "s.yaml")), /needs scanner, id, objects and reason/);
    fs.rmSync(dir, { recursive: true });
    assert.ok(fs.existsSync(SKIP_FILE));
  });

  it(
    "kube-score's critical findings come out named by object",
    { skip: onPath("kube-score") ? false : "kube-score is not on PATH (bash scripts/setup-tools.sh)" },
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-ks-"));
      fs.writeFileSync(
        path.join(dir, "bad.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad, namespace: x}\nspec:\n  selector: {matchLabels: {app: bad}}\n  template:\n    metadata: {labels: {app: bad}}\n    spec:\n      containers: [{name: c, image: 'nginx:latest'}]\n",
      );
      const found = kubeScore(dir);
      fs.rmSync(dir, { recursive: true });
      assert.ok(
        found.some((f) => f.gated && f.object === "Deployment x/bad" && f.id === "container-resources"),
        JSON.stringify(found.map((f) => f.id)),
      );
    },
  );
});
