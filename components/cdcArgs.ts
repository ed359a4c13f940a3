/**
 * The CDC arguments, checked and defaulted before anything is registered: which publication a
 * PostgreSQL pipe reads and how it comes to be, how a MySQL/MariaDB pipe follows the binary log,
 * the binlog retention to make sure of, and whether unmet readiness checks refuse or warn.
 * Pure; throws `ValidationError`.
 */
import { QualifiedTable } from "./checks/facts";
import { PublicationScope, REPLICATION_MECHANISMS, ReplicationMechanism } from "./checks/readiness";
import { Engine, formatChoices } from "./engines";
import { MAX_PG_IDENTIFIER_BYTES, fail, named, quoted, validatePgIdentifier } from "./validation";

/** What unmet CDC readiness requirements do: `enforce` refuses the deploy (default), `warn` logs a warning for each. */
export const CdcCheckMode = {
  /** Refuse the deploy with one message listing every unmet requirement and its fix. */
  Enforce: "enforce",
  /** Log each unmet requirement as a warning and deploy anyway. */
  Warn: "warn",
} as const;
export type CdcCheckMode = (typeof CdcCheckMode)[keyof typeof CdcCheckMode];
/** The check modes, as a list. */
export const CDC_CHECK_MODES: readonly CdcCheckMode[] = Object.values(CdcCheckMode);

/** Default `binlog retention hours` the component makes sure of: the ClickHouse RDS MySQL guide's value. */
export const DEFAULT_BINLOG_RETENTION_HOURS = 72;
/** Bounds of `binlogRetentionHours`: ClickPipes' floor, and Aurora MySQL's ceiling (90 days; RDS allows 168). */
export const MIN_BINLOG_RETENTION_HOURS_ARG = 24;
export const MAX_BINLOG_RETENTION_HOURS_ARG = 2160;
/** RDS for MySQL and MariaDB allow at most 7 days. */
export const MAX_RDS_BINLOG_RETENTION_HOURS = 168;

/** The CDC arguments as given (a subset of `ClickPipesRdsIamAccessArgs`). */
export interface CdcArgsInput {
  cdc?: boolean;
  cdcChecks?: string;
  publicationName?: string;
  createPublication?: boolean;
  publicationTables?: string[];
  publicationAllTables?: boolean;
  replicationMechanism?: string;
  binlogRetentionHours?: number;
}

/** The publication a PostgreSQL CDC pipe reads. */
export interface PublicationPlan {
  name: string;
  /** True when the component creates (and on destroy drops) it; false to use an existing one. */
  create: boolean;
  scope: PublicationScope;
}

/** The CDC arguments after validation and defaults. */
export interface CdcOptions {
  cdc: boolean;
  checks: CdcCheckMode;
  /** PostgreSQL CDC only. */
  publication?: PublicationPlan;
  /** MySQL/MariaDB CDC only. */
  replicationMechanism?: ReplicationMechanism;
  /** MySQL/MariaDB CDC only: the `binlog retention hours` to make sure of (never lowered). */
  binlogRetentionHours?: number;
}

/** Arguments that only CDC uses. */
export const CDC_ONLY_ARGS = ["cdcChecks", "publicationName", "createPublication", "publicationTables", "publicationAllTables", "replicationMechanism", "binlogRetentionHours"] as const;

/** The default publication name: one per database user, so two pipes on one database do not collide. */
export function defaultPublicationName(dbUsername: string): string {
  return `${dbUsername}_publication`;
}

/**
 * Parses a `publicationTables` item: `schema.table`, split at the first dot (a schema name with a
 * dot cannot be listed). The schema must be one of `schemas`, which the user may read.
 */
export function parsePublicationTable(item: string, schemas: readonly string[]): QualifiedTable {
  const dot = item.indexOf(".");
  if (dot <= 0 || dot === item.length - 1) {
    fail(`\`publicationTables\` ${quoted(item)} is not a schema-qualified table; write it as "schema.table", such as "public.orders".`);
  }
  const schema = item.slice(0, dot);
  const table = item.slice(dot + 1);
  validatePgIdentifier("publicationTables", schema);
  validatePgIdentifier("publicationTables", table);
  if (!schemas.includes(schema)) {
    fail(`\`publicationTables\` ${quoted(item)} is in schema ${quoted(schema)}, which is not in \`schemas\`; add the schema to \`schemas\` so that ClickPipes may read the table.`);
  }
  return { schema, table };
}

