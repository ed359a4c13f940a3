/**
 * Validation of the component's arguments. Pure functions over plain values: each returns
 * nothing or throws `ValidationError` with a message in one template: one sentence, the argument
 * in backticks, the bad value quoted, what to do instead, a full stop
 * ("`arg` "value" is wrong in this way; do this instead.").
 */
import * as pulumi from "@pulumi/pulumi";
import { tryParseArn } from "./arn";
import { ENGINES, ENGINE_LABELS, Engine, engineFromRdsEngine, formatChoices } from "./engines";

export { ENGINE_LABELS };

/**
 * The error every validator throws. A `pulumi.RunError`, so that a refusal at construction ends
 * `pulumi preview`/`up` with the message alone, without the program's stack trace; after the
 * lookup the component rethrows it as a `pulumi.ResourceError` naming itself.
 */
export class ValidationError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "ValidationError";
  }
}

/** @internal Throws a `ValidationError` with `message`: the one way every validator refuses. */
export function fail(message: string): never {
  throw new ValidationError(message);
}

/**
 * The error, with a message nothing can change. Every resource whose inputs wait on a refused
 * check fails with the same error object, and Pulumi prefixes its message in place each time
 * (`error serializing property "x": …`, @pulumi/pulumi runtime/rpc.js), keeping its identity so
 * the language host reports it once: without this the one report carries a chain of prefixes,
 * one per child that failed before it was printed.
 */
