/**
 * Turns `ClickPipesRdsIamAccessArgs` into checked, defaulted values before anything is
 * registered. Everything that can be checked on plain values is checked here; what is only known
 * at deploy time (Outputs, the lookup) is checked by `validateResolvedArgs` and `target.ts`.
 */
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { tryParseArn } from "./arn";
import type { ClickPipesRdsIamAccessArgs } from "./clickPipesRdsIamAccess";
import { DEFAULT_DB_USERNAME, DEFAULT_POSTGRES_DATABASE, DEFAULT_POSTGRES_SCHEMAS, Engine } from "./engines";
import { TargetSpec } from "./target";
import { DEFAULT_TIMEOUT_MINUTES } from "./iamAuthRds";
import { CdcOptions, normalizeCdcArgs } from "./cdcArgs";
import { MAX_TIMEOUT_MINUTES, validateAwsCredentials, validateTimeoutMinutes } from "./aws/iamAuthArgs";
import { ClickHouseServiceArgs, validateClickHouseServiceArgs } from "./clickhouse/service";
import { clickhouseServiceRoleArn } from "./clickhouse/serviceRole";
import type { AwsCredentialSettings } from "./aws/credentials";
import {
  ArgType,
  RoleOptionValues,
  fail,
  isEventual,
  kindOf,
  named,
  quoted,
  show,
  unknownNameMessage,
  validateArgType,
  validateBoundaryPartition,
  validateClickhouseRoleArn,
  validateDbUsername,
  validateEngine,
  validateMyDatabases,
  validatePgDatabase,
  validatePgIdentifier,
  validateRdsIdentifier,
  validateRoleOptions,
  validateSamePartition,
  validateSchemas,
  validateTargetChoice,
} from "./validation";

/** Default wait for IAM auth to be applied, in minutes: the enabling resource's own default. */
export const DEFAULT_IAM_AUTH_TIMEOUT_MINUTES = DEFAULT_TIMEOUT_MINUTES;
/** Longest wait for IAM auth to be applied, in minutes: the enabling resource's own bound (a day). */
export const MAX_IAM_AUTH_TIMEOUT_MINUTES = MAX_TIMEOUT_MINUTES;

/**
 * The runtime type of every argument, checked for JavaScript callers before anything else. The
 * mapped type makes the compiler insist that a new argument is added here.
 */
export const ARG_TYPES: { readonly [K in keyof ClickPipesRdsIamAccessArgs]-?: ArgType } = {
  clickhouseRoleArn: { type: "input-string" },
  clickhouseService: { type: "own" },
  engine: { type: "own" },
  dbInstanceIdentifier: { type: "input-string" },
  dbClusterIdentifier: { type: "input-string" },
  instance: { type: "own" },
  cluster: { type: "own" },
  dbUsername: { type: "string", example: DEFAULT_DB_USERNAME },
  enableIamAuth: { type: "boolean" },
  restoreIamAuthOnDelete: { type: "boolean" },
  iamAuthTimeoutMinutes: { type: "number", example: DEFAULT_IAM_AUTH_TIMEOUT_MINUTES },
  applyPendingModifications: { type: "boolean" },
  awsCredentials: { type: "own" },
  createDbUser: { type: "boolean" },
  adminUsername: { type: "input-string" },
  adminPassword: { type: "input-string", secret: true },
  database: { type: "input-string" },
  schemas: { type: "string-list", example: DEFAULT_POSTGRES_SCHEMAS },
  tableOwner: { type: "input-string" },
  databases: { type: "string-list", example: ["shop"] },
  cdc: { type: "boolean" },
  tlsVerify: { type: "boolean" },
  tlsCa: { type: "input-string" },
  adoptExistingUser: { type: "boolean" },
  cdcChecks: { type: "string", example: "warn" },
  publicationName: { type: "string", example: "clickpipes" },
  createPublication: { type: "boolean" },
  publicationTables: { type: "string-list", example: ["public.orders"] },
  publicationAllTables: { type: "boolean" },
  replicationMechanism: { type: "string", example: "GTID" },
  binlogRetentionHours: { type: "number", example: 72 },
  roleName: { type: "string", example: "clickpipes-orders" },
  roleNamePrefix: { type: "string", example: "clickpipes-" },
  rolePath: { type: "string", example: "/clickpipes/" },
  permissionsBoundary: { type: "string", example: "arn:aws:iam::123456789012:policy/boundary" },
  maxSessionDuration: { type: "number", example: 3600 },
  tags: { type: "tags" },
};

