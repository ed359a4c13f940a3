/**
 * A fake RDS (and STS `GetCallerIdentity`) endpoint on 127.0.0.1 (a random port), for specs whose
 * AWS calls run in another process (the plugin), out of reach of aws-sdk-client-mock. It speaks
 * the Query protocol as the AWS SDK v3 clients send it: a form-encoded POST
 * (`Action=…&Version=2014-10-31&…`, lists as `Tags.Tag.1.Key`, `TagKeys.member.1`), answered with
 * `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` in the service's XML
 * namespace, errors as `<ErrorResponse><Error><Type>Sender</Type><Code>…` with status 400 or 404.
 *
 * It holds instances and clusters (identifier, ARN, resource ID, engine, the IAM auth flag,
 * status, pending modifications, tags) and answers only the actions the IAM-auth enabler sends
 * (components/iamAuthRds.ts, components/aws/consumerTags.ts, components/aws/credentials.ts):
 * DescribeDBInstances, DescribeDBClusters, ModifyDBInstance, ModifyDBCluster,
 * ListTagsForResource, AddTagsToResource, RemoveTagsFromResource and STS GetCallerIdentity; any
 * other action is a 400 `InvalidAction`. A Modify with `ApplyImmediately=true` on an `available`
 * database applies the flag, and every other pending modification, at once (the database stays
 * `available`), so the enabler's wait ends at its first Describe; on a database in another status
 * it is refused with `InvalidDBInstanceState` / `InvalidDBClusterStateFault`, as RDS does. Every
 * request is recorded (service, action, parameters, the SigV4 credential scope) for assertions.
 *
 * Pointing a process at it, with no code change: {@link FakeRds.env}. The SDK of this repository
 * (@aws-sdk/client-rds and client-sts 3.1169.0, @smithy/core 3.41.1) honours
 * `AWS_ENDPOINT_URL_<SERVICE ID>`: node_modules/@smithy/core/dist-cjs/submodules/endpoints/index.js,
 * `getEndpointUrlConfig(serviceId)` reads `AWS_ENDPOINT_URL_` + the service ID upper-cased with
 * spaces as `_` (then `AWS_ENDPOINT_URL`), and `bindGetEndpointFromInstructions` uses it as a
 * custom endpoint when the client was given none and `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is not
 * set; the service IDs are "RDS" (client-rds dist-cjs/index.js, `serviceId: config?.serviceId ??
 * "RDS"`) and "STS" (client-sts, likewise). `rdsClient()` and `callerAccount()` pass no
 * `endpoint`, so both clients resolve it from the environment.
 */
import * as http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

export const RDS_NAMESPACE = "http://rds.amazonaws.com/doc/2014-10-31/";
export const RDS_VERSION = "2014-10-31";
export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
export const STS_VERSION = "2011-06-15";

/** The dummy credentials {@link FakeRds.env} hands the SDK's default chain. */
export const FAKE_ACCESS_KEY_ID = "AKIAFAKERDS000000000";
export const FAKE_SECRET_ACCESS_KEY = "fake-secret-access-key";

export type FakeDbKind = "instance" | "cluster";
/** A pending modification's value (scalars only: all the specs need). */
export type PendingValue = string | number | boolean;

/** One instance or cluster as the fake holds it. */
export interface FakeDb {
  kind: FakeDbKind;
  identifier: string;
  region: string;
  account: string;
  /** `arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`. */
  arn: string;
  /** `DbiResourceId` (instance) or `DbClusterResourceId` (cluster). */
  resourceId: string;
  engine: string;
  engineVersion: string;
  iamAuth: boolean;
  status: string;
  /** `PendingModifiedValues`, in the order Describe lists them. */
  pending: Record<string, PendingValue>;
  tags: Record<string, string>;
}

/** One request the fake received. */
export interface FakeRequest {
  service: "rds" | "sts";
  action: string;
  /** The form parameters other than `Action` and `Version`. */
  params: Record<string, string>;
  /** The SigV4 credential (`<access key>/<date>/<region>/<service>/aws4_request`), "" without one. */
  credential: string;
}

class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const el = (name: string, value: string | number | boolean): string => `<${name}>${escapeXml(String(value))}</${name}>`;

/** The values of a Query list parameter (`Name.<member>.N` or `Name.<member>.N.<field>`), by index. */
function listParam(params: Record<string, string>, name: string): Record<string, string>[] {
  const items = new Map<number, Record<string, string>>();
  const pattern = new RegExp(`^${name}\\.[A-Za-z]+\\.(\\d+)(?:\\.([A-Za-z]+))?$`);
  for (const [k, v] of Object.entries(params)) {
    const m = pattern.exec(k);
    if (!m) continue;
    const item = items.get(Number(m[1])) ?? {};
    item[m[2] ?? ""] = v;
    items.set(Number(m[1]), item);
  }
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}

