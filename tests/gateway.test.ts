/** Kong and FusionAuth: the front door, authentication and rate limiting. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { ROUTED } from "../config/schema";
import { STACKS_DIR, existingStack, withConfig, configProblems } from "./fixtures";
import { Inputs, isSecretAt, named, objects, ofType, resourceOf } from "./harness/query";
import { runStack, StackRun } from "./harness/run-stack";
import { readStackFile } from "./harness/stack-file";
import { chartsUnavailable } from "./harness/charts";
import { deployedObjects } from "./harness/deployed";

const GKE = path.join(STACKS_DIR, "Pulumi.globex-gke.yaml");

const release = (run: StackRun, chart: string) => {
  const r = ofType(run, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === chart);
  assert.ok(r, `no ${chart} release`);
  return r.inputs as Inputs;
};
const pluginsOf = (ing: Inputs) => String(ing.metadata.annotations["konghq.com/plugins"]).split(",");

describe("gateway on GKE", () => {
  let run: StackRun;
  before(async () => {
    run = await runStack(readStackFile(GKE));
  });

  it("runs open-source Kong 3.9 on Postgres with 3+ replicas, an HPA, a PDB and zone spread", () => {
    const v = release(run, "kong").values;
    assert.equal(v.image.repository, "kong");
    assert.match(v.image.tag, /^3\.9\./);
    assert.equal(v.env.database, "postgres");
    assert.equal(v.env.pg_host, "postgres-rw.dp-data.svc.cluster.local");
    assert.equal(v.env.pg_database, "kong");
    assert.ok(v.env.pg_password.valueFrom.secretKeyRef, "the password comes from a Secret");
    assert.equal(v.postgresql.enabled, false, "no bundled (Bitnami) Postgres");
    assert.deepEqual([v.migrations.preUpgrade, v.migrations.postUpgrade], [true, true]);
    assert.ok(v.replicaCount >= 3);
    assert.ok(
      v.autoscaling.enabled && v.autoscaling.minReplicas >= 3 && v.autoscaling.minReplicas <= v.autoscaling.maxReplicas,
    );
    assert.equal(v.podDisruptionBudget.enabled, true);
    assert.equal(v.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    assert.equal(v.ingressController.enabled, true);
  });

  it("never exposes the Admin API or Manager, and no route leads to them", () => {
    const v = release(run, "kong").values;
    assert.equal(v.admin.enabled, false, "no Admin API Service at all");
    assert.equal(v.manager.enabled, false);
    for (const ing of objects(run, "Ingress") as Inputs[]) {
      for (const rule of ing.spec.rules) {
        for (const p of rule.http.paths) {
          assert.ok(
            ![8001, 8444, 8002, 8445].includes(p.backend.service.port.number),
            `${ing.metadata.name} routes to a Kong admin port`,
          );
          assert.ok(!String(p.backend.service.name).startsWith("kong-"), `${ing.metadata.name} routes to Kong itself`);
        }
      }
    }
  });

  it("puts the proxy behind the cloud's public load balancer", () => {
    const v = release(run, "kong").values;
    assert.equal(v.proxy.type, "LoadBalancer");
    assert.deepEqual(v.proxy.annotations, { "cloud.google.com/l4-rbs": "enabled" });
  });

  it("routes every exposed service over HTTPS with an auth plugin and a rate limit", () => {
    for (const svc of ROUTED) {
      const ing = named(run, "Ingress", svc, "dp-services");
      assert.equal(ing.spec.ingressClassName, "kong");
      assert.equal(ing.spec.tls[0].secretName, "platform-tls");
      assert.equal(ing.metadata.annotations?.["konghq.com/protocols"], "https");
      assert.equal(ing.metadata.annotations?.["konghq.com/https-redirect-status-code"], "301");
      const attached = pluginsOf(ing).map((p) => named(run, "KongPlugin", p, "dp-services").plugin);
      assert.ok(
        attached.some((p) => p === "jwt" || p === "key-auth"),
        `${svc} has no auth plugin`,
      );
      assert.ok(attached.includes("rate-limiting"), `${svc} has no rate limit`);
    }
    assert.equal(named(run, "Ingress", "coordinator", "dp-services").spec.rules[0].http.paths[0].path, "/admin-api");
  });

  it("checks FusionAuth JWTs on the Portal and Coordinator, API keys on triggers by default", () => {
    for (const svc of ["portal", "coordinator"])
      assert.ok(pluginsOf(named(run, "Ingress", svc, "dp-services")).includes("jwt-auth"));
    for (const svc of ["trigger-http", "trigger-rest", "trigger-http-file"]) {
      assert.ok(pluginsOf(named(run, "Ingress", svc, "dp-services")).includes("key-auth"), svc);
    }
    const credential = named(run, "Secret", "fusionauth-jwt", "dp-services");
    assert.equal(credential.metadata.labels!["konghq.com/credential"], "jwt");
    assert.equal(credential.stringData.key, "https://auth.platform.globex.example");
    assert.equal(credential.stringData.algorithm, "RS256");
    const key = ofType(run, "tls:index/privateKey:PrivateKey")[0];
    assert.match(credential.stringData.rsa_public_key, new RegExp(`mock-public-key-${key.name}`));
    const triggerKey = named(run, "Secret", "trigger-clients-key", "dp-services");
    assert.ok(isSecretAt(resourceOf(run, triggerKey), "stringData.key"));
  });

  it("rate-limits through the shared Redis, with limits from config", () => {
    const rl = named(run, "KongPlugin", "trigger-http-rate-limit", "dp-services");
    assert.equal(rl.config.policy, "redis");
    assert.equal(rl.config.second, 200);
    assert.equal(rl.config.redis.host, "redis-master.dp-data.svc.cluster.local");
    assert.deepEqual(rl.configPatches[0].path, "/redis/password");
    assert.equal(rl.configPatches[0].valueFrom.secretKeyRef.name, "kong-rate-limit-redis");
    assert.equal(named(run, "KongPlugin", "coordinator-rate-limit", "dp-services").config.minute, 600);
  });

  it("limits upload size on HTTP-File, allows CORS for the Portal, and exports Prometheus metrics", () => {
    const size = named(run, "KongPlugin", "trigger-http-file-size-limit", "dp-services");
    assert.deepEqual(
      [size.plugin, size.config.allowed_payload_size, size.config.size_unit],
      ["request-size-limiting", 100, "megabytes"],
    );
    const cors = named(run, "KongPlugin", "portal-cors", "dp-services");
    assert.deepEqual(cors.config.origins, ["https://platform.globex.example"]);
    const prom = named(run, "KongClusterPlugin", "prometheus");
    assert.equal(prom.metadata.labels!.global, "true");
  });

  it("issues the certificates with cert-manager for every routed host", () => {
    const cert = named(run, "Certificate", "platform-tls", "dp-services");
    assert.deepEqual(cert.spec.dnsNames, ["platform.globex.example"]);
    assert.equal(
      named(run, "Certificate", "platform-tls", "dp-identity").spec.dnsNames[0],
      "auth.platform.globex.example",
    );
    const issuer = named(run, "ClusterIssuer", "platform-acme");
    assert.equal(issuer.spec.acme.email, "platform-ops@globex.example");
  });

  it("runs FusionAuth on Postgres with the database search engine, 3 replicas, a PDB and zone spread", () => {
    const v = release(run, "fusionauth").values;
    assert.equal(v.search.engine, "database");
    assert.equal(v.database.host, "postgres-rw.dp-data.svc.cluster.local");
    assert.equal(v.database.name, "fusionauth");
    assert.deepEqual(v.database.dbUser, {
      username: "fusionauth",
      existingSecret: { enabled: true, name: "fusionauth-database", passwordKey: "password" },
    });
    assert.equal(v.replicaCount, 3);
    assert.equal(v.podDisruptionBudget.enabled, true);
    assert.equal(v.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
  });

  it("sets FusionAuth up as code, with no secret in the kickstart file", () => {
    const v = release(run, "fusionauth").values;
    const text: string = v.kickstart.data["kickstart.json"];
    const k = JSON.parse(text);
    const urls = k.requests.map((r: Inputs) => r.url);
    assert.ok(urls.includes("/api/key/import/#{signingKeyId}"));
    assert.ok(urls.some((u: string) => u.startsWith("/api/application/")));
    assert.ok(urls.some((u: string) => u.startsWith("/api/tenant/")));
    assert.doesNotMatch(text, /mock-random|PRIVATE KEY/);
    assert.equal(k.variables.adminPassword, "#{ENV.FA_ADMIN_PASSWORD}");
    const bootstrap = named(run, "Secret", "fusionauth-bootstrap", "dp-identity");
    assert.ok(isSecretAt(resourceOf(run, bootstrap), "stringData.signingPrivateKey"));
  });

  it("reaches FusionAuth's admin UI only from the allow-list", () => {
    const admin = named(run, "Ingress", "fusionauth-admin", "dp-identity");
    assert.equal(admin.spec.rules[0].http.paths[0].path, "/admin");
    const allow = named(run, "KongPlugin", pluginsOf(admin)[0], "dp-identity");
    assert.equal(allow.plugin, "ip-restriction");
    assert.deepEqual(allow.config.allow, ["198.51.100.0/24"]);
  });

  it("lets the gateway reach only the routed services, FusionAuth, Redis and its Postgres", () => {
    const egress = named(run, "NetworkPolicy", "kong-egress", "dp-gateway");
    const peers = egress.spec.egress
      .flatMap((r: Inputs) => r.to)
      .filter((t: Inputs) => t.namespaceSelector)
      .map(
        (t: Inputs) =>
          `${t.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}:${Object.values(t.podSelector.matchLabels).join("/")}`,
      );
    assert.ok(peers.includes("dp-data:postgres"));
    assert.ok(peers.includes("dp-data:redis"));
    assert.ok(
      !peers.some((p: string) => p.includes("mongodb") || p.includes("rabbitmq") || p.includes("controller")),
      peers.join(),
    );
  });
});

describe("gateway variants", () => {
  it("gives the proxy a NodePort Service where the cluster has no load balancer, so nothing waits for an address", async (t) => {
    const run = await runStack(
      existingStack({
        gateway: {
          domain: "platform.testco.example",
          serviceType: "NodePort",
          tls: { acmeEmail: "ops@testco.example" },
        },
      }),
    );
    const proxy = release(run, "kong").values.proxy;
    assert.equal(proxy.type, "NodePort");
    assert.deepEqual(proxy.annotations, {});
    assert.equal(release(await runStack(existingStack()), "kong").values.proxy.type, "LoadBalancer");
    if (chartsUnavailable()) return t.skip(chartsUnavailable());
    // What the real chart makes of it: no Service of type LoadBalancer anywhere in the release.
    const services = deployedObjects(run).objects.filter(
      (d) => d.source.name === "kong" && d.object.kind === "Service",
    );
    assert.ok(services.length > 0);
    assert.ok(services.every((d) => (d.object.spec as Inputs).type !== "LoadBalancer"));
    assert.ok(services.some((d) => (d.object.spec as Inputs).type === "NodePort"));
  });

  it("uses an internal load balancer when the config says so", async () => {
    const run = await runStack(
      withConfig(readStackFile(GKE), {
        gateway: {
          domain: "platform.globex.example",
          loadBalancer: "internal",
          tls: { acmeEmail: "a@globex.example" },
        },
      }),
    );
    assert.deepEqual(release(run, "kong").values.proxy.annotations, {
      "networking.gke.io/load-balancer-type": "Internal",
    });
  });

  it("uses a supplied TLS Secret without cert-manager, and JWTs on triggers when asked", async () => {
    const run = await runStack(readStackFile(path.join(STACKS_DIR, "Pulumi.acme-onprem.yaml")));
    assert.equal(named(run, "Ingress", "portal", "dp-services").spec.tls[0].secretName, "acme-wildcard-tls");
    assert.equal(objects(run, "Certificate").length, 0);
    assert.equal(objects(run, "ClusterIssuer").length, 0);
    // cert-manager itself is installed with the operators (the RabbitMQ operator needs it), not for TLS.
    const certManager = ofType(run, "kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "cert-manager");
    assert.equal(certManager.length, 1);
    assert.match(
      certManager[0].urn,
      /dedicated-platform:data:Operators\$kubernetes:helm.sh\/v3:Release::acme-data-operators-cert-manager$/,
    );
    assert.ok(pluginsOf(named(run, "Ingress", "trigger-http", "dp-services")).includes("jwt-auth"));
  });

  it("leaves routes out for disabled services", async () => {
    const run = await runStack(existingStack({ services: { "trigger-rest": { disabled: true } } }));
    assert.equal(objects(run, "Ingress", "dp-services").filter((i) => i.metadata.name === "trigger-rest").length, 0);
  });
});

describe("gateway config errors", () => {
  const problems = (gateway: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    configProblems(existingStack({ gateway, ...extra }));
  const base = { domain: "platform.testco.example", tls: { acmeEmail: "ops@testco.example" } };

  it("rejects a route for a disabled service", () => {
    const msg = problems(
      { ...base, routes: { "trigger-rest": { path: "/rest" } } },
      { services: { "trigger-rest": { disabled: true } } },
    );
    assert.match(msg, /a route or rate limit for "trigger-rest", which is disabled/);
  });

  it("rejects an invalid domain", () => {
    assert.match(
      problems({ ...base, domain: "Not A Domain" }),
      /gateway\.domain = "Not A Domain": expected a lower-case DNS name/,
    );
  });

  it("rejects a rate limit of zero", () => {
    assert.match(
      problems({ ...base, rateLimits: { portal: { perSecond: 0 } } }),
      /gateway\.rateLimits\.portal\.perSecond = 0: a rate limit must be at least 1/,
    );
  });

  it("needs the ACME email for cert-manager and the Secret name for secret mode", () => {
    assert.match(problems({ domain: "a.example.com" }), /gateway\.tls\.acmeEmail: required/);
    assert.match(problems({ domain: "a.example.com", tls: { mode: "secret" } }), /gateway\.tls\.secretName: required/);
  });
});
