/** Child of the benchmark: evaluates one stack file under mocks, then prints its peak RSS (KiB). */
import { runStack } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";

runStack(readStackFile(process.argv[2])).then(
  () => console.log(process.resourceUsage().maxRSS),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
