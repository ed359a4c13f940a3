/**
 * The RDS side of the doctor: the target, its IAM flag and pending changes, the resource ID the
 * policy names, the endpoint, the engine floors (`targetChecks`), the CDC parameters and the IAM
 * authentication error log. Pure functions over the doctor's facts.
 */
import { DatabaseLocation, dbUserArn, locationFromRdsArn } from "../../arn";
import type { TargetFacts } from "../../checks/facts";
import { clickPipesParameters, RdsParameter } from "../../checks/parameters";
import { endpointCheck, targetChecks } from "../../checks/readiness";
import { Deployment, engineFromRdsEngine, Engine } from "../../engines";
import type { AwsFacts, DatabaseDoctorFacts, DoctorRequest, RdsTargetFacts } from "./facts";
import { isUnavailable } from "./facts";
import { enableIamAuthCommand, exportAuthLogCommand, modifyParameterCommand, rebootCommand } from "./fixes";
import { parseDbUserArn, parseRdsHost } from "./request";
import { DoctorResult, fail, pass, skip, warn } from "./result";

/** Statuses in which ClickPipes cannot connect at all. */
const DOWN_STATUSES: readonly string[] = ["stopped", "stopping", "failed", "storage-full", "inaccessible-encryption-credentials", "incompatible-network", "incompatible-parameters", "incompatible-restore", "deleting"];

function label(t: { kind: string; identifier: string }): string {
  return `${t.kind} "${t.identifier}"`;
}

/** The same, starting a sentence. */
function sentenceLabel(t: { kind: string; identifier: string }): string {
  const l = label(t);
  return l.charAt(0).toUpperCase() + l.slice(1);
}

/** RDS for an instance, Aurora for a cluster. */
export function deploymentOf(t: Pick<RdsTargetFacts, "kind">): Deployment {
  return t.kind === "cluster" ? "aurora" : "rds";
}

/** The parameters ClickPipes needs in the target's parameter group for CDC. */
export function wantedParameters(r: DoctorRequest, t: RdsTargetFacts, engine: Engine): RdsParameter[] {
  return clickPipesParameters({ engine, deployment: deploymentOf(t), cdc: true, replicationMechanism: r.replicationMechanism, engineVersion: t.engineVersion });
}

/** The engine the checks go by: the request's, else the database's own. */
export function engineOf(r: DoctorRequest, t?: RdsTargetFacts): Engine | undefined {
  return r.engine ?? (t === undefined ? undefined : engineFromRdsEngine(t.rdsEngine));
}

function targetCheck(r: DoctorRequest, t: RdsTargetFacts): DoctorResult {
  const id = "rds.target";
  if (t.memberOfCluster !== undefined) {
    return fail(id, `Instance "${t.identifier}" is a member of Aurora cluster "${t.memberOfCluster}"; IAM authentication and the resource ID belong to the cluster`, `pass \`--cluster ${t.memberOfCluster}\` instead of \`--identifier\``);
  }
  const live = engineFromRdsEngine(t.rdsEngine);
  if (r.engine !== undefined && live !== r.engine) {
    return fail(id, `${sentenceLabel(t)} runs ${t.rdsEngine}, but the outputs are for ${r.engine}`, "check `--identifier`/`--cluster` and `--region`: they must name the database of these outputs");
  }
  const what = `${t.rdsEngine} ${t.engineVersion}`;
  if (t.status === "available") return pass(id, `${sentenceLabel(t)} is available (${what})`);
  if (DOWN_STATUSES.includes(t.status)) {
    const fix = t.status === "stopped" ? `start it (\`aws rds start-db-${t.kind} --db-${t.kind === "cluster" ? "cluster" : "instance"}-identifier ${t.identifier}\`)` : "see the database's events in the RDS console and bring it back to `available`";
    return fail(id, `${sentenceLabel(t)} is "${t.status}", so ClickPipes cannot connect (${what})`, fix);
  }
  return warn(id, `${sentenceLabel(t)} is "${t.status}" (${what}); logins may fail until it is available`, "wait until it is `available`, then run the doctor again");
}