export class FakeRds {
  /** Every request received, in order. */
  readonly requests: FakeRequest[] = [];
  /** The account STS `GetCallerIdentity` answers with. */
  callerAccount = "123456789012";
  private readonly dbs: FakeDb[] = [];
  private server: http.Server | undefined;
  private port = 0;

  /** Starts listening on 127.0.0.1 (a random port). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    if (this.server === undefined) throw new Error("the fake RDS endpoint is not started");
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment under which a process's AWS SDK v3 clients call this fake (and nothing else). */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_RDS: this.url,
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
      AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: FAKE_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_MAX_ATTEMPTS: "1",
    };
  }

  /** Adds a database; `over` sets any field (defaults: region eu-west-1, IAM auth off, `available`, nothing pending, no tags). */
  add(kind: FakeDbKind, identifier: string, over: Partial<Omit<FakeDb, "kind" | "identifier" | "arn">> = {}): FakeDb {
    const region = over.region ?? "eu-west-1";
    const account = over.account ?? "123456789012";
    const db: FakeDb = {
      kind,
      identifier,
      region,
      account,
      arn: `arn:aws:rds:${region}:${account}:${kind === "cluster" ? "cluster" : "db"}:${identifier}`,
      resourceId: over.resourceId ?? `${kind === "cluster" ? "cluster" : "db"}-${randomUUID().replace(/-/g, "").slice(0, 26).toUpperCase()}`,
      engine: over.engine ?? (kind === "cluster" ? "aurora-postgresql" : "postgres"),
      engineVersion: over.engineVersion ?? (kind === "cluster" ? "16.4" : "16.3"),
      iamAuth: over.iamAuth ?? false,
      status: over.status ?? "available",
      pending: { ...(over.pending ?? {}) },
      tags: { ...(over.tags ?? {}) },
    };
    if (this.find(kind, identifier) !== undefined) throw new Error(`the fake already has DB ${kind} "${identifier}"`);
    this.dbs.push(db);
    return db;
  }

  /** The database of that kind and identifier (case-insensitive, as RDS), if any. */
  find(kind: FakeDbKind, identifier: string): FakeDb | undefined {
    return this.dbs.find((d) => d.kind === kind && d.identifier.toLowerCase() === identifier.toLowerCase());
  }

  /** Deletes a database. */
  remove(db: FakeDb): void {
    const at = this.dbs.indexOf(db);
    if (at >= 0) this.dbs.splice(at, 1);
  }

  /** The requests received since `mark` (a former `requests.length`), as `[action, params]`. */
  calls(mark = 0): [string, Record<string, string>][] {
    return this.requests.slice(mark).map((r) => [r.action, r.params]);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const { Action: action = "", Version: version = "", ...params } = Object.fromEntries(form.entries());
      const service = version === STS_VERSION ? "sts" : "rds";
      const credential = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      this.requests.push({ service, action, params, credential });
      const namespace = service === "sts" ? STS_NAMESPACE : RDS_NAMESPACE;
      const requestId = randomUUID();
      let status = 200;
      let body: string;
      try {
        if (req.method !== "POST") throw new QueryError(400, "InvalidAction", `The fake answers POST only, not ${req.method}.`);
        if (version !== RDS_VERSION && version !== STS_VERSION) throw new QueryError(400, "InvalidParameterValue", `Unsupported Version "${version}".`);
        const result = service === "sts" ? this.sts(action) : this.rds(action, params);
        body =
          `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
          (result === undefined ? "" : `<${action}Result>${result}</${action}Result>`) +
          `<ResponseMetadata>${el("RequestId", requestId)}</ResponseMetadata></${action}Response>`;
      } catch (err) {
        const e = err instanceof QueryError ? err : new QueryError(500, "InternalFailure", String(err));
        status = e.status;
        body =
          `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error>${el("Type", e.status >= 500 ? "Receiver" : "Sender")}${el("Code", e.code)}${el("Message", e.message)}</Error>` +
          `${el("RequestId", requestId)}</ErrorResponse>`;
      }
      res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId });
      res.end(body);
    });
  }

  private sts(action: string): string {
    if (action !== "GetCallerIdentity") throw new QueryError(400, "InvalidAction", `Could not find operation ${action} for version ${STS_VERSION}`);
    return el("Arn", `arn:aws:sts::${this.callerAccount}:assumed-role/deploy/fake`) + el("UserId", "AROAFAKE:fake") + el("Account", this.callerAccount);
  }

  private rds(action: string, params: Record<string, string>): string | undefined {
    switch (action) {
      case "DescribeDBInstances":
        return `<DBInstances>${this.describe("instance", params.DBInstanceIdentifier)
          .map((d) => `<DBInstance>${this.xmlOf(d)}</DBInstance>`)
          .join("")}</DBInstances>`;
      case "DescribeDBClusters":
        return `<DBClusters>${this.describe("cluster", params.DBClusterIdentifier)
          .map((d) => `<DBCluster>${this.xmlOf(d)}</DBCluster>`)
          .join("")}</DBClusters>`;
      case "ModifyDBInstance":
        return `<DBInstance>${this.xmlOf(this.modify("instance", params.DBInstanceIdentifier, params))}</DBInstance>`;
      case "ModifyDBCluster":
        return `<DBCluster>${this.xmlOf(this.modify("cluster", params.DBClusterIdentifier, params))}</DBCluster>`;
      case "ListTagsForResource": {
        const db = this.byArn(params.ResourceName);
        return `<TagList>${Object.entries(db.tags)
          .map(([k, v]) => `<Tag>${el("Key", k)}${el("Value", v)}</Tag>`)
          .join("")}</TagList>`;
      }
      case "AddTagsToResource": {
        const db = this.byArn(params.ResourceName);
        for (const t of listParam(params, "Tags")) db.tags[t.Key] = t.Value ?? "";
        return undefined;
      }
      case "RemoveTagsFromResource": {
        const db = this.byArn(params.ResourceName);
        for (const t of listParam(params, "TagKeys")) delete db.tags[t[""]];
        return undefined;
      }
      default:
        throw new QueryError(400, "InvalidAction", `Could not find operation ${action} for version ${RDS_VERSION}`);
    }
  }

  private notFound(kind: FakeDbKind, identifier: string): QueryError {
    return kind === "cluster" ? new QueryError(404, "DBClusterNotFoundFault", `DBCluster ${identifier} not found.`) : new QueryError(404, "DBInstanceNotFound", `DBInstance ${identifier} not found.`);
  }

  private describe(kind: FakeDbKind, identifier: string | undefined): FakeDb[] {
    if (identifier === undefined) return this.dbs.filter((d) => d.kind === kind);
    const db = this.find(kind, identifier);
    if (db === undefined) throw this.notFound(kind, identifier);
    return [db];
  }

  private modify(kind: FakeDbKind, identifier: string | undefined, params: Record<string, string>): FakeDb {
    if (identifier === undefined) throw new QueryError(400, "MissingParameter", `The request must contain the parameter ${kind === "cluster" ? "DBClusterIdentifier" : "DBInstanceIdentifier"}.`);
    const db = this.find(kind, identifier);
    if (db === undefined) throw this.notFound(kind, identifier);
    if (db.status !== "available") {
      throw kind === "cluster"
        ? new QueryError(400, "InvalidDBClusterStateFault", `DB cluster ${db.identifier} is not in available state.`)
        : new QueryError(400, "InvalidDBInstanceState", `Instance ${db.identifier} is not in available state.`);
    }
    const flag = params.EnableIAMDatabaseAuthentication;
    if (params.ApplyImmediately === "true") {
      db.pending = {};
      if (flag !== undefined) db.iamAuth = flag === "true";
    } else if (flag !== undefined && (flag === "true") !== db.iamAuth) {
      db.pending.IAMDatabaseAuthenticationEnabled = flag === "true";
    }
    return db;
  }

  private byArn(arn: string | undefined): FakeDb {
    const db = this.dbs.find((d) => d.arn === arn);
    if (db !== undefined) return db;
    const m = /^arn:aws:rds:[^:]*:[^:]*:(db|cluster):(.+)$/.exec(arn ?? "");
    if (!m) throw new QueryError(400, "InvalidParameterValue", `The specified resource name does not match an RDS resource in this region: ${arn ?? ""}`);
    throw this.notFound(m[1] === "cluster" ? "cluster" : "instance", m[2]);
  }

  private xmlOf(d: FakeDb): string {
    const pending = `<PendingModifiedValues>${Object.entries(d.pending)
      .map(([k, v]) => el(k, v))
      .join("")}</PendingModifiedValues>`;
    return d.kind === "cluster"
      ? el("DBClusterIdentifier", d.identifier) +
          el("DBClusterArn", d.arn) +
          el("DbClusterResourceId", d.resourceId) +
          el("Status", d.status) +
          el("Engine", d.engine) +
          el("EngineVersion", d.engineVersion) +
          el("IAMDatabaseAuthenticationEnabled", d.iamAuth) +
          pending
      : el("DBInstanceIdentifier", d.identifier) +
          el("DBInstanceArn", d.arn) +
          el("DbiResourceId", d.resourceId) +
          el("DBInstanceStatus", d.status) +
          el("Engine", d.engine) +
          el("EngineVersion", d.engineVersion) +
          el("IAMDatabaseAuthenticationEnabled", d.iamAuth) +
          pending;
  }
}
