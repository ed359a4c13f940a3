import * as assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { MariaDbIamUser, mariaDbIamUserOptions } from "../components/mariadbUser";
import { CdcReadiness } from "../components/cdcReadiness";
import { PostgresPublication } from "../components/postgresPublication";
import { TLS_OFF_MESSAGE } from "../components/validation";
import {
  MariaDbIamUserInputs,
  MariaDbIamUserOutputs,
  diffIamUser,
  mariaDbIamUserProvider,
  observedOutputs,
  staleSettingsMessage,
  stateOf,
} from "../components/mariadbUserProvider";
import { adminConnectionOptions } from "../components/database/mysqlSession";
import { stableProvider } from "../components/dynamicProvider";
import {
  HeldGrants,
  IamUserState,
  SqlSession,
  createIamUser,
  createUserStatement,
  deleteIamUser,
  heldGrantsQueries,
  iamAuthNotEnabledMessage,
  planCreate,
  planDelete,
  planUpdate,
  translateSqlError,
  updateIamUser,
  userExistsMessage,
} from "../components/mariadbUserPlan";
import { rdsCertificateAuthorities } from "../components/database/tls";
import { claimMariaDbUser } from "../components/database/userClaims";
import { mySetupStatements } from "../components/sql";

const U = "clickpipes_iam_user";
const CREATE = `CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;`;
const GRANT_SALES = "GRANT SELECT ON `sales`.* TO 'clickpipes_iam_user'@'%';";
const GRANT_MY_DB = "GRANT SELECT ON `my\\_db`.* TO 'clickpipes_iam_user'@'%';";
const GRANT_CDC = "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'clickpipes_iam_user'@'%';";
const REVOKE_SALES = "REVOKE SELECT ON `sales`.* FROM 'clickpipes_iam_user'@'%';";
const REVOKE_MY_DB = "REVOKE SELECT ON `my\\_db`.* FROM 'clickpipes_iam_user'@'%';";
const REVOKE_CDC = "REVOKE REPLICATION CLIENT, REPLICATION SLAVE ON *.* FROM 'clickpipes_iam_user'@'%';";
const GRANT_CLIENT = "GRANT REPLICATION CLIENT ON *.* TO 'clickpipes_iam_user'@'%';";
const REVOKE_CLIENT = "REVOKE REPLICATION CLIENT ON *.* FROM 'clickpipes_iam_user'@'%';";
const REVOKE_SLAVE = "REVOKE REPLICATION SLAVE ON *.* FROM 'clickpipes_iam_user'@'%';";
const REQUIRE_SSL = "ALTER USER 'clickpipes_iam_user'@'%' REQUIRE SSL;";
const REQUIRE_NONE = "ALTER USER 'clickpipes_iam_user'@'%' REQUIRE NONE;";
const RESTORE_PLUGIN = "ALTER USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS';";
const BOTH = ["REPLICATION CLIENT", "REPLICATION SLAVE"];
const DROP = "DROP USER IF EXISTS 'clickpipes_iam_user'@'%';";
const READ_USER = "SELECT Repl_client_priv, Repl_slave_priv, plugin, ssl_type FROM mysql.user WHERE User = 'clickpipes_iam_user' AND Host = '%';";
const READ_DBS = "SELECT Db FROM mysql.db WHERE User = 'clickpipes_iam_user' AND Host = '%' AND Select_priv = 'Y';";

const NO_USER: HeldGrants = { exists: false, plugin: "", sslType: "", databasePatterns: [], replicationClient: false, replicationSlave: false };
function held(o: Partial<HeldGrants> = {}): HeldGrants {
  return { exists: true, plugin: "AWSAuthenticationPlugin", sslType: "ANY", databasePatterns: [], replicationClient: false, replicationSlave: false, ...o };
}
function created(o: Partial<IamUserState> = {}): IamUserState {
  return { username: U, databases: ["sales"], cdc: false, userCreated: true, grantedDatabases: ["sales"], grantedPrivileges: [], addedRequireSsl: false, ...o };
}
/** What an adopted user's state looks like: nothing of it is this resource's unless listed. */
function adopted(o: Partial<IamUserState> = {}): IamUserState {
  return created({ userCreated: false, grantedDatabases: [], adoptExistingUser: true, ...o });
}

/** A MySQL-like error as mysql2 raises it. */
function sqlError(errno: number, code: string, sqlMessage: string): Error {
  return Object.assign(new Error(sqlMessage), { errno, code, sqlMessage, sqlState: "HY000" });
}

/**
 * A connection that records every statement. It answers the two lookups from `server` and
 * nothing else: any other SELECT/SHOW is a test bug and throws.
 */
class RecordingSession implements SqlSession {
  readonly executed: string[] = [];
  constructor(
    private readonly server: HeldGrants,
    private readonly fail: (sql: string) => Error | undefined = () => undefined,
  ) {}
  async query(sql: string): Promise<Record<string, unknown>[]> {
    this.executed.push(sql);
    const error = this.fail(sql);
    if (error !== undefined) throw error;
    if (sql === READ_USER) {
      if (!this.server.exists) return [];
      return [
        {
          Repl_client_priv: this.server.replicationClient ? "Y" : "N",
          Repl_slave_priv: this.server.replicationSlave ? "Y" : "N",
          plugin: this.server.plugin,
          ssl_type: this.server.sslType,
        },
      ];
    }
    if (sql === READ_DBS) return this.server.databasePatterns.map((Db) => ({ Db }));
    if (/^\s*(SELECT|SHOW)\b/i.test(sql)) throw new Error(`RecordingSession does not know the query ${sql}`);
    return [];
  }
}

