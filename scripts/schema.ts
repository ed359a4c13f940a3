/**
 * `npm run schema`: writes the plugin's schema, provider/schema.json, from the code.
 *
 *   npm run schema                # regenerate provider/schema.json
 *   npm run schema -- --check     # exit 1, with a summary of the differences, when it is not up to date
 *
 * The component's entries (`ClickPipesRdsIamAccess`, its inputs, outputs and types) are what the
 * Pulumi SDK infers from the TypeScript sources, as `ComponentProvider.getSchema()` does: the
 * `Analyzer` and `generateSchema` of `@pulumi/pulumi/provider/experimental`. They are merged with
 * the hand-written entries of the custom resources (provider/customResources.schema.json), then:
 * secrets are marked `secret: true` (the component's from `ARG_TYPES`, its types' from
 * `SECRET_TYPE_PROPERTIES`), `@default` tags are appended to the descriptions, the types get the
 * descriptions `generateSchema` drops, and generation fails when a resource, type or property has
 * no description, or a `$ref` to a type of this package does not resolve. Keys are sorted, so the
 * output depends only on the code. tests/schema.spec.ts fails when the committed file differs.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { Analyzer, TypeDefinition } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { ARG_TYPES } from "../components/args";
import { PLUGIN_DOWNLOAD_URL } from "../provider/construct";

const REPO = path.resolve(__dirname, "..");
const PROVIDER_DIR = path.join(REPO, "provider");
/** The committed schema. */
export const SCHEMA_PATH = path.join(PROVIDER_DIR, "schema.json");
/** The hand-written entries: the provider and its custom resources. */
export const CUSTOM_RESOURCES_PATH = path.join(PROVIDER_DIR, "customResources.schema.json");

/** The package name: the first part of every type token. */
export const PACKAGE = "clickpipes-rds-iam";
/** The components the plugin's schema describes. */
export const COMPONENTS = ["ClickPipesRdsIamAccess"] as const;
/** Where Pulumi gets the plugin: this repository's `provider/` directory, from Git (the URL the plugin gives its children). */
export { PLUGIN_DOWNLOAD_URL };
const METADATA = {
  displayName: "ClickPipes RDS IAM",
  description:
    "IAM-role access for ClickHouse ClickPipes to Amazon RDS and Aurora (PostgreSQL, MySQL, MariaDB): the ClickPipesRdsIamAccess component, and the IamAuthEnablement, MariaDbIamUser and ClickPipe custom resources.",
  repository: "https://github.com/clickpipes-rds-iam/clickpipes-rds-iam",
};
/** Properties of the component's types that hold secrets (the component's own inputs are `ARG_TYPES`' `secret`). */
export const SECRET_TYPE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  ClickHouseService: ["apiKeySecret"],
};

/**
 * Numbers the code accepts only as whole numbers (validated with `Number.isInteger`, or a port),
 * typed `integer` so that the SDKs of other languages give an `int`, not a float (a Python
 * `f"{host}:{port}"` would print `3306.0`). The analyzer types every TypeScript `number` as `number`.
 */
export const INTEGER_PROPERTIES: Readonly<{ inputs: readonly string[]; outputs: readonly string[]; types: Readonly<Record<string, readonly string[]>> }> = {
  inputs: ["binlogRetentionHours", "maxSessionDuration"],
  outputs: ["port"],
  types: { ClickPipeSource: ["port"] },
};

/**
 * What a generated SDK must install besides Pulumi: the component takes and gives `@pulumi/aws`
 * resources (`instance`, `cluster`, `role`, `rolePolicy`), whose classes the SDK imports. Major
 * version 7, as the package's peer dependency.
 */
export const LANGUAGE_DEPENDENCIES = {
  nodejs: { dependencies: { "@pulumi/aws": "^7.0.0" } },
  python: { requires: { pulumi: ">=3.142.0,<4.0.0", "pulumi-aws": ">=7.0.0,<8.0.0" } },
  csharp: { packageReferences: { Pulumi: "3.*", "Pulumi.Aws": "7.*" } },
} as const;

