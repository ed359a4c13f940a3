/**
 * What the Pulumi CLI does with a project's `config:` schema (Pulumi.yaml) before it runs the
 * program, for the offline plan: a declared key the stack does not set gets its default (one
 * without a default is required), and every declared key's value is checked against its type and
 * `secret: true`. The messages are the CLI's own (pulumi/pulumi pkg/workspace/config.go,
 * `mergeConfig` and `validateStackConfigValue`). Keys the schema does not declare pass, as they do
 * in the CLI; the program refuses those of its own namespace (components/stackConfig.ts).
 *
 * Offline, a `secure:` value cannot be decrypted, so its type is not checked.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { StackFile, StackFileError, configString } from "./stackFile";

/** A declared key's type, as Pulumi.yaml writes it. */
export interface ProjectConfigType {
  type?: string;
  items?: { type: string; items?: ProjectConfigType["items"] };
  secret?: boolean;
  default?: unknown;
  value?: unknown;
}

/** A project's name and its config schema. */
export interface ProjectConfig {
  name: string;
  config: Record<string, ProjectConfigType>;
}

/** The project and its `config:` schema from `dir`/Pulumi.yaml. */
export function readProjectConfig(dir: string): ProjectConfig {
  const file = path.join(dir, "Pulumi.yaml");
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as { name?: unknown; config?: unknown } | null;
  if (typeof doc?.name !== "string") throw new StackFileError(`${file} has no project \`name\`.`);
  const config: Record<string, ProjectConfigType> = {};
  const raw = doc.config ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new StackFileError(`${file}: \`config\` is not a mapping.`);
  for (const [key, decl] of Object.entries(raw)) {
    // A bare value is the key's value (the short form); a mapping declares it.
    config[key] = typeof decl === "object" && decl !== null && !Array.isArray(decl) ? (decl as ProjectConfigType) : { value: decl };
  }
  return { name: doc.name, config };
}

/** The CLI's `formatMissingKeys`. */
function formatMissingKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}

/** The CLI's `InferFullTypeName`. */
function typeName(t: string, items: ProjectConfigType["items"]): string {
  return items === undefined ? t : `array<${typeName(items.type, items.items)}>`;
}

/**
 * The CLI's `ValidateConfigValue`. A scalar reaches it as the string the stack holds; a list or a
 * mapping as its structure.
 */
function validValue(t: string, items: ProjectConfigType["items"], value: unknown): boolean {
  switch (t) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return value === "true" || value === "false" || typeof value === "boolean";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((v) => validValue(items.type, items.items, v));
  }
}

/** A value as the CLI checks it: scalars as strings, lists and mappings as they are. */
function asChecked(value: unknown): unknown {
  return typeof value === "object" && value !== null ? value : configString(value);
}

/** `key` of Pulumi.yaml as a full config key: bare keys are in the project's namespace. */
function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * The stack config the program gets from `pulumi up`: declared defaults filled in, and checked as
 * the CLI checks it. Throws `StackFileError` with the CLI's message.
 */
export function applyProjectConfig(project: ProjectConfig, stackName: string, stack: StackFile): StackFile {
  const config = { ...stack.config };
  const raw = { ...stack.raw };
  const missing: string[] = [];
  const keys = Object.keys(project.config).sort();
  for (const key of keys) {
    const decl = project.config[key];
    const full = fullKey(project.name, key);
    if (Object.hasOwn(config, full)) continue;
    const fallback = decl.default !== undefined ? decl.default : decl.value;
    if (fallback === undefined) {
      if (full.startsWith(`${project.name}:`)) missing.push(key);
      continue;
    }
    config[full] = configString(fallback);
    raw[full] = fallback;
  }
  if (missing.length > 0) {
    throw new StackFileError(`Stack '${stackName}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissingKeys(missing)}`);
  }
  for (const key of keys) {
    const decl = project.config[key];
    const full = fullKey(project.name, key);
    if (decl.type === undefined || !Object.hasOwn(config, full)) continue;
    const secure = stack.secretKeys.includes(full);
    if (decl.secret === true && !secure) throw new StackFileError(`Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`);
    if (!secure && !validValue(decl.type, decl.items, asChecked(raw[full]))) {
      throw new StackFileError(`Stack '${stackName}' with configuration key '${key}' must be of type '${typeName(decl.type, decl.items)}'`);
    }
  }
  return { ...stack, config, raw };
}