describe("createUserStatement", () => {
  it("is the setupSql CREATE USER with the AWS plugin and REQUIRE SSL", () => {
    assert.equal(createUserStatement(U), CREATE);
  });
  it("swaps only the auth clause for a test override", () => {
    assert.equal(createUserStatement(U, "IDENTIFIED VIA unix_socket"), "CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA unix_socket REQUIRE SSL;");
  });
});

describe("heldGrantsQueries", () => {
  it("quotes the user name as a string literal", () => {
    assert.deepEqual(heldGrantsQueries("o'brien"), {
      user: "SELECT Repl_client_priv, Repl_slave_priv, plugin, ssl_type FROM mysql.user WHERE User = 'o''brien' AND Host = '%';",
      databases: "SELECT Db FROM mysql.db WHERE User = 'o''brien' AND Host = '%' AND Select_priv = 'Y';",
    });
  });
});

describe("planCreate", () => {
  it("creates a new user with exactly the setupSql statements", () => {
    const plan = planCreate({ username: U, databases: ["sales", "my_db"], cdc: true }, NO_USER);
    assert.deepEqual(plan.statements, [CREATE, GRANT_SALES, GRANT_MY_DB, GRANT_CDC]);
    assert.deepEqual(plan.statements, mySetupStatements({ flavor: "mariadb", username: U, databases: ["sales", "my_db"], cdc: true }));
    assert.equal(plan.createsUser, true);
    assert.deepEqual(plan.state, {
      username: U,
      databases: ["sales", "my_db"],
      cdc: true,
      userCreated: true,
      grantedDatabases: ["sales", "my_db"],
      grantedPrivileges: BOTH,
      addedRequireSsl: false,
    });
  });

  it("grants a repeated database once", () => {
    assert.deepEqual(planCreate({ username: U, databases: ["sales", "sales"], cdc: false }, NO_USER).statements, [CREATE, GRANT_SALES]);
  });

  it("refuses an existing user without adoptExistingUser: nothing on the server says whose it is", () => {
    assert.throws(() => planCreate({ username: U, databases: ["sales"], cdc: false }, held()), { message: userExistsMessage(U) });
    assert.equal(
      userExistsMessage(U),
      '`dbUsername` "clickpipes_iam_user" already exists on the MariaDB server, and nothing there says which stack or component made it (MariaDB has no user comment); ' +
        "set `adoptExistingUser: true` to take it over (it gets only the grants it lacks and is never dropped, but whoever created it still drops it, grants and all, when they destroy it), " +
        "choose another `dbUsername`, or, if an interrupted `pulumi up` left it behind, drop it (DROP USER 'clickpipes_iam_user'@'%';) and run `pulumi up` again.",
    );
  });

  it("refuses to adopt an existing user that does not authenticate with IAM", () => {
    assert.throws(() => planCreate({ username: U, databases: ["sales"], cdc: false, adoptExistingUser: true }, held({ plugin: "mysql_native_password" })), {
      message:
        '`dbUsername` "clickpipes_iam_user" already exists on the MariaDB server with authentication plugin "mysql_native_password", not "AWSAuthenticationPlugin"; choose another `dbUsername`, or drop or alter that user yourself.',
    });
  });

  it("adopts an existing user on request: no CREATE, only the grants it lacks, and those are the only ones it owns", () => {
    const plan = planCreate({ username: U, databases: ["sales", "my_db"], cdc: true, adoptExistingUser: true }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB, GRANT_CDC]);
    assert.deepEqual(plan.state, adopted({ databases: ["sales", "my_db"], cdc: true, grantedDatabases: ["my_db"], grantedPrivileges: BOTH }));
  });

  it("requires TLS of an adopted user that had no such requirement, and records that it did", () => {
    const plan = planCreate({ username: U, databases: ["sales"], cdc: false, adoptExistingUser: true }, held({ sslType: "", databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [REQUIRE_SSL]);
    assert.equal(plan.state.addedRequireSsl, true);
  });

  it("leaves a stricter TLS requirement (X509) of an adopted user as it is", () => {
    const plan = planCreate({ username: U, databases: ["sales"], cdc: false, adoptExistingUser: true }, held({ sslType: "X509", databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, []);
    assert.equal(plan.state.addedRequireSsl, false);
  });

  it("matches held grants by their escaped pattern, so `my_db` held as the wildcard `my_db` is not taken as held", () => {
    const plan = planCreate({ username: U, databases: ["my_db"], cdc: false, adoptExistingUser: true }, held({ databasePatterns: ["my_db"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB]);
  });

  it("grants only the half of the CDC pair the user lacks, and owns exactly that half", () => {
    const plan = planCreate({ username: U, databases: [], cdc: true, adoptExistingUser: true }, held({ replicationSlave: true }));
    assert.deepEqual(plan.statements, [GRANT_CLIENT]);
    assert.deepEqual(plan.state.grantedPrivileges, ["REPLICATION CLIENT"]);
  });

  it("runs nothing when an existing user already holds everything (a re-run is a no-op)", () => {
    const plan = planCreate(
      { username: U, databases: ["sales"], cdc: true, adoptExistingUser: true },
      held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }),
    );
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state, adopted({ cdc: true }));
  });
});

describe("planUpdate", () => {
  it("runs nothing for an unchanged spec when the server holds it all", () => {
    const old = created();
    const plan = planUpdate(old, { username: U, databases: ["sales"], cdc: false }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan, { createsUser: false, statements: [], state: old });
  });

  it("grants added databases and CDC, and revokes removed databases", () => {
    const plan = planUpdate(created(), { username: U, databases: ["my_db"], cdc: true }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB, GRANT_CDC, REVOKE_SALES]);
    assert.deepEqual(plan.state, created({ databases: ["my_db"], cdc: true, grantedDatabases: ["my_db"], grantedPrivileges: BOTH }));
  });

  it("revokes CDC it granted when CDC is turned off", () => {
    const old = created({ cdc: true, grantedPrivileges: BOTH });
    const plan = planUpdate(old, { username: U, databases: ["sales"], cdc: false }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, [REVOKE_CDC]);
    assert.deepEqual(plan.state.grantedPrivileges, []);
  });

  it("revokes only the half of the CDC pair it added", () => {
    const old = adopted({ cdc: true, grantedPrivileges: ["REPLICATION SLAVE"] });
    const plan = planUpdate(old, { username: U, databases: ["sales"], cdc: false }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, [REVOKE_SLAVE]);
  });

  it("never revokes a grant the user held before (adopted), nor one already gone", () => {
    const old = adopted({ databases: ["sales", "my_db"], cdc: true, grantedDatabases: ["my_db"] });
    const plan = planUpdate(old, { username: U, databases: [], cdc: false }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state, created({ databases: [], cdc: false, userCreated: false, grantedDatabases: [] }));
  });

  it("does not own an added database the user already held", () => {
    const plan = planUpdate(created(), { username: U, databases: ["sales", "my_db"], cdc: false }, held({ databasePatterns: ["sales", "my\\_db"] }));
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state.grantedDatabases, ["sales"]);
  });

  it("creates the user again when it has vanished, and owns it from then on", () => {
    const plan = planUpdate(adopted(), { username: U, databases: ["sales", "my_db"], cdc: false }, NO_USER);
    assert.deepEqual(plan.statements, [CREATE, GRANT_SALES, GRANT_MY_DB]);
    assert.equal(plan.state.userCreated, true);
  });

  it("repairs drift of an unchanged spec: grants revoked by hand again, REQUIRE SSL again, the IAM plugin of a user it created", () => {
    const old = created({ databases: ["sales", "my_db"], cdc: true, grantedDatabases: ["sales", "my_db"], grantedPrivileges: BOTH });
    const now = held({ plugin: "mysql_native_password", sslType: "", databasePatterns: ["sales"], replicationClient: true });
    const plan = planUpdate(old, { username: U, databases: ["sales", "my_db"], cdc: true }, now);
    assert.deepEqual(plan.statements, [RESTORE_PLUGIN, REQUIRE_SSL, GRANT_MY_DB, "GRANT REPLICATION SLAVE ON *.* TO 'clickpipes_iam_user'@'%';"]);
    // A user it created is dropped on delete: REQUIRE SSL needs no undoing.
    assert.deepEqual(plan.state, { ...old, addedRequireSsl: false });
  });

  it("records a REQUIRE SSL it adds back to an adopted user, so that delete undoes it", () => {
    const plan = planUpdate(adopted(), { username: U, databases: ["sales"], cdc: false }, held({ sslType: "", databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [REQUIRE_SSL]);
    assert.equal(plan.state.addedRequireSsl, true);
  });

  it("refuses an adopted user whose plugin was changed: it is not this resource's to change back", () => {
    assert.throws(() => planUpdate(adopted(), { username: U, databases: ["sales"], cdc: false }, held({ plugin: "ed25519", databasePatterns: ["sales"] })), {
      message:
        '`dbUsername` "clickpipes_iam_user" already exists on the MariaDB server with authentication plugin "ed25519", not "AWSAuthenticationPlugin"; choose another `dbUsername`, or drop or alter that user yourself.',
    });
  });

  it("refuses a rename, which is a replacement", () => {
    assert.throws(() => planUpdate(created(), { username: "other", databases: ["sales"], cdc: false }, held()), {
      message: '`username` changed from "clickpipes_iam_user" to "other"; a rename replaces the resource and is never an update.',
    });
  });
});

describe("planDelete", () => {
  it("drops a user it created", () => {
    assert.deepEqual(planDelete(created({ cdc: true, grantedPrivileges: BOTH }), held({ databasePatterns: ["sales"] })), [DROP]);
  });

  it("only revokes, from an adopted user, the grants it added and the user still holds", () => {
    const state = adopted({ databases: ["sales", "my_db", "gone"], cdc: true, grantedDatabases: ["my_db", "gone"], grantedPrivileges: BOTH });
    assert.deepEqual(planDelete(state, held({ databasePatterns: ["sales", "my\\_db"], replicationClient: true, replicationSlave: true })), [REVOKE_MY_DB, REVOKE_CDC]);
  });

  it("revokes each CDC privilege it added on its own, and sets back a REQUIRE SSL it added", () => {
    const state = adopted({ cdc: true, grantedPrivileges: ["REPLICATION CLIENT"], addedRequireSsl: true });
    assert.deepEqual(planDelete(state, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true })), [REVOKE_CLIENT, REQUIRE_NONE]);
  });

  it("leaves a TLS requirement someone made stricter since (X509) alone", () => {
    assert.deepEqual(planDelete(adopted({ addedRequireSsl: true }), held({ sslType: "X509" })), []);
  });

  it("runs nothing when the user is already gone", () => {
    assert.deepEqual(planDelete(created(), NO_USER), []);
  });
});

