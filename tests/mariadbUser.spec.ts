import * as assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import {
  MariaDbIamUser,
  MariaDbIamUserInputs,
  MariaDbIamUserOutputs,
  adminConnectionOptions,
  diffIamUser,
  mariaDbIamUserOptions,
  mariaDbIamUserProvider,
} from "../components/mariadbUser";
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
} from "../components/mariadbUserPlan";
import { mySetupStatements } from "../components/sql";

const U = "clickpipes_iam_user";
const CREATE = `CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;`;
const GRANT_SALES = "GRANT SELECT ON `sales`.* TO 'clickpipes_iam_user'@'%';";
const GRANT_MY_DB = "GRANT SELECT ON `my\\_db`.* TO 'clickpipes_iam_user'@'%';";
const GRANT_CDC = "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'clickpipes_iam_user'@'%';";
const REVOKE_SALES = "REVOKE SELECT ON `sales`.* FROM 'clickpipes_iam_user'@'%';";
const REVOKE_MY_DB = "REVOKE SELECT ON `my\\_db`.* FROM 'clickpipes_iam_user'@'%';";
const REVOKE_CDC = "REVOKE REPLICATION CLIENT, REPLICATION SLAVE ON *.* FROM 'clickpipes_iam_user'@'%';";
const DROP = "DROP USER IF EXISTS 'clickpipes_iam_user'@'%';";
const READ_USER = "SELECT Repl_client_priv, Repl_slave_priv, plugin FROM mysql.user WHERE User = 'clickpipes_iam_user' AND Host = '%';";
const READ_DBS = "SELECT Db FROM mysql.db WHERE User = 'clickpipes_iam_user' AND Host = '%' AND Select_priv = 'Y';";

const NO_USER: HeldGrants = { exists: false, plugin: "", databasePatterns: [], replicationClient: false, replicationSlave: false };
function held(o: Partial<HeldGrants> = {}): HeldGrants {
  return { exists: true, plugin: "AWSAuthenticationPlugin", databasePatterns: [], replicationClient: false, replicationSlave: false, ...o };
}
function created(o: Partial<IamUserState> = {}): IamUserState {
  return { username: U, databases: ["sales"], cdc: false, userCreated: true, grantedDatabases: ["sales"], grantedCdc: false, ...o };
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
      return [{ Repl_client_priv: this.server.replicationClient ? "Y" : "N", Repl_slave_priv: this.server.replicationSlave ? "Y" : "N", plugin: this.server.plugin }];
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
      user: "SELECT Repl_client_priv, Repl_slave_priv, plugin FROM mysql.user WHERE User = 'o''brien' AND Host = '%';",
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
    assert.deepEqual(plan.state, { username: U, databases: ["sales", "my_db"], cdc: true, userCreated: true, grantedDatabases: ["sales", "my_db"], grantedCdc: true });
  });

  it("grants a repeated database once", () => {
    assert.deepEqual(planCreate({ username: U, databases: ["sales", "sales"], cdc: false }, NO_USER).statements, [CREATE, GRANT_SALES]);
  });

  it("refuses to adopt an existing user that does not authenticate with IAM", () => {
    assert.throws(() => planCreate({ username: U, databases: ["sales"], cdc: false }, held({ plugin: "mysql_native_password" })), {
      message:
        '`dbUsername` "clickpipes_iam_user" already exists on the MariaDB server with authentication plugin "mysql_native_password", not "AWSAuthenticationPlugin"; choose another `dbUsername`, or drop or alter that user yourself.',
    });
  });

  it("adopts an existing user: no CREATE, only the grants it lacks, and those are the only ones it owns", () => {
    const plan = planCreate({ username: U, databases: ["sales", "my_db"], cdc: true }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB, GRANT_CDC]);
    assert.deepEqual(plan.state, { username: U, databases: ["sales", "my_db"], cdc: true, userCreated: false, grantedDatabases: ["my_db"], grantedCdc: true });
  });

  it("matches held grants by their escaped pattern, so `my_db` held as the wildcard `my_db` is not taken as held", () => {
    const plan = planCreate({ username: U, databases: ["my_db"], cdc: false }, held({ databasePatterns: ["my_db"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB]);
  });

  it("grants the CDC pair when half of it is held, but does not own it (never revokes what pre-existed)", () => {
    const plan = planCreate({ username: U, databases: [], cdc: true }, held({ replicationSlave: true }));
    assert.deepEqual(plan.statements, [GRANT_CDC]);
    assert.equal(plan.state.grantedCdc, false);
  });

  it("runs nothing when an existing user already holds everything (a re-run is a no-op)", () => {
    const plan = planCreate({ username: U, databases: ["sales"], cdc: true }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state, { username: U, databases: ["sales"], cdc: true, userCreated: false, grantedDatabases: [], grantedCdc: false });
  });
});