function iamAuthCheck(t: RdsTargetFacts, region: string | undefined): DoctorResult {
  const id = "rds.iam_auth";
  if (t.iamAuthEnabled) return pass(id, "IAM database authentication is on");
  const command = enableIamAuthCommand(t, region);
  if (t.pendingIamAuth === true) {
    const also = t.otherPending.length > 0 ? `, which also applies the other pending changes (${t.otherPending.join(", ")})` : "";
    return fail(id, `IAM database authentication is off on ${label(t)}; turning it on waits for the maintenance window`, `apply it now: \`${command}\`${also}`);
  }
  return fail(id, `IAM database authentication is off on ${label(t)}, so every IAM login fails`, `run \`pulumi up\` (the component turns it on), or \`${command}\``);
}

function pendingCheck(t: RdsTargetFacts): DoctorResult {
  const id = "rds.pending_modifications";
  if (t.otherPending.length === 0) return pass(id, "No other changes wait for the maintenance window");
  const list = t.otherPending.join(", ");
  if (t.iamAuthEnabled) return pass(id, `Changes wait for the maintenance window (${list}); IAM authentication does not depend on them`);
  return warn(
    id,
    `Changes wait for the maintenance window (${list}); turning IAM authentication on with apply-immediately applies them now too, possibly with downtime`,
    'apply them yourself first (the console\'s "Apply immediately") or wait for the window, then turn IAM authentication on',
  );
}

/** Where the target is, from its own ARN; undefined when Describe showed no usable ARN. */
function liveLocation(t: RdsTargetFacts): DatabaseLocation | undefined {
  try {
    return locationFromRdsArn(t.arn);
  } catch {
    return undefined;
  }
}

/** The dbuser ARN for the live resource ID and the user (`arn.ts`), or undefined when it cannot be built. */
export function liveDbUserArn(t: RdsTargetFacts, user: string | undefined): string | undefined {
  const location = liveLocation(t);
  if (user === undefined || location === undefined) return undefined;
  try {
    return dbUserArn(location, t.resourceId, user);
  } catch {
    return undefined;
  }
}

/** The dbuser ARN the role must allow: the outputs' one, else the one built from the live resource ID. */
export function dbUserArnFor(r: DoctorRequest, t: RdsTargetFacts | undefined): string | undefined {
  return r.dbUserArn ?? (t === undefined ? undefined : liveDbUserArn(t, r.dbUsername));
}

function resourceIdCheck(r: DoctorRequest, t: RdsTargetFacts): DoctorResult {
  const id = "rds.resource_id";
  if (r.dbUserArn === undefined && r.resourceId === undefined) {
    return skip(id, "The outputs name neither `dbUserArn` nor `resourceId`, so the policy's resource cannot be compared with the database");
  }
  const expected = liveDbUserArn(t, r.dbUsername);
  const fix = `run \`pulumi refresh\` and \`pulumi up\`, so that the role's policy names ${expected ?? `resource ID ${t.resourceId}`}`;
  const named = r.dbUserArn === undefined ? undefined : parseDbUserArn(r.dbUserArn);
  if (r.dbUserArn !== undefined && named === undefined) return fail(id, `\`dbUserArn\` "${r.dbUserArn}" is not an rds-db dbuser ARN`, fix);
  const resourceId = named?.resourceId ?? r.resourceId;
  if (resourceId !== t.resourceId) {
    const why =
      t.kind === "cluster" && resourceId?.startsWith("db-")
        ? "an Aurora instance's resource ID, but IAM checks tokens against the cluster's"
        : "the database was replaced or restored since, or the outputs are another database's";
    return fail(id, `The policy's resource names resource ID ${resourceId}, but ${label(t)} has ${t.resourceId} (${why})`, fix);
  }
  if (named !== undefined) {
    const location = liveLocation(t);
    if (location !== undefined && (named.region !== location.region || named.account !== location.account || named.partition !== location.partition)) {
      return fail(id, `\`dbUserArn\` is for ${named.partition}/${named.region}/${named.account}, but ${label(t)} is in ${location.partition}/${location.region}/${location.account}`, fix);
    }
    if (r.dbUsername !== undefined && named.user !== r.dbUsername) {
      return fail(id, `\`dbUserArn\` names user "${named.user}", but ClickPipes logs in as "${r.dbUsername}" (the token names the user exactly)`, fix);
    }
  }
  return pass(id, `The policy's resource names ${label(t)}'s resource ID ${t.resourceId}${named === undefined ? "" : ` and user "${named.user}"`}`);
}

