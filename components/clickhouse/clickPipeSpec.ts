/**
 * What a ClickPipe is, as plain values, and what the ClickPipes API is asked to do with it: the
 * create and update bodies, the table-mapping delta, which changes replace the pipe, and which
 * pipe states mean done, failed or still busy. Pure functions; part of the serialized provider,
 * so it imports nothing at run time.
 *
 * Field names and rules: OpenAPI spec for ClickHouse Cloud 1.0 (ClickPipePostRequest,
 * ClickPipePatchPostgresSource, ClickPipePatchMySQLSource, ClickPipe.state) and
 * ClickHouse/terraform-provider-clickhouse v3.25.3 internal/api/clickpipe.go (state constants),
 * internal/service/clickhouse/resource/clickpipe.go (`Update`: mapping add/remove keyed by source
 * table, pause before a mapping edit, `getStateCheckFunc`: a DB pipe is done at Running or
 * Snapshot, a snapshot-only pipe at Completed or Snapshot). See clickpipeRequest.schema.json.
 */
import type { ClickPipeSource } from "../clickpipe";

/** Table engines ClickPipes creates target tables with. */
export const TABLE_ENGINES = ["MergeTree", "ReplacingMergeTree", "Null"] as const;
export type TableEngine = (typeof TABLE_ENGINES)[number];

/** One source table and the ClickHouse table it is copied into (the API's `tableMappings` item). */
export interface ClickPipeTableMapping {
  /** PostgreSQL schema, or MySQL/MariaDB database, of the source table. */
  sourceSchemaName: string;
  sourceTable: string;
  /** Table in `destinationDatabase`; ClickPipes creates it. */
  targetTable: string;
  excludedColumns?: string[];
  useCustomSortingKey?: boolean;
  sortingKeys?: string[];
  tableEngine?: TableEngine;
  /** Column used to split the initial load. */
  partitionKey?: string;
}

/** The provider's inputs, resolved. */
export interface ClickPipeInputs {
  organizationId: string;
  serviceId: string;
  apiKeyId: string;
  /** Secret: registered with `pulumi.secret` and `additionalSecretOutputs`. */
  apiKeySecret: string;
  apiUrl: string;
  pipeName: string;
  source: ClickPipeSource;
  tableMappings: ClickPipeTableMapping[];
  destinationDatabase: string;
  stopped: boolean;
  /** Any change of it (other than to undefined) resyncs the pipe. */
  resyncTrigger?: string;
  waitTimeoutMinutes: number;
}

/** The provider's state. */
export interface ClickPipeOutputs extends ClickPipeInputs {
  clickPipeId: string;
  /** The pipe's `state` as last seen. */
  state: string;
}

/** A ClickPipe as the API returns it (`GET …/clickpipes/{id}`), the fields read here. */
export interface ApiClickPipe {
  id: string;
  name?: string;
  state?: string;
  source?: { postgres?: ApiDbSource | null; mysql?: ApiDbSource | null };
  destination?: { database?: string };
}

interface ApiDbSource {
  type?: string;
  host?: string;
  port?: number;
  database?: string;
  authentication?: string;
  iamRole?: string;
  credentials?: { username?: string };
  settings?: Record<string, unknown>;
  tableMappings?: Array<Record<string, unknown>>;
}

/** `source.postgres` or `source.mysql`. */
export type SourceKind = "postgres" | "mysql";

/** The API's source types, by the object that carries them (ClickPipeMutate*Source.type). */
export const POSTGRES_SOURCE_TYPES: readonly string[] = ["postgres", "supabase", "neon", "alloydb", "planetscale", "rdspostgres", "aurorapostgres", "cloudsqlpostgres", "azurepostgres", "crunchybridge", "tigerdata"];
export const MYSQL_SOURCE_TYPES: readonly string[] = ["mysql", "rdsmysql", "auroramysql", "mariadb", "rdsmariadb"];

export function sourceKind(type: string): SourceKind {
  if (POSTGRES_SOURCE_TYPES.includes(type)) return "postgres";
  if (MYSQL_SOURCE_TYPES.includes(type)) return "mysql";
  throw new Error(`Unknown ClickPipe source type ${JSON.stringify(type)}.`);
}

