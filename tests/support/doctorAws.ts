/**
 * A small AWS "world" for the doctor specs: one RDS instance or Aurora cluster, its parameter
 * group, the ClickPipes role with its policies, and the IAM authentication error log, answered by
 * aws-sdk-client-mock stubs from the world's current state. The stubs are strict: a command the
 * world does not answer fails the spec. The happy worlds are right in every link; each spec breaks
 * exactly one.
 *
 * SimulatePrincipalPolicy is answered as IAM would for these worlds: allowed when a policy of the
 * role names the simulated dbuser ARN for rds-db:connect and no boundary is attached that lacks it,
 * unless a spec overrides the decision.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, ResourceNotFoundException, type FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  SimulatePrincipalPolicyCommand,
  type EvaluationResult,
} from "@aws-sdk/client-iam";
import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  RDSClient,
  type DBCluster,
  type DBInstance,
  type Parameter,
} from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { dbUserArn as dbUserArnOf } from "../../components/arn";
import { ClickPipeSourceInput, SetupSqlInput, clickPipeSource, setupSql } from "../../components/clickpipe";
import type { AwsClients } from "../../components/cli/doctor/awsGather";
import type { StackOutputs } from "../../components/cli/doctor/outputs";
import { PolicyDocument, connectPolicy, trustPolicy } from "../../components/policy";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const CLICKHOUSE_ROLE = "arn:aws:iam::999988887777:role/CH-S3-orders-service-Role";
export const OTHER_CLICKHOUSE_ROLE = "arn:aws:iam::999988887777:role/CH-S3-another-service-Role";
export const USER = "clickpipes_iam_user";
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

export interface WorldRole {
  name: string;
  arn: string;
  trust: unknown;
  boundaryArn?: string;
  inline: Record<string, PolicyDocument>;
  attached: { arn: string; name: string; document: PolicyDocument }[];
}

/** Everything AWS answers, mutable by a spec before it runs the doctor. */
export interface AwsWorld {
  /** Undefined: no usable credentials. */
  callerAccount?: string;
  instance?: DBInstance;
  cluster?: DBCluster;
  /** The parameter group's parameters, by group name. */
  groups: Record<string, Parameter[]>;
  role?: WorldRole;
  /** Overrides the simulated decision, or refuses the call. */
  simulation?: Partial<EvaluationResult> | "AccessDenied";
  /** Undefined: the log group does not exist. */
  logEvents?: FilteredLogEvent[];
}

export interface Fixture {
  world: AwsWorld;
  outputs: StackOutputs;
  /** The world's role (`world.role` until a spec deletes it), for specs that change it. */
  role: WorldRole;
}

const dbUserArn = (resourceId: string) => dbUserArnOf({ partition: "aws", region: REGION, account: ACCOUNT }, resourceId, USER);

function role(name: string, resourceId: string): WorldRole {
  return { name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trust: trustPolicy(CLICKHOUSE_ROLE), inline: { "rds-db-connect": connectPolicy(dbUserArn(resourceId)) }, attached: [] };
}

const param = (name: string, value: string | undefined, applyType: "static" | "dynamic"): Parameter => ({ ParameterName: name, ...(value === undefined ? {} : { ParameterValue: value }), ApplyType: applyType, Source: value === undefined ? "engine-default" : "user" });

/** What sets one happy world apart from another; the role, the outputs and the rest are built alike. */
interface FixtureSpec {
  resourceId: string;
  host: string;
  port: number;
  roleName: string;
  target: Pick<AwsWorld, "instance" | "cluster">;
  groups: AwsWorld["groups"];
  logEvents?: FilteredLogEvent[];
  source: Pick<ClickPipeSourceInput, "engine" | "deployment" | "database" | "publicationName">;
  setup: SetupSqlInput;
}

/** A world right in every link, with CDC, and the stack outputs of the component that made it. */
function fixture(f: FixtureSpec): Fixture {
  const r = role(f.roleName, f.resourceId);
  const world: AwsWorld = { callerAccount: ACCOUNT, ...f.target, groups: f.groups, role: r, ...(f.logEvents === undefined ? {} : { logEvents: f.logEvents }) };
  const outputs: StackOutputs = {
    roleArn: r.arn,
    roleName: r.name,
    dbUserArn: dbUserArn(f.resourceId),
    resourceId: f.resourceId,
    host: f.host,
    port: f.port,
    dbUsername: USER,
    clickPipeSource: clickPipeSource({ ...f.source, host: f.host, port: f.port, username: USER, roleArn: r.arn, cdc: true }),
    pipeModes: ["snapshot", "cdc"],
    setupSql: setupSql(f.setup),
  };
  return { world, outputs, role: r };
}

