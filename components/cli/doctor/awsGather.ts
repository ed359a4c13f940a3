/**
 * Reads the AWS facts, read-only: STS `GetCallerIdentity`; RDS `DescribeDBInstances` /
 * `DescribeDBClusters` and `DescribeDBParameters` / `DescribeDBClusterParameters`; IAM `GetRole`,
 * `ListRolePolicies`/`GetRolePolicy`, `ListAttachedRolePolicies`/`GetPolicy`/`GetPolicyVersion`
 * and `SimulatePrincipalPolicy`; CloudWatch Logs `FilterLogEvents`. Every SDK package is loaded
 * lazily; a call that is refused or fails leaves its facts `Unavailable` with the reason, so one
 * missing permission never hides the rest.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { DBCluster, DBInstance, RDSClient } from "@aws-sdk/client-rds";
import type { STSClient } from "@aws-sdk/client-sts";
import { tryParseArn } from "../../arn";
import { AwsCredentialSettings, credentialProvider } from "../../aws/credentials";
import { PendingValues, otherPendingChanges } from "../../aws/pendingModifications";
import { errorCodes, errorMessage, hasCode, NOT_FOUND_CODES } from "../../aws/retry";
import type { AuthLogFacts, AwsFacts, DoctorRequest, ParameterFacts, PolicyJson, RdsTargetFacts, RoleFacts, SimulationFacts, TargetLookup, Unavailable } from "./facts";
import { unavailable } from "./facts";
import { CONNECT_ACTION } from "./policyEval";
import { dbUserArnFor, engineOf, wantedParameters } from "./rdsChecks";

/** The SDK clients the doctor calls. */
export interface AwsClients {
  sts: STSClient;
  rds: RDSClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
}

/** How far back the IAM authentication error log is read. */
export const AUTH_LOG_HOURS = 24;
/** At most this many log lines are kept (the newest). */
export const AUTH_LOG_MAX_LINES = 20;

const ACCESS_DENIED = ["AccessDenied", "AccessDeniedException", "AccessDeniedFault", "UnauthorizedOperation"];

/** The clients for a region, with the credential settings (the SDK's default chain without). */
export async function awsClients(region: string, settings?: AwsCredentialSettings): Promise<AwsClients> {
  const [sts, rds, iam, logs] = await Promise.all([import("@aws-sdk/client-sts"), import("@aws-sdk/client-rds"), import("@aws-sdk/client-iam"), import("@aws-sdk/client-cloudwatch-logs")]);
  const credentials = await credentialProvider(settings, region);
  const config = { region, ...(credentials === undefined ? {} : { credentials }) };
  return { sts: new sts.STSClient(config), rds: new rds.RDSClient(config), iam: new iam.IAMClient(config), logs: new logs.CloudWatchLogsClient(config) };
}

/** An AWS error as one phrase: `Code: message`. */
export function awsErrorText(e: unknown): string {
  const code = errorCodes(e)[0];
  const message = errorMessage(e).trim();
  return code === undefined || message.startsWith(code) || code === "Error" ? message : `${code}: ${message}`;
}

function refused(what: string, permission: string, e: unknown): Unavailable {
  if (hasCode(e, ACCESS_DENIED)) return unavailable(`The doctor's credentials may not ${what} (${permission}: ${awsErrorText(e)})`, false, `allow ${permission} to see this`);
  return unavailable(`Could not ${what}: ${awsErrorText(e)}`);
}

/** A policy document as IAM returns it: URL-encoded JSON. */
export function decodePolicy(text: string | undefined): PolicyJson {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(decodeURIComponent(text));
  } catch {
    return JSON.parse(text);
  }
}