describe("planUpdate", () => {
  it("runs nothing for an unchanged spec", () => {
    const old = created();
    const plan = planUpdate(old, { username: U, databases: ["sales"], cdc: false }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan, { createsUser: false, statements: [], state: old });
  });

  it("grants added databases and CDC, and revokes removed databases", () => {
    const plan = planUpdate(created(), { username: U, databases: ["my_db"], cdc: true }, held({ databasePatterns: ["sales"] }));
    assert.deepEqual(plan.statements, [GRANT_MY_DB, GRANT_CDC, REVOKE_SALES]);
    assert.deepEqual(plan.state, { username: U, databases: ["my_db"], cdc: true, userCreated: true, grantedDatabases: ["my_db"], grantedCdc: true });
  });

  it("revokes CDC it granted when CDC is turned off", () => {
    const old = created({ cdc: true, grantedCdc: true });
    const plan = planUpdate(old, { username: U, databases: ["sales"], cdc: false }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, [REVOKE_CDC]);
    assert.equal(plan.state.grantedCdc, false);
  });

  it("never revokes a grant the user held before (adopted), nor one already gone", () => {
    const old = created({ databases: ["sales", "my_db"], cdc: true, userCreated: false, grantedDatabases: ["my_db"], grantedCdc: false });
    const plan = planUpdate(old, { username: U, databases: [], cdc: false }, held({ databasePatterns: ["sales"], replicationClient: true, replicationSlave: true }));
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state, { username: U, databases: [], cdc: false, userCreated: false, grantedDatabases: [], grantedCdc: false });
  });

  it("does not own an added database the user already held", () => {
    const plan = planUpdate(created(), { username: U, databases: ["sales", "my_db"], cdc: false }, held({ databasePatterns: ["sales", "my\\_db"] }));
    assert.deepEqual(plan.statements, []);
    assert.deepEqual(plan.state.grantedDatabases, ["sales"]);
  });

  it("creates the user again when it has vanished", () => {
    const plan = planUpdate(created({ userCreated: false, grantedDatabases: [] }), { username: U, databases: ["sales", "my_db"], cdc: false }, NO_USER);
    assert.deepEqual(plan.statements, [CREATE, GRANT_SALES, GRANT_MY_DB]);
    assert.equal(plan.state.userCreated, true);
  });

  it("refuses a rename, which is a replacement", () => {
    assert.throws(() => planUpdate(created(), { username: "other", databases: ["sales"], cdc: false }, held()), {
      message: '`username` changed from "clickpipes_iam_user" to "other"; a rename replaces the resource and is never an update.',
    });
  });
});