/** RDS for PostgreSQL instance "orders" with CDC, right in every link. */
export function postgresFixture(): Fixture {
  const resourceId = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0";
  const host = "orders.c9akciq32.eu-west-1.rds.amazonaws.com";
  return fixture({
    resourceId,
    host,
    port: 5432,
    roleName: "clickpipes-orders",
    target: {
      instance: {
        DBInstanceIdentifier: "orders",
        DBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`,
        DBInstanceStatus: "available",
        Engine: "postgres",
        EngineVersion: "16.4",
        IAMDatabaseAuthenticationEnabled: true,
        DbiResourceId: resourceId,
        BackupRetentionPeriod: 7,
        DBParameterGroups: [{ DBParameterGroupName: "orders-pg16", ParameterApplyStatus: "in-sync" }],
        Endpoint: { Address: host, Port: 5432 },
        EnabledCloudwatchLogsExports: ["postgresql", "iam-db-auth-error"],
        PendingModifiedValues: {},
      },
    },
    groups: {
      "orders-pg16": [param("max_connections", undefined, "dynamic"), param("rds.logical_replication", "1", "static"), param("rds.iam_auth_for_replication", "1", "dynamic"), param("work_mem", "8192", "dynamic")],
    },
    logEvents: [],
    source: { engine: "postgres", deployment: "rds", database: "app", publicationName: "clickpipes" },
    setup: { engine: "postgres", username: USER, database: "app", schemas: ["public", "sales"], cdc: true },
  });
}

/** RDS for MariaDB instance "shop" with CDC, right in every link. */
export function mariadbFixture(): Fixture {
  const resourceId = "db-MARIADB0000000000000000001";
  const host = "shop.c9akciq32.eu-west-1.rds.amazonaws.com";
  return fixture({
    resourceId,
    host,
    port: 3306,
    roleName: "clickpipes-shop",
    target: {
      instance: {
        DBInstanceIdentifier: "shop",
        DBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:shop`,
        DBInstanceStatus: "available",
        Engine: "mariadb",
        EngineVersion: "10.11.9",
        IAMDatabaseAuthenticationEnabled: true,
        DbiResourceId: resourceId,
        BackupRetentionPeriod: 7,
        DBParameterGroups: [{ DBParameterGroupName: "shop-mariadb1011", ParameterApplyStatus: "in-sync" }],
        Endpoint: { Address: host, Port: 3306 },
        EnabledCloudwatchLogsExports: [],
      },
    },
    groups: {
      "shop-mariadb1011": [param("binlog_format", "ROW", "dynamic"), param("binlog_row_image", "FULL", "dynamic"), param("binlog_row_metadata", "FULL", "dynamic")],
    },
    source: { engine: "mariadb", deployment: "rds" },
    setup: { engine: "mariadb", username: USER, databases: ["shop"], cdc: true, binlogRetentionHours: 72 },
  });
}

