/**
 * The YAML and Python examples of docs/other-languages.md, checked against the plugin's schema
 * (provider/schema.json), with no Pulumi CLI and no SDK generation: every resource type and input
 * type they use exists, every property they set is an input of it (an output, for `${res.prop}` and
 * `res.prop`), and every value has the property's type (enum values in the enum, secrets from a
 * secret source). Each kind of check is shown to fail on a mutated copy of the real example.
 *
 * The Python side is read, not run: a tokenizer and a parser for the small subset of Python the
 * example is written in (imports, `name = expression`, `if expression:`, calls, attributes, literals).
 * Anything outside it is reported as an error, so the example cannot grow past what is checked.
 * Names are mapped the way Pulumi's Python code generator makes them (pulumi/pulumi
 * pkg/codegen/python): the module is `pulumi_<name with _ for ->` (`PyPack`), properties are
 * `PyName(camelCase)`, input object types are `<Type>Args`, enum members `PyName(name)` upper-cased.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");
const YAML_EXAMPLE = path.join(ROOT, "examples", "yaml-other-languages", "Pulumi.yaml");
const PYTHON_EXAMPLE = path.join(ROOT, "examples", "python-other-languages", "__main__.py");
const OTHER_LANGUAGES_DOC = path.join(ROOT, "docs", "other-languages.md");
const COMPONENT = "clickpipes-rds-iam:index:ClickPipesRdsIamAccess";

// ---------------------------------------------------------------------------------------------
// The schema

interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  secret?: boolean;
  /** A plain input: the provider needs its value when the program runs, so it cannot be an Output. */
  plain?: boolean;
}
interface TypeSpec {
  type: string;
  properties?: Record<string, PropertySpec>;
  required?: string[];
  enum?: Array<{ name?: string; value: string | number | boolean }>;
}
interface ResourceSpec {
  isComponent?: boolean;
  inputProperties?: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties?: Record<string, PropertySpec>;
}
interface PackageSchema {
  name: string;
  namespace?: string;
  version?: string;
  language?: { python?: { packageName?: string } };
  types?: Record<string, TypeSpec>;
  resources?: Record<string, ResourceSpec>;
}

function loadSchema(): PackageSchema {
  return JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as PackageSchema;
}

const LOCAL_TYPE = "#/types/";
const ANY = "pulumi.json#/Any";

function localType(schema: PackageSchema, spec: PropertySpec): { token: string; type: TypeSpec } | undefined {
  if (spec.$ref === undefined || !spec.$ref.startsWith(LOCAL_TYPE)) return undefined;
  const token = decodeURIComponent(spec.$ref.slice(LOCAL_TYPE.length));
  const type = schema.types?.[token];
  return type === undefined ? undefined : { token, type };
}

/** A type as messages spell it. */
function typeName(spec: PropertySpec): string {
  if (spec.$ref !== undefined) return spec.$ref.startsWith(LOCAL_TYPE) ? decodeURIComponent(spec.$ref.slice(LOCAL_TYPE.length)) : spec.$ref;
  if (spec.type === "array") return `array of ${typeName(spec.items ?? {})}`;
  if (spec.type === "object" && spec.additionalProperties) return `map of ${typeName(spec.additionalProperties)}`;
  return spec.type ?? "?";
}

function sameType(a: PropertySpec, b: PropertySpec): boolean {
  if (a.$ref !== undefined || b.$ref !== undefined) return a.$ref === b.$ref;
  if (a.type !== b.type) return a.type === "integer" && b.type === "number";
  if (a.type === "array") return sameType(a.items ?? {}, b.items ?? {});
  if (a.type === "object") return sameType(a.additionalProperties ?? {}, b.additionalProperties ?? {});
  return true;
}

// ---------------------------------------------------------------------------------------------
// What an expression of a program is, as far as the checks need to know

/**
 * Every kind carries `secret` (the value is a secret) and `output` (the value is an Output, known
 * only once the engine has it: a resource output, a Python secret getter, `pulumi.Output.secret`).
 */
type Value = (
  | { kind: "string"; literal?: string }
  | { kind: "number"; integer: boolean }
  | { kind: "boolean" }
  | { kind: "array"; items: Value[] }
  | { kind: "dict"; entries: Array<[string, Value]> }
  /** A value of a schema type: a resource output, a config value, a checked `XArgs(...)`. */
  | { kind: "typed"; spec: PropertySpec }
  | { kind: "resource"; token: string }
  | { kind: "none" }
  /** Not a value a property can take (a module, a class, `pulumi.Config()`): using one as a property value is an error. */
  | { kind: "other"; what: string }
) & { secret?: boolean; output?: boolean };

function secret<V extends Value>(v: V): V {
  return { ...v, secret: true, output: true };
}

/** Key names of object types and resource inputs as the program's language spells them. */
interface Naming {
  /** The program's name for schema property `camel` of an object type given as a mapping literal. */
  key(camel: string): string;
}

/**
 * Whether `value` may be given for a property of type `spec`; pushes one message per mismatch.
 * `where` names the property in messages.
 */
