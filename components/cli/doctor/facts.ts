/**
 * The doctor's facts: plain values, gathered live by `awsGather.ts` and `dbGather.ts`, judged by the
 * pure checks of `checks.ts`. Nothing here talks to anything.
 */
import type { MySqlFacts, PostgresFacts } from "../../checks/facts";
import type { ReplicationMechanism } from "../../checks/readiness";
import type { Deployment, Engine } from "../../engines";
import type { HeldGrants } from "../../mariadbUserPlan";

/** What the stack's outputs and the flags say should be true. */
export interface DoctorRequest {
  engine?: Engine;
  deployment?: Deployment;
  /** The database to look up, and where that came from (for messages). */
  target?: { kind: "instance" | "cluster"; identifier: string };
  /** An RDS resource ID to find the target by when nothing names it. */
  resourceId?: string;
  region?: string;
  roleArn?: string;
  roleName?: string;
  dbUserArn?: string;
  host?: string;
  port?: number;
  dbUsername?: string;
  cdc: boolean;
  /** PostgreSQL CDC: the publication the pipe names. */
  publicationName?: string;
  replicationMechanism: ReplicationMechanism;
  /** The ClickHouse service role the trust policy must name, when given. */
  clickhouseRoleArn?: string;
  /** PostgreSQL: the database ClickPipes reads, and its schemas. */
  database?: string;
  schemas: string[];
  /** MySQL/MariaDB: the databases ClickPipes reads. */
  databases: string[];
}

/** Facts that could not be gathered: `failed` for an error (no credentials, no network), else a skip. */
export interface Unavailable {
  readonly available: false;
  readonly failed: boolean;
  /** Why, in one sentence without a full stop. */
  readonly reason: string;
  readonly fix?: string;
}

export function unavailable(reason: string, failed = false, fix?: string): Unavailable {
  return { available: false, failed, reason, ...(fix === undefined ? {} : { fix }) };
}

export function isUnavailable(x: unknown): x is Unavailable {
  return typeof x === "object" && x !== null && (x as { available?: unknown }).available === false;
}

/** The RDS instance or Aurora cluster, as Describe shows it. */
export interface RdsTargetFacts {
  kind: "instance" | "cluster";
  identifier: string;
  arn: string;
  status: string;
  /** The RDS engine name ("postgres", "aurora-mysql", …). */
  rdsEngine: string;
  engineVersion: string;
  iamAuthEnabled: boolean;
  /** `PendingModifiedValues.IAMDatabaseAuthenticationEnabled`, when pending. */
  pendingIamAuth?: boolean;
  /** Other changes pending for the maintenance window, as `Field value`. */
  otherPending: string[];
  /** `DbiResourceId` (instance) or `DbClusterResourceId` (cluster). */
  resourceId: string;
  backupRetentionPeriod?: number;
  /** The DB parameter group (instance) or DB cluster parameter group (cluster). */
  parameterGroup?: string;
  /** "in-sync", "pending-reboot", "applying": the instance's (cluster: the writer's) view of that group. */
  parameterApplyStatus?: string;
  /** The endpoint: the instance's, or the cluster's writer endpoint. */
  endpoint?: { address: string; port?: number };
  /** Aurora: the reader endpoint and the member instances' endpoints' identifiers. */
  readerEndpoint?: string;
  members?: string[];
  /** Aurora: the writer instance (what to reboot). */
  writerInstance?: string;
  /** `EnabledCloudwatchLogsExports`. */
  logExports: string[];
  /** Set when an instance identifier names an Aurora cluster member. */
  memberOfCluster?: string;
}

/** The target lookup: found, not found (with the message), or not identified. */
export type TargetLookup = { found: true; target: RdsTargetFacts } | { found: false; reason: string; fix: string };

/** One parameter of the target's parameter group. */
export interface ParameterFact {
  name: string;
  /** Absent when the group leaves it at the engine default. */
  value?: string;
  /** "static" (needs a reboot) or "dynamic". */
  applyType?: string;
}

/** The parameter group's values for the parameters ClickPipes needs; a name absent from `values` is not in the group at all. */
export interface ParameterFacts {
  group: string;
  values: Record<string, ParameterFact>;
}

/** A policy document as IAM returns it, decoded; shape unchecked. */
export type PolicyJson = unknown;

/** The IAM role ClickPipes assumes. */
export interface RoleFacts {
  exists: boolean;
  arn?: string;
  name: string;
  trustPolicy?: PolicyJson;
  permissionsBoundaryArn?: string;
  /** Inline and attached policies, by name, with their documents (undefined when unreadable). */
  policies: { name: string; kind: "inline" | "attached"; document?: PolicyJson; error?: string }[];
}

/** What IAM's policy simulator decided for `rds-db:connect` on the dbuser ARN. */
export interface SimulationFacts {
  resourceArn: string;
  decision: string;
  /** `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`. */
  allowedByBoundary?: boolean;
  /** `OrganizationsDecisionDetail.AllowedByOrganizations`. */
  allowedByOrganizations?: boolean;
  /** `MatchedStatements[].SourcePolicyId`. */
  matchedPolicies: string[];
}

/** Recent lines of the database's IAM authentication error log that name the user. */
export interface AuthLogFacts {
  logGroup: string;
  sinceHours: number;
  /** Newest last. */
  lines: { timestamp: number; message: string }[];
}

/** Everything read from AWS. */
export interface AwsFacts {
  callerAccount: string;
  callerArn?: string;
  target: TargetLookup;
  parameters?: ParameterFacts | Unavailable;
  role?: RoleFacts | Unavailable;
  simulation?: SimulationFacts | Unavailable;
  authLog?: AuthLogFacts | Unavailable;
}

/** The PostgreSQL IAM user, its grants, and the admin's own memberships. */
export interface PgUserFacts {
  exists: boolean;
  canLogin: boolean;
  /** Whether the server has `rds_iam` at all (RDS does; stock PostgreSQL does not). */
  rdsIamExists: boolean;
  memberOfRdsIam: boolean;
  rdsReplicationExists: boolean;
  memberOfRdsReplication: boolean;
  /** Per listed schema that exists. */
  schemas: { name: string; usage: boolean; tablesWithoutSelect: string[]; defaultSelect: boolean }[];
}

/** The admin: the chain of roles that makes it a member of `rds_iam`, when it is one. */
export interface PgAdminFacts {
  username: string;
  /** Roles from the one granted to the admin to `rds_iam`, e.g. ["clickpipes_iam_user", "rds_iam"]. */
  rdsIamPath?: string[];
}

export interface PostgresDoctorFacts {
  engine: "postgres";
  database: string;
  server: PostgresFacts;
  user: PgUserFacts;
  admin: PgAdminFacts;
}

/** The MySQL/MariaDB IAM user. */
export interface MyUserFacts {
  /** `'user'@'%'`. */
  held: HeldGrants;
  /** The same name for other hosts, with their plugins. */
  otherHosts: { host: string; plugin: string }[];
  /** `SELECT` on `*.*`, which covers every database. */
  globalSelect: boolean;
}

export interface MySqlDoctorFacts {
  engine: "mysql" | "mariadb";
  server: MySqlFacts;
  user: MyUserFacts;
}

/** What the admin connection found, with a line for the connection itself. */
export type DatabaseDoctorFacts = (PostgresDoctorFacts | MySqlDoctorFacts) & { connectedAs: string; where: string; tls: string };

/** Everything the checks judge. */
export interface DoctorFacts {
  request: DoctorRequest;
  aws: AwsFacts | Unavailable;
  database: DatabaseDoctorFacts | Unavailable;
}
