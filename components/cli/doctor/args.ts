/**
 * The doctor's flags, parsed with Node's `util.parseArgs`. The admin password is never a flag: it
 * comes from `CLICKPIPES_ADMIN_PASSWORD` or, with `--admin-password-stdin`, from standard input.
 * No message here repeats an argument's value.
 */
import { parseArgs } from "node:util";
import { ENGINES, Engine, formatChoices } from "../../engines";
import { UsageError } from "../io";

/** The environment variable the admin password is read from. */
export const PASSWORD_ENV = "CLICKPIPES_ADMIN_PASSWORD";

export const DOCTOR_USAGE = `Usage: pulumi stack output --json --show-secrets | npx clickpipes-rds-iam doctor [flags]
       npx clickpipes-rds-iam doctor --file outputs.json [flags]

Checks, read-only, every link ClickPipes needs: the RDS target and its IAM flag, the role's trust
and permission policies (with IAM's policy simulator), the CDC parameters, the endpoint, recent
IAM authentication errors and, with admin credentials, the database user, its grants and the CDC
settings. Exit status: 0 nothing failed, 1 a check failed, 2 bad usage.

Outputs:
  --file FILE               read the stack outputs from FILE instead of standard input
  --component NAME          the component to check, when the outputs hold several

What the outputs do not say:
  --engine ENGINE           ${ENGINES.join(" | ")} (default: from clickPipeSource.type, or the database)
  --identifier ID           the RDS DB instance (default: from the host or the resource ID)
  --cluster ID              the Aurora DB cluster (default: from the host or the resource ID)
  --region REGION           default: from dbUserArn or the host
  --clickhouse-role-arn ARN the ClickHouse service's "Service role ID (IAM)": the trust policy must name it
  --database NAME           PostgreSQL: the database ClickPipes reads (default: from clickPipeSource)
  --schemas A,B             PostgreSQL: the schemas ClickPipes reads (default: from setupSql)
  --databases A,B           MySQL/MariaDB: the databases ClickPipes reads (default: from setupSql)

AWS credentials (default: the AWS SDK's chain: environment, AWS_PROFILE, SSO, instance role):
  --profile NAME            a profile of the shared AWS config files
  --assume-role-arn ARN     a role to assume first (with the profile's credentials, if any)
  --external-id ID          the external ID that role's trust policy requires
  --skip-aws                check only the database

Database (read-only; TLS verified against the Amazon RDS certificate authorities):
  --admin-username NAME     the admin to connect as; the password comes from ${PASSWORD_ENV}
  --admin-password-stdin    read the admin password from standard input (then outputs need --file)
  --db-host HOST            connect here instead of the outputs' host (a tunnel; verify with --tls-ca)
  --db-port PORT            connect to this port instead of the outputs' port
  --tls-ca FILE             verify the server against the CA certificates (PEM) in FILE instead
  --no-tls-verify           encrypt but do not verify the server (insecure: anyone can pose as it)

Output:
  --json                    print the checks as a JSON array of {id, status, summary, fix}
  -h, --help                show this help
`;

/** The parsed flags. */
export interface DoctorOptions {
  help: boolean;
  json: boolean;
  file?: string;
  component?: string;
  engine?: Engine;
  identifier?: string;
  cluster?: string;
  region?: string;
  clickhouseRoleArn?: string;
  database?: string;
  schemas?: string[];
  databases?: string[];
  profile?: string;
  assumeRoleArn?: string;
  externalId?: string;
  skipAws: boolean;
  adminUsername?: string;
  adminPasswordStdin: boolean;
  dbHost?: string;
  dbPort?: number;
  tlsCaFile?: string;
  tlsVerify: boolean;
}

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  file: { type: "string" },
  component: { type: "string" },
  engine: { type: "string" },
  identifier: { type: "string" },
  cluster: { type: "string" },
  region: { type: "string" },
  "clickhouse-role-arn": { type: "string" },
  database: { type: "string" },
  schemas: { type: "string" },
  databases: { type: "string" },
  profile: { type: "string" },
  "assume-role-arn": { type: "string" },
  "external-id": { type: "string" },
  "skip-aws": { type: "boolean" },
  "admin-username": { type: "string" },
  "admin-password-stdin": { type: "boolean" },
  "db-host": { type: "string" },
  "db-port": { type: "string" },
  "tls-ca": { type: "string" },
  "no-tls-verify": { type: "boolean" },
} as const;

