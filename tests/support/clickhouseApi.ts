/**
 * A fake ClickHouse Cloud API on 127.0.0.1 (a random port) for the ClickHouse specs: the service
 * GET, ClickPipes POST/GET (one and list)/PATCH/DELETE and `PATCH …/state`, behind HTTP Basic
 * auth. Every request body is validated against components/clickhouse/clickpipeRequest.schema.json
 * (a 400 in the API's own envelope when it does not conform). Specs script what the real API does
 * at its worst: 429 and 5xx answers, slow answers, validation failures, and the states a pipe
 * goes through (Provisioning → Running, or → Failed).
 *
 * Envelope and error texts as the API sends them: `{ status, requestId, result }` and
 * `{ status, requestId, error: "BAD_REQUEST: …" }` (terraform-provider-clickhouse
 * internal/api/clickpipe_test.go, internal/service/clickhouse/resource/clickpipe.go:
 * "Postgres ClickPipe must be paused to edit", "ClickPipe is already running").
 */
import * as http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import schema from "../../components/clickhouse/clickpipeRequest.schema.json";
import type { ClickPipeSource } from "../../components/clickpipe";
import type { ClickPipeInputs, ClickPipeTableMapping } from "../../components/clickhouse/clickPipeSpec";
import { answerServiceLookups } from "../../components/clickhouse/serviceRole";
import { fakeClock } from "./iamAuthFakes";

// ---------------------------------------------------------------------------------------------
// A JSON Schema validator for the keywords the schema uses: $ref (to #/$defs), type, enum,
// required, properties, additionalProperties (false), minProperties, maxProperties, items,
// minItems, minLength, maxLength, minimum, maximum.

