/**
 * The MariaDB server for the real-server specs (`tests/*.realdb.spec.ts`), set up by
 * `.ci/mariadb.sh` (CI runs it before `npm test`; locally: `bash .ci/mariadb.sh` as root).
 *
 * Settings come from the environment, with the defaults `.ci/mariadb.sh` uses:
 * MARIADB_TEST_HOST (127.0.0.1), MARIADB_TEST_PORT (3306), MARIADB_TEST_USER (root),
 * MARIADB_TEST_PASSWORD (clickpipes-test), MARIADB_TEST_CA (/etc/mysql/clickpipes-test-ssl/ca.pem).
 * The server has binary logging on, as ClickPipes CDC needs it (ROW, FULL row image, FULL row
 * metadata); specs that change the dynamic binlog settings set them back in `after`.
 *
 * When the server cannot be reached: under CI (`CI=true`) the suite fails, because CI is meant
 * to have started it and a silent skip would pass a run that tested nothing; elsewhere the suite
 * is skipped (pending in mocha's count) with a message saying how to start one, so that the unit
 * specs stay usable on a machine without MariaDB.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as mysql from "mysql2/promise";
import { quoteMyIdent } from "../../components/sql";

export interface MariaDbTestServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Path of the CA that signed the server certificate. */
  caPath: string;
}

/** The test server's settings from the environment. */
export function mariaDbTestServer(env: NodeJS.ProcessEnv = process.env): MariaDbTestServer {
  return {
    host: env.MARIADB_TEST_HOST ?? "127.0.0.1",
    port: Number(env.MARIADB_TEST_PORT ?? "3306"),
    user: env.MARIADB_TEST_USER ?? "root",
    password: env.MARIADB_TEST_PASSWORD ?? "clickpipes-test",
    caPath: env.MARIADB_TEST_CA ?? "/etc/mysql/clickpipes-test-ssl/ca.pem",
  };
}

/** The server's CA certificate (PEM). */
export function testCa(server: MariaDbTestServer): string {
  return fs.readFileSync(server.caPath, "utf8");
}

/** A CA that did not sign the server certificate (written by `.ci/mariadb.sh` beside the real one). */
export function otherCa(server: MariaDbTestServer): string {
  return fs.readFileSync(path.join(path.dirname(server.caPath), "other-ca.pem"), "utf8");
}

/** An admin connection for arranging and inspecting, independent of the code under test. */
export function openInspector(server: MariaDbTestServer): Promise<mysql.Connection> {
  return mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, connectTimeout: 5_000 });
}

/**
 * The inspector connection, or: under CI, an error (the suite fails); elsewhere, a skip with a
 * visible message. Call from a `before` hook with its mocha context.
 */
export async function requireMariaDb(ctx: Mocha.Context, server: MariaDbTestServer, env: NodeJS.ProcessEnv = process.env): Promise<mysql.Connection> {
  try {
    return await openInspector(server);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const where = `MariaDB at ${server.host}:${server.port} as "${server.user}"`;
    if (env.CI === "true") {
      throw new Error(`${where} is not reachable under CI (${reason}); .ci/run must run .ci/mariadb.sh before the tests.`);
    }
    console.warn(`      [skipped] ${where} is not reachable (${reason}); run "bash .ci/mariadb.sh" as root to start one.`);
    return ctx.skip();
  }
}

/**
 * Checks that the server logs binary logs, as `.ci/mariadb.sh` starts it: under CI a server without
 * them fails the suite, elsewhere it is skipped with a message. Call after `requireMariaDb`.
 */
export async function requireBinaryLogging(ctx: Mocha.Context, conn: mysql.Connection, server: MariaDbTestServer, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT @@log_bin AS log_bin");
  if (Number(rows[0].log_bin) === 1) return;
  const where = `MariaDB at ${server.host}:${server.port}`;
  if (env.CI === "true") throw new Error(`${where} runs without binary logging under CI; .ci/mariadb.sh must (re)start it with --log-bin.`);
  console.warn(`      [skipped] ${where} runs without binary logging; run "bash .ci/mariadb.sh" as root to restart it with --log-bin.`);
  ctx.skip();
}

/** The global binlog settings a spec may change, to set back afterwards. */
export interface BinlogSettings {
  binlog_format: string;
  binlog_row_image: string;
  binlog_row_metadata: string;
}

