/** Custom services: one component, eight services, HPAs, zone spread, least-privilege Controller. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CATALOG, SERVICE_NAMES } from "../components/services/catalog";
import { ConfigError } from "../config/errors";
import { existingStack } from "./fixtures";
import { Inputs, named as namedObject, isSecretAt, K8sObject, objects, resourceOf } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { mockSecret, parseStackFile } from "./harness/stack-file";

const NS = "dp-services";

/** An object of the services namespace unless told otherwise. */
const named = (run: StackRun, kind: string, name: string, ns = NS) => namedObject(run, kind, name, ns);

describe("platform services", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(existingStack({ httpFile: { maxUploadSize: "250Mi", tempStorage: "20Gi" } }));
  });

  for (const svc of SERVICE_NAMES) {
    describe(svc, () => {
      it("autoscales its Deployment with min <= max, fast up and damped down, on CPU, memory and its custom metric", () => {
        const target = { apiVersion: "apps/v1", kind: "Deployment", name: svc };
        if (CATALOG[svc].scaleOn) {
          // KEDA creates the autoscaling/v2 HPA from the ScaledObject (with the same behavior).
          const so = named(run, "ScaledObject", svc);
          assert.equal(so.spec.scaleTargetRef.name, svc);
          assert.ok(so.spec.minReplicaCount >= 3 && so.spec.minReplicaCount <= so.spec.maxReplicaCount);
          assert.deepEqual(
            so.spec.triggers.slice(0, 2).map((t: Inputs) => t.type),
            ["cpu", "memory"],
          );
          assert.equal(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.stabilizationWindowSeconds, 0);
          assert.ok(
            so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds >= 300,
          );
          assert.equal(
            objects(run, "HorizontalPodAutoscaler", NS).filter((h) => h.metadata.name === svc).length,
            0,
            "one autoscaler only",
          );
        } else {
          const hpa = named(run, "HorizontalPodAutoscaler", svc);
          assert.deepEqual(hpa.spec.scaleTargetRef, target);
          assert.ok(hpa.spec.minReplicas >= 3 && hpa.spec.minReplicas <= hpa.spec.maxReplicas);
          assert.deepEqual(hpa.spec.metrics.map((m: Inputs) => m.resource.name).sort(), ["cpu", "memory"]);
          assert.equal(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds, 0);
          assert.ok(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds >= 300);
        }
        assert.equal(named(run, "Deployment", svc).spec.replicas, undefined, "the autoscaler owns the replica count");
      });

      it("has a PDB that keeps two of three zones serving", () => {
        const pdb = named(run, "PodDisruptionBudget", svc);
        assert.equal(pdb.spec.maxUnavailable, "33%");
        assert.deepEqual(pdb.spec.selector.matchLabels, named(run, "Deployment", svc).spec.selector.matchLabels);
      });

      it("spreads over zones (hard) and nodes, with probes, a restricted context and resources", () => {
        const pod = named(run, "Deployment", svc).spec.template.spec;
        const zone = pod.topologySpreadConstraints.find((t: Inputs) => t.topologyKey === "topology.kubernetes.io/zone");
        assert.equal(zone.whenUnsatisfiable, "DoNotSchedule");
        assert.ok(pod.topologySpreadConstraints.some((t: Inputs) => t.topologyKey === "kubernetes.io/hostname"));
        const c = pod.containers[0];
        for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"])
          assert.ok(c[probe]?.httpGet?.path, probe);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.ok(
          c.resources.requests.cpu &&
            c.resources.requests.memory &&
            c.resources.limits.cpu &&
            c.resources.limits.memory,
        );
        assert.equal(pod.priorityClassName, "dp-platform-service");
        assert.equal(c.image, `registry.example.com/platform/${svc}:1.4.2`);
        assert.match(
          named(run, "Deployment", svc).spec.template.metadata.annotations["dedicated-platform/config-checksum"],
          /^[0-9a-f]{64}$/,
        );
      });

      it("has its own ServiceAccount, with a token only if it uses the Kubernetes API", () => {
        const sa = named(run, "ServiceAccount", svc);
        assert.equal(sa.automountServiceAccountToken, CATALOG[svc].usesKubernetesApi);
        assert.equal(named(run, "Deployment", svc).spec.template.spec.serviceAccountName, svc);
      });

      it("inlines no credential in its environment: Secrets by reference only", () => {
        const env = named(run, "Deployment", svc).spec.template.spec.containers[0].env as Inputs[];
        for (const e of env) {
          if (/PASSWORD|SECRET|TOKEN|ACCESS_KEY/.test(e.name))
            assert.ok(e.valueFrom?.secretKeyRef, `${e.name} is inlined`);
          assert.ok(
            !String(e.value ?? "").includes("mock-random-") && !String(e.value ?? "").includes("mock-secret-value"),
            e.name,
          );
        }
      });
    });
  }

  it("scales the HTTP triggers on Kong's request rate and the Coordinator on its queue depth", () => {
    const http = named(run, "ScaledObject", "trigger-http").spec.triggers[2];
    assert.equal(http.type, "prometheus");
    assert.equal(http.metadata.serverAddress, "http://monitoring-kube-prometheus-prometheus.dp-observability.svc:9090");
    assert.equal(
      http.metadata.query,
      'sum(rate(kong_http_requests_total{service=~"dp-services\\\\.trigger-http\\\\..*"}[1m]))',
    );
    assert.equal(http.metadata.threshold, "50");
    const queue = named(run, "ScaledObject", "coordinator").spec.triggers[2];
    assert.deepEqual(
      [queue.type, queue.metadata.queueName, queue.metadata.mode],
      ["rabbitmq", "coordinator.deployments", "QueueLength"],
    );
    assert.equal(queue.authenticationRef.name, "rabbitmq-management");
    const auth = named(run, "TriggerAuthentication", "rabbitmq-management");
    const secret = named(run, "Secret", auth.spec.secretTargetRef[0].name);
    assert.ok(isSecretAt(resourceOf(run, secret), "stringData"));
  });

  it("copies the services' datastore credentials into their namespace as secrets", () => {
    for (const store of ["redis", "mongodb", "rabbitmq", "elasticsearch", "objectstorage", "email"]) {
      const s = named(run, "Secret", `platform-${store}`);
      assert.ok(isSecretAt(resourceOf(run, s), "stringData"), store);
    }
    const email = named(run, "Secret", "platform-email");
    assert.equal(email.stringData.password, mockSecret("dedicated-platform:emailPassword"));
  });

  it("wires the Email trigger's mail server from config, its password as a Secret reference", () => {
    const env = Object.fromEntries(
      (named(run, "Deployment", "trigger-email").spec.template.spec.containers[0].env as Inputs[]).map((e) => [
        e.name,
        e,
      ]),
    );
    assert.equal(env.SMTP_HOST.value, "smtp.example.com");
    assert.equal(env.SMTP_PORT.value, "587");
    assert.deepEqual(env.SMTP_PASSWORD.valueFrom.secretKeyRef, { name: "platform-email", key: "password" });
  });

  it("limits HTTP-File uploads from config and spools them to a sized volume, not the root filesystem", () => {
    const pod = named(run, "Deployment", "trigger-http-file").spec.template.spec;
    const env = Object.fromEntries((pod.containers[0].env as Inputs[]).map((e) => [e.name, e.value]));
    assert.equal(env.MAX_UPLOAD_SIZE, "250Mi");
    const mount = pod.containers[0].volumeMounts.find((m: Inputs) => m.mountPath === env.UPLOAD_DIR);
    const volume = pod.volumes.find((v: Inputs) => v.name === mount.name);
    assert.deepEqual(volume.emptyDir, { sizeLimit: "20Gi" });
  });

  it("runs the Scheduler and the Controller under leader election, with Lease RBAC in their own namespace", () => {
    for (const svc of ["trigger-scheduler", "controller"]) {
      const role = named(run, "Role", `${svc}-leader-election`);
      assert.ok(
        role.rules.some((r: Inputs) => r.apiGroups.includes("coordination.k8s.io") && r.resources.includes("leases")),
      );
      const binding = named(run, "RoleBinding", `${svc}-leader-election`);
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: svc, namespace: NS }]);
      const env = (named(run, "Deployment", svc).spec.template.spec.containers[0].env as Inputs[]).map((e) => e.name);
      assert.ok(env.includes("LEADER_ELECTION_LEASE"));
    }
  });

  it("gives the Controller a Role only in the pipelines namespace, with no wildcard", () => {
    const roles = [...objects(run, "Role"), ...objects(run, "ClusterRole")] as (K8sObject & Inputs)[];
    const bindings = [...objects(run, "RoleBinding"), ...objects(run, "ClusterRoleBinding")] as (K8sObject & Inputs)[];
    const controllerBindings = bindings.filter((b) => b.subjects.some((s: Inputs) => s.name === "controller"));
    assert.ok(controllerBindings.every((b) => b.kind === "RoleBinding"));
    for (const b of controllerBindings) {
      const role = roles.find(
        (r) => r.metadata.name === b.roleRef.name && r.metadata.namespace === b.metadata.namespace,
      )!;
      assert.ok(["dp-pipelines", NS].includes(b.metadata.namespace!));
      if (b.metadata.namespace === NS)
        assert.ok(
          role.rules.every((r: Inputs) => !r.resources.includes("secrets")),
          "no Secrets outside pipelines",
        );
      for (const rule of role.rules) {
        assert.ok(
          !rule.verbs.includes("*") && !rule.resources.includes("*") && !rule.apiGroups.includes("*"),
          JSON.stringify(rule),
        );
      }
    }
    assert.ok(controllerBindings.some((b) => b.metadata.namespace === "dp-pipelines"));
  });

  it("lets exposed services take traffic from the gateway only, and everything from monitoring on metrics", () => {
    for (const svc of SERVICE_NAMES) {
      const policy = named(run, "NetworkPolicy", `${svc}-ingress`);
      const fromGateway = policy.spec.ingress.some((r: Inputs) =>
        r.from.some((f: Inputs) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] === "dp-gateway"),
      );
      assert.equal(fromGateway, CATALOG[svc].exposed, svc);
    }
  });

  it("lets services reach only the datastores they use", () => {
    const egress = named(run, "NetworkPolicy", "portal-egress");
    const dataPeers = egress.spec.egress
      .flatMap((r: Inputs) => r.to)
      .filter((t: Inputs) => t.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "dp-data");
    const labels = dataPeers.map((p: Inputs) => JSON.stringify(p.podSelector.matchLabels)).sort();
    assert.ok(!labels.some((l: string) => l.includes("mongodb") || l.includes("rabbitmq")), labels.join());
  });
});