export function fixedMessage<E extends Error>(e: E): E {
  const message = e.message;
  Object.defineProperty(e, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
  return e;
}

/** Longest value echoed in a message; longer values are cut (their length is given where it matters). */
export const MAX_SHOWN_LENGTH = 100;

/**
 * A string as messages show it: a JSON string literal (double quotes; quotes, backslashes and
 * control characters escaped, so a NUL or a newline cannot hide in the message), cut after
 * `MAX_SHOWN_LENGTH` characters.
 */
export function quoted(value: string): string {
  const json = JSON.stringify(value);
  return json.length > MAX_SHOWN_LENGTH + 2 ? `${json.slice(0, MAX_SHOWN_LENGTH + 1)}…"` : json;
}

/** A value as messages show it: strings quoted, numbers and booleans as literals, lists and objects as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return quoted(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object" && !isEventual(value) && !pulumi.Resource.isInstance(value)) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return json.length > MAX_SHOWN_LENGTH ? `${json.slice(0, MAX_SHOWN_LENGTH)}…` : json;
    } catch {
      // Circular: fall through to the kind.
    }
  }
  return kindOf(value);
}

/** True for a `pulumi.Output` or a promise: a value known only when the program runs. */
export function isEventual(value: unknown): boolean {
  if (pulumi.Output.isInstance(value)) return true;
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** What a value is, with its article, for type errors: "a string", "a list", "a pulumi.Output", … */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (pulumi.Output.isInstance(value)) return "a pulumi.Output";
  if (isEventual(value)) return "a Promise";
  if (pulumi.Resource.isInstance(value)) return "a Pulumi resource";
  switch (typeof value) {
    case "object":
      return "an object";
    case "undefined":
      return "undefined";
    default:
      return `a ${typeof value}`;
  }
}

/** Edit distance (insertions, deletions, substitutions) between two short names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known name `name` was probably meant to be: the same but for case, or else the one closest
 * in spelling (at most two edits away, and no other as close); undefined when none is.
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const sameButCase = known.find((k) => k.toLowerCase() === name.toLowerCase());
  if (sameButCase !== undefined) return sameButCase;
  const scored = known.map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) })).filter((s) => s.d <= 2);
  const best = Math.min(...scored.map((s) => s.d));
  const closest = scored.filter((s) => s.d === best);
  return closest.length === 1 ? closest[0].k : undefined;
}

/**
 * The message for a name that is not one of `known`: "`schema` is not an argument of
 * ClickPipesRdsIamAccess; use `schemas`." `what` says what the name is not ("an argument of
 * ClickPipesRdsIamAccess"), `names` what the names are ("argument names"), for the case hint.
 */
export function unknownNameMessage(name: string, known: readonly string[], what: string, names: string): string {
  const near = nearestName(name, known);
  const fix = near === undefined ? "remove it" : near.toLowerCase() === name.toLowerCase() ? `use \`${near}\` (${names} are case-sensitive)` : `use \`${near}\``;
  return `\`${name}\` is not ${what}; ${fix}.`;
}

/**
 * The expected type of each argument, as the runtime checks it for JavaScript callers (and for
 * TypeScript callers that cast). Plain types are the ones that decide which resources exist.
 */
export type ArgType =
  /** A plain string. */
  | { readonly type: "string"; readonly example: string }
  /** A string, or a `pulumi.Output`/promise of one. `secret` values are never echoed. */
  | { readonly type: "input-string"; readonly secret?: boolean }
  | { readonly type: "boolean" }
  | { readonly type: "number"; readonly example: number }
  /** A plain list of plain strings. */
  | { readonly type: "string-list"; readonly example: readonly string[] }
  /** An object of tag names to strings (or Outputs), or an Output of one. */
  | { readonly type: "tags" }
  /** Checked by its own validator (`engine`, `instance`, `cluster`). */
  | { readonly type: "own" };

/**
 * `arg` in backticks, followed by its value when that can be shown: not a secret, and not an
 * Output, a promise, a resource or undefined (whose kind says all there is to say).
 */
export function named(arg: string, value: unknown, secret = false): string {
  const hidden = secret || value === undefined || isEventual(value) || pulumi.Resource.isInstance(value);
  return hidden ? `\`${arg}\`` : `\`${arg}\` ${show(value)}`;
}

function typeError(arg: string, value: unknown, expected: string, fix: string, secret = false): never {
  fail(`${named(arg, value, secret)} is ${kindOf(value)}, not ${expected}; ${fix}.`);
}

/** The fix for a plain-only argument given as an Output or a promise. */
function plainFix(what: string): string {
  return `pass a plain ${what}, since it must be known before anything is registered`;
}

/** Checks the runtime type of one given (not undefined) argument. */
export function validateArgType(arg: string, value: unknown, t: ArgType): void {
  switch (t.type) {
    case "string":
      if (typeof value !== "string") {
        const example = `string such as ${quoted(t.example)}`;
        typeError(arg, value, "a plain string", isEventual(value) ? plainFix(example) : `use a ${example}`);
      }
      return;
    case "input-string":
      if (typeof value !== "string" && !isEventual(value)) {
        typeError(arg, value, "a string", "use a string or a pulumi.Output<string>", t.secret);
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") typeError(arg, value, "a plain boolean", isEventual(value) ? plainFix("true or false") : "use true or false");
      return;
    case "number":
      if (typeof value !== "number") {
        const example = `number such as ${t.example}`;
        typeError(arg, value, "a plain number", isEventual(value) ? plainFix(example) : `use a ${example}`);
      }
      return;
    case "string-list": {
      const example = `list of strings such as ${JSON.stringify(t.example)}`;
      if (!Array.isArray(value)) typeError(arg, value, "a plain list", isEventual(value) ? plainFix(example) : `use a ${example}`);
      value.forEach((item: unknown, i: number) => {
        if (typeof item !== "string") typeError(`${arg}[${i}]`, item, "a string", `use a ${example}`);
      });
      return;
    }
    case "tags": {
      if (isEventual(value)) return;
      const fix = 'use an object of tag names and values such as {"team":"data"}';
      if (typeof value !== "object" || value === null || Array.isArray(value)) typeError(arg, value, "an object", fix);
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== "string" && !isEventual(item)) typeError(`${arg}.${key}`, item, "a string", fix);
      }
      return;
    }
    case "own":
      return;
    default: {
      const unreachable: never = t;
      throw new Error(`Unknown argument type ${JSON.stringify(unreachable)}.`);
    }
  }
}

/**
 * Longest database user name each engine accepts: PostgreSQL NAMEDATALEN-1 = 63 bytes, MySQL 8
 * 32 characters, MariaDB 128 characters (10.6 and later; RDS supports IAM auth on MariaDB from
 * 10.11 only, where `CREATE USER` of a 129-character name fails with ERROR 1470 "should be no
 * longer than 128"). Names are ASCII (see `DB_USERNAME_PATTERN`), so characters are bytes.
 * @see https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
 * @see https://dev.mysql.com/doc/refman/8.0/en/user-names.html
 */
export const MAX_DB_USERNAME_LENGTH: Readonly<Record<Engine, number>> = { postgres: 63, mysql: 32, mariadb: 128 };

/**
 * User names that belong to RDS, the engine or its system accounts, compared case-insensitively.
 * Creating (or taking over) any of them would break the database or its management.
 */
