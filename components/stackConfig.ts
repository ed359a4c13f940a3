/**
 * Reads the deployable project's stack config (declared with types, descriptions and defaults in
 * Pulumi.yaml) into component args, as strictly as the TypeScript API takes them: a key the user
 * set is passed on, so that the component refuses it where it does not apply (another engine's
 * keys, CDC keys without `cdc`) with its own message; an unknown key and a plain-text
 * `adminPassword` are refused here.
 *
 * The Pulumi CLI hands the program every declared key, the Pulumi.yaml default filled in for those
 * the stack does not set (a declared key without a default would be required). So "set" means
 * "differs from the Pulumi.yaml default", and the defaults are chosen to mean "not set": empty
 * strings and lists, `false`, `0`, or the component's own default.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClickPipesRdsIamAccessArgs } from "./clickPipesRdsIamAccess";
import { DEFAULT_DB_USERNAME } from "./engines";
import { fail, quoted, unknownNameMessage } from "./validation";

/** A stack config key: its Pulumi.yaml type, and its default (absent: the key is required). */
export type StackConfigKey =
  | { readonly type: "string"; readonly default?: string }
  | { readonly type: "boolean"; readonly default: boolean }
  | { readonly type: "integer"; readonly default: number }
  | { readonly type: "string-list"; readonly default: readonly string[] };

/**
 * Every key of the project's stack config, each named as the component argument it sets, with the
 * type and default Pulumi.yaml declares (tests/stackConfig.spec.ts holds the two together).
 */
export const STACK_CONFIG_KEYS = {
  clickhouseRoleArn: { type: "string" },
  engine: { type: "string" },
  dbInstanceIdentifier: { type: "string", default: "" },
  dbClusterIdentifier: { type: "string", default: "" },
  dbUsername: { type: "string", default: DEFAULT_DB_USERNAME },
  enableIamAuth: { type: "boolean", default: true },
  restoreIamAuthOnDelete: { type: "boolean", default: false },
  applyPendingModifications: { type: "boolean", default: false },
  createDbUser: { type: "boolean", default: true },
  adminUsername: { type: "string", default: "" },
  adminPassword: { type: "string", default: "" },
  tlsVerify: { type: "boolean", default: true },
  database: { type: "string", default: "" },
  schemas: { type: "string-list", default: [] },
  databases: { type: "string-list", default: [] },
  adoptExistingUser: { type: "boolean", default: false },
  cdc: { type: "boolean", default: false },
  cdcChecks: { type: "string", default: "" },
  publicationName: { type: "string", default: "" },
  createPublication: { type: "boolean", default: true },
  publicationTables: { type: "string-list", default: [] },
  publicationAllTables: { type: "boolean", default: false },
  replicationMechanism: { type: "string", default: "" },
  binlogRetentionHours: { type: "integer", default: 0 },
  roleName: { type: "string", default: "" },
  rolePath: { type: "string", default: "" },
} as const satisfies { readonly [K in keyof ClickPipesRdsIamAccessArgs]?: StackConfigKey };

/** The stack config as the Pulumi CLI hands it to the program. */
export interface StackConfigSource {
  /** The project's keys (without the `project:` namespace) and their values, as strings (lists as JSON). */
  readonly values: Readonly<Record<string, string>>;
  /** Whether the stack holds the key's value encrypted (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
}

/** The running program's stack config: the project's namespace of Pulumi's config. */
export function stackConfigSource(project: string = pulumi.getProject()): StackConfigSource {
  const prefix = `${project}:`;
  const values = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
  // The SDK's own record of the keys the CLI decrypted (PULUMI_CONFIG_SECRET_KEYS); not in its typings.
  const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
  return { values, isSecret: (key) => runtime.isConfigSecret(`${prefix}${key}`) };
}

/** @internal The message for an `adminPassword` the stack holds in plain text. */
export function plainTextSecretMessage(key: string): string {
  return `\`${key}\` is in plain text in the stack config; set it with \`pulumi config set --secret ${key}\`, which stores it encrypted.`;
}

/** A value as its Pulumi.yaml type reads it (the Pulumi CLI has checked the type; a reader of its own may not have). */
function parse(key: string, spec: StackConfigKey, raw: string): unknown {
  switch (spec.type) {
    case "string":
      return raw;
    case "boolean":
      if (raw !== "true" && raw !== "false") fail(`\`${key}\` ${quoted(raw)} is not a boolean; set it to true or false.`);
      return raw === "true";
    case "integer":
      if (!/^[+-]?\d+$/.test(raw)) fail(`\`${key}\` ${quoted(raw)} is not a whole number.`);
      return Number(raw);
    case "string-list": {
      let list: unknown;
      try {
        list = JSON.parse(raw);
      } catch {
        list = undefined;
      }
      if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) fail(`\`${key}\` ${quoted(raw)} is not a list of strings; write it as a YAML list.`);
      return list;
    }
    default: {
      const never: never = spec;
      throw new Error(`unknown type ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Component args from stack config: every key set to something else than its default, as the
 * component takes it; validation of values is left to the component, which names the arg.
 * Throws `ValidationError` for an unknown key and a plain-text `adminPassword`.
 */
export function argsFromConfig(source: StackConfigSource): ClickPipesRdsIamAccessArgs {
  const known = Object.keys(STACK_CONFIG_KEYS);
  const unknown = Object.keys(source.values)
    .filter((k) => !Object.hasOwn(STACK_CONFIG_KEYS, k))
    .sort();
  if (unknown.length > 0) fail(unknownNameMessage(unknown[0], known, "a stack config key of this project (Pulumi.yaml declares them)", "config keys"));
  const args: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(STACK_CONFIG_KEYS) as [keyof typeof STACK_CONFIG_KEYS, StackConfigKey][]) {
    const raw = source.values[key];
    if (raw === undefined) continue;
    const value = parse(key, spec, raw);
    if (spec.default !== undefined && JSON.stringify(value) === JSON.stringify(spec.default)) continue;
    args[key] = value;
  }
  if (args.adminPassword !== undefined) {
    if (!source.isSecret("adminPassword")) fail(plainTextSecretMessage("adminPassword"));
    args.adminPassword = pulumi.secret(args.adminPassword as string);
  }
  return args as unknown as ClickPipesRdsIamAccessArgs;
}