function assign(schema: PackageSchema, value: Value, spec: PropertySpec, where: string, naming: Naming, errors: string[]): void {
  if (spec.secret && !value.secret) errors.push(`${where}: a secret property, given a value that is not secret (use secret config, or a secret function)`);
  if (spec.plain && value.output) errors.push(`${where}: a plain property, given an Output (a resource output or a secret); give it a plain value`);
  if (value.kind === "other") {
    errors.push(`${where}: ${value.what} is not a value of type ${typeName(spec)}`);
    return;
  }
  if (value.kind === "none") return;
  if (value.kind === "typed") {
    // A string of unknown value may go to a string enum: only its value could be wrong, and that is not known here.
    const stringToEnum = value.spec.type === "string" && localType(schema, spec)?.type.enum !== undefined && localType(schema, spec)?.type.type === "string";
    if (!sameType(value.spec, spec) && !stringToEnum) errors.push(`${where}: type ${typeName(value.spec)} where ${typeName(spec)} is expected`);
    return;
  }
  if (spec.$ref === ANY) return;
  const ref = localType(schema, spec);
  if (spec.$ref !== undefined && ref === undefined) {
    errors.push(`${where}: type ${spec.$ref} is not in the schema`);
    return;
  }
  if (ref?.type.enum) {
    const values = ref.type.enum.map((e) => e.value);
    if (value.kind !== "string" || value.literal === undefined || !values.includes(value.literal)) {
      errors.push(`${where}: ${show(value)} is not a value of enum ${ref.token} (${values.map((v) => JSON.stringify(v)).join(", ")})`);
    }
    return;
  }
  if (ref) {
    if (value.kind !== "dict") {
      errors.push(`${where}: ${show(value)} where object type ${ref.token} is expected`);
      return;
    }
    checkObjectKeys(schema, value.entries, ref.token, ref.type, where, naming, errors);
    return;
  }
  switch (spec.type) {
    case "string":
      if (value.kind !== "string") errors.push(`${where}: ${show(value)} where a string is expected`);
      return;
    case "integer":
      if (value.kind !== "number" || !value.integer) errors.push(`${where}: ${show(value)} where an integer is expected`);
      return;
    case "number":
      if (value.kind !== "number") errors.push(`${where}: ${show(value)} where a number is expected`);
      return;
    case "boolean":
      if (value.kind !== "boolean") errors.push(`${where}: ${show(value)} where a boolean is expected`);
      return;
    case "array":
      if (value.kind !== "array") {
        errors.push(`${where}: ${show(value)} where an ${typeName(spec)} is expected`);
        return;
      }
      value.items.forEach((item, i) => assign(schema, item, spec.items ?? { $ref: ANY }, `${where}[${i}]`, naming, errors));
      return;
    case "object":
      if (value.kind !== "dict") {
        errors.push(`${where}: ${show(value)} where a ${typeName(spec)} is expected`);
        return;
      }
      for (const [k, v] of value.entries) assign(schema, v, spec.additionalProperties ?? { $ref: ANY }, `${where}.${k}`, naming, errors);
      return;
    default:
      errors.push(`${where}: the schema type ${JSON.stringify(spec)} is not one this spec checks`);
  }
}

/** The keys of a mapping given for object type `token`: each a property, every required one present, each value typed. */
function checkObjectKeys(schema: PackageSchema, entries: Array<[string, Value]>, token: string, type: TypeSpec, where: string, naming: Naming, errors: string[]): void {
  const byKey = new Map(Object.entries(type.properties ?? {}).map(([camel, spec]) => [naming.key(camel), { camel, spec }] as const));
  for (const [key, v] of entries) {
    const prop = byKey.get(key);
    if (prop === undefined) errors.push(`${where}: no property "${key}" on ${token}`);
    else assign(schema, v, prop.spec, `${where}.${key}`, naming, errors);
  }
  const given = new Set(entries.map(([k]) => k));
  for (const camel of type.required ?? []) if (!given.has(naming.key(camel))) errors.push(`${where}: required property "${naming.key(camel)}" of ${token} is missing`);
}

function show(v: Value): string {
  switch (v.kind) {
    case "string":
      return v.literal === undefined ? "a string" : JSON.stringify(v.literal);
    case "number":
      return v.integer ? "an integer" : "a number";
    case "boolean":
      return "a boolean";
    case "array":
      return "an array";
    case "dict":
      return "a mapping";
    case "typed":
      return `type ${typeName(v.spec)}`;
    case "resource":
      return `a resource (${v.token})`;
    case "none":
      return "None";
    case "other":
      return v.what;
  }
}

/** A resource output: its type, secret when the schema marks it so. */
function outputValue(schema: PackageSchema, token: string, name: string, where: string, errors: string[]): Value {
  const spec = schema.resources?.[token]?.properties?.[name];
  if (spec === undefined) {
    errors.push(`${where}: no output "${name}" on ${token}`);
    return { kind: "other", what: `the missing output ${name}` };
  }
  return { kind: "typed", spec, secret: spec.secret === true, output: true };
}

// ---------------------------------------------------------------------------------------------
// Pulumi YAML

interface YamlConfig {
  type?: string;
  secret?: boolean;
  items?: { type?: string };
}

const YAML_CONFIG_TYPES: Record<string, PropertySpec> = { string: { type: "string" }, integer: { type: "integer" }, boolean: { type: "boolean" } };
const camelNaming: Naming = { key: (camel) => camel };

/** `pkg:Name` is YAML's short form of `pkg:index:Name`. */
function yamlToken(type: string): string {
  const parts = type.split(":");
  return parts.length === 2 ? `${parts[0]}:index:${parts[1]}` : type;
}

/**
 * Checks a Pulumi YAML program (a parsed Pulumi.yaml) against `schema`. Returns one message per
 * problem; none when every type, property, reference and value checks out.
 */
