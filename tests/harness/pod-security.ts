/**
 * The Kubernetes Pod Security Standards, as the PodSecurity admission plugin applies them to a pod
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/, policy version `latest`),
 * over every pod template of a workload: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
 * CronJobs and bare Pods, with init and ephemeral containers. The admission plugin checks the pods a
 * controller creates, so a Deployment that breaks its namespace's level is accepted and its pods are
 * refused: these checks find that before anything is deployed.
 */
import type { K8sObject } from "./query";

export type Level = "privileged" | "baseline" | "restricted";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** The pod spec a workload creates pods from, or undefined for objects that create no pods. */
export function podSpecOf(o: K8sObject): Any | undefined {
  const spec = o.spec as Any;
  switch (o.kind) {
    case "Pod":
      return spec;
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return spec?.template?.spec;
    case "CronJob":
      return spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

/** The metadata of the pods a workload creates (annotations carry AppArmor profiles on old clusters). */
function podMetaOf(o: K8sObject): Any {
  const spec = o.spec as Any;
  if (o.kind === "Pod") return o.metadata;
  if (o.kind === "CronJob") return spec?.jobTemplate?.spec?.template?.metadata ?? {};
  return spec?.template?.metadata ?? {};
}

const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
  "name",
]);

const containersOf = (spec: Any): { kind: string; c: Any }[] => [
  ...(spec.initContainers ?? []).map((c: Any) => ({ kind: "initContainer", c })),
  ...(spec.containers ?? []).map((c: Any) => ({ kind: "container", c })),
  ...(spec.ephemeralContainers ?? []).map((c: Any) => ({ kind: "ephemeralContainer", c })),
];

/** Every rule of `level` the pod template breaks, each naming the field (empty when it passes). */
export function podSecurityViolations(o: K8sObject, level: Level): string[] {
  const spec = podSpecOf(o);
  if (!spec || level === "privileged") return [];
  const meta = podMetaOf(o);
  const out: string[] = [];
  const psc: Any = spec.securityContext ?? {};
  const all = containersOf(spec);
  const where = (x: { kind: string; c: Any }) => `${x.kind} ${x.c.name}`;

  // Baseline.
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[f]) out.push(`${f}: true`);
  if (psc.windowsOptions?.hostProcess) out.push("securityContext.windowsOptions.hostProcess");
  for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`volume ${v.name}: hostPath`);
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`sysctl ${s.name} is not in the safe set`);
  const seLinuxOk = (se: Any) =>
    !se ||
    ((!se.type || ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"].includes(se.type)) &&
      !se.user &&
      !se.role);
  if (!seLinuxOk(psc.seLinuxOptions)) out.push("securityContext.seLinuxOptions");
  if (psc.seccompProfile?.type === "Unconfined") out.push("securityContext.seccompProfile.type: Unconfined");
  if (psc.appArmorProfile?.type === "Unconfined") out.push("securityContext.appArmorProfile.type: Unconfined");
  for (const [k, v] of Object.entries((meta?.annotations ?? {}) as Record<string, string>)) {
    if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v === "unconfined")
      out.push(`annotation ${k}: unconfined`);
  }
  for (const x of all) {
    const sc: Any = x.c.securityContext ?? {};
    if (sc.privileged) out.push(`${where(x)}: privileged`);
    if (sc.windowsOptions?.hostProcess) out.push(`${where(x)}: hostProcess`);
    for (const cap of sc.capabilities?.add ?? [])
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${where(x)}: adds capability ${cap}`);
    for (const p of x.c.ports ?? []) if (p.hostPort) out.push(`${where(x)}: hostPort ${p.hostPort}`);
    if (!seLinuxOk(sc.seLinuxOptions)) out.push(`${where(x)}: seLinuxOptions`);
    if (sc.procMount && sc.procMount !== "Default") out.push(`${where(x)}: procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === "Unconfined") out.push(`${where(x)}: seccompProfile Unconfined`);
    if (sc.appArmorProfile?.type === "Unconfined") out.push(`${where(x)}: appArmorProfile Unconfined`);
  }
  if (level === "baseline") return out;

  // Restricted.
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => !RESTRICTED_VOLUMES.has(k));
    if (type) out.push(`volume ${v.name}: type ${type} is not allowed`);
  }
  const podSeccomp = psc.seccompProfile?.type;
  for (const x of all) {
    const sc: Any = x.c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false)
      out.push(`${where(x)}: securityContext.allowPrivilegeEscalation must be false`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) out.push(`${where(x)}: runAsNonRoot must be true (container or pod)`);
    if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push(`${where(x)}: runAsUser 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      out.push(`${where(x)}: seccompProfile.type must be RuntimeDefault or Localhost (container or pod)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) out.push(`${where(x)}: capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? [])
      if (cap !== "NET_BIND_SERVICE")
        out.push(`${where(x)}: adds capability ${cap} (restricted allows NET_BIND_SERVICE only)`);
  }
  if (psc.runAsUser === 0) out.push("securityContext.runAsUser 0");
  return out;
}