/**
 * The host ClickPipes is given: an RDS endpoint ClickPipes can sign IAM tokens for (`endpointCheck`,
 * a failure here rather than a warning, since these are the outputs ClickPipes is given), and,
 * when the database is known, its own endpoint and port.
 */
export function endpointDoctorCheck(r: DoctorRequest, t?: RdsTargetFacts): DoctorResult {
  const id = "rds.endpoint";
  if (r.host === undefined) return skip(id, "The outputs name no host");
  const base = endpointCheck(r.host);
  const parsed = parseRdsHost(r.host);
  const own = t?.endpoint?.address;
  const give = own === undefined ? "the database's own RDS endpoint" : own;
  if (base.status === "warn" && parsed?.kind !== "proxy") return fail(id, base.summary, `give ClickPipes ${give}, not a CNAME or custom DNS name`);
  if (parsed?.kind === "proxy") return r.cdc ? fail(id, base.summary, `give ClickPipes ${give}`) : warn(id, base.summary, `give ClickPipes ${give}`);
  if (t === undefined || own === undefined) return base;
  const host = r.host.toLowerCase().replace(/\.$/, "");
  if (host === own.toLowerCase()) {
    const port = t.endpoint?.port;
    if (r.port !== undefined && port !== undefined && r.port !== port) return fail(id, `Port ${r.port} is not ${label(t)}'s port ${port}`, `give ClickPipes port ${port}`);
    return base;
  }
  if (t.readerEndpoint !== undefined && host === t.readerEndpoint.toLowerCase()) {
    const summary = `Host "${r.host}" is the reader endpoint of ${label(t)}, which ${r.cdc ? "cannot replicate" : "may lag the writer"}`;
    return r.cdc ? fail(id, summary, `give ClickPipes the writer endpoint ${own}`) : warn(id, summary, `give ClickPipes the writer endpoint ${own}`);
  }
  if (parsed?.kind === "instance" && (t.members ?? []).some((m) => m.toLowerCase() === parsed.identifier)) {
    return warn(id, `Host "${r.host}" is the endpoint of member instance "${parsed.identifier}"; the writer moves on failover`, `give ClickPipes the cluster endpoint ${own}`);
  }
  return fail(id, `Host "${r.host}" is not an endpoint of ${label(t)} (its endpoint is ${own})`, `give ClickPipes ${own} (run \`pulumi refresh\` and \`pulumi up\` if the database was replaced)`);
}

function isOn(v: string): boolean {
  return ["on", "1", "true", "yes"].includes(v.toLowerCase());
}

/** Whether the server's live value matches the parameter, when the database was read. */
export function liveMatches(p: RdsParameter, db: DatabaseDoctorFacts | undefined): boolean | undefined {
  if (db === undefined) return undefined;
  if (db.engine === "postgres") {
    const live = p.name === "rds.logical_replication" ? db.server.rdsLogicalReplication : p.name === "rds.iam_auth_for_replication" ? db.server.rdsIamAuthForReplication : undefined;
    return live === undefined ? undefined : isOn(live) === isOn(p.value);
  }
  const live = db.server.variables[p.name.replace(/-/g, "_")];
  return live === undefined ? undefined : live.toUpperCase() === p.value.toUpperCase();
}