describe("createIamUser, updateIamUser and deleteIamUser on a recording connection", () => {
  it("create reads the user, then runs CREATE USER and the grants, one statement per call", async () => {
    const conn = new RecordingSession(NO_USER);
    const state = await createIamUser(conn, { username: U, databases: ["sales"], cdc: true });
    assert.deepEqual(conn.executed, [READ_USER, CREATE, GRANT_SALES, GRANT_CDC]);
    assert.equal(state.userCreated, true);
  });

  it("create of an existing user holding everything, adopted on request, only reads", async () => {
    const conn = new RecordingSession(held({ databasePatterns: ["sales"] }));
    const state = await createIamUser(conn, { username: U, databases: ["sales"], cdc: false, adoptExistingUser: true });
    assert.deepEqual(conn.executed, [READ_USER, READ_DBS]);
    assert.equal(state.userCreated, false);
  });

  it("create drops the user again when a grant fails after CREATE USER", async () => {
    const denied = sqlError(1044, "ER_DBACCESS_DENIED_ERROR", "Access denied for user 'admin'@'%' to database 'sales'");
    const conn = new RecordingSession(NO_USER, (sql) => (sql === GRANT_SALES ? denied : undefined));
    await assert.rejects(createIamUser(conn, { username: U, databases: ["sales"], cdc: false }), {
      message: `MariaDB error 1044 (ER_DBACCESS_DENIED_ERROR) running "${GRANT_SALES}": Access denied for user 'admin'@'%' to database 'sales'`,
    });
    assert.deepEqual(conn.executed, [READ_USER, CREATE, GRANT_SALES, DROP]);
  });

  it("create on a server without the AWS plugin fails with the IAM-auth message and runs nothing more", async () => {
    const notLoaded = sqlError(1524, "ER_PLUGIN_IS_NOT_LOADED", "Plugin 'AWSAuthenticationPlugin' is not loaded");
    const conn = new RecordingSession(NO_USER, (sql) => (sql === CREATE ? notLoaded : undefined));
    await assert.rejects(createIamUser(conn, { username: U, databases: ["sales"], cdc: false }), { message: iamAuthNotEnabledMessage(U) });
    assert.deepEqual(conn.executed, [READ_USER, CREATE]);
  });

  it("update with an unchanged spec and nothing drifted only reads", async () => {
    const conn = new RecordingSession(held({ databasePatterns: ["sales"] }));
    const old = created();
    assert.deepEqual(await updateIamUser(conn, old, { username: U, databases: ["sales"], cdc: false }), old);
    assert.deepEqual(conn.executed, [READ_USER, READ_DBS]);
  });

  it("update reads, then grants and revokes", async () => {
    const conn = new RecordingSession(held({ databasePatterns: ["sales"] }));
    await updateIamUser(conn, created(), { username: U, databases: ["my_db"], cdc: false });
    assert.deepEqual(conn.executed, [READ_USER, READ_DBS, GRANT_MY_DB, REVOKE_SALES]);
  });

  it("delete of a created user reads, then drops it", async () => {
    const conn = new RecordingSession(held({ databasePatterns: ["sales"] }));
    await deleteIamUser(conn, created());
    assert.deepEqual(conn.executed, [READ_USER, READ_DBS, DROP]);
  });

  it("delete succeeds when the user is already gone", async () => {
    const conn = new RecordingSession(NO_USER);
    await deleteIamUser(conn, created());
    assert.deepEqual(conn.executed, [READ_USER]);
  });
});