export const RESERVED_DB_USERNAMES: readonly string[] = [
  "rdsadmin", "rdsrepladmin", "rdstopmgr", "rdsproxyadmin", "postgres", "root", "admin", "public", "none",
  "current_user", "current_role", "session_user", "mariadb.sys",
];
/** Prefixes that mark system roles and accounts. */
export const RESERVED_DB_USERNAME_PREFIXES: readonly string[] = ["rds_", "rds-", "pg_", "mysql.", "aws_"];

/**
 * Characters a database user name may use: it appears unquoted inside an IAM ARN, where `*` and
 * `?` are wildcards, and in SQL, where quotes and backslashes would need escaping.
 */
export const DB_USERNAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DB_USERNAME_CHARS = /^[A-Za-z0-9_.-]$/;
const DB_USERNAME_RULE = 'use letters, digits, "_", "." or "-", starting with a letter or "_"';

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Validates the name of the IAM database user for an engine. */
export function validateDbUsername(engine: Engine, dbUsername: string): void {
  const max = MAX_DB_USERNAME_LENGTH[engine];
  if (dbUsername.length === 0) fail('`dbUsername` "" is empty; give the database user a name such as "clickpipes_iam_user".');
  if (!DB_USERNAME_PATTERN.test(dbUsername)) {
    const bad = [...dbUsername].find((c) => !DB_USERNAME_CHARS.test(c));
    if (bad === undefined) {
      fail(`\`dbUsername\` ${quoted(dbUsername)} starts with ${quoted(dbUsername[0])}, which is not allowed; ${DB_USERNAME_RULE}.`);
    }
    fail(`\`dbUsername\` ${quoted(dbUsername)} contains ${quoted(bad)} (${codePoint(bad)}), which is not allowed; ${DB_USERNAME_RULE}.`);
  }
  if (dbUsername.length > max) {
    const unit = engine === "postgres" ? "bytes" : "characters";
    fail(`\`dbUsername\` ${quoted(dbUsername)} is ${dbUsername.length} ${unit} long; ${ENGINE_LABELS[engine]} allows at most ${max}.`);
  }
  const lower = dbUsername.toLowerCase();
  if (RESERVED_DB_USERNAMES.includes(lower)) {
    fail(`\`dbUsername\` ${quoted(dbUsername)} is a reserved or system name; choose another name such as "clickpipes_iam_user".`);
  }
  const prefix = RESERVED_DB_USERNAME_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix !== undefined) {
    fail(`\`dbUsername\` ${quoted(dbUsername)} starts with ${quoted(prefix)}, which marks system roles and accounts; choose another name such as "clickpipes_iam_user".`);
  }
}

/** PostgreSQL truncates identifiers at 63 bytes. */
export const MAX_PG_IDENTIFIER_BYTES = 63;
/** PostgreSQL databases that ClickPipes must not be pointed at. */
export const PG_SYSTEM_DATABASES: readonly string[] = ["rdsadmin", "template0", "template1"];
/** PostgreSQL system schemas (`pg_*` as well): SELECT on them would expose catalogs and server internals. */
export const PG_SYSTEM_SCHEMAS: readonly string[] = ["information_schema"];
/** MySQL and MariaDB database names are at most 64 characters. */
export const MAX_MY_DATABASE_LENGTH = 64;
/** MySQL/MariaDB system databases: SELECT on them would expose credentials and server internals. */
export const MY_SYSTEM_DATABASES: readonly string[] = ["mysql", "information_schema", "performance_schema", "sys"];

/** Arguments that name PostgreSQL objects. */
export type PgIdentifierArg = "database" | "schemas" | "tableOwner" | "publicationName" | "publicationTables" | "adminUsername";
const PG_OBJECT: Readonly<Record<PgIdentifierArg, string>> = {
  database: "an existing database",
  schemas: "an existing schema",
  tableOwner: "the role that creates the tables",
  publicationName: "the publication ClickPipes reads",
  publicationTables: "an existing table",
  adminUsername: "the admin (master) user",
};

/** Validates a PostgreSQL identifier given in `arg` (`schemas` items are checked one by one). */
export function validatePgIdentifier(arg: PgIdentifierArg, value: string): void {
  if (value.length === 0) fail(`\`${arg}\` "" is an empty name; give the name of ${PG_OBJECT[arg]}.`);
  if (value.includes("\0")) fail(`\`${arg}\` ${quoted(value)} contains a NUL character; remove it.`);
  // A line break in a name ends the `--` comment lines of setupSql; no real name needs one.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\x01-\x1f\x7f]/.test(value)) fail(`\`${arg}\` ${quoted(value)} contains a control character such as a line break; remove it.`);
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_PG_IDENTIFIER_BYTES) {
    fail(`\`${arg}\` ${quoted(value)} is ${bytes} bytes long; PostgreSQL names are at most ${MAX_PG_IDENTIFIER_BYTES} bytes.`);
  }
}

