/**
 * The plugin's `pulumi.provider.Provider`: the custom resources `clickpipes-rds-iam:index:<Kind>`
 * (`IamAuthEnablement`, `MariaDbIamUser` and `ClickPipe`, in the schema for direct use;
 * `CdcReadiness` and `PostgresPublication`, children of the component only), served by the same
 * CRUD functions as the npm package's dynamic resources (`components/providers.ts`,
 * `dynamicProvider(kind)`), after the checks and defaults of the TypeScript classes (`prepare`).
 *
 * The adapter between the two shapes:
 * - Pulumi's provider methods get the URN (the type is its last type segment) and wrapped values
 *   (see `rpcValues.ts`); the dynamic-provider functions get plain values and no URN.
 * - Secrets: inputs are unwrapped, and every output whose input was secret, or that the resource
 *   declares secret (`adminPassword`), is wrapped again, once.
 * - Preview: with any unknown input, `check` returns the inputs as they came (the dynamic-provider
 *   checks would reject the unknown sentinel as a value) and `diff` reports a change, and a
 *   replacement where an unknown input is one the resource's own diff replaces on (`previewDiff`).
 * - A `read` that returns no id (the resource is gone) returns an empty id, which the engine reads
 *   as "deleted".
 *
 * - State written by the npm package's dynamic resources (a stack that moved to a generated SDK:
 *   the children's alias maps the old resources onto these) carries the serialized dynamic
 *   provider as `__provider`; it is dropped from old inputs and outputs before the CRUD sees them.
 *
 * `construct` builds the component `ClickPipesRdsIamAccess` with these custom resources as its
 * children (construct.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { IAM_AUTH_MODES } from "../components/iamAuthProvider";
import { CDC_CHECK_MODES } from "../components/cdcArgs";
import { validateAwsCredentials, validateBoolean, validateChoice, validateName, validateTimeoutMinutes } from "../components/aws/iamAuthArgs";
import { TLS_OFF_MESSAGE, ValidationError } from "../components/validation";
import { ClickPipeArgs, clickPipeInputsOf, normalizeClickPipeArgs } from "../components/clickhouse/clickPipeArgs";
import { PACKAGE_NAME, PLUGIN_RESOURCE_TYPES } from "../components/pluginResources";
import { CLICKPIPES_RDS_IAM_ACCESS_TYPE } from "../components/clickPipesRdsIamAccess";
import { PLUGIN_DOWNLOAD_URL, constructComponent } from "./construct";
import { DEFAULT_TIMEOUT_MINUTES, TARGET_KINDS } from "../components/iamAuthRds";
import { CompleteProvider, ProviderKind, dynamicProvider } from "../components/providers";
import { Unwrapped, unwrapProperties, wrapSecrets } from "./rpcValues";

export { PACKAGE_NAME, PLUGIN_DOWNLOAD_URL };

/** One custom resource of the plugin. */
export interface CustomResourceKind {
  /** The type token. */
  token: string;
  /** The kind `components/providers.ts` serves its CRUD under. */
  kind: ProviderKind;
  /** Properties that are always secret, in inputs and outputs. */
  secretProperties: readonly string[];
  /**
   * What the TypeScript resource class does before registering (defaults, validation, derived
   * inputs), which the dynamic provider does not: failures, and the inputs with defaults written out.
   */
  prepare(urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: pulumi.provider.CheckFailure[] };
}

type Failures = pulumi.provider.CheckFailure[];

function requireString(news: Record<string, unknown>, key: string, failures: Failures): void {
  if (typeof news[key] !== "string" || news[key] === "") failures.push({ property: key, reason: `${key} must be a non-empty string` });
}

function requireChoice(news: Record<string, unknown>, key: string, choices: readonly string[], failures: Failures): void {
  if (!choices.includes(news[key] as string)) failures.push({ property: key, reason: `${key} must be one of ${choices.map((c) => `"${c}"`).join(", ")}` });
}

function optionalType(news: Record<string, unknown>, key: string, type: "boolean" | "number" | "string", failures: Failures): void {
  if (news[key] !== undefined && typeof news[key] !== type) failures.push({ property: key, reason: `${key} must be a ${type}` });
}

/**
 * The consumer ID (its tag key's last part on the database) of an enabler a program in another
 * language declares directly: a hash of the resource's URN (project, stack, parent types, name),
 * stable across an interrupted create and its re-run. An enabler the component registers (npm path
 * or construct) arrives with the ID the TypeScript class computes (organization, project, stack,
 * parent URN, name), which is kept: the same component gets the same ID either way.
 */
