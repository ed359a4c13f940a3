/**
 * The stack's outputs, as `pulumi stack output --json --show-secrets` prints them: one component's
 * (`roleArn`, `dbUserArn`, `clickPipeSource`, …), a map of components by name, or the
 * `multiple-databases` example's maps of each output by component name (`roleArns`,
 * `clickPipeSources`, `setupSql`). Pure.
 */
import { UsageError } from "../io";

/** The `clickPipeSource` output, as far as the doctor reads it. */
export interface ClickPipeSourceOutput {
  type?: string;
  host?: string;
  port?: number;
  database?: string;
  iamRole?: string;
  credentials?: { username?: string };
  settings?: { replicationMode?: string; publicationName?: string; replicationMechanism?: string };
}

/** One component's outputs; every field optional (older stacks, hand-written files). */
export interface StackOutputs {
  roleArn?: string;
  roleName?: string;
  dbUserArn?: string;
  resourceId?: string;
  host?: string;
  port?: number;
  dbUsername?: string;
  clickPipeSource?: ClickPipeSourceOutput;
  pipeModes?: string[];
  setupSql?: string;
}

const STRING_FIELDS = ["roleArn", "roleName", "dbUserArn", "resourceId", "host", "dbUsername", "setupSql"] as const;
const OUTPUT_FIELDS: readonly string[] = [...STRING_FIELDS, "port", "clickPipeSource", "pipeModes"];

/** What Pulumi prints for a secret without `--show-secrets`. */
const SECRET_PLACEHOLDER = "[secret]";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function looksLikeComponent(v: unknown): v is Record<string, unknown> {
  return isObject(v) && ("roleArn" in v || "clickPipeSource" in v || "dbUserArn" in v);
}

/** The output a key of the per-output maps stands for: `roleArns` → `roleArn`, `setupSql` → `setupSql`. */
function fieldOfMapKey(key: string): string | undefined {
  if (OUTPUT_FIELDS.includes(key)) return key;
  if (key.endsWith("s") && OUTPUT_FIELDS.includes(key.slice(0, -1))) return key.slice(0, -1);
  return undefined;
}

/** Components by name, from either map shape; empty when the object is neither. */
function componentsOf(o: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(o)) if (looksLikeComponent(value)) out.set(name, value);
  if (out.size > 0) return out;
  // The per-output maps: { roleArns: { orders: "arn…" }, clickPipeSources: { orders: {…} } }.
  for (const [key, value] of Object.entries(o)) {
    const field = fieldOfMapKey(key);
    if (field === undefined || !isObject(value)) continue;
    for (const [name, v] of Object.entries(value)) {
      const c = out.get(name) ?? {};
      c[field] = v;
      out.set(name, c);
    }
  }
  return out;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function refuseSecret(field: string, v: unknown): void {
  if (v === SECRET_PLACEHOLDER) {
    throw new UsageError(`The outputs hide \`${field}\` as "[secret]"; run \`pulumi stack output --json --show-secrets\`.`);
  }
}

/** Checks the types of one component's outputs and returns them typed. */
function typed(o: Record<string, unknown>, where: string): StackOutputs {
  const out: StackOutputs = {};
  for (const field of STRING_FIELDS) {
    const v = o[field];
    if (v === undefined || v === null) continue;
    refuseSecret(field, v);
    if (typeof v !== "string") throw new UsageError(`\`${field}\`${where} is ${typeName(v)}, not a string.`);
    out[field] = v;
  }
  if (o.port !== undefined && o.port !== null) {
    refuseSecret("port", o.port);
    const port = typeof o.port === "string" && /^\d+$/.test(o.port) ? Number(o.port) : o.port;
    if (typeof port !== "number" || !Number.isInteger(port)) throw new UsageError(`\`port\`${where} is ${typeName(o.port)}, not a port number.`);
    out.port = port;
  }
  if (o.clickPipeSource !== undefined && o.clickPipeSource !== null) {
    refuseSecret("clickPipeSource", o.clickPipeSource);
    if (!isObject(o.clickPipeSource)) throw new UsageError(`\`clickPipeSource\`${where} is ${typeName(o.clickPipeSource)}, not an object.`);
    out.clickPipeSource = o.clickPipeSource as ClickPipeSourceOutput;
  }
  if (o.pipeModes !== undefined && o.pipeModes !== null) {
    if (!Array.isArray(o.pipeModes) || !o.pipeModes.every((m) => typeof m === "string")) throw new UsageError(`\`pipeModes\`${where} is not a list of strings.`);
    out.pipeModes = o.pipeModes as string[];
  }
  return out;
}

/** The parsed outputs, and the component they belong to (for a map). */
export interface SelectedOutputs {
  outputs: StackOutputs;
  component?: string;
}

/**
 * Parses the outputs JSON and picks one component: the only one, or `component`.
 * @throws UsageError for text that is not such outputs, or an ambiguous or unknown component.
 */
export function parseStackOutputs(text: string, component?: string): SelectedOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new UsageError(`The stack outputs are not JSON (${detail}); pipe \`pulumi stack output --json --show-secrets\` in, or pass \`--file\`.`);
  }
  if (!isObject(parsed)) throw new UsageError(`The stack outputs are ${typeName(parsed)}, not a JSON object; pipe \`pulumi stack output --json --show-secrets\` in.`);
  if (looksLikeComponent(parsed)) {
    if (component !== undefined) throw new UsageError(`\`--component\` "${component}" was given, but the outputs are those of a single component; leave \`--component\` out.`);
    return { outputs: typed(parsed, "") };
  }
  const components = componentsOf(parsed);
  const names = [...components.keys()];
  if (names.length === 0) {
    throw new UsageError("The stack outputs name no `roleArn`, `dbUserArn` or `clickPipeSource`; are they the outputs of a stack with a ClickPipesRdsIamAccess component?");
  }
  const listed = names.map((n) => `"${n}"`).join(", ");
  if (component === undefined) {
    if (names.length > 1) throw new UsageError(`The stack outputs hold ${names.length} components (${listed}); choose one with \`--component NAME\`.`);
    return { outputs: typed(components.get(names[0]) ?? {}, ` of component "${names[0]}"`), component: names[0] };
  }
  const chosen = components.get(component);
  if (chosen === undefined) throw new UsageError(`\`--component\` "${component}" is not in the stack outputs; choose one of ${listed}.`);
  return { outputs: typed(chosen, ` of component "${component}"`), component };
}

function unquotePg(quoted: string): string {
  return quoted.slice(1, -1).replace(/""/g, '"');
}

/** PostgreSQL `setupSql`: the database its first line names. */
export function databaseFromSetupSql(sql: string): string | undefined {
  const m = /^-- connect to database ("(?:[^"]|"")*")$/m.exec(sql);
  return m === null ? undefined : unquotePg(m[1]);
}

/** PostgreSQL `setupSql`: the schemas it grants USAGE on, in order. */
export function schemasFromSetupSql(sql: string): string[] {
  return [...sql.matchAll(/^GRANT USAGE ON SCHEMA ("(?:[^"]|"")*") TO /gm)].map((m) => unquotePg(m[1]));
}

/** MySQL/MariaDB `setupSql`: the databases it grants SELECT on, in order (wildcard escapes undone). */
export function databasesFromSetupSql(sql: string): string[] {
  return [...sql.matchAll(/^GRANT SELECT ON (`(?:[^`]|``)*`)\.\* TO /gm)].map((m) => m[1].slice(1, -1).replace(/``/g, "`").replace(/\\([\\_%])/g, "$1"));
}
