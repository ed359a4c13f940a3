/**
 * Arguments of `ClickPipe` and their checks: plain values before anything is registered, Outputs
 * once they resolve (then the pipe is not registered). One message template, as in validation.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClickPipeSource } from "../clickpipe";
import type { ClickPipesRdsIamAccess } from "../clickPipesRdsIamAccess";
import { PIPE_MODES } from "../engines";
import { REPLICATION_MECHANISMS } from "../checks/readiness";
import { ValidationError, checkedInput, isEventual, kindOf, named, quoted, show, validateArgType } from "../validation";
import { DEFAULT_API_URL } from "./api";
import { ClickHouseServiceArgs, validateApiUrl, validateClickHouseServiceArgs, validateCloudId } from "./service";
import { ClickPipeInputs, ClickPipeTableMapping, MYSQL_SOURCE_TYPES, POSTGRES_SOURCE_TYPES, TABLE_ENGINES, mappingFailures, sourceKind } from "./clickPipeSpec";

/** Arguments of {@link ClickPipe}. Give exactly one of `access` and `source`. */
export interface ClickPipeArgs {
  /**
   * The ClickHouse Cloud service the pipe is created in, and an API key with the Admin role on it.
   * @see https://clickhouse.com/docs/integrations/clickpipes/programmatic-access/openapi
   */
  readonly service: ClickHouseServiceArgs;
  /**
   * The access the pipe reads through: its `clickPipeSource` is the pipe's source, and the pipe is
   * created after everything the component creates (IAM auth on, the user and its grants, the
   * readiness check), and deleted before them.
   */
  readonly access?: ClickPipesRdsIamAccess;
  /**
   * The pipe's source, as `ClickPipesRdsIamAccess.clickPipeSource` gives it, when `access` is not
   * given; then pass the resources it needs in `dependsOn`.
   */
  readonly source?: pulumi.Input<ClickPipeSource>;
  /**
   * The pipe's name in ClickHouse Cloud (1 to 255 characters); renaming updates it in place.
   * @default the resource name
   */
  readonly pipeName?: pulumi.Input<string>;
  /**
   * The source tables and the ClickHouse tables they go to. Adding or removing an entry updates
   * the pipe in place (a CDC pipe is paused for it); changing an entry's options is refused.
   * @see https://clickhouse.com/docs/integrations/clickpipes/postgres/table_resync
   */
  readonly tableMappings: pulumi.Input<ClickPipeTableMapping[]>;
  /** Where the tables go; a change replaces the pipe. */
  readonly destination: { readonly database: pulumi.Input<string> };
  /**
   * Keep the pipe paused (the API's `stop` command); false starts it again.
   * @default false
   */
  readonly stopped?: pulumi.Input<boolean>;
  /**
   * Any new value resyncs the pipe (the API's `resync` command: the tables are loaded again).
   * @see https://clickhouse.com/docs/integrations/clickpipes/postgres/resync
   */
  readonly resyncTrigger?: pulumi.Input<string>;
  /**
   * Minutes to wait for the pipe to run (or pause, or disappear) after a change (1 to 1440). The
   * first pipe of a service also waits for its ClickPipes infrastructure.
   * @default 30
   */
  readonly waitTimeoutMinutes?: number;
}

export const DEFAULT_WAIT_TIMEOUT_MINUTES = 30;
export const MAX_WAIT_TIMEOUT_MINUTES = 24 * 60;
/** The API's limit on a pipe's name (ClickPipe.name: minLength 1, maxLength 255). */
export const MAX_PIPE_NAME_LENGTH = 255;

