/**
 * Gathers the facts of `components/checks/facts.ts` from a database, over the admin connection:
 * settings, the publication, tables logical replication cannot carry UPDATE/DELETE for (PostgreSQL),
 * binlog variables and retention (MySQL/MariaDB). It reads and judges nothing, except
 * `raiseBinlogRetention`, the one write: RDS's own procedure, never lowering the value.
 *
 * Names the user gave travel as query parameters (`$1` with `text[]`) on PostgreSQL, never spliced
 * into SQL text.
 */
import type { MySqlFacts, PgSetting, PostgresFacts, PublicationFacts, QualifiedTable, TableWithoutIdentity } from "../checks/facts";
import type { PublicationScope } from "../checks/readiness";
import { SqlSession, sqlErrorInfo } from "../mariadbUserPlan";
import { myBinlogRetentionStatement } from "../sql";
import type { PgSession } from "./pgSession";

/** What to read about a PostgreSQL database beyond its settings. */
export interface PostgresFactsRequest {
  /** The schemas ClickPipes reads: those missing are reported. */
  readonly schemas: readonly string[];
  /** The publication the pipe names: read when it exists. */
  readonly publicationName?: string;
  /** The scope a publication to be created would have: its tables are checked for a replica identity. */
  readonly scope?: PublicationScope;
}

/** The settings read from `pg_settings`, by the name the facts give them. */
const PG_SETTINGS = {
  walLevel: "wal_level",
  rdsLogicalReplication: "rds.logical_replication",
  rdsIamAuthForReplication: "rds.iam_auth_for_replication",
  maxWalSenders: "max_wal_senders",
  maxReplicationSlots: "max_replication_slots",
} as const;

type PgSettingsFacts = { -readonly [K in keyof typeof PG_SETTINGS]: PgSetting };

/** @internal Compares tables by schema, then name, by code point (independent of any collation). */
export function byTable(a: QualifiedTable, b: QualifiedTable): number {
  const c = a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : 0;
  return c !== 0 ? c : a.table < b.table ? -1 : a.table > b.table ? 1 : 0;
}