/** The args after validation and defaults. */
export interface NormalizedArgs {
  engine: Engine;
  target: TargetSpec;
  /** As given: a plain value is already checked; an Output is checked by `validateResolvedArgs`. */
  clickhouseRoleArn: pulumi.Input<string>;
  dbUsername: string;
  /** `enableIamAuth` as given or defaulted (true). */
  enableIamAuth: boolean;
  /** Whether this component turns IAM auth on itself: identifier targets with `enableIamAuth`. */
  enablesIamAuth: boolean;
  /** IAM-auth arguments given for a managed target, where they have no effect. */
  ignoredIamAuthArgs: string[];
  restoreIamAuthOnDelete: boolean;
  iamAuthTimeoutMinutes: number;
  applyPendingModifications: boolean;
  /** Credentials of the IAM-auth enabler, if given (checked). */
  awsCredentials?: AwsCredentialSettings;
  createDbUser: boolean;
  adminUsername?: pulumi.Input<string>;
  /** Always a secret when set. */
  adminPassword?: pulumi.Output<string>;
  database: pulumi.Input<string>;
  schemas: readonly string[];
  tableOwner?: pulumi.Input<string>;
  databases: readonly string[];
  cdc: boolean;
  /** The CDC options: publication, replication mechanism, binlog retention, check mode. */
  cdcOptions: CdcOptions;
  /** TLS on the admin connections this package opens itself. */
  tls: { verify: boolean; ca?: pulumi.Input<string> };
  /** MariaDB: take over an existing IAM user. */
  adoptExistingUser: boolean;
  role: RoleOptionValues;
  /** A `postgresql` provider from the resource options or the parent, if any. */
  postgresProvider?: postgresql.Provider;
  /** A `mysql` provider from the resource options or the parent, if any. */
  mysqlProvider?: mysql.Provider;
}

const POSTGRES_ONLY = ["database", "schemas", "tableOwner", "publicationName", "createPublication", "publicationTables", "publicationAllTables"] as const;
const MYSQL_ONLY = ["databases", "replicationMechanism", "binlogRetentionHours"] as const;
/** Arguments only the MariaDB path uses. */
const MARIADB_ONLY = ["adoptExistingUser"] as const;

/**
 * Refuses a `tableOwner` that would lock the admin out: @pulumi/postgresql sets default privileges
 * by a non-superuser admin inside a temporary `GRANT <owner> TO <admin>`, and a role holding
 * `rds_iam` (the IAM user, or `rds_iam` itself) makes every member log in by IAM only.
 */
function validateTableOwner(tableOwner: string, dbUsername: string): void {
  if (tableOwner === dbUsername) {
    fail(`\`tableOwner\` ${quoted(tableOwner)} is the IAM database user; the admin would be made a member of it to set default privileges and then could no longer log in with its password, so name the role that creates the tables.`);
  }
  if (tableOwner === "rds_iam" || tableOwner.startsWith("rds_")) {
    fail(`\`tableOwner\` ${quoted(tableOwner)} is an RDS system role; the admin would be made a member of it (locking it out of password login if it holds rds_iam), so name the role that creates the tables.`);
  }
}

/** The message for a database user named like the admin. */
function adminIsDbUserMessage(dbUsername: string): string {
  return `\`dbUsername\` ${quoted(dbUsername)} is the admin user; IAM authentication would lock the admin out of password login, so choose another name.`;
}

/**
 * Finds a provider of package `pkg` that children of the component would use: `provider`,
 * `providers` (list or map), or one inherited from `parent`.
 */
