/** Rules for every pod the stack runs: the program's workloads and the charts'. */
import { containers, podSpec, WORKLOAD_KINDS } from "./pods";
import { nameOf, Resource, Rule, Stack, Violation } from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Namespaces whose Pod Security level is `privileged`: the node agents' (host access by design). */
function privilegedNamespaces(stack: Stack): Set<string> {
  return new Set(
    stack
      .objects("Namespace")
      .filter((n) => n.props.metadata?.labels?.["pod-security.kubernetes.io/enforce"] === "privileged")
      .map((n) => n.props.metadata.name),
  );
}

/** Each workload with its pod spec, outside the privileged namespaces unless `all`. */
function workloads(stack: Stack, all = false): { r: Resource; spec: Any }[] {
  const privileged = privilegedNamespaces(stack);
  return stack
    .objects(...WORKLOAD_KINDS)
    .map((r) => ({ r, spec: podSpec(r) }))
    .filter((w) => w.spec && (all || !privileged.has(w.r.props.metadata?.namespace)));
}

const perContainer = (stack: Stack, test: (c: Any, spec: Any) => string | undefined, all = false): Violation[] =>
  workloads(stack, all).flatMap(({ r, spec }) =>
    containers(spec)
      .map(({ path, c }) => {
        const problem = test(c, spec);
        return problem ? { urn: r.urn, message: `${nameOf(r)} ${path}: ${problem}` } : undefined;
      })
      .filter((v): v is Violation => v !== undefined),
  );

