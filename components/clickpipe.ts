/**
 * What ClickPipes is told: the fields of a ClickPipe source, and the setup SQL. Pure functions.
 */
import { ClickPipeSourceType, Deployment, Engine, PipeMode, clickPipeSourceType } from "./engines";
import { mySetupStatements, postgresSetupStatements } from "./sql";

/** The fields of a ClickPipe source that uses IAM role authentication. */
export interface ClickPipeSource {
  type: ClickPipeSourceType;
  host: string;
  port: number;
  /** PostgreSQL only: the database ClickPipes reads. */
  database?: string;
  username: string;
  authentication: "IAM_ROLE";
  /** The role ARN ClickPipes assumes ({RDS_ACCESS_IAM_ROLE_ARN} in the ClickHouse guide). */
  iamRole: string;
  replicationMode: PipeMode;
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
}

export function clickPipeSource(i: ClickPipeSourceInput): ClickPipeSource {
  const source: ClickPipeSource = {
    type: clickPipeSourceType(i.engine, i.deployment),
    host: i.host,
    port: i.port,
    username: i.username,
    authentication: "IAM_ROLE",
    iamRole: i.roleArn,
    replicationMode: i.cdc ? "cdc" : "snapshot",
  };
  if (i.engine === "postgres") source.database = i.database;
  return source;
}

/** Everything that decides the setup SQL. */
export type SetupSqlInput =
  | { engine: "postgres"; username: string; database: string; schemas: readonly string[]; tableOwner?: string; cdc: boolean; publicationName?: string }
  | { engine: "mysql" | "mariadb"; username: string; databases: readonly string[]; cdc: boolean };

/** The SQL equivalent of the database user and its grants, one statement per line. */
export function setupSql(i: SetupSqlInput): string {
  const lines =
    i.engine === "postgres"
      ? postgresSetupStatements(i)
      : mySetupStatements({ flavor: i.engine, username: i.username, databases: i.databases, cdc: i.cdc });
  return lines.join("\n") + "\n";
}
