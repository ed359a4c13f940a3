/**
 * Readiness checks: will ClickPipes accept this source, and keep replicating from it? Pure
 * functions over the plain facts of `./facts.ts`, so the component's deploy-time checks and a
 * command line can share them.
 *
 * The authority is what ClickPipes itself checks. ClickPipes reads databases through PeerDB
 * (PeerDB-io/peerdb); each check cites the PeerDB function or ClickHouse guide it mirrors:
 * - flow/connectors/postgres/validate.go: `CheckReplicationPermissions` (wal_level logical,
 *   rds.logical_replication, max_wal_senders >= 2), publication exists and covers the tables;
 * - flow/connectors/postgres/validate.go `ValidateCheck`: PostgreSQL 12 or later, every mode;
 * - flow/connectors/postgres/client.go `createSlotAndPublication`: PeerDB's own publications publish
 *   through partition roots (`publish_via_partition_root = true`, PostgreSQL 13+);
 * - flow/connectors/postgres/postgres_source.go `EnsurePullability`: a CDC table needs a primary
 *   key or REPLICA IDENTITY FULL, and never replica identity NOTHING;
 * - flow/pkg/mysql/validation.go: `CheckMySQL8BinlogSettings`, `CheckMySQL5BinlogSettings`,
 *   `CheckMariaDBBinlogSettings`, `CheckRDSBinlogSettings` (retention >= 24 h);
 * - flow/connectors/mysql/validate.go `CheckReplicationConnectivity`: GTID mode ON on MySQL when
 *   the mechanism is GTID; binary logging on;
 * - ClickHouse docs, clickpipes/postgres/source/rds.md: `rds.iam_auth_for_replication = 1` for
 *   IAM-authenticated replication; mysql/source/rds.md and rds_maria.md: automated backups on.
 */
import { quotePgIdent } from "../sql";
import { compareVersions } from "../versions";
import { MySqlFacts, PostgresFacts, QualifiedTable, TargetFacts } from "./facts";

/** How a check ended. */
export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** One check's verdict. */
export interface CheckResult {
  /** A stable name, such as "postgres.wal_level" or "mysql.binlog_row_metadata". */
  id: string;
  status: CheckStatus;
  /** What was found, in one sentence without a full stop. */
  summary: string;
  /** For a failure or warning: exactly what to do, in one sentence. */
  fix?: string;
  /** A failure that `cdcChecks: "warn"` cannot let through: going on would break something. */
  hard?: boolean;
}

/** How a MySQL/MariaDB CDC pipe follows the binary log (`settings.replicationMechanism`): `GTID` or `FILE_POS`. */
export const ReplicationMechanism = {
  /** By global transaction ID: needs `gtid_mode` ON on MySQL. */
  Gtid: "GTID",
  /** By binary log file and position: must be enabled for the ClickHouse organization. */
  FilePos: "FILE_POS",
} as const;
export type ReplicationMechanism = (typeof ReplicationMechanism)[keyof typeof ReplicationMechanism];
/** Replication mechanisms ClickPipes offers for MySQL/MariaDB CDC, as a list. */
export const REPLICATION_MECHANISMS: readonly ReplicationMechanism[] = Object.values(ReplicationMechanism);

/** ClickPipes' floor for binlog retention, in hours (`CheckRDSBinlogSettings`). */
export const MIN_BINLOG_RETENTION_HOURS = 24;
/** PostgreSQL: the oldest major version ClickPipes reads, in every mode. */
export const MIN_POSTGRES_VERSION = "12";
/** MySQL: from this version `binlog_row_metadata` exists and ClickPipes requires it FULL. */
export const MYSQL_ROW_METADATA_VERSION = "8.0.1";
/** MySQL: from this version `binlog_row_value_options` exists and ClickPipes requires it empty. */
export const MYSQL_ROW_VALUE_OPTIONS_VERSION = "8.0.3";
/** MariaDB: from this version `binlog_row_metadata` exists and ClickPipes requires it FULL. */
export const MARIADB_ROW_METADATA_VERSION = "10.5.0";

/** How the publication the pipe names comes to be. */
export type PublicationScope =
  | { kind: "schemas"; schemas: readonly string[] }
  | { kind: "tables"; tables: readonly QualifiedTable[] }
  | { kind: "allTables" };

