/**
 * The MariaDB IAM user's logic: plans the `components/sql.ts` statements that create, update or
 * delete `'username'@'%'` from what the server holds, and runs them over a `SqlSession`. It takes
 * plain values and a session, never a connection setting, so it is tested without a server.
 */
import {
  escapeMyGrantDatabase,
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
}

/** @internal What the resource remembers: the spec, and which of it the resource itself added. */
export interface IamUserState extends IamUserSpec {
  /** False when the user already existed: it was adopted and is never dropped. */
  readonly userCreated: boolean;
  /** Databases whose `SELECT` grant this resource added; only these are ever revoked. */
  readonly grantedDatabases: readonly string[];
  /** Whether this resource added the CDC privileges; only then are they ever revoked. */
  readonly grantedCdc: boolean;
}

/** @internal What the server holds for `'username'@'%'` right now. */
export interface HeldGrants {
  readonly exists: boolean;
  /** The user's authentication plugin, such as "AWSAuthenticationPlugin"; empty when it has none. */
  readonly plugin: string;
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

const NO_USER: HeldGrants = { exists: false, plugin: "", databasePatterns: [], replicationClient: false, replicationSlave: false };

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

/** @internal Queries that read what the server holds for the user. */
export function heldGrantsQueries(username: string): { user: string; databases: string } {
  const where = `User = ${quoteMyString(username)} AND Host = '%'`;
  return {
    user: `SELECT Repl_client_priv, Repl_slave_priv, plugin FROM mysql.user WHERE ${where};`,
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
    databasePatterns: dbs.map((row) => String(row.Db)),
    replicationClient: users[0].Repl_client_priv === "Y",
    replicationSlave: users[0].Repl_slave_priv === "Y",
  };
}

function holdsDatabase(held: HeldGrants, db: string): boolean {
  return held.databasePatterns.includes(escapeMyGrantDatabase(db));
}

/** Grants the user lacks: their statements, and which of them become this resource's own. */
interface GrantsToAdd {
  statements: string[];
  databases: string[];
  ownCdc: boolean;
}

/** The grants for `databases`/`cdc` that the user lacks, and which of them become ours. */
function grantsToAdd(username: string, databases: readonly string[], cdc: boolean, held: HeldGrants): GrantsToAdd {
  const missing = unique(databases).filter((db) => !holdsDatabase(held, db));
  const grantCdc = cdc && !(held.replicationClient && held.replicationSlave);
  return {
    statements: myGrantStatements({ flavor: "mariadb", username, databases: missing, cdc: grantCdc }),
    databases: missing,
    // Half of the CDC pair held already: grant the pair, but never revoke what pre-existed.
    ownCdc: grantCdc && !held.replicationClient && !held.replicationSlave,
  };
}

/**
 * @internal Create: a new user gets `CREATE USER` and every grant (exactly the `setupSql`
 * statements); an existing user is adopted and gets only the grants it lacks.
 */
export function planCreate(spec: IamUserSpec, held: HeldGrants, options: IamUserTestOptions = {}): IamUserPlan {
  const base = { username: spec.username, databases: [...spec.databases], cdc: spec.cdc };
  if (!held.exists) {
    const databases = unique(spec.databases);
    return {
      createsUser: true,
      statements: [
        createUserStatement(spec.username, options.authClauseOverride),
        ...myGrantStatements({ flavor: "mariadb", username: spec.username, databases, cdc: spec.cdc }),
      ],
      state: { ...base, userCreated: true, grantedDatabases: databases, grantedCdc: spec.cdc },
    };
  }
  const expected = expectedPlugin(options.authClauseOverride);
  if (held.plugin !== expected) {
    // Adopting it would leave ClickPipes a user that cannot log in with IAM.
    throw new Error(
      `\`dbUsername\` "${spec.username}" already exists on the MariaDB server with authentication plugin "${held.plugin}", not "${expected}"; choose another \`dbUsername\`, or drop or alter that user yourself.`,
    );
  }
  const add = grantsToAdd(spec.username, spec.databases, spec.cdc, held);
  return { createsUser: false, statements: add.statements, state: { ...base, userCreated: false, grantedDatabases: add.databases, grantedCdc: add.ownCdc } };
}

/** @internal True when the spec asks for exactly what the state was made from. */
export function sameSpec(a: IamUserSpec, b: IamUserSpec): boolean {
  return a.username === b.username && a.cdc === b.cdc && a.databases.length === b.databases.length && a.databases.every((db, i) => db === b.databases[i]);
}

/**
 * @internal Update: grant what was added (unless already held), revoke what was removed (only
 * grants this resource added and the user still holds). A user that vanished is created again.
 */
export function planUpdate(old: IamUserState, next: IamUserSpec, held: HeldGrants, options: IamUserTestOptions = {}): IamUserPlan {
  if (old.username !== next.username) {
    throw new Error(`\`username\` changed from "${old.username}" to "${next.username}"; a rename replaces the resource and is never an update.`);
  }
  if (sameSpec(old, next)) return { createsUser: false, statements: [], state: old };
  if (!held.exists) return planCreate(next, held, options);
  const nextDbs = unique(next.databases);
  const add = grantsToAdd(
    next.username,
    nextDbs.filter((db) => !old.databases.includes(db)),
    next.cdc && !old.cdc,
    held,
  );
  const revokeDbs = unique(old.databases).filter((db) => !nextDbs.includes(db) && old.grantedDatabases.includes(db) && holdsDatabase(held, db));
  const revokeCdc = old.cdc && !next.cdc && old.grantedCdc && (held.replicationClient || held.replicationSlave);
  return {
    createsUser: false,
    statements: [...add.statements, ...myRevokeStatements({ flavor: "mariadb", username: next.username, databases: revokeDbs, cdc: revokeCdc })],
    state: {
      username: next.username,
      databases: [...next.databases],
      cdc: next.cdc,
      userCreated: old.userCreated,
      grantedDatabases: [...old.grantedDatabases.filter((db) => nextDbs.includes(db)), ...add.databases],
      grantedCdc: next.cdc && (old.cdc ? old.grantedCdc : add.ownCdc),
    },
  };
}

/**
 * @internal Delete: a user this resource created is dropped (which removes its grants); an
 * adopted user only loses the grants this resource added. A user already gone needs nothing.
 */
export function planDelete(state: IamUserState, held: HeldGrants): string[] {
  if (!held.exists) return [];
  if (state.userCreated) return [myDropUserStatement(state.username)];
  return myRevokeStatements({
    flavor: "mariadb",
    username: state.username,
    databases: state.grantedDatabases.filter((db) => holdsDatabase(held, db)),
    cdc: state.grantedCdc && (held.replicationClient || held.replicationSlave),
  });
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

/** @internal Moves the user from `old` to `next`; a no-op (no SQL at all) when the spec is unchanged. */
export async function updateIamUser(conn: SqlSession, old: IamUserState, next: IamUserSpec, options: IamUserTestOptions = {}): Promise<IamUserState> {
  if (sameSpec(old, next)) return old;
  const held = await readHeldGrants(conn, next.username);
  const plan = planUpdate(old, next, held, options);
  await runCreating(conn, plan, next.username);
  return plan.state;
}

/** @internal Drops the user if this resource created it, else revokes only the grants it added. */
export async function deleteIamUser(conn: SqlSession, state: IamUserState): Promise<void> {
  await run(conn, planDelete(state, await readHeldGrants(conn, state.username)), state.username);
}