export function checkYamlProgram(doc: unknown, schema: PackageSchema): string[] {
  const errors: string[] = [];
  const program = doc as { config?: Record<string, YamlConfig | string | number | boolean>; resources?: Record<string, { type?: string; properties?: Record<string, unknown>; options?: Record<string, unknown> }>; variables?: Record<string, unknown>; outputs?: Record<string, unknown> };
  const config = new Map<string, Value>();
  for (const [key, decl] of Object.entries(program.config ?? {})) {
    if (key.includes(":")) continue; // another package's config, such as aws:region
    if (typeof decl !== "object" || decl === null) {
      config.set(key, literalValue(decl));
      continue;
    }
    const spec = decl.type === "array" ? { type: "array", items: YAML_CONFIG_TYPES[decl.items?.type ?? ""] ?? { $ref: ANY } } : YAML_CONFIG_TYPES[decl.type ?? ""];
    if (spec === undefined) {
      errors.push(`config.${key}: type ${JSON.stringify(decl.type)} is not a Pulumi config type`);
      continue;
    }
    // A secret config value reaches the program as a secret Output; a plain one as its value.
    config.set(key, { kind: "typed", spec, secret: decl.secret === true, output: decl.secret === true });
  }
  const resources = new Map<string, string>();
  for (const [name, res] of Object.entries(program.resources ?? {})) {
    const token = yamlToken(String(res.type));
    if (!token.startsWith(`${schema.name}:`)) errors.push(`resources.${name}: type ${res.type} is not of package ${schema.name}, the only one this spec has a schema for`);
    else if (schema.resources?.[token] === undefined) errors.push(`resources.${name}: no resource type ${token} in the schema`);
    resources.set(name, token);
  }
  const variables = new Map(Object.entries(program.variables ?? {}));

  const reference = (ref: string, where: string, seen: Set<string>): Value => {
    const [root, ...rest] = ref.split(".");
    if (rest.length === 0 && config.has(root)) return config.get(root) as Value;
    if (variables.has(root) && rest.length === 0) {
      if (seen.has(root)) {
        errors.push(`${where}: variable ${root} refers to itself`);
        return { kind: "other", what: "a cyclic variable" };
      }
      return value(variables.get(root), `variables.${root}`, new Set([...seen, root]));
    }
    const token = resources.get(root);
    if (token === undefined) {
      errors.push(`${where}: \${${ref}} names no config key, variable or resource`);
      return { kind: "other", what: `the unknown \${${ref}}` };
    }
    if (rest.length === 0) return { kind: "resource", token };
    if (schema.resources?.[token] === undefined) return { kind: "other", what: `an output of the unknown ${token}` };
    let current = outputValue(schema, token, rest[0], where, errors);
    for (const field of rest.slice(1)) {
      if (current.kind !== "typed") break;
      const ref2 = localType(schema, current.spec);
      if (current.spec.$ref === ANY) return { kind: "typed", spec: { $ref: ANY }, secret: current.secret, output: true };
      const prop = ref2?.type.properties?.[field];
      if (prop === undefined) {
        errors.push(`${where}: no field "${field}" in ${typeName(current.spec)} (\${${ref}})`);
        return { kind: "other", what: `the missing field ${field}` };
      }
      current = { kind: "typed", spec: prop, secret: current.secret || prop.secret === true, output: true };
    }
    return current;
  };

  const value = (node: unknown, where: string, seen: Set<string> = new Set()): Value => {
    if (typeof node === "string") {
      const whole = /^\$\{([^}]+)\}$/.exec(node);
      if (whole) return reference(whole[1].trim(), where, seen);
      const parts = [...node.matchAll(/\$\{([^}]+)\}/g)].map((m) => reference(m[1].trim(), where, seen));
      if (parts.length === 0) return { kind: "string", literal: node };
      return { kind: "string", secret: parts.some((p) => p.secret), output: parts.some((p) => p.output) };
    }
    if (Array.isArray(node)) return { kind: "array", items: node.map((item, i) => value(item, `${where}[${i}]`, seen)) };
    if (typeof node === "object" && node !== null) {
      const entries = Object.entries(node);
      const fn = entries.length === 1 && entries[0][0].startsWith("fn::") ? entries[0] : undefined;
      if (fn?.[0] === "fn::secret") return secret(value(fn[1], where, seen));
      if (fn) {
        errors.push(`${where}: ${fn[0]} is not a function this spec types`);
        return { kind: "other", what: fn[0] };
      }
      return { kind: "dict", entries: entries.map(([k, v]) => [k, value(v, `${where}.${k}`, seen)]) };
    }
    return literalValue(node);
  };

  for (const [name, res] of Object.entries(program.resources ?? {})) {
    const token = resources.get(name) as string;
    const spec = schema.resources?.[token];
    if (spec === undefined) continue;
    const inputs = spec.inputProperties ?? {};
    for (const [prop, node] of Object.entries(res.properties ?? {})) {
      const where = `resources.${name}.properties.${prop}`;
      const v = value(node, where);
      if (inputs[prop] === undefined) errors.push(`${where}: no input property "${prop}" on ${token}`);
      else assign(schema, v, inputs[prop], where, camelNaming, errors);
    }
    for (const required of spec.requiredInputs ?? []) {
      if (!(required in (res.properties ?? {}))) errors.push(`resources.${name}: required input "${required}" of ${token} is missing`);
    }
    for (const dep of (res.options?.dependsOn as unknown[] | undefined) ?? []) {
      if (value(dep, `resources.${name}.options.dependsOn`).kind !== "resource") errors.push(`resources.${name}.options.dependsOn: ${String(dep)} is not a resource`);
    }
  }
  for (const [name, node] of Object.entries(program.outputs ?? {})) value(node, `outputs.${name}`);
  for (const [name, node] of variables) value(node, `variables.${name}`, new Set([name]));
  return errors;
}

function literalValue(node: unknown): Value {
  if (typeof node === "string") return { kind: "string", literal: node };
  if (typeof node === "number") return { kind: "number", integer: Number.isInteger(node) };
  if (typeof node === "boolean") return { kind: "boolean" };
  if (node === null || node === undefined) return { kind: "none" };
  return { kind: "other", what: `the value ${JSON.stringify(node)}` };
}

// ---------------------------------------------------------------------------------------------
// Python: the names Pulumi's Python code generator gives

/**
 * `PyName` of pulumi/pulumi pkg/codegen/python/python.go: camelCase to snake_case, acronyms kept
 * together ("podCIDRs" is "pod_cidrs"), a trailing underscore for a Python keyword. The legacy
 * exceptions it keeps for three names of other providers do not apply here.
 */