describe("translateSqlError", () => {
  it("turns 1524 for AWSAuthenticationPlugin into the IAM-auth-not-enabled message", () => {
    const e = translateSqlError(sqlError(1524, "ER_PLUGIN_IS_NOT_LOADED", "Plugin 'AWSAuthenticationPlugin' is not loaded"), CREATE, U);
    assert.equal(
      e.message,
      "IAM database authentication is off on the MariaDB database (creating IAM user \"clickpipes_iam_user\" failed: " +
        "Plugin 'AWSAuthenticationPlugin' is not loaded); set `enableIamAuth: true` to let this component turn it on, " +
        'or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).',
    );
  });

  it("leaves 1524 for another plugin as a plain server error", () => {
    const e = translateSqlError(sqlError(1524, "ER_PLUGIN_IS_NOT_LOADED", "Plugin 'ed25519' is not loaded"), "CREATE USER x;", U);
    assert.equal(e.message, `MariaDB error 1524 (ER_PLUGIN_IS_NOT_LOADED) running "CREATE USER x;": Plugin 'ed25519' is not loaded`);
  });

  it("names the statement for an error without an errno", () => {
    assert.equal(translateSqlError(new Error("Connection lost"), GRANT_SALES, U).message, `MariaDB error running "${GRANT_SALES}": Connection lost`);
  });
});

