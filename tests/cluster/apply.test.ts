/**
 * Every example stack applied to a real control plane (etcd, kube-apiserver with the default admission
 * plugins, controller-manager, scheduler) with server-side apply and strict field validation: no
 * error and no warning (Pod Security, deprecated API, unknown or duplicate field) on any object, the
 * charts' included. `npm run test:cluster`; needs the tools of scripts/setup-tools.sh and ../shared.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { controlPlaneUnavailable, down, up, ControlPlane } from "../../scripts/cluster/control-plane";
import { exampleStacks } from "../fixtures";
import { chartsUnavailable, DeployedObject } from "../harness/charts";
import { deployedObjects } from "../harness/deployed";
import { runStack } from "../harness/run-stack";
import { readStackFile } from "../harness/stack-file";
import { applyStack, NOT_APPLIED } from "./apply";

const unavailable = controlPlaneUnavailable() ?? chartsUnavailable();

describe("a real API server", { skip: unavailable }, () => {
  for (const file of exampleStacks()) {
    describe(path.basename(file), () => {
      let cp: ControlPlane;
      before(async () => {
        cp = await up();
      });
      after(() => {
        if (cp) down(cp);
      });

      it("accepts everything the stack deploys, with no error and no warning", async (t) => {
        const deployed = deployedObjects(await runStack(readStackFile(file)));
        assert.deepEqual(deployed.renderErrors, []);
        const result = await applyStack(cp, deployed.objects);
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.warnings, []);
        assert.ok(result.applied > 300, `${result.applied} objects applied`);
        t.diagnostic(
          `${result.applied} objects applied; not applied: ${Object.entries(result.skipped)
            .map(([k, n]) => `${n} ${k} (${NOT_APPLIED[k]})`)
            .join(", ")}`,
        );
      });
    });
  }

  describe("a broken input", () => {
    let cp: ControlPlane;
    before(async () => {
      cp = await up();
    });
    after(() => {
      if (cp) down(cp);
    });

    it("is refused or warned about, naming the object: an unknown field, and a pod template Pod Security rejects", async () => {
      const resource = { name: "broken" } as DeployedObject["source"]["resource"];
      const obj = (o: object): DeployedObject => ({
        object: o as never,
        source: { kind: "program", name: "broken", resource },
      });
      const ns = {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name: "strict",
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      };
      const template = (securityContext: object) => ({
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "c", image: "busybox:1.36.1", securityContext }] },
      });
      const deployment = (name: string, spec: object) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "strict" },
        spec: { selector: { matchLabels: { app: "x" } }, ...spec },
      });
      const result = await applyStack(cp, [
        obj(ns),
        obj(deployment("unknown-field", { template: template({}), replicaz: 2 })),
        obj(deployment("privileged", { template: template({ privileged: true }) })),
      ]);
      assert.ok(
        result.errors.some((e) =>
          /^Deployment strict\/unknown-field: .*\.spec\.replicaz: field not declared in schema/.test(e),
        ),
        result.errors.join("\n"),
      );
      assert.ok(
        result.warnings.some((w) =>
          /^Deployment strict\/privileged: would violate PodSecurity "restricted:latest": privileged/.test(w),
        ),
        result.warnings.join("\n"),
      );
    });
  });
});