export const restrictedPods: Rule = {
  name: "pods-run-restricted",
  group: "workloads",
  description:
    "Every container outside the node-agents namespace runs as non-root, without privilege escalation, with every capability dropped and the runtime's seccomp profile (Pod Security `restricted`). Set them in the container's or pod's securityContext (lib/security-context.ts has the platform's).",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    perContainer(stack, (c, spec) => {
      const s = c.securityContext ?? {};
      const pod = spec.securityContext ?? {};
      const missing: string[] = [];
      if (s.privileged) missing.push("privileged");
      if (s.allowPrivilegeEscalation !== false) missing.push("allowPrivilegeEscalation is not false");
      if (!(s.capabilities?.drop ?? []).includes("ALL")) missing.push("capabilities do not drop ALL");
      if ((s.runAsNonRoot ?? pod.runAsNonRoot) !== true && !((s.runAsUser ?? pod.runAsUser) > 0))
        missing.push("not runAsNonRoot");
      const seccomp = (s.seccompProfile ?? pod.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") missing.push("no RuntimeDefault seccomp profile");
      return missing.length ? missing.join(", ") : undefined;
    }),
};

export const readOnlyRoot: Rule = {
  name: "read-only-root-filesystem",
  group: "workloads",
  description:
    "Containers run with a read-only root filesystem (`readOnlyRootFilesystem: true`, with an emptyDir for what they write), so a compromised process cannot change its own image.",
  severity: "medium",
  enforcementLevel: "advisory",
  check: (stack) =>
    perContainer(stack, (c) =>
      c.securityContext?.readOnlyRootFilesystem === true ? undefined : "root filesystem is writable",
    ),
};

export const resourcesSet: Rule = {
  name: "requests-and-limits",
  group: "workloads",
  description:
    "Every container requests CPU and memory and limits memory, so the scheduler, the quotas and the capacity model count it (set `resources`, or the chart's value for them).",
  severity: "medium",
  enforcementLevel: "mandatory",
  check: (stack) =>
    perContainer(
      stack,
      (c) => {
        const r = c.resources ?? {};
        const missing = [
          r.requests?.cpu === undefined && r.limits?.cpu === undefined ? "cpu request" : "",
          r.requests?.memory === undefined && r.limits?.memory === undefined ? "memory request" : "",
          r.limits?.memory === undefined ? "memory limit" : "",
        ].filter(Boolean);
        return missing.length ? `no ${missing.join(", ")}` : undefined;
      },
      true,
    ),
};

export const ephemeralStorage: Rule = {
  name: "ephemeral-storage-requested",
  group: "workloads",
  description:
    "Containers request and limit ephemeral storage, so a full node evicts the right pod and the node's disk is planned for.",
  severity: "low",
  enforcementLevel: "advisory",
  check: (stack) =>
    perContainer(
      stack,
      (c) =>
        c.resources?.requests?.["ephemeral-storage"] && c.resources?.limits?.["ephemeral-storage"]
          ? undefined
          : "no ephemeral-storage request and limit",
      true,
    ),
};

export const probesDiffer: Rule = {
  name: "probes-differ",
  group: "workloads",
  description:
    "A liveness probe identical to the readiness probe restarts a container that is only busy; give liveness a longer period or a cheaper endpoint.",
  severity: "low",
  enforcementLevel: "advisory",
  check: (stack) =>
    perContainer(
      stack,
      (c) => {
        if (!c.livenessProbe || !c.readinessProbe) return undefined;
        return JSON.stringify(c.livenessProbe) === JSON.stringify(c.readinessProbe)
          ? "liveness and readiness probes are identical"
          : undefined;
      },
      true,
    ),
};

export const noHostAccess: Rule = {
  name: "no-host-access",
  group: "workloads",
  description:
    "Only the node agents (their namespace enforces Pod Security `privileged`) use the host's network, PID or IPC namespace, host ports or hostPath volumes.",
  severity: "critical",
  enforcementLevel: "mandatory",
  check: (stack) =>
    workloads(stack).flatMap(({ r, spec }) => {
      const uses = [
        spec.hostNetwork ? "hostNetwork" : "",
        spec.hostPID ? "hostPID" : "",
        spec.hostIPC ? "hostIPC" : "",
        (spec.volumes ?? []).some((v: Any) => v.hostPath) ? "a hostPath volume" : "",
        containers(spec).some(({ c }) => (c.ports ?? []).some((p: Any) => p.hostPort)) ? "a hostPort" : "",
      ].filter(Boolean);
      return uses.length ? [{ urn: r.urn, message: `${nameOf(r)}: uses ${uses.join(", ")}` }] : [];
    }),
};

/** An image reference's registry host, tag and digest. */
export function parseImage(image: string): { registry: string; tag?: string; digest?: string } {
  const [rest, digest] = image.split("@");
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const path = hasRegistry ? rest.slice(slash + 1) : rest;
  const colon = path.lastIndexOf(":");
  return { registry: hasRegistry ? first : "docker.io", tag: colon > 0 ? path.slice(colon + 1) : undefined, digest };
}

export const imagesPinned: Rule = {
  name: "images-pinned",
  group: "workloads",
  description:
    "Every image names a version, by tag or digest, and never `latest`: a node that pulls again must get the same image (pins live in lib/versions.ts).",
  severity: "high",
  enforcementLevel: "mandatory",
  check: (stack) =>
    perContainer(
      stack,
      (c) => {
        if (typeof c.image !== "string") return "no image";
        const { tag, digest } = parseImage(c.image);
        if (digest) return undefined;
        if (!tag) return `image ${c.image} has no tag or digest`;
        return tag === "latest" ? `image ${c.image} is :latest` : undefined;
      },
      true,
    ),
};

/** Registries the pinned charts and images pull from (lib/versions.ts), besides the stack's own. */
export const PUBLIC_REGISTRIES = [
  "docker.io",
  "quay.io",
  "ghcr.io",
  "registry.k8s.io",
  "docker.elastic.co",
  "public.ecr.aws",
  "gcr.io",
  "registry.datadoghq.com",
];

/** The registry a container's image is pulled from ("" when the image is not a plain string). */
const registryOf = (c: Any) => (typeof c.image === "string" ? parseImage(c.image).registry : "");

export const imagesFromRegistries: Rule = {
  name: "images-from-known-registries",
  group: "workloads",
  description:
    "Images come from the stack's registries: its own (`images.registry`), its mirror (`mirror.registry`), or the public registries the pinned charts use. Anything else is an image nobody reviewed.",
  severity: "medium",
  enforcementLevel: "advisory",
  check: (stack) => {
    // The stack's own registries: those its program-declared workloads pull from.
    const own = new Set(
      workloads(stack, true)
        .filter(({ r }) => r.origin === "program")
        .flatMap(({ spec }) => containers(spec).map(({ c }) => registryOf(c))),
    );
    const known = new Set([...PUBLIC_REGISTRIES, ...own]);
    return perContainer(
      stack,
      (c) => {
        const registry = registryOf(c);
        return known.has(registry) ? undefined : `image ${c.image} is from ${registry}, not a registry of this stack`;
      },
      true,
    );
  },
};

export const tokensWhereUsed: Rule = {
  name: "service-account-token-where-used",
  group: "workloads",
  description:
    "A pod mounts a service-account token only when its account is bound to a Role or ClusterRole (it talks to the API); set `automountServiceAccountToken: false` otherwise.",
  severity: "low",
  enforcementLevel: "advisory",
  check: (stack) => {
    const bound = new Set(
      stack
        .objects("RoleBinding", "ClusterRoleBinding")
        .flatMap((b) =>
          (b.props.subjects ?? [])
            .filter((s: Any) => s.kind === "ServiceAccount")
            .map((s: Any) => `${s.namespace ?? b.props.metadata?.namespace}/${s.name}`),
        ),
    );
    const accounts = new Map(
      stack.objects("ServiceAccount").map((s) => [`${s.props.metadata?.namespace}/${s.props.metadata?.name}`, s.props]),
    );
    return workloads(stack, true).flatMap(({ r, spec }) => {
      const account = `${r.props.metadata?.namespace}/${spec.serviceAccountName ?? "default"}`;
      const mounted = spec.automountServiceAccountToken ?? accounts.get(account)?.automountServiceAccountToken ?? true;
      return mounted !== false && !bound.has(account)
        ? [{ urn: r.urn, message: `${nameOf(r)}: mounts the token of ${account}, which no binding gives any access` }]
        : [];
    });
  },
};

export const WORKLOAD_RULES = [
  restrictedPods,
  readOnlyRoot,
  resourcesSet,
  ephemeralStorage,
  probesDiffer,
  noHostAccess,
  imagesPinned,
  imagesFromRegistries,
  tokensWhereUsed,
];
