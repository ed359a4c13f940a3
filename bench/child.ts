/**
 * Child processes: each benchmark part that loads Pulumi runs in its own Node process, so that
 * heaps, module caches and the Pulumi runtime's global state never mix between measurements.
 */
import { spawn } from "child_process";
import * as path from "path";

const MARKER = "BENCH_RESULT ";

/**
 * Diagnostic switch of the fleet child: with it set to "1", no stack frames are captured, so
 * Pulumi's `debuggablePromise` (which reads `new Error().stack` for every output property of
 * every resource) no longer pays for source-map-support's stack formatting under ts-node.
 */
export const NO_STACK_TRACES_ENV = "BENCH_NO_STACK_TRACES";
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Prints a child's result as the one marked line the parent reads. */
export function printResult(result: unknown): void {
  process.stdout.write(`${MARKER}${JSON.stringify(result)}\n`);
}

/** Exits the child on any unhandled rejection: a failed registration must fail the benchmark. */
export function failOnUnhandledRejection(): void {
  process.on("unhandledRejection", (e) => {
    console.error("unhandled rejection:", e);
    process.exit(1);
  });
}

/** The outcome of a child process. */
export interface ChildOutcome {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command in the repo root, capturing its output and wall time. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, wallMs: performance.now() - start }));
  });
}

/** Runs a bench TypeScript entry under ts-node (transpile only) and parses its marked result line. */
export async function runTsChild<T>(script: string, args: readonly string[], opts: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  const outcome = await runCommand(
    process.execPath,
    [...(opts.nodeArgs ?? []), "-r", "ts-node/register/transpile-only", path.join(__dirname, script), ...args],
    { ...process.env, ...opts.env },
  );
  const line = outcome.stdout.split("\n").find((l) => l.startsWith(MARKER));
  if (outcome.code !== 0 || line === undefined) {
    throw new Error(`bench/${script} ${args.join(" ")} failed (exit ${outcome.code}):\n${outcome.stderr.slice(-4000)}${outcome.stdout.slice(-2000)}`);
  }
  return JSON.parse(line.slice(MARKER.length)) as T;
}