/** Reads the dynamic binlog settings. */
export async function readBinlogSettings(conn: mysql.Connection): Promise<BinlogSettings> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT @@GLOBAL.binlog_format AS binlog_format, @@GLOBAL.binlog_row_image AS binlog_row_image, @@GLOBAL.binlog_row_metadata AS binlog_row_metadata",
  );
  return { binlog_format: String(rows[0].binlog_format), binlog_row_image: String(rows[0].binlog_row_image), binlog_row_metadata: String(rows[0].binlog_row_metadata) };
}

/** Sets the dynamic binlog settings globally (new sessions and SHOW GLOBAL VARIABLES see them). */
export async function setBinlogSettings(conn: mysql.Connection, s: BinlogSettings): Promise<void> {
  await conn.query("SET GLOBAL binlog_format = ?, GLOBAL binlog_row_image = ?, GLOBAL binlog_row_metadata = ?", [s.binlog_format, s.binlog_row_image, s.binlog_row_metadata]);
}

/**
 * A stand-in for what RDS for MySQL/MariaDB has and stock servers lack: the `mysql.rds_configuration`
 * table (name, value, description) with its `binlog retention hours` row, and the
 * `mysql.rds_set_configuration(name, value)` procedure that sets a value. `hours` null makes the
 * row NULL, as on a fresh RDS instance. Replaces a stand-in left behind by an earlier run.
 */
export async function installRdsConfigurationStandIn(conn: mysql.Connection, hours: number | null): Promise<void> {
  await removeRdsConfigurationStandIn(conn);
  await conn.query(
    "CREATE TABLE mysql.rds_configuration (name VARCHAR(100) NOT NULL PRIMARY KEY, value VARCHAR(100) NULL, description VARCHAR(300) NOT NULL DEFAULT '')",
  );
  await conn.query("INSERT INTO mysql.rds_configuration (name, value, description) VALUES ('binlog retention hours', ?, 'stand-in for RDS (tests)')", [
    hours === null ? null : String(hours),
  ]);
  await conn.query(
    `CREATE PROCEDURE mysql.rds_set_configuration(IN p_name VARCHAR(30), IN p_value INT)
     BEGIN
       UPDATE mysql.rds_configuration SET value = p_value WHERE name = p_name;
     END`,
  );
}

/** Sets the stand-in's `binlog retention hours` row directly (null: NULL). */
export async function setRdsBinlogRetention(conn: mysql.Connection, hours: number | null): Promise<void> {
  await conn.query("UPDATE mysql.rds_configuration SET value = ? WHERE name = 'binlog retention hours'", [hours === null ? null : String(hours)]);
}

/** The stand-in's `binlog retention hours` value, as stored. */
export async function rdsBinlogRetention(conn: mysql.Connection): Promise<string | null> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT value FROM mysql.rds_configuration WHERE name = 'binlog retention hours'");
  return rows[0].value === null ? null : String(rows[0].value);
}

/** Drops the stand-in, as on a server that is not RDS. */
export async function removeRdsConfigurationStandIn(conn: mysql.Connection): Promise<void> {
  await conn.query("DROP PROCEDURE IF EXISTS mysql.rds_set_configuration");
  await conn.query("DROP TABLE IF EXISTS mysql.rds_configuration");
}

/** A name no other run uses: `prefix` plus random hex (short: user names are limited to 80 characters). */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

/** `SHOW GRANTS FOR 'user'@'host'`, one string per line, sorted (the server's order is not defined). */
export async function showGrants(conn: mysql.Connection, user: string, host = "%"): Promise<string[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR ?@?", [user, host]);
  return rows.map((row) => String(Object.values(row)[0])).sort();
}

/** Whether `'user'@'host'` exists. */
export async function userExists(conn: mysql.Connection, user: string, host = "%"): Promise<boolean> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?", [user, host]);
  return rows.length > 0;
}

/** Drops users and databases a test made; missing ones are fine. */
export async function cleanUp(conn: mysql.Connection, made: { users: [string, string][]; databases: string[] }): Promise<void> {
  for (const [user, host] of made.users.splice(0)) await conn.query("DROP USER IF EXISTS ?@?", [user, host]);
  for (const db of made.databases.splice(0)) await conn.query(`DROP DATABASE IF EXISTS ${quoteMyIdent(db)}`);
}

/** Logs in as `user` with a password, over TLS verified against the test CA. */
export function connectAs(server: MariaDbTestServer, user: string, password: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: server.host,
    port: server.port,
    user,
    password,
    connectTimeout: 5_000,
    ssl: { ca: testCa(server), rejectUnauthorized: true },
  });
}
