/**
 * Engines, target kinds and the ClickPipes vocabulary that depends on them.
 * Every "allowed values" list in an error message is built from these constants.
 */

/** Database engines the component supports. */
export const ENGINES = ["postgres", "mysql", "mariadb"] as const;
export type Engine = (typeof ENGINES)[number];

/** Engine names as messages spell them. */
export const ENGINE_LABELS: Readonly<Record<Engine, string>> = { postgres: "PostgreSQL", mysql: "MySQL", mariadb: "MariaDB" };

/** How the target is deployed: a single RDS instance or an Aurora cluster. */
export type Deployment = "rds" | "aurora";

/** The ClickPipes source `type` for each engine and deployment. */
export type ClickPipeSourceType = "rdspostgres" | "aurorapostgres" | "rdsmysql" | "auroramysql" | "rdsmariadb";

/** ClickPipe replication modes. */
export const PIPE_MODES = ["snapshot", "cdc"] as const;
export type PipeMode = (typeof PIPE_MODES)[number];

/** Default name of the IAM-authenticated database user (the name the ClickHouse guide uses). */
export const DEFAULT_DB_USERNAME = "clickpipes_iam_user";
/** Default PostgreSQL database ClickPipes reads. */
export const DEFAULT_POSTGRES_DATABASE = "postgres";
/** Default PostgreSQL schemas ClickPipes reads. */
export const DEFAULT_POSTGRES_SCHEMAS: readonly string[] = ["public"];

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