export function pyName(name: string): string {
  const components: string[] = [];
  let current = "";
  let state: "first" | "upper" | "acronym" | "lowerOrNumber" = "first";
  const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
  const isDigit = (c: string) => c >= "0" && c <= "9";
  for (let char of name) {
    if (!/[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u.test(char)) char = "_";
    switch (state) {
      case "first":
        if (!/[\p{L}\p{Nl}_]/u.test(char)) current += "_";
        if (isUpper(char)) {
          state = "upper";
          current += char.toLowerCase();
        } else {
          state = "lowerOrNumber";
          current += char;
        }
        break;
      case "upper":
        if (isUpper(char)) {
          state = "acronym";
          current += char.toLowerCase();
        } else {
          state = "lowerOrNumber";
          current += char;
        }
        break;
      case "acronym":
        if (isUpper(char)) {
          current += char.toLowerCase();
        } else if (isDigit(char) || char === "s") {
          state = "lowerOrNumber";
          current += char;
        } else {
          components.push(current.slice(0, -1));
          current = current.slice(-1) + char;
          state = "lowerOrNumber";
        }
        break;
      case "lowerOrNumber":
        if (isUpper(char)) {
          components.push(current);
          current = char.toLowerCase();
          state = "upper";
        } else {
          current += char;
        }
        break;
    }
  }
  if (current !== "") components.push(current);
  const result = components.join("_");
  return PYTHON_KEYWORDS.has(result) ? `${result}_` : result;
}

const PYTHON_KEYWORDS = new Set("False None True and as assert async await break class continue def del elif else except exec finally for from global if import in is lambda nonlocal not or pass print raise return try while with yield".split(" "));

/** The Python module of the generated SDK (`PyPack`, or the schema's `language.python.packageName`). */
export function pythonModule(schema: PackageSchema): string {
  const explicit = schema.language?.python?.packageName;
  if (explicit) return explicit;
  const namespace = schema.namespace ? schema.namespace.replace(/-/g, "_") : "pulumi";
  return `${namespace}_${schema.name.replace(/-/g, "_")}`;
}

/** An enum member's Python name (`makeSafeEnumName`): PyName of its name, upper-cased, underscores collapsed. */
function pyEnumMember(member: { name?: string; value: string | number | boolean }): string {
  return pyName(member.name ?? String(member.value)).toUpperCase().replace(/[^\p{L}\p{N}_]/gu, "_").replace(/_+/g, "_");
}

/** A resource's keyword argument (`InitParamName`): PyName, with `_` after `resource_name` and `opts`. */
function pyInitParam(camel: string): string {
  const name = pyName(camel);
  return name === "resource_name" || name === "opts" ? `${name}_` : name;
}

const snakeNaming: Naming = { key: pyName };

// ---------------------------------------------------------------------------------------------
// Python: reading the subset the example is written in

interface Token {
  kind: "name" | "string" | "number" | "op" | "newline";
  text: string;
  line: number;
  /** A string token's value, or a number's. */
  value?: string | number;
}

/** Python tokens: names, strings (with prefixes, triple quotes), numbers, operators; comments dropped, a newline token at each logical line's end. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let depth = 0;
  const push = (t: Token) => tokens.push(t);
  while (i < source.length) {
    const c = source[i];
    if (c === "\n") {
      if (depth === 0 && tokens.length > 0 && tokens[tokens.length - 1].kind !== "newline") push({ kind: "newline", text: "\n", line });
      line++;
      i++;
      continue;
    }
    if (c === "\\" && source[i + 1] === "\n") {
      line++;
      i += 2;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const str = /^([rRbBuUfF]{0,2})("""|'''|"|')/.exec(source.slice(i, i + 5));
    if (str) {
      const prefix = str[1].toLowerCase();
      const quote = str[2];
      const start = line;
      let j = i + str[0].length;
      let text = "";
      while (j < source.length && !source.startsWith(quote, j)) {
        if (source[j] === "\\" && !prefix.includes("r")) {
          text += source[j + 1] === "n" ? "\n" : source[j + 1];
          j += 2;
          continue;
        }
        if (source[j] === "\n") {
          if (quote.length === 1) throw new Error(`line ${line}: unterminated string`);
          line++;
        }
        text += source[j];
        j++;
      }
      if (j >= source.length) throw new Error(`line ${start}: unterminated string`);
      if (prefix.includes("f")) throw new Error(`line ${start}: f-strings are outside the subset this spec reads`);
      push({ kind: "string", text: source.slice(i, j + quote.length), line: start, value: text });
      i = j + quote.length;
      continue;
    }
    const num = /^(\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?)/.exec(source.slice(i));
    if (num) {
      push({ kind: "number", text: num[1], line, value: Number(num[1].replace(/_/g, "")) });
      i += num[1].length;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(source.slice(i));
    if (name) {
      push({ kind: "name", text: name[0], line });
      i += name[0].length;
      continue;
    }
    const op = /^(\*\*|==|!=|<=|>=|:=|->|[()[\]{}.,:=*+\-/%<>|&^~@;])/.exec(source.slice(i));
    if (!op) throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
    if ("([{".includes(op[0])) depth++;
    if (")]}".includes(op[0])) depth = Math.max(0, depth - 1);
    push({ kind: "op", text: op[0], line });
    i += op[0].length;
  }
  if (tokens.length > 0 && tokens[tokens.length - 1].kind !== "newline") push({ kind: "newline", text: "\n", line });
  return tokens;
}

type Node =
  | { t: "str"; value: string; line: number }
  | { t: "num"; value: number; integer: boolean; line: number }
  | { t: "name"; id: string; line: number }
  | { t: "list"; items: Node[]; line: number }
  | { t: "dict"; entries: Array<[Node, Node]>; line: number }
  | { t: "attr"; obj: Node; name: string; line: number }
  | { t: "call"; fn: Node; args: Node[]; kwargs: Array<{ name: string; value: Node; line: number }>; line: number };

/** A recursive-descent parser of the expression subset: literals, names, lists, dicts, attributes, calls. */
class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error("unexpected end of file");
    return t;
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }
  isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === "op" && t.text === text;
  }
  expectOp(text: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.text !== text) throw new Error(`line ${t.line}: expected "${text}", found ${JSON.stringify(t.text)}`);
  }

  expression(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const name = this.next();
        if (name.kind !== "name") throw new Error(`line ${name.line}: expected a name after "."`);
        node = { t: "attr", obj: node, name: name.text, line: name.line };
      } else if (this.isOp("(")) {
        node = this.call(node);
      } else {
        return node;
      }
    }
  }

  private call(fn: Node): Node {
    const open = this.next();
    const args: Node[] = [];
    const kwargs: Array<{ name: string; value: Node; line: number }> = [];
    while (!this.isOp(")")) {
      const t = this.peek();
      if (t?.kind === "name" && this.isOp("=", 1)) {
        this.pos += 2;
        kwargs.push({ name: t.text, value: this.expression(), line: t.line });
      } else if (this.isOp("*") || this.isOp("**")) {
        throw new Error(`line ${t?.line}: *args and **kwargs are outside the subset this spec reads`);
      } else {
        if (kwargs.length > 0) throw new Error(`line ${t?.line}: a positional argument after keyword arguments`);
        args.push(this.expression());
      }
      if (!this.isOp(")")) this.expectOp(",");
    }
    this.next();
    return { t: "call", fn, args, kwargs, line: open.line };
  }

  private atom(): Node {
    const t = this.next();
    if (t.kind === "string") {
      let value = t.value as string;
      while (this.peek()?.kind === "string") value += this.next().value as string; // implicit concatenation
      return { t: "str", value, line: t.line };
    }
    if (t.kind === "number") return { t: "num", value: t.value as number, integer: /^[\d_]+$/.test(t.text), line: t.line };
    if (t.kind === "op" && t.text === "-" && this.peek()?.kind === "number") {
      const n = this.next();
      return { t: "num", value: -(n.value as number), integer: /^[\d_]+$/.test(n.text), line: t.line };
    }
    if (t.kind === "name" && !PYTHON_KEYWORDS.has(t.text)) return { t: "name", id: t.text, line: t.line };
    if (t.kind === "name" && ["True", "False", "None"].includes(t.text)) return { t: "name", id: t.text, line: t.line };
    if (t.kind === "op" && t.text === "[") {
      const items: Node[] = [];
      while (!this.isOp("]")) {
        items.push(this.expression());
        if (this.peek()?.kind === "name" && this.peek()?.text === "for") throw new Error(`line ${t.line}: comprehensions are outside the subset this spec reads`);
        if (!this.isOp("]")) this.expectOp(",");
      }
      this.next();
      return { t: "list", items, line: t.line };
    }
    if (t.kind === "op" && t.text === "{") {
      const entries: Array<[Node, Node]> = [];
      while (!this.isOp("}")) {
        const key = this.expression();
        this.expectOp(":");
        entries.push([key, this.expression()]);
        if (!this.isOp("}")) this.expectOp(",");
      }
      this.next();
      return { t: "dict", entries, line: t.line };
    }
    if (t.kind === "op" && t.text === "(") {
      const inner = this.expression();
      this.expectOp(")");
      return inner;
    }
    throw new Error(`line ${t.line}: ${JSON.stringify(t.text)} is outside the subset of Python this spec reads`);
  }
}