/** What is asked of a PostgreSQL source. */
export interface PostgresRequest {
  cdc: boolean;
  /** The schemas ClickPipes reads. */
  schemas: readonly string[];
  /** The publication the pipe names (CDC only). */
  publication?: { name: string; create: boolean; scope: PublicationScope };
}

/** What is asked of a MySQL or MariaDB source. */
export interface MySqlRequest {
  cdc: boolean;
  replicationMechanism: ReplicationMechanism;
  /** Hours the component sets `binlog retention hours` to (never lowering it); undefined when it does not. */
  setsBinlogRetentionHours?: number;
}

const pass = (id: string, summary: string): CheckResult => ({ id, status: "pass", summary });
const fail = (id: string, summary: string, fix: string): CheckResult => ({ id, status: "fail", summary, fix });
const warn = (id: string, summary: string, fix: string): CheckResult => ({ id, status: "warn", summary, fix });
const skip = (id: string, summary: string): CheckResult => ({ id, status: "skip", summary });

/** A version as messages show it: quoted, or "unknown". */
function shownVersion(v: string): string {
  return v === "" ? "unknown" : `"${v}"`;
}

/** "in parameter group "x"" or "in the DB parameter group" when the name is unknown. */
function inGroup(t: Pick<TargetFacts, "deployment" | "parameterGroup">): string {
  const kind = t.deployment === "aurora" ? "DB cluster parameter group" : "DB parameter group";
  return t.parameterGroup ? `in ${kind} "${t.parameterGroup}"` : `in the ${kind}`;
}

/**
 * Checks that need only the lookup: engine version floors and, for MySQL/MariaDB CDC on RDS,
 * automated backups (binary logs exist only with them). No database connection.
 */
export function targetChecks(t: TargetFacts, o: { cdc: boolean }): CheckResult[] {
  const out: CheckResult[] = [endpointCheck(t.host)];
  if (t.engine === "postgres") {
    const id = "postgres.version";
    if (t.engineVersion === "") out.push(skip(id, "The PostgreSQL version is not known yet"));
    else if (compareVersions(t.engineVersion, MIN_POSTGRES_VERSION) < 0) {
      out.push(
        fail(id, `PostgreSQL ${shownVersion(t.engineVersion)} on ${t.kind} "${t.identifier}" is older than ClickPipes reads (${MIN_POSTGRES_VERSION} or later, in every mode)`, `upgrade the ${t.kind} to PostgreSQL ${MIN_POSTGRES_VERSION} or later`),
      );
    } else out.push(pass(id, `PostgreSQL ${shownVersion(t.engineVersion)} is ${MIN_POSTGRES_VERSION} or later`));
  }
  if (t.engine !== "postgres" && o.cdc && t.deployment === "rds") {
    const id = "rds.backups";
    if (t.backupRetentionPeriod === undefined) out.push(skip(id, "The backup retention period is not known yet"));
    else if (t.backupRetentionPeriod < 1) {
      out.push(
        fail(id, `Automated backups are off on ${t.kind} "${t.identifier}" (backup retention period 0), so RDS keeps no binary logs for CDC`, `set the backup retention period to 1 day or more (Modify, "Backup retention period"; \`backupRetentionPeriod\` on an aws.rds.Instance)`),
      );
    } else out.push(pass(id, `Automated backups are on (retention ${t.backupRetentionPeriod} days), so binary logs are kept`));
  }
  return out;
}

/**
 * ClickPipes signs the IAM token for the region it reads from the host, with PeerDB's pattern
 * (flow/connectors/utils/rds.go `regionRegex`): a host it does not match (a CNAME, a custom DNS
 * name, an `.amazonaws.com.cn` endpoint) cannot log in with IAM. RDS Proxy endpoints match it but
 * carry no logical replication.
 */
export const RDS_HOST_PATTERN = /^.*?\..*?\.([a-z0-9-]+)\.rds\.amazonaws\.com$/;

/** Whether ClickPipes can sign an IAM token for this host. */
export function endpointCheck(host: string): CheckResult {
  const id = "rds.endpoint";
  if (host === "") return skip(id, "The endpoint is not known yet");
  if (RDS_HOST_PATTERN.test(host)) {
    if (/\.proxy-[a-z0-9]+\./.test(host)) {
      return warn(id, `Host "${host}" is an RDS Proxy endpoint, which carries no logical replication`, "give ClickPipes the database's own endpoint for CDC");
    }
    return pass(id, `Host "${host}" is an RDS endpoint ClickPipes can sign IAM tokens for (region ${RDS_HOST_PATTERN.exec(host)?.[1]})`);
  }
  return warn(
    id,
    `Host "${host}" is not an endpoint of the form <name>.<id>.<region>.rds.amazonaws.com, so ClickPipes cannot tell the region to sign its IAM token for`,
    "give ClickPipes the database's own RDS endpoint (not a CNAME, custom DNS name or .amazonaws.com.cn endpoint)",
  );
}

