#!/usr/bin/env node
/**
 * The `clickpipes-rds-iam` command (package.json `bin`). One command so far:
 *
 *   pulumi stack output --json --show-secrets | npx clickpipes-rds-iam doctor
 *
 * Exit status: 0 nothing failed, 1 a check failed, 2 bad usage. Expected failures (no
 * credentials, no network, a refused call) are checks in the report, never stack traces.
 */
import { CliIo, UsageError, processIo } from "./io";
import { DOCTOR_USAGE, DoctorOptions, PASSWORD_ENV, parseDoctorArgs } from "./doctor/args";
import { parseStackOutputs } from "./doctor/outputs";
import { counts, redact, renderJson, renderText } from "./doctor/render";
import { DoctorDeps, realDeps, runDoctor } from "./doctor/run";

export const USAGE = `Usage: clickpipes-rds-iam <command> [flags]

Commands:
  doctor    check every link ClickPipes needs to reach the database with IAM, and say how to fix each
            (\`clickpipes-rds-iam doctor --help\`)
`;

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

function readText(io: CliIo, path: string, flag: string): string {
  try {
    return io.readFile(path);
  } catch (e) {
    const code = typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : "unreadable";
    throw new UsageError(`\`${flag}\` file "${path}" cannot be read (${code}).`);
  }
}

async function readOutputs(o: DoctorOptions, io: CliIo): Promise<string> {
  if (o.file !== undefined) return readText(io, o.file, "--file");
  if (io.stdinIsTTY) throw new UsageError("No stack outputs: pipe `pulumi stack output --json --show-secrets` in, or pass `--file`.");
  return io.readStdin();
}

async function readPassword(o: DoctorOptions, io: CliIo): Promise<string | undefined> {
  const password = o.adminPasswordStdin ? (await io.readStdin()).replace(/\r?\n$/, "") : io.env[PASSWORD_ENV];
  if (password === "") throw new UsageError(o.adminPasswordStdin ? "`--admin-password-stdin` read an empty password." : `${PASSWORD_ENV} is empty; set it to the admin password, or unset it.`);
  if (o.adminUsername !== undefined && password === undefined) {
    throw new UsageError(`\`--admin-username\` needs the admin's password: set ${PASSWORD_ENV}, or pass \`--admin-password-stdin\` and pipe it in (never on the command line).`);
  }
  return password;
}

/** `clickpipes-rds-iam doctor …`: prints the report and returns the exit status. */
export async function doctor(argv: readonly string[], io: CliIo, deps: DoctorDeps = realDeps): Promise<number> {
  let password: string | undefined;
  try {
    const options = parseDoctorArgs(argv);
    if (options.help) {
      io.stdout(DOCTOR_USAGE);
      return EXIT_OK;
    }
    const text = await readOutputs(options, io);
    password = await readPassword(options, io);
    const tlsCa = options.tlsCaFile === undefined ? undefined : readText(io, options.tlsCaFile, "--tls-ca");
    const { outputs, component } = parseStackOutputs(text, options.component);
    const report = await runDoctor(
      { options, outputs, env: io.env, ...(component === undefined ? {} : { component }), ...(password === undefined ? {} : { adminPassword: password }), ...(tlsCa === undefined ? {} : { tlsCa }) },
      deps,
    );
    const rendered = options.json ? renderJson(report.results) : renderText(report.heading, report.results);
    io.stdout(redact(rendered, password === undefined ? [] : [password]));
    return counts(report.results).fail > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (e) {
    const secrets = password === undefined ? [] : [password];
    if (e instanceof UsageError) {
      io.stderr(`clickpipes-rds-iam doctor: ${redact(e.message, secrets)}\n`);
      return EXIT_USAGE;
    }
    // Not expected: still no stack trace, and never the password.
    io.stderr(`clickpipes-rds-iam doctor: ${redact(e instanceof Error ? e.message : String(e), secrets)}\n`);
    return EXIT_FAILED;
  }
}

/** The command line: dispatches to the command; returns the exit status. */
export async function main(argv: readonly string[], io: CliIo, deps: DoctorDeps = realDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === "doctor") return doctor(rest, io, deps);
  io.stderr(command === undefined ? USAGE : `clickpipes-rds-iam: unknown command; the commands are: doctor.\n\n${USAGE}`);
  return EXIT_USAGE;
}

if (require.main === module) {
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