export function findProvider<P extends pulumi.ProviderResource>(
  pkg: string,
  isInstance: (x: unknown) => x is P,
  opts: pulumi.ComponentResourceOptions,
): P | undefined {
  if (isInstance(opts.provider)) return opts.provider;
  const providers = opts.providers;
  if (Array.isArray(providers)) {
    const found = providers.find((p) => isInstance(p));
    if (found !== undefined) return found as P;
  } else if (providers !== undefined && isInstance(providers[pkg])) {
    return providers[pkg] as P;
  }
  const inherited = opts.parent?.getProvider(`${pkg}:index:Provider`);
  return isInstance(inherited) ? inherited : undefined;
}

/** Names of `pulumi.ComponentResourceOptions`, which belong in the third constructor argument. */
export const RESOURCE_OPTIONS = [
  "provider",
  "providers",
  "parent",
  "dependsOn",
  "protect",
  "aliases",
  "transformations",
  "transforms",
  "ignoreChanges",
  "retainOnDelete",
  "deletedWith",
  "hooks",
  "customTimeouts",
  "replaceOnChanges",
  "version",
  "pluginDownloadURL",
  "urn",
  "id",
] as const;

/** The message for a resource option passed among the arguments. */
export function resourceOptionMessage(option: string): string {
  return `\`${option}\` is a resource option, not an argument of ClickPipesRdsIamAccess; pass it in the resource options, the third constructor argument: \`new ClickPipesRdsIamAccess(name, args, { ${option}: … })\`.`;
}

/** Where a `postgresql` or `mysql` provider for the database user goes. */
const PROVIDER_OPTION = "in the resource options' `providers` (the third constructor argument)";

/**
 * The given arguments without `undefined` and `null` (JavaScript callers use both for "not
 * set"), after checking that `args` is an object with known keys of the right types. The
 * caller's object is not modified.
 */
export function presentArgs(args: unknown): ClickPipesRdsIamAccessArgs {
  const required = "pass an object with at least `clickhouseRoleArn`, `engine` and a target";
  if (args === undefined || args === null) fail(`No arguments are given; ${required}.`);
  if (typeof args !== "object" || Array.isArray(args) || isEventual(args)) {
    fail(`The arguments ${isEventual(args) ? "are" : `${show(args)} are`} ${kindOf(args)}, not an object; ${required}.`);
  }
  const known = Object.keys(ARG_TYPES);
  const present: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!Object.hasOwn(ARG_TYPES, key)) {
      if ((RESOURCE_OPTIONS as readonly string[]).includes(key)) fail(resourceOptionMessage(key));
      fail(unknownNameMessage(key, known, "an argument of ClickPipesRdsIamAccess", "argument names"));
    }
    if (value !== undefined && value !== null) present[key] = value;
  }
  for (const key of known as (keyof ClickPipesRdsIamAccessArgs)[]) {
    if (Object.hasOwn(present, key)) validateArgType(key, present[key], ARG_TYPES[key]);
  }
  return present as unknown as ClickPipesRdsIamAccessArgs;
}

