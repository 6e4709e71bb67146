/**
 * Child of the benchmark: the Pulumi runtime's own cost for a stack of N resources. Loads the SDKs,
 * sets the same mocks, and registers N trivial Kubernetes ConfigMaps under one provider; prints its
 * peak RSS (KiB). Comparing a stack with this shows what the program adds beyond registering its
 * resources.
 */
import * as k8s from "@pulumi/kubernetes";
import { setMocks } from "@pulumi/pulumi/runtime/mocks";

const count = Number(process.argv[2]);
const cloudSdk = process.argv[3];

async function main() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (cloudSdk) require(cloudSdk);
  await setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) });
  const provider = new k8s.Provider("floor", { kubeconfig: "unused" });
  const done: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const cm = new k8s.core.v1.ConfigMap(
      `cm-${i}`,
      { metadata: { name: `cm-${i}`, namespace: "floor" }, data: { i: String(i) } },
      { provider },
    );
    done.push(new Promise((res) => cm.urn.apply(res)));
  }
  await Promise.all(done);
  console.log(process.resourceUsage().maxRSS);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
