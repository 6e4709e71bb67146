/** Child of the benchmark: evaluates one stack file under mocks, then prints its resource count and peak RSS (KiB). */
import { runStack } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";

runStack(readStackFile(process.argv[2])).then(
  // Second-last line: how many resources the stack declared (the runtime floor registers as many).
  (run) => console.log(`${run.resources.length}\n${process.resourceUsage().maxRSS}`),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
