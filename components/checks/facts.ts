/**
 * The facts the readiness checks read: plain values, gathered from the RDS lookup the component
 * already makes and, for CDC, from the database itself over the admin connection. Nothing here
 * talks to anything; the gatherers (`components/database/facts.ts`) fill these in, and the pure
 * checks (`./readiness.ts`) judge them, at deploy time and later from the command line.
 */
import type { Deployment, Engine } from "../engines";

/** What the RDS lookup (or a managed resource's own inputs) says about the target. */
export interface TargetFacts {
  engine: Engine;
  deployment: Deployment;
  /** "instance" or "cluster", for messages. */
  kind: "instance" | "cluster";
  identifier: string;
  /** The RDS engine version, such as "15.4" or "8.0.mysql_aurora.3.08.0"; empty when unknown. */
  engineVersion: string;
  /** Automated backup retention in days; undefined when unknown. */
  backupRetentionPeriod?: number;
  /** The DB parameter group (instance) or DB cluster parameter group (Aurora), when known. */
  parameterGroup?: string;
  /** The endpoint ClickPipes is given. */
  host: string;
}

/** A PostgreSQL setting as `pg_settings` reports it; undefined when the server has no such setting. */
export type PgSetting = string | undefined;

/** A table named by schema and name. */
export interface QualifiedTable {
  schema: string;
  table: string;
}

/** A table that logical replication cannot send UPDATE/DELETE for: no primary key, replica identity not FULL. */
export interface TableWithoutIdentity extends QualifiedTable {
  /** `pg_class.relreplident`: "d" default (no primary key here), "n" nothing, "i" index (flagged only when that index is gone or invalid). */
  replicaIdentity: string;
}

/** An existing publication, as `pg_publication` and `pg_publication_tables` describe it. */
export interface PublicationFacts {
  name: string;
  allTables: boolean;
  /** Schemas published `FOR TABLES IN SCHEMA` (PostgreSQL 15+). */
  schemas: string[];
  /** Every table the publication covers now (`pg_publication_tables`). */
  tables: QualifiedTable[];
  /** Whether it publishes UPDATE and DELETE (`pubupdate`, `pubdelete`). */
  publishesUpdates: boolean;
  /** `pubviaroot`: partitions' changes published as their partitioned table's; undefined before PostgreSQL 13 (no such option). */
  publishViaPartitionRoot: boolean | undefined;
  /** The partitioned tables it includes (listed, in a listed schema, or all of them for FOR ALL TABLES). */
  partitionedTables: QualifiedTable[];
}

/** What the PostgreSQL server says, read over the admin connection. */
export interface PostgresFacts {
  engine: "postgres";
  /** `server_version_num`, e.g. 150004. */
  serverVersionNum: number;
  /** `server_version`, e.g. "15.4". */
  serverVersion: string;
  walLevel: PgSetting;
  /** RDS only; undefined on servers without it. */
  rdsLogicalReplication: PgSetting;
  /** RDS only (PostgreSQL 11+); undefined on servers without it. */
  rdsIamAuthForReplication: PgSetting;
  maxWalSenders: PgSetting;
  maxReplicationSlots: PgSetting;
  /** The publication the pipe will name, when it exists already. */
  publication?: PublicationFacts;
  /** Tables in the publication's scope that cannot replicate UPDATE/DELETE. */
  tablesWithoutIdentity: TableWithoutIdentity[];
  /** Schemas the user listed that do not exist in the database. */
  missingSchemas: string[];
  /** Tables the user listed for the publication that do not exist. */
  missingTables: QualifiedTable[];
}

/** What the MySQL or MariaDB server says, read over the admin connection. */
export interface MySqlFacts {
  engine: "mysql" | "mariadb";
  /** `@@version`, e.g. "8.0.39" or "10.11.9-MariaDB-log". */
  version: string;
  /**
   * Global variables by lower-case name (`SHOW GLOBAL VARIABLES`); a variable the server does not
   * have is absent: log_bin, binlog_format, binlog_row_image, binlog_row_metadata,
   * binlog_row_value_options, gtid_mode, enforce_gtid_consistency, binlog_expire_logs_seconds.
   */
  variables: Record<string, string>;
  /**
   * `binlog retention hours` from `mysql.rds_configuration`: a number of hours, null when the
   * row is NULL (binlogs are purged as soon as possible), undefined when the server has no such
   * table (not RDS).
   */
  binlogRetentionHours: number | null | undefined;
}

/** The facts from the database, by engine. */
export type DatabaseFacts = PostgresFacts | MySqlFacts;