/** The IAM flag, its pending value and the other pending changes, alike for an instance and a cluster. */
function iamAuthFacts(enabled: boolean | undefined, pending: { IAMDatabaseAuthenticationEnabled?: boolean } | undefined): Pick<RdsTargetFacts, "iamAuthEnabled" | "pendingIamAuth" | "otherPending"> {
  const pendingIamAuth = pending?.IAMDatabaseAuthenticationEnabled;
  return { iamAuthEnabled: enabled === true, ...(typeof pendingIamAuth === "boolean" ? { pendingIamAuth } : {}), otherPending: otherPendingChanges(pending as PendingValues | undefined) };
}

function fromInstance(i: DBInstance): RdsTargetFacts {
  const group = i.DBParameterGroups?.[0];
  return {
    kind: "instance",
    identifier: i.DBInstanceIdentifier ?? "",
    arn: i.DBInstanceArn ?? "",
    status: i.DBInstanceStatus ?? "",
    rdsEngine: i.Engine ?? "",
    engineVersion: i.EngineVersion ?? "",
    ...iamAuthFacts(i.IAMDatabaseAuthenticationEnabled, i.PendingModifiedValues),
    resourceId: i.DbiResourceId ?? "",
    ...(i.BackupRetentionPeriod === undefined ? {} : { backupRetentionPeriod: i.BackupRetentionPeriod }),
    ...(group?.DBParameterGroupName === undefined ? {} : { parameterGroup: group.DBParameterGroupName }),
    ...(group?.ParameterApplyStatus === undefined ? {} : { parameterApplyStatus: group.ParameterApplyStatus }),
    ...(i.Endpoint?.Address === undefined ? {} : { endpoint: { address: i.Endpoint.Address, ...(i.Endpoint.Port === undefined ? {} : { port: i.Endpoint.Port }) } }),
    logExports: i.EnabledCloudwatchLogsExports ?? [],
    ...(i.DBClusterIdentifier === undefined ? {} : { memberOfCluster: i.DBClusterIdentifier }),
  };
}

function fromCluster(c: DBCluster): RdsTargetFacts {
  const writer = c.DBClusterMembers?.find((m) => m.IsClusterWriter === true);
  return {
    kind: "cluster",
    identifier: c.DBClusterIdentifier ?? "",
    arn: c.DBClusterArn ?? "",
    status: c.Status ?? "",
    rdsEngine: c.Engine ?? "",
    engineVersion: c.EngineVersion ?? "",
    ...iamAuthFacts(c.IAMDatabaseAuthenticationEnabled, c.PendingModifiedValues),
    resourceId: c.DbClusterResourceId ?? "",
    ...(c.BackupRetentionPeriod === undefined ? {} : { backupRetentionPeriod: c.BackupRetentionPeriod }),
    ...(c.DBClusterParameterGroup === undefined ? {} : { parameterGroup: c.DBClusterParameterGroup }),
    ...(writer?.DBClusterParameterGroupStatus === undefined ? {} : { parameterApplyStatus: writer.DBClusterParameterGroupStatus }),
    ...(c.Endpoint === undefined ? {} : { endpoint: { address: c.Endpoint, ...(c.Port === undefined ? {} : { port: c.Port }) } }),
    ...(c.ReaderEndpoint === undefined ? {} : { readerEndpoint: c.ReaderEndpoint }),
    members: (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? "").filter((m) => m !== ""),
    ...(writer?.DBInstanceIdentifier === undefined ? {} : { writerInstance: writer.DBInstanceIdentifier }),
    logExports: c.EnabledCloudwatchLogsExports ?? [],
  };
}

