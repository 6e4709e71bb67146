/**
 * A regulated customer's own mirrors: every chart from their Helm repository, OCI registry or a
 * directory of chart archives, and every image from their registry. Without a mirror, charts come from
 * the repositories pinned in versions.ts and images from their upstream registries.
 *
 * Image paths on the mirror: the upstream path without its registry host (and, for Docker Hub, without
 * `docker.io/` and `library/`): `quay.io/opstree/redis:v7.0.15` is `<mirror>/opstree/redis:v7.0.15`,
 * `rabbitmq:4.1.4-management` is `<mirror>/rabbitmq:4.1.4-management`. That is the layout charts'
 * `global.imageRegistry` settings assume, and what a registry's per-upstream replication produces.
 */
import * as path from "node:path";
import type { ChartPin } from "./versions";

export interface Mirror {
  /**
   * Where charts come from: `https://` or `http://` (a Helm repository with an index.yaml), `oci://`
   * (an OCI registry, charts at `<url>/<chart>`), or an absolute directory of `<chart>-<version>.tgz`
   * archives. Never `file://`: the Kubernetes provider's Helm releases have no handler for it.
   */
  charts?: string;
  /** Registry host and path every image is pulled through, e.g. `registry.corp.example/mirror`. */
  registry?: string;
  /** Where operator release manifests are (a directory or URL), when `charts` is an OCI registry. */
  manifests?: string;
}

/** The chart, version and repository a Release takes for a pinned chart, through the mirror if any. */
export function chartSource(
  pin: ChartPin,
  mirror?: Mirror,
): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  const at = mirror?.charts;
  if (!at) return { chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo } };
  if (at.startsWith("oci://")) return { chart: `${at.replace(/\/+$/, "")}/${pin.chart}`, version: pin.version };
  if (/^https?:\/\//.test(at)) return { chart: pin.chart, version: pin.version, repositoryOpts: { repo: at } };
  return { chart: path.join(at, `${pin.chart}-${pin.version}.tgz`), version: pin.version };
}

/** An image reference's registry host, or undefined for Docker Hub. */
function registryHost(ref: string): string | undefined {
  const first = ref.split("/")[0];
  return ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : undefined;
}