function parameterChecks(r: DoctorRequest, a: AwsFacts, t: RdsTargetFacts, engine: Engine, db: DatabaseDoctorFacts | undefined): DoctorResult[] {
  const facts = a.parameters;
  if (facts === undefined || !r.cdc) return [];
  if (isUnavailable(facts)) return [skip("rds.parameters", facts.reason)];
  const wanted = wantedParameters(r, t, engine);
  const kind = t.kind === "cluster" ? "DB cluster parameter group" : "DB parameter group";
  const group = facts.group;
  const rebootWhat = t.kind === "cluster" ? (t.writerInstance ?? "<writer instance>") : t.identifier;
  return wanted.map((p) => {
    const id = `parameter.${p.name}`;
    const fact = facts.values[p.name];
    if (fact === undefined) return skip(id, `${kind} "${group}" has no parameter ${p.name} (not in this engine version)`);
    const reboot = fact.applyType === "static";
    const setIt = group.startsWith("default.")
      ? `the default group "${group}" cannot be changed: create a ${kind} of your own, set ${p.name} to ${p.value} in it, attach it to the ${t.kind}${reboot ? " and reboot" : ""}`
      : `\`${modifyParameterCommand(t.kind, group, p, r.region)}\`${reboot ? `, then reboot: \`${rebootCommand(rebootWhat, r.region)}\`` : ""}`;
    const live = liveMatches(p, db);
    if (fact.value === undefined) {
      if (live === true) return pass(id, `${p.name} is not set in ${kind} "${group}", and the server's value is the one ClickPipes needs`);
      const summary = `${p.name} is not set in ${kind} "${group}" (engine default); ClickPipes needs "${p.value}"`;
      return live === false ? fail(id, summary, setIt) : warn(id, `${summary}, and the server was not read to see the default`, setIt);
    }
    if (fact.value.toUpperCase() !== p.value.toUpperCase()) return fail(id, `${p.name} is "${fact.value}" in ${kind} "${group}"; ClickPipes needs "${p.value}"`, setIt);
    if (reboot && t.parameterApplyStatus === "pending-reboot" && live !== true) {
      return fail(id, `${p.name} is "${p.value}" in ${kind} "${group}", but the ${t.kind} waits for a reboot to apply its parameter changes (static parameter: set but needs a reboot)`, `reboot: \`${rebootCommand(rebootWhat, r.region)}\``);
    }
    const inEffect = reboot && t.parameterApplyStatus === "pending-reboot" ? " (in effect on the server, though the group waits for a reboot)" : "";
    return pass(id, `${p.name} is "${p.value}" in ${kind} "${group}"${inEffect}`);
  });
}

function authLogCheck(r: DoctorRequest, a: AwsFacts, t: RdsTargetFacts): DoctorResult[] {
  const id = "rds.iam_auth_errors";
  const log = a.authLog;
  if (log === undefined) return [];
  if (isUnavailable(log)) return [skip(id, log.reason, log.fix ?? (t.logExports.includes("iam-db-auth-error") ? undefined : `to keep IAM login errors, turn the export on: \`${exportAuthLogCommand(t, r.region)}\``))];
  const user = r.dbUsername === undefined ? "" : ` for "${r.dbUsername}"`;
  if (log.lines.length === 0) return [pass(id, `No IAM authentication errors${user} in ${log.logGroup} in the last ${log.sinceHours} hours`)];
  const latest = log.lines[log.lines.length - 1];
  const n = log.lines.length;
  return [
    {
      ...warn(
        id,
        `${n} IAM authentication error${n === 1 ? "" : "s"}${user} in the last ${log.sinceHours} hours; the latest: ${latest.message.trim()}`,
        "each line says why RDS refused the token; fix what the checks above report, then watch for new lines",
      ),
      details: log.lines.slice(-5).map((l) => `${new Date(l.timestamp).toISOString()} ${l.message.trim()}`),
    },
  ];
}

/** The RDS checks, in the order a person fixes things; the database facts only settle parameter values. */
export function rdsChecks(r: DoctorRequest, a: AwsFacts, db?: DatabaseDoctorFacts): DoctorResult[] {
  if (!a.target.found) return [fail("rds.target", a.target.reason, a.target.fix), endpointDoctorCheck(r)];
  const t = a.target.target;
  const first = targetCheck(r, t);
  const wrongTarget = t.memberOfCluster !== undefined || (r.engine !== undefined && engineFromRdsEngine(t.rdsEngine) !== r.engine);
  if (wrongTarget) return [first, endpointDoctorCheck(r)];
  const out = [first, iamAuthCheck(t, r.region), pendingCheck(t), resourceIdCheck(r, t), endpointDoctorCheck(r, t)];
  const engine = engineOf(r, t);
  if (engine !== undefined) {
    const facts: TargetFacts = {
      engine,
      deployment: deploymentOf(t),
      kind: t.kind,
      identifier: t.identifier,
      engineVersion: t.engineVersion,
      ...(t.backupRetentionPeriod === undefined ? {} : { backupRetentionPeriod: t.backupRetentionPeriod }),
      ...(t.parameterGroup === undefined ? {} : { parameterGroup: t.parameterGroup }),
      host: "",
    };
    out.push(...targetChecks(facts, { cdc: r.cdc }).filter((c) => c.id !== "rds.endpoint"));
    out.push(...parameterChecks(r, a, t, engine, db));
  }
  out.push(...authLogCheck(r, a, t));
  return out;
}
