/**
 * Child of the benchmark: evaluates one stack file under mocks, then prints its resource count and peak
 * RSS (KiB). With a second argument, also writes the stack's registrations there as JSON, for the
 * registration floor (`bench-replay.ts`).
 */
import * as fs from "node:fs";
import { runStack } from "../tests/harness/run-stack";
import { readStackFile } from "../tests/harness/stack-file";
import type { Registration } from "./bench-replay";

const [stackFile, registrationsFile] = process.argv.slice(2);

runStack(readStackFile(stackFile)).then(
  (run) => {
    if (registrationsFile) {
      const registrations: Registration[] = run.resources.map(
        ({ type, name, urn, parent, provider, custom, inputs, aliasCount }) => ({
          type,
          name,
          urn,
          parent,
          provider,
          custom,
          inputs,
          aliasCount,
        }),
      );
      fs.writeFileSync(registrationsFile, JSON.stringify(registrations));
    }
    // Second-last line: how many resources the stack declared (the runtime floor registers as many).
    console.log(`${run.resources.length}\n${process.resourceUsage().maxRSS}`);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
