/**
 * clickpipes-rds-iam: a Pulumi component that gives ClickHouse ClickPipes IAM-role access to an
 * Amazon RDS instance or Aurora cluster (PostgreSQL, MySQL, MariaDB).
 */
export { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs, CLICKPIPES_RDS_IAM_ACCESS_TYPE } from "./clickPipesRdsIamAccess";
export { ClickPipeSource, ClickPipeSourceSettings, clickPipeSource, setupSql, SetupSqlInput } from "./clickpipe";
export { clickPipesParameters, ClickPipesParameterOptions, RdsParameter } from "./checks/parameters";
export {
  CheckResult,
  CheckStatus,
  MySqlRequest,
  PostgresRequest,
  PublicationScope,
  REPLICATION_MECHANISMS,
  ReplicationMechanism,
  mySqlChecks,
  postgresChecks,
  targetChecks,
  readinessFailureMessage,
} from "./checks/readiness";
export { MySqlFacts, PostgresFacts, PublicationFacts, QualifiedTable, TableWithoutIdentity, TargetFacts } from "./checks/facts";
export { CDC_CHECK_MODES, CdcCheckMode, DEFAULT_BINLOG_RETENTION_HOURS } from "./cdcArgs";
export { CdcReadiness, CdcReadinessArgs } from "./cdcReadiness";
export { PostgresPublication, PostgresPublicationArgs } from "./postgresPublication";
export {
  ENGINES,
  Engine,
  Deployment,
  ClickPipeSourceType,
  PIPE_MODES,
  PipeMode,
  DEFAULT_DB_USERNAME,
  DEFAULT_POSTGRES_DATABASE,
  DEFAULT_POSTGRES_SCHEMAS,
  clickPipeSourceType,
  pipeModes,
} from "./engines";
export { dbUserArn, locationFromRdsArn, parseArn, tryParseArn, ParsedArn, DatabaseLocation } from "./arn";
export { trustPolicy, connectPolicy, PolicyDocument, PolicyStatement, TRUST_ACTIONS } from "./policy";
export { quotePgIdent, quoteMyIdent, quoteMyString, postgresSetupStatements, mySetupStatements } from "./sql";
export { ValidationError } from "./validation";
export { IamAuthEnablement, IamAuthEnablementArgs } from "./iamAuth";
export { MariaDbIamUser, MariaDbIamUserArgs } from "./mariadbUser";
export { TargetInfo } from "./target";
export type { AwsAssumeRole, AwsCredentialSettings } from "./aws/credentials";
export {
  ClickPipe,
  ClickPipeArgs,
  ClickPipeTableMapping,
  TABLE_ENGINES,
  TableEngine,
  DEFAULT_WAIT_TIMEOUT_MINUTES,
  ClickHouseServiceArgs,
  clickhouseServiceRoleArn,
  getServiceIamRole,
  ClickHouseApiError,
  DEFAULT_API_URL,
} from "./clickhouse";
export type { AdminConnectionArgs } from "./database/adminConnectionArgs";