/** Validates the PostgreSQL `database` ClickPipes reads. */
export function validatePgDatabase(database: string): void {
  validatePgIdentifier("database", database);
  if (PG_SYSTEM_DATABASES.includes(database)) {
    fail(`\`database\` ${quoted(database)} is a system database; give the application database ClickPipes should read.`);
  }
}

/** Validates PostgreSQL `schemas`: at least one, each a valid name and not a system schema, no repeats. */
export function validateSchemas(schemas: readonly string[]): void {
  if (schemas.length === 0) fail('`schemas` [] is empty; list at least one schema for ClickPipes to read, such as "public".');
  for (const schema of schemas) {
    validatePgIdentifier("schemas", schema);
    if (PG_SYSTEM_SCHEMAS.includes(schema) || schema.startsWith("pg_")) {
      fail(`\`schemas\` ${quoted(schema)} is a system schema; list only the application schemas ClickPipes should read.`);
    }
  }
  const dup = firstDuplicate(schemas);
  if (dup !== undefined) fail(`\`schemas\` lists ${quoted(dup)} more than once; list each schema once.`);
}

/** Characters outside the Basic Multilingual Plane, which MySQL and MariaDB identifiers cannot hold. */
const SUPPLEMENTARY = /[\u{10000}-\u{10FFFF}]/u;

/**
 * Validates MySQL/MariaDB `databases`. Backticks are refused for engine "mysql" only: the
 * upstream MySQL provider wraps names in backticks without escaping them, while the MariaDB path
 * quotes them itself.
 * @see https://dev.mysql.com/doc/refman/8.0/en/identifiers.html
 */
export function validateMyDatabases(engine: "mysql" | "mariadb", databases: readonly string[]): void {
  for (const db of databases) {
    if (db.length === 0) fail('`databases` "" is an empty name; give the name of an existing database.');
    if (db.includes("\0")) fail(`\`databases\` ${quoted(db)} contains a NUL character; remove it.`);
    // A line break would end setupSql's one statement per line, and reach resource names.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    if (/[\x01-\x1f\x7f]/.test(db)) fail(`\`databases\` ${quoted(db)} contains a control character such as a line break; remove it.`);
    if (SUPPLEMENTARY.test(db)) {
      fail(`\`databases\` ${quoted(db)} contains a character outside the Basic Multilingual Plane, which ${ENGINE_LABELS[engine]} names cannot hold; give the database's exact name.`);
    }
    if (db.length > MAX_MY_DATABASE_LENGTH) {
      fail(`\`databases\` ${quoted(db)} is ${db.length} characters long; database names are at most ${MAX_MY_DATABASE_LENGTH}.`);
    }
    if (db.endsWith(" ")) fail(`\`databases\` ${quoted(db)} ends with a space, which database names cannot; remove it.`);
    if (db.includes("\\")) {
      fail(`\`databases\` ${quoted(db)} contains a backslash, which a database-level grant cannot name exactly; rename the database or create the grant by hand.`);
    }
    if (MY_SYSTEM_DATABASES.includes(db.toLowerCase())) {
      fail(`\`databases\` ${quoted(db)} is a system database; list only the application databases ClickPipes should read.`);
    }
    if (engine === "mysql" && db.includes("`")) {
      fail(`\`databases\` ${quoted(db)} contains a backtick, which the MySQL provider cannot quote; rename the database or create the grant by hand.`);
    }
  }
  const dup = firstDuplicate(databases);
  if (dup !== undefined) fail(`\`databases\` lists ${quoted(dup)} more than once; list each database once.`);
}

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

/** Validates `engine` against the supported set. */
export function validateEngine(engine: unknown): asserts engine is Engine {
  if (engine === undefined) fail(`\`engine\` is missing; set it to ${formatChoices(ENGINES)}.`);
  if (!(ENGINES as readonly unknown[]).includes(engine)) {
    // An Aurora engine name, as the RDS console and `describe-db-clusters` show it.
    const aurora = typeof engine === "string" && engine.startsWith("aurora") ? engineFromRdsEngine(engine) : undefined;
    if (aurora !== undefined) {
      fail(`\`engine\` ${show(engine)} is not supported; for an Aurora ${ENGINE_LABELS[aurora]} cluster use ${quoted(aurora)} with \`dbClusterIdentifier\` (or \`cluster\`).`);
    }
    fail(`\`engine\` ${show(engine)} is not supported; use ${formatChoices(ENGINES)}.`);
  }
}

