/**
 * Developer loop: wall time of the type-check and of `npm test` (type-check, lint, mocha,
 * including the real-MariaDB spec), each as a child process.
 */
import { runCommand } from "./child";
import { median } from "./stats";

export interface CommandTiming {
  command: string;
  runsMs: number[];
  medianMs: number;
  /** Exit codes of the runs; a failing run is still timed, and reported. */
  exitCodes: number[];
  /** Mocha's summary of the last run ("160 passing", "2 failing"), when it printed one. */
  summary: string;
}

async function time(label: string, command: string, args: readonly string[], reps: number): Promise<CommandTiming> {
  const runsMs: number[] = [];
  const exitCodes: number[] = [];
  let summary = "";
  for (let i = 0; i < reps; i++) {
    const outcome = await runCommand(command, args);
    runsMs.push(outcome.wallMs);
    exitCodes.push(outcome.code);
    const counts = [...outcome.stdout.matchAll(/^\s*(\d+ (?:passing|failing|pending))/gm)].map((m) => m[1]);
    summary = counts.join(", ");
  }
  return { command: label, runsMs, medianMs: median(runsMs), exitCodes, summary };
}

/** Checks that the local MariaDB the real-server spec needs answers (starting it if it can). */
export async function ensureMariaDb(): Promise<string> {
  const outcome = await runCommand("bash", [".ci/mariadb.sh"]);
  return outcome.code === 0 ? outcome.stderr.trim().split("\n").pop() ?? "" : `not available (exit ${outcome.code}): ${outcome.stderr.trim().split("\n").pop() ?? ""}`;
}

export async function devLoop(reps: { typecheck: number; test: number }): Promise<CommandTiming[]> {
  return [
    await time("npx tsc --noEmit -p tsconfig.json", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"], reps.typecheck),
    await time("npm test", "npm", ["test"], reps.test),
  ];
}