describe("planDelete", () => {
  it("drops a user it created", () => {
    assert.deepEqual(planDelete(created({ cdc: true, grantedCdc: true }), held({ databasePatterns: ["sales"] })), [DROP]);
  });

  it("only revokes, from an adopted user, the grants it added and the user still holds", () => {
    const state = created({ databases: ["sales", "my_db", "gone"], cdc: true, userCreated: false, grantedDatabases: ["my_db", "gone"], grantedCdc: true });
    assert.deepEqual(planDelete(state, held({ databasePatterns: ["sales", "my\\_db"], replicationClient: true, replicationSlave: true })), [REVOKE_MY_DB, REVOKE_CDC]);
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

  it("create of an existing user holding everything only reads", async () => {
    const conn = new RecordingSession(held({ databasePatterns: ["sales"] }));
    const state = await createIamUser(conn, { username: U, databases: ["sales"], cdc: false });
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

  it("update with an unchanged spec runs no SQL at all", async () => {
    const conn = new RecordingSession(held());
    const old = created();
    assert.equal(await updateIamUser(conn, old, { username: U, databases: ["sales"], cdc: false }), old);
    assert.deepEqual(conn.executed, []);
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

  it("requires TLS without verifying the server when no CA is given", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: true }), { ...plain, ssl: { rejectUnauthorized: false } });
  });
  it("verifies the server against a given CA", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: true, tlsCa: "PEM" }), { ...plain, ssl: { ca: "PEM", rejectUnauthorized: true } });
  });
  it("connects in the clear only when tls is false", () => {
    assert.deepEqual(adminConnectionOptions({ ...base, tls: false, tlsCa: "PEM" }), plain);
  });
  it("refuses an empty CA rather than silently not verifying", () => {
    assert.throws(() => adminConnectionOptions({ ...base, tls: true, tlsCa: " " }), {
      message: '`tlsCa` is ""; pass the PEM of the CA that signed the server certificate, or leave it unset.',
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
    grantedCdc: false,
    ...o,
  };
}

describe("diffIamUser", () => {
  const inputsOf = (o: MariaDbIamUserOutputs) => ({
    host: o.host,
    port: o.port,
    adminUsername: o.adminUsername,
    adminPassword: o.adminPassword,
    username: o.username,
    databases: o.databases,
    cdc: o.cdc,
    tls: o.tls,
    tlsCa: o.tlsCa,
  });

  it("reports no change for the same inputs", () => {
    assert.deepEqual(diffIamUser(outputs(), inputsOf(outputs())), { changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it("treats a missing tls as the default true", () => {
    assert.deepEqual(diffIamUser(outputs(), { ...inputsOf(outputs()), tls: undefined }), { changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it("updates in place for databases, cdc and the admin credentials", () => {
    for (const change of [{ databases: ["sales", "hr"] }, { databases: [] }, { cdc: true }, { adminUsername: "root" }, { adminPassword: "rotated" }, { tls: false }, { tlsCa: "PEM" }]) {
      const news = { ...inputsOf(outputs()), ...change };
      assert.deepEqual(diffIamUser(outputs(), news), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(change));
    }
  });
  it("updates for a reordered database list (no SQL runs, the output follows the input)", () => {
    const olds = outputs({ databases: ["sales", "hr"] });
    assert.deepEqual(diffIamUser(olds, { ...inputsOf(olds), databases: ["hr", "sales"] }), { changes: true, replaces: [], deleteBeforeReplace: false });
  });
  it("replaces, deleting first, for another host, port or user name", () => {
    const news = { ...inputsOf(outputs()), host: "other.example", username: "other" };
    assert.deepEqual(diffIamUser(outputs(), news), { changes: true, replaces: ["host", "username"], deleteBeforeReplace: true });
  });
});

describe("mariaDbIamUserProvider.update", () => {
  it("only records new connection settings, without connecting, when the grants are unchanged", async () => {
    // Port 1 on a reserved address: any connection attempt would fail the test.
    const olds = outputs({ host: "192.0.2.1", port: 1 });
    const result = await mariaDbIamUserProvider.update!("id", olds, { ...olds, adminPassword: "rotated", tls: false });
    assert.deepEqual(result.outs, { ...olds, adminPassword: "rotated", tls: false });
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
});

describe("the serialized provider", () => {
  it("loads mysql2 lazily, not as part of the closure, and works once deserialized", async () => {
    const started = Date.now();
    // As pulumi.dynamic.Resource serializes it.
    const serialized = await pulumi.runtime.serializeFunction(() => mariaDbIamUserProvider, { allowSecrets: true });
    const ms = Date.now() - started;
    assert.match(serialized.text, /require\("mysql2\/promise"\)/);
    assert.ok(serialized.text.length < 60_000, `closure is ${serialized.text.length} characters`);
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