/** The image's path on a mirror: without its registry host (Docker Hub: without `docker.io/` and `library/`). */
export function mirrorPath(ref: string): string {
  const host = registryHost(ref);
  const rest = host ? ref.slice(host.length + 1) : ref;
  return host === "docker.io" || !host ? rest.replace(/^library\//, "") : rest;
}

/** The reference to pull `ref` by: through the mirror when there is one, as it is otherwise. */
export const image = (ref: string, mirror?: Mirror) =>
  mirror?.registry ? `${mirror.registry}/${mirrorPath(ref)}` : ref;

/** A `{ repository, tag }` image value through the mirror. */
export const imageValue = (v: { repository: string; tag: string }, mirror?: Mirror) => ({
  repository: image(v.repository, mirror),
  tag: v.tag,
});

/**
 * Values that make a chart pull every image it deploys from the mirror, keyed by chart name. Each
 * names the chart's own image keys at the pinned version, with the chart's default repository.
 */
const CHART_IMAGES: Record<string, (r: (ref: string) => string, registry: string) => Record<string, unknown>> = {
  "aws-load-balancer-controller": (r) => ({
    image: { repository: r("public.ecr.aws/eks/aws-load-balancer-controller") },
  }),
  // cert-manager joins `imageRegistry` and each component's default repository path.
  "cert-manager": (_r, registry) => ({ imageRegistry: registry, imageNamespace: "jetstack" }),
  "cloudnative-pg": (r) => ({ image: { repository: r("ghcr.io/cloudnative-pg/cloudnative-pg") } }),
  "cluster-autoscaler": (r) => ({ image: { repository: r("registry.k8s.io/autoscaling/cluster-autoscaler") } }),
  "datadog-operator": (r) => ({ image: { repository: r("registry.datadoghq.com/operator") } }),
  "eck-operator": (r) => ({ image: { repository: r("docker.elastic.co/eck/eck-operator") } }),
  // FusionAuth's chart strips the upstream host itself when `global.imageRegistry` is set.
  fusionauth: (_r, registry) => ({ global: { imageRegistry: registry } }),
  keda: (_r, registry) => ({
    image: {
      keda: { registry, repository: "kedacore/keda" },
      metricsApiServer: { registry, repository: "kedacore/keda-metrics-apiserver" },
      webhooks: { registry, repository: "kedacore/keda-admission-webhooks" },
    },
  }),
  kong: (r) => ({ ingressController: { image: { repository: r("kong/kubernetes-ingress-controller") } } }),
  "kube-prometheus-stack": (_r, registry) => ({ global: { imageRegistry: registry } }),
  "metrics-server": (r) => ({ image: { repository: r("registry.k8s.io/metrics-server/metrics-server") } }),
  operator: (r) => ({ operator: { image: { repository: r("quay.io/minio/operator") } } }),
  "psmdb-operator": (r) => ({ image: { repository: r("percona/percona-server-mongodb-operator") } }),
  "redis-operator": (r) => ({ redisOperator: { imageName: r("quay.io/opstree/redis-operator") } }),
};

/** The image values a chart needs to pull from the mirror; empty without a registry mirror. */
export function chartImageValues(chart: string, mirror?: Mirror): Record<string, unknown> {
  if (!mirror?.registry) return {};
  const values = CHART_IMAGES[chart];
  if (!values) throw new Error(`lib/mirror.ts: chart ${chart} has no image mirror values (add them to CHART_IMAGES)`);
  return values((ref) => image(ref, mirror), mirror.registry);
}

/**
 * Where an operator's release manifest (versions.ts `MANIFESTS`) is read from: the upstream URL, or
 * `<mirror.charts>/manifests/<file name>` when charts come from a directory or a Helm repository (an
 * OCI registry holds no plain files: `mirror.manifests` then names the directory or URL).
 */
export function manifestSource(url: string, mirror?: Mirror): string {
  const base = mirror?.manifests ?? (mirror?.charts && !mirror.charts.startsWith("oci://") ? mirror.charts : undefined);
  if (!base) return url;
  const file = manifestFileName(url);
  return base.startsWith("/")
    ? path.join(base, mirror?.manifests ? "" : "manifests", file)
    : `${base.replace(/\/+$/, "")}${mirror?.manifests ? "" : "/manifests"}/${file}`;
}

/**
 * A release asset's name on a mirror, `<owner>-<asset>-<version>.yml`:
 * `rabbitmq/cluster-operator/…/v2.22.3/cluster-operator.yml` is `rabbitmq-cluster-operator-v2.22.3.yml`,
 * `cert-manager/cert-manager/…/v1.21.1/cert-manager.crds.yaml` is `cert-manager-crds-v1.21.1.yml`.
 */
export function manifestFileName(url: string): string {
  const m = url.match(/github\.com\/([^/]+)\/[^/]+\/releases\/download\/(v[^/]+)\/([^/]+?)\.ya?ml$/);
  if (!m) throw new Error(`lib/mirror.ts: no mirror name for manifest ${url}`);
  const asset = m[3].replace(/\./g, "-");
  return `${asset.startsWith(m[1]) ? asset : `${m[1]}-${asset}`}-${m[2]}.yml`;
}

/** A manifest object with every container image pulled through the mirror (the ConfigFile's transform). */
export function mirrorManifestObject<T>(obj: T, mirror?: Mirror): T {
  if (!mirror?.registry) return obj;
  const o = obj as {
    spec?: { template?: { spec?: { containers?: { image: string }[]; initContainers?: { image: string }[] } } };
  };
  const pod = o.spec?.template?.spec;
  if (!pod) return obj;
  const rewrite = (cs?: { image: string }[]) => cs?.map((c) => ({ ...c, image: image(c.image, mirror) }));
  return {
    ...o,
    spec: {
      ...o.spec,
      template: {
        ...o.spec!.template,
        spec: {
          ...pod,
          containers: rewrite(pod.containers),
          ...(pod.initContainers ? { initContainers: rewrite(pod.initContainers) } : {}),
        },
      },
    },
  } as T;
}
