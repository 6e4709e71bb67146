/**
 * What the mocks return as a resource's state: its inputs, plus the outputs a real provider would
 * compute that the program reads back (generated names, random values).
 */
import type { MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";

export function mockResourceState(args: MockResourceArgs): Record<string, unknown> {
  const state: Record<string, unknown> = { ...args.inputs };
  if (args.type.startsWith("kubernetes:")) {
    const metadata = (args.inputs.metadata ?? {}) as Record<string, unknown>;
    // Server-side naming: Pulumi auto-names Kubernetes objects without metadata.name.
    state.metadata = { ...metadata, name: metadata.name ?? `${args.name}-mock` };
  }
  if (
    args.type === "random:index/randomPassword:RandomPassword" ||
    args.type === "random:index/randomString:RandomString"
  ) {
    state.result = `mock-random-${args.name}`;
  }
  return state;
}