/** What a Python name or expression stands for, beyond values. */
type PyThing =
  | Value
  | { kind: "module"; module: "pulumi" | "sdk" }
  | { kind: "pulumi"; member: string }
  | { kind: "config" }
  | { kind: "configMethod"; method: string }
  | { kind: "resourceClass"; token: string }
  | { kind: "argsClass"; token: string }
  | { kind: "enumClass"; token: string }
  | { kind: "options" };

/** What `pulumi.Config()`'s getters return: `get`/`require` plain values, the `_secret` ones secret Outputs. */
const CONFIG_METHODS: Record<string, Value> = Object.fromEntries(
  ([["", { type: "string" }], ["_int", { type: "integer" }], ["_float", { type: "number" }], ["_bool", { type: "boolean" }], ["_object", { $ref: ANY }]] as const).flatMap(([suffix, spec]) => [
    [`get${suffix}`, { kind: "typed", spec }],
    [`require${suffix}`, { kind: "typed", spec }],
    [`get_secret${suffix}`, { kind: "typed", spec, secret: true, output: true }],
    [`require_secret${suffix}`, { kind: "typed", spec, secret: true, output: true }],
  ]),
);

function isValue(thing: PyThing): thing is Value {
  return ["string", "number", "boolean", "array", "dict", "typed", "resource", "none", "other"].includes(thing.kind);
}

/**
 * Checks a Python program that uses the SDK generated from `schema`. Returns one message per
 * problem, `line N: …`; none when every class, keyword, attribute and value checks out.
 */