/** A setting's value as messages show it. */
function val(v: string | undefined): string {
  return v === undefined ? "not present" : `"${v}"`;
}

function isOn(v: string | undefined): boolean {
  return v !== undefined && ["on", "1", "true", "yes"].includes(v.toLowerCase());
}

function qualified(t: QualifiedTable): string {
  return `"${t.schema}"."${t.table}"`;
}

function sameTable(a: QualifiedTable, b: QualifiedTable): boolean {
  return a.schema === b.schema && a.table === b.table;
}

/** A list of names for a message, the first few and a count of the rest. */
function listed(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * PostgreSQL CDC readiness: logical replication, IAM for replication connections, WAL senders,
 * the publication, and tables whose UPDATE/DELETE logical replication cannot carry.
 */
export function postgresChecks(f: PostgresFacts, r: PostgresRequest, t: Pick<TargetFacts, "deployment" | "parameterGroup">): CheckResult[] {
  const out: CheckResult[] = [];
  if (f.serverVersionNum < 120000) {
    out.push(fail("postgres.version", `PostgreSQL "${f.serverVersion}" is older than ClickPipes reads (${MIN_POSTGRES_VERSION} or later)`, `upgrade to PostgreSQL ${MIN_POSTGRES_VERSION} or later`));
  }
  if (f.missingSchemas.length > 0) {
    out.push(fail("postgres.schemas", `Schema ${listed(f.missingSchemas.map((s) => `"${s}"`))} does not exist in the database`, "create it, or remove it from `schemas`"));
  }
  if (!r.cdc) return out;

  const rds = f.rdsLogicalReplication !== undefined;
  if (f.walLevel === "logical") out.push(pass("postgres.wal_level", 'wal_level is "logical"'));
  else {
    const fix = rds
      ? `set \`rds.logical_replication\` to 1 ${inGroup(t)} and reboot (static parameter)`
      : "set `wal_level = logical` and restart the server";
    out.push(fail("postgres.wal_level", `wal_level is ${val(f.walLevel)}, not "logical"${rds ? ` (rds.logical_replication is ${val(f.rdsLogicalReplication)})` : ""}`, fix));
  }
  if (rds) {
    if (isOn(f.rdsIamAuthForReplication)) out.push(pass("postgres.rds_iam_auth_for_replication", "rds.iam_auth_for_replication is on"));
    else {
      out.push(
        fail(
          "postgres.rds_iam_auth_for_replication",
          `rds.iam_auth_for_replication is ${val(f.rdsIamAuthForReplication)}, so the replication connection cannot log in with IAM`,
          `set \`rds.iam_auth_for_replication\` to 1 ${inGroup(t)} (dynamic, no reboot)`,
        ),
      );
    }
  }
  const senders = Number(f.maxWalSenders);
  if (f.maxWalSenders !== undefined && Number.isFinite(senders) && senders < 2) {
    out.push(fail("postgres.max_wal_senders", `max_wal_senders is ${senders}; ClickPipes needs at least 2`, `set \`max_wal_senders\` to 10 or more ${inGroup(t)} and reboot`));
  }

  const p = r.publication;
  if (p !== undefined) out.push(...publicationChecks(f, p));
  return out;
}

function publicationChecks(f: PostgresFacts, p: NonNullable<PostgresRequest["publication"]>): CheckResult[] {
  const out: CheckResult[] = [];
  const existing = f.publication;
  if (p.create && existing !== undefined) {
    out.push(
      fail(
        "postgres.publication",
        `Publication "${p.name}" already exists, and this component does not take over what it did not create`,
        `set \`createPublication: false\` to use it as it is, or choose another \`publicationName\``,
      ),
    );
  } else if (!p.create) {
    if (existing === undefined) {
      out.push(fail("postgres.publication", `Publication "${p.name}" does not exist in the database`, `create it (\`CREATE PUBLICATION "${p.name}" FOR TABLE …\`), or set \`createPublication: true\``));
    } else if (!existing.allTables) {
      // Lenient on purpose: a publication of some tables of a schema may be exactly what the user
      // wants; ClickPipes itself checks each table of the pipe against it when the pipe is created.
      const covered = (s: string) => existing.schemas.includes(s) || existing.tables.some((t) => t.schema === s);
      const uncovered = p.scope.kind === "schemas" ? p.scope.schemas.filter((s) => !covered(s)) : [];
      const tables = p.scope.kind === "tables" ? p.scope.tables.filter((t) => !existing.tables.some((e) => sameTable(e, t))) : [];
      if (uncovered.length > 0 || tables.length > 0) {
        const what = [...uncovered.map((s) => `schema "${s}"`), ...tables.map(qualified)];
        out.push(
          fail(
            "postgres.publication",
            `Publication "${p.name}" does not cover ${listed(what)}, so ClickPipes cannot replicate ${what.length === 1 ? "it" : "them"}`,
            `add ${what.length === 1 ? "it" : "them"} (\`ALTER PUBLICATION "${p.name}" ADD …\`)`,
          ),
        );
      } else out.push(pass("postgres.publication", `Publication "${p.name}" exists and covers what ClickPipes reads`));
    } else out.push(pass("postgres.publication", `Publication "${p.name}" exists (FOR ALL TABLES)`));
  }
  if (!p.create && existing !== undefined) out.push(partitionRootCheck(existing));
  if (f.missingTables.length > 0) {
    out.push(fail("postgres.publication_tables", `Table ${listed(f.missingTables.map(qualified))} does not exist`, "create it, or remove it from `publicationTables`"));
  }

  const bad = f.tablesWithoutIdentity;
  if (bad.length > 0) {
    const names = listed(bad.map(qualified));
    const fix = `give ${bad.length === 1 ? "it" : "each"} a primary key or run \`ALTER TABLE … REPLICA IDENTITY FULL\``;
    // A publication that publishes UPDATE/DELETE makes PostgreSQL refuse them on such a table: the
    // application breaks, not just the pipe. Never create one that does that unless asked to.
    if (p.create && p.scope.kind !== "allTables") {
      out.push({
        ...fail(
          "postgres.replica_identity",
          `${names} ${bad.length === 1 ? "has" : "have"} no primary key and no REPLICA IDENTITY FULL; once published, PostgreSQL refuses UPDATE and DELETE on ${bad.length === 1 ? "it" : "them"}`,
          `${fix}, or leave ${bad.length === 1 ? "it" : "them"} out with \`publicationTables\``,
        ),
        hard: true,
      });
    } else {
      out.push(
        warn(
          "postgres.replica_identity",
          `${names} in publication "${p.name}" ${bad.length === 1 ? "has" : "have"} no primary key and no REPLICA IDENTITY FULL: UPDATE and DELETE on ${bad.length === 1 ? "it" : "them"} fail at the source, and ClickPipes refuses ${bad.length === 1 ? "it" : "them"} for CDC`,
          fix,
        ),
      );
    }
  } else out.push(pass("postgres.replica_identity", "Every published table has a primary key or REPLICA IDENTITY FULL"));
  return out;
}

/**
 * An existing publication with partitioned tables should publish through their root
 * (`publish_via_partition_root`, PostgreSQL 13+), as PeerDB's own publications do
 * (flow/connectors/postgres/client.go `createSlotAndPublication`): otherwise their changes come
 * under the partitions' names, which a pipe mapping the partitioned table does not match. A
 * warning: a pipe that maps the partitions themselves works.
 */
function partitionRootCheck(existing: NonNullable<PostgresFacts["publication"]>): CheckResult {
  const id = "postgres.publish_via_partition_root";
  const parts = existing.partitionedTables;
  const name = `"${existing.name}"`;
  if (parts.length === 0) return pass(id, `Publication ${name} includes no partitioned table`);
  const them = parts.length === 1 ? "it" : "them";
  const tables = `partitioned table${parts.length === 1 ? "" : "s"} ${listed(parts.map(qualified))}`;
  if (existing.publishViaPartitionRoot === true) return pass(id, `Publication ${name} publishes ${tables} through their root (publish_via_partition_root)`);
  if (existing.publishViaPartitionRoot === undefined) {
    return skip(id, `Publication ${name} includes ${tables}, whose changes PostgreSQL before 13 publishes under the partitions' names only (no publish_via_partition_root)`);
  }
  return warn(
    id,
    `Publication ${name} includes ${tables} but publishes ${parts.length === 1 ? "its" : "their"} changes under the partitions' names (publish_via_partition_root is off), so a pipe that maps ${them} misses them`,
    `run \`ALTER PUBLICATION ${quotePgIdent(existing.name)} SET (publish_via_partition_root = true)\` as its owner`,
  );
}

/** The version part of `@@version` ("10.11.9-MariaDB-log" is "10.11.9"). */
export function mySqlVersionNumber(version: string): string {
  return /^\d+(?:\.\d+)*/.exec(version)?.[0] ?? "";
}

/**
 * MySQL/MariaDB CDC readiness: binary logging and its row format, GTID (MySQL, mechanism GTID),
 * and binlog retention. The `binlog retention hours` the component sets itself counts as met.
 */
export function mySqlChecks(f: MySqlFacts, r: MySqlRequest, t: Pick<TargetFacts, "deployment" | "parameterGroup">): CheckResult[] {
  if (!r.cdc) return [];
  const out: CheckResult[] = [];
  const v = f.variables;
  const version = mySqlVersionNumber(f.version);
  const atLeast = (floor: string) => version !== "" && compareVersions(version, floor) >= 0;
  const group = inGroup(t);
  const setting = (name: string, want: string, dynamic: boolean, id = `mysql.${name}`) => {
    const have = v[name];
    if (have !== undefined && have.toUpperCase() === want) out.push(pass(id, `${name} is "${want}"`));
    else out.push(fail(id, `${name} is ${val(have)}, not "${want}"`, `set \`${name}\` to ${want} ${group} (${dynamic ? "dynamic, no reboot" : "static, reboot"})`));
  };

  if (isOn(v.log_bin)) out.push(pass("mysql.log_bin", "Binary logging is on"));
  else {
    const fix = t.deployment === "aurora" ? `set \`binlog_format\` to ROW ${group} and reboot the writer` : "turn on automated backups (backup retention period 1 day or more)";
    out.push(fail("mysql.log_bin", `Binary logging is off (log_bin is ${val(v.log_bin)})`, fix));
  }
  setting("binlog_format", "ROW", true);
  setting("binlog_row_image", "FULL", true);
  const metadataFloor = f.engine === "mariadb" ? MARIADB_ROW_METADATA_VERSION : MYSQL_ROW_METADATA_VERSION;
  if (atLeast(metadataFloor)) setting("binlog_row_metadata", "FULL", true);
  else {
    out.push(
      warn("mysql.binlog_row_metadata", `${f.engine === "mariadb" ? "MariaDB" : "MySQL"} "${f.version}" has no binlog_row_metadata; ClickPipes falls back to older checks and cannot exclude columns`, `upgrade to ${f.engine === "mariadb" ? "MariaDB" : "MySQL"} ${metadataFloor} or later`),
    );
  }
  if (f.engine === "mysql" && atLeast(MYSQL_ROW_VALUE_OPTIONS_VERSION)) {
    const have = v.binlog_row_value_options ?? "";
    if (have === "") out.push(pass("mysql.binlog_row_value_options", "binlog_row_value_options is empty"));
    else out.push(fail("mysql.binlog_row_value_options", `binlog_row_value_options is "${have}", not empty (partial JSON updates cannot be replicated)`, `set \`binlog_row_value_options\` to an empty value ${group} (dynamic, no reboot)`));
  }
  if (f.engine === "mysql" && r.replicationMechanism === "GTID") {
    if ((v.gtid_mode ?? "").toUpperCase() === "ON") out.push(pass("mysql.gtid_mode", "gtid_mode is ON"));
    else {
      out.push(
        fail(
          "mysql.gtid_mode",
          `gtid_mode is ${val(v.gtid_mode)}, but the pipe replicates by GTID (ClickPipes' default)`,
          `set \`enforce_gtid_consistency\` and \`gtid_mode\` to ON ${group} and reboot, or set \`replicationMechanism: "FILE_POS"\` if FILE_POS is enabled for your ClickHouse organization`,
        ),
      );
    }
  }
  out.push(...retentionChecks(f, r, atLeast(f.engine === "mariadb" ? "10.6.1" : MYSQL_ROW_METADATA_VERSION)));
  return out;
}

function retentionChecks(f: MySqlFacts, r: MySqlRequest, hasExpireSeconds: boolean): CheckResult[] {
  const out: CheckResult[] = [];
  const id = "mysql.binlog_retention_hours";
  const hours = f.binlogRetentionHours;
  const sets = r.setsBinlogRetentionHours;
  if (hours === undefined) out.push(skip(id, "mysql.rds_configuration cannot be read (not RDS, or the admin may not read it), so binlog retention hours were not checked"));
  else if (sets !== undefined && (hours === null || hours < sets)) {
    out.push(pass(id, `binlog retention hours is ${hours ?? "NULL"}; this component sets it to ${sets}`));
  } else if (hours === null || hours < MIN_BINLOG_RETENTION_HOURS) {
    out.push(
      fail(
        id,
        `binlog retention hours is ${hours ?? "NULL (binary logs are purged as soon as possible)"}; ClickPipes needs at least ${MIN_BINLOG_RETENTION_HOURS}`,
        `run \`CALL mysql.rds_set_configuration('binlog retention hours', 72);\` as the admin, or set \`binlogRetentionHours\``,
      ),
    );
  } else out.push(pass(id, `binlog retention hours is ${hours}`));
  const expire = f.variables.binlog_expire_logs_seconds;
  if (hasExpireSeconds && expire !== undefined) {
    const seconds = Number(expire);
    if (Number.isFinite(seconds) && seconds !== 0 && seconds < 86400) {
      out.push(fail("mysql.binlog_expire_logs_seconds", `binlog_expire_logs_seconds is ${seconds}; ClickPipes needs 0 or at least 86400 (24 hours)`, "set `binlog_expire_logs_seconds` to 86400 or more, or 0"));
    }
  }
  return out;
}

/** The checks that did not pass and block (failures). */
export function failures(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === "fail");
}

