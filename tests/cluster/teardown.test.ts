/**
 * `npm run teardown` against a real control plane: the dev stack's namespaces with what a cluster makes
 * outside Pulumi's graph (a LoadBalancer Service held by a cloud controller's finalizer, a StatefulSet,
 * a bound claim on a `Retain` volume). This test plays the two cloud parts no local cluster has: the
 * service controller, which releases its finalizer once the Service is being deleted, and the CSI
 * driver, which deletes a released volume whose policy is Delete. Everything else is the real API
 * server and controller-manager (the claim's protection finalizer, garbage collection).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { controlPlaneUnavailable, ControlPlane, down, kubectl, up } from "../../scripts/cluster/control-plane";
import { namespaceName } from "../../components/namespaces/catalog";
import type { PlatformConfig } from "../../config/load";
import { platformNamespaces, teardown } from "../../scripts/delivery/teardown";
import { STACKS_DIR } from "../fixtures";
import { parseStackFile, readStackFile } from "../harness/stack-file";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const LB_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";

describe("teardown on a control plane", { skip: controlPlaneUnavailable() }, () => {
  let cp: ControlPlane;
  let config: PlatformConfig;
  const apply = (o: object) => kubectl(cp, ["apply", "-f", "-"], JSON.stringify(o));
  const get = (args: string[]): Any[] => JSON.parse(kubectl(cp, ["get", ...args, "-o", "json"])).items;

  before(async () => {
    cp = await up();
    config = parseStackFile(readStackFile(path.join(STACKS_DIR, "Pulumi.dev.yaml")));
    for (const ns of platformNamespaces(config)) apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  });
  after(() => cp && down(cp));

  it("removes load balancers, StatefulSets, claims and their disks, and waits for each", async () => {
    const data = namespaceName(config.namespacePrefix, "data");
    const gateway = namespaceName(config.namespacePrefix, "gateway");
    const lb = (name: string, namespace: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace, finalizers: [LB_FINALIZER] },
      spec: { type: "LoadBalancer", ports: [{ port: 443 }], selector: { app: name } },
    });
    apply(lb("kong-proxy", gateway));
    apply(lb("not-ours", "default"));
    apply({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "store", namespace: data },
      spec: {
        serviceName: "store",
        replicas: 1,
        selector: { matchLabels: { app: "store" } },
        template: {
          metadata: { labels: { app: "store" } },
          spec: { containers: [{ name: "c", image: "busybox:1.36.1" }] },
        },
      },
    });
    apply({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-store-0" },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "manual",
        // A CSI volume: the controller-manager leaves its deletion to the driver (this test's loop).
        csi: { driver: "disk.csi.dedicated-platform.test", volumeHandle: "disk-store-0" },
        claimRef: { namespace: data, name: "data-store-0" },
      },
    });
    apply({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-store-0", namespace: data },
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "manual",
        volumeName: "pv-store-0",
        resources: { requests: { storage: "1Gi" } },
      },
    });

    // Bound by the real PV controller (it writes the claim's uid into the volume), as a provisioned disk is.
    for (let i = 0; get(["persistentvolumeclaims", "-n", data])[0]?.status?.phase !== "Bound"; i++) {
      assert.ok(i < 120, "the claim was never bound");
      await new Promise((r) => setTimeout(r, 500));
    }

    // The cloud's two parts, on a timer while the teardown polls.
    const seen: string[] = [];
    const cloud = setInterval(() => {
      for (const s of get(["services", "-A"]).filter((x) => x.metadata.deletionTimestamp)) {
        seen.push(`load balancer of ${s.metadata.namespace}/${s.metadata.name} deleted`);
        kubectl(cp, [
          "patch",
          "service",
          s.metadata.name,
          "-n",
          s.metadata.namespace,
          "--type=json",
          "-p",
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ]);
      }
      for (const v of get(["persistentvolumes"]))
        if (v.spec.persistentVolumeReclaimPolicy === "Delete" && ["Released", "Failed"].includes(v.status?.phase)) {
          seen.push(`disk of ${v.metadata.name} deleted`);
          kubectl(cp, ["delete", "persistentvolume", v.metadata.name, "--wait=false"]);
        }
    }, 500);
    try {
      const result = await teardown(config, {
        kubectl: (a) => kubectl(cp, a),
        timeoutSeconds: 120,
        log: (l) => console.log(l),
        pollMs: 500,
      });
      assert.deepEqual(
        result.left,
        [],
        JSON.stringify(get(["persistentvolumes"]).map((v) => [v.metadata, v.spec, v.status])),
      );
    } finally {
      clearInterval(cloud);
    }
    assert.deepEqual([...new Set(seen)].sort(), [
      `disk of pv-store-0 deleted`,
      `load balancer of ${gateway}/kong-proxy deleted`,
    ]);
    assert.deepEqual(get(["services", "-n", gateway]), []);
    assert.equal(get(["services", "-n", "default"]).filter((s) => s.metadata.name === "not-ours").length, 1);
    assert.deepEqual(get(["statefulsets", "-n", data]), []);
    assert.deepEqual(get(["persistentvolumeclaims", "-n", data]), []);
    assert.deepEqual(get(["persistentvolumes"]), []);
  });
});
