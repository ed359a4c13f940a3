/**
 * The doctor from parsed flags and outputs to results: build the request, gather the AWS facts
 * and then the database facts (each side on its own: one that cannot be read is one line), and
 * judge them. The clients and connections are injected, so the whole run is tested without AWS.
 */
import type { AwsCredentialSettings } from "../../aws/credentials";
import { connectAdmin } from "../../database/mysqlSession";
import { connectPostgres } from "../../database/pgSession";
import { DEFAULT_POSTGRES_DATABASE, Engine, ENGINE_LABELS } from "../../engines";
import type { DoctorOptions } from "./args";
import { PASSWORD_ENV } from "./args";
import { AwsClients, awsClients, awsErrorText, gatherAwsFacts } from "./awsGather";
import { doctorChecks } from "./checks";
import { DbConnectors, gatherDatabaseFacts } from "./dbGather";
import type { AwsFacts, DatabaseDoctorFacts, DoctorRequest, RdsTargetFacts, Unavailable } from "./facts";
import { isUnavailable, unavailable } from "./facts";
import type { StackOutputs } from "./outputs";
import { engineOf } from "./rdsChecks";
import { buildRequest } from "./request";
import type { DoctorResult } from "./result";

/** What the run talks to. */
export interface DoctorDeps {
  awsClients(region: string, settings?: AwsCredentialSettings): Promise<AwsClients>;
  connectors: DbConnectors;
  now(): number;
}

export const realDeps: DoctorDeps = { awsClients, connectors: { postgres: connectPostgres, mysql: connectAdmin }, now: () => Date.now() };

/** Everything a run needs besides its dependencies. */
export interface DoctorInput {
  options: DoctorOptions;
  outputs: StackOutputs;
  /** The component picked from a map of outputs, for the heading. */
  component?: string;
  adminPassword?: string;
  /** PEM read from `--tls-ca`. */
  tlsCa?: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface DoctorReport {
  heading: string;
  results: DoctorResult[];
}

const DEFAULT_PORTS: Readonly<Record<Engine, number>> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

function credentialSettings(o: DoctorOptions): AwsCredentialSettings | undefined {
  if (o.profile === undefined && o.assumeRoleArn === undefined) return undefined;
  return {
    ...(o.profile === undefined ? {} : { profile: o.profile }),
    ...(o.assumeRoleArn === undefined ? {} : { assumeRole: { roleArn: o.assumeRoleArn, ...(o.externalId === undefined ? {} : { externalId: o.externalId }), sessionName: "clickpipes-rds-iam-doctor" } }),
  };
}

async function awsSide(r: DoctorRequest, input: DoctorInput, deps: DoctorDeps): Promise<AwsFacts | Unavailable> {
  if (input.options.skipAws) return unavailable("AWS checks skipped (--skip-aws)");
  const region = r.region ?? input.env.AWS_REGION ?? input.env.AWS_DEFAULT_REGION;
  if (region === undefined) return unavailable("No AWS region: the outputs name none (no dbUserArn, no RDS host) and AWS_REGION is not set", true, "pass `--region`");
  r.region = region;
  try {
    return await gatherAwsFacts(r, await deps.awsClients(region, credentialSettings(input.options)), deps.now());
  } catch (e) {
    return unavailable(`Reading AWS failed (${awsErrorText(e)})`, true, "check the network and the credentials, then run the doctor again");
  }
}

async function databaseSide(r: DoctorRequest, input: DoctorInput, deps: DoctorDeps, t: RdsTargetFacts | undefined): Promise<DatabaseDoctorFacts | Unavailable> {
  const o = input.options;
  if (o.adminUsername === undefined || input.adminPassword === undefined) {
    return unavailable(`No admin credentials, so the database user, its grants and the CDC settings were not checked`, false, `pass \`--admin-username\` and set ${PASSWORD_ENV}`);
  }
  const engine = r.engine;
  if (engine === undefined) return unavailable("The engine is not known (the outputs have no clickPipeSource and the database was not found)", false, "pass `--engine`");
  const host = o.dbHost ?? r.host ?? t?.endpoint?.address;
  if (host === undefined) return unavailable("No host to connect to (the outputs name none)", false, "pass `--db-host`");
  return gatherDatabaseFacts(
    r,
    {
      engine,
      host,
      port: o.dbPort ?? r.port ?? t?.endpoint?.port ?? DEFAULT_PORTS[engine],
      database: r.database ?? DEFAULT_POSTGRES_DATABASE,
      adminUsername: o.adminUsername,
      adminPassword: input.adminPassword,
      tlsVerify: o.tlsVerify,
      ...(input.tlsCa === undefined ? {} : { tlsCa: input.tlsCa }),
    },
    deps.connectors,
  );
}

function heading(r: DoctorRequest, component: string | undefined, t: RdsTargetFacts | undefined): string {
  const target = t ?? r.target;
  const parts = [
    ...(component === undefined ? [] : [`component "${component}"`]),
    target === undefined ? "database not identified" : `${target.kind} "${target.identifier}"${r.region === undefined ? "" : ` (${r.region})`}`,
    r.engine === undefined ? "engine unknown" : ENGINE_LABELS[r.engine],
    r.cdc ? "CDC" : "Initial Load Only",
    ...(r.dbUsername === undefined ? [] : [`user "${r.dbUsername}"`]),
  ];
  return `clickpipes-rds-iam doctor: ${parts.join(", ")}`;
}

/** Runs every check. Expected failures (credentials, network, a refused call) become results, never exceptions. */
export async function runDoctor(input: DoctorInput, deps: DoctorDeps = realDeps): Promise<DoctorReport> {
  const r = buildRequest(input.outputs, input.options);
  const aws = await awsSide(r, input, deps);
  const t = !isUnavailable(aws) && aws.target.found ? aws.target.target : undefined;
  const engine = engineOf(r, t);
  if (engine !== undefined) r.engine = engine;
  const database = await databaseSide(r, input, deps, t);
  return { heading: heading(r, input.component, t), results: doctorChecks({ request: r, aws, database }) };
}
