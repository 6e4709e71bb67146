/**
 * Runs the real program (`index.ts`) under `pulumi.runtime.setMocks` for a given stack config and
 * captures every resource it declares: type, name, URN, parent, provider, options and inputs.
 * No CLI, no credentials, no network.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setAllConfig } from "@pulumi/pulumi/runtime/config";
import { setMocks } from "@pulumi/pulumi/runtime/mocks";
import { StackFile, toStackConfig } from "./stack-file";
import { mockCall, mockResourceState } from "./mock-state";
import { withoutPromiseStacks } from "./promise-stacks";

/* eslint-disable @typescript-eslint/no-require-imports */
// SDK modules by path, not through `pulumi.runtime`, whose index also loads the closure serializer
// (and TypeScript): the benchmark would count it. Internal ones because the public mocks API does
// not pass parents or resource options to tests.
const settings = require("@pulumi/pulumi/runtime/settings") as {
  getMonitor(): { registerResource: (req: RegisterRequest, cb: Callback) => Promise<void> };
  waitForRPCs(): Promise<void>;
};
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(s: unknown, keepUnknowns?: boolean): Record<string, unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAliasesList(): { getUrn(): string }[];
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent, undefined at the top. */
  parent?: string;
  /** Provider reference (`<urn>::<id>`), undefined for the default provider. */
  provider?: string;
  custom: boolean;
  /** Inputs with every secret unwrapped to its value. */
  inputs: Record<string, unknown>;
  /** Property paths (dot/bracket form) whose value was a Pulumi secret. */
  secretPaths: string[];
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  dependsOn: string[];
  ignoreChanges: string[];
  /** URNs this resource was known by before (`aliases` given as URNs). */
  aliases: string[];
  /** Every alias the registration carried, given as URNs or specs: the SDK classes add their own. */
  aliasCount: number;
}

export interface StackRun {
  resources: CapturedResource[];
  /** Stack outputs, resolved; `secretOutputs` names the ones that are Pulumi secrets. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
}

export interface RunOptions {
  stackName?: string;
  /** Run as a preview (unknown outputs stay unknown), as `pulumi preview` in CI does. */
  preview?: boolean;
}

/** Unwraps secrets, recording where they were. */
function unwrap(value: unknown, at: string, secrets: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${at}[${i}]`, secrets));
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) {
      secrets.push(at);
      return unwrap(o.value, at, secrets);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrap(v, at ? `${at}.${k}` : k, secrets)]));
  }
  return value;
}

function capture(req: RegisterRequest, urn: string): CapturedResource {
  const secretPaths: string[] = [];
  const inputs = unwrap(rpc.deserializeProperties(req.getObject(), true), "", secretPaths) as Record<string, unknown>;
  return {
    type: req.getType(),
    name: req.getName(),
    urn,
    parent: req.getParent() || undefined,
    provider: req.getProvider() || undefined,
    custom: req.getCustom(),
    inputs,
    secretPaths,
    protect: req.getProtect() ?? false,
    retainOnDelete: req.getRetainondelete() ?? false,
    deleteBeforeReplace: req.getDeletebeforereplace(),
    dependsOn: req.getDependenciesList(),
    ignoreChanges: req.getIgnorechangesList(),
    aliases: req
      .getAliasesList()
      .map((a) => a.getUrn())
      .filter(Boolean),
    aliasCount: req.getAliasesList().length,
  };
}

const PROGRAM = path.resolve(__dirname, "../../index");

/** Resolves an output-ish value, reporting whether any part of it was secret. Unknowns stay unknown. */
async function resolve(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  // `promise(true)` and `isSecret` are on every Output instance but missing from the interface's
  // typings; `apply` would never call back for an unknown value in a preview.
  const out = pulumi.output(value as pulumi.Input<unknown>) as unknown as {
    isSecret: Promise<boolean>;
    promise(withUnknowns: boolean): Promise<unknown>;
  };
  return { value: await out.promise(true), secret: await out.isSecret };
}

/** The program failed; `resources` holds what it had declared before it did. */
export class StackRunError extends Error {
  constructor(
    public readonly cause: Error,
    public readonly resources: CapturedResource[],
  ) {
    super(cause.message);
    this.name = "StackRunError";
  }
}

let running = false;

/** Runs the program (`index.ts`) for `stack` and returns everything it declared. */
export async function runStack(stack: StackFile, options: RunOptions = {}): Promise<StackRun> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return runProgram(stack, require(PROGRAM) as () => Promise<Record<string, unknown>>, options);
}

/**
 * Runs any program function under the mocks with `stack`'s config (tests use it to exercise a part of
 * the seam the main program does not call yet). One run at a time per process.
 */
export async function runProgram(
  stack: StackFile,
  program: () => Promise<Record<string, unknown>>,
  options: RunOptions = {},
): Promise<StackRun> {
  if (running) throw new Error("runStack: one stack at a time (the Pulumi runtime is process-global)");
  running = true;
  const restorePromiseStacks = withoutPromiseStacks();
  try {
    const resources: CapturedResource[] = [];
    await setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: mockResourceState(args, options.preview) }),
        call: mockCall,
      },
      "dedicated-platform",
      options.stackName ?? "test",
      options.preview ?? false,
    );
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) =>
      register(req, (err, resp) => {
        if (!err && resp) resources.push(capture(req, resp.getUrn()));
        cb(err, resp);
      });

    const { values, secretKeys } = toStackConfig(stack);
    setAllConfig(values, secretKeys);

    let exported: Record<string, unknown>;
    try {
      exported = await program();
    } catch (e) {
      await settings.waitForRPCs();
      throw new StackRunError(e as Error, resources);
    }
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [k, v] of Object.entries(exported)) {
      const r = await resolve(v);
      outputs[k] = r.value;
      if (r.secret) secretOutputs.push(k);
    }
    await settings.waitForRPCs();
    return { resources, outputs, secretOutputs };
  } finally {
    restorePromiseStacks();
    running = false;
  }
}
