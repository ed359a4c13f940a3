/**
 * The MariaDB IAM user: a Pulumi dynamic resource that runs the `components/sql.ts` statements
 * over `mysql2`, so it executes exactly what `setupSql` shows.
 *
 * Why not @pulumi/mysql: it bundles the archived upstream MySQL provider v1.9.0, whose
 * `CreateUser` and `CreateGrant` first call `serverVersion()` (mysql/provider.go), which runs
 * `SELECT @@GLOBAL.innodb_version`. MariaDB removed that variable in 10.10 and RDS supports IAM
 * auth on MariaDB only from 10.11, so that provider cannot create this user on any MariaDB that
 * could use it.
 *
 * The resource remembers which grants it added: a user that already existed is adopted (never
 * dropped), and grants that user already held are never revoked. That logic is in
 * `mariadbUserPlan.ts`; this file connects as the admin and is the resource around it.
 */
import * as pulumi from "@pulumi/pulumi";
// Type-only: erased at compile time. The module itself is loaded inside the provider methods,
// so that serializing the provider closure does not pull mysql2 in.
import type { ConnectionOptions, RowDataPacket } from "mysql2/promise";
import {
  IamUserSpec,
  IamUserState,
  SqlSession,
  createIamUser,
  deleteIamUser,
  sameSpec,
  sqlErrorInfo,
  unique,
  updateIamUser,
} from "./mariadbUserPlan";

export interface MariaDbIamUserArgs {
  /** Endpoint address of the RDS for MariaDB instance. */
  readonly host: pulumi.Input<string>;
  /** Endpoint port of the instance. */
  readonly port: pulumi.Input<number>;
  /** Admin (master) user that creates the IAM user and its grants. */
  readonly adminUsername: pulumi.Input<string>;
  /** Password of the admin user; kept secret in the state. */
  readonly adminPassword: pulumi.Input<string>;
  /** The IAM-authenticated user to create, as `'username'@'%'`. */
  readonly username: string;
  /** Databases the user may read: `SELECT` on each. */
  readonly databases: pulumi.Input<string[]>;
  /** Adds `REPLICATION CLIENT, REPLICATION SLAVE ON *.*` for CDC. */
  readonly cdc: pulumi.Input<boolean>;
  /**
   * TLS on the admin connection. Without `tlsCa` the connection is encrypted but the server
   * certificate is not verified (the RDS CA is not assumed to be trusted).
   * @default true
   */
  readonly tls?: pulumi.Input<boolean>;
  /**
   * PEM of the CA that signed the server certificate; when set, the certificate is verified.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsCa?: pulumi.Input<string>;
}

/** @internal Where and how to connect as the admin. */
export interface AdminConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly adminUsername: string;
  readonly adminPassword: string;
  readonly tls: boolean;
  readonly tlsCa?: string;
  /** The server's name in messages. @default "MariaDB" */
  readonly serverLabel?: string;
}

/** @internal mysql2 options for the admin connection: one statement per query, TLS per the args. */
export function adminConnectionOptions(s: AdminConnectionSettings): ConnectionOptions {
  const options: ConnectionOptions = {
    host: s.host,
    port: s.port,
    user: s.adminUsername,
    password: s.adminPassword,
    multipleStatements: false,
    connectTimeout: 20_000,
  };
  if (!s.tls) return options;
  if (s.tlsCa === undefined) return { ...options, ssl: { rejectUnauthorized: false } };
  if (s.tlsCa.trim() === "") {
    throw new Error("`tlsCa` is \"\"; pass the PEM of the CA that signed the server certificate, or leave it unset.");
  }
  return { ...options, ssl: { ca: s.tlsCa, rejectUnauthorized: true } };
}

/** @internal An open admin session. */
export interface AdminSession extends SqlSession {
  close(): Promise<void>;
}

/** @internal Opens the admin connection (mysql2 is loaded here, not at module top). */
export async function connectAdmin(s: AdminConnectionSettings): Promise<AdminSession> {
  const options = adminConnectionOptions(s);
  const mysql = await import("mysql2/promise");
  let conn: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    conn = await mysql.createConnection(options);
  } catch (e) {
    const detail = sqlErrorInfo(e).sqlMessage ?? (e instanceof Error ? e.message : String(e));
    throw new Error(`Cannot connect to ${s.serverLabel ?? "MariaDB"} at ${s.host}:${s.port} as "${s.adminUsername}": ${detail}`, { cause: e });
  }
  return {
    async query(sql: string): Promise<Record<string, unknown>[]> {
      const [rows] = await conn.query<RowDataPacket[]>(sql);
      return Array.isArray(rows) ? rows : [];
    },
    async close(): Promise<void> {
      await conn.end();
    },
  };
}