/** Validates `args` and fills in defaults. Throws `ValidationError`. */
export function normalizeArgs(input: ClickPipesRdsIamAccessArgs, opts: pulumi.ComponentResourceOptions): NormalizedArgs {
  const args = presentArgs(input);
  validateEngine(args.engine);
  const engine = args.engine;
  if (args.clickhouseRoleArn !== undefined && args.clickhouseService !== undefined) fail("Only one of `clickhouseRoleArn` or `clickhouseService` can be provided.");
  if (args.clickhouseRoleArn === undefined && args.clickhouseService === undefined) {
    fail('`clickhouseRoleArn` is missing; copy "Service role ID (IAM)" from the ClickHouse service\'s Settings, or pass `clickhouseService` to look it up.');
  }
  if (args.clickhouseService !== undefined) validateClickHouseServiceArgs("clickhouseService", args.clickhouseService);
  if (typeof args.clickhouseRoleArn === "string") validateClickhouseRoleArn(args.clickhouseRoleArn);

  const target = targetSpec(args);
  if (engine === "mariadb" && (target.kind === "dbClusterIdentifier" || target.kind === "cluster")) {
    fail('`engine` "mariadb" has no Aurora cluster; use `dbInstanceIdentifier` or `instance` for RDS for MariaDB.');
  }

  const dbUsername = args.dbUsername ?? DEFAULT_DB_USERNAME;
  validateDbUsername(engine, dbUsername);
  if (args.adminUsername === dbUsername) fail(adminIsDbUserMessage(dbUsername));

  for (const key of engine === "postgres" ? MYSQL_ONLY : POSTGRES_ONLY) {
    if (args[key] !== undefined) {
      const uses = engine === "postgres" ? "PostgreSQL uses `database` and `schemas`" : "MySQL and MariaDB use `databases`";
      fail(`${named(key, args[key])} does not apply to engine ${quoted(engine)}; remove it, since ${uses}.`);
    }
  }
  const database = args.database ?? DEFAULT_POSTGRES_DATABASE;
  const schemas = [...(args.schemas ?? DEFAULT_POSTGRES_SCHEMAS)];
  const databases = [...(args.databases ?? [])];
  if (engine === "postgres") {
    if (typeof database === "string") validatePgDatabase(database);
    validateSchemas(schemas);
    if (typeof args.tableOwner === "string") {
      validatePgIdentifier("tableOwner", args.tableOwner);
      validateTableOwner(args.tableOwner, dbUsername);
    }
  } else {
    validateMyDatabases(engine, databases);
  }

  for (const key of MARIADB_ONLY) {
    if (engine !== "mariadb" && args[key] !== undefined) {
      fail(`${named(key, args[key])} does not apply to engine ${quoted(engine)}; remove it, since only the MariaDB user is created by this package's own code.`);
    }
  }
  const tlsVerify = args.tlsVerify ?? true;
  if (!tlsVerify && args.tlsCa !== undefined) fail("`tlsCa` is set but `tlsVerify` is false; remove one: a CA is used only to verify.");
  if (typeof args.tlsCa === "string" && !args.tlsCa.includes("-----BEGIN CERTIFICATE-----")) {
    fail("`tlsCa` is not a PEM certificate; pass the CA's PEM text, starting with -----BEGIN CERTIFICATE-----.");
  }
  const cdcOptions = normalizeCdcArgs(engine, args, dbUsername, schemas);
  const cdc = cdcOptions.cdc;

  const role: RoleOptionValues = {
    roleName: args.roleName,
    roleNamePrefix: args.roleNamePrefix,
    rolePath: args.rolePath,
    maxSessionDuration: args.maxSessionDuration,
    permissionsBoundary: args.permissionsBoundary,
  };
  validateRoleOptions(role);
  if (role.permissionsBoundary !== undefined && typeof args.clickhouseRoleArn === "string") {
    // Both plain: the role lives in the ClickHouse role's partition (checked against the database's at deploy time).
    const partition = tryParseArn(args.clickhouseRoleArn)?.partition;
    if (partition !== undefined) validateBoundaryPartition(role.permissionsBoundary, partition, "`clickhouseRoleArn`");
  }

  const timeout = args.iamAuthTimeoutMinutes ?? DEFAULT_IAM_AUTH_TIMEOUT_MINUTES;
  validateTimeoutMinutes("iamAuthTimeoutMinutes", timeout);

  if (args.awsCredentials !== undefined) validateAwsCredentials("awsCredentials", args.awsCredentials);

  const createDbUser = args.createDbUser ?? true;
  const postgresProvider = findProvider("postgresql", (x): x is postgresql.Provider => postgresql.Provider.isInstance(x), opts);
  const mysqlProvider = findProvider("mysql", (x): x is mysql.Provider => mysql.Provider.isInstance(x), opts);
  const hasAdmin = args.adminUsername !== undefined && args.adminPassword !== undefined;
  if ((args.adminUsername === undefined) !== (args.adminPassword === undefined)) {
    const [given, missing] = args.adminUsername === undefined ? ["adminPassword", "adminUsername"] : ["adminUsername", "adminPassword"];
    const neither = engine === "mariadb" ? "with `createDbUser: false`" : `and pass a \`${engine === "postgres" ? "postgresql" : "mysql"}\` provider ${PROVIDER_OPTION}`;
    fail(`\`${given}\` is set without \`${missing}\`; set both, or neither ${neither}.`);
  }
  if (createDbUser && !hasAdmin) {
    if (engine === "mariadb") {
      fail("`createDbUser` true needs `adminUsername` and `adminPassword` for MariaDB (a `mysql` provider cannot be used for MariaDB); set them, or set `createDbUser: false` and run `setupSql` by hand.");
    }
    const provider = engine === "postgres" ? postgresProvider : mysqlProvider;
    if (provider === undefined) {
      const pkg = engine === "postgres" ? "postgresql" : "mysql";
      fail(`\`createDbUser\` true needs \`adminUsername\` and \`adminPassword\` or a \`${pkg}\` provider; set them, pass a \`${pkg}\` provider ${PROVIDER_OPTION}, or set \`createDbUser: false\` and run \`setupSql\` by hand.`);
    }
  }

  const publication = cdcOptions.publication;
  if (createDbUser && !hasAdmin && publication?.create && publication.scope.kind === "schemas") {
    fail(
      "A publication of the `schemas` (`FOR TABLES IN SCHEMA`) needs `adminUsername` and `adminPassword`, since the `postgresql` provider cannot create one; set them, list the tables in `publicationTables`, or set `createPublication: false` and name an existing publication.",
    );
  }

  const enableIamAuth = args.enableIamAuth ?? true;
  const identifierTarget = target.kind === "dbInstanceIdentifier" || target.kind === "dbClusterIdentifier";
  return {
    engine,
    target,
    // A looked-up role is an Output: validateResolvedArgs checks it (and its partition) with the target.
    clickhouseRoleArn: args.clickhouseRoleArn ?? clickhouseServiceRoleArn(args.clickhouseService as ClickHouseServiceArgs),
    dbUsername,
    enableIamAuth,
    enablesIamAuth: identifierTarget && enableIamAuth,
    ignoredIamAuthArgs: identifierTarget ? [] : IAM_AUTH_ARGS.filter((k) => args[k] !== undefined),
    restoreIamAuthOnDelete: args.restoreIamAuthOnDelete ?? false,
    iamAuthTimeoutMinutes: timeout,
    applyPendingModifications: args.applyPendingModifications ?? false,
    ...(args.awsCredentials === undefined ? {} : { awsCredentials: args.awsCredentials }),
    createDbUser,
    adminUsername: args.adminUsername,
    adminPassword: args.adminPassword === undefined ? undefined : pulumi.secret(args.adminPassword),
    database,
    schemas,
    // Future tables created by the admin become readable unless another owner is named.
    tableOwner: args.tableOwner ?? args.adminUsername,
    databases,
    cdc,
    cdcOptions,
    tls: { verify: tlsVerify, ca: args.tlsCa },
    adoptExistingUser: args.adoptExistingUser ?? false,
    role,
    // A provider given by the caller wins over admin credentials only when no credentials are set.
    postgresProvider: hasAdmin ? undefined : postgresProvider,
    mysqlProvider: hasAdmin ? undefined : mysqlProvider,
  };
}

