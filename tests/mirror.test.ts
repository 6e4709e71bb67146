/** A regulated customer's mirrors: every chart and every image from their own hosts, nothing public. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { chartSource, image, manifestSource, mirrorPath } from "../lib/mirror";
import { CHARTS, MANIFESTS } from "../lib/versions";
import { configProblems, STACKS_DIR, withConfig } from "./fixtures";
import { chartsDir, chartsUnavailable } from "./harness/charts";
import { deployedObjects } from "./harness/deployed";
import { podSpecOf } from "./harness/pod-security";
import { ofType } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";

const REGISTRY = "registry.corp.example/mirror";
const STACK = readStackFile(path.join(STACKS_DIR, "Pulumi.globex-gke.yaml"));
/** GKE (Datadog on), and EKS (its cloud add-ons are charts too). */
const MIRRORED = ["Pulumi.globex-gke.yaml", "Pulumi.initech-eks.yaml"];

/** Every image a set of objects pulls: containers of pod templates, and image fields of custom resources. */
function imagesOf(objects: { kind: string }[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const spec = podSpecOf(o as never);
    if (spec) for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) out.add(c.image);
    for (const m of JSON.stringify(o).matchAll(/"(?:image|imageName)":"([^"]+)"/g)) out.add(m[1]);
  }
  return [...out];
}

describe("mirror", () => {
  it("gives charts as an archive directory, an https repository or an OCI registry", () => {
    assert.deepEqual(chartSource(CHARTS.kong), {
      chart: "kong",
      version: "3.4.1",
      repositoryOpts: { repo: "https://charts.konghq.com" },
    });
    assert.deepEqual(chartSource(CHARTS.kong, { charts: "/srv/charts" }), {
      chart: "/srv/charts/kong-3.4.1.tgz",
      version: "3.4.1",
    });
    assert.deepEqual(chartSource(CHARTS.kong, { charts: "https://charts.corp.example/platform" }), {
      chart: "kong",
      version: "3.4.1",
      repositoryOpts: { repo: "https://charts.corp.example/platform" },
    });
    assert.deepEqual(chartSource(CHARTS.kong, { charts: "oci://registry.corp.example/charts/" }), {
      chart: "oci://registry.corp.example/charts/kong",
      version: "3.4.1",
    });
    assert.equal(
      manifestSource(MANIFESTS.rabbitmqOperator, { charts: "/srv/charts" }),
      "/srv/charts/manifests/rabbitmq-cluster-operator-v2.22.3.yml",
    );
  });

  it("maps an image to the mirror by its path without the upstream host", () => {
    assert.equal(mirrorPath("quay.io/opstree/redis:v7.0.15"), "opstree/redis:v7.0.15");
    assert.equal(mirrorPath("docker.io/library/busybox:1.36.1"), "busybox:1.36.1");
    assert.equal(mirrorPath("rabbitmq:4.1.4-management"), "rabbitmq:4.1.4-management");
    assert.equal(mirrorPath("localhost:5001/platform/portal:dev"), "platform/portal:dev");
    assert.equal(
      image("ghcr.io/cloudnative-pg/postgresql:17.6", { registry: REGISTRY }),
      `${REGISTRY}/cloudnative-pg/postgresql:17.6`,
    );
    assert.equal(image("ghcr.io/cloudnative-pg/postgresql:17.6"), "ghcr.io/cloudnative-pg/postgresql:17.6");
  });

  it("refuses file:// and relative chart locations, and a registry with a scheme, with what to give instead", () => {
    const problems = (mirror: unknown) => configProblems(withConfig(STACK, { mirror }));
    assert.match(
      problems({ charts: "file:///srv/charts" }),
      /mirror.*file:\/\/ is not supported.*absolute directory of <chart>-<version>\.tgz archives/s,
    );
    assert.match(
      problems({ charts: "charts/" }),
      /mirror.*expected https:\/\/<repository>, oci:\/\/<registry>\/<path> or an absolute directory/s,
    );
    assert.match(
      problems({ registry: "https://registry.corp.example" }),
      /mirror.*registry host with an optional path and no scheme/s,
    );
    assert.match(problems({ chart: "/srv/charts" }), /mirror.*chart/s);
  });

  for (const file of MIRRORED)
    describe(`${file} installed from a mirror at the chart directory`, { skip: chartsUnavailable() }, () => {
      let run: StackRun;
      before(async () => {
        const STACK = readStackFile(path.join(STACKS_DIR, file));
        const mirror = { charts: chartsDir(), registry: REGISTRY };
        // The platform's own images come from `images.registry`, the customer's registry already.
        const images = { ...(STACK.config!["dedicated-platform:images"] as object), registry: `${REGISTRY}/platform` };
        run = await runStack(withConfig(STACK, { mirror, images }));
        (run as StackRun & { mirror: object }).mirror = mirror;
      });

      it("installs every chart from the mirror's archives, and loads the manifest from it", () => {
        const releases = ofType(run, "kubernetes:helm.sh/v3:Release");
        assert.ok(releases.length >= 10);
        for (const r of releases) {
          assert.ok(String(r.inputs.chart).startsWith(`${chartsDir()}/`), `${r.inputs.name}: ${r.inputs.chart}`);
          assert.equal(r.inputs.repositoryOpts, undefined, `${r.inputs.name} still names a repository`);
        }
        assert.deepEqual(
          ofType(run, "kubernetes:yaml/v2:ConfigFile")
            .map((m) => m.inputs.file)
            .sort(),
          [
            path.join(chartsDir(), "manifests/cert-manager-crds-v1.21.1.yml"),
            path.join(chartsDir(), "manifests/rabbitmq-cluster-operator-v2.22.3.yml"),
          ],
        );
      });

      it("pulls every image of the program, the charts and the manifest through the mirror", () => {
        const mirror = (run as StackRun & { mirror: { registry: string } }).mirror;
        const deployed = deployedObjects(run, undefined, mirror);
        assert.deepEqual(deployed.renderErrors, []);
        const images = imagesOf(deployed.objects.map((d) => d.object));
        assert.ok(images.length > 30, `${images.length} images`);
        assert.deepEqual(
          images.filter((i) => !i.startsWith(`${REGISTRY}/`)),
          [],
          "images from a public host",
        );
      });
    });
});