/** Whether a property's type holds a secret property (`SECRET_TYPE_PROPERTIES`): then it is secret as a whole. */
function holdsSecret(p: SchemaProperty): boolean {
  return p.$ref !== undefined && Object.keys(SECRET_TYPE_PROPERTIES).some((t) => p.$ref === `#/types/${token(t)}`);
}

/** A property without its `plain` flag. */
function withoutPlain(p: SchemaProperty): SchemaProperty {
  const { plain: _plain, ...rest } = p;
  return rest;
}

/** A property of the schema: a type or a `$ref`, and what Pulumi adds to either. */
export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  plain?: boolean;
  secret?: boolean;
  optional?: boolean;
}
/** An object or enum type. */
export interface SchemaType {
  type: string;
  description?: string;
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  enum?: { name: string; value: string | number; description?: string }[];
}
/** A resource or component. */
export interface SchemaResource {
  description?: string;
  isComponent?: boolean;
  inputProperties?: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  properties?: Record<string, SchemaProperty>;
  required?: string[];
}
/** The package schema, as far as this script writes it. */
export interface PackageSchema {
  name: string;
  version: string;
  description: string;
  displayName: string;
  license: string;
  repository: string;
  pluginDownloadURL: string;
  provider?: { description?: string };
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaType>;
  language?: Record<string, unknown>;
  dependencies?: { name: string; version?: string; downloadURL?: string }[];
}

/** The hand-written part (provider/customResources.schema.json). */
interface CustomEntries {
  provider?: { description?: string };
  types?: Record<string, SchemaType>;
  resources?: Record<string, SchemaResource>;
}

/** A schema that cannot be generated, with the reason. */
export class SchemaError extends Error {}

export function token(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/** The JSDoc tags the sources use on purpose; any other `@word` in a comment is a mistake that truncates it. */
const KNOWN_TAGS: ReadonlySet<string> = new Set(["default", "see", "internal", "example", "deprecated", "remarks"]);

/** What the analyzer leaves out of an interface's documentation: its own comment, and its properties' `@default` tags. */
interface InterfaceDocs {
  description?: string;
  defaults: Map<string, string>;
}

/** The text of a declaration's JSDoc comments, without their tags. */
function jsDocText(node: ts.Node): string | undefined {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
    .join("\n")
    .trim();
  return text === "" ? undefined : text;
}

/** The documentation of each interface declared under components/ whose name is in `names`. */
function interfaceDocs(program: ts.Program, names: ReadonlySet<string>): Map<string, InterfaceDocs> {
  const found = new Map<string, InterfaceDocs>();
  const componentsDir = path.join(REPO, "components") + path.sep;
  for (const file of program.getSourceFiles()) {
    if (!path.resolve(file.fileName).startsWith(componentsDir)) continue;
    file.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node) || !names.has(node.name.text)) return;
      if (found.has(node.name.text)) throw new SchemaError(`Two interfaces are named ${node.name.text} under components/: the schema's types need distinct names.`);
      const defaults = new Map<string, string>();
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue;
        const tags = ts.getJSDocTags(member);
        const stray = tags.find((t) => !KNOWN_TAGS.has(t.tagName.text));
        if (stray !== undefined) {
          throw new SchemaError(`${node.name.text}.${member.name.text}: \`@${stray.tagName.text}\` in its comment starts a JSDoc tag and cuts the description short; put it in backticks.`);
        }
        const tag = tags.find((t) => t.tagName.text === "default");
        const text = tag === undefined ? undefined : ts.getTextOfJSDocComment(tag.comment)?.trim();
        if (text) defaults.set(member.name.text, text);
      }
      found.set(node.name.text, { description: jsDocText(node), defaults });
    });
  }
  return found;
}

/** The name of the interface the component's constructor takes as `args`. */
function argsInterfaceName(program: ts.Program, component: string): string {
  for (const file of program.getSourceFiles()) {
    for (const node of file.statements) {
      if (!ts.isClassDeclaration(node) || node.name?.text !== component) continue;
      const ctor = node.members.find(ts.isConstructorDeclaration);
      const args = ctor?.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === "args");
      if (args?.type !== undefined && ts.isTypeReferenceNode(args.type)) return args.type.typeName.getText();
    }
  }
  throw new SchemaError(`No constructor \`args\` parameter found for ${component}.`);
}