async function withAdmin<T>(s: AdminConnectionSettings, work: (conn: SqlSession) => Promise<T>): Promise<T> {
  const conn = await connectAdmin(s);
  try {
    return await work(conn);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** @internal The dynamic provider's inputs: the args, resolved. */
export interface MariaDbIamUserInputs {
  host: string;
  port: number;
  adminUsername: string;
  adminPassword: string;
  username: string;
  databases: string[];
  cdc: boolean;
  tls?: boolean;
  tlsCa?: string;
}

/** @internal The dynamic provider's outputs: the inputs and the state. */
export interface MariaDbIamUserOutputs extends MariaDbIamUserInputs {
  userCreated: boolean;
  grantedDatabases: string[];
  grantedCdc: boolean;
}

/** Inputs whose change means another user or another server: replace (delete first, see below). */
const REPLACE_ON: readonly (keyof MariaDbIamUserInputs)[] = ["host", "port", "username"];
/** Inputs changed in place: the grants, and how to connect. */
const UPDATE_ON: readonly (keyof MariaDbIamUserInputs)[] = ["adminUsername", "adminPassword", "databases", "cdc", "tls", "tlsCa"];

function inputValue(i: MariaDbIamUserInputs, key: keyof MariaDbIamUserInputs): string {
  const value = key === "tls" ? (i.tls ?? true) : i[key];
  return JSON.stringify(value) ?? "undefined";
}

/**
 * @internal The diff. Replacement deletes first: the old and the new resource may well name the
 * same user on the same server (say, the endpoint was renamed), and create-before-delete would
 * then adopt the user and afterwards drop it.
 */
export function diffIamUser(olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs): pulumi.dynamic.DiffResult {
  const differs = (key: keyof MariaDbIamUserInputs) => inputValue(olds, key) !== inputValue(news, key);
  const replaces = REPLACE_ON.filter(differs);
  return { changes: replaces.length > 0 || UPDATE_ON.some(differs), replaces, deleteBeforeReplace: replaces.length > 0 };
}

function settingsOf(i: MariaDbIamUserInputs): AdminConnectionSettings {
  return { host: i.host, port: i.port, adminUsername: i.adminUsername, adminPassword: i.adminPassword, tls: i.tls ?? true, tlsCa: i.tlsCa };
}

function specOf(i: MariaDbIamUserInputs): IamUserSpec {
  return { username: i.username, databases: i.databases, cdc: i.cdc };
}

function stateOf(o: MariaDbIamUserOutputs): IamUserState {
  return { ...specOf(o), userCreated: o.userCreated, grantedDatabases: o.grantedDatabases, grantedCdc: o.grantedCdc };
}

function outputsOf(i: MariaDbIamUserInputs, s: IamUserState): MariaDbIamUserOutputs {
  return {
    host: i.host,
    port: i.port,
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    username: s.username,
    databases: [...s.databases],
    cdc: s.cdc,
    tls: i.tls ?? true,
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
    userCreated: s.userCreated,
    grantedDatabases: [...s.grantedDatabases],
    grantedCdc: s.grantedCdc,
  };
}

/** @internal The dynamic provider. It always uses the AWS auth clause: no test option reaches it. */
export const mariaDbIamUserProvider: pulumi.dynamic.ResourceProvider<MariaDbIamUserInputs, MariaDbIamUserOutputs> = {
  async diff(_id: string, olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs) {
    return diffIamUser(olds, news);
  },
  async create(inputs: MariaDbIamUserInputs) {
    const state = await withAdmin(settingsOf(inputs), (conn) => createIamUser(conn, specOf(inputs)));
    return { id: `${inputs.host}:${inputs.port}/${inputs.username}`, outs: outputsOf(inputs, state) };
  },
  async update(_id: string, olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs) {
    const old = stateOf(olds);
    // Only the connection settings changed: nothing to run, no connection needed.
    if (sameSpec(old, specOf(news))) return { outs: outputsOf(news, old) };
    const state = await withAdmin(settingsOf(news), (conn) => updateIamUser(conn, old, specOf(news)));
    return { outs: outputsOf(news, state) };
  },
  async delete(_id: string, props: MariaDbIamUserOutputs) {
    await withAdmin(settingsOf(props), (conn) => deleteIamUser(conn, stateOf(props)));
  },
};

/** @internal The resource's property bag: the args (password made secret) plus its output-only properties. */
export function mariaDbIamUserProps(args: MariaDbIamUserArgs): pulumi.Inputs {
  return {
    host: args.host,
    port: args.port,
    adminUsername: args.adminUsername,
    adminPassword: pulumi.secret(args.adminPassword),
    username: args.username,
    databases: args.databases,
    cdc: args.cdc,
    tls: args.tls ?? true,
    tlsCa: args.tlsCa,
    userCreated: undefined,
    grantedDatabases: undefined,
    grantedCdc: undefined,
  };
}

/** @internal The caller's options, with the admin password added to the secret outputs. */
export function mariaDbIamUserOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: unique([...(opts?.additionalSecretOutputs ?? []), "adminPassword"]) };
}

/**
 * The MariaDB user that ClickPipes logs in as with IAM (`IDENTIFIED VIA AWSAuthenticationPlugin
 * USING 'RDS' REQUIRE SSL`), with `SELECT` on each database and, for CDC, replication privileges.
 * A user that already exists is adopted: granted what it lacks, never dropped.
 */
export class MariaDbIamUser extends pulumi.dynamic.Resource {
  /** The IAM user's name (host `%`). */
  declare public readonly username: pulumi.Output<string>;
  /** Databases the user may read. */
  declare public readonly databases: pulumi.Output<string[]>;
  /** Whether the user has the CDC privileges. */
  declare public readonly cdc: pulumi.Output<boolean>;
  /** False when the user already existed (adopted, never dropped). */
  declare public readonly userCreated: pulumi.Output<boolean>;

  constructor(name: string, args: MariaDbIamUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(mariaDbIamUserProvider, name, mariaDbIamUserProps(args), mariaDbIamUserOptions(opts));
  }
}