/** Flags that would put a password on the command line, where `ps` and shell history see it. */
const PASSWORD_FLAG = /^--(?:admin-)?password(?:$|=)/;

function list(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`\`--${flag}\` has an empty name; give names separated by commas, such as "public,sales".`);
  return items;
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw new UsageError(`\`--${flag}\` is empty; give a value or leave the flag out.`);
  return value;
}

/**
 * Parses the arguments after `doctor`.
 * @throws UsageError for an unknown flag, a missing or bad value, or flags that contradict each other.
 */
export function parseDoctorArgs(argv: readonly string[]): DoctorOptions {
  if (argv.some((a) => PASSWORD_FLAG.test(a))) {
    throw new UsageError(
      `The admin password is never taken from the command line (other users and your shell history would see it); set ${PASSWORD_ENV}, or pass \`--admin-password-stdin\` and pipe it in.`,
    );
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}; see \`clickpipes-rds-iam doctor --help\`.`);
  }
  // Never echoed: a misplaced password would be printed.
  if (positionals.length > 0) throw new UsageError(`\`doctor\` takes no arguments besides flags (${positionals.length} given); see \`clickpipes-rds-iam doctor --help\`.`);
  const str = (k: keyof typeof OPTIONS) => nonEmpty(k, values[k] as string | undefined);
  const flag = (k: keyof typeof OPTIONS) => values[k] === true;

  const engine = str("engine");
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`\`--engine\` is not supported; use ${formatChoices(ENGINES)}.`);
  if (values.identifier !== undefined && values.cluster !== undefined) throw new UsageError("`--identifier` and `--cluster` both name the database; give one of them.");
  if (values["external-id"] !== undefined && values["assume-role-arn"] === undefined) throw new UsageError("`--external-id` needs `--assume-role-arn`: it is the external ID of that role.");
  if (flag("admin-password-stdin") && values.file === undefined) throw new UsageError("`--admin-password-stdin` reads standard input, so the stack outputs must come from `--file`.");
  if (flag("admin-password-stdin") && values["admin-username"] === undefined) throw new UsageError("`--admin-password-stdin` needs `--admin-username`.");
  if (values["tls-ca"] !== undefined && flag("no-tls-verify")) throw new UsageError("`--tls-ca` and `--no-tls-verify` contradict each other; give `--tls-ca` to verify against your CA, or neither.");
  const dbPortText = str("db-port");
  let dbPort: number | undefined;
  if (dbPortText !== undefined) {
    dbPort = /^\d+$/.test(dbPortText) ? Number(dbPortText) : NaN;
    if (!(dbPort >= 1 && dbPort <= 65535)) throw new UsageError("`--db-port` is not a port number; use a number from 1 to 65535.");
  }
  const options: DoctorOptions = {
    help: flag("help"),
    json: flag("json"),
    skipAws: flag("skip-aws"),
    adminPasswordStdin: flag("admin-password-stdin"),
    tlsVerify: !flag("no-tls-verify"),
  };
  const set = <K extends keyof DoctorOptions>(key: K, value: DoctorOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("file", str("file"));
  set("component", str("component"));
  set("engine", engine as Engine | undefined);
  set("identifier", str("identifier"));
  set("cluster", str("cluster"));
  set("region", str("region"));
  set("clickhouseRoleArn", str("clickhouse-role-arn"));
  set("database", str("database"));
  set("schemas", list("schemas", values.schemas as string | undefined));
  set("databases", list("databases", values.databases as string | undefined));
  set("profile", str("profile"));
  set("assumeRoleArn", str("assume-role-arn"));
  set("externalId", str("external-id"));
  set("adminUsername", str("admin-username"));
  set("dbHost", str("db-host"));
  set("dbPort", dbPort);
  set("tlsCaFile", str("tls-ca"));
  return options;
}
