/**
 * Reads a Pulumi stack config file (`Pulumi.<stack>.yaml`) for the offline plan and the example
 * specs: the `config:` section, turned into the strings the Pulumi CLI hands a program, and an
 * optional `lookups:` section with what AWS would answer to the component's lookups.
 *
 * The Pulumi CLI ignores `lookups:` (it reads only the keys it knows), so the same file still
 * works for `pulumi up`, which asks AWS instead.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";

/** What a lookup of an existing instance or cluster answers, named as the RDS console and CLI show it. */
export interface LookupAnswer {
  /** DBInstanceArn / DBClusterArn; partition, region and account are read from it. */
  arn: string;
  /** DbiResourceId (`db-…`) / DbClusterResourceId (`cluster-…`). */
  resourceId: string;
  /** Engine, such as "postgres", "aurora-mysql" or "mariadb". */
  engine: string;
  /** EngineVersion, such as "16.4" (quote it in YAML). */
  engineVersion: string;
  /** Endpoint.Address (instance) or Endpoint (cluster writer endpoint). */
  endpoint: string;
  /** Endpoint.Port / Port. */
  port: number;
  /** Instances only: DBClusterIdentifier, set when the instance belongs to an Aurora cluster. */
  dbClusterIdentifier?: string;
  /** Clusters only: IAMDatabaseAuthenticationEnabled. @default false */
  iamDatabaseAuthenticationEnabled?: boolean;
}

/** What the ClickHouse Cloud API answers for a service (`GET /v1/organizations/{org}/services/{id}`), the field the program reads. */
export interface ClickHouseServiceAnswer {
  /** "Service role ID (IAM)" in the service's Settings. */
  iamRole: string;
}

/** Lookup answers by identifier (ClickHouse services by service ID). */
export interface Lookups {
  instances: Record<string, LookupAnswer>;
  clusters: Record<string, LookupAnswer>;
  clickhouseServices: Record<string, ClickHouseServiceAnswer>;
}

/** A stack config file, ready to hand to a program. */
export interface StackFile {
  /** `namespace:key` to the string the program reads (objects and lists as JSON), as the Pulumi CLI passes them. */
  config: Record<string, string>;
  /** Keys whose value is `secure:` in the file. */
  secretKeys: string[];
  /** The values as the file holds them (YAML scalars, lists and mappings; `secure:` ones as the placeholder), for type checks. */
  raw: Record<string, unknown>;
  lookups: Lookups;
}

/** A stack file that cannot be used; the message names the file and the entry. */
export class StackFileError extends Error {}

/**
 * What a `secure:` value becomes offline: the ciphertext cannot be decrypted without the stack's
 * secrets provider. The program still sees a secret, so it prints as [secret].
 */
export const SECRET_PLACEHOLDER = "offline-plan-placeholder-secret";

const REQUIRED_FIELDS = ["arn", "resourceId", "engine", "engineVersion", "endpoint", "port"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSecure(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

/** Replaces `secure:` leaves with the placeholder; reports whether there were any. */
function unsecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(unsecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isRecord(v)) {
    const entries = Object.entries(v).map(([k, x]) => [k, unsecure(x)] as const);
    return { value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])), secret: entries.some(([, x]) => x.secret) };
  }
  return { value: v, secret: false };
}

/** The string the Pulumi CLI passes for a config value: strings as they are, anything else as JSON. */
export function configString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function lookupAnswer(file: string, where: string, raw: unknown, kind: "instances" | "clusters"): LookupAnswer {
  if (!isRecord(raw)) throw new StackFileError(`${file}: \`${where}\` is not a mapping; give ${REQUIRED_FIELDS.join(", ")}.`);
  for (const field of REQUIRED_FIELDS) {
    if (raw[field] === undefined || raw[field] === null || raw[field] === "") {
      throw new StackFileError(`${file}: \`${where}.${field}\` is missing; copy it from \`aws rds describe-db-${kind}\`.`);
    }
  }
  const known: readonly string[] = [...REQUIRED_FIELDS, "iamDatabaseAuthenticationEnabled", ...(kind === "instances" ? ["dbClusterIdentifier"] : [])];
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new StackFileError(`${file}: \`${where}.${unknown[0]}\` is not a lookup field; use ${known.join(", ")}.`);
  }
  if (typeof raw.port !== "number" || !Number.isInteger(raw.port)) throw new StackFileError(`${file}: \`${where}.port\` "${String(raw.port)}" is not a port number.`);
  if (raw.iamDatabaseAuthenticationEnabled !== undefined && typeof raw.iamDatabaseAuthenticationEnabled !== "boolean") {
    throw new StackFileError(`${file}: \`${where}.iamDatabaseAuthenticationEnabled\` "${String(raw.iamDatabaseAuthenticationEnabled)}" is not true or false.`);
  }
  const answer: LookupAnswer = {
    arn: String(raw.arn),
    resourceId: String(raw.resourceId),
    engine: String(raw.engine),
    engineVersion: String(raw.engineVersion),
    endpoint: String(raw.endpoint),
    port: raw.port,
  };
  if (raw.dbClusterIdentifier !== undefined) answer.dbClusterIdentifier = String(raw.dbClusterIdentifier);
  if (raw.iamDatabaseAuthenticationEnabled !== undefined) answer.iamDatabaseAuthenticationEnabled = raw.iamDatabaseAuthenticationEnabled;
  return answer;
}

