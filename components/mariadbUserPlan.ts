/**
 * The MariaDB IAM user's logic: plans the `components/sql.ts` statements that create, update or
 * delete `'username'@'%'` from what the server holds, and runs them over a `SqlSession`. It takes
 * plain values and a session, never a connection setting, so it is tested without a server.
 */
import {
  MY_CDC_PRIVILEGES,
  escapeMyGrantDatabase,
  myAccount,
  myCreateUserStatement,
  myDropUserStatement,
  myGrantStatements,
  myIamAuthClause,
  myRevokeStatements,
  quoteMyString,
} from "./sql";

/** @internal The IAM user and what it should be granted. */
export interface IamUserSpec {
  readonly username: string;
  readonly databases: readonly string[];
  readonly cdc: boolean;
  /**
   * Take over a user that already exists (granting only what it lacks, never dropping it). Off, an
   * existing user is refused: nothing on the server says which stack or component made it.
   */
  readonly adoptExistingUser?: boolean;
}

/** @internal What the resource remembers: the spec, and which of it the resource itself added. */
export interface IamUserState extends IamUserSpec {
  /** False when the user already existed: it was adopted and is never dropped. */
  readonly userCreated: boolean;
  /** Databases whose `SELECT` grant this resource added; only these are ever revoked. */
  readonly grantedDatabases: readonly string[];
  /** The CDC privileges (of `MY_CDC_PRIVILEGES`) this resource added, each on its own; only these are ever revoked. */
  readonly grantedPrivileges: readonly string[];
  /** True when this resource added `REQUIRE SSL` to an adopted user; only then is it set back to `REQUIRE NONE`. */
  readonly addedRequireSsl: boolean;
}

/** @internal What the server holds for `'username'@'%'` right now. */
export interface HeldGrants {
  readonly exists: boolean;
  /** The user's authentication plugin, such as "AWSAuthenticationPlugin"; empty when it has none. */
  readonly plugin: string;
  /** `mysql.user.ssl_type`: "" (no TLS required), "ANY" (`REQUIRE SSL`), "X509" or "SPECIFIED". */
  readonly sslType: string;
  /** `mysql.db` entries with `SELECT`, as stored: `_` and `%` escaped as in the GRANT. */
  readonly databasePatterns: readonly string[];
  readonly replicationClient: boolean;
  readonly replicationSlave: boolean;
}

