/**
 * What the doctor checks for: the stack's outputs with the flags on top. Pure.
 */
import { tryParseArn } from "../../arn";
import { REPLICATION_MECHANISMS, ReplicationMechanism } from "../../checks/readiness";
import { clickPipeSourceType, DEFAULT_POSTGRES_SCHEMAS, Deployment, Engine, ENGINES } from "../../engines";
import { UsageError } from "../io";
import type { DoctorOptions } from "./args";
import type { DoctorRequest } from "./facts";
import { StackOutputs, databaseFromSetupSql, databasesFromSetupSql, schemasFromSetupSql } from "./outputs";

/** The ClickPipes source types, by engine and deployment: `clickPipeSourceType` read backwards (no Aurora MariaDB). */
export const SOURCE_TYPES: Readonly<Record<string, { engine: Engine; deployment: Deployment }>> = (() => {
  const types: Record<string, { engine: Engine; deployment: Deployment }> = {};
  for (const engine of ENGINES) {
    for (const deployment of ["rds", "aurora"] as const) types[clickPipeSourceType(engine, deployment)] ??= { engine, deployment };
  }
  return types;
})();

/** What an RDS host name says: whose endpoint it is, and the region. */
export interface RdsHost {
  /** "instance" `<id>.<hash>.<region>.rds.amazonaws.com`; "cluster" the writer `<id>.cluster-<hash>…`; "cluster-reader" `cluster-ro-`; "cluster-custom"; "proxy". */
  kind: "instance" | "cluster" | "cluster-reader" | "cluster-custom" | "proxy";
  /** The instance, cluster, custom endpoint or proxy name (lower case, as DNS has it). */
  identifier: string;
  region: string;
}

const HOST = /^([a-z0-9-]+)\.(cluster-ro-|cluster-custom-|cluster-|proxy-)?([a-z0-9]+)\.([a-z0-9-]+)\.rds\.amazonaws\.com\.?$/;
const HOST_KINDS: Readonly<Record<string, RdsHost["kind"]>> = { "": "instance", "cluster-": "cluster", "cluster-ro-": "cluster-reader", "cluster-custom-": "cluster-custom", "proxy-": "proxy" };

/** Reads an RDS endpoint name; undefined for any other host. */
export function parseRdsHost(host: string): RdsHost | undefined {
  const m = HOST.exec(host.toLowerCase());
  if (m === null) return undefined;
  return { kind: HOST_KINDS[m[2] ?? ""], identifier: m[1], region: m[4] };
}

/** `dbuser:<resource id>/<user>` of a dbuser ARN. */
export function parseDbUserArn(arn: string): { partition: string; region: string; account: string; resourceId: string; user: string } | undefined {
  const a = tryParseArn(arn);
  const m = a === undefined || a.service !== "rds-db" ? null : /^dbuser:([^/]+)\/(.+)$/.exec(a.resource);
  if (a === undefined || m === null) return undefined;
  return { partition: a.partition, region: a.region, account: a.account, resourceId: m[1], user: m[2] };
}

/** The name of a role from its ARN (`role/path/name`). */
export function roleNameOfArn(arn: string): string | undefined {
  const a = tryParseArn(arn);
  if (a === undefined || a.service !== "iam" || !a.resource.startsWith("role/")) return undefined;
  return a.resource.slice(a.resource.lastIndexOf("/") + 1);
}

function targetOf(o: DoctorOptions, host: RdsHost | undefined, deployment: Deployment | undefined): DoctorRequest["target"] {
  if (o.identifier !== undefined) return { kind: "instance", identifier: o.identifier };
  if (o.cluster !== undefined) return { kind: "cluster", identifier: o.cluster };
  if (host?.kind === "cluster" || host?.kind === "cluster-reader") return { kind: "cluster", identifier: host.identifier };
  if (host?.kind === "instance" && deployment !== "aurora") return { kind: "instance", identifier: host.identifier };
  return undefined;
}

/**
 * The request: outputs first, flags over them.
 * @throws UsageError when a flag contradicts the outputs.
 */
export function buildRequest(out: StackOutputs, o: DoctorOptions): DoctorRequest {
  const source = out.clickPipeSource ?? {};
  const typed = source.type === undefined ? undefined : SOURCE_TYPES[source.type];
  if (source.type !== undefined && typed === undefined) {
    throw new UsageError(`\`clickPipeSource.type\` "${source.type}" is not a source type this package makes (${Object.keys(SOURCE_TYPES).join(", ")}).`);
  }
  if (o.engine !== undefined && typed !== undefined && typed.engine !== o.engine) {
    throw new UsageError(`\`--engine\` contradicts the outputs: \`clickPipeSource.type\` "${source.type}" is ${typed.engine}; leave \`--engine\` out.`);
  }
  const engine = o.engine ?? typed?.engine;
  const dbUserArn = out.dbUserArn;
  const parsedUser = dbUserArn === undefined ? undefined : parseDbUserArn(dbUserArn);
  const resourceId = out.resourceId ?? parsedUser?.resourceId;
  const host = out.host ?? source.host;
  const rdsHost = host === undefined ? undefined : parseRdsHost(host);
  const deployment: Deployment | undefined =
    o.cluster !== undefined ? "aurora" : o.identifier !== undefined ? "rds" : (typed?.deployment ?? (resourceId?.startsWith("cluster-") ? "aurora" : resourceId?.startsWith("db-") ? "rds" : undefined));
  const roleArn = out.roleArn ?? source.iamRole;
  const mechanism = source.settings?.replicationMechanism ?? "GTID";
  if (!(REPLICATION_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new UsageError(`\`clickPipeSource.settings.replicationMechanism\` "${mechanism}" is not one of ${REPLICATION_MECHANISMS.join(", ")}.`);
  }
  const setup = out.setupSql ?? "";
  const schemas = o.schemas ?? schemasFromSetupSql(setup);
  const request: DoctorRequest = {
    cdc: source.settings?.replicationMode === "cdc" || (out.pipeModes ?? []).includes("cdc"),
    replicationMechanism: mechanism as ReplicationMechanism,
    schemas: schemas.length > 0 ? schemas : engine === "postgres" ? [...DEFAULT_POSTGRES_SCHEMAS] : [],
    databases: o.databases ?? databasesFromSetupSql(setup),
  };
  const set = <K extends keyof DoctorRequest>(key: K, value: DoctorRequest[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  set("engine", engine);
  set("deployment", deployment);
  set("target", targetOf(o, rdsHost, deployment));
  set("resourceId", resourceId);
  set("region", o.region ?? (parsedUser?.region || undefined) ?? rdsHost?.region);
  set("roleArn", roleArn);
  set("roleName", out.roleName ?? (roleArn === undefined ? undefined : roleNameOfArn(roleArn)));
  set("dbUserArn", dbUserArn);
  set("host", host);
  set("port", out.port ?? source.port);
  set("dbUsername", out.dbUsername ?? source.credentials?.username ?? parsedUser?.user);
  set("publicationName", source.settings?.publicationName);
  set("clickhouseRoleArn", o.clickhouseRoleArn);
  set("database", o.database ?? source.database ?? databaseFromSetupSql(setup));
  return request;
}
