/**
 * Runs a Pulumi program (a module such as index.ts or examples/NAME/index.ts) in this process,
 * under whatever mocks are installed, the way the Pulumi Node.js language host runs it: inside a
 * root `pulumi:pulumi:Stack`, with stack config, the module's exports as the stack outputs.
 * Records every resource with its parent and its inputs as the program passed them.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { registerPackageAlias } from "./packageAlias";

/** One resource the program registered. */
export interface ProgramResource {
  resource: pulumi.Resource;
  type: string;
  name: string;
  /** The parent; undefined only for the stack itself. */
  parent?: pulumi.Resource;
  /** Inputs as the program passed them: plain values, Outputs and secrets. */
  props: Record<string, unknown>;
  /** Set for a resource read with `Resource.get`: the ID it reads. Reads create nothing. */
  readId?: pulumi.Input<string>;
}

/** What a run produced. */
export interface ProgramRun {
  /** Every resource, the stack first, in registration order. */
  resources: ProgramResource[];
  /** The program module's exports: the stack outputs, unresolved. */
  exports: Record<string, unknown>;
}

/** Stack config for the run: `namespace:key` to string, as the Pulumi CLI passes it. */
export interface ProgramConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

/** The program failed the way `pulumi up` would; `messages` are the distinct error texts, in order. */
export class ProgramError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join("\n"));
  }
}

/** The value of an Output (or plain value), rejecting when it fails. */
export function resolved<T>(value: pulumi.Input<T> | unknown): Promise<T> {
  return (pulumi.output(value) as unknown as { promise(): Promise<T> }).promise();
}

/** The message of a failure, without the prefixes Pulumi adds when an input fails to serialize. */
export function failureMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^(error serializing property "[^"]*": )+/, "");
}

/**
 * Forgets the modules in the program's own directory (not its subdirectories, which hold the
 * package itself for index.ts), so that the next import runs the program again.
 */
function forgetProgram(dir: string): void {
  for (const key of Object.keys(require.cache)) {
    if (path.dirname(key) === dir) delete require.cache[key];
  }
}

/** Waits until every registration has finished, including those that start while waiting. */
async function settle(resources: ProgramResource[], failures: string[]): Promise<void> {
  for (let seen = 0; seen < resources.length; ) {
    const batch = resources.slice(seen);
    seen = resources.length;
    const results = await Promise.allSettled(batch.map((r) => resolved(r.resource.urn)));
    for (const r of results) if (r.status === "rejected") failures.push(failureMessage(r.reason));
  }
}

/**
 * Runs `programFile` with `cfg` as its stack config. Throws `ProgramError` when the program
 * throws, a stack output fails, or a resource fails to register.
 *
 * A resource whose input fails never registers: its registration rejects with nobody to catch
 * it, and everything waiting on it waits forever. The Pulumi language host treats such an
 * unhandled rejection as the program failing, and so does this: it stops waiting at the first one.
 */
export async function runProgram(programFile: string, cfg: ProgramConfig): Promise<ProgramRun> {
  registerPackageAlias();
  const file = path.resolve(programFile);
  forgetProgram(path.dirname(file));
  pulumi.runtime.setAllConfig(cfg.config, cfg.secretKeys);

  const resources: ProgramResource[] = [];
  const failures: string[] = [];
  // The stack stays the root of resources created after the run (a mocked process has no other
  // root to go back to), so the recorder stops recording when the run ends.
  let recording = true;
  let exports: Record<string, unknown> = {};
  let stopWaiting = (): void => undefined;
  const failed = new Promise<void>((resolve) => (stopWaiting = resolve));
  const onUnhandled = (reason: unknown): void => {
    failures.push(failureMessage(reason));
    stopWaiting();
  };
  process.on("unhandledRejection", onUnhandled);
  try {
    const stackRun = pulumi.runtime.runInPulumiStack(async () => {
      const stack = pulumi.runtime.getStackResource();
      if (stack !== undefined) resources.push({ resource: stack, type: "pulumi:pulumi:Stack", name: `${pulumi.getProject()}-${pulumi.getStack()}`, props: {} });
      pulumi.runtime.registerStackTransformation((a) => {
        const readId = (a.opts as pulumi.CustomResourceOptions).id;
        if (recording) resources.push({ resource: a.resource, type: a.type, name: a.name, parent: a.opts.parent ?? stack, props: a.props, ...(readId === undefined ? {} : { readId }) });
        return undefined;
      });
      exports = { ...((await import(file)) as Record<string, unknown>) };
      return exports;
    });
    await Promise.race([stackRun.catch((e: unknown) => void failures.push(failureMessage(e))), failed]);
    await Promise.race([settle(resources, failures), failed]);
    // Rejections surface a turn after the promise fails: let them arrive before deciding.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    recording = false;
    process.off("unhandledRejection", onUnhandled);
  }
  if (failures.length > 0) throw new ProgramError([...new Set(failures)]);
  return { resources, exports };
}
