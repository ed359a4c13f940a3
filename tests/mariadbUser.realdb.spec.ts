/**
 * MariaDbIamUser against a real MariaDB server (`bash .ci/mariadb.sh` starts one).
 *
 * Stock MariaDB has no AWSAuthenticationPlugin, so most tests create the user with a test-only
 * auth clause (`authClauseOverride`, internal to the logic functions and unreachable from the
 * resource). The tests that use the real AWS clause expect the real ERROR 1524, and the provider
 * tests go through the production path (the AWS clause, TLS) by adopting a user made beforehand.
 */
import * as assert from "node:assert/strict";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { AdminSession, MariaDbIamUserInputs, connectAdmin, mariaDbIamUserProvider } from "../components/mariadbUser";
import { SqlSession, createIamUser, deleteIamUser, iamAuthNotEnabledMessage, updateIamUser } from "../components/mariadbUserPlan";
import {
  MariaDbTestServer,
  cleanUp,
  connectAs,
  mariaDbTestServer,
  otherCa,
  requireMariaDb,
  showGrants,
  testCa,
  uniqueName,
  userExists,
} from "./support/mariadb";

const SOCKET = "IDENTIFIED VIA unix_socket";
/** How SHOW GRANTS prints an IAM user (the AWS plugin is set directly in mysql.global_priv, see `awsPluginUser`). */
const AWS = "IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'";

/** The SHOW GRANTS lines MariaDB 10.11 prints; written out here, not derived from components/sql.ts. */
const usageLine = (u: string, auth = SOCKET) => `GRANT USAGE ON *.* TO \`${u}\`@\`%\` ${auth} REQUIRE SSL`;
/** MariaDB shows REPLICATION CLIENT by its 10.5+ name, BINLOG MONITOR. */
const cdcLine = (u: string, auth = SOCKET) => `GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO \`${u}\`@\`%\` ${auth} REQUIRE SSL`;
const selectLine = (quotedPattern: string, u: string) => `GRANT SELECT ON ${quotedPattern}.* TO \`${u}\`@\`%\``;

/** A session that also records every statement that is not a lookup. */
function recording(session: SqlSession): SqlSession & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    query(sql: string) {
      if (!sql.startsWith("SELECT ")) writes.push(sql);
      return session.query(sql);
    },
  };
}