/** Paths of the API, relative to the base URL. */
export function servicePath(organizationId: string, serviceId: string): string {
  return `/organizations/${encodeURIComponent(organizationId)}/services/${encodeURIComponent(serviceId)}`;
}
export function pipesPath(p: Pick<ClickPipeInputs, "organizationId" | "serviceId">): string {
  return `${servicePath(p.organizationId, p.serviceId)}/clickpipes`;
}
export function pipePath(p: Pick<ClickPipeInputs, "organizationId" | "serviceId">, id: string): string {
  return `${pipesPath(p)}/${encodeURIComponent(id)}`;
}

/** A copy without undefined fields, keys sorted: what two values are compared by. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** A mapping's identity: its source table. ClickPipes maps each source table once. */
export function mappingKey(m: Pick<ClickPipeTableMapping, "sourceSchemaName" | "sourceTable">): string {
  return `${m.sourceSchemaName}.${m.sourceTable}`;
}

/** The mapping as the API takes it: only the fields that are set. */
function mappingBody(m: ClickPipeTableMapping): ClickPipeTableMapping {
  return canonical(m) as ClickPipeTableMapping;
}

/** The `POST …/clickpipes` body. */
export function createRequest(p: ClickPipeInputs): Record<string, unknown> {
  const s = p.source;
  const kind = sourceKind(s.type);
  const source = {
    type: s.type,
    host: s.host,
    port: s.port,
    ...(kind === "postgres" ? { database: s.database } : {}),
    authentication: s.authentication,
    iamRole: s.iamRole,
    credentials: { username: s.credentials.username },
    settings: canonical(s.settings),
    tableMappings: p.tableMappings.map(mappingBody),
  };
  return { name: p.pipeName, source: { [kind]: source }, destination: { database: p.destinationDatabase } };
}

/** Mappings to add, to remove, and those whose options changed (which ClickPipes cannot edit). */
export interface MappingDelta {
  toAdd: ClickPipeTableMapping[];
  toRemove: ClickPipeTableMapping[];
  changed: Array<{ old: ClickPipeTableMapping; new: ClickPipeTableMapping }>;
}

export function mappingDelta(olds: readonly ClickPipeTableMapping[], news: readonly ClickPipeTableMapping[]): MappingDelta {
  const oldByKey = new Map(olds.map((m) => [mappingKey(m), m] as const));
  const newKeys = new Set(news.map(mappingKey));
  const delta: MappingDelta = { toAdd: [], toRemove: olds.filter((m) => !newKeys.has(mappingKey(m))), changed: [] };
  for (const m of news) {
    const old = oldByKey.get(mappingKey(m));
    if (old === undefined) delta.toAdd.push(m);
    else if (!sameValue(old, m)) delta.changed.push({ old, new: m });
  }
  return delta;
}

/** The fields of a mapping that differ, by name. */
function changedFields(a: ClickPipeTableMapping, b: ClickPipeTableMapping): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort() as Array<keyof ClickPipeTableMapping>;
  return keys.filter((k) => !sameValue(a[k], b[k]));
}

/**
 * Why a new list of mappings cannot be applied to an existing pipe, one message per mapping: a
 * source table listed twice, or an existing mapping whose options changed (the API edits
 * mappings only by adding and removing them, and refuses both for one table in one PATCH).
 */
export function mappingFailures(olds: readonly ClickPipeTableMapping[] | undefined, news: readonly ClickPipeTableMapping[]): string[] {
  const failures: string[] = [];
  const seen = new Set<string>();
  for (const m of news) {
    const key = mappingKey(m);
    if (seen.has(key)) failures.push(`\`tableMappings\` lists source table ${JSON.stringify(key)} twice; map each source table once.`);
    seen.add(key);
  }
  if (olds === undefined) return failures;
  for (const c of mappingDelta(olds, news).changed) {
    failures.push(
      `\`tableMappings\` changes ${changedFields(c.old, c.new).map((f) => `\`${f}\``).join(", ")} of source table ${JSON.stringify(mappingKey(c.new))}, which ClickPipes cannot edit on an existing mapping; remove the mapping and run \`pulumi up\`, then add it back changed (ClickPipes loads the table again).`,
    );
  }
  return failures;
}

