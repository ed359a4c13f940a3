/**
 * The PostgreSQL server for the real-server specs (`tests/*.realpg.spec.ts`), set up by
 * `.ci/postgres.sh` (locally: `bash .ci/postgres.sh` as root).
 *
 * Settings come from the environment, with the defaults `.ci/postgres.sh` uses:
 * PG_TEST_HOST (127.0.0.1), PG_TEST_PORT (5433), PG_TEST_USER (clickpipes_admin: LOGIN,
 * CREATEROLE, CREATEDB, not a superuser, like the RDS master user), PG_TEST_PASSWORD
 * (clickpipes-test), PG_TEST_DATABASE (postgres: where the admin connects first),
 * PG_TEST_SUPERUSER (postgres) and PG_TEST_SUPERUSER_PASSWORD (clickpipes-test-superuser), the
 * latter two only for what a non-superuser cannot do or see (SET ROLE to a role without a
 * password, `pg_authid`, FOR ALL TABLES publications), and PG_TEST_CA
 * (/etc/postgresql/clickpipes-test-ssl/ca.pem: the CA that signed the server's TLS certificate,
 * with an unrelated other-ca.pem beside it).
 *
 * When the server cannot be reached or is not the one `.ci/postgres.sh` sets up: under CI
 * (`CI=true`) the suite fails, because CI is meant to have started it and a silent skip would pass
 * a run that tested nothing; elsewhere the suite is skipped (pending in mocha's count) with a
 * message saying how to start one, so that the unit specs stay usable without PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Client, DatabaseError, escapeIdentifier } from "pg";
import type { PgConnectionSettings } from "../../components/database/pgSession";
import type { PostgresUserSql } from "../../components/sql";

export interface PostgresTestServer {
  host: string;
  port: number;
  /** The non-superuser admin (CREATEROLE, CREATEDB), as the RDS master user. */
  user: string;
  password: string;
  /** The database the admin connects to first; the specs create their own. */
  database: string;
  superuser: string;
  superuserPassword: string;
  /** Path of the CA that signed the server's TLS certificate. */
  caPath: string;
}

/** The test server's settings from the environment. */
export function postgresTestServer(env: NodeJS.ProcessEnv = process.env): PostgresTestServer {
  return {
    host: env.PG_TEST_HOST ?? "127.0.0.1",
    port: Number(env.PG_TEST_PORT ?? "5433"),
    user: env.PG_TEST_USER ?? "clickpipes_admin",
    password: env.PG_TEST_PASSWORD ?? "clickpipes-test",
    database: env.PG_TEST_DATABASE ?? "postgres",
    superuser: env.PG_TEST_SUPERUSER ?? "postgres",
    superuserPassword: env.PG_TEST_SUPERUSER_PASSWORD ?? "clickpipes-test-superuser",
    caPath: env.PG_TEST_CA ?? "/etc/postgresql/clickpipes-test-ssl/ca.pem",
  };
}

/** The CA that signed the server's certificate (PEM). */
export function pgTestCa(server: PostgresTestServer): string {
  return fs.readFileSync(server.caPath, "utf8");
}

/** A CA that did not sign the server's certificate (written by `.ci/postgres.sh` beside the real one). */
export function pgOtherCa(server: PostgresTestServer): string {
  return fs.readFileSync(path.join(path.dirname(server.caPath), "other-ca.pem"), "utf8");
}

/**
 * The PostgreSQL major version the specs are written against: Debian 12's, and one RDS offers.
 * Role rules and messages differ in 16 and later (CREATEROLE needs ADMIN OPTION to grant a role,
 * the creator of a role is made its admin member, other error texts).
 */
export const SUPPORTED_MAJOR = 15;

/** Quotes an identifier with the pg driver's own function, independent of the code under test. */
export const ident = escapeIdentifier;