/** A JSDoc text as Markdown paragraphs: the source's line wrapping undone (list items kept on their lines). */
export function reflow(text: string | undefined): string | undefined {
  return text
    ?.split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim().replace(/[ \t]*\n[ \t]*(?![-*] |\d+\. )/g, " "))
    .join("\n\n");
}

/** A property's description, reflowed, with its `@default` tag, if any, as a last paragraph. */
function describe(description: string | undefined, dflt: string | undefined): string | undefined {
  const text = reflow(description);
  if (text === undefined || dflt === undefined) return text;
  return `${text}\n\nDefault: ${reflow(dflt)?.replace(/\.$/, "")}.`;
}

/** Drops the analyzer's `optional` (the `required` lists say it), recursively. */
function stripOptional(p: SchemaProperty): SchemaProperty {
  const { optional: _optional, items, additionalProperties, ...rest } = p;
  return { ...rest, ...(items ? { items: stripOptional(items) } : {}), ...(additionalProperties ? { additionalProperties: stripOptional(additionalProperties) } : {}) };
}

function mapProperties(props: Record<string, SchemaProperty> | undefined, f: (name: string, p: SchemaProperty) => SchemaProperty): Record<string, SchemaProperty> | undefined {
  if (props === undefined) return undefined;
  return Object.fromEntries(Object.entries(props).map(([name, p]) => [name, f(name, p)]));
}

/** Objects with sorted keys, arrays as they are (enum order is meaningful; `required` lists are sorted before). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function sortedOrNone(list: string[] | undefined): string[] | undefined {
  return list === undefined || list.length === 0 ? undefined : [...list].sort();
}

/** Every problem of a merged schema: missing descriptions, `$ref`s to missing types, leftovers of a failed analysis, type names SDKs would mangle. */
export function schemaProblems(schema: Pick<PackageSchema, "resources" | "types">): string[] {
  const problems: string[] = [];
  const checkProperty = (where: string, p: SchemaProperty, described: boolean): void => {
    if (described && (typeof p.description !== "string" || p.description.trim() === "")) problems.push(`${where} has no description`);
    if (typeof p.description === "string" && p.description.includes("[object Object]")) problems.push(`${where}'s description has a {@link} the analyzer cannot read`);
    const prefix = `#/types/`;
    if (p.$ref?.startsWith(prefix) && schema.types[p.$ref.slice(prefix.length)] === undefined) problems.push(`${where} refers to ${p.$ref}, which is not in the schema`);
    if (p.items) checkProperty(`${where}[]`, p.items, false);
    if (p.additionalProperties) checkProperty(`${where}{}`, p.additionalProperties, false);
  };
  for (const [tok, r] of Object.entries(schema.resources)) {
    if (!r.description?.trim()) problems.push(`resource ${tok} has no description`);
    for (const [name, p] of Object.entries(r.inputProperties ?? {})) checkProperty(`${tok} input ${name}`, p, true);
    for (const [name, p] of Object.entries(r.properties ?? {})) checkProperty(`${tok} output ${name}`, p, true);
  }
  for (const [tok, t] of Object.entries(schema.types)) {
    if (!t.description?.trim()) problems.push(`type ${tok} has no description`);
    if (tok.endsWith("Args")) problems.push(`type ${tok} ends in "Args", which the SDKs of other languages add to input types themselves (${tok.split(":").pop()}Args)`);
    for (const [name, p] of Object.entries(t.properties ?? {})) checkProperty(`type ${tok} property ${name}`, p, true);
  }
  return problems;
}

/** The analyzer's result for the component (the TypeScript program of tsconfig.json; about 6 s). */
function analyze(): { result: ReturnType<Analyzer["analyze"]>; program: ts.Program } {
  const analyzer = new Analyzer(REPO, PACKAGE, { main: "components/index.js" }, new Set<string>(COMPONENTS));
  let result: ReturnType<Analyzer["analyze"]>;
  try {
    result = analyzer.analyze();
  } catch (e) {
    throw new SchemaError(`The Pulumi analyzer refuses the component's types: ${(e as Error).message}`);
  }
  // The analyzer's own program, to read the `@default` tags it leaves out without compiling again.
  const program = (analyzer as unknown as { program?: ts.Program }).program;
  if (program === undefined) throw new SchemaError("The Pulumi analyzer no longer exposes its TypeScript program; read the @default tags some other way.");
  return { result, program };
}