/** Source fields the API updates in place (ClickPipePatchPostgresSource / ClickPipePatchMySQLSource). */
const PATCHABLE: Readonly<Record<SourceKind, ReadonlyArray<keyof ClickPipeSource>>> = {
  postgres: ["host", "port", "database", "credentials"],
  mysql: ["host", "port", "authentication", "iamRole", "credentials"],
};

/** Pulumi's marker, in a dynamic provider's inputs, for a value not known yet (a preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function hasUnknowns(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknowns);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasUnknowns);
  return false;
}

/**
 * Why a change replaces the pipe: the properties (top-level, as Pulumi shows them) that cannot be
 * updated. A value not known yet (a preview) that could need a replacement counts as one: the
 * diff is made again with the real values before anything is changed.
 */
export function replacedProperties(olds: ClickPipeInputs, news: ClickPipeInputs): string[] {
  const replaced: string[] = [];
  const differs = (a: unknown, b: unknown) => hasUnknowns(b) || !sameValue(a, b);
  if (differs(olds.organizationId, news.organizationId)) replaced.push("organizationId");
  if (differs(olds.serviceId, news.serviceId)) replaced.push("serviceId");
  const s = news.source as ClickPipeSource | typeof UNKNOWN;
  if (s === UNKNOWN || typeof s !== "object" || s === null || differs(olds.source.type, s.type)) {
    replaced.push("source");
  } else {
    const kind = sourceKind(s.type);
    const fixed = (Object.keys({ ...olds.source, ...s }) as Array<keyof ClickPipeSource>).filter((k) => !PATCHABLE[kind].includes(k));
    if (fixed.some((k) => differs(olds.source[k], s[k]))) replaced.push("source");
  }
  if (differs(olds.destinationDatabase, news.destinationDatabase)) replaced.push("destinationDatabase");
  return replaced;
}

/** The `PATCH …/clickpipes/{id}` body for what changed, or undefined when nothing the API holds changed. */
export function patchRequest(olds: ClickPipeInputs, news: ClickPipeInputs): Record<string, unknown> | undefined {
  const kind = sourceKind(news.source.type);
  const body: Record<string, unknown> = {};
  if (olds.pipeName !== news.pipeName) body.name = news.pipeName;
  const source: Record<string, unknown> = {};
  for (const k of PATCHABLE[kind]) {
    if (!sameValue(olds.source[k], news.source[k])) source[k] = k === "credentials" ? { username: news.source.credentials.username } : news.source[k];
  }
  const delta = mappingDelta(olds.tableMappings, news.tableMappings);
  if (delta.toAdd.length > 0) source.tableMappingsToAdd = delta.toAdd.map(mappingBody);
  if (delta.toRemove.length > 0) source.tableMappingsToRemove = delta.toRemove.map((m) => ({ sourceSchemaName: m.sourceSchemaName, sourceTable: m.sourceTable, targetTable: m.targetTable }));
  if (Object.keys(source).length > 0) body.source = { [kind]: source };
  return Object.keys(body).length > 0 ? body : undefined;
}