export function checkPythonProgram(source: string, schema: PackageSchema): string[] {
  const errors: string[] = [];
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    return [(e as Error).message];
  }
  const module = pythonModule(schema);
  const env = new Map<string, PyThing>();
  const resourceTokens = new Map(Object.keys(schema.resources ?? {}).map((token) => [token.split(":")[2], token] as const));
  const typeTokens = new Map(Object.keys(schema.types ?? {}).map((token) => [token.split(":")[2], token] as const));

  const sdkMember = (name: string, line: number): PyThing => {
    const resource = resourceTokens.get(name);
    if (resource) return { kind: "resourceClass", token: resource };
    const type = typeTokens.get(name);
    if (type && schema.types?.[type]?.enum) return { kind: "enumClass", token: type };
    const args = name.endsWith("Args") ? typeTokens.get(name.slice(0, -"Args".length)) : undefined;
    if (args && schema.types?.[args]?.properties) return { kind: "argsClass", token: args };
    if (type) errors.push(`line ${line}: ${module}.${name}: the SDK's input class for object type ${type} is ${name}Args`);
    else errors.push(`line ${line}: ${module} has no ${name} (no resource, enum or input type of that name in the schema)`);
    return { kind: "other", what: `${module}.${name}` };
  };

  /** Keyword arguments of a resource or an `XArgs(...)`: mapped back to the schema's camelCase names, typed. */
  /** Returns the values given, for what they carry (secrets, Outputs). */
  const keywords = (call: Extract<Node, { t: "call" }>, token: string, props: Record<string, PropertySpec>, required: string[], toPython: (camel: string) => string, skip: string[]): Value[] => {
    const byPython = new Map(Object.entries(props).map(([camel, spec]) => [toPython(camel), { camel, spec }] as const));
    const values: Value[] = [];
    for (const kw of call.kwargs) {
      if (skip.includes(kw.name)) {
        evaluate(kw.value);
        continue;
      }
      const prop = byPython.get(kw.name);
      const v = asValue(evaluate(kw.value), kw.value.line);
      values.push(v);
      if (prop === undefined) errors.push(`line ${kw.line}: no keyword argument ${kw.name} for ${token} (its properties, in Python: ${[...byPython.keys()].join(", ")})`);
      else assign(schema, v, prop.spec, `line ${kw.line}: ${kw.name} (${prop.camel})`, snakeNaming, errors);
    }
    const given = new Set(call.kwargs.map((k) => k.name));
    for (const camel of required) if (!given.has(toPython(camel))) errors.push(`line ${call.line}: required argument ${toPython(camel)} of ${token} is missing`);
    return values;
  };

  const asValue = (thing: PyThing, line: number): Value => {
    if (isValue(thing)) return thing;
    return { kind: "other", what: `${thing.kind} (line ${line})` };
  };

  const evaluate = (node: Node): PyThing => {
    switch (node.t) {
      case "str":
        return { kind: "string", literal: node.value };
      case "num":
        return { kind: "number", integer: node.integer };
      case "list":
        return { kind: "array", items: node.items.map((item) => asValue(evaluate(item), item.line)) };
      case "dict":
        return {
          kind: "dict",
          entries: node.entries.map(([k, v]) => {
            if (k.t !== "str") errors.push(`line ${k.line}: a dict key that is not a string literal`);
            return [k.t === "str" ? k.value : "?", asValue(evaluate(v), v.line)];
          }),
        };
      case "name": {
        if (node.id === "True" || node.id === "False") return { kind: "boolean" };
        if (node.id === "None") return { kind: "none" };
        const bound = env.get(node.id);
        if (bound === undefined) {
          errors.push(`line ${node.line}: ${node.id} is not defined`);
          return { kind: "other", what: `the undefined ${node.id}` };
        }
        return bound;
      }
      case "attr": {
        const obj = evaluate(node.obj);
        if (obj.kind === "module" && obj.module === "sdk") return sdkMember(node.name, node.line);
        if (obj.kind === "module") return { kind: "pulumi", member: node.name };
        if (obj.kind === "pulumi" && obj.member === "Output" && node.name === "secret") return { kind: "pulumi", member: "Output.secret" };
        if (obj.kind === "config") return { kind: "configMethod", method: node.name };
        if (obj.kind === "enumClass") {
          const member = schema.types?.[obj.token]?.enum?.find((m) => pyEnumMember(m) === node.name);
          if (member === undefined) {
            errors.push(`line ${node.line}: enum ${obj.token} has no member ${node.name} (its members, in Python: ${(schema.types?.[obj.token]?.enum ?? []).map(pyEnumMember).join(", ")})`);
            return { kind: "other", what: `the missing enum member ${node.name}` };
          }
          return { kind: "string", literal: String(member.value) };
        }
        if (obj.kind === "resource") {
          const outputs = schema.resources?.[obj.token]?.properties ?? {};
          const camel = Object.keys(outputs).find((p) => pyName(p) === node.name);
          if (camel === undefined) {
            errors.push(`line ${node.line}: no output ${node.name} on ${obj.token} (its outputs, in Python: ${Object.keys(outputs).map(pyName).join(", ")})`);
            return { kind: "other", what: `the missing output ${node.name}` };
          }
          return outputValue(schema, obj.token, camel, `line ${node.line}`, errors);
        }
        errors.push(`line ${node.line}: .${node.name} of ${obj.kind} is outside what this spec types`);
        return { kind: "other", what: `.${node.name}` };
      }
      case "call": {
        const fn = evaluate(node.fn);
        if (fn.kind === "resourceClass") {
          const spec = schema.resources?.[fn.token] ?? {};
          const name = node.args[0];
          if (node.args.length !== 1 || name.t !== "str") errors.push(`line ${node.line}: ${fn.token} takes its resource name as the only positional argument`);
          keywords(node, fn.token, spec.inputProperties ?? {}, spec.requiredInputs ?? [], pyInitParam, ["opts"]);
          return { kind: "resource", token: fn.token };
        }
        if (fn.kind === "argsClass") {
          const type = schema.types?.[fn.token] as TypeSpec;
          if (node.args.length > 0) errors.push(`line ${node.line}: input classes take keyword arguments only`);
          const values = keywords(node, fn.token, type.properties ?? {}, type.required ?? [], pyName, []);
          return { kind: "typed", spec: { $ref: `${LOCAL_TYPE}${fn.token}` }, secret: values.some((v) => v.secret), output: values.some((v) => v.output) };
        }
        if (fn.kind === "pulumi" && fn.member === "Config") return { kind: "config" };
        if (fn.kind === "pulumi" && fn.member === "ResourceOptions") {
          for (const kw of node.kwargs) evaluate(kw.value);
          return { kind: "options" };
        }
        if (fn.kind === "pulumi" && fn.member === "export") {
          if (node.args.length !== 2 || node.args[0].t !== "str") errors.push(`line ${node.line}: pulumi.export takes a name and a value`);
          for (const arg of node.args) evaluate(arg);
          return { kind: "none" };
        }
        if (fn.kind === "pulumi" && fn.member === "Output.secret" && node.args.length === 1) return secret(asValue(evaluate(node.args[0]), node.line));
        if (fn.kind === "configMethod") {
          const result = CONFIG_METHODS[fn.method];
          if (result === undefined || node.args.length !== 1 || node.args[0].t !== "str") {
            errors.push(`line ${node.line}: config.${fn.method}(…) is not a config getter this spec types`);
            return { kind: "other", what: `config.${fn.method}` };
          }
          return result;
        }
        errors.push(`line ${node.line}: a call of ${fn.kind} is outside what this spec types`);
        return { kind: "other", what: "an unknown call" };
      }
    }
  };

  // Logical lines: imports, `name = expression`, `if expression:`, expression statements.
  const lines: Token[][] = [];
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.kind === "newline") {
      if (current.length > 0) lines.push(current);
      current = [];
    } else current.push(t);
  }
  for (const line of lines) {
    const first = line[0];
    try {
      if (first.kind === "name" && first.text === "import") {
        const text = line.slice(1).map((t) => t.text).join(" ");
        const m = /^([\w.]+)(?: as (\w+))?$/.exec(text.replace(/ \. /g, "."));
        if (!m) throw new Error(`line ${first.line}: import ${text} is outside the subset this spec reads`);
        const [, imported, alias] = m;
        if (imported === "pulumi") env.set(alias ?? "pulumi", { kind: "module", module: "pulumi" });
        else if (imported === module) env.set(alias ?? module, { kind: "module", module: "sdk" });
        else if (imported.startsWith("pulumi_")) errors.push(`line ${first.line}: imports ${imported}, but the SDK generated from the schema is the module ${module}`);
        else throw new Error(`line ${first.line}: import ${imported} is outside what this spec types`);
        continue;
      }
      let body = line;
      if (first.kind === "name" && (first.text === "if" || first.text === "elif")) {
        if (!(body[body.length - 1].kind === "op" && body[body.length - 1].text === ":")) throw new Error(`line ${first.line}: a one-line ${first.text} is outside the subset this spec reads`);
        body = body.slice(1, -1);
      } else if (first.kind === "name" && first.text === "else" && line.length === 2) {
        continue;
      }
      let target: string | undefined;
      if (body[0].kind === "name" && body[1]?.kind === "op" && body[1].text === "=") {
        target = body[0].text;
        body = body.slice(2);
      }
      if (body[0]?.kind === "name" && PYTHON_KEYWORDS.has(body[0].text) && !["True", "False", "None"].includes(body[0].text)) {
        throw new Error(`line ${body[0].line}: "${body[0].text}" is outside the subset of Python this spec reads`);
      }
      const parser = new Parser(body);
      const node = parser.expression();
      if (!parser.atEnd()) throw new Error(`line ${parser.peek()?.line}: ${JSON.stringify(parser.peek()?.text)} is outside the subset of Python this spec reads`);
      const result = evaluate(node);
      if (target !== undefined) env.set(target, result);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------

/** `text` with `from` replaced by `to`, failing when `from` is not in it (a mutation that changes nothing proves nothing). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  assert.notEqual(out, text, `the mutation ${String(from)} does not apply to the example any more`);
  return out;
}

function yamlErrors(text: string, schema: PackageSchema): string[] {
  return checkYamlProgram(yaml.load(text), schema);
}

describe("other-language examples against provider/schema.json", () => {
  const schema = loadSchema();
  const yamlText = fs.readFileSync(YAML_EXAMPLE, "utf8");
  const pythonText = fs.readFileSync(PYTHON_EXAMPLE, "utf8");

  it("the schema has the component with its outputs", () => {
    const component = schema.resources?.[COMPONENT];
    assert.ok(component, `${COMPONENT} is not in provider/schema.json yet`);
    assert.equal(component.isComponent, true);
    for (const output of ["roleArn", "clickPipeSource"]) assert.ok(component.properties?.[output], `no output ${output}`);
  });

  describe("pyName, the port of Pulumi's PyName", () => {
    it("gives the names of pulumi/pulumi's own PyName tests", () => {
      // pkg/codegen/python/python_test.go, the cases without a legacy exception.
      const cases: Array<[string, string]> = [
        ["kubeletConfigKey", "kubelet_config_key"],
        ["podCIDR", "pod_cidr"],
        ["podCidr", "pod_cidr"],
        ["podCIDRs", "pod_cidrs"],
        ["podIPs", "pod_ips"],
        ["nonResourceURLs", "non_resource_urls"],
        ["someTHINGsAREWeird", "some_things_are_weird"],
        ["podCIDRSet", "pod_cidr_set"],
        ["Sha256Hash", "sha256_hash"],
        ["SHA256Hash", "sha256_hash"],
        ["proj:config", "proj_config"],
      ];
      assert.deepEqual(cases.map(([input]) => pyName(input)), cases.map(([, expected]) => expected));
    });

    it("names this package's module and arguments as the examples use them", () => {
      assert.equal(pythonModule(schema), "pulumi_clickpipes_rds_iam");
      assert.deepEqual(["clickPipeSource", "dbInstanceIdentifier", "roleArn", "iamAuthTimeoutMinutes", "tlsCa"].map(pyName), [
        "click_pipe_source",
        "db_instance_identifier",
        "role_arn",
        "iam_auth_timeout_minutes",
        "tls_ca",
      ]);
    });
  });

  describe("docs/other-languages.md", () => {
    const doc = fs.readFileSync(OTHER_LANGUAGES_DOC, "utf8");
    const fenced = (lang: string) => [...doc.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1]);

    it("gives the `pulumi package add` line of this version, which both examples record under packages:", () => {
      const versions = ["package.json", "provider/package.json"].map((f) => (JSON.parse(fs.readFileSync(path.join(ROOT, f), "utf8")) as { version: string }).version);
      assert.equal(versions[0], versions[1], "package.json and provider/package.json name different versions");
      const argument = `github.com/clickpipes-rds-iam/clickpipes-rds-iam/provider@v${versions[0]}`;
      assert.ok(doc.includes(`pulumi package add ${argument}\n`), `the doc does not give \`pulumi package add ${argument}\``);
      for (const file of [YAML_EXAMPLE, path.join(path.dirname(PYTHON_EXAMPLE), "Pulumi.yaml")]) {
        const project = yaml.load(fs.readFileSync(file, "utf8")) as { packages?: Record<string, unknown> };
        assert.equal(project.packages?.[schema.name], argument, path.relative(ROOT, file));
      }
    });

    it("has a YAML and a Python snippet that check out against the schema", () => {
      const [yamlSnippet] = fenced("yaml");
      const [pythonSnippet] = fenced("python");
      assert.ok(yamlSnippet && pythonSnippet, "the doc has no yaml or no python code block");
      assert.deepEqual(yamlErrors(yamlSnippet, schema), []);
      assert.deepEqual(checkPythonProgram(pythonSnippet, schema), []);
    });

    it("names, in its Python table, only input classes the SDK has", () => {
      const section = doc.slice(doc.indexOf("\n## Python\n"), doc.indexOf("\n## ", doc.indexOf("\n## Python\n") + 1));
      const pythonColumn = [...section.matchAll(/^\|[^|]*\|([^|]*)\|/gm)].map((m) => m[1]).join(" ");
      const names = [...pythonColumn.matchAll(/`(\w+Args)`/g)].map((m) => m[1]);
      assert.ok(names.length > 0);
      const source = ["import pulumi_clickpipes_rds_iam as sdk", ...names.map((n) => `sdk.${n}`)].join("\n");
      assert.deepEqual(checkPythonProgram(source, schema), []);
    });
  });

  describe("examples/yaml-other-languages", () => {
    it("is a YAML program whose resources, properties, references and values all check out", () => {
      const doc = yaml.load(yamlText) as { runtime: string; resources: Record<string, { type: string }> };
      assert.equal(doc.runtime, "yaml");
      assert.deepEqual(Object.values(doc.resources).map((r) => yamlToken(r.type)), [COMPONENT]);
      assert.deepEqual(yamlErrors(yamlText, schema), []);
    });

    const cases: Array<[string, string | RegExp, string, RegExp]> = [
      ["a misspelled property", "dbInstanceIdentifier: ${", "dbInstanceIdentifer: ${", /properties\.dbInstanceIdentifer: no input property "dbInstanceIdentifer"/],
      ["an unknown resource type", "index:ClickPipesRdsIamAccess", "index:ClickPipesRdsIamAcess", /no resource type clickpipes-rds-iam:index:ClickPipesRdsIamAcess/],
      ["a string where an array is expected", "schemas: [public, billing]", "schemas: public", /properties\.schemas: "public" where an array of string is expected/],
      ["a value not in the enum", "engine: postgres", "engine: postgresql", /properties\.engine: "postgresql" is not a value of enum/],
      ["a secret property from config that is not secret", /adminPassword:\n {4}type: string\n {4}secret: true/, "adminPassword:\n    type: string", /properties\.adminPassword: a secret property, given a value that is not secret/],
      ["a config value of the wrong type", /clickhouseRoleArn:\n {4}type: string/, "clickhouseRoleArn:\n    type: integer", /properties\.clickhouseRoleArn: type integer where string is expected/],
      ["an output that does not exist", "${orders.roleArn}", "${orders.roleArns}", /outputs\.roleArn: no output "roleArns"/],
      ["a reference to nothing", "${dbInstanceIdentifier}", "${dbInstanceId}", /\$\{dbInstanceId\} names no config key, variable or resource/],
      ["an Output where a plain value is needed", "schemas: [public, billing]", "schemas: [public, \"${adminPassword}\"]", /properties\.schemas\[1\]: a plain property, given an Output/],
      ["a required input left out", /\n {6}engine: postgres/, "", /required input "engine" of clickpipes-rds-iam:index:ClickPipesRdsIamAccess is missing/],
    ];
    for (const [what, from, to, expected] of cases) {
      it(`reports ${what}`, () => {
        const errors = yamlErrors(mutate(yamlText, from, to), schema);
        assert.ok(errors.some((e) => expected.test(e)), `expected ${expected}, got ${JSON.stringify(errors)}`);
      });
    }
  });

  describe("examples/python-other-languages", () => {
    it("is a Python program whose classes, keywords, attributes and values all check out", () => {
      assert.match(pythonText, new RegExp(`^import ${pythonModule(schema)} as clickpipes$`, "m"));
      assert.equal((pythonText.match(/clickpipes\.ClickPipesRdsIamAccess\(/g) ?? []).length, 2, "the MariaDB instance and the Aurora PostgreSQL cluster");
      assert.deepEqual(checkPythonProgram(pythonText, schema), []);
    });

    const cases: Array<[string, string | RegExp, string, RegExp]> = [
      ["a misspelled keyword argument", "db_instance_identifier=", "db_instance_identifer=", /no keyword argument db_instance_identifer for clickpipes-rds-iam:index:ClickPipesRdsIamAccess/],
      ["a camelCase keyword argument", "db_instance_identifier=", "dbInstanceIdentifier=", /no keyword argument dbInstanceIdentifier/],
      ["a string where an array is expected", 'databases=["billing", "invoices"]', 'databases="billing"', /databases \(databases\): "billing" where an array of string is expected/],
      ["a string where a boolean is expected", "cdc=True", 'cdc="true"', /cdc \(cdc\): "true" where a boolean is expected/],
      ["an enum member that does not exist", "Engine.MARIADB", "Engine.MARIA_DB", /has no member MARIA_DB/],
      ["an input type without its Args suffix", "AwsAssumeRoleArgs(", "AwsAssumeRole(", /the SDK's input class for object type .* is AwsAssumeRoleArgs/],
      ["a misspelled keyword of an input type", "role_arn=config", "rolearn=config", /no keyword argument rolearn for/],
      ["an Output where a plain value is needed", 'databases=["billing", "invoices"]', 'databases=["billing", config.require_secret("adminPassword")]', /databases \(databases\)\[1\]: a plain property, given an Output/],
      ["a secret argument that is not secret", 'admin_password=config.require_secret("adminPassword")', 'admin_password=config.require("adminPassword")', /admin_password \(adminPassword\): a secret property, given a value that is not secret/],
      ["an output that does not exist", "billing.role_arn", "billing.rolearn", /no output rolearn on clickpipes-rds-iam:index:ClickPipesRdsIamAccess/],
      ["another module than the generated one", "import pulumi_clickpipes_rds_iam as", "import pulumi_clickpipes as", /imports pulumi_clickpipes, but the SDK generated from the schema is the module pulumi_clickpipes_rds_iam/],
      ["Python outside the subset it reads", "aurora_cluster = config.get", "aurora_cluster = [x for x in y]\naurora_cluster = config.get", /comprehensions are outside the subset/],
    ];
    for (const [what, from, to, expected] of cases) {
      it(`reports ${what}`, () => {
        const errors = checkPythonProgram(mutate(pythonText, from, to), schema);
        assert.ok(errors.some((e) => expected.test(e)), `expected ${expected}, got ${JSON.stringify(errors)}`);
      });
    }
  });
});