describe("adminConnectionOptions", () => {
  const base = { host: "db.example", port: 3306, adminUsername: "admin", adminPassword: "pw" };
  const plain = { host: "db.example", port: 3306, user: "admin", password: "pw", multipleStatements: false, connectTimeout: 20000 };

  it("by default verifies the server's certificate against the Amazon RDS certificate authorities, and its name", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: true }), { ...plain, ssl: { ca: rdsCertificateAuthorities(), rejectUnauthorized: true, verifyIdentity: true } });
  });
  it("verifies the server against a given CA instead, name included", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: true, tlsCa: "PEM" }), { ...plain, ssl: { ca: "PEM", rejectUnauthorized: true, verifyIdentity: true } });
  });
  it("skips verification only when tlsVerify is false", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: true, tlsVerify: false }), { ...plain, ssl: { rejectUnauthorized: false } });
  });
  it("connects in the clear only when tls is false", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: false }), plain);
  });
  it("refuses an empty CA, and a CA that would not be used", () => {
    assert.throws(() => adminConnectionOptions({ ...base, tls: true, tlsCa: " " }), {
      message: '`tlsCa` is ""; pass the PEM of the CA that signed the server certificate, or leave it unset.',
    });
    assert.throws(() => adminConnectionOptions({ ...base, tls: true, tlsVerify: false, tlsCa: "PEM" }), {
      message: "`tlsCa` is set but `tlsVerify` is false; remove `tlsVerify: false` to verify the server against `tlsCa`, or remove `tlsCa`.",
    });
    assert.throws(() => adminConnectionOptions({ ...base, tls: false, tlsCa: "PEM" }), {
      message: "`tlsCa` is set but `tls` is false; remove `tlsCa`, or turn `tls` back on to verify the server against it.",
    });
  });
});

function outputs(o: Partial<MariaDbIamUserOutputs> = {}): MariaDbIamUserOutputs {
  return {
    host: "db.example",
    port: 3306,
    adminUsername: "admin",
    adminPassword: "pw",
    username: U,
    databases: ["sales"],
    cdc: false,
    tls: true,
    userCreated: true,
    grantedDatabases: ["sales"],
    grantedPrivileges: [],
    addedRequireSsl: false,
    userExists: true,
    plugin: "AWSAuthenticationPlugin",
    requireSsl: true,
    ...o,
  };
}

const inputsOf = (o: MariaDbIamUserOutputs): MariaDbIamUserInputs => ({
  host: o.host,
  port: o.port,
  ...(o.resourceId === undefined ? {} : { resourceId: o.resourceId }),
  adminUsername: o.adminUsername,
  adminPassword: o.adminPassword,
  username: o.username,
  databases: o.databases,
  cdc: o.cdc,
  tls: o.tls,
  tlsCa: o.tlsCa,
});

describe("diffIamUser", () => {
  const none = { changes: false, replaces: [], deleteBeforeReplace: false };
  const update = { changes: true, replaces: [], deleteBeforeReplace: false };

  it("reports no change for the same inputs", () => {
    assert.deepEqual(diffIamUser(outputs(), inputsOf(outputs())), none);
  });
  it("treats a missing tls, tlsVerify or adoptExistingUser as its default", () => {
    assert.deepEqual(diffIamUser(outputs(), { ...inputsOf(outputs()), tls: undefined, tlsVerify: true, adoptExistingUser: false }), none);
  });
  it("reads a state written before grantedPrivileges and the observed fields as undrifted", () => {
    const legacy = outputs({ grantedPrivileges: undefined, addedRequireSsl: undefined, userExists: undefined, plugin: undefined, requireSsl: undefined, grantedCdc: true, cdc: true });
    assert.deepEqual(diffIamUser(legacy, inputsOf(legacy)), none);
    assert.deepEqual(stateOf(legacy).grantedPrivileges, BOTH);
  });
  it("updates in place for databases, cdc, adoption and how to connect", () => {
    for (const change of [
      { databases: ["sales", "hr"] },
      { databases: [] },
      { cdc: true },
      { adoptExistingUser: true },
      { adminUsername: "root" },
      { adminPassword: "rotated" },
      { tls: false },
      { tlsVerify: false },
      { tlsCa: "PEM" },
    ]) {
      const news = { ...inputsOf(outputs()), ...change };
      assert.deepEqual(diffIamUser(outputs(), news), update, JSON.stringify(change));
    }
  });
  it("updates for a reordered database list (no SQL runs, the output follows the input)", () => {
    const olds = outputs({ databases: ["sales", "hr"] });
    assert.deepEqual(diffIamUser(olds, { ...inputsOf(olds), databases: ["hr", "sales"] }), update);
  });
  it("replaces, deleting first, for another host, port or user name when the server's resource ID is not known on both sides", () => {
    const news = { ...inputsOf(outputs()), host: "other.example", username: "other" };
    assert.deepEqual(diffIamUser(outputs(), news), { changes: true, replaces: ["username", "host"], deleteBeforeReplace: true });
    assert.deepEqual(diffIamUser(outputs(), { ...inputsOf(outputs()), port: 3307, resourceId: "db-NEW" }), { changes: true, replaces: ["port"], deleteBeforeReplace: true });
  });
  it("updates in place for a renamed endpoint or a new port of the same server (same resourceId): delete never needs the old address", () => {
    const olds = outputs({ resourceId: "db-ABC" });
    assert.deepEqual(diffIamUser(olds, { ...inputsOf(olds), host: "renamed.example", port: 3307 }), update);
    // A state from before resourceId: recorded in place, nothing replaced.
    assert.deepEqual(diffIamUser(outputs(), { ...inputsOf(outputs()), resourceId: "db-ABC" }), update);
  });
  it("replaces for another server (another resourceId), even at the same address", () => {
    const olds = outputs({ resourceId: "db-ABC" });
    assert.deepEqual(diffIamUser(olds, { ...inputsOf(olds), resourceId: "db-XYZ" }), { changes: true, replaces: ["resourceId"], deleteBeforeReplace: true });
  });
  it("reports a change for a refreshed state that saw drift, with the same inputs", () => {
    for (const drift of [{ userExists: false }, { requireSsl: false }, { plugin: "mysql_native_password" }, { databases: [] }, { cdc: false }]) {
      const olds = outputs({ cdc: true, ...drift });
      assert.deepEqual(diffIamUser(olds, inputsOf(outputs({ cdc: true }))), update, JSON.stringify(drift));
    }
  });
});