/** Finds the target by identifier, or else by the resource ID the outputs name. */
export async function describeTarget(r: DoctorRequest, rds: RDSClient): Promise<TargetLookup> {
  const sdk = await import("@aws-sdk/client-rds");
  const where = r.region === undefined ? "" : ` in region "${r.region}"`;
  const flag = (kind: "instance" | "cluster") => (kind === "cluster" ? "--cluster" : "--identifier");
  const byId = r.target;
  const rid = r.resourceId;
  const kind = byId?.kind ?? (rid?.startsWith("cluster-") ? "cluster" : "instance");
  const what = byId !== undefined ? `${byId.kind} "${byId.identifier}"` : rid !== undefined ? `the ${kind} with resource ID ${rid}` : undefined;
  if (what === undefined) {
    return { found: false, reason: "The outputs do not say which database they are for (no RDS host or resource ID)", fix: "pass `--identifier NAME` (RDS instance) or `--cluster NAME` (Aurora cluster)" };
  }
  try {
    if (kind === "cluster") {
      const input = byId !== undefined ? { DBClusterIdentifier: byId.identifier } : { Filters: [{ Name: "db-cluster-resource-id", Values: [rid as string] }] };
      const c = (await rds.send(new sdk.DescribeDBClustersCommand(input))).DBClusters?.[0];
      if (c !== undefined) return { found: true, target: fromCluster(c) };
    } else {
      const input = byId !== undefined ? { DBInstanceIdentifier: byId.identifier } : { Filters: [{ Name: "dbi-resource-id", Values: [rid as string] }] };
      const i = (await rds.send(new sdk.DescribeDBInstancesCommand(input))).DBInstances?.[0];
      if (i !== undefined) return { found: true, target: fromInstance(i) };
    }
  } catch (e) {
    if (!hasCode(e, NOT_FOUND_CODES)) {
      const denied = hasCode(e, ACCESS_DENIED);
      return { found: false, reason: `Could not describe ${what}${where}: ${awsErrorText(e)}`, fix: denied ? `allow rds:Describe${kind === "cluster" ? "DBClusters" : "DBInstances"} to the doctor's credentials` : "check the network and the region, then run the doctor again" };
    }
  }
  return { found: false, reason: `No ${what}${where} was found`, fix: `check \`${flag(kind)}\` and \`--region\`, and that the credentials are for the database's account` };
}

/** The values of `names` in the target's parameter group (every page). */
export async function readParameters(rds: RDSClient, t: RdsTargetFacts, names: readonly string[]): Promise<ParameterFacts | Unavailable> {
  const group = t.parameterGroup;
  if (group === undefined) return unavailable(`${t.kind} "${t.identifier}" shows no parameter group`);
  const sdk = await import("@aws-sdk/client-rds");
  const values: ParameterFacts["values"] = {};
  try {
    let marker: string | undefined;
    do {
      const page =
        t.kind === "cluster"
          ? await rds.send(new sdk.DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: group, ...(marker === undefined ? {} : { Marker: marker }) }))
          : await rds.send(new sdk.DescribeDBParametersCommand({ DBParameterGroupName: group, ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const p of page.Parameters ?? []) {
        if (p.ParameterName === undefined || !names.includes(p.ParameterName)) continue;
        values[p.ParameterName] = { name: p.ParameterName, ...(p.ParameterValue === undefined ? {} : { value: p.ParameterValue }), ...(p.ApplyType === undefined ? {} : { applyType: p.ApplyType }) };
      }
      marker = page.Marker;
    } while (marker !== undefined && marker !== "");
  } catch (e) {
    return refused(`read parameter group "${group}"`, t.kind === "cluster" ? "rds:DescribeDBClusterParameters" : "rds:DescribeDBParameters", e);
  }
  return { group, values };
}

/** Every page of an IAM list call, following `Marker` while `IsTruncated`. */
async function* iamPages<T extends { IsTruncated?: boolean; Marker?: string }>(list: (marker: { Marker?: string }) => Promise<T>): AsyncGenerator<T> {
  let marker: string | undefined;
  do {
    const page = await list(marker === undefined ? {} : { Marker: marker });
    yield page;
    marker = page.IsTruncated === true ? page.Marker : undefined;
  } while (marker !== undefined);
}