/** The four ways to name the target. */
export const TARGET_ARGS = ["dbInstanceIdentifier", "dbClusterIdentifier", "instance", "cluster"] as const;
export type TargetArg = (typeof TARGET_ARGS)[number];

function listArgs(args: readonly string[], last: "and" | "or"): string {
  const ticked = args.map((k) => `\`${k}\``);
  return ticked.length <= 1 ? ticked.join("") : `${ticked.slice(0, -1).join(", ")} ${last} ${ticked[ticked.length - 1]}`;
}

/** Exactly one target must be given; returns which. */
export function validateTargetChoice(given: Partial<Record<TargetArg, unknown>>): TargetArg {
  const set = TARGET_ARGS.filter((k) => given[k] !== undefined && given[k] !== null);
  const oneOf = `set exactly one of ${listArgs(TARGET_ARGS, "or")}`;
  if (set.length === 0) fail(`No target is given; ${oneOf}.`);
  if (set.length > 1) fail(`${listArgs(set, "and")} are ${set.length === 2 ? "both" : "all"} set; ${oneOf}.`);
  return set[0];
}

/** A plain identifier string for `dbInstanceIdentifier`/`dbClusterIdentifier` (RDS rules: 1–63 letters, digits, hyphens). */
export function validateRdsIdentifier(arg: "dbInstanceIdentifier" | "dbClusterIdentifier", value: string): void {
  if (!/^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$/.test(value) || value.endsWith("-")) {
    fail(`\`${arg}\` ${quoted(value)} is not an RDS identifier; use 1 to 63 letters, digits or single hyphens, starting with a letter and not ending with a hyphen.`);
  }
}

/**
 * An IAM role ARN's resource: `role/`, an optional path, the name. No `*` or `?` anywhere: a
 * trust policy principal must name one role exactly.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
const ROLE_RESOURCE = /^role\/(?:[\x21-\x29\x2b-\x3e\x40-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** The same for a managed policy ARN's resource (`policy/`, path, name of up to 128 characters). */
const POLICY_RESOURCE = /^policy\/(?:[\x21-\x29\x2b-\x3e\x40-\x7e]*\/)?[\w+=,.@-]{1,128}$/;

/** Validates `clickhouseRoleArn`: an IAM role ARN, as ClickHouse Cloud shows under "Service role ID (IAM)". */
export function validateClickhouseRoleArn(value: unknown): asserts value is string {
  if (typeof value !== "string") {
    typeError("clickhouseRoleArn", value, "a string", 'copy "Service role ID (IAM)" from the ClickHouse service\'s Settings');
  }
  const arn = tryParseArn(value);
  if (!arn || arn.service !== "iam" || arn.region !== "" || !/^\d{12}$/.test(arn.account) || !ROLE_RESOURCE.test(arn.resource)) {
    fail(`\`clickhouseRoleArn\` ${quoted(value)} is not an IAM role ARN; copy "Service role ID (IAM)" from the ClickHouse service's Settings, such as "arn:aws:iam::123456789012:role/CH-S3-example-Role".`);
  }
}

/** The ClickHouse role and the database must be in one partition: IAM trust cannot cross partitions. */
export function validateSamePartition(clickhouseRoleArn: string, databasePartition: string): void {
  const arn = tryParseArn(clickhouseRoleArn);
  if (arn && arn.partition !== databasePartition) {
    fail(`\`clickhouseRoleArn\` ${quoted(clickhouseRoleArn)} is in partition ${quoted(arn.partition)} but the database is in ${quoted(databasePartition)}; use a ClickHouse service in the database's partition.`);
  }
}

/** The permissions boundary must be a policy of the partition the role is created in (the database's). */
export function validateBoundaryPartition(permissionsBoundary: string, partition: string, of: "the database" | "`clickhouseRoleArn`"): void {
  const arn = tryParseArn(permissionsBoundary);
  if (arn && arn.partition !== partition) {
    fail(`\`permissionsBoundary\` ${quoted(permissionsBoundary)} is in partition ${quoted(arn.partition)} but ${of} is in ${quoted(partition)}; use a boundary policy in partition ${quoted(partition)}.`);
  }
}