describe("observedOutputs (what read reports)", () => {
  it("keeps the state as it is when the server holds everything", () => {
    const o = outputs({ cdc: true, grantedPrivileges: BOTH });
    assert.deepEqual(observedOutputs(o, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true })), o);
  });
  it("lists only the databases and privileges still held, with the plugin and TLS requirement seen", () => {
    const o = outputs({ databases: ["sales", "my_db"], cdc: true, grantedDatabases: ["sales", "my_db"], grantedPrivileges: BOTH });
    assert.deepEqual(observedOutputs(o, held({ plugin: "ed25519", sslType: "", databasePatterns: ["my\\_db"], replicationSlave: true })), {
      ...o,
      databases: ["my_db"],
      cdc: false,
      grantedDatabases: ["my_db"],
      grantedPrivileges: ["REPLICATION SLAVE"],
      plugin: "ed25519",
      requireSsl: false,
    });
  });
  it("says the user is gone, keeping who created it", () => {
    const o = outputs({ cdc: true, grantedPrivileges: BOTH });
    assert.deepEqual(observedOutputs(o, NO_USER), {
      ...o,
      databases: [],
      cdc: false,
      grantedDatabases: [],
      grantedPrivileges: [],
      userExists: false,
      plugin: "",
      requireSsl: false,
    });
  });
  it("rewrites a legacy grantedCdc as grantedPrivileges", () => {
    const o = outputs({ cdc: true, grantedPrivileges: undefined, grantedCdc: true });
    const seen = observedOutputs(o, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual([seen.grantedPrivileges, "grantedCdc" in seen], [BOTH, false]);
  });
});

describe("mariaDbIamUserProvider.update", () => {
  it("only records new connection settings, without connecting, when the grants are unchanged and nothing drifted", async () => {
    // Port 1 on a reserved address: any connection attempt would fail the test.
    const olds = outputs({ host: "192.0.2.1", port: 1 });
    const result = await mariaDbIamUserProvider.update!("id", olds, { ...olds, adminPassword: "rotated", tls: false, resourceId: "db-ABC" });
    assert.deepEqual(result.outs, { ...olds, adminPassword: "rotated", tls: false, resourceId: "db-ABC" });
  });
});

describe("mariaDbIamUserProvider.delete and read with settings that no longer reach the server", () => {
  // Port 1 on 127.0.0.1: refused at once.
  const olds = outputs({ host: "127.0.0.1", port: 1 });
  const refused = 'cannot connect to MariaDB at 127.0.0.1:1 as "admin": connect ECONNREFUSED 127.0.0.1:1';

  it("delete says what failed, where, with which settings, and the two ways out", async () => {
    await assert.rejects(mariaDbIamUserProvider.delete!("127.0.0.1:1/clickpipes_iam_user", olds), {
      message:
        `Cannot drop or revoke MariaDB IAM user "clickpipes_iam_user" with the settings in the Pulumi state: ${refused}; ` +
        "if the admin password or the endpoint changed since, run `pulumi up` with the new settings first (with nothing else changed, it only records them), then try again; " +
        "if the server is gone, or you dropped the user by hand (DROP USER 'clickpipes_iam_user'@'%';), remove the resource from the state with `pulumi state delete <URN>` " +
        '(`pulumi stack --show-urns` lists the URN of the resource with ID "127.0.0.1:1/clickpipes_iam_user") and run `pulumi up` again.',
    });
  });

  it("read (refresh) says the same, without the state surgery", async () => {
    await assert.rejects(mariaDbIamUserProvider.read!("127.0.0.1:1/clickpipes_iam_user", olds), {
      message:
        `Cannot read MariaDB IAM user "clickpipes_iam_user" with the settings in the Pulumi state: ${refused}; ` +
        "if the admin password or the endpoint changed since, run `pulumi up` with the new settings first (with nothing else changed, it only records them), then try again.",
    });
  });

  it("staleSettingsMessage keeps the cause's own wording after its first letter", () => {
    assert.equal(
      staleSettingsMessage("read", "id", olds, new Error("Cannot connect to MariaDB at h:1 as \"a\": boom")),
      'Cannot read MariaDB IAM user "clickpipes_iam_user" with the settings in the Pulumi state: cannot connect to MariaDB at h:1 as "a": boom; ' +
        "if the admin password or the endpoint changed since, run `pulumi up` with the new settings first (with nothing else changed, it only records them), then try again.",
    );
  });
});