function fail(message: string): never {
  throw new ValidationError(message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isEventual(v);
}

function list(values: readonly string[]): string {
  return values.map((v) => quoted(v)).join(", ");
}

export function validatePipeName(value: unknown): void {
  validateArgType("pipeName", value, { type: "input-string" });
  if (typeof value === "string" && (value.length === 0 || value.length > MAX_PIPE_NAME_LENGTH)) {
    fail(`${named("pipeName", value)} is ${value.length} characters long; ClickPipes takes 1 to ${MAX_PIPE_NAME_LENGTH}.`);
  }
}

function requireText(arg: string, value: unknown, what: string): void {
  if (typeof value !== "string" || value.length === 0) fail(`${named(arg, value)} is ${value === "" ? "empty" : kindOf(value)}; give ${what}.`);
}

function optionalStrings(arg: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) fail(`${named(arg, value)} is not a list of strings; give column names such as ["id"].`);
}

/** Validates the table mappings, resolved. */
export function validateTableMappings(value: unknown): asserts value is ClickPipeTableMapping[] {
  if (!Array.isArray(value)) fail(`${named("tableMappings", value)} is ${kindOf(value)}, not a list; give at least one { sourceSchemaName, sourceTable, targetTable }.`);
  if (value.length === 0) fail("`tableMappings` is empty; give at least one { sourceSchemaName, sourceTable, targetTable }.");
  const known = ["sourceSchemaName", "sourceTable", "targetTable", "excludedColumns", "useCustomSortingKey", "sortingKeys", "tableEngine", "partitionKey"];
  value.forEach((m: unknown, i: number) => {
    const arg = `tableMappings[${i}]`;
    if (!isRecord(m)) fail(`${named(arg, m)} is ${kindOf(m)}, not an object; give { sourceSchemaName, sourceTable, targetTable }.`);
    const unknown = Object.keys(m).find((k) => !known.includes(k));
    if (unknown !== undefined) fail(`\`${arg}.${unknown}\` is not a mapping field; use ${known.map((k) => `\`${k}\``).join(", ")}.`);
    requireText(`${arg}.sourceSchemaName`, m.sourceSchemaName, "the source table's PostgreSQL schema or MySQL database");
    requireText(`${arg}.sourceTable`, m.sourceTable, "the source table's name");
    requireText(`${arg}.targetTable`, m.targetTable, "the ClickHouse table to create");
    optionalStrings(`${arg}.excludedColumns`, m.excludedColumns);
    optionalStrings(`${arg}.sortingKeys`, m.sortingKeys);
    if (m.useCustomSortingKey !== undefined && typeof m.useCustomSortingKey !== "boolean") fail(`${named(`${arg}.useCustomSortingKey`, m.useCustomSortingKey)} is not true or false; use true or false.`);
    if (m.sortingKeys !== undefined && m.useCustomSortingKey !== true) fail(`\`${arg}.sortingKeys\` is set but \`${arg}.useCustomSortingKey\` is not true; set it to true, or remove \`sortingKeys\`.`);
    if (m.tableEngine !== undefined && !(TABLE_ENGINES as readonly unknown[]).includes(m.tableEngine)) fail(`${named(`${arg}.tableEngine`, m.tableEngine)} is not a table engine ClickPipes creates; use one of ${list(TABLE_ENGINES)}.`);
    if (m.partitionKey !== undefined) requireText(`${arg}.partitionKey`, m.partitionKey, "an indexed column of the source table");
  });
  const duplicate = mappingFailures(undefined, value as ClickPipeTableMapping[])[0];
  if (duplicate !== undefined) fail(duplicate);
}

