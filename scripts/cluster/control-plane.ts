/**
 * A real Kubernetes control plane on this machine, for tests and by hand: etcd, kube-apiserver (RBAC,
 * the default admission plugins, PodSecurity among them), kube-controller-manager and kube-scheduler,
 * built by scripts/setup-tools.sh. Every process listens on 127.0.0.1 only, on ports picked free at
 * start (two runs never collide), logs into the run's directory, and is stopped by the PID it was
 * started with, never by name.
 *
 *   DP_CLUSTER_BIN   a directory with prebuilt kube-apiserver, kube-controller-manager, kube-scheduler
 *                    and kubectl (default: the setup script's cache)
 *   DP_ETCD_BIN      a directory with a prebuilt etcd (default: the setup script's cache)
 *   DP_KWOK_BIN      a directory with a prebuilt kwok (default: the setup script's cache)
 *
 * `startKwok` adds KWOK, which plays the kubelet for simulated nodes: pods scheduled there become
 * Running without containers, as the stages file says.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import toolVersions from "../../lib/tool-versions.json";

const cache = () => process.env.DP_TOOLS_CACHE ?? path.join(os.homedir(), ".cache/dedicated-platform/tools");
export const kubeBin = () =>
  process.env.DP_CLUSTER_BIN ?? path.join(cache(), `kubernetes-${toolVersions.kubernetes}/bin`);
const etcdBin = () => process.env.DP_ETCD_BIN ?? path.join(cache(), `etcd-${toolVersions.etcd}/bin`);
const kwokBin = () => process.env.DP_KWOK_BIN ?? path.join(cache(), `kwok-${toolVersions.kwok}/bin`);

/** The label that hands a node to KWOK (the simulated kubelet). */
export const KWOK_NODE_LABEL = "dedicated-platform.test/kwok";

/** Why the control plane cannot run here, or undefined when it can. */
export function controlPlaneUnavailable(): string | undefined {
  for (const [dir, names] of [
    [kubeBin(), ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"]],
    [etcdBin(), ["etcd"]],
    [kwokBin(), ["kwok"]],
  ] as const) {
    for (const n of names)
      if (!fs.existsSync(path.join(dir, n)))
        return `no ${n} in ${dir} (run scripts/setup-tools.sh, or set DP_CLUSTER_BIN/DP_ETCD_BIN)`;
  }
  try {
    execFileSync("openssl", ["version"], { stdio: "pipe" });
  } catch {
    return "no openssl (it makes the cluster's certificates)";
  }
  return undefined;
}

/** What a running control plane is: where its files are, its ports, and the PIDs to stop. */
export interface ControlPlane {
  dir: string;
  kubeconfig: string;
  server: string;
  pids: Record<string, number>;
}

const STATE = "control-plane.json";

/** A free TCP port on 127.0.0.1 (bound and released; the kernel does not hand it out again at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function openssl(dir: string, ...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** A key and a certificate signed by the run's CA: `<name>.key`, `<name>.crt`, with the given extensions. */
function issue(dir: string, name: string, subject: string, extensions: string) {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  );
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  );
}

/** A CA, the API server's serving certificate, an admin client certificate and the service-account keys. */
function makeCertificates(dir: string) {
  openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=dp-test-ca",
  );
  const sans = [
    "IP:127.0.0.1",
    "IP:10.0.0.1",
    "DNS:localhost",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
  ];
  issue(dir, "apiserver", "/CN=kube-apiserver", `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth\n`);
  // system:masters: the test harness acts as a cluster administrator, as the deployer does.
  issue(dir, "admin", "/O=system:masters/CN=dp-test-admin", "extendedKeyUsage=clientAuth\n");
  openssl(dir, "genrsa", "-out", "sa.key", "2048");
  openssl(dir, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
}

function kubeconfigFor(dir: string, server: string): string {
  const file = path.join(dir, "admin.kubeconfig");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: dp-test\n  cluster:\n    server: ${server}\n    certificate-authority: ${path.join(dir, "ca.crt")}`,
      "users:",
      `- name: admin\n  user:\n    client-certificate: ${path.join(dir, "admin.crt")}\n    client-key: ${path.join(dir, "admin.key")}`,
      "contexts:",
      "- name: dp-test\n  context:\n    cluster: dp-test\n    user: admin",
      "current-context: dp-test",
      "",
    ].join("\n"),
  );
  return file;
}

/** Starts a process detached into its own process group, its output into `<dir>/logs/<name>.log`. */
function start(dir: string, name: string, bin: string, args: string[]): number {
  fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
  const log = fs.openSync(path.join(dir, "logs", `${name}.log`), "a");
  const child = spawn(bin, args, { detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name}`);
  return child.pid;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** kubectl against the control plane; returns stdout, throws with stderr. */
export function kubectl(cp: ControlPlane, args: string[], input?: string): string {
  try {
    return execFileSync(path.join(kubeBin(), "kubectl"), ["--kubeconfig", cp.kubeconfig, ...args], {
      input,
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 256 << 20,
    }).toString();
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`kubectl ${args.join(" ")}: ${err.stderr?.toString().trim() || err.stdout?.toString().trim()}`);
  }
}