describe("claimMariaDbUser", () => {
  const claim = (o: Partial<Parameters<typeof claimMariaDbUser>[0]> = {}) => ({ host: "db.example", port: 3306, username: U, name: "a-db-user", owner: "p::a-db-user", ...o });

  it("refuses a second resource for the same host (any case), port and user in one run, naming both", () => {
    const run = {};
    claimMariaDbUser(claim(), run);
    assert.throws(() => claimMariaDbUser(claim({ host: "DB.example.", name: "b-db-user", owner: "p::b-db-user" }), run), {
      message:
        'MariaDB user "clickpipes_iam_user" at DB.example.:3306 is managed by both "a-db-user" and "b-db-user"; ' +
        "whichever is destroyed first would drop or revoke what the other relies on; give one of them another `dbUsername`, or create the user in one place only.",
    });
  });
  it("lets another user, another port or another server through, and the same resource again", () => {
    const run = {};
    claimMariaDbUser(claim(), run);
    claimMariaDbUser(claim({ username: "other", name: "b", owner: "p::b" }), run);
    claimMariaDbUser(claim({ port: 3307, name: "c", owner: "p::c" }), run);
    claimMariaDbUser(claim({ host: "db2.example", name: "d", owner: "p::d" }), run);
    claimMariaDbUser(claim(), run);
  });
  it("keeps runs apart", () => {
    claimMariaDbUser(claim(), {});
    claimMariaDbUser(claim({ name: "b", owner: "p::b" }), {});
  });
});

describe("mariaDbIamUserOptions", () => {
  it("adds adminPassword to the caller's additionalSecretOutputs without changing the caller's options", () => {
    const opts = { additionalSecretOutputs: ["other"], protect: true };
    assert.deepEqual(mariaDbIamUserOptions(opts), { additionalSecretOutputs: ["other", "adminPassword"], protect: true });
    assert.deepEqual(opts, { additionalSecretOutputs: ["other"], protect: true });
    assert.deepEqual(mariaDbIamUserOptions(), { additionalSecretOutputs: ["adminPassword"] });
  });
});

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
}