function targetSpec(args: ClickPipesRdsIamAccessArgs): TargetSpec {
  const which = validateTargetChoice(args);
  switch (which) {
    case "dbInstanceIdentifier":
    case "dbClusterIdentifier": {
      const identifier = args[which] as pulumi.Input<string>;
      if (typeof identifier === "string") validateRdsIdentifier(which, identifier);
      return { kind: which, identifier };
    }
    case "instance":
      if (!aws.rds.Instance.isInstance(args.instance)) {
        fail(`${named("instance", args.instance)} is ${kindOf(args.instance)}, not an aws.rds.Instance; pass the resource, or give an existing instance's identifier as \`dbInstanceIdentifier\`.`);
      }
      return { kind: "instance", resource: args.instance };
    case "cluster":
      if (!aws.rds.Cluster.isInstance(args.cluster)) {
        fail(`${named("cluster", args.cluster)} is ${kindOf(args.cluster)}, not an aws.rds.Cluster; pass the resource, or give an existing cluster's identifier as \`dbClusterIdentifier\`.`);
      }
      return { kind: "cluster", resource: args.cluster };
    default: {
      const unreachable: never = which;
      throw new Error(`Unknown target ${String(unreachable)}.`);
    }
  }
}

/** The arguments that may be Outputs and are checked once resolved. */
export interface ResolvedArgs {
  clickhouseRoleArn: unknown;
  database: unknown;
  tableOwner: unknown;
  adminUsername: unknown;
}