/**
 * The failures that stop a deploy: every failure under `"enforce"`; under `"warn"` only the hard
 * ones (a publication that would make PostgreSQL refuse UPDATE and DELETE on application tables).
 */
export function blockingFailures(results: readonly CheckResult[], mode: "enforce" | "warn"): CheckResult[] {
  return failures(results).filter((r) => mode === "enforce" || r.hard === true);
}

/** One line for a result: its summary and, when there is one, its fix. */
export function describeResult(r: CheckResult): string {
  return r.fix === undefined ? `${r.summary}.` : `${r.summary}; ${r.fix}.`;
}

/**
 * The one message that refuses a source: every unmet requirement with its fix, one per line.
 * `what` names the source ("instance \"orders\"").
 */
export function readinessFailureMessage(what: string, failed: readonly CheckResult[], escape: string): string {
  const n = failed.length;
  const head = `${what} is not ready for ClickPipes CDC (${n} unmet requirement${n === 1 ? "" : "s"}); fix ${n === 1 ? "it" : "them"} and run \`pulumi up\` again, or ${escape}:`;
  return [head, ...failed.map((r) => `  - ${describeResult(r)}`)].join("\n");
}

/**
 * The message that refuses a source, or undefined when nothing blocks it (`blockingFailures`):
 * the one refusal of the lookup checks and the database checks alike.
 */