/** IAM role options the component passes to `aws.iam.Role`. */
export interface RoleOptionValues {
  roleName?: string;
  roleNamePrefix?: string;
  rolePath?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
}

/**
 * IAM limits for role names, paths and session durations; `roleNamePrefix` leaves room for the
 * 26-character suffix the AWS provider appends (64 - 26 = 38).
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export const IAM_LIMITS = { roleName: 64, roleNamePrefix: 38, path: 512, minSession: 3600, maxSession: 43200 } as const;

/** Validates the IAM role options against IAM's limits. */
export function validateRoleOptions(o: RoleOptionValues): void {
  if (o.roleName !== undefined && o.roleNamePrefix !== undefined) {
    fail(`\`roleName\` ${quoted(o.roleName)} and \`roleNamePrefix\` ${quoted(o.roleNamePrefix)} are both set; set at most one of them.`);
  }
  if (o.roleName !== undefined && !new RegExp(`^[\\w+=,.@-]{1,${IAM_LIMITS.roleName}}$`).test(o.roleName)) {
    fail(`\`roleName\` ${quoted(o.roleName)} is not a valid IAM role name; use 1 to ${IAM_LIMITS.roleName} letters, digits or "+=,.@_-".`);
  }
  if (o.roleNamePrefix !== undefined && !new RegExp(`^[\\w+=,.@-]{1,${IAM_LIMITS.roleNamePrefix}}$`).test(o.roleNamePrefix)) {
    fail(`\`roleNamePrefix\` ${quoted(o.roleNamePrefix)} is not a valid IAM role name prefix; use 1 to ${IAM_LIMITS.roleNamePrefix} letters, digits or "+=,.@_-".`);
  }
  if (o.rolePath !== undefined && (o.rolePath.length > IAM_LIMITS.path || !/^\/(?:[\x21-\x7e]*\/)?$/.test(o.rolePath))) {
    fail(`\`rolePath\` ${quoted(o.rolePath)} is not a valid IAM path; use "/" or up to ${IAM_LIMITS.path} printable ASCII characters that start and end with "/", such as "/clickpipes/".`);
  }
  const d = o.maxSessionDuration;
  if (d !== undefined && (!Number.isInteger(d) || d < IAM_LIMITS.minSession || d > IAM_LIMITS.maxSession)) {
    fail(`\`maxSessionDuration\` ${show(d)} is out of range; use whole seconds from ${IAM_LIMITS.minSession} to ${IAM_LIMITS.maxSession}.`);
  }
  if (o.permissionsBoundary !== undefined) {
    const arn = tryParseArn(o.permissionsBoundary);
    if (!arn || arn.service !== "iam" || arn.region !== "" || !/^(\d{12}|aws)$/.test(arn.account) || !POLICY_RESOURCE.test(arn.resource)) {
      fail(`\`permissionsBoundary\` ${quoted(o.permissionsBoundary)} is not an IAM policy ARN; use an ARN such as "arn:aws:iam::123456789012:policy/boundary".`);
    }
  }
}

/** An Input checked now when plain, or once it resolves. */
export function checkedInput<T>(value: pulumi.Input<T> | undefined, fallback: T | undefined, check: (v: unknown) => void): pulumi.Input<T> {
  if (value === undefined) {
    check(fallback);
    return fallback as T;
  }
  if (!isEventual(value)) {
    check(value);
    return value;
  }
  return pulumi.output(value).apply((v) => {
    const resolved = (v ?? fallback) as T;
    check(resolved);
    return resolved;
  });
}

/** The refusal of `tls: false` on an admin connection. */
export const TLS_OFF_MESSAGE =
  "`tls` is false, which would send the admin password in clear text; remove it (TLS is on by default). For a server whose certificate cannot be verified, give its CA as `tlsCa`, or set `tlsVerify: false` (encrypted, not verified).";

/**
 * The admin connection's `tls`, checked: true (the default). False is refused, now when plain or
 * once it resolves: it is kept as an argument only because states written by earlier versions
 * hold it.
 */
export function checkedTls(value: pulumi.Input<boolean> | undefined): pulumi.Input<boolean> {
  return checkedInput(value, true, (v) => {
    if (v === false) fail(TLS_OFF_MESSAGE);
    if (typeof v !== "boolean") fail(`\`tls\` ${show(v)} is ${kindOf(v)}, not a boolean; leave it out (TLS is on by default).`);
  });
}