/** The Inputs `validateResolvedArgs` checks, for the component to resolve (`pulumi.output(resolvableArgs(a))`). */
export function resolvableArgs(a: NormalizedArgs): {
  clickhouseRoleArn: pulumi.Input<string>;
  database: pulumi.Input<string>;
  tableOwner: pulumi.Input<string> | undefined;
  adminUsername: pulumi.Input<string> | undefined;
} {
  return { clickhouseRoleArn: a.clickhouseRoleArn, database: a.database, tableOwner: a.tableOwner, adminUsername: a.adminUsername };
}

/**
 * The checks `normalizeArgs` cannot make on Outputs, made on their resolved values with the
 * target's partition. The component makes them in the same `apply` as the target checks, which
 * every child depends on, so that no child is created from a value that fails them.
 * Throws `ValidationError`.
 */
export function validateResolvedArgs(a: NormalizedArgs, r: ResolvedArgs, databasePartition: string): void {
  validateClickhouseRoleArn(r.clickhouseRoleArn);
  validateSamePartition(r.clickhouseRoleArn, databasePartition);
  if (a.role.permissionsBoundary !== undefined) validateBoundaryPartition(a.role.permissionsBoundary, databasePartition, "the database");
  // The admin first: `tableOwner` defaults to it, and a bad value is the argument the user set.
  if (r.adminUsername !== undefined) {
    validateArgType("adminUsername", r.adminUsername, ARG_TYPES.adminUsername);
    if (r.adminUsername === a.dbUsername) fail(adminIsDbUserMessage(a.dbUsername));
    if (a.engine === "postgres") validatePgIdentifier("adminUsername", r.adminUsername as string);
  }
  if (a.engine === "postgres") {
    validateArgType("database", r.database, ARG_TYPES.database);
    validatePgDatabase(r.database as string);
    if (r.tableOwner !== undefined && r.tableOwner !== r.adminUsername) {
      validateArgType("tableOwner", r.tableOwner, ARG_TYPES.tableOwner);
      validatePgIdentifier("tableOwner", r.tableOwner as string);
      validateTableOwner(r.tableOwner as string, a.dbUsername);
    }
  }
}

/** Arguments about turning IAM auth on, which only identifier targets use. */
const IAM_AUTH_ARGS = ["enableIamAuth", "restoreIamAuthOnDelete", "iamAuthTimeoutMinutes", "applyPendingModifications", "awsCredentials"] as const;

/**
 * Settings that are valid but probably not what the caller wants; the component logs each as a
 * warning (they do not stop the deploy).
 */
export function argWarnings(a: NormalizedArgs): string[] {
  const warnings: string[] = [];
  if (a.engine === "postgres" && a.createDbUser && a.tableOwner === undefined) {
    warnings.push(
      "`tableOwner` is not set and no `adminUsername` is given, so tables created later will not be readable by ClickPipes until granted; set `tableOwner` to the role that creates them.",
    );
  }
  for (const key of a.ignoredIamAuthArgs) {
    warnings.push(
      `\`${key}\` has no effect on a managed \`${a.target.kind}\`, which this component never modifies; set \`iamDatabaseAuthenticationEnabled: true\` on the resource itself.`,
    );
  }
  if (!a.tls.verify && (a.createDbUser || a.cdc)) {
    warnings.push(
      "`tlsVerify` is false: the admin password goes over TLS to whatever answers at the database's endpoint, unverified; set `tlsCa` to the CA that signed its certificate instead.",
    );
  }
  if (a.engine !== "postgres" && a.databases.length === 0) {
    warnings.push(
      "`databases` is empty, so the database user gets no SELECT grant and ClickPipes can read no table; list the databases ClickPipes should read.",
    );
  }
  return warnings;
}