/** A connection as the admin (`as: "admin"`) or the superuser, to `database` (default: the server's). */
export async function connect(server: PostgresTestServer, as: "admin" | "superuser", database = server.database): Promise<Client> {
  const client = new Client({
    host: server.host,
    port: server.port,
    user: as === "admin" ? server.user : server.superuser,
    password: as === "admin" ? server.password : server.superuserPassword,
    database,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  return client;
}

/**
 * Settings for the production connection code (`connectPostgres`) as the admin or the superuser,
 * to `database`: over TLS, the server verified against the test CA (as an RDS server would be
 * against the RDS certificate authorities).
 */
export function pgSettings(server: PostgresTestServer, as: "admin" | "superuser", database = server.database): PgConnectionSettings {
  return {
    host: server.host,
    port: server.port,
    database,
    adminUsername: as === "admin" ? server.user : server.superuser,
    adminPassword: as === "admin" ? server.password : server.superuserPassword,
    tls: true,
    tlsCa: pgTestCa(server),
  };
}

export interface PostgresSessions {
  admin: Client;
  superuser: Client;
}

/** Why the server is not the one the specs need, or undefined when it is. */
async function mismatch(admin: Client, server: PostgresTestServer): Promise<string | undefined> {
  const { rows } = await admin.query<{ major: number; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; stand_ins: number; ssl: string }>(
    `SELECT current_setting('server_version_num')::int / 10000 AS major, rolsuper, rolcreaterole, rolcreatedb, current_setting('ssl') AS ssl,
            (SELECT count(*)::int FROM pg_roles WHERE rolname IN ('rds_iam', 'rds_replication') AND NOT rolcanlogin) AS stand_ins
       FROM pg_roles WHERE rolname = current_user`,
  );
  const r = rows[0];
  if (r.major !== SUPPORTED_MAJOR) return `the server is PostgreSQL ${r.major}; these specs are written against ${SUPPORTED_MAJOR}`;
  if (r.rolsuper || !r.rolcreaterole || !r.rolcreatedb) return `"${server.user}" must be a non-superuser with CREATEROLE and CREATEDB`;
  if (r.stand_ins !== 2) return "the NOLOGIN roles rds_iam and rds_replication are missing";
  if (r.ssl !== "on") return "TLS is off (the specs verify the server's certificate against PG_TEST_CA)";
  return undefined;
}

/**
 * Admin and superuser sessions on the server's database, or: under CI, an error (the suite fails);
 * elsewhere, a skip with a visible message. Call from a `before` hook with its mocha context.
 */
export async function requirePostgres(ctx: Mocha.Context, server: PostgresTestServer, env: NodeJS.ProcessEnv = process.env): Promise<PostgresSessions> {
  const where = `PostgreSQL at ${server.host}:${server.port} (admin "${server.user}", superuser "${server.superuser}")`;
  let reason: string | undefined;
  const opened: Client[] = [];
  try {
    opened.push(await connect(server, "admin"));
    opened.push(await connect(server, "superuser"));
    reason = await mismatch(opened[0], server);
  } catch (e) {
    reason = `not reachable: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (reason === undefined) return { admin: opened[0], superuser: opened[1] };
  await Promise.all(opened.map((c) => c.end()));
  if (env.CI === "true") {
    throw new Error(`${where} is not usable under CI (${reason}); .ci/run must run .ci/postgres.sh before the tests.`);
  }
  console.warn(`      [skipped] ${where} is not usable (${reason}); run "bash .ci/postgres.sh" as root to start one.`);
  return ctx.skip();
}

/** A name no other run uses: `prefix` plus random hex. Every role and database a run makes starts with it. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

/**
 * Drops every database and then every role whose name starts with `prefix` (roles are
 * cluster-wide, so a run must leave none behind). Dropping the databases first removes the
 * privileges the roles hold there, which would otherwise block DROP ROLE. Run as the superuser.
 */
export async function dropEverythingNamed(superuser: Client, prefix: string): Promise<void> {
  const like = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
  const dbs = await superuser.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [like]);
  for (const { datname } of dbs.rows) await superuser.query(`DROP DATABASE ${ident(datname)} WITH (FORCE)`);
  const roles = await superuser.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE $1", [like]);
  for (const { rolname } of roles.rows) await superuser.query(`DROP ROLE ${ident(rolname)}`);
}

/** The `setupSql` text taken apart: the database its first line names, and one statement per line. */
export interface ParsedSetupSql {
  database: string;
  statements: string[];
}

const CONNECT_LINE = /^-- connect to database "((?:[^"]|"")*)"$/;

/**
 * Splits PostgreSQL `setupSql` output: the first line must be `-- connect to database "<name>"`
 * (quoted, `"` doubled), every other line one statement ending in `;`, and a final newline.
 */
export function parseSetupSql(sql: string): ParsedSetupSql {
  if (!sql.endsWith("\n")) throw new Error("setupSql does not end with a newline");
  const [first, ...statements] = sql.slice(0, -1).split("\n");
  const m = CONNECT_LINE.exec(first);
  if (m === null) throw new Error(`setupSql does not start with a "-- connect to database" line: ${JSON.stringify(first)}`);
  const bad = statements.find((s) => !s.endsWith(";") || s.startsWith("--"));
  if (bad !== undefined) throw new Error(`setupSql line is not one statement: ${JSON.stringify(bad)}`);
  return { database: m[1].replace(/""/g, '"'), statements };
}

/** What running statements one by one produced. */
export interface StatementRun {
  /** Each NOTICE/WARNING the server sent, as `SEVERITY: message`. */
  notices: string[];
  /** Each statement that failed, with the server's SQLSTATE and message. */
  errors: { statement: string; code: string | undefined; message: string }[];
}

/**
 * Runs statements one at a time on `client`, each in its own transaction (autocommit), and goes on
 * after a failure, as `psql -f` does without ON_ERROR_STOP. Errors other than the server's own throw.
 */
export async function runStatements(client: Client, statements: readonly string[]): Promise<StatementRun> {
  const run: StatementRun = { notices: [], errors: [] };
  const onNotice = (n: { severity?: string; message?: string }) => run.notices.push(`${n.severity}: ${n.message}`);
  client.on("notice", onNotice);
  try {
    for (const statement of statements) {
      try {
        await client.query(statement);
      } catch (e) {
        if (!(e instanceof DatabaseError)) throw e;
        run.errors.push({ statement, code: e.code, message: e.message });
      }
    }
  } finally {
    client.off("notice", onNotice);
  }
  return run;
}

/** The inputs of the PostgreSQL setup, as `setupSql` takes them. */
export type PgSetup = PostgresUserSql;

/**
 * The statements that undo the setup by hand, as the same non-superuser admin: revoke what was
 * granted, then drop the role. `DROP OWNED BY` cannot be used: it needs membership in the IAM user
 * ("permission denied to drop objects"), and the admin must never be its member. Run in the
 * setup's database. A publication is not included: it is not the user's, and only its owner (on
 * stock PostgreSQL a superuser, for FOR ALL TABLES) can drop it.
 */
export function postgresTeardownStatements(p: PgSetup): string[] {
  const user = ident(p.username);
  const out: string[] = [];
  for (const schema of p.schemas) {
    const s = ident(schema);
    out.push(`REVOKE SELECT ON ALL TABLES IN SCHEMA ${s} FROM ${user};`);
    out.push(`REVOKE USAGE ON SCHEMA ${s} FROM ${user};`);
    const forRole = p.tableOwner === undefined ? "" : `FOR ROLE ${ident(p.tableOwner)} `;
    out.push(`ALTER DEFAULT PRIVILEGES ${forRole}IN SCHEMA ${s} REVOKE SELECT ON TABLES FROM ${user};`);
  }
  out.push(`DROP ROLE ${user};`);
  return out;
}