describe("services config", () => {
  const parse = (extra: Record<string, unknown>) => parseStackFile(existingStack(extra));
  const problems = (extra: Record<string, unknown>) => {
    try {
      parse(extra);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    return assert.fail("accepted");
  };

  it("rejects min greater than max", () => {
    assert.match(
      problems({ services: { portal: { minReplicas: 8, maxReplicas: 4 } } }),
      /services\.portal: minReplicas \(8\) must be less than or equal to maxReplicas \(4\)/,
    );
  });

  it("rejects an unknown service name", () => {
    assert.match(
      problems({ services: { "trigger-ftp": { minReplicas: 3 } } }),
      /dedicated-platform:services: unknown field\(s\) "trigger-ftp"/,
    );
  });

  it("applies overrides and leaves disabled services out", async () => {
    const c = parse({
      services: { coordinator: { maxReplicas: 20, tag: "1.5.0" }, "trigger-email": { disabled: true } },
    });
    assert.equal(c.services.coordinator?.maxReplicas, 20);
    assert.equal(c.services.coordinator?.image, "registry.example.com/platform/coordinator:1.5.0");
    assert.equal(c.services["trigger-email"], undefined);
    const run = await runStack(
      existingStack({ services: { "trigger-email": { disabled: true } }, email: undefined, emailPassword: undefined }),
    );
    assert.equal(objects(run, "Deployment", NS).filter((d) => d.metadata.name === "trigger-email").length, 0);
  });

  it("requires the mail server while the Email trigger is enabled", () => {
    assert.match(
      problems({ email: undefined, emailPassword: undefined }),
      /dedicated-platform:email: required while trigger-email is enabled/,
    );
  });

  it("pins an image by digest when given", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    assert.equal(
      parse({ services: { portal: { digest } } }).services.portal?.image,
      `registry.example.com/platform/portal@${digest}`,
    );
  });
});