export function readinessRefusal(target: Pick<TargetFacts, "kind" | "identifier">, results: readonly CheckResult[], mode: "enforce" | "warn"): string | undefined {
  const failed = blockingFailures(results, mode);
  if (failed.length === 0) return undefined;
  const what = `${target.kind === "cluster" ? "Cluster" : "Instance"} "${target.identifier}"`;
  const hard = failed.filter((r) => r.hard === true);
  // `cdcChecks: "warn"` lets through only failures that are not hard: offer it only for those.
  if (mode === "warn" || hard.length === failed.length) {
    return readinessFailureMessage(what, failed, 'note that `cdcChecks: "warn"` does not waive these, since going on would break the application');
  }
  if (hard.length === 0) return readinessFailureMessage(what, failed, 'set `cdcChecks: "warn"` to deploy anyway');
  const marked = failed.map((r) => (r.hard === true ? { ...r, summary: `${NOT_WAIVABLE} ${r.summary}` } : r));
  return readinessFailureMessage(what, marked, `set \`cdcChecks: "warn"\` to deploy despite those not marked ${NOT_WAIVABLE}, which would break the application`);
}

/** The mark of a failure that `cdcChecks: "warn"` does not let through, in a refusal that lists others it would. */
export const NOT_WAIVABLE = "(not waivable)";