/** True when the PATCH edits table mappings: a CDC pipe must be paused for that. */
export function editsMappings(body: Record<string, unknown> | undefined): boolean {
  const source = (body?.source ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(source).some((s) => s.tableMappingsToAdd !== undefined || s.tableMappingsToRemove !== undefined);
}

/**
 * Pipe states (OpenAPI `ClickPipe.state`; Terraform provider internal/api/clickpipe.go). A DB
 * pipe reports `Paused` when stopped, a streaming pipe `Stopped`.
 */
export const FAILED_STATES: readonly string[] = ["Failed", "InternalError"];
export const STOPPED_STATES: readonly string[] = ["Paused", "Stopped"];
export const STOPPING_STATES: readonly string[] = ["Pausing", "Stopping"];

/** States in which a pipe has done what was asked: it runs (or, stopped, is paused). */
export function doneStates(mode: string, stopped: boolean): readonly string[] {
  if (stopped) return STOPPED_STATES;
  // The initial load can take hours: a pipe in Snapshot is working, as the Terraform provider treats it.
  return mode === "snapshot" ? ["Snapshot", "Completed", "Running"] : ["Snapshot", "Running"];
}

export type Progress = "done" | "failed" | "waiting";

export function progressOf(state: string, mode: string, stopped: boolean): Progress {
  if (doneStates(mode, stopped).includes(state)) return "done";
  if (FAILED_STATES.includes(state) && !stopped) return "failed";
  return "waiting";
}

/** The state command that moves a pipe in `state` towards what is wanted, if any. */
export function stateCommand(state: string, stopped: boolean): "start" | "stop" | undefined {
  if (stopped) return STOPPED_STATES.includes(state) || STOPPING_STATES.includes(state) ? undefined : "stop";
  // The API starts pipes that are stopped or failed ("Update ClickPipe state").
  return STOPPED_STATES.includes(state) || STOPPING_STATES.includes(state) || state === "Failed" ? "start" : undefined;
}

/** Inputs compared by the diff; the rest are outputs or not known to the API. */
const INPUT_KEYS: ReadonlyArray<keyof ClickPipeInputs> = [
  "organizationId", "serviceId", "apiKeyId", "apiKeySecret", "apiUrl", "pipeName", "source", "tableMappings", "destinationDatabase", "stopped", "resyncTrigger", "waitTimeoutMinutes",
];

/** The dynamic provider's diff: replace what the API cannot update, delete before create. */
export function diffClickPipe(olds: ClickPipeOutputs, news: ClickPipeInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = replacedProperties(olds, news);
  const changed = INPUT_KEYS.some((k) => hasUnknowns(news[k]) || !sameValue(olds[k], news[k]));
  // A pipe last seen failed, paused against the wishes, or still starting: the next `up` reconciles.
  const mode = hasUnknowns(news.source) ? olds.source.settings.replicationMode : news.source.settings.replicationMode;
  const stopped = hasUnknowns(news.stopped) ? olds.stopped : news.stopped;
  const unsettled = olds.state === undefined || progressOf(olds.state, mode, stopped) !== "done";
  // A second pipe on the same source and target tables is refused or doubles the data: the old one goes first.
  return { changes: changed || unsettled || replaces.length > 0, replaces, deleteBeforeReplace: true };
}

/** The state after a read: what the API reports, in the shape of the inputs (only fields they set). */
export function observed(olds: ClickPipeOutputs, pipe: ApiClickPipe): ClickPipeOutputs {
  const kind = sourceKind(olds.source.type);
  const src = pipe.source?.[kind] ?? undefined;
  const source: ClickPipeSource = { ...olds.source, settings: { ...olds.source.settings }, credentials: { ...olds.source.credentials } };
  if (src) {
    const fields: Array<"type" | "host" | "port" | "authentication" | "iamRole" | "database"> = ["type", "host", "port", "authentication", "iamRole", ...(kind === "postgres" ? (["database"] as const) : [])];
    for (const k of fields) {
      if (src[k] !== undefined && src[k] !== null) (source as unknown as Record<string, unknown>)[k] = src[k];
    }
    if (typeof src.credentials?.username === "string") source.credentials.username = src.credentials.username;
    // Only settings the inputs set: the API may report defaults the inputs leave out.
    for (const k of Object.keys(source.settings)) {
      const v = src.settings?.[k];
      if (v !== undefined && v !== null) (source.settings as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return {
    ...olds,
    pipeName: pipe.name ?? olds.pipeName,
    state: pipe.state ?? olds.state,
    destinationDatabase: pipe.destination?.database ?? olds.destinationDatabase,
    source,
    tableMappings: src?.tableMappings ? observedMappings(olds.tableMappings, src.tableMappings) : olds.tableMappings,
  };
}

/** The API's mappings, each with the fields of the input mapping for its table (or the three that identify it). */
function observedMappings(olds: readonly ClickPipeTableMapping[], live: ReadonlyArray<Record<string, unknown>>): ClickPipeTableMapping[] {
  const oldByKey = new Map(olds.map((m) => [mappingKey(m), m] as const));
  return live.map((l) => {
    const m = l as unknown as ClickPipeTableMapping;
    const old = oldByKey.get(mappingKey(m));
    const fields = Object.keys(old ?? { sourceSchemaName: 1, sourceTable: 1, targetTable: 1 }) as Array<keyof ClickPipeTableMapping>;
    return Object.fromEntries(fields.map((f) => [f, m[f] ?? old?.[f]]).filter(([, v]) => v !== undefined)) as unknown as ClickPipeTableMapping;
  });
}