export function consumerIdOfUrn(urn: string): string {
  return createHash("sha256").update(`plugin\n${urn}`).digest("hex").slice(0, 32);
}

/**
 * Runs one of the TypeScript classes' validators (components/aws/iamAuthArgs.ts,
 * components/clickhouse/clickPipeArgs.ts) on plain values, turning its refusal into a check
 * failure with the same message. Its property is `property`, or when that is empty the top-level
 * argument the message names first (`service` for "`service.apiKeyId` …").
 */
function validated(failures: Failures, property: string, validate: () => void): void {
  try {
    validate();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    failures.push({ property: property === "" ? (/`([A-Za-z]+)/.exec(e.message)?.[1] ?? "") : property, reason: e.message });
  }
}

function prepareIamAuthEnablement(urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failures } {
  // What IamAuthEnablement's constructor checks (components/iamAuth.ts), with its messages.
  const failures: Failures = [];
  const mode = news.mode ?? "enable";
  validated(failures, "targetKind", () => validateChoice("targetKind", news.targetKind, TARGET_KINDS));
  validated(failures, "identifier", () => validateName("identifier", news.identifier, "orders-db"));
  validated(failures, "region", () => validateName("region", news.region, "eu-west-1"));
  validated(failures, "mode", () => validateChoice("mode", mode, IAM_AUTH_MODES));
  if (news.restoreOnDelete !== undefined) validated(failures, "restoreOnDelete", () => validateBoolean("restoreOnDelete", news.restoreOnDelete));
  if (news.applyPendingModifications !== undefined) validated(failures, "applyPendingModifications", () => validateBoolean("applyPendingModifications", news.applyPendingModifications));
  if (news.timeoutMinutes !== undefined) validated(failures, "timeoutMinutes", () => validateTimeoutMinutes("timeoutMinutes", news.timeoutMinutes));
  if (news.awsCredentials !== undefined) validated(failures, "awsCredentials", () => validateAwsCredentials("awsCredentials", news.awsCredentials));
  optionalType(news, "targetArn", "string", failures);
  const inputs: Record<string, unknown> = {
    ...news,
    mode,
    restoreOnDelete: news.restoreOnDelete ?? false,
    timeoutMinutes: news.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES,
    applyPendingModifications: news.applyPendingModifications ?? false,
    consumerId: typeof news.consumerId === "string" ? news.consumerId : consumerIdOfUrn(urn),
    enabledSetting: true,
  };
  return { inputs, failures };
}

/** `tls: false` would send the admin password in clear text: refused, as the TypeScript classes refuse it. */
function refuseTlsOff(news: Record<string, unknown>, failures: Failures): void {
  if (news.tls === false) failures.push({ property: "tls", reason: TLS_OFF_MESSAGE });
}

function prepareMariaDbIamUser(_urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failures } {
  const failures: Failures = [];
  refuseTlsOff(news, failures);
  for (const key of ["host", "adminUsername", "adminPassword", "username"]) requireString(news, key, failures);
  if (typeof news.port !== "number" || !Number.isInteger(news.port) || news.port <= 0) failures.push({ property: "port", reason: "port must be a positive integer" });
  // An empty list is a user with no grants yet, as the TypeScript class and the component (which
  // warns about it) register it.
  if (!Array.isArray(news.databases) || news.databases.some((d) => typeof d !== "string" || d === "")) {
    failures.push({ property: "databases", reason: "databases must be a list of database names" });
  }
  for (const key of ["cdc", "adoptExistingUser", "tls", "tlsVerify"]) optionalType(news, key, "boolean", failures);
  for (const key of ["resourceId", "tlsCa"]) optionalType(news, key, "string", failures);
  return { inputs: { ...news, cdc: news.cdc ?? false, tls: news.tls ?? true }, failures };
}

/** The admin connection's inputs, as the readiness check and the publication take them. */
function prepareAdminConnection(news: Record<string, unknown>, failures: Failures): void {
  refuseTlsOff(news, failures);
  for (const key of ["host", "adminUsername", "adminPassword"]) requireString(news, key, failures);
  if (typeof news.port !== "number" || !Number.isInteger(news.port) || news.port <= 0) failures.push({ property: "port", reason: "port must be a positive integer" });
  for (const key of ["tls", "tlsVerify"]) optionalType(news, key, "boolean", failures);
  optionalType(news, "tlsCa", "string", failures);
}

function requireObject(news: Record<string, unknown>, key: string, failures: Failures): void {
  const v = news[key];
  if (v === null || typeof v !== "object" || Array.isArray(v)) failures.push({ property: key, reason: `${key} must be an object` });
}

/** The CDC readiness check: registered by the component (construct), not meant to be used on its own. */
function prepareCdcReadiness(_urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failures } {
  const failures: Failures = [];
  prepareAdminConnection(news, failures);
  optionalType(news, "database", "string", failures);
  requireObject(news, "target", failures);
  requireObject(news, "check", failures);
  requireChoice(news, "mode", CDC_CHECK_MODES, failures);
  return { inputs: { ...news, database: news.database ?? "", tls: news.tls ?? true }, failures };
}

/** The PostgreSQL publication: registered by the component (construct), not meant to be used on its own. */
function preparePostgresPublication(_urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failures } {
  const failures: Failures = [];
  prepareAdminConnection(news, failures);
  requireString(news, "database", failures);
  requireString(news, "publicationName", failures);
  requireObject(news, "scope", failures);
  optionalType(news, "resourceId", "string", failures);
  optionalType(news, "publishViaPartitionRoot", "boolean", failures);
  return { inputs: { ...news, tls: news.tls ?? true }, failures };
}

/**
 * The ClickPipe, as programs in other languages declare it (the schema's `ClickPipe`): the
 * TypeScript class's arguments without `access` (a component cannot be read by a provider; give
 * its `clickPipeSource` as `source` and the component in `dependsOn`), checked and defaulted by the
 * class's own `normalizeClickPipeArgs`, and flattened into the operations' inputs
 * (components/clickhouse/clickPipeSpec.ts `ClickPipeInputs`), which is what the state holds.
 */
function prepareClickPipe(urn: string, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failures } {
  const failures: Failures = [];
  if (news.access !== undefined) failures.push({ property: "access", reason: "`access` is not an input of the plugin's ClickPipe; give the access's `clickPipeSource` output as `source`, and the access in `dependsOn`." });
  if (news.source === undefined) failures.push({ property: "source", reason: "`source` is missing; give the `clickPipeSource` output of a ClickPipesRdsIamAccess." });
  if (failures.length > 0) return { inputs: news, failures };
  let inputs: Record<string, unknown> = news;
  validated(failures, "", () => {
    // Plain values in, plain values out (undefined ones are dropped when answered).
    inputs = clickPipeInputsOf(normalizeClickPipeArgs(nameOfUrn(urn), news as unknown as ClickPipeArgs));
  });
  return { inputs, failures };
}

export const IAM_AUTH_ENABLEMENT = PLUGIN_RESOURCE_TYPES.iamAuthEnablement;
export const MARIADB_IAM_USER = PLUGIN_RESOURCE_TYPES.mariaDbIamUser;
export const CDC_READINESS = PLUGIN_RESOURCE_TYPES.cdcReadiness;
export const POSTGRES_PUBLICATION = PLUGIN_RESOURCE_TYPES.postgresPublication;
export const CLICK_PIPE = PLUGIN_RESOURCE_TYPES.clickPipe;
export const COMPONENT = CLICKPIPES_RDS_IAM_ACCESS_TYPE;

/** The custom resources the plugin serves, by type token. */
export const CUSTOM_RESOURCES: Readonly<Record<string, CustomResourceKind>> = {
  [IAM_AUTH_ENABLEMENT]: { token: IAM_AUTH_ENABLEMENT, kind: "iamAuthEnablement", secretProperties: [], prepare: prepareIamAuthEnablement },
  [MARIADB_IAM_USER]: { token: MARIADB_IAM_USER, kind: "mariaDbIamUser", secretProperties: ["adminPassword"], prepare: prepareMariaDbIamUser },
  [CDC_READINESS]: { token: CDC_READINESS, kind: "cdcReadiness", secretProperties: ["adminPassword"], prepare: prepareCdcReadiness },
  [POSTGRES_PUBLICATION]: { token: POSTGRES_PUBLICATION, kind: "postgresPublication", secretProperties: ["adminPassword"], prepare: preparePostgresPublication },
  // `service` too: as given (refused, or at preview before the check), it holds the key secret.
  [CLICK_PIPE]: { token: CLICK_PIPE, kind: "clickPipe", secretProperties: ["apiKeySecret", "service"], prepare: prepareClickPipe },
};

/** What an input not known yet stands for in a preview diff: a value no real input equals. */
const UNKNOWN_PROBE = "\u0000(unknown at preview)";

/** The key under which a dynamic resource's state holds its serialized provider. */
const DYNAMIC_PROVIDER_KEY = "__provider";

/**
 * Old inputs or outputs as the engine holds them, unwrapped, without the serialized provider that
 * a dynamic resource's state (the npm path's, before a move to a generated SDK) carries.
 */
function unwrapState(props: unknown): Unwrapped {
  if (props === null || typeof props !== "object" || !(DYNAMIC_PROVIDER_KEY in props)) return unwrapProperties(props);
  const { [DYNAMIC_PROVIDER_KEY]: _dropped, ...rest } = props as Record<string, unknown>;
  return unwrapProperties(rest);
}

/** The component's outputs: its properties in the schema. */
export function componentOutputNames(schema: string): string[] {
  const parsed = JSON.parse(schema) as { resources?: Record<string, { properties?: Record<string, unknown> }> };
  const properties = parsed.resources?.[COMPONENT]?.properties;
  if (properties === undefined) throw new Error(`The plugin's schema has no ${COMPONENT}; regenerate it with \`npm run schema\`.`);
  return Object.keys(properties);
}

/** The resource name of a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) throw new Error(`Not a Pulumi URN: ${urn}`);
  return parts.slice(3).join("::");
}

/** The type token of a URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) throw new Error(`Not a Pulumi URN: ${urn}`);
  const qualified = parts[2];
  return qualified.split("$").pop() as string;
}

/** The resource kind a URN names, or an error naming the types the plugin serves. */
export function resourceKindOf(urn: string): CustomResourceKind {
  const type = typeOfUrn(urn);
  const kind = CUSTOM_RESOURCES[type];
  if (kind === undefined) {
    throw new Error(`unknown resource type ${type}: the ${PACKAGE_NAME} plugin serves ${Object.keys(CUSTOM_RESOURCES).join(", ")}`);
  }
  return kind;
}

/** The committed schema, next to this file (source) or copied beside the build. */
export function readSchema(dir: string = __dirname): string {
  for (const candidate of [path.join(dir, "schema.json"), path.join(dir, "..", "..", "schema.json")]) {
    if (fs.existsSync(candidate)) return fs.readFileSync(candidate, "utf8");
  }
  throw new Error(`schema.json not found beside ${dir}`);
}

/** The plugin's version: its package.json's. */
export function pluginVersion(dir: string = __dirname): string {
  for (const candidate of [path.join(dir, "package.json"), path.join(dir, "..", "..", "package.json")]) {
    if (fs.existsSync(candidate)) return (JSON.parse(fs.readFileSync(candidate, "utf8")) as { version: string }).version;
  }
  throw new Error(`package.json not found beside ${dir}`);
}

/** Looks up the CRUD functions; injectable for tests. */
export type OperationsLookup = (kind: ProviderKind) => CompleteProvider;

/**
 * An operation's error that carries `id` and `properties` (a partial create or update: the SDK's
 * server records them as the resource's state, "failed to initialize") gets its properties' secrets
 * wrapped, as the outputs of a successful call would be.
 */
async function wrappingInitErrors<T>(secrets: readonly string[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const e = err as { id?: unknown; properties?: unknown };
    if (err instanceof Error && typeof e.id === "string" && e.id !== "" && e.properties !== null && typeof e.properties === "object") {
      e.properties = wrapSecrets(e.properties as Record<string, unknown>, secrets);
    }
    throw err;
  }
}

export class ClickPipesRdsIamProvider implements pulumi.provider.Provider {
  readonly version: string;
  readonly schema: string;
  /** The component's outputs, read from the schema at the first construct. */
  private outputNames?: string[];

  constructor(
    opts: { version?: string; schema?: string; operations?: OperationsLookup } = {},
    private readonly operations: OperationsLookup = opts.operations ?? ((kind) => dynamicProvider(kind)),
  ) {
    this.version = opts.version ?? pluginVersion();
    this.schema = opts.schema ?? readSchema();
  }

  async getSchema(): Promise<string> {
    return this.schema;
  }

  async check(urn: string, olds: unknown, news: unknown): Promise<pulumi.provider.CheckResult> {
    const kind = resourceKindOf(urn);
    const n = unwrapProperties(news);
    const secrets = [...n.secrets, ...kind.secretProperties];
    if (n.unknowns.size > 0) {
      // Preview with inputs not known yet: the resource's own check would judge the sentinel.
      return { inputs: wrapSecrets(n.value, secrets) };
    }
    const prepared = kind.prepare(urn, n.value);
    if (prepared.failures.length > 0) return { inputs: wrapSecrets(n.value, secrets), failures: prepared.failures };
    const o = unwrapState(olds);
    const result = await this.operations(kind.kind).check(o.value, prepared.inputs);
    return {
      inputs: wrapSecrets((result.inputs ?? prepared.inputs) as Record<string, unknown>, secrets),
      ...(result.failures === undefined || result.failures.length === 0 ? {} : { failures: result.failures.map((f) => ({ property: f.property, reason: f.reason })) }),
    };
  }

  async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumi.provider.DiffResult> {
    const kind = resourceKindOf(urn);
    const n = unwrapProperties(news);
    const o = unwrapState(olds);
    if (n.unknowns.size > 0) return this.previewDiff(kind, id, o.value, n);
    const result = await this.operations(kind.kind).diff(id, o.value, n.value);
    return {
      ...(result.changes === undefined ? {} : { changes: result.changes }),
      ...(result.replaces === undefined ? {} : { replaces: result.replaces }),
      ...(result.stables === undefined ? {} : { stables: result.stables }),
      ...(result.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: result.deleteBeforeReplace }),
    };
  }

  /**
   * The diff at preview with inputs not known yet: a change, and a replacement where an unknown
   * input is one whose change replaces the resource (as Terraform shows "forces replacement" for a
   * value known only after apply). The resource's own diff decides which inputs those are: it is
   * run with every unknown input set to a value that equals nothing, and the replacements it
   * reports (on an unknown input, or caused by a known change) are the answer. A diff that cannot
   * judge such a value (it throws) gives a plain change.
   */
  private async previewDiff(kind: CustomResourceKind, id: string, olds: Record<string, unknown>, n: Unwrapped): Promise<pulumi.provider.DiffResult> {
    const probe: Record<string, unknown> = { ...n.value };
    for (const key of n.unknowns) probe[key] = UNKNOWN_PROBE;
    try {
      const result = await this.operations(kind.kind).diff(id, olds, probe);
      const replaces = result.replaces ?? [];
      if (replaces.length === 0) return { changes: true };
      return { changes: true, replaces, ...(result.deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace: result.deleteBeforeReplace }) };
    } catch {
      return { changes: true };
    }
  }

  async create(urn: string, inputs: unknown): Promise<pulumi.provider.CreateResult> {
    const kind = resourceKindOf(urn);
    const i = unwrapProperties(inputs);
    const secrets = [...i.secrets, ...kind.secretProperties];
    const result = await wrappingInitErrors(secrets, () => this.operations(kind.kind).create(i.value));
    return { id: result.id, outs: wrapSecrets(result.outs as Record<string, unknown>, secrets) };
  }

  async read(id: string, urn: string, props?: unknown): Promise<pulumi.provider.ReadResult> {
    const kind = resourceKindOf(urn);
    const p = unwrapState(props);
    const result = await this.operations(kind.kind).read(id, p.value);
    if (result.id === undefined || result.id === "") return { id: "", props: {} };
    return { id: result.id, props: wrapSecrets(result.props as Record<string, unknown>, [...p.secrets, ...kind.secretProperties]) };
  }

  async update(id: string, urn: string, olds: unknown, news: unknown): Promise<pulumi.provider.UpdateResult> {
    const kind = resourceKindOf(urn);
    const o = unwrapState(olds);
    const n = unwrapProperties(news);
    const secrets = [...n.secrets, ...kind.secretProperties];
    const result = await wrappingInitErrors(secrets, () => this.operations(kind.kind).update(id, o.value, n.value));
    return { outs: wrapSecrets((result.outs ?? n.value) as Record<string, unknown>, secrets) };
  }

  async delete(id: string, urn: string, props: unknown): Promise<void> {
    const kind = resourceKindOf(urn);
    await this.operations(kind.kind).delete(id, unwrapState(props).value);
  }

  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
    if (type !== COMPONENT) throw new Error(`unknown component type ${type}: the ${PACKAGE_NAME} plugin constructs ${COMPONENT}`);
    return constructComponent(name, inputs, options, { version: this.version, pluginDownloadURL: PLUGIN_DOWNLOAD_URL }, (this.outputNames ??= componentOutputNames(this.schema)));
  }
}