function text(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

/**
 * @internal The settings. A setting RDS defines shows in `pg_settings`; one set on a server
 * without it (`ALTER DATABASE … SET "rds.logical_replication" = '1'`, a placeholder) does not, so
 * any name `pg_settings` lacks is read again with `current_setting(name, true)`.
 */
export async function readPgSettings(session: PgSession): Promise<PgSettingsFacts> {
  const names = Object.values(PG_SETTINGS);
  const found = new Map<string, string>();
  for (const row of await session.query("SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])", [names])) {
    found.set(text(row.name), text(row.setting));
  }
  const absent = names.filter((n) => !found.has(n));
  if (absent.length > 0) {
    const rows = await session.query("SELECT n AS name, current_setting(n, true) AS setting FROM unnest($1::text[]) AS n", [absent]);
    for (const row of rows) if (row.setting !== null && row.setting !== undefined) found.set(text(row.name), text(row.setting));
  }
  const out = {} as PgSettingsFacts;
  for (const [key, name] of Object.entries(PG_SETTINGS) as [keyof typeof PG_SETTINGS, string][]) out[key] = found.get(name);
  return out;
}

/** @internal The listed schemas that do not exist, in the order listed. */
export async function readMissingSchemas(session: PgSession, schemas: readonly string[]): Promise<string[]> {
  if (schemas.length === 0) return [];
  const rows = await session.query("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])", [[...schemas]]);
  const present = new Set(rows.map((r) => text(r.nspname)));
  return [...new Set(schemas)].filter((s) => !present.has(s));
}

/**
 * @internal The schemas the publication with this `oid` lists `FOR TABLES IN SCHEMA`, sorted; none
 * before PostgreSQL 15, which brought them (and `pg_publication_namespace`).
 */
export async function readPublicationSchemas(session: PgSession, oid: unknown, serverVersionNum: number): Promise<string[]> {
  if (serverVersionNum < 150000) return [];
  const rows = await session.query(
    "SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = $1",
    [oid],
  );
  return rows.map((r) => text(r.nspname)).sort();
}

/**
 * @internal The partitioned tables the publication with this `oid` includes: listed `FOR TABLE`,
 * top-level ones in the `schemas` it lists, or every top-level one of a user schema for FOR ALL
 * TABLES; sorted. Not from `pg_publication_tables`, which lists their partitions instead unless
 * the publication publishes through the root.
 */
export async function readPublishedPartitionedTables(session: PgSession, oid: unknown, allTables: boolean, schemas: readonly string[]): Promise<QualifiedTable[]> {
  const rows = allTables
    ? await session.query(
        `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'p' AND NOT c.relispartition AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`,
      )
    : await session.query(
        `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'p'
            AND (c.oid IN (SELECT pr.prrelid FROM pg_publication_rel pr WHERE pr.prpubid = $1)
                 OR (NOT c.relispartition AND n.nspname = ANY($2::text[])))`,
        [oid, [...schemas]],
      );
  return rows.map((r) => ({ schema: text(r.nspname), table: text(r.relname) })).sort(byTable);
}

/** @internal The publication named `name`, or undefined when there is none. */
export async function readPublication(session: PgSession, name: string, serverVersionNum: number): Promise<PublicationFacts | undefined> {
  // `pubviaroot` exists from PostgreSQL 13: read through `to_jsonb`, null before.
  const pubs = await session.query(
    "SELECT p.oid, p.puballtables, p.pubupdate, p.pubdelete, (to_jsonb(p) ->> 'pubviaroot')::boolean AS viaroot FROM pg_publication p WHERE p.pubname = $1",
    [name],
  );
  if (pubs.length === 0) return undefined;
  const pub = pubs[0];
  const allTables = pub.puballtables === true;
  const schemas = await readPublicationSchemas(session, pub.oid, serverVersionNum);
  const tables = (await session.query("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1", [name]))
    .map((r) => ({ schema: text(r.schemaname), table: text(r.tablename) }))
    .sort(byTable);
  return {
    name,
    allTables,
    schemas,
    tables,
    publishesUpdates: pub.pubupdate === true || pub.pubdelete === true,
    publishViaPartitionRoot: pub.viaroot === null || pub.viaroot === undefined ? undefined : pub.viaroot === true,
    partitionedTables: await readPublishedPartitionedTables(session, pub.oid, allTables, schemas),
  };
}

/** @internal The listed tables that do not exist as tables (ordinary or partitioned), in the order listed. */
export async function readMissingTables(session: PgSession, tables: readonly QualifiedTable[]): Promise<QualifiedTable[]> {
  if (tables.length === 0) return [];
  const rows = await session.query(
    `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN unnest($1::text[], $2::text[]) AS t(s, r) ON n.nspname = t.s AND c.relname = t.r
     WHERE c.relkind IN ('r', 'p')`,
    [tables.map((t) => t.schema), tables.map((t) => t.table)],
  );
  const present = new Set(rows.map((r) => JSON.stringify([text(r.nspname), text(r.relname)])));
  const seen = new Set<string>();
  return tables.filter((t) => {
    const key = JSON.stringify([t.schema, t.table]);
    if (present.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The condition on `pg_class c` for a table whose UPDATE/DELETE logical replication cannot carry:
 * replica identity NOTHING; DEFAULT without a primary key; INDEX whose index is gone or invalid
 * (PostgreSQL then behaves as for NOTHING). REPLICA IDENTITY FULL always works.
 */
const WITHOUT_IDENTITY = `(c.relreplident = 'n'
   OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
   OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND i.indisvalid)))`;

const TABLE_COLUMNS = "SELECT n.nspname, c.relname, c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace";

/**
 * What a schema-wide or FOR ALL TABLES publication takes: permanent (not unlogged or temporary)
 * ordinary and partitioned tables, a partitioned table once (its partitions are not listed apart).
 */
const PUBLISHABLE = "c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'";

/**
 * @internal The tables a publication covers, or would cover, that cannot replicate UPDATE/DELETE:
 * an existing publication's own tables; otherwise the scope's.
 */
export async function readTablesWithoutIdentity(
  session: PgSession,
  target: { publication: string } | { scope: PublicationScope },
): Promise<TableWithoutIdentity[]> {
  let rows: Record<string, unknown>[];
  if ("publication" in target) {
    rows = await session.query(
      `${TABLE_COLUMNS} JOIN pg_publication_tables pt ON pt.schemaname = n.nspname AND pt.tablename = c.relname
        WHERE pt.pubname = $1 AND ${WITHOUT_IDENTITY}`,
      [target.publication],
    );
  } else {
    const scope = target.scope;
    switch (scope.kind) {
      case "schemas":
        if (scope.schemas.length === 0) return [];
        rows = await session.query(`${TABLE_COLUMNS} WHERE n.nspname = ANY($1::text[]) AND ${PUBLISHABLE} AND ${WITHOUT_IDENTITY}`, [[...scope.schemas]]);
        break;
      case "tables":
        if (scope.tables.length === 0) return [];
        rows = await session.query(
          `${TABLE_COLUMNS} JOIN unnest($1::text[], $2::text[]) AS t(s, r) ON n.nspname = t.s AND c.relname = t.r
            WHERE c.relkind IN ('r', 'p') AND ${WITHOUT_IDENTITY}`,
          [scope.tables.map((t) => t.schema), scope.tables.map((t) => t.table)],
        );
        break;
      case "allTables":
        // User schemas cannot start with "pg_" (reserved): that excludes pg_catalog, pg_toast* and pg_temp*.
        rows = await session.query(
          `${TABLE_COLUMNS} WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' AND ${PUBLISHABLE} AND ${WITHOUT_IDENTITY}`,
        );
        break;
    }
  }
  const seen = new Set<string>();
  return rows
    .map((r) => ({ schema: text(r.nspname), table: text(r.relname), replicaIdentity: text(r.relreplident) }))
    .filter((t) => {
      const key = JSON.stringify([t.schema, t.table]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(byTable);
}

/**
 * Reads what the PostgreSQL checks need from the database the session is connected to: settings,
 * version, missing schemas, the named publication when it exists, missing tables of a FOR TABLE
 * scope, and the tables without a replica identity in what is or will be published.
 */
export async function readPostgresFacts(
  session: PgSession,
  req: { schemas: readonly string[]; publicationName?: string; scope?: PublicationScope },
): Promise<PostgresFacts> {
  const [version] = await session.query(
    "SELECT current_setting('server_version_num')::int AS num, current_setting('server_version') AS version",
  );
  const serverVersionNum = Number(version.num);
  const settings = await readPgSettings(session);
  const missingSchemas = await readMissingSchemas(session, req.schemas);
  const publication = req.publicationName === undefined ? undefined : await readPublication(session, req.publicationName, serverVersionNum);
  const missingTables = req.scope?.kind === "tables" ? await readMissingTables(session, req.scope.tables) : [];
  const tablesWithoutIdentity =
    publication !== undefined
      ? await readTablesWithoutIdentity(session, { publication: publication.name })
      : req.scope !== undefined
        ? await readTablesWithoutIdentity(session, { scope: req.scope })
        : [];
  return {
    engine: "postgres",
    serverVersionNum,
    serverVersion: text(version.version),
    ...settings,
    ...(publication === undefined ? {} : { publication }),
    tablesWithoutIdentity,
    missingSchemas,
    missingTables,
  };
}

/** The global variables the MySQL/MariaDB checks read (`MySqlFacts.variables`). */
export const MYSQL_VARIABLES: readonly string[] = [
  "log_bin",
  "binlog_format",
  "binlog_row_image",
  "binlog_row_metadata",
  "binlog_row_value_options",
  "gtid_mode",
  "enforce_gtid_consistency",
  "binlog_expire_logs_seconds",
];

/** MySQL/MariaDB `ER_NO_SUCH_TABLE`. */
const ER_NO_SUCH_TABLE = 1146;
/** MySQL/MariaDB `ER_TABLEACCESS_DENIED_ERROR`. */
const ER_TABLEACCESS_DENIED_ERROR = 1142;

/** The query PeerDB (ClickPipes) itself runs for the retention (`CheckRDSBinlogSettings`). */
export const BINLOG_RETENTION_QUERY = "SELECT value FROM mysql.rds_configuration WHERE name = 'binlog retention hours'";

/**
 * @internal `binlog retention hours`: the hours; null when the row is missing or NULL (binary logs
 * are purged as soon as possible); undefined when the server has no `mysql.rds_configuration`
 * (not RDS) or the admin may not read it.
 */
export async function readBinlogRetentionHours(session: SqlSession): Promise<number | null | undefined> {
  let rows: Record<string, unknown>[];
  try {
    rows = await session.query(BINLOG_RETENTION_QUERY);
  } catch (e) {
    const errno = sqlErrorInfo(e).errno;
    if (errno === ER_NO_SUCH_TABLE || errno === ER_TABLEACCESS_DENIED_ERROR) return undefined;
    throw e;
  }
  const value = rows[0]?.value;
  if (value === undefined || value === null) return null;
  const hours = typeof value === "string" && value.trim() !== "" ? Number(value) : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(hours)) {
    throw new Error(`mysql.rds_configuration has "binlog retention hours" = ${JSON.stringify(String(value))}, which is not a number of hours.`);
  }
  return hours;
}

/** Reads what the MySQL/MariaDB checks need: the version, the binlog variables, and binlog retention. */
export async function readMySqlFacts(session: SqlSession, engine: "mysql" | "mariadb"): Promise<MySqlFacts> {
  const [version] = await session.query("SELECT @@version AS version");
  const list = MYSQL_VARIABLES.map((n) => `'${n}'`).join(", ");
  const variables: Record<string, string> = {};
  for (const row of await session.query(`SHOW GLOBAL VARIABLES WHERE Variable_name IN (${list})`)) {
    variables[text(row.Variable_name).toLowerCase()] = text(row.Value);
  }
  return { engine, version: text(version?.version), variables, binlogRetentionHours: await readBinlogRetentionHours(session) };
}

/** What `raiseBinlogRetention` found and left. */
export interface BinlogRetentionChange {
  before: number | null | undefined;
  after: number | null | undefined;
  changed: boolean;
}

/**
 * Raises `binlog retention hours` to `hours` with RDS's `mysql.rds_set_configuration` when it is
 * NULL or lower; never lowers it. `before` is the retention the caller read already
 * (`readBinlogRetentionHours`, as `readMySqlFacts` does): on a server without
 * `mysql.rds_configuration` (undefined, not RDS) it calls nothing. The statement is `setupSql`'s own
 * (`myBinlogRetentionStatement`), which refuses anything but a positive whole number of hours
 * before a query is run.
 */
export async function raiseBinlogRetention(session: SqlSession, hours: number, before: number | null | undefined): Promise<BinlogRetentionChange> {
  const statement = myBinlogRetentionStatement(hours);
  if (before === undefined || (before !== null && before >= hours)) return { before, after: before, changed: false };
  await session.query(statement);
  const after = await readBinlogRetentionHours(session);
  return { before, after, changed: after !== before };
}