const IAM_ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Validates a ClickPipe source object, resolved: the shape `ClickPipesRdsIamAccess.clickPipeSource` has. */
export function validateClickPipeSource(value: unknown): asserts value is ClickPipeSource {
  const fix = "pass a ClickPipesRdsIamAccess as `access`, or its `clickPipeSource` output";
  if (!isRecord(value)) fail(`${named("source", value)} is ${kindOf(value)}, not an object; ${fix}.`);
  const types = [...POSTGRES_SOURCE_TYPES, ...MYSQL_SOURCE_TYPES];
  if (typeof value.type !== "string" || !types.includes(value.type)) fail(`${named("source.type", value.type)} is not a ClickPipes database source type; use one of ${list(types)}.`);
  requireText("source.host", value.host, "the database endpoint ClickPipes connects to");
  if (typeof value.port !== "number" || !Number.isInteger(value.port) || value.port < 1 || value.port > 65535) fail(`${named("source.port", value.port)} is not a port number; use the endpoint's port, such as 5432.`);
  if (value.authentication !== "IAM_ROLE") fail(`${named("source.authentication", value.authentication)} is not "IAM_ROLE"; this package creates IAM-role pipes only, and the API takes the value in upper case.`);
  if (typeof value.iamRole !== "string" || !IAM_ROLE_ARN.test(value.iamRole)) fail(`${named("source.iamRole", value.iamRole)} is not an IAM role ARN; ${fix}, whose \`iamRole\` is the role it creates.`);
  if (!isRecord(value.credentials)) fail(`${named("source.credentials", value.credentials)} is not an object; ${fix}.`);
  requireText("source.credentials.username", value.credentials.username, "the IAM database user");
  if (!isRecord(value.settings)) fail(`${named("source.settings", value.settings)} is not an object; ${fix}.`);
  const s = value.settings;
  if (!(PIPE_MODES as readonly unknown[]).includes(s.replicationMode)) fail(`${named("source.settings.replicationMode", s.replicationMode)} is not a pipe mode; use one of ${list(PIPE_MODES)}.`);
  const kind = sourceKind(value.type);
  if (kind === "postgres") {
    requireText("source.database", value.database, "the PostgreSQL database ClickPipes reads");
    if (s.publicationName !== undefined) requireText("source.settings.publicationName", s.publicationName, "the publication's name");
    if (s.replicationMechanism !== undefined) fail(`\`source.settings.replicationMechanism\` ${show(s.replicationMechanism)} is for MySQL and MariaDB sources; remove it.`);
  } else {
    if (value.database !== undefined) fail(`\`source.database\` ${show(value.database)} is for PostgreSQL sources; MySQL and MariaDB databases are chosen in \`tableMappings\`, so remove it.`);
    if (s.replicationMechanism !== undefined && !(REPLICATION_MECHANISMS as readonly unknown[]).includes(s.replicationMechanism)) {
      fail(`${named("source.settings.replicationMechanism", s.replicationMechanism)} is not a replication mechanism; use one of ${list(REPLICATION_MECHANISMS)}.`);
    }
    if (s.publicationName !== undefined) fail(`\`source.settings.publicationName\` ${show(s.publicationName)} is for PostgreSQL sources; remove it.`);
  }
}

export function validateWaitTimeout(value: unknown): void {
  validateArgType("waitTimeoutMinutes", value, { type: "number", example: DEFAULT_WAIT_TIMEOUT_MINUTES });
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_WAIT_TIMEOUT_MINUTES) {
    fail(`${named("waitTimeoutMinutes", value)} is not a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES}; use one such as ${DEFAULT_WAIT_TIMEOUT_MINUTES}.`);
  }
}


/** The arguments checked, with defaults; Outputs checked when they resolve. */
export interface NormalizedClickPipeArgs {
  service: Required<ClickHouseServiceArgs>;
  source: pulumi.Input<ClickPipeSource>;
  pipeName: pulumi.Input<string>;
  tableMappings: pulumi.Input<ClickPipeTableMapping[]>;
  destinationDatabase: pulumi.Input<string>;
  stopped: pulumi.Input<boolean>;
  resyncTrigger?: pulumi.Input<string>;
  waitTimeoutMinutes: number;
}

/**
 * The operations' inputs (`ClickPipeInputs`, what the state holds) from the checked arguments:
 * the service flattened, the destination its database. What the resource class registers and what
 * the plugin's Check answers (provider/provider.ts).
 */