export interface JsonSchema {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

const KNOWN_KEYWORDS = new Set([
  "$ref", "type", "enum", "required", "properties", "additionalProperties", "minProperties", "maxProperties", "items", "minItems", "minLength", "maxLength", "minimum", "maximum", "description", "$comment", "title",
]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The errors of `value` against `s`, each as "path: problem"; empty when it conforms. */
export function validateJson(s: JsonSchema, value: unknown, root: { $defs?: Record<string, JsonSchema> }, path = "$"): string[] {
  for (const k of Object.keys(s)) if (!KNOWN_KEYWORDS.has(k)) throw new Error(`The validator does not implement keyword "${k}" (at ${path}).`);
  if (s.$ref !== undefined) {
    const name = /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1];
    const target = name === undefined ? undefined : root.$defs?.[name];
    if (target === undefined) throw new Error(`Unresolvable $ref ${s.$ref}.`);
    return validateJson(target, value, root, path);
  }
  const errors: string[] = [];
  const t = typeOf(value);
  if (s.type !== undefined && !(t === s.type || (s.type === "number" && t === "integer"))) return [`${path}: expected ${s.type}, got ${t}`];
  if (s.enum !== undefined && !s.enum.some((e) => e === value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path}: longer than ${s.maxLength}`);
  }
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => errors.push(...validateJson(s.items as JsonSchema, v, root, `${path}[${i}]`)));
  }
  if (t === "object") {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const r of s.required ?? []) if (!(r in o)) errors.push(`${path}: missing required property "${r}"`);
    if (s.minProperties !== undefined && keys.length < s.minProperties) errors.push(`${path}: fewer than ${s.minProperties} properties`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) errors.push(`${path}: more than ${s.maxProperties} properties`);
    for (const k of keys) {
      const sub = s.properties?.[k];
      if (sub !== undefined) errors.push(...validateJson(sub, o[k], root, `${path}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${path}: unknown property "${k}"`);
    }
  }
  return errors;
}

/** The project's request schema, by definition name. */
export const REQUEST_SCHEMA = schema as unknown as { $defs: Record<string, JsonSchema> };

export function validateRequest(def: "PostRequest" | "PatchRequest" | "StatePatchRequest", body: unknown): string[] {
  return validateJson({ $ref: `#/$defs/${def}` }, body, REQUEST_SCHEMA);
}

// ---------------------------------------------------------------------------------------------
// The server.

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

/** A response the server gives instead of the real one, to the first request that matches. */
export interface Scripted {
  method?: string;
  /** Matched against the path (after the /v1 prefix is removed). */
  path?: RegExp;
  status: number;
  /** Sent as JSON; for a status >= 400 wrapped as { status, requestId, error } when a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds before answering. */
  delayMs?: number;
  /** Also do what the request asks (then answer with this status and body). */
  passThrough?: boolean;
}

export interface FakePipe {
  id: string;
  serviceId: string;
  name: string;
  state: string;
  /** States the pipe takes next, one per GET. */
  upcoming: string[];
  kind: "postgres" | "mysql";
  source: Record<string, unknown>;
  destination: { database: string };
}

export const TEST_KEY_ID = "test-key-id";
export const TEST_KEY_SECRET = "4b1d-test-key-secret-do-not-leak";
export const ORG_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
export const SERVICE_ID = "7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7";
export const SERVICE_ROLE = "arn:aws:iam::111122223333:role/CH-S3-fake-service-Role";

/** The service the fake holds after `reset`: on AWS, with its IAM role. */
function defaultService(): Record<string, unknown> {
  return { id: SERVICE_ID, name: "fake", provider: "aws", region: "us-east-1", state: "running", iamRole: SERVICE_ROLE };
}

export class FakeClickHouseApi {
  readonly requests: RecordedRequest[] = [];
  readonly pipes = new Map<string, FakePipe>();
  /** Services by ID: what GET answers (`iamRole` and more). */
  readonly services = new Map<string, Record<string, unknown>>();
  /** States a new pipe goes through after Provisioning, one per GET. */
  createStates: string[] = [];
  /** Echo the Authorization header in 401 errors (a misbehaving server): the client must still hide the key. */
  echoAuthorization = false;
  private scripted: Scripted[] = [];
  private server?: http.Server;
  private base = "";

  constructor() {
    this.reset();
  }

  /** The base URL, such as http://127.0.0.1:12345/v1. */
  get url(): string {
    return `${this.base}/v1`;
  }

  script(...responses: Scripted[]): void {
    this.scripted.push(...responses);
  }

  /** Scripted responses not used yet. */
  get unusedScript(): Scripted[] {
    return [...this.scripted];
  }

  /** Back to the start: no requests, pipes or script; the one default service. */
  reset(): void {
    this.requests.length = 0;
    this.pipes.clear();
    this.scripted = [];
    this.createStates = ["Setup", "Snapshot", "Running"];
    this.echoAuthorization = false;
    this.services.set(SERVICE_ID, defaultService());
  }

  /** Calls recorded as "METHOD path", the /v1 prefix removed. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "").replace(/^\/v1/, "");
    const method = req.method ?? "GET";
    let body: unknown = undefined;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    this.requests.push({ method, path, body, authorization: req.headers.authorization });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const envelope = status >= 400 && typeof payload === "string" ? { status, requestId: randomUUID(), error: payload } : status < 400 ? { status, requestId: randomUUID(), result: payload } : payload;
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(envelope));
    };

    const expected = `Basic ${Buffer.from(`${TEST_KEY_ID}:${TEST_KEY_SECRET}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      send(401, `UNAUTHORIZED: Invalid API key${this.echoAuthorization ? ` (got ${String(req.headers.authorization)})` : ""}`);
      return;
    }

    const i = this.scripted.findIndex((s) => (s.method === undefined || s.method === method) && (s.path === undefined || s.path.test(path)));
    if (i >= 0) {
      const s = this.scripted.splice(i, 1)[0];
      if (s.delayMs !== undefined) await new Promise((r) => setTimeout(r, s.delayMs));
      if (res.destroyed) return;
      if (s.passThrough) this.route(method, path, body, () => undefined);
      send(s.status, s.body ?? (s.status >= 400 ? `ERROR ${s.status}` : {}), s.headers);
      return;
    }
    this.route(method, path, body, send);
  }

  private route(method: string, path: string, body: unknown, send: (status: number, payload: unknown) => void): void {
    const m = /^\/organizations\/([^/]+)\/services\/([^/]+)(\/clickpipes(?:\/([^/]+)(\/state)?)?)?$/.exec(path);
    if (m === null || m[1] !== ORG_ID) return send(404, "NOT_FOUND: Organization not found");
    const [, , serviceId, pipes, pipeId, state] = m;
    const service = this.services.get(serviceId);
    if (service === undefined) return send(404, `NOT_FOUND: Service ${serviceId} not found`);
    if (pipes === undefined) return method === "GET" ? send(200, service) : send(405, "METHOD_NOT_ALLOWED");
    if (pipeId === undefined) {
      if (method === "GET") return send(200, [...this.pipes.values()].filter((p) => p.serviceId === serviceId).map((p) => this.view(p)));
      if (method === "POST") return this.create(serviceId, body, send);
      return send(405, "METHOD_NOT_ALLOWED");
    }
    const pipe = this.pipes.get(pipeId);
    if (pipe === undefined || pipe.serviceId !== serviceId) return send(404, `NOT_FOUND: ClickPipe ${pipeId} not found`);
    if (state !== undefined) return method === "PATCH" ? this.changeState(pipe, body, send) : send(405, "METHOD_NOT_ALLOWED");
    switch (method) {
      case "GET": {
        const next = pipe.upcoming.shift();
        if (next !== undefined) pipe.state = next;
        return send(200, this.view(pipe));
      }
      case "PATCH":
        return this.patch(pipe, body, send);
      case "DELETE":
        this.pipes.delete(pipe.id);
        return send(200, {});
      default:
        return send(405, "METHOD_NOT_ALLOWED");
    }
  }

  private invalid(def: "PostRequest" | "PatchRequest" | "StatePatchRequest", body: unknown, send: (status: number, payload: unknown) => void): boolean {
    const errors = validateRequest(def, body);
    if (errors.length === 0) return false;
    send(400, `BAD_REQUEST: Invalid request body: ${errors.join("; ")}`);
    return true;
  }

  private create(serviceId: string, body: unknown, send: (status: number, payload: unknown) => void): void {
    if (this.invalid("PostRequest", body, send)) return;
    const b = body as { name: string; source: Record<string, Record<string, unknown>>; destination: { database: string } };
    const kind = "postgres" in b.source ? "postgres" : "mysql";
    const pipe: FakePipe = { id: randomUUID(), serviceId, name: b.name, state: "Provisioning", upcoming: [...this.createStates], kind, source: structuredClone(b.source[kind]), destination: b.destination };
    this.pipes.set(pipe.id, pipe);
    send(200, this.view(pipe));
  }

  private patch(pipe: FakePipe, body: unknown, send: (status: number, payload: unknown) => void): void {
    if (this.invalid("PatchRequest", body, send)) return;
    const b = body as { name?: string; source?: Record<string, Record<string, unknown>> };
    const s = b.source?.[pipe.kind];
    if (b.source !== undefined && s === undefined) return send(400, `BAD_REQUEST: ClickPipe source is ${pipe.kind}`);
    const mappings = (pipe.source.tableMappings as Array<Record<string, unknown>>) ?? [];
    const key = (m: Record<string, unknown>) => `${String(m.sourceSchemaName)}.${String(m.sourceTable)}`;
    const toAdd = (s?.tableMappingsToAdd as Array<Record<string, unknown>> | undefined) ?? [];
    const toRemove = (s?.tableMappingsToRemove as Array<Record<string, unknown>> | undefined) ?? [];
    const editsMappings = toAdd.length > 0 || toRemove.length > 0;
    const cdc = (pipe.source.settings as { replicationMode?: string }).replicationMode !== "snapshot";
    if (pipe.state === "Completed") return send(400, "BAD_REQUEST: ClickPipe is in Completed state and cannot be modified");
    if (editsMappings && pipe.state !== "Paused") {
      return send(400, `BAD_REQUEST: ${pipe.kind === "postgres" ? "Postgres" : "MySQL"} ClickPipe must be paused to edit`);
    }
    for (const r of toRemove) if (!mappings.some((m) => key(m) === key(r))) return send(400, `BAD_REQUEST: Table ${key(r)} is not replicated by this ClickPipe`);
    for (const a of toAdd) if (mappings.some((m) => key(m) === key(a) && !toRemove.some((r) => key(r) === key(a)))) return send(400, `BAD_REQUEST: Table ${key(a)} is already replicated by this ClickPipe`);
    if (b.name !== undefined) pipe.name = b.name;
    for (const [k, v] of Object.entries(s ?? {})) if (k !== "tableMappingsToAdd" && k !== "tableMappingsToRemove") pipe.source[k] = v;
    pipe.source.tableMappings = [...mappings.filter((m) => !toRemove.some((r) => key(r) === key(m))), ...toAdd];
    // The API resumes a pipe after an edit of its tables, to validate it.
    if (editsMappings && cdc) pipe.upcoming = ["Modifying", "Snapshot", "Running"];
    send(200, this.view(pipe));
  }

  private changeState(pipe: FakePipe, body: unknown, send: (status: number, payload: unknown) => void): void {
    if (this.invalid("StatePatchRequest", body, send)) return;
    const command = (body as { command: string }).command;
    if (command === "start") {
      if (pipe.state === "Running" || pipe.upcoming.includes("Running")) return send(400, "BAD_REQUEST: ClickPipe is already running");
      pipe.state = "Provisioning";
      pipe.upcoming = ["Running"];
    } else if (command === "stop") {
      pipe.state = "Pausing";
      pipe.upcoming = ["Paused"];
    } else {
      pipe.state = "Resync";
      pipe.upcoming = ["Snapshot", "Running"];
    }
    send(200, this.view(pipe));
  }

  /** A pipe as GET answers it: no password, nothing the API does not return. */
  view(p: FakePipe): Record<string, unknown> {
    return { id: p.id, serviceId: p.serviceId, name: p.name, state: p.state, source: { [p.kind]: structuredClone(p.source) }, destination: p.destination, createdAt: "2026-11-02T10:00:00Z" };
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: one happy-path value per kind; specs change one field each.

/** Injected time: the IAM-auth specs' clock (`sleep` returns at once and moves `now` on; every wait is recorded). */
export { fakeClock };
export type FakeClock = ReturnType<typeof fakeClock>;

/** The role ClickPipes assumes, as the component creates it. */
export const RDS_ROLE = "arn:aws:iam::123456789012:role/orders-role-0123456";

export function postgresSource(settings: Record<string, unknown> = { replicationMode: "cdc", publicationName: "clickpipes_iam_user_publication" }): ClickPipeSource {
  return {
    type: "rdspostgres",
    host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
    port: 5432,
    database: "orders",
    authentication: "IAM_ROLE",
    iamRole: RDS_ROLE,
    credentials: { username: "clickpipes_iam_user" },
    settings: settings as unknown as ClickPipeSource["settings"],
  };
}

export function mysqlSource(): ClickPipeSource {
  return {
    type: "auroramysql",
    host: "shop-aurora.cluster-c1abcdefghij.us-east-1.rds.amazonaws.com",
    port: 3306,
    authentication: "IAM_ROLE",
    iamRole: RDS_ROLE,
    credentials: { username: "clickpipes_iam_user" },
    settings: { replicationMode: "cdc", replicationMechanism: "GTID" },
  };
}

export const ORDERS_MAPPING: ClickPipeTableMapping = { sourceSchemaName: "public", sourceTable: "orders", targetTable: "public_orders" };
export const CUSTOMERS_MAPPING: ClickPipeTableMapping = { sourceSchemaName: "public", sourceTable: "customers", targetTable: "public_customers", tableEngine: "ReplacingMergeTree" };

/** Provider inputs for a PostgreSQL CDC pipe on the fake. */
export function pipeInputs(fake: FakeClickHouseApi, overrides: Partial<ClickPipeInputs> = {}): ClickPipeInputs {
  return {
    organizationId: ORG_ID,
    serviceId: SERVICE_ID,
    apiKeyId: TEST_KEY_ID,
    apiKeySecret: TEST_KEY_SECRET,
    apiUrl: fake.url,
    pipeName: "orders",
    source: postgresSource(),
    tableMappings: [ORDERS_MAPPING],
    destinationDatabase: "default",
    stopped: false,
    waitTimeoutMinutes: 30,
    ...overrides,
  };
}

/**
 * Runs `run` with the program's ClickHouse service lookups answered from a stack file's
 * `lookups.clickhouseServices` (as the offline plan does), then restores whatever answered before.
 */
export async function withServiceLookups<T>(services: Record<string, { iamRole: string }> | undefined, run: () => Promise<T>): Promise<T> {
  const restore = answerServiceLookups(({ serviceId }) => {
    const answer = services?.[serviceId];
    if (answer === undefined) throw new Error(`ClickHouse service "${serviceId}" is not in \`lookups.clickhouseServices\`.`);
    return answer.iamRole;
  });
  try {
    return await run();
  } finally {
    restore();
  }
}