/** Generates the schema from the code and the hand-written entries; throws `SchemaError` naming what is wrong. */
export function buildSchema(): PackageSchema {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROVIDER_DIR, "package.json"), "utf8")) as { version: string; license: string };
  const custom = JSON.parse(fs.readFileSync(CUSTOM_RESOURCES_PATH, "utf8")) as CustomEntries;
  const { result, program } = analyze();
  const generated = generateSchema(PACKAGE, pkg.version, METADATA.description, result.components, result.typeDefinitions, result.dependencies);

  const docs = interfaceDocs(program, new Set([...COMPONENTS.map((c) => argsInterfaceName(program, c)), ...Object.keys(result.typeDefinitions)]));
  const defaultOf = (iface: string, prop: string): string | undefined => docs.get(iface)?.defaults.get(prop);
  const secretInputs = new Set(Object.entries(ARG_TYPES).filter(([, t]) => t.type === "input-string" && t.secret === true).map(([k]) => k));

  const resources: Record<string, SchemaResource> = {};
  for (const component of COMPONENTS) {
    const tok = token(component);
    const r = generated.resources[tok] as SchemaResource | undefined;
    if (r === undefined) throw new SchemaError(`The analyzer found no component ${component}.`);
    const argsName = argsInterfaceName(program, component);
    for (const name of secretInputs) if (r.inputProperties?.[name] === undefined) throw new SchemaError(`ARG_TYPES marks ${name} secret, but ${tok} has no such input.`);
    resources[tok] = {
      ...r,
      inputProperties: mapProperties(r.inputProperties, (name, p) => ({
        // Not plain when secret as a whole: the SDKs wrap it in a secret Output (provider/construct.ts splits it again).
        ...(holdsSecret(p) ? withoutPlain(stripOptional(p)) : stripOptional(p)),
        ...(INTEGER_PROPERTIES.inputs.includes(name) ? { type: "integer" } : {}),
        description: describe(p.description, defaultOf(argsName, name)),
        // A property whose type holds a secret is secret as a whole: Pulumi's code generators do
        // not make a nested property secret, so `clickhouseService` given with a plain-text key
        // would otherwise travel and be stored in the clear.
        ...(secretInputs.has(name) || holdsSecret(p) ? { secret: true } : {}),
      })),
      description: reflow(r.description),
      properties: mapProperties(r.properties, (name, p) => ({
        ...stripOptional(p),
        ...(INTEGER_PROPERTIES.outputs.includes(name) ? { type: "integer" } : {}),
        description: reflow(p.description),
      })),
      requiredInputs: sortedOrNone(r.requiredInputs),
      required: sortedOrNone(r.required),
    };
  }

  const types: Record<string, SchemaType> = {};
  for (const [name, t] of Object.entries(generated.types)) {
    const shortName = name.slice(token("").length);
    const def: TypeDefinition | undefined = result.typeDefinitions[shortName];
    const secrets = SECRET_TYPE_PROPERTIES[shortName] ?? [];
    for (const s of secrets) if (t.properties?.[s] === undefined) throw new SchemaError(`SECRET_TYPE_PROPERTIES names ${shortName}.${s}, which the type does not have.`);
    types[name] = {
      ...(t as SchemaType),
      // generateSchema leaves out the descriptions the analyzer found (enums), and the analyzer
      // reads those of interfaces only in the files it searched for the component.
      description: reflow(def?.description ?? docs.get(shortName)?.description),
      enum: t.enum?.map((member) => ({ ...member, description: reflow(member.description) })),
      properties: mapProperties(t.properties as Record<string, SchemaProperty> | undefined, (prop, p) => ({
        ...stripOptional(p),
        ...((INTEGER_PROPERTIES.types[shortName] ?? []).includes(prop) ? { type: "integer" } : {}),
        description: describe(p.description, defaultOf(shortName, prop)),
        ...(secrets.includes(prop) ? { secret: true } : {}),
      })),
      required: sortedOrNone(t.required),
    };
  }
  for (const s of Object.keys(SECRET_TYPE_PROPERTIES)) if (types[token(s)] === undefined) throw new SchemaError(`SECRET_TYPE_PROPERTIES names ${s}, which is not a type of the schema.`);

  for (const [tok, r] of Object.entries(custom.resources ?? {})) {
    if (resources[tok] !== undefined) throw new SchemaError(`${tok} is both a component and a hand-written resource in ${path.basename(CUSTOM_RESOURCES_PATH)}.`);
    resources[tok] = { ...r, requiredInputs: sortedOrNone(r.requiredInputs), required: sortedOrNone(r.required) };
  }
  for (const [tok, t] of Object.entries(custom.types ?? {})) {
    if (types[tok] !== undefined) throw new SchemaError(`${tok} is both a type the component's code defines and a hand-written type in ${path.basename(CUSTOM_RESOURCES_PATH)}; rename the hand-written one or refer to the component's.`);
    types[tok] = { ...t, required: sortedOrNone(t.required) };
  }

  const schema: PackageSchema = {
    name: PACKAGE,
    version: pkg.version,
    description: METADATA.description,
    displayName: METADATA.displayName,
    license: pkg.license,
    repository: METADATA.repository,
    pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
    provider: custom.provider,
    resources,
    types,
    language: {
      ...generated.language,
      nodejs: { ...(generated.language?.nodejs as object | undefined), ...LANGUAGE_DEPENDENCIES.nodejs },
      python: { ...(generated.language?.python as object | undefined), ...LANGUAGE_DEPENDENCIES.python },
      csharp: { ...(generated.language?.csharp as object | undefined), ...LANGUAGE_DEPENDENCIES.csharp },
    },
    dependencies: generated.dependencies,
  };
  const problems = schemaProblems(schema);
  if (problems.length > 0) throw new SchemaError(`The schema is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return schema;
}

/** The schema as the committed file holds it: sorted keys, 2-space indent, final newline. */
export function renderSchema(schema: PackageSchema): string {
  return JSON.stringify(sortKeys(schema), null, 2) + "\n";
}

/** Generates provider/schema.json's text. */
export function generateSchemaText(): string {
  return renderSchema(buildSchema());
}

/** Where two JSON values differ, as paths (`resources.X.inputProperties.y: changed`), at most `limit`. */
export function jsonDifferences(a: unknown, b: unknown, limit = 20, at = "$"): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, where: string): void => {
    if (out.length >= limit) return;
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isObj(x) && isObj(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
        if (out.length >= limit) return;
        if (!(k in y)) out.push(`${where}.${k}: only in the committed file`);
        else if (!(k in x)) out.push(`${where}.${k}: only in the code`);
        else walk(x[k], y[k], `${where}.${k}`);
      }
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(`${where}: differs`);
    }
  };
  walk(a, b, at);
  return out;
}

/** Undefined when the committed text is the generated one; else what differs, and what to do. */
export function driftMessage(committed: string, generated: string): string | undefined {
  if (committed === generated) return undefined;
  let diffs: string[];
  try {
    diffs = jsonDifferences(JSON.parse(committed), JSON.parse(generated));
  } catch {
    diffs = ["$: the committed file is missing or not JSON"];
  }
  if (diffs.length === 0) diffs = ["$: the same JSON, written differently"];
  return `${path.relative(REPO, SCHEMA_PATH)} differs from the code; run \`npm run schema\` and commit it:\n${diffs.map((d) => `  ${d}`).join("\n")}`;
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown[0]}.\nUsage: npm run schema [-- --check]`);
    return 2;
  }
  const started = Date.now();
  let text: string;
  try {
    text = generateSchemaText();
  } catch (e) {
    if (e instanceof SchemaError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const rel = path.relative(REPO, SCHEMA_PATH);
  if (argv.includes("--check")) {
    const committed = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, "utf8") : "";
    const drift = driftMessage(committed, text);
    if (drift === undefined) {
      console.log(`${rel} is up to date (${seconds} s).`);
      return 0;
    }
    console.error(drift);
    return 1;
  }
  fs.writeFileSync(SCHEMA_PATH, text);
  const schema = JSON.parse(text) as PackageSchema;
  console.log(`Wrote ${rel}: ${Object.keys(schema.resources).length} resources, ${Object.keys(schema.types).length} types (${seconds} s).`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