/** Aurora PostgreSQL cluster "analytics" with CDC, right in every link. */
export function auroraFixture(): Fixture {
  const resourceId = "cluster-AURORA00000000000000000A";
  const host = "analytics.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";
  return fixture({
    resourceId,
    host,
    port: 5432,
    roleName: "clickpipes-analytics",
    target: {
      cluster: {
        DBClusterIdentifier: "analytics",
        DBClusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:analytics`,
        Status: "available",
        Engine: "aurora-postgresql",
        EngineVersion: "16.4",
        IAMDatabaseAuthenticationEnabled: true,
        DbClusterResourceId: resourceId,
        BackupRetentionPeriod: 1,
        DBClusterParameterGroup: "analytics-apg16",
        DBClusterMembers: [
          { DBInstanceIdentifier: "analytics-1", IsClusterWriter: true, DBClusterParameterGroupStatus: "in-sync" },
          { DBInstanceIdentifier: "analytics-2", IsClusterWriter: false, DBClusterParameterGroupStatus: "in-sync" },
        ],
        Endpoint: host,
        ReaderEndpoint: "analytics.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com",
        Port: 5432,
        EnabledCloudwatchLogsExports: [],
      },
    },
    groups: { "analytics-apg16": [param("rds.logical_replication", "1", "static"), param("rds.iam_auth_for_replication", "1", "dynamic")] },
    source: { engine: "postgres", deployment: "aurora", database: "postgres", publicationName: "clickpipes" },
    setup: { engine: "postgres", username: USER, database: "postgres", schemas: ["public"], cdc: true },
  });
}

const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

function accessDenied(action: string): Error {
  return Object.assign(new Error(`User: arn:aws:sts::${ACCOUNT}:assumed-role/doctor/me is not authorized to perform: ${action}`), { name: "AccessDenied" });
}

/** Whether the world's role policies name `arn` for rds-db:connect (how IAM would decide for these documents). */
function allows(r: WorldRole, arn: string): boolean {
  const docs = [...Object.values(r.inline), ...r.attached.map((a) => a.document)];
  return docs.some((d) => d.Statement.some((s) => s.Effect === "Allow" && [s.Action].flat().includes("rds-db:connect") && [s.Resource].flat().includes(arn)));
}

/** The stubs of the four clients; `install` answers every command from the world. */
export class AwsStubs {
  readonly sts: AwsClientStub<STSClient> = mockClient(STSClient);
  readonly rds: AwsClientStub<RDSClient> = mockClient(RDSClient);
  readonly iam: AwsClientStub<IAMClient> = mockClient(IAMClient);
  readonly logs: AwsClientStub<CloudWatchLogsClient> = mockClient(CloudWatchLogsClient);

  /** Every command sent, as its name. */
  sent(): string[] {
    return [this.sts, this.rds, this.iam, this.logs].flatMap((s) => s.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name));
  }

  reset(): void {
    for (const s of [this.sts, this.rds, this.iam, this.logs]) s.reset();
  }

  restore(): void {
    for (const s of [this.sts, this.rds, this.iam, this.logs]) s.restore();
  }

  install(w: AwsWorld): void {
    this.reset();
    for (const s of [this.sts, this.rds, this.iam, this.logs]) (s as AwsClientStub<STSClient>).onAnyCommand().rejects(new Error("the doctor spec's world does not answer this command"));
    this.sts.on(GetCallerIdentityCommand).callsFake(async () => {
      if (w.callerAccount === undefined) throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
      return { Account: w.callerAccount, Arn: `arn:aws:sts::${w.callerAccount}:assumed-role/doctor/me`, UserId: "AROA:me" };
    });
    this.rds.on(DescribeDBInstancesCommand).callsFake(async (input: { DBInstanceIdentifier?: string; Filters?: { Name: string; Values: string[] }[] }) => {
      const i = w.instance;
      const match = i !== undefined && (input.DBInstanceIdentifier === i.DBInstanceIdentifier || input.Filters?.some((f) => f.Name === "dbi-resource-id" && f.Values.includes(i.DbiResourceId ?? "")));
      if (match) return { DBInstances: [i] };
      if (input.Filters !== undefined) return { DBInstances: [] };
      throw new DBInstanceNotFoundFault({ $metadata: {}, message: `DBInstance ${input.DBInstanceIdentifier} not found.` });
    });
    this.rds.on(DescribeDBClustersCommand).callsFake(async (input: { DBClusterIdentifier?: string; Filters?: { Name: string; Values: string[] }[] }) => {
      const c = w.cluster;
      const match = c !== undefined && (input.DBClusterIdentifier === c.DBClusterIdentifier || input.Filters?.some((f) => f.Name === "db-cluster-resource-id" && f.Values.includes(c.DbClusterResourceId ?? "")));
      if (match) return { DBClusters: [c] };
      if (input.Filters !== undefined) return { DBClusters: [] };
      throw new DBClusterNotFoundFault({ $metadata: {}, message: `DBCluster ${input.DBClusterIdentifier} not found.` });
    });
    // Two pages, to exercise the Marker loop.
    const page = (group: string, marker: string | undefined) => {
      const all = w.groups[group] ?? [];
      const half = Math.ceil(all.length / 2);
      return marker === undefined ? { Parameters: all.slice(0, half), Marker: "page-2" } : { Parameters: all.slice(half) };
    };
    this.rds.on(DescribeDBParametersCommand).callsFake(async (input: { DBParameterGroupName: string; Marker?: string }) => page(input.DBParameterGroupName, input.Marker));
    this.rds.on(DescribeDBClusterParametersCommand).callsFake(async (input: { DBClusterParameterGroupName: string; Marker?: string }) => page(input.DBClusterParameterGroupName, input.Marker));

    const roleNamed = (name: string): WorldRole => {
      if (w.role === undefined || w.role.name !== name) throw new NoSuchEntityException({ $metadata: {}, message: `The role with name ${name} cannot be found.` });
      return w.role;
    };
    this.iam.on(GetRoleCommand).callsFake(async (input: { RoleName: string }) => {
      const r = roleNamed(input.RoleName);
      return {
        Role: {
          RoleName: r.name,
          Arn: r.arn,
          Path: "/",
          RoleId: "AROAEXAMPLE",
          CreateDate: new Date(NOW),
          AssumeRolePolicyDocument: encode(r.trust),
          ...(r.boundaryArn === undefined ? {} : { PermissionsBoundary: { PermissionsBoundaryType: "Policy" as const, PermissionsBoundaryArn: r.boundaryArn } }),
        },
      };
    });
    this.iam.on(ListRolePoliciesCommand).callsFake(async (input: { RoleName: string }) => ({ PolicyNames: Object.keys(roleNamed(input.RoleName).inline), IsTruncated: false }));
    this.iam.on(GetRolePolicyCommand).callsFake(async (input: { RoleName: string; PolicyName: string }) => {
      const doc = roleNamed(input.RoleName).inline[input.PolicyName];
      if (doc === undefined) throw new NoSuchEntityException({ $metadata: {}, message: "no such policy" });
      return { RoleName: input.RoleName, PolicyName: input.PolicyName, PolicyDocument: encode(doc) };
    });
    this.iam.on(ListAttachedRolePoliciesCommand).callsFake(async (input: { RoleName: string }) => ({
      AttachedPolicies: roleNamed(input.RoleName).attached.map((a) => ({ PolicyArn: a.arn, PolicyName: a.name })),
      IsTruncated: false,
    }));
    const attached = (arn: string) => {
      const a = w.role?.attached.find((x) => x.arn === arn);
      if (a === undefined) throw new NoSuchEntityException({ $metadata: {}, message: "no such policy" });
      return a;
    };
    this.iam.on(GetPolicyCommand).callsFake(async (input: { PolicyArn: string }) => ({ Policy: { Arn: attached(input.PolicyArn).arn, DefaultVersionId: "v3" } }));
    this.iam.on(GetPolicyVersionCommand).callsFake(async (input: { PolicyArn: string; VersionId: string }) => {
      if (input.VersionId !== "v3") throw new NoSuchEntityException({ $metadata: {}, message: "no such version" });
      return { PolicyVersion: { Document: encode(attached(input.PolicyArn).document), VersionId: "v3", IsDefaultVersion: true } };
    });
    this.iam.on(SimulatePrincipalPolicyCommand).callsFake(async (input: { PolicySourceArn: string; ActionNames: string[]; ResourceArns: string[] }) => {
      if (w.simulation === "AccessDenied") throw accessDenied("iam:SimulatePrincipalPolicy");
      const r = w.role;
      const resource = input.ResourceArns[0];
      const allowed = r !== undefined && r.arn === input.PolicySourceArn && allows(r, resource);
      const base: EvaluationResult = { EvalActionName: input.ActionNames[0], EvalResourceName: resource, EvalDecision: allowed ? "allowed" : "implicitDeny", MatchedStatements: [] };
      return { EvaluationResults: [{ ...base, ...(w.simulation ?? {}) }], IsTruncated: false };
    });
    this.logs.on(FilterLogEventsCommand).callsFake(async (input: { logGroupName: string; filterPattern?: string }) => {
      if (w.logEvents === undefined) throw new ResourceNotFoundException({ $metadata: {}, message: "The specified log group does not exist." });
      const term = input.filterPattern?.replace(/^"|"$/g, "");
      return { events: w.logEvents.filter((e) => term === undefined || (e.message ?? "").includes(term)), searchedLogStreams: [] };
    });
  }
}

/** Clients whose `send` the stubs answer (static credentials: nothing is resolved). */
export async function mockedClients(region: string): Promise<AwsClients> {
  const credentials = { accessKeyId: "AKIADOCTORSPEC", secretAccessKey: "doctor-spec" };
  return { sts: new STSClient({ region, credentials }), rds: new RDSClient({ region, credentials }), iam: new IAMClient({ region, credentials }), logs: new CloudWatchLogsClient({ region, credentials }) };
}