/** The parts of a RegisterResourceRequest this spec reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => o.apply(done));
}

/** The value of an output, rejecting when it fails (as `pulumi up` would). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}

describe("MariaDbIamUser under setMocks", () => {
  const registrations: Registration[] = [];
  let res: MariaDbIamUser;

  before(async () => {
    const inputsByName = new Map<string, Record<string, unknown>>();
    await pulumi.runtime.setMocks(
      {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
          if (args.type !== "pulumi-nodejs:dynamic:Resource") throw new Error(`unexpected resource type ${args.type}`);
          inputsByName.set(args.name, args.inputs);
          // What the provider's create returns for a new user: the inputs plus the state.
          return { id: "db.example:3306/clickpipes_iam_user", state: { ...args.inputs, userCreated: true, grantedDatabases: ["sales"], grantedCdc: false } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
          throw new Error(`unexpected invoke ${args.token}`);
        },
      },
      "project",
      "stack",
      false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
      registrations.push({ type: req.getType(), name: req.getName(), inputs: {}, additionalSecretOutputs: req.getAdditionalsecretoutputsList() });
      return register(req, cb);
    };
    res = new MariaDbIamUser(
      "pipe-db-user",
      {
        host: "db.example",
        port: 3306,
        adminUsername: "admin",
        adminPassword: "hunter2",
        username: U,
        databases: pulumi.output(["sales"]),
        cdc: false,
      },
      { additionalSecretOutputs: ["tlsCa"] },
    );
    await resolve(res.urn);
    const inputs = inputsByName.get("pipe-db-user");
    if (inputs === undefined) throw new Error("MariaDbIamUser did not register");
    registrations[0].inputs = inputs;
  });

  it("registers as pulumi-nodejs:dynamic:Resource with the expected inputs, none named id or urn", () => {
    assert.equal(registrations.length, 1);
    const { type, name, inputs } = registrations[0];
    assert.equal(type, "pulumi-nodejs:dynamic:Resource");
    assert.equal(name, "pipe-db-user");
    const { __provider: provider, adminPassword, ...rest } = inputs;
    assert.equal(typeof provider, "string");
    assert.deepEqual(rest, { host: "db.example", port: 3306, adminUsername: "admin", username: U, databases: ["sales"], cdc: false, tls: true });
    assert.ok(pulumi.runtime.isRpcSecret(adminPassword), "adminPassword is sent as a secret");
    assert.equal(pulumi.runtime.unwrapRpcSecret(adminPassword), "hunter2");
  });

  it("marks adminPassword as an additional secret output, keeping the caller's", () => {
    assert.deepEqual(registrations[0].additionalSecretOutputs, ["tlsCa", "adminPassword"]);
  });

  it("keeps the admin password out of the serialized provider", () => {
    assert.ok(!String(registrations[0].inputs.__provider).includes("hunter2"));
  });

  it("exposes username, databases, cdc and userCreated", async () => {
    assert.equal(await resolve(res.username), U);
    assert.deepEqual(await resolve(res.databases), ["sales"]);
    assert.equal(await resolve(res.cdc), false);
    assert.equal(await resolve(res.userCreated), true);
    const password = (res as unknown as { adminPassword: pulumi.Output<string> }).adminPassword;
    assert.equal(await pulumi.isSecret(password), true);
  });

  it("refuses tls: false, which would send the admin password in clear text, before registering", () => {
    const before = registrations.length;
    for (const Resource of [MariaDbIamUser, CdcReadiness, PostgresPublication] as unknown as (new (n: string, a: Record<string, unknown>) => unknown)[]) {
      assert.throws(
        () => new Resource("clear", { host: "db.example", port: 3306, adminUsername: "admin", adminPassword: "hunter2", username: U, databases: ["sales"], cdc: false, database: "d", name: "p", scope: { kind: "allTables" }, target: {}, check: {}, mode: "enforce", tls: false }),
        { message: TLS_OFF_MESSAGE },
      );
    }
    assert.equal(registrations.length, before);
  });
});

describe("two MariaDbIamUser resources for one user in one program", () => {
  const registered: string[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args: pulumi.runtime.MockResourceArgs) {
          registered.push(args.name);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
          throw new Error(`unexpected invoke ${args.token}`);
        },
      },
      "project",
      "stack",
      false,
    );
  });

  const args = (host: pulumi.Input<string>, port: pulumi.Input<number>) => ({ host, port, adminUsername: "admin", adminPassword: "pw", username: U, databases: ["sales"], cdc: false });

  /**
   * The failures a program run reports: a registration whose inputs fail is not an output anyone
   * awaits, so the runtime surfaces it as an unhandled rejection (and `pulumi up` fails with it).
   */
  async function programFailures(work: () => Promise<void>): Promise<string[]> {
    const failures: string[] = [];
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", (e) => failures.push(e instanceof Error ? e.message : String(e)));
    try {
      await work();
      // Let the failed registration's promises settle.
      await new Promise((done) => setTimeout(done, 200));
    } finally {
      process.removeAllListeners("unhandledRejection");
      for (const l of others) process.on("unhandledRejection", l);
    }
    return [...new Set(failures)];
  }

  it("refuses the second before it registers, naming both; another port is another user", async () => {
    const failures = await programFailures(async () => {
      const first = new MariaDbIamUser("ledger-db-user", args("db.example", 3306));
      // Host and port known only later (as from a lookup), spelled differently.
      new MariaDbIamUser("billing-db-user", args(pulumi.output("DB.EXAMPLE"), pulumi.output(3306)));
      const third = new MariaDbIamUser("other-port-db-user", args("db.example", 3307));
      await valueOf(first.urn);
      await valueOf(third.urn);
    });
    assert.deepEqual(failures, [
      'error serializing property "host": MariaDB user "clickpipes_iam_user" at DB.EXAMPLE:3306 is managed by both "ledger-db-user" and "billing-db-user"; ' +
        "whichever is destroyed first would drop or revoke what the other relies on; give one of them another `dbUsername`, or create the user in one place only.",
    ]);
    assert.deepEqual(registered, ["ledger-db-user", "other-port-db-user"]);
  });

  it("under a component, depends on neither the component nor its other children (the check reads the parent's URN only)", async () => {
    const deps = new Map<string, string[]>();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest & { getDependenciesList(): string[] }, cb: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      deps.set(req.getName(), req.getDependenciesList());
      return register(req, cb);
    };
    const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
    const sibling = new MariaDbIamUser("sibling-db-user", { ...args("sibling.example", 3306) }, { parent });
    const user = new MariaDbIamUser("child-db-user", args("child.example", 3306), { parent });
    await valueOf(user.urn);
    await valueOf(sibling.urn);
    assert.deepEqual(deps.get("child-db-user"), []);
  });
});

describe("the serialized provider", () => {
  it("names only the stable entry, and works once deserialized", async () => {
    const started = Date.now();
    // As pulumi.dynamic.Resource serializes it.
    const serialized = await pulumi.runtime.serializeFunction(() => stableProvider("mariaDbIamUser"), { allowSecrets: true });
    const ms = Date.now() - started;
    assert.deepEqual([...serialized.text.matchAll(/require\("([^"]*)"\)/g)].map((m) => m[1]), ["clickpipes-rds-iam/providers"]);
    assert.ok(!serialized.text.includes("BEGIN CERTIFICATE"));
    assert.ok(serialized.text.length < 5_000, `closure is ${serialized.text.length} characters`);
    assert.ok(ms < 5_000, `serialization took ${ms} ms`);

    // What the dynamic provider host does with it (require-from-string, then handler()).
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    new Function("exports", "require", "module", serialized.text)(mod.exports, createRequire(__filename), mod);
    const provider = (mod.exports.handler as () => pulumi.dynamic.ResourceProvider<MariaDbIamUserInputs, MariaDbIamUserOutputs>)();
    const olds = outputs({ host: "192.0.2.1", port: 1 });
    assert.deepEqual(await provider.diff!("id", olds, { ...olds, host: "other" }), { changes: true, replaces: ["host"], deleteBeforeReplace: true });
    assert.deepEqual((await provider.update!("id", olds, { ...olds, adminPassword: "rotated" })).outs, { ...olds, adminPassword: "rotated" });
  });
});
