/**
 * The Pulumi runtime stores a formatted stack trace on every promise it creates (about 36 per
 * resource: four per output property, plus registration and serialisation) so that, when
 * PULUMI_DEBUG_PROMISE_LEAKS is set, it can say where a leaked promise was made. Formatting those
 * traces was about half of what a stack costs to run under the mocks, and more under tsx, whose
 * source maps make every trace dearer.
 *
 * While the harness runs a program, the traces are recorded empty, unless PULUMI_DEBUG_PROMISE_LEAKS
 * is set. Leak detection itself is untouched: every promise is still tracked and a leak still fails
 * the run; only the location in the leak report is missing. Errors the program throws keep their
 * full stacks, because the limit is lowered only inside the runtime's promise wrapper.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
// Internal module, by path: the wrapper is not part of the SDK's public API. Callers in the runtime
// look it up on the module at every call (`debuggable_1.debuggablePromise(...)`), so replacing the
// export reaches them. tests/harness.test.ts fails if an SDK upgrade breaks that.
export const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debugPromiseLeaks: boolean;
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Until the returned function is called, the runtime's promises carry no stack trace. */
export function withoutPromiseStacks(): () => void {
  if (debuggable.debugPromiseLeaks) return () => undefined;
  const original = debuggable.debuggablePromise;
  debuggable.debuggablePromise = function <T>(p: Promise<T>, ctx: unknown): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  return () => {
    debuggable.debuggablePromise = original;
  };
}