async function waitFor(what: string, test: () => boolean, seconds: number, cp: ControlPlane) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (test()) return;
    for (const [name, pid] of Object.entries(cp.pids))
      if (!alive(pid))
        throw new Error(`${name} (pid ${pid}) exited while waiting for ${what}; see ${cp.dir}/logs/${name}.log`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; logs in ${cp.dir}/logs`);
}

/**
 * Starts etcd, the API server, the controller-manager and the scheduler in a new directory. With
 * `stopOnExit` (the default, as tests want), they are stopped when this process exits or is
 * interrupted, even when whoever started them never gets to call `down`.
 */
export async function up(
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-cluster-")),
  { stopOnExit = true }: { stopOnExit?: boolean } = {},
): Promise<ControlPlane> {
  const reason = controlPlaneUnavailable();
  if (reason) throw new Error(reason);
  fs.mkdirSync(dir, { recursive: true });
  makeCertificates(dir);
  const [etcdPort, peerPort, apiPort, cmPort, schedPort] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const server = `https://127.0.0.1:${apiPort}`;
  const cp: ControlPlane = { dir, kubeconfig: kubeconfigFor(dir, server), server, pids: {} };
  const save = () => fs.writeFileSync(path.join(dir, STATE), JSON.stringify(cp, null, 2));
  if (stopOnExit) stopWithThisProcess(cp);
  try {
    cp.pids.etcd = start(dir, "etcd", path.join(etcdBin(), "etcd"), [
      "--name=dp-test",
      `--data-dir=${path.join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=dp-test=http://127.0.0.1:${peerPort}`,
      "--listen-metrics-urls=",
      "--unsafe-no-fsync", // a throwaway test store: durability buys nothing here
    ]);
    save();
    const f = (n: string) => path.join(dir, n);
    cp.pids["kube-apiserver"] = start(dir, "kube-apiserver", path.join(kubeBin(), "kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${f("apiserver.crt")}`,
      `--tls-private-key-file=${f("apiserver.key")}`,
      `--client-ca-file=${f("ca.crt")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${f("sa.pub")}`,
      `--service-account-signing-key-file=${f("sa.key")}`,
      "--service-cluster-ip-range=10.0.0.0/16",
      "--authorization-mode=Node,RBAC",
      "--allow-privileged=true",
      "--profiling=false",
      // A test server: stop at once on SIGTERM instead of draining for a load balancer.
      "--shutdown-delay-duration=0s",
    ]);
    save();
    await waitFor(
      "the API server to be ready",
      () => {
        try {
          return kubectl(cp, ["get", "--raw", "/readyz"]).trim() === "ok";
        } catch {
          return false;
        }
      },
      90,
      cp,
    );
    cp.pids["kube-controller-manager"] = start(
      dir,
      "kube-controller-manager",
      path.join(kubeBin(), "kube-controller-manager"),
      [
        `--kubeconfig=${cp.kubeconfig}`,
        `--authentication-kubeconfig=${cp.kubeconfig}`,
        `--authorization-kubeconfig=${cp.kubeconfig}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${cmPort}`,
        `--service-account-private-key-file=${f("sa.key")}`,
        `--root-ca-file=${f("ca.crt")}`,
        `--cluster-signing-cert-file=${f("ca.crt")}`,
        `--cluster-signing-key-file=${f("ca.key")}`,
        "--use-service-account-credentials=true",
        "--leader-elect=false",
      ],
    );
    cp.pids["kube-scheduler"] = start(dir, "kube-scheduler", path.join(kubeBin(), "kube-scheduler"), [
      `--kubeconfig=${cp.kubeconfig}`,
      `--authentication-kubeconfig=${cp.kubeconfig}`,
      `--authorization-kubeconfig=${cp.kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${schedPort}`,
      "--leader-elect=false",
    ]);
    save();
    return cp;
  } catch (e) {
    down(cp);
    throw e;
  }
}

/**
 * Starts KWOK for the nodes labelled KWOK_NODE_LABEL=true, with the given Stage file. It renews each
 * node's lease, so the node controller keeps them Ready; it serves nothing (no server address).
 */
export function startKwok(cp: ControlPlane, stagesFile: string): void {
  cp.pids.kwok = start(cp.dir, "kwok", path.join(kwokBin(), "kwok"), [
    `--kubeconfig=${cp.kubeconfig}`,
    `--config=${stagesFile}`,
    `--manage-nodes-with-label-selector=${KWOK_NODE_LABEL}=true`,
    "--node-lease-duration-seconds=40",
    "--cidr=10.244.0.0/16",
    "--node-ip=10.240.0.1",
  ]);
  fs.writeFileSync(path.join(cp.dir, STATE), JSON.stringify(cp, null, 2));
}

/** Stops the control plane when this process exits, or on SIGINT/SIGTERM (then exits as it would have). */
function stopWithThisProcess(cp: ControlPlane) {
  process.once("exit", () => down(cp));
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      down(cp);
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    });
}

/** Stops every process of a control plane by the PID it was started with (its process group). */
export function down(cp: ControlPlane): void {
  for (const [, pid] of Object.entries(cp.pids).reverse()) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  const until = Date.now() + 10_000;
  for (const pid of Object.values(cp.pids)) {
    while (alive(pid) && Date.now() < until) execFileSync("sleep", ["0.1"]);
    if (alive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
      const killed = Date.now() + 2_000;
      while (alive(pid) && Date.now() < killed) execFileSync("sleep", ["0.1"]);
    }
  }
}

/** The control plane recorded in a directory (by `up`). */
export function load(dir: string): ControlPlane {
  return JSON.parse(fs.readFileSync(path.join(dir, STATE), "utf8")) as ControlPlane;
}

/** `name: running|stopped (pid)` for every process of a control plane. */
export function status(cp: ControlPlane): string[] {
  return Object.entries(cp.pids).map(([name, pid]) => `${name}: ${alive(pid) ? "running" : "stopped"} (pid ${pid})`);
}