describe("MariaDbIamUser against a real MariaDB server", function () {
  this.timeout(30_000);
  const server: MariaDbTestServer = mariaDbTestServer();
  const made = { users: [] as [string, string][], databases: [] as string[] };
  // No underscore in the prefix: the expected grant patterns below stay readable.
  const p = uniqueName("cpt");
  let inspector: Connection;
  let admin: AdminSession;

  /** A fresh IAM user name for one test, dropped after it. */
  function newUser(): string {
    const u = uniqueName("cpt_u_");
    made.users.push([u, "%"]);
    return u;
  }

  async function inspect(sql: string, values: unknown[] = []): Promise<void> {
    await inspector.query(sql, values);
  }

  /**
   * A user exactly as RDS has it after `IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'`:
   * stock MariaDB cannot run that statement (no plugin), but its account table can hold the result.
   */
  async function awsPluginUser(u: string): Promise<void> {
    await inspect(`CREATE USER ?@'%' ${SOCKET} REQUIRE SSL`, [u]);
    await inspect(
      "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'AWSAuthenticationPlugin', '$.authentication_string', 'RDS') WHERE User = ? AND Host = '%'",
      [u],
    );
    await inspect("FLUSH PRIVILEGES");
  }

  before(async function () {
    inspector = await requireMariaDb(this, server);
    // The production connection code, TLS on as by default (server not verified).
    admin = await connectAdmin({ host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password, tls: true });
  });

  afterEach(async () => {
    if (inspector !== undefined) await cleanUp(inspector, made);
  });

  after(async () => {
    await admin?.close();
    await inspector?.end();
  });

  it("creates the user with exactly SELECT on each database and nothing wider", async () => {
    const u = newUser();
    const state = await createIamUser(admin, { username: u, databases: [`${p}sales`, `${p}hr`], cdc: false }, { authClauseOverride: SOCKET });
    assert.equal(state.userCreated, true);
    assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}hr\``, u), selectLine(`\`${p}sales\``, u), usageLine(u)]);
  });

  it("adds REPLICATION SLAVE and REPLICATION CLIENT (shown as BINLOG MONITOR) on *.* for CDC", async () => {
    const u = newUser();
    await createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: true }, { authClauseOverride: SOCKET });
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u), selectLine(`\`${p}sales\``, u)]);
  });

  it("changes nothing when create runs again or update gets the same spec", async () => {
    const u = newUser();
    const spec = { username: u, databases: [`${p}sales`], cdc: true };
    const first = await createIamUser(admin, spec, { authClauseOverride: SOCKET });
    const before = await showGrants(inspector, u);

    const again = recording(admin);
    const second = await createIamUser(again, spec, { authClauseOverride: SOCKET });
    assert.deepEqual(again.writes, []);
    assert.deepEqual(second, { ...spec, userCreated: false, grantedDatabases: [], grantedCdc: false });

    const update = recording(admin);
    assert.equal(await updateIamUser(update, first, spec), first);
    assert.deepEqual(update.writes, []);
    assert.deepEqual(await showGrants(inspector, u), before);
  });

  it("update grants added databases, revokes removed ones and turns CDC on and off", async () => {
    const u = newUser();
    const created = await createIamUser(admin, { username: u, databases: [`${p}sales`, `${p}hr`], cdc: false }, { authClauseOverride: SOCKET });

    const withCdc = await updateIamUser(admin, created, { username: u, databases: [`${p}hr`, `${p}ops`], cdc: true });
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u), selectLine(`\`${p}hr\``, u), selectLine(`\`${p}ops\``, u)]);

    await updateIamUser(admin, withCdc, { username: u, databases: [`${p}ops`], cdc: false });
    assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}ops\``, u), usageLine(u)]);
  });

  it("delete drops the user it created and leaves other users, even the same name on another host, untouched", async () => {
    const u = newUser();
    const other = newUser();
    made.users.push([u, "localhost"]);
    await inspect(`CREATE USER ?@'localhost' ${SOCKET}`, [u]);
    await inspect(`GRANT SELECT ON \`${p}sales\`.* TO ?@'localhost'`, [u]);
    await inspect(`CREATE USER ?@'%' ${SOCKET}`, [other]);
    await inspect(`GRANT SELECT ON \`${p}sales\`.* TO ?@'%'`, [other]);
    const sameNameBefore = await showGrants(inspector, u, "localhost");
    const otherBefore = await showGrants(inspector, other);

    const state = await createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: true }, { authClauseOverride: SOCKET });
    await deleteIamUser(admin, state);

    assert.equal(await userExists(inspector, u), false);
    assert.deepEqual(await showGrants(inspector, u, "localhost"), sameNameBefore);
    assert.deepEqual(await showGrants(inspector, other), otherBefore);
  });

  it("adopts a pre-existing IAM user: grants only what it lacks, revokes only that, never drops it", async () => {
    const u = newUser();
    await awsPluginUser(u);
    await inspect(`GRANT SELECT ON \`${p}keep\`.* TO ?@'%'`, [u]);
    const original = await showGrants(inspector, u);

    const conn = recording(admin);
    const state = await createIamUser(conn, { username: u, databases: [`${p}keep`, `${p}sales`], cdc: true });
    assert.deepEqual(conn.writes, [
      `GRANT SELECT ON \`${p}sales\`.* TO '${u}'@'%';`,
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${u}'@'%';`,
    ]);
    assert.deepEqual(state, { username: u, databases: [`${p}keep`, `${p}sales`], cdc: true, userCreated: false, grantedDatabases: [`${p}sales`], grantedCdc: true });
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u, AWS), selectLine(`\`${p}keep\``, u), selectLine(`\`${p}sales\``, u)]);

    await deleteIamUser(admin, state);
    assert.deepEqual(await showGrants(inspector, u), original);
  });

  it("refuses to adopt an existing user that logs in with a password, and leaves it untouched", async () => {
    const u = newUser();
    await inspect(`CREATE USER ?@'%' IDENTIFIED BY 'pw-of-someone-else'`, [u]);
    const before = await showGrants(inspector, u);
    await assert.rejects(createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: true }), {
      message: `\`dbUsername\` "${u}" already exists on the MariaDB server with authentication plugin "mysql_native_password", not "AWSAuthenticationPlugin"; choose another \`dbUsername\`, or drop or alter that user yourself.`,
    });
    assert.deepEqual(await showGrants(inspector, u), before);
  });

  it("delete succeeds when the user is already gone", async () => {
    const u = newUser();
    const state = await createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: false }, { authClauseOverride: SOCKET });
    await inspect("DROP USER ?@'%'", [u]);
    await deleteIamUser(admin, state);
    assert.equal(await userExists(inspector, u), false);
  });

  it("quotes hostile database names: nothing breaks, nothing is injected, nothing is widened", async () => {
    const u = newUser();
    const evil = uniqueName("cpt_evil_");
    made.users.push([evil, "%"]);
    const names = [`${p}we\`ird`, `${p}it's`, `${p}a_b`, `${p}p%q`, `${p}données_日本`, `${p}x\`.* TO '${evil}'@'%' --`];
    await createIamUser(admin, { username: u, databases: names, cdc: false }, { authClauseOverride: SOCKET });
    assert.deepEqual(
      await showGrants(inspector, u),
      [
        selectLine(`\`${p}a\\_b\``, u),
        selectLine(`\`${p}données\\_日本\``, u),
        selectLine(`\`${p}it's\``, u),
        selectLine(`\`${p}p\\%q\``, u),
        selectLine(`\`${p}we\`\`ird\``, u),
        selectLine(`\`${p}x\`\`.* TO '${evil.replace(/_/g, "\\_")}'@'\\%' --\``, u),
        usageLine(u),
      ].sort(),
    );
    assert.equal(await userExists(inspector, evil), false);
  });

  it("a grant on a name with _ or % covers that database only, not the ones the wildcard would match", async () => {
    const u = newUser();
    const password = uniqueName("pw");
    const [granted, lookalike] = [
      [`${p}a_b`, `${p}p%q`],
      [`${p}axb`, `${p}pzzq`],
    ];
    for (const db of [...granted, ...lookalike]) {
      made.databases.push(db);
      await inspect(`CREATE DATABASE \`${db}\``);
      await inspect(`CREATE TABLE \`${db}\`.t (a INT)`);
      await inspect(`INSERT INTO \`${db}\`.t VALUES (1)`);
    }
    await createIamUser(admin, { username: u, databases: granted, cdc: false }, { authClauseOverride: `IDENTIFIED BY '${password}'` });

    // REQUIRE SSL holds: the user logs in over TLS (verified against the test CA).
    const asUser = await connectAs(server, u, password);
    try {
      const [dbs] = await asUser.query<RowDataPacket[]>("SHOW DATABASES");
      assert.deepEqual(dbs.map((r) => String(r.Database)).sort(), ["information_schema", ...granted].sort());
      for (const db of granted) {
        const [rows] = await asUser.query<RowDataPacket[]>(`SELECT a FROM \`${db}\`.t`);
        assert.deepEqual(rows.map((r) => r.a), [1]);
      }
      for (const db of lookalike) {
        await assert.rejects(asUser.query(`SELECT a FROM \`${db}\`.t`), { errno: 1142 });
      }
    } finally {
      await asUser.end();
    }
  });

  it("with the real AWS clause, a server without the plugin fails with the IAM-auth-not-enabled message and keeps no user", async () => {
    const u = newUser();
    await assert.rejects(createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: false }), { message: iamAuthNotEnabledMessage(u) });
    assert.equal(await userExists(inspector, u), false);
  });

  describe("the provider (production path: AWS clause, TLS)", () => {
    function inputs(o: Partial<MariaDbIamUserInputs>): MariaDbIamUserInputs {
      return {
        host: server.host,
        port: server.port,
        adminUsername: server.user,
        adminPassword: server.password,
        username: "unset",
        databases: [],
        cdc: false,
        tls: true,
        ...o,
      };
    }

    it("create fails with the IAM-auth-not-enabled message where the plugin is missing", async () => {
      const u = newUser();
      await assert.rejects(mariaDbIamUserProvider.create(inputs({ username: u, databases: [`${p}sales`] })), { message: iamAuthNotEnabledMessage(u) });
      assert.equal(await userExists(inspector, u), false);
    });

    it("adopts an IAM user, updates and deletes only its own grants, verifying the server against tlsCa", async () => {
      const u = newUser();
      await awsPluginUser(u);
      await inspect(`GRANT SELECT ON \`${p}keep\`.* TO ?@'%'`, [u]);
      const original = await showGrants(inspector, u);
      const first = inputs({ username: u, databases: [`${p}keep`, `${p}sales`], tlsCa: testCa(server) });

      const created = await mariaDbIamUserProvider.create(first);
      assert.equal(created.id, `${server.host}:${server.port}/${u}`);
      assert.deepEqual(created.outs, { ...first, userCreated: false, grantedDatabases: [`${p}sales`], grantedCdc: false });
      assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}keep\``, u), selectLine(`\`${p}sales\``, u), usageLine(u, AWS)]);

      const second = { ...first, databases: [`${p}keep`, `${p}ops`], cdc: true };
      const updated = await mariaDbIamUserProvider.update!(created.id, created.outs!, second);
      assert.deepEqual(await showGrants(inspector, u), [cdcLine(u, AWS), selectLine(`\`${p}keep\``, u), selectLine(`\`${p}ops\``, u)]);

      await mariaDbIamUserProvider.delete!(created.id, updated.outs!);
      assert.deepEqual(await showGrants(inspector, u), original);
    });
  });

  describe("the admin connection", () => {
    const settings = () => ({ host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password });

    async function cipher(s: AdminSession): Promise<string> {
      const rows = await s.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      return String(rows[0].Value);
    }

    it("is encrypted by default and in the clear only with tls false", async () => {
      assert.notEqual(await cipher(admin), "");
      const clear = await connectAdmin({ ...settings(), tls: false });
      try {
        assert.equal(await cipher(clear), "");
      } finally {
        await clear.close();
      }
    });

    it("refuses a server whose certificate the given CA did not sign", async () => {
      const outcome = await connectAdmin({ ...settings(), tls: true, tlsCa: otherCa(server) }).then(
        async (session) => {
          await session.close();
          return "connected";
        },
        (e: Error) => e.message,
      );
      assert.match(outcome, new RegExp(`^Cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": .*certificate`));
    });

    it("runs one statement per call (multipleStatements off)", async () => {
      await assert.rejects(admin.query("SELECT 1; SELECT 2"), { errno: 1064 });
    });
  });
});
