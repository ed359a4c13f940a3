/**
 * Reads the database facts over the admin connection, read-only: the IAM user and its grants, the
 * admin's own memberships (PostgreSQL), and the CDC facts of `database/facts.ts`. Names travel as
 * query parameters on PostgreSQL and as `quoteMyString` literals on MySQL/MariaDB.
 */
import type { PostgresFacts } from "../../checks/facts";
import { readMySqlFacts, readPostgresFacts } from "../../database/facts";
import type { AdminConnectionSettings, AdminSession } from "../../database/mysqlSession";
import type { PgConnectionSettings, PgSession } from "../../database/pgSession";
import { SqlSession, readHeldGrants } from "../../mariadbUserPlan";
import { ENGINE_LABELS } from "../../engines";
import { quoteMyString } from "../../sql";
import { PASSWORD_ENV } from "./args";
import type { DatabaseDoctorFacts, DoctorRequest, MySqlDoctorFacts, PgAdminFacts, PgUserFacts, PostgresDoctorFacts, Unavailable } from "./facts";
import { unavailable } from "./facts";

/** Opens admin sessions; the real ones verify TLS (`database/tls.ts`). */
export interface DbConnectors {
  postgres(s: PgConnectionSettings): Promise<PgSession>;
  mysql(s: AdminConnectionSettings): Promise<AdminSession>;
}

/** Where and how to connect, once the engine is known. */
export interface DbTarget {
  engine: "postgres" | "mysql" | "mariadb";
  host: string;
  port: number;
  /** PostgreSQL: the database to connect to. */
  database: string;
  adminUsername: string;
  adminPassword: string;
  tlsVerify: boolean;
  tlsCa?: string;
}

function text(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

/** The roles the admin belongs to, from the one granted to it up to `rds_iam`; undefined when it is no member. */
export async function readAdminRdsIamPath(session: PgSession, serverVersionNum: number): Promise<string[] | undefined> {
  // PostgreSQL 16 separates membership from its use: a grant WITH INHERIT FALSE, SET FALSE (how RDS
  // and .ci give the admin ADMIN OPTION on rds_iam) is no membership that makes a login an IAM login.
  const usable = serverVersionNum >= 160000 ? " AND (m.inherit_option OR m.set_option)" : "";
  const rows = await session.query(
    `WITH RECURSIVE chain(roleid, path) AS (
       SELECT m.roleid, ARRAY[m.roleid] FROM pg_auth_members m WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)${usable}
       UNION ALL
       SELECT m.roleid, c.path || m.roleid FROM pg_auth_members m JOIN chain c ON m.member = c.roleid WHERE NOT m.roleid = ANY(c.path)${usable}
     )
     SELECT (SELECT array_agg(r.rolname::text ORDER BY u.i) FROM unnest(c.path) WITH ORDINALITY AS u(oid, i) JOIN pg_roles r ON r.oid = u.oid) AS path
       FROM chain c WHERE c.roleid = (SELECT oid FROM pg_roles WHERE rolname = 'rds_iam') ORDER BY array_length(c.path, 1) LIMIT 1`,
  );
  const path = rows[0]?.path;
  return Array.isArray(path) ? path.map(text) : undefined;
}

/** The IAM user: existence, its IAM and replication memberships, and its read access per schema. */
export async function readPgUser(session: PgSession, user: string, schemas: readonly string[]): Promise<PgUserFacts> {
  const roles = new Set((await session.query("SELECT rolname FROM pg_roles WHERE rolname IN ('rds_iam', 'rds_replication')")).map((r) => text(r.rolname)));
  const rdsIamExists = roles.has("rds_iam");
  const rdsReplicationExists = roles.has("rds_replication");
  const found = await session.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [user]);
  const facts: PgUserFacts = { exists: found.length > 0, canLogin: found[0]?.rolcanlogin === true, rdsIamExists, memberOfRdsIam: false, rdsReplicationExists, memberOfRdsReplication: false, schemas: [] };
  if (!facts.exists) return facts;
  const member = async (role: string) => (await session.query("SELECT pg_has_role($1, $2, 'MEMBER') AS m", [user, role]))[0]?.m === true;
  if (rdsIamExists) facts.memberOfRdsIam = await member("rds_iam");
  if (rdsReplicationExists) facts.memberOfRdsReplication = await member("rds_replication");
  const present = new Set((await session.query("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])", [[...schemas]])).map((r) => text(r.nspname)));
  for (const schema of [...new Set(schemas)].filter((s) => present.has(s))) {
    const usage = (await session.query("SELECT has_schema_privilege($1, $2, 'USAGE') AS ok", [user, schema]))[0]?.ok === true;
    const tables = await session.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $2 AND c.relkind IN ('r', 'p') AND NOT has_table_privilege($1, c.oid, 'SELECT') ORDER BY c.relname`,
      [user, schema],
    );
    const defaults = await session.query(
      `SELECT EXISTS (
         SELECT 1 FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace CROSS JOIN LATERAL aclexplode(d.defaclacl) a
          WHERE d.defaclobjtype = 'r' AND (n.nspname = $2 OR d.defaclnamespace = 0)
            AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1) AND a.privilege_type = 'SELECT') AS ok`,
      [user, schema],
    );
    facts.schemas.push({ name: schema, usage, tablesWithoutSelect: tables.map((t) => text(t.relname)), defaultSelect: defaults[0]?.ok === true });
  }
  return facts;
}

/** Everything the PostgreSQL checks read, from the database the session is connected to. */
export async function gatherPostgresDoctorFacts(session: PgSession, r: DoctorRequest, adminUsername: string, database: string): Promise<PostgresDoctorFacts> {
  const server: PostgresFacts = await readPostgresFacts(session, { schemas: r.schemas, ...(r.cdc && r.publicationName !== undefined ? { publicationName: r.publicationName } : {}) });
  const path = await readAdminRdsIamPath(session, server.serverVersionNum);
  const admin: PgAdminFacts = { username: adminUsername, ...(path === undefined ? {} : { rdsIamPath: path }) };
  const user = r.dbUsername === undefined ? await readPgUser(session, "", []) : await readPgUser(session, r.dbUsername, r.schemas);
  return { engine: "postgres", database, server, user, admin };
}

/** Everything the MySQL/MariaDB checks read. */
export async function gatherMySqlDoctorFacts(session: SqlSession, engine: "mysql" | "mariadb", r: DoctorRequest): Promise<MySqlDoctorFacts> {
  const server = await readMySqlFacts(session, engine);
  const user = r.dbUsername ?? "";
  const held = await readHeldGrants(session, user);
  const others = await session.query(`SELECT Host, plugin FROM mysql.user WHERE User = ${quoteMyString(user)} AND Host <> '%' ORDER BY Host`);
  const global = await session.query(`SELECT Select_priv FROM mysql.user WHERE User = ${quoteMyString(user)} AND Host = '%'`);
  return {
    engine,
    server,
    user: { held, otherHosts: others.map((o) => ({ host: text(o.Host), plugin: text(o.plugin) })), globalSelect: global[0]?.Select_priv === "Y" },
  };
}

function tlsText(t: DbTarget): string {
  if (!t.tlsVerify) return "TLS, server not verified (--no-tls-verify)";
  return t.tlsCa === undefined ? "TLS verified against the Amazon RDS certificate authorities" : "TLS verified against --tls-ca";
}

function connectFix(t: DbTarget, message: string): string {
  if (/PAM authentication failed/i.test(message)) {
    return `check the admin password; if "${t.adminUsername}" became a member of rds_iam, RDS no longer accepts its password: as another rds_superuser user, revoke that membership`;
  }
  return `check \`--admin-username\`, ${PASSWORD_ENV}, and that ${t.host}:${t.port} is reachable from here (security group, VPN, or \`--db-host\` through a tunnel)`;
}