/** @internal The part of a connection the logic uses: one statement per call, rows for queries. */
export interface SqlSession {
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** @internal A plan: statements to run, and the state once they have run. */
export interface IamUserPlan {
  /** True when the first statement is CREATE USER. */
  readonly createsUser: boolean;
  readonly statements: string[];
  readonly state: IamUserState;
}

/** @internal Test-only: an auth clause in place of the AWS one, for servers without the plugin. */
export interface IamUserTestOptions {
  readonly authClauseOverride?: string;
}

const NO_USER: HeldGrants = { exists: false, plugin: "", sslType: "", databasePatterns: [], replicationClient: false, replicationSlave: false };

/** @internal The values without repeats, in first-seen order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** @internal The plugin a user made with the given auth clause has: AWSAuthenticationPlugin unless a test overrides it. */
export function expectedPlugin(authClauseOverride?: string): string {
  if (authClauseOverride === undefined) return "AWSAuthenticationPlugin";
  return /IDENTIFIED (?:VIA|WITH) (\w+)/.exec(authClauseOverride)?.[1] ?? "mysql_native_password";
}

/** @internal The `CREATE USER` statement: the AWS one unless a test overrides the auth clause. */
export function createUserStatement(username: string, authClauseOverride?: string): string {
  const statement = myCreateUserStatement("mariadb", username);
  return authClauseOverride === undefined ? statement : statement.replace(myIamAuthClause("mariadb"), authClauseOverride);
}

/** @internal `ALTER USER` that sets the IAM authentication back (for a user this resource created). */
export function restorePluginStatement(username: string, authClauseOverride?: string): string {
  return `ALTER USER ${myAccount(username)} ${authClauseOverride ?? myIamAuthClause("mariadb")};`;
}

/** @internal `ALTER USER … REQUIRE SSL;` or `… REQUIRE NONE;`: only the TLS requirement changes. */
export function requireStatement(username: string, require: "SSL" | "NONE"): string {
  return `ALTER USER ${myAccount(username)} REQUIRE ${require};`;
}

/** @internal `GRANT`/`REVOKE` of some of the CDC privileges on `*.*`, in `MY_CDC_PRIVILEGES` order. */
export function cdcPrivilegeStatement(verb: "GRANT" | "REVOKE", username: string, privileges: readonly string[]): string {
  const listed = MY_CDC_PRIVILEGES.filter((p) => privileges.includes(p));
  return `${verb} ${listed.join(", ")} ON *.* ${verb === "GRANT" ? "TO" : "FROM"} ${myAccount(username)};`;
}

/** @internal Queries that read what the server holds for the user. */
export function heldGrantsQueries(username: string): { user: string; databases: string } {
  const where = `User = ${quoteMyString(username)} AND Host = '%'`;
  return {
    user: `SELECT Repl_client_priv, Repl_slave_priv, plugin, ssl_type FROM mysql.user WHERE ${where};`,
    databases: `SELECT Db FROM mysql.db WHERE ${where} AND Select_priv = 'Y';`,
  };
}

/** @internal Reads what the server holds for `'username'@'%'`. */
export async function readHeldGrants(conn: SqlSession, username: string): Promise<HeldGrants> {
  const queries = heldGrantsQueries(username);
  const users = await conn.query(queries.user);
  if (users.length === 0) return NO_USER;
  const dbs = await conn.query(queries.databases);
  return {
    exists: true,
    plugin: String(users[0].plugin ?? ""),
    sslType: String(users[0].ssl_type ?? ""),
    databasePatterns: dbs.map((row) => String(row.Db)),
    replicationClient: users[0].Repl_client_priv === "Y",
    replicationSlave: users[0].Repl_slave_priv === "Y",
  };
}

/** @internal Whether the user holds `SELECT` on exactly that database. */
export function holdsDatabase(held: HeldGrants, db: string): boolean {
  return held.databasePatterns.includes(escapeMyGrantDatabase(db));
}

/** @internal Whether the user holds that CDC privilege. */
export function holdsPrivilege(held: HeldGrants, privilege: string): boolean {
  if (privilege === "REPLICATION CLIENT") return held.replicationClient;
  if (privilege === "REPLICATION SLAVE") return held.replicationSlave;
  throw new Error(`Unknown CDC privilege "${privilege}".`);
}

/** @internal Whether the user must connect over TLS (`REQUIRE SSL`, or the stricter X509/SPECIFIED). */
export function requiresTls(held: HeldGrants): boolean {
  return held.sslType !== "";
}

/** The message for a user that exists when this resource is to create it, without `adoptExistingUser`. */
export function userExistsMessage(username: string): string {
  return (
    `\`dbUsername\` "${username}" already exists on the MariaDB server, and nothing there says which stack or component made it (MariaDB has no user comment); ` +
    `set \`adoptExistingUser: true\` to take it over (it gets only the grants it lacks and is never dropped, but whoever created it still drops it, grants and all, when they destroy it), ` +
    `choose another \`dbUsername\`, or, if an interrupted \`pulumi up\` left it behind, drop it (DROP USER '${username}'@'%';) and run \`pulumi up\` again.`
  );
}

/** The message for an existing user that logs in otherwise than with IAM. */
function wrongPluginMessage(username: string, plugin: string, expected: string): string {
  return `\`dbUsername\` "${username}" already exists on the MariaDB server with authentication plugin "${plugin}", not "${expected}"; choose another \`dbUsername\`, or drop or alter that user yourself.`;
}

/** Grants the user lacks, and which of them become this resource's own. */
interface Additions {
  statements: string[];
  databases: string[];
  privileges: string[];
}

/**
 * What to grant so the user holds `databases` and (with `cdc`) both CDC privileges: only what it
 * lacks, each privilege on its own, so that exactly that can be revoked later. With nothing held,
 * the statements are those of `setupSql`.
 */
function additions(username: string, databases: readonly string[], cdc: boolean, held: HeldGrants): Additions {
  const missingDbs = unique(databases).filter((db) => !holdsDatabase(held, db));
  const missingPrivileges = cdc ? MY_CDC_PRIVILEGES.filter((p) => !holdsPrivilege(held, p)) : [];
  const statements = myGrantStatements({ flavor: "mariadb", username, databases: missingDbs, cdc: false });
  if (missingPrivileges.length > 0) statements.push(cdcPrivilegeStatement("GRANT", username, missingPrivileges));
  return { statements, databases: missingDbs, privileges: missingPrivileges };
}

function baseOf(spec: IamUserSpec): IamUserSpec {
  return { username: spec.username, databases: [...spec.databases], cdc: spec.cdc, ...(spec.adoptExistingUser === undefined ? {} : { adoptExistingUser: spec.adoptExistingUser }) };
}

/**
 * @internal Create: a new user gets `CREATE USER` and every grant (exactly the `setupSql`
 * statements). An existing user is refused unless `adoptExistingUser`; adopted, it gets `REQUIRE
 * SSL` (if it had no TLS requirement) and the grants it lacks, and the state records each of them.
 */
export function planCreate(spec: IamUserSpec, held: HeldGrants, options: IamUserTestOptions = {}): IamUserPlan {
  const base = baseOf(spec);
  if (!held.exists) {
    const databases = unique(spec.databases);
    return {
      createsUser: true,
      statements: [
        createUserStatement(spec.username, options.authClauseOverride),
        ...myGrantStatements({ flavor: "mariadb", username: spec.username, databases, cdc: spec.cdc }),
      ],
      state: { ...base, userCreated: true, grantedDatabases: databases, grantedPrivileges: spec.cdc ? [...MY_CDC_PRIVILEGES] : [], addedRequireSsl: false },
    };
  }
  if (spec.adoptExistingUser !== true) throw new Error(userExistsMessage(spec.username));
  const expected = expectedPlugin(options.authClauseOverride);
  // Adopting it would leave ClickPipes a user that cannot log in with IAM.
  if (held.plugin !== expected) throw new Error(wrongPluginMessage(spec.username, held.plugin, expected));
  const requireSsl = requiresTls(held) ? [] : [requireStatement(spec.username, "SSL")];
  const add = additions(spec.username, spec.databases, spec.cdc, held);
  return {
    createsUser: false,
    statements: [...requireSsl, ...add.statements],
    state: { ...base, userCreated: false, grantedDatabases: add.databases, grantedPrivileges: add.privileges, addedRequireSsl: requireSsl.length > 0 },
  };
}

/** @internal True when the spec asks for exactly what the state was made from. */
export function sameSpec(a: IamUserSpec, b: IamUserSpec): boolean {
  return a.username === b.username && a.cdc === b.cdc && a.databases.length === b.databases.length && a.databases.every((db, i) => db === b.databases[i]);
}

/**
 * @internal Update: bring the user to `next` from what the server holds, whatever happened to it
 * meanwhile (so that `pulumi refresh` then `up` repairs drift): create it again if it vanished,
 * set its IAM plugin back if this resource created it, require TLS again, grant whatever it lacks
 * (recorded as this resource's own), and revoke what `next` no longer asks for, but only grants
 * this resource added and the user still holds.
 */
export function planUpdate(old: IamUserState, next: IamUserSpec, held: HeldGrants, options: IamUserTestOptions = {}): IamUserPlan {
  if (old.username !== next.username) {
    throw new Error(`\`username\` changed from "${old.username}" to "${next.username}"; a rename replaces the resource and is never an update.`);
  }
  if (!held.exists) return planCreate(next, held, options);
  const username = next.username;
  const statements: string[] = [];
  const expected = expectedPlugin(options.authClauseOverride);
  if (held.plugin !== expected) {
    if (!old.userCreated) throw new Error(wrongPluginMessage(username, held.plugin, expected));
    statements.push(restorePluginStatement(username, options.authClauseOverride));
  }
  let addedRequireSsl = old.addedRequireSsl && requiresTls(held);
  if (!requiresTls(held)) {
    statements.push(requireStatement(username, "SSL"));
    // A user this resource created is dropped on delete; an adopted one gets REQUIRE NONE back.
    addedRequireSsl = !old.userCreated;
  }
  const nextDbs = unique(next.databases);
  const add = additions(username, nextDbs, next.cdc, held);
  statements.push(...add.statements);
  const revokeDbs = unique(old.grantedDatabases).filter((db) => !nextDbs.includes(db) && holdsDatabase(held, db));
  if (revokeDbs.length > 0) statements.push(...myRevokeStatements({ flavor: "mariadb", username, databases: revokeDbs, cdc: false }));
  const revokePrivileges = next.cdc ? [] : old.grantedPrivileges.filter((p) => holdsPrivilege(held, p));
  if (revokePrivileges.length > 0) statements.push(cdcPrivilegeStatement("REVOKE", username, revokePrivileges));
  const keptDbs = old.grantedDatabases.filter((db) => nextDbs.includes(db) && holdsDatabase(held, db));
  const keptPrivileges = next.cdc ? old.grantedPrivileges.filter((p) => holdsPrivilege(held, p)) : [];
  return {
    createsUser: false,
    statements,
    state: {
      ...baseOf(next),
      userCreated: old.userCreated,
      grantedDatabases: unique([...keptDbs, ...add.databases]),
      grantedPrivileges: MY_CDC_PRIVILEGES.filter((p) => keptPrivileges.includes(p) || add.privileges.includes(p)),
      addedRequireSsl,
    },
  };
}

/**
 * @internal Delete: a user this resource created is dropped (which removes its grants); an
 * adopted user loses exactly what this resource added and it still holds: the grants, each CDC
 * privilege on its own, and `REQUIRE SSL`. A user already gone needs nothing.
 */
export function planDelete(state: IamUserState, held: HeldGrants): string[] {
  if (!held.exists) return [];
  if (state.userCreated) return [myDropUserStatement(state.username)];
  const out = myRevokeStatements({ flavor: "mariadb", username: state.username, databases: state.grantedDatabases.filter((db) => holdsDatabase(held, db)), cdc: false });
  const privileges = state.grantedPrivileges.filter((p) => holdsPrivilege(held, p));
  if (privileges.length > 0) out.push(cdcPrivilegeStatement("REVOKE", state.username, privileges));
  if (state.addedRequireSsl && held.sslType === "ANY") out.push(requireStatement(state.username, "NONE"));
  return out;
}

/** @internal The error for a server without the AWS plugin, i.e. IAM auth not enabled. */
export function iamAuthNotEnabledMessage(username: string): string {
  return (
    `IAM database authentication is off on the MariaDB database (creating IAM user "${username}" failed: ` +
    `Plugin 'AWSAuthenticationPlugin' is not loaded); set \`enableIamAuth: true\` to let this component turn it on, ` +
    `or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).`
  );
}

interface SqlErrorInfo {
  errno?: number;
  code?: string;
  sqlMessage?: string;
}

/** @internal The fields of a mysql2 error that the messages use. */
export function sqlErrorInfo(e: unknown): SqlErrorInfo {
  if (typeof e !== "object" || e === null) return {};
  const o = e as Record<string, unknown>;
  return {
    errno: typeof o.errno === "number" ? o.errno : undefined,
    code: typeof o.code === "string" ? o.code : undefined,
    sqlMessage: typeof o.sqlMessage === "string" ? o.sqlMessage : undefined,
  };
}

/** MariaDB `ER_PLUGIN_IS_NOT_LOADED`. */
const ER_PLUGIN_IS_NOT_LOADED = 1524;

/** @internal A server error, as an Error that says what failed; 1524 for the AWS plugin gets its own message. */
export function translateSqlError(e: unknown, statement: string, username: string): Error {
  const info = sqlErrorInfo(e);
  if (info.errno === ER_PLUGIN_IS_NOT_LOADED && (info.sqlMessage ?? "").includes("AWSAuthenticationPlugin")) {
    return new Error(iamAuthNotEnabledMessage(username), { cause: e });
  }
  const detail = info.sqlMessage ?? (e instanceof Error ? e.message : String(e));
  const code = info.errno === undefined ? "" : ` ${info.errno}${info.code === undefined ? "" : ` (${info.code})`}`;
  return new Error(`MariaDB error${code} running "${statement}": ${detail}`, { cause: e });
}

async function run(conn: SqlSession, statements: readonly string[], username: string): Promise<void> {
  for (const statement of statements) {
    try {
      await conn.query(statement);
    } catch (e) {
      throw translateSqlError(e, statement, username);
    }
  }
}

/** @internal Creates (or adopts) the user and grants what it lacks; returns the state to keep. */
export async function createIamUser(conn: SqlSession, spec: IamUserSpec, options: IamUserTestOptions = {}): Promise<IamUserState> {
  const plan = planCreate(spec, await readHeldGrants(conn, spec.username), options);
  await runCreating(conn, plan, spec.username);
  return plan.state;
}

/**
 * Runs a plan that may start with CREATE USER. Create is all or nothing: if a grant fails after
 * the user was created, the user is dropped again (best effort), so that the next run creates it
 * anew instead of adopting a user it would then never drop.
 */
async function runCreating(conn: SqlSession, plan: IamUserPlan, username: string): Promise<void> {
  if (!plan.createsUser) return run(conn, plan.statements, username);
  const [createUser, ...grants] = plan.statements;
  await run(conn, [createUser], username);
  try {
    await run(conn, grants, username);
  } catch (e) {
    await conn.query(myDropUserStatement(username)).catch(() => undefined);
    throw e;
  }
}

/** @internal Brings the user from `old` to `next` as the server holds it now; no statement when nothing differs. */
export async function updateIamUser(conn: SqlSession, old: IamUserState, next: IamUserSpec, options: IamUserTestOptions = {}): Promise<IamUserState> {
  const held = await readHeldGrants(conn, next.username);
  const plan = planUpdate(old, next, held, options);
  await runCreating(conn, plan, next.username);
  return plan.state;
}

/** @internal Drops the user if this resource created it, else undoes exactly what it added. */
export async function deleteIamUser(conn: SqlSession, state: IamUserState): Promise<void> {
  await run(conn, planDelete(state, await readHeldGrants(conn, state.username)), state.username);
}
