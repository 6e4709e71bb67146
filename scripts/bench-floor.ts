/**
 * Child of the benchmark: the Pulumi runtime's own cost for a stack of N resources. Loads the SDKs and
 * runs, through the same harness as the stacks (same mocks, same capture), a program that registers N
 * trivial Kubernetes ConfigMaps under one provider; prints its peak RSS (KiB). Comparing a stack with
 * this shows what the program adds beyond registering its resources.
 */
import * as k8s from "@pulumi/kubernetes";
import { runProgram } from "../tests/harness/run-stack";

const count = Number(process.argv[2]);
const cloudSdk = process.argv[3];

async function trivialResources(): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (cloudSdk) require(cloudSdk);
  const provider = new k8s.Provider("floor", { kubeconfig: "unused" });
  for (let i = 1; i < count; i++) {
    new k8s.core.v1.ConfigMap(
      `cm-${i}`,
      { metadata: { name: `cm-${i}`, namespace: "floor" }, data: { i: String(i) } },
      { provider },
    );
  }
  return {};
}

runProgram({ config: {} }, trivialResources).then(
  (run) => console.log(`${run.resources.length}\n${process.resourceUsage().maxRSS}`),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