/** Connects, reads, closes; a connection or query failure is `Unavailable` (a failure) with the reason. */
export async function gatherDatabaseFacts(r: DoctorRequest, t: DbTarget, connect: DbConnectors): Promise<DatabaseDoctorFacts | Unavailable> {
  const tls = { tls: true, ...(t.tlsVerify ? {} : { tlsVerify: false }), ...(t.tlsCa === undefined ? {} : { tlsCa: t.tlsCa }) };
  const common = { host: t.host, port: t.port, adminUsername: t.adminUsername, adminPassword: t.adminPassword, ...tls };
  const label = ENGINE_LABELS[t.engine];
  const where = t.engine === "postgres" ? `${label} at ${t.host}:${t.port}/${t.database}` : `${label} at ${t.host}:${t.port}`;
  let session: PgSession | AdminSession;
  try {
    session = t.engine === "postgres" ? await connect.postgres({ ...common, database: t.database }) : await connect.mysql({ ...common, serverLabel: label });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return unavailable(message.replace(/\.$/, ""), true, connectFix(t, message));
  }
  try {
    const facts =
      t.engine === "postgres"
        ? await gatherPostgresDoctorFacts(session as PgSession, r, t.adminUsername, t.database)
        : await gatherMySqlDoctorFacts(session as AdminSession, t.engine, r);
    return { ...facts, connectedAs: t.adminUsername, where, tls: tlsText(t) };
  } catch (e) {
    return unavailable(`Reading ${where} as "${t.adminUsername}" failed: ${e instanceof Error ? e.message : String(e)}`, true, "make sure the admin may read the system catalogs (the RDS master user may)");
  } finally {
    await session.close().catch(() => undefined);
  }
}