function lookupSection(file: string, raw: unknown, kind: "instances" | "clusters"): Record<string, LookupAnswer> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new StackFileError(`${file}: \`lookups.${kind}\` is not a mapping of identifier to answer.`);
  return Object.fromEntries(Object.entries(raw).map(([id, answer]) => [id, lookupAnswer(file, `lookups.${kind}.${id}`, answer, kind)]));
}

/** `lookups.clickhouseServices`: service ID to `{ iamRole }`. */
function clickhouseServiceSection(file: string, raw: unknown): Record<string, ClickHouseServiceAnswer> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new StackFileError(`${file}: \`lookups.clickhouseServices\` is not a mapping of service ID to { iamRole }.`);
  return Object.fromEntries(
    Object.entries(raw).map(([id, answer]) => {
      const where = `lookups.clickhouseServices.${id}`;
      if (!isRecord(answer) || typeof answer.iamRole !== "string" || answer.iamRole === "") {
        throw new StackFileError(`${file}: \`${where}.iamRole\` is missing; copy "Service role ID (IAM)" from the service's Settings.`);
      }
      const unknown = Object.keys(answer).find((k) => k !== "iamRole");
      if (unknown !== undefined) throw new StackFileError(`${file}: \`${where}.${unknown}\` is not a lookup field; use iamRole.`);
      return [id, { iamRole: answer.iamRole }];
    }),
  );
}

/** Parses the text of a stack config file; `file` names it in messages. Throws `StackFileError`. */
export function parseStackFile(text: string, file: string): StackFile {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: file });
  } catch (e) {
    throw new StackFileError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  if (!isRecord(doc)) throw new StackFileError(`${file} is not a Pulumi stack config file; it needs a \`config:\` mapping.`);
  const rawConfig = doc.config ?? {};
  if (!isRecord(rawConfig)) throw new StackFileError(`${file}: \`config\` is not a mapping of \`project:key\` to value.`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(rawConfig)) {
    if (!/^[^:]+:[^:]+$/.test(key)) throw new StackFileError(`${file}: config key \`${key}\` is not of the form \`namespace:key\`.`);
    const { value, secret } = unsecure(raw);
    config[key] = configString(value);
    values[key] = value;
    if (secret) secretKeys.push(key);
  }
  const rawLookups = doc.lookups ?? {};
  if (!isRecord(rawLookups)) throw new StackFileError(`${file}: \`lookups\` is not a mapping with \`instances\`, \`clusters\` and \`clickhouseServices\`.`);
  const unknown = Object.keys(rawLookups).filter((k) => k !== "instances" && k !== "clusters" && k !== "clickhouseServices");
  if (unknown.length > 0) throw new StackFileError(`${file}: \`lookups.${unknown[0]}\` is not known; use \`lookups.instances\`, \`lookups.clusters\` and \`lookups.clickhouseServices\`.`);
  return {
    config,
    secretKeys,
    raw: values,
    lookups: {
      instances: lookupSection(file, rawLookups.instances, "instances"),
      clusters: lookupSection(file, rawLookups.clusters, "clusters"),
      clickhouseServices: clickhouseServiceSection(file, rawLookups.clickhouseServices),
    },
  };
}

/** Reads and parses a stack config file. Throws `StackFileError`. */
export function readStackFile(file: string): StackFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new StackFileError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}.`);
  }
  return parseStackFile(text, file);
}

/** Moves project config (`fromProject:key`) into `toProject`, leaving other namespaces (such as `aws:`) alone. */
export function renameProject(stack: StackFile, fromProject: string, toProject: string): StackFile {
  const rename = (key: string): string => (key.startsWith(`${fromProject}:`) ? `${toProject}:${key.slice(fromProject.length + 1)}` : key);
  return {
    ...stack,
    config: Object.fromEntries(Object.entries(stack.config).map(([k, v]) => [rename(k), v])),
    secretKeys: stack.secretKeys.map(rename),
    raw: Object.fromEntries(Object.entries(stack.raw).map(([k, v]) => [rename(k), v])),
  };
}