export function clickPipeInputsOf(a: NormalizedClickPipeArgs): { [K in keyof ClickPipeInputs]: pulumi.Input<ClickPipeInputs[K]> | undefined } {
  return {
    organizationId: a.service.organizationId,
    serviceId: a.service.serviceId,
    apiKeyId: a.service.apiKeyId,
    apiKeySecret: a.service.apiKeySecret,
    apiUrl: a.service.apiUrl,
    pipeName: a.pipeName,
    source: a.source,
    tableMappings: a.tableMappings,
    destinationDatabase: a.destinationDatabase,
    stopped: a.stopped,
    resyncTrigger: a.resyncTrigger,
    waitTimeoutMinutes: a.waitTimeoutMinutes,
  };
}

export function normalizeClickPipeArgs(name: string, args: ClickPipeArgs, opts: pulumi.CustomResourceOptions = {}): NormalizedClickPipeArgs {
  if (!isRecord(args)) fail(`The ClickPipe arguments are ${kindOf(args)}; pass an object with \`service\`, \`access\` or \`source\`, \`tableMappings\` and \`destination\`.`);
  validateClickHouseServiceArgs("service", args.service);
  if (args.access !== undefined && args.source !== undefined) fail("Only one of `access` or `source` can be provided.");
  if (args.access === undefined && args.source === undefined) fail("`source` is missing; pass a ClickPipesRdsIamAccess as `access`, or its `clickPipeSource` output as `source`.");
  if (args.access !== undefined && !pulumi.ComponentResource.isInstance(args.access)) fail(`\`access\` is ${kindOf(args.access)}; pass a ClickPipesRdsIamAccess.`);
  // The pipe depends on all of `access`, its children included: as one of them it would wait for itself.
  if (args.access !== undefined && opts.parent === args.access) fail("`access` cannot also be the pipe's `parent`, since the pipe waits for everything under `access`; give the pipe another parent.");
  if (!isRecord(args.destination)) fail(`${named("destination", args.destination)} is ${kindOf(args.destination)}, not an object; pass { database: "default" }.`);
  // Checked now when plain, in this order, before the Inputs below.
  const stopped = checkedInput(args.stopped, false, (v) => {
    if (typeof v !== "boolean") fail(`${named("stopped", v)} is ${kindOf(v)}; use true or false.`);
  });
  if (args.resyncTrigger !== undefined) validateArgType("resyncTrigger", args.resyncTrigger, { type: "input-string" });
  const waitTimeoutMinutes = args.waitTimeoutMinutes ?? DEFAULT_WAIT_TIMEOUT_MINUTES;
  validateWaitTimeout(waitTimeoutMinutes);
  const service = args.service;
  return {
    service: {
      organizationId: checkedInput(service.organizationId, undefined, (v) => validateCloudId("service.organizationId", v, "organization")),
      serviceId: checkedInput(service.serviceId, undefined, (v) => validateCloudId("service.serviceId", v, "service")),
      apiKeyId: service.apiKeyId,
      apiKeySecret: service.apiKeySecret,
      apiUrl: checkedInput(service.apiUrl, DEFAULT_API_URL, (v) => {
        requireText("service.apiUrl", v, `the API's base URL, such as ${quoted(DEFAULT_API_URL)}`);
        validateApiUrl("service.apiUrl", v as string);
      }),
    },
    source: checkedInput(args.access?.clickPipeSource ?? args.source, undefined, validateClickPipeSource),
    pipeName: checkedInput(args.pipeName, name, validatePipeName),
    tableMappings: checkedInput(args.tableMappings, undefined, validateTableMappings),
    destinationDatabase: checkedInput(args.destination.database, undefined, (v) => requireText("destination.database", v, "the ClickHouse database the tables go to, such as \"default\"")),
    stopped,
    resyncTrigger: args.resyncTrigger,
    waitTimeoutMinutes,
  };
}
