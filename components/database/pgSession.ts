/**
 * The PostgreSQL admin connection: settings, the `pg` client configuration, and a session that runs
 * parameterised queries. `pg` is loaded inside `connectPostgres`, not at module top, so that the
 * providers entry (`providers.ts`) loads the driver only when an operation connects.
 */
// Type-only: erased at compile time.
import type { ClientConfig } from "pg";
import { withSession } from "./session";
import { TlsSettings, pgSslOption, tlsFailureHint, tlsMode } from "./tls";

/** @internal Where and how to connect as the admin. */
export interface PgConnectionSettings extends TlsSettings {
  readonly host: string;
  readonly port: number;
  /** The database to connect to: publications, schemas and tables are per database. */
  readonly database: string;
  readonly adminUsername: string;
  readonly adminPassword: string;
}

/** @internal What the rest of the code needs of a connection: rows for a query, with `$n` parameters. */
export interface PgSession {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The name the server shows for these connections (`pg_stat_activity.application_name`). */
export const PG_APPLICATION_NAME = "clickpipes-rds-iam";

/**
 * @internal The `pg` client configuration for the admin connection. TLS verifies the server's
 * certificate and name against the Amazon RDS certificate authorities, or against `tlsCa`; only
 * `tlsVerify: false` skips that (see `tls.ts`).
 */
export function pgClientConfig(s: PgConnectionSettings): ClientConfig {
  return {
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.adminUsername,
    password: s.adminPassword,
    connectionTimeoutMillis: 20_000,
    application_name: PG_APPLICATION_NAME,
    ssl: pgSslOption(tlsMode(s)),
  };
}

/** @internal The parts of a PostgreSQL server error the code looks at. */
export interface PgErrorInfo {
  /** SQLSTATE, such as "42501". */
  code?: string;
  message?: string;
}

/** @internal The SQLSTATE and message of a server error (`pg`'s DatabaseError); empty for anything else. */
export function pgErrorInfo(e: unknown): PgErrorInfo {
  if (typeof e !== "object" || e === null) return {};
  const o = e as Record<string, unknown>;
  return {
    code: typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code) ? o.code : undefined,
    message: typeof o.message === "string" ? o.message : undefined,
  };
}

/** @internal Opens the admin connection (`pg` is loaded here, not at module top). */
export async function connectPostgres(s: PgConnectionSettings): Promise<PgSession> {
  const config = pgClientConfig(s);
  const pg = await import("pg");
  const client = new pg.Client(config);
  // A connection the server ends while idle emits "error"; without a listener that kills the
  // process. The next query fails on its own, with its own message.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const detail = e instanceof Error ? e.message : String(e);
    const hint = tlsFailureHint(e, s, s.host);
    throw new Error(`Cannot connect to PostgreSQL at ${s.host}:${s.port}/${s.database} as "${s.adminUsername}": ${detail}${hint === undefined ? "" : `; ${hint}`}`, { cause: e });
  }
  return {
    async query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
      const result = await client.query<Record<string, unknown>>(sql, params);
      return Array.isArray(result.rows) ? result.rows : [];
    },
    async close(): Promise<void> {
      await client.end();
    },
  };
}

/** @internal Runs `work` on a fresh admin session and closes it afterwards, whatever happens. */
export function withPostgres<T>(s: PgConnectionSettings, work: (session: PgSession) => Promise<T>): Promise<T> {
  return withSession(connectPostgres(s), work);
}