/** Checks the CDC arguments and fills in their defaults. */
export function normalizeCdcArgs(engine: Engine, args: CdcArgsInput, dbUsername: string, schemas: readonly string[]): CdcOptions {
  const cdc = args.cdc ?? false;
  if (!cdc) {
    const given = CDC_ONLY_ARGS.find((k) => args[k] !== undefined);
    if (given !== undefined) fail(`${named(given, args[given])} is set but \`cdc\` is false; set \`cdc: true\` or remove \`${given}\`.`);
    return { cdc, checks: "enforce" };
  }
  const checks = args.cdcChecks ?? "enforce";
  if (!(CDC_CHECK_MODES as readonly string[]).includes(checks)) {
    fail(`\`cdcChecks\` ${quoted(checks)} is not a check mode; use ${formatChoices(CDC_CHECK_MODES)}.`);
  }
  if (engine === "postgres") return { cdc, checks: checks as CdcCheckMode, publication: publicationPlan(args, dbUsername, schemas) };

  const mechanism = args.replicationMechanism ?? "GTID";
  if (!(REPLICATION_MECHANISMS as readonly string[]).includes(mechanism)) {
    fail(`\`replicationMechanism\` ${quoted(mechanism)} is not a ClickPipes replication mechanism; use ${formatChoices(REPLICATION_MECHANISMS)} (upper case).`);
  }
  const hours = args.binlogRetentionHours ?? DEFAULT_BINLOG_RETENTION_HOURS;
  if (!Number.isInteger(hours) || hours < MIN_BINLOG_RETENTION_HOURS_ARG || hours > MAX_BINLOG_RETENTION_HOURS_ARG) {
    fail(
      `\`binlogRetentionHours\` ${hours} is out of range; use whole hours from ${MIN_BINLOG_RETENTION_HOURS_ARG} (ClickPipes' minimum) to ${MAX_BINLOG_RETENTION_HOURS_ARG} (${MAX_RDS_BINLOG_RETENTION_HOURS} on RDS for MySQL and MariaDB).`,
    );
  }
  return { cdc, checks: checks as CdcCheckMode, replicationMechanism: mechanism as ReplicationMechanism, binlogRetentionHours: hours };
}

function publicationPlan(args: CdcArgsInput, dbUsername: string, schemas: readonly string[]): PublicationPlan {
  const create = args.createPublication ?? true;
  let name = args.publicationName;
  if (name === undefined) {
    if (!create) fail("`createPublication` is false but no `publicationName` is given; name the existing publication ClickPipes should read.");
    name = defaultPublicationName(dbUsername);
    if (Buffer.byteLength(name, "utf8") > MAX_PG_IDENTIFIER_BYTES) {
      fail(`The default publication name ${quoted(name)} is longer than ${MAX_PG_IDENTIFIER_BYTES} bytes; set \`publicationName\`.`);
    }
  }
  validatePgIdentifier("publicationName", name);

  const tables = args.publicationTables;
  const all = args.publicationAllTables ?? false;
  if (tables !== undefined && all) fail("`publicationTables` and `publicationAllTables` are both set; list tables, or publish all tables, not both.");
  if (tables !== undefined && tables.length === 0) fail("`publicationTables` [] is empty; list the tables ClickPipes should replicate, or remove it to publish the `schemas`.");
  let scope: PublicationScope;
  if (all) scope = { kind: "allTables" };
  else if (tables !== undefined) {
    const parsed = tables.map((t) => parsePublicationTable(t, schemas));
    const seen = new Set<string>();
    for (const [i, t] of parsed.entries()) {
      const key = JSON.stringify([t.schema, t.table]);
      if (seen.has(key)) fail(`\`publicationTables\` lists ${quoted(tables[i])} more than once; list each table once.`);
      seen.add(key);
    }
    scope = { kind: "tables", tables: parsed };
  } else scope = { kind: "schemas", schemas: [...schemas] };
  return { name, create, scope };
}