/** The role, its trust policy, boundary and every policy document. */
export async function readRole(iam: IAMClient, name: string): Promise<RoleFacts | Unavailable> {
  const sdk = await import("@aws-sdk/client-iam");
  let role;
  try {
    role = (await iam.send(new sdk.GetRoleCommand({ RoleName: name }))).Role;
  } catch (e) {
    if (hasCode(e, ["NoSuchEntity", "NoSuchEntityException"])) return { exists: false, name, policies: [] };
    return refused(`read role "${name}"`, "iam:GetRole", e);
  }
  const facts: RoleFacts = {
    exists: true,
    name,
    ...(role?.Arn === undefined ? {} : { arn: role.Arn }),
    ...(role?.AssumeRolePolicyDocument === undefined ? {} : { trustPolicy: decodePolicy(role.AssumeRolePolicyDocument) }),
    ...(role?.PermissionsBoundary?.PermissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn }),
    policies: [],
  };
  try {
    for await (const page of iamPages((m) => iam.send(new sdk.ListRolePoliciesCommand({ RoleName: name, ...m })))) {
      for (const policy of page.PolicyNames ?? []) {
        try {
          const doc = await iam.send(new sdk.GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
          facts.policies.push({ name: policy, kind: "inline", document: decodePolicy(doc.PolicyDocument) });
        } catch (e) {
          facts.policies.push({ name: policy, kind: "inline", error: awsErrorText(e) });
        }
      }
    }
    for await (const page of iamPages((m) => iam.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: name, ...m })))) {
      for (const attached of page.AttachedPolicies ?? []) {
        const arn = attached.PolicyArn ?? "";
        const shown = attached.PolicyName ?? arn;
        try {
          const version = (await iam.send(new sdk.GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
          const doc = await iam.send(new sdk.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version }));
          facts.policies.push({ name: shown, kind: "attached", document: decodePolicy(doc.PolicyVersion?.Document) });
        } catch (e) {
          facts.policies.push({ name: shown, kind: "attached", error: awsErrorText(e) });
        }
      }
    }
  } catch (e) {
    return refused(`list the policies of role "${name}"`, "iam:ListRolePolicies and iam:ListAttachedRolePolicies", e);
  }
  return facts;
}

/** IAM's own verdict on `rds-db:connect` for the role on the dbuser ARN (it weighs the boundary too). */
export async function simulateConnect(iam: IAMClient, roleArn: string, dbUserArn: string): Promise<SimulationFacts | Unavailable> {
  const sdk = await import("@aws-sdk/client-iam");
  try {
    const out = await iam.send(new sdk.SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [CONNECT_ACTION], ResourceArns: [dbUserArn] }));
    const e = out.EvaluationResults?.[0];
    if (e === undefined) return unavailable("IAM's policy simulator returned no result");
    const boundary = e.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary;
    const org = e.OrganizationsDecisionDetail?.AllowedByOrganizations;
    return {
      resourceArn: dbUserArn,
      decision: e.EvalDecision ?? "",
      ...(boundary === undefined ? {} : { allowedByBoundary: boundary }),
      ...(org === undefined ? {} : { allowedByOrganizations: org }),
      matchedPolicies: [...new Set((e.MatchedStatements ?? []).map((s) => s.SourcePolicyId ?? "").filter((s) => s !== ""))],
    };
  } catch (err) {
    return refused("run IAM's policy simulator", "iam:SimulatePrincipalPolicy", err);
  }
}

/** The log group RDS exports IAM authentication errors to. */
export function authLogGroup(t: Pick<RdsTargetFacts, "kind" | "identifier">): string {
  return `/aws/rds/${t.kind}/${t.identifier}/iam-db-auth-error`;
}