/** The warnings to log, one line each: failures let through (`cdcChecks: "warn"`), then warnings. */
export function readinessWarnings(results: readonly CheckResult[]): string[] {
  return [...failures(results), ...results.filter((r) => r.status === "warn")].map(describeResult);
}

/** A check the deploy-time readiness check makes, as the plan and the docs list it. */
export interface PlannedCheck {
  id: string;
  /** What is required, in a few words. */
  requirement: string;
}

/** The checks `targetChecks` makes from the lookup, for an engine and mode. */
export function plannedTargetChecks(engine: "postgres" | "mysql" | "mariadb", deployment: "rds" | "aurora", cdc: boolean): PlannedCheck[] {
  const out: PlannedCheck[] = [{ id: "rds.endpoint", requirement: "the host is an RDS endpoint ClickPipes signs IAM tokens for (warning)" }];
  if (engine === "postgres") out.push({ id: "postgres.version", requirement: `PostgreSQL ${MIN_POSTGRES_VERSION} or later` });
  if (engine !== "postgres" && cdc && deployment === "rds") out.push({ id: "rds.backups", requirement: "automated backups on (backup retention period 1 day or more)" });
  return out;
}

/** The checks `postgresChecks` / `mySqlChecks` make over the admin connection, for a request. */
export function plannedDatabaseChecks(
  what: { engine: "postgres"; request: PostgresRequest } | { engine: "mysql" | "mariadb"; request: MySqlRequest },
): PlannedCheck[] {
  if (!what.request.cdc) return [];
  if (what.engine === "postgres") {
    const p = what.request.publication;
    const out: PlannedCheck[] = [
      { id: "postgres.schemas", requirement: `schemas ${what.request.schemas.map((s) => `"${s}"`).join(", ")} exist` },
      { id: "postgres.wal_level", requirement: 'wal_level "logical" (RDS: rds.logical_replication = 1)' },
      { id: "postgres.rds_iam_auth_for_replication", requirement: "rds.iam_auth_for_replication = 1 (RDS, Aurora)" },
      { id: "postgres.max_wal_senders", requirement: "max_wal_senders at least 2" },
    ];
    if (p !== undefined) {
      out.push({
        id: "postgres.publication",
        requirement: p.create ? `publication "${p.name}" does not exist yet (it is created after the checks)` : `publication "${p.name}" exists and covers what ClickPipes reads`,
      });
      if (!p.create) out.push({ id: "postgres.publish_via_partition_root", requirement: "publish_via_partition_root on when it includes a partitioned table (warning; PostgreSQL 13+)" });
      if (p.scope.kind === "tables") out.push({ id: "postgres.publication_tables", requirement: "the listed tables exist" });
      out.push({ id: "postgres.replica_identity", requirement: "every published table has a primary key or REPLICA IDENTITY FULL" });
    }
    return out;
  }
  const r = what.request;
  const out: PlannedCheck[] = [
    { id: "mysql.log_bin", requirement: "binary logging on" },
    { id: "mysql.binlog_format", requirement: "binlog_format ROW" },
    { id: "mysql.binlog_row_image", requirement: "binlog_row_image FULL" },
    { id: "mysql.binlog_row_metadata", requirement: `binlog_row_metadata FULL (${what.engine === "mariadb" ? `MariaDB ${MARIADB_ROW_METADATA_VERSION}` : `MySQL ${MYSQL_ROW_METADATA_VERSION}`}+)` },
  ];
  if (what.engine === "mysql") out.push({ id: "mysql.binlog_row_value_options", requirement: `binlog_row_value_options empty (MySQL ${MYSQL_ROW_VALUE_OPTIONS_VERSION}+)` });
  if (what.engine === "mysql" && r.replicationMechanism === "GTID") out.push({ id: "mysql.gtid_mode", requirement: "gtid_mode ON (replication mechanism GTID)" });
  out.push({
    id: "mysql.binlog_retention_hours",
    requirement:
      r.setsBinlogRetentionHours === undefined
        ? `binlog retention hours at least ${MIN_BINLOG_RETENTION_HOURS} (RDS, Aurora)`
        : `binlog retention hours at least ${MIN_BINLOG_RETENTION_HOURS}; raised to ${r.setsBinlogRetentionHours} when lower (RDS, Aurora; never lowered)`,
  });
  out.push({ id: "mysql.binlog_expire_logs_seconds", requirement: "binlog_expire_logs_seconds 0 or at least 86400" });
  return out;
}
