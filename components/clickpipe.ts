/**
 * What ClickPipes is told: the source object of a ClickPipe, and the setup SQL. Pure functions.
 */
import type { ReplicationMechanism } from "./checks/readiness";
import { ClickPipeSourceType, Deployment, Engine, PipeMode, clickPipeSourceType } from "./engines";
import { MySqlUserSql, PostgresUserSql, mySetupStatements, postgresSetupStatements } from "./sql";

/** `settings` of a ClickPipe source: the replication mode and what CDC needs besides it. */
export interface ClickPipeSourceSettings {
  /** `snapshot` (Initial Load Only) or `cdc` (Initial Load + CDC). */
  replicationMode: PipeMode;
  /** PostgreSQL CDC: the publication the pipe reads. Always set for PostgreSQL CDC. */
  publicationName?: string;
  /** MySQL/MariaDB CDC: how the pipe follows the binary log. */
  replicationMechanism?: ReplicationMechanism;
}

/**
 * The `source.postgres` / `source.mysql` object of the ClickPipes API's
 * `POST /v1/organizations/{org}/services/{svc}/clickpipes` body, without `tableMappings`, for a
 * source that uses IAM role authentication. Field names and nesting as the API takes them
 * (ClickHouse/terraform-provider-clickhouse internal/api/clickpipe_models.go:
 * `ClickPipePostgresSource`, `ClickPipeMySQLSource`, `ClickPipeSourceCredentials`,
 * `ClickPipePostgresSettings`, `ClickPipeMySQLSettings`).
 */
export interface ClickPipeSource {
  /** The source type, from the engine and the deployment: `rdspostgres`, `aurorapostgres`, `rdsmysql`, `auroramysql` or `rdsmariadb`. */
  type: ClickPipeSourceType;
  /** The endpoint ClickPipes connects to (Aurora: the cluster writer endpoint). */
  host: string;
  /** The database port. */
  port: number;
  /** PostgreSQL only: the database ClickPipes reads (the MySQL source has no such field). */
  database?: string;
  /**
   * Always `IAM_ROLE`, upper case: the API refuses "iam_role". A string rather than the literal
   * type, so that the Pulumi schema can describe it (it has no single-value enums).
   */
  authentication: string;
  /** The role ARN ClickPipes assumes ({RDS_ACCESS_IAM_ROLE_ARN} in the ClickHouse guide). */
  iamRole: string;
  /** The database user; no password with IAM_ROLE. */
  credentials: ClickPipeSourceCredentials;
  /** The replication mode and what CDC needs besides it. */
  settings: ClickPipeSourceSettings;
}

/** `credentials` of a ClickPipe source with IAM role authentication: the user name only. */
export interface ClickPipeSourceCredentials {
  /** The IAM-authenticated database user ClickPipes logs in as. */
  username: string;
}

export interface ClickPipeSourceInput {
  engine: Engine;
  deployment: Deployment;
  host: string;
  port: number;
  database?: string;
  username: string;
  roleArn: string;
  cdc: boolean;
  /** PostgreSQL CDC: the publication's name. */
  publicationName?: string;
  /** MySQL/MariaDB CDC: the replication mechanism. */
  replicationMechanism?: ReplicationMechanism;
}

export function clickPipeSource(i: ClickPipeSourceInput): ClickPipeSource {
  const settings: ClickPipeSourceSettings = { replicationMode: i.cdc ? "cdc" : "snapshot" };
  if (i.cdc && i.engine === "postgres") {
    if (i.publicationName === undefined) throw new Error("A PostgreSQL CDC source needs a publication name.");
    settings.publicationName = i.publicationName;
  }
  if (i.cdc && i.engine !== "postgres") settings.replicationMechanism = i.replicationMechanism ?? "GTID";
  return {
    type: clickPipeSourceType(i.engine, i.deployment),
    host: i.host,
    port: i.port,
    // The MySQL source has no `database`: its databases are chosen in the table mappings.
    ...(i.engine === "postgres" ? { database: i.database } : {}),
    authentication: "IAM_ROLE",
    iamRole: i.roleArn,
    credentials: { username: i.username },
    settings,
  };
}

/** Everything that decides the setup SQL: the engine and that engine's SQL inputs. */
export type SetupSqlInput = ({ engine: "postgres" } & PostgresUserSql) | ({ engine: "mysql" | "mariadb" } & Omit<MySqlUserSql, "flavor">);

/** The SQL equivalent of the database user and its grants, one statement per line. */
export function setupSql(i: SetupSqlInput): string {
  const lines = i.engine === "postgres" ? postgresSetupStatements(i) : mySetupStatements({ ...i, flavor: i.engine });
  return lines.join("\n") + "\n";
}