/** Recent IAM authentication errors that name the user, when the database exports them. */
export async function readAuthLog(logs: CloudWatchLogsClient, t: RdsTargetFacts, user: string | undefined, now: number): Promise<AuthLogFacts | Unavailable> {
  if (!t.logExports.includes("iam-db-auth-error")) return unavailable("The database does not export its IAM authentication error log (iam-db-auth-error) to CloudWatch Logs");
  const sdk = await import("@aws-sdk/client-cloudwatch-logs");
  const logGroup = authLogGroup(t);
  const lines: AuthLogFacts["lines"] = [];
  try {
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await logs.send(
        new sdk.FilterLogEventsCommand({
          logGroupName: logGroup,
          startTime: now - AUTH_LOG_HOURS * 3_600_000,
          endTime: now,
          // A quoted term matches the name exactly; a name with a quote is filtered here instead.
          ...(user !== undefined && !/["\\]/.test(user) ? { filterPattern: `"${user}"` } : {}),
          ...(token === undefined ? {} : { nextToken: token }),
        }),
      );
      for (const e of page.events ?? []) {
        if (e.message !== undefined && (user === undefined || e.message.includes(user))) lines.push({ timestamp: e.timestamp ?? 0, message: e.message });
      }
      token = page.nextToken;
    } while (token !== undefined && ++pages < 5);
  } catch (e) {
    if (hasCode(e, ["ResourceNotFoundException"])) return unavailable(`Log group ${logGroup} does not exist yet (nothing logged since the export was turned on)`);
    return refused(`read log group ${logGroup}`, "logs:FilterLogEvents", e);
  }
  lines.sort((a, b) => a.timestamp - b.timestamp);
  return { logGroup, sinceHours: AUTH_LOG_HOURS, lines: lines.slice(-AUTH_LOG_MAX_LINES) };
}

/** The account the outputs are in: the dbuser ARN's, else the role's. */
function outputsAccount(r: DoctorRequest): string | undefined {
  for (const arn of [r.dbUserArn, r.roleArn]) {
    const account = arn === undefined ? undefined : tryParseArn(arn)?.account;
    if (account !== undefined && account !== "") return account;
  }
  return undefined;
}

/**
 * Every AWS fact, or `Unavailable` (a failure) when the credentials do not work or are for another
 * account than the outputs'.
 */
export async function gatherAwsFacts(r: DoctorRequest, c: AwsClients, now: number = Date.now()): Promise<AwsFacts | Unavailable> {
  const sts = await import("@aws-sdk/client-sts");
  let caller: { Account?: string; Arn?: string };
  try {
    caller = await c.sts.send(new sts.GetCallerIdentityCommand({}));
  } catch (e) {
    return unavailable(
      `No usable AWS credentials (${awsErrorText(e)})`,
      true,
      "set AWS_PROFILE or pass `--profile` (and `aws sso login` if it uses SSO), or pass `--assume-role-arn`; or `--skip-aws` to check only the database",
    );
  }
  const account = caller.Account ?? "";
  const expected = outputsAccount(r);
  if (expected !== undefined && account !== expected) {
    return unavailable(`The AWS credentials are for account ${account}, but the role and database are in account ${expected}`, true, `use a profile (\`--profile\`) or role (\`--assume-role-arn\`) of account ${expected}`);
  }
  const target = await describeTarget(r, c.rds);
  const facts: AwsFacts = { callerAccount: account, ...(caller.Arn === undefined ? {} : { callerArn: caller.Arn }), target };
  const t = target.found && target.target.memberOfCluster === undefined ? target.target : undefined;
  if (t !== undefined) {
    const engine = engineOf(r, t);
    if (r.cdc && engine !== undefined) {
      facts.parameters = await readParameters(c.rds, t, wantedParameters(r, t, engine).map((p) => p.name));
    }
    facts.authLog = await readAuthLog(c.logs, t, r.dbUsername, now);
  }
  if (r.roleName !== undefined) {
    facts.role = await readRole(c.iam, r.roleName);
    const roleArn = r.roleArn ?? ("arn" in facts.role ? facts.role.arn : undefined);
    const dbUserArn = dbUserArnFor(r, t);
    const exists = "exists" in facts.role && facts.role.exists;
    if (roleArn !== undefined && dbUserArn !== undefined && exists) facts.simulation = await simulateConnect(c.iam, roleArn, dbUserArn);
  }
  return facts;
}
