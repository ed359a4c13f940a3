/**
 * The MySQL/MariaDB admin connection over `mysql2`: settings, the `mysql2` options, and a session
 * that runs one statement per call. `mysql2` is loaded inside `connectAdmin`, not at module top, so
 * that the providers entry (`providers.ts`) loads the driver only when an operation connects.
 */
// Type-only: erased at compile time.
import type { ConnectionOptions, RowDataPacket } from "mysql2/promise";
import { SqlSession, sqlErrorInfo } from "../mariadbUserPlan";
import { withSession } from "./session";
import { TlsSettings, mysqlSslOption, tlsFailureHint, tlsMode } from "./tls";

/** @internal Where and how to connect as the admin. */
export interface AdminConnectionSettings extends TlsSettings {
  readonly host: string;
  readonly port: number;
  readonly adminUsername: string;
  readonly adminPassword: string;
  /** The server's name in messages. @default "MariaDB" */
  readonly serverLabel?: string;
}

/**
 * @internal mysql2 options for the admin connection: one statement per query; TLS verified against
 * the Amazon RDS certificate authorities (or `tlsCa`), host name included, unless `tlsVerify` is
 * false (see `tls.ts`).
 */
export function adminConnectionOptions(s: AdminConnectionSettings): ConnectionOptions {
  const options: ConnectionOptions = {
    host: s.host,
    port: s.port,
    user: s.adminUsername,
    password: s.adminPassword,
    multipleStatements: false,
    connectTimeout: 20_000,
  };
  const ssl = mysqlSslOption(tlsMode(s));
  return ssl === undefined ? options : { ...options, ssl };
}

/** @internal An open admin session. */
export interface AdminSession extends SqlSession {
  close(): Promise<void>;
}

/** The server's message for a failed connection, else the error's own. */
function connectionDetail(e: unknown): string {
  return sqlErrorInfo(e).sqlMessage ?? (e instanceof Error ? e.message : String(e));
}

/**
 * For an IP address `host`, a socket that Node's TLS name check can see the address on. mysql2
 * hands TLS no server name for an IP (rightly: SNI takes no IP), so Node falls back to the socket's
 * `_host`, which `net` leaves empty for an IP, and then to "localhost": a certificate for
 * "localhost" would pass for any IP. Setting `_host` makes the check compare the IP itself.
 */
async function socketForIp(host: string, port: number): Promise<ConnectionOptions["stream"]> {
  const net = await import("node:net");
  if (net.isIP(host) === 0) return undefined;
  return () => {
    const socket = net.connect(port, host);
    socket.setNoDelay(true);
    Object.assign(socket, { _host: host });
    return socket;
  };
}

/** @internal Opens the admin connection (mysql2 is loaded here, not at module top). */
export async function connectAdmin(s: AdminConnectionSettings): Promise<AdminSession> {
  const options = adminConnectionOptions(s);
  const verifiesName = typeof options.ssl === "object" && (options.ssl as { verifyIdentity?: boolean }).verifyIdentity === true;
  const stream = verifiesName ? await socketForIp(s.host, s.port) : undefined;
  if (stream !== undefined) options.stream = stream;
  const mysql = await import("mysql2/promise");
  let conn: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    conn = await mysql.createConnection(options);
  } catch (e) {
    const hint = tlsFailureHint(e, s, s.host);
    throw new Error(`Cannot connect to ${s.serverLabel ?? "MariaDB"} at ${s.host}:${s.port} as "${s.adminUsername}": ${connectionDetail(e)}${hint === undefined ? "" : `; ${hint}`}`, {
      cause: e,
    });
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

/** @internal Runs `work` on a fresh admin session and closes it afterwards, whatever happens. */
export function withAdmin<T>(s: AdminConnectionSettings, work: (conn: SqlSession) => Promise<T>): Promise<T> {
  return withSession(connectAdmin(s), work);
}
