/**
 * Engines, target kinds and the ClickPipes vocabulary that depends on them.
 * Every "allowed values" list in an error message is built from these constants.
 */

// The file comment above would be read as part of the first declaration's documentation, which
// the plugin's schema takes the Engine enum's description from: the defaults come first.
/** Default name of the IAM-authenticated database user (the name the ClickHouse guide uses). */
export const DEFAULT_DB_USERNAME = "clickpipes_iam_user";
/** Default PostgreSQL database ClickPipes reads. */
export const DEFAULT_POSTGRES_DATABASE = "postgres";
/** Default PostgreSQL schemas ClickPipes reads. */
export const DEFAULT_POSTGRES_SCHEMAS: readonly string[] = ["public"];

/** Database engine of the target: `postgres` (RDS for PostgreSQL, Aurora PostgreSQL), `mysql` (RDS for MySQL, Aurora MySQL) or `mariadb` (RDS for MariaDB). */
export const Engine = {
  /** PostgreSQL: RDS for PostgreSQL or Aurora PostgreSQL. */
  Postgres: "postgres",
  /** MySQL: RDS for MySQL or Aurora MySQL. */
  Mysql: "mysql",
  /** MariaDB: RDS for MariaDB. */
  Mariadb: "mariadb",
} as const;
export type Engine = (typeof Engine)[keyof typeof Engine];
/** Database engines the component supports, in the order messages list them. */
export const ENGINES: readonly Engine[] = Object.values(Engine);

/** Engine names as messages spell them. */
export const ENGINE_LABELS: Readonly<Record<Engine, string>> = { postgres: "PostgreSQL", mysql: "MySQL", mariadb: "MariaDB" };

/** How the target is deployed: a single RDS instance or an Aurora cluster. */
export const Deployment = {
  /** A single RDS DB instance. */
  Rds: "rds",
  /** An Aurora DB cluster. */
  Aurora: "aurora",
} as const;
export type Deployment = (typeof Deployment)[keyof typeof Deployment];

/** The ClickPipes source `type`, one for each engine and deployment. */
export const ClickPipeSourceType = {
  /** RDS for PostgreSQL. */
  RdsPostgres: "rdspostgres",
  /** Aurora PostgreSQL. */
  AuroraPostgres: "aurorapostgres",
  /** RDS for MySQL. */
  RdsMysql: "rdsmysql",
  /** Aurora MySQL. */
  AuroraMysql: "auroramysql",
  /** RDS for MariaDB. */
  RdsMariadb: "rdsmariadb",
} as const;
export type ClickPipeSourceType = (typeof ClickPipeSourceType)[keyof typeof ClickPipeSourceType];

/** ClickPipe replication modes: `snapshot` (Initial Load Only) and `cdc` (Initial Load + CDC). */
export const PipeMode = {
  /** Initial Load Only: a one-off copy of the tables. */
  Snapshot: "snapshot",
  /** Initial Load + CDC: the copy, then every change as it happens. */
  Cdc: "cdc",
} as const;
export type PipeMode = (typeof PipeMode)[keyof typeof PipeMode];
/** ClickPipe replication modes, as a list. */
export const PIPE_MODES: readonly PipeMode[] = Object.values(PipeMode);

/**
 * The RDS `Engine` values (as `DescribeDBInstances`/`getInstance` report them) that belong to
 * each of our engines. Aurora MySQL reports `aurora-mysql`; `aurora` is Aurora MySQL 1 (5.6).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 */
export const RDS_ENGINE_NAMES: Readonly<Record<Engine, readonly string[]>> = {
  postgres: ["postgres", "aurora-postgresql"],
  mysql: ["mysql", "aurora-mysql", "aurora"],
  mariadb: ["mariadb"],
};

/** Which of our engines an RDS engine name belongs to, or undefined for engines we do not support. */
export function engineFromRdsEngine(rdsEngine: string): Engine | undefined {
  for (const engine of ENGINES) {
    if (RDS_ENGINE_NAMES[engine].includes(rdsEngine)) return engine;
  }
  return undefined;
}

/** The ClickPipes source type for an engine on a deployment. */
export function clickPipeSourceType(engine: Engine, deployment: Deployment): ClickPipeSourceType {
  switch (engine) {
    case "postgres":
      return deployment === "aurora" ? "aurorapostgres" : "rdspostgres";
    case "mysql":
      return deployment === "aurora" ? "auroramysql" : "rdsmysql";
    case "mariadb":
      // There is no Aurora MariaDB; validation refuses a cluster target for mariadb.
      return "rdsmariadb";
    default: {
      const unreachable: never = engine;
      throw new Error(`Unknown engine ${String(unreachable)}.`);
    }
  }
}

/** The ClickPipe modes a setup supports: Initial Load Only always, CDC when enabled. */
export function pipeModes(cdc: boolean): PipeMode[] {
  return cdc ? ["snapshot", "cdc"] : ["snapshot"];
}

/** A quoted, comma-separated list for error messages: `"a", "b" or "c"`. */
export function formatChoices(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
