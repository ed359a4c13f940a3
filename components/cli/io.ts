/**
 * What the command line reads and writes, injected so that `main` runs in specs without a process:
 * standard output and error, standard input, the environment, and files.
 */
import * as fs from "node:fs";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, as UTF-8. */
  readStdin(): Promise<string>;
  /** True when standard input is a terminal (nothing piped in). */
  readonly stdinIsTTY: boolean;
  readFile(path: string): string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Bad usage: a flag, a missing value, unreadable outputs. Exit code 2, the message and no stack. */
export class UsageError extends Error {}

/** The real process's standard streams, environment and files. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString("utf8");
    },
    stdinIsTTY: process.stdin.isTTY === true,
    readFile: (path) => fs.readFileSync(path, "utf8"),
    env: process.env,
  };
}
