/**
 * MariaDbIamUser against a real MariaDB server (`bash .ci/mariadb.sh` starts one).
 *
 * Stock MariaDB has no AWSAuthenticationPlugin, so most tests create the user with a test-only
 * auth clause (`authClauseOverride`, internal to the logic functions and unreachable from the
 * resource). The tests that use the real AWS clause expect the real ERROR 1524, and the provider
 * tests go through the production path (the AWS clause, TLS verified against the test CA) by
 * adopting a user made beforehand, or by a state that says the resource created such a user.
 */
import * as assert from "node:assert/strict";
import * as mysql from "mysql2/promise";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { AdminSession, connectAdmin } from "../components/database/mysqlSession";
import { MariaDbIamUserInputs, MariaDbIamUserOutputs, diffIamUser, mariaDbIamUserProvider, stateOf } from "../components/mariadbUserProvider";
import { SqlSession, createIamUser, deleteIamUser, iamAuthNotEnabledMessage, updateIamUser, userExistsMessage } from "../components/mariadbUserPlan";
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
const usageLine = (u: string, auth = SOCKET, require = " REQUIRE SSL") => `GRANT USAGE ON *.* TO \`${u}\`@\`%\` ${auth}${require}`;
/** MariaDB shows REPLICATION CLIENT by its 10.5+ name, BINLOG MONITOR. */
const cdcLine = (u: string, auth = SOCKET, require = " REQUIRE SSL") => `GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO \`${u}\`@\`%\` ${auth}${require}`;
const slaveLine = (u: string, auth = SOCKET, require = " REQUIRE SSL") => `GRANT REPLICATION SLAVE ON *.* TO \`${u}\`@\`%\` ${auth}${require}`;
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
  async function awsPluginUser(u: string, require: "SSL" | "NONE" = "SSL"): Promise<void> {
    await inspect(`CREATE USER ?@'%' ${SOCKET} REQUIRE ${require}`, [u]);
    await inspect(
      "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'AWSAuthenticationPlugin', '$.authentication_string', 'RDS') WHERE User = ? AND Host = '%'",
      [u],
    );
    await inspect("FLUSH PRIVILEGES");
  }

  before(async function () {
    inspector = await requireMariaDb(this, server);
    // The production connection code, TLS verified against the test CA.
    admin = await connectAdmin({ host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password, tls: true, tlsCa: testCa(server) });
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
    const second = await createIamUser(again, { ...spec, adoptExistingUser: true }, { authClauseOverride: SOCKET });
    assert.deepEqual(again.writes, []);
    assert.deepEqual(second, { ...spec, adoptExistingUser: true, userCreated: false, grantedDatabases: [], grantedPrivileges: [], addedRequireSsl: false });

    const update = recording(admin);
    assert.deepEqual(await updateIamUser(update, first, spec, { authClauseOverride: SOCKET }), first);
    assert.deepEqual(update.writes, []);
    assert.deepEqual(await showGrants(inspector, u), before);
  });

  it("update grants added databases, revokes removed ones and turns CDC on and off", async () => {
    const u = newUser();
    const created = await createIamUser(admin, { username: u, databases: [`${p}sales`, `${p}hr`], cdc: false }, { authClauseOverride: SOCKET });

    const withCdc = await updateIamUser(admin, created, { username: u, databases: [`${p}hr`, `${p}ops`], cdc: true }, { authClauseOverride: SOCKET });
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u), selectLine(`\`${p}hr\``, u), selectLine(`\`${p}ops\``, u)]);

    await updateIamUser(admin, withCdc, { username: u, databases: [`${p}ops`], cdc: false }, { authClauseOverride: SOCKET });
    assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}ops\``, u), usageLine(u)]);
  });

  it("update sets the IAM plugin back on a user it created that was switched to a password by hand, keeping its grants", async () => {
    const u = newUser();
    const spec = { username: u, databases: [`${p}sales`], cdc: true };
    const state = await createIamUser(admin, spec, { authClauseOverride: SOCKET });
    const made = await showGrants(inspector, u);
    await inspect("ALTER USER ?@'%' IDENTIFIED BY 'someone-set-a-password'", [u]);
    assert.notDeepEqual(await showGrants(inspector, u), made);

    const conn = recording(admin);
    await updateIamUser(conn, state, spec, { authClauseOverride: SOCKET });
    assert.deepEqual(conn.writes, [`ALTER USER '${u}'@'%' ${SOCKET};`]);
    assert.deepEqual(await showGrants(inspector, u), made);
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

  it("refuses a pre-existing IAM user unless asked to adopt it, and leaves it untouched", async () => {
    const u = newUser();
    await awsPluginUser(u);
    const before = await showGrants(inspector, u);
    const conn = recording(admin);
    await assert.rejects(createIamUser(conn, { username: u, databases: [`${p}sales`], cdc: true }), { message: userExistsMessage(u) });
    assert.deepEqual(conn.writes, []);
    assert.deepEqual(await showGrants(inspector, u), before);
  });

  it("adopts a pre-existing IAM user on request: grants only what it lacks, revokes only that, never drops it", async () => {
    const u = newUser();
    await awsPluginUser(u);
    await inspect(`GRANT SELECT ON \`${p}keep\`.* TO ?@'%'`, [u]);
    const original = await showGrants(inspector, u);

    const conn = recording(admin);
    const state = await createIamUser(conn, { username: u, databases: [`${p}keep`, `${p}sales`], cdc: true, adoptExistingUser: true });
    assert.deepEqual(conn.writes, [
      `GRANT SELECT ON \`${p}sales\`.* TO '${u}'@'%';`,
      `GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${u}'@'%';`,
    ]);
    assert.deepEqual(state, {
      username: u,
      databases: [`${p}keep`, `${p}sales`],
      cdc: true,
      adoptExistingUser: true,
      userCreated: false,
      grantedDatabases: [`${p}sales`],
      grantedPrivileges: ["REPLICATION CLIENT", "REPLICATION SLAVE"],
      addedRequireSsl: false,
    });
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u, AWS), selectLine(`\`${p}keep\``, u), selectLine(`\`${p}sales\``, u)]);

    await deleteIamUser(admin, state);
    assert.deepEqual(await showGrants(inspector, u), original);
  });

  it("brings an adopted user to what a created one has (REQUIRE SSL, the whole CDC pair), and delete undoes exactly that", async () => {
    const u = newUser();
    // No TLS requirement, and half of the CDC pair held already.
    await awsPluginUser(u, "NONE");
    await inspect(`GRANT SELECT ON \`${p}keep\`.* TO ?@'%'`, [u]);
    await inspect("GRANT REPLICATION SLAVE ON *.* TO ?@'%'", [u]);
    const original = await showGrants(inspector, u);
    assert.deepEqual(original, [slaveLine(u, AWS, ""), selectLine(`\`${p}keep\``, u)]);

    const conn = recording(admin);
    const state = await createIamUser(conn, { username: u, databases: [`${p}keep`], cdc: true, adoptExistingUser: true });
    assert.deepEqual(conn.writes, [`ALTER USER '${u}'@'%' REQUIRE SSL;`, `GRANT REPLICATION CLIENT ON *.* TO '${u}'@'%';`]);
    assert.deepEqual([state.grantedPrivileges, state.addedRequireSsl], [["REPLICATION CLIENT"], true]);
    assert.deepEqual(await showGrants(inspector, u), [cdcLine(u, AWS), selectLine(`\`${p}keep\``, u)]);

    const undo = recording(admin);
    await deleteIamUser(undo, state);
    assert.deepEqual(undo.writes, [`REVOKE REPLICATION CLIENT ON *.* FROM '${u}'@'%';`, `ALTER USER '${u}'@'%' REQUIRE NONE;`]);
    assert.deepEqual(await showGrants(inspector, u), original);
  });

  it("refuses to adopt an existing user that logs in with a password, and leaves it untouched", async () => {
    const u = newUser();
    await inspect(`CREATE USER ?@'%' IDENTIFIED BY 'pw-of-someone-else'`, [u]);
    const before = await showGrants(inspector, u);
    await assert.rejects(createIamUser(admin, { username: u, databases: [`${p}sales`], cdc: true, adoptExistingUser: true }), {
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

  describe("the provider (production path: AWS clause, TLS verified against the test CA)", () => {
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
        tlsCa: testCa(server),
        ...o,
      };
    }

    /** An adopted IAM user holding SELECT on `keep`, and the provider's create that adopts it with `sales` and CDC. */
    async function adoptedByProvider(o: Partial<MariaDbIamUserInputs> = {}) {
      const u = newUser();
      await awsPluginUser(u);
      await inspect(`GRANT SELECT ON \`${p}keep\`.* TO ?@'%'`, [u]);
      const original = await showGrants(inspector, u);
      const first = inputs({ username: u, databases: [`${p}keep`, `${p}sales`], cdc: true, adoptExistingUser: true, ...o });
      const created = await mariaDbIamUserProvider.create(first);
      return { u, original, first, id: created.id, outs: created.outs as MariaDbIamUserOutputs };
    }

    it("create fails with the IAM-auth-not-enabled message where the plugin is missing", async () => {
      const u = newUser();
      await assert.rejects(mariaDbIamUserProvider.create(inputs({ username: u, databases: [`${p}sales`] })), { message: iamAuthNotEnabledMessage(u) });
      assert.equal(await userExists(inspector, u), false);
    });

    it("adopts an IAM user, updates and deletes only its own grants", async () => {
      const { u, original, first, id, outs } = await adoptedByProvider({ cdc: false });
      assert.equal(id, `${server.host}:${server.port}/${u}`);
      assert.deepEqual(outs, {
        ...first,
        userCreated: false,
        grantedDatabases: [`${p}sales`],
        grantedPrivileges: [],
        addedRequireSsl: false,
        userExists: true,
        plugin: "AWSAuthenticationPlugin",
        requireSsl: true,
      });
      assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}keep\``, u), selectLine(`\`${p}sales\``, u), usageLine(u, AWS)]);

      const second = { ...first, databases: [`${p}keep`, `${p}ops`], cdc: true };
      const updated = await mariaDbIamUserProvider.update!(id, outs, second);
      assert.deepEqual(await showGrants(inspector, u), [cdcLine(u, AWS), selectLine(`\`${p}keep\``, u), selectLine(`\`${p}ops\``, u)]);

      await mariaDbIamUserProvider.delete!(id, updated.outs!);
      assert.deepEqual(await showGrants(inspector, u), original);
    });

    it("refresh of an untouched user reports no drift, and the next diff no change", async () => {
      const { first, id, outs } = await adoptedByProvider();
      const read = await mariaDbIamUserProvider.read!(id, outs);
      assert.deepEqual(read, { id, props: outs });
      assert.deepEqual(diffIamUser(read.props as MariaDbIamUserOutputs, first), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("refresh then up repairs grants revoked and REQUIRE SSL removed by hand", async () => {
      const { u, original, first, id, outs } = await adoptedByProvider();
      const made = await showGrants(inspector, u);
      await inspect(`REVOKE SELECT ON \`${p}sales\`.* FROM ?@'%'`, [u]);
      await inspect("REVOKE REPLICATION CLIENT ON *.* FROM ?@'%'", [u]);
      await inspect("ALTER USER ?@'%' REQUIRE NONE", [u]);

      // pulumi refresh: what the server holds now.
      const read = await mariaDbIamUserProvider.read!(id, outs);
      const seen = read.props as MariaDbIamUserOutputs;
      assert.deepEqual(
        [seen.databases, seen.cdc, seen.grantedDatabases, seen.grantedPrivileges, seen.userExists, seen.requireSsl],
        [[`${p}keep`], false, [], ["REPLICATION SLAVE"], true, false],
      );
      // pulumi up: the same program, so the same inputs; the diff sees the drift and update repairs it.
      assert.deepEqual(diffIamUser(seen, first), { changes: true, replaces: [], deleteBeforeReplace: false });
      const repaired = await mariaDbIamUserProvider.update!(id, seen, first);
      assert.deepEqual(await showGrants(inspector, u), made);
      // The repaired grants are this resource's own again (and the REQUIRE SSL it put back): delete undoes them.
      assert.deepEqual([repaired.outs!.grantedDatabases, repaired.outs!.grantedPrivileges, repaired.outs!.addedRequireSsl], [[`${p}sales`], ["REPLICATION CLIENT", "REPLICATION SLAVE"], true]);
      await mariaDbIamUserProvider.delete!(id, repaired.outs!);
      assert.deepEqual(await showGrants(inspector, u), [selectLine(`\`${p}keep\``, u), usageLine(u, AWS, "")]);
      assert.deepEqual(original, [selectLine(`\`${p}keep\``, u), usageLine(u, AWS)]);
    });

    it("refresh then up creates a dropped user again", async () => {
      const { u, first, id, outs } = await adoptedByProvider();
      await inspect("DROP USER ?@'%'", [u]);

      const read = await mariaDbIamUserProvider.read!(id, outs);
      const seen = read.props as MariaDbIamUserOutputs;
      assert.deepEqual([seen.userExists, seen.databases, seen.cdc, seen.plugin], [false, [], false, ""]);
      assert.deepEqual(diffIamUser(seen, first), { changes: true, replaces: [], deleteBeforeReplace: false });
      // Stock MariaDB has no AWS plugin: the provider's CREATE USER … AWSAuthenticationPlugin is what fails here.
      await assert.rejects(mariaDbIamUserProvider.update!(id, seen, first), { message: iamAuthNotEnabledMessage(u) });
      // The same update with an auth clause this server has: the user and every grant are back, and now this resource's.
      const state = await updateIamUser(admin, stateOf(seen), first, { authClauseOverride: SOCKET });
      assert.equal(state.userCreated, true);
      assert.deepEqual(await showGrants(inspector, u), [cdcLine(u), selectLine(`\`${p}keep\``, u), selectLine(`\`${p}sales\``, u)]);
    });

    it("a renamed endpoint of the same server (same resourceId) is an update through the new address; the old one is never needed", async () => {
      const { u, original, first, id, outs } = await adoptedByProvider({ resourceId: "db-TESTRESOURCEID" });
      // The state remembers an address that no longer answers (127.0.0.2: nothing listens there).
      const olds = { ...outs, host: "127.0.0.2" };
      const news = { ...first, databases: [`${p}keep`] };
      assert.deepEqual(diffIamUser(olds, news), { changes: true, replaces: [], deleteBeforeReplace: false });
      const updated = await mariaDbIamUserProvider.update!(id, olds, news);
      assert.equal(updated.outs!.host, server.host);
      await mariaDbIamUserProvider.delete!(id, updated.outs!);
      assert.deepEqual(await showGrants(inspector, u), original);
    });

    it("a password rotated outside Pulumi: destroy says how to get out, and `up` with the new password, then destroy, works", async () => {
      const { u, original, first, id, outs } = await adoptedByProvider();
      const stale = { ...outs, adminPassword: "the-password-before-rotation" };
      // What the server says to that password, read independently of the code under test.
      const denied = await mysql
        .createConnection({ host: server.host, port: server.port, user: server.user, password: stale.adminPassword, connectTimeout: 5_000 })
        .then(
          async (c) => {
            await c.end();
            return "connected";
          },
          (e: { sqlMessage?: string }) => String(e.sqlMessage),
        );
      await assert.rejects(mariaDbIamUserProvider.delete!(id, stale), {
        message:
          `Cannot drop or revoke MariaDB IAM user "${u}" with the settings in the Pulumi state: cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": ${denied}; ` +
          "if the admin password or the endpoint changed since, run `pulumi up` with the new settings first (with nothing else changed, it only records them), then try again; " +
          `if the server is gone, or you dropped the user by hand (DROP USER '${u}'@'%';), remove the resource from the state with \`pulumi state delete <URN>\` ` +
          `(\`pulumi stack --show-urns\` lists the URN of the resource with ID "${id}") and run \`pulumi up\` again.`,
      });
      const recorded = await mariaDbIamUserProvider.update!(id, stale, first);
      await mariaDbIamUserProvider.delete!(id, recorded.outs!);
      assert.deepEqual(await showGrants(inspector, u), original);
    });
  });

  describe("the admin connection", () => {
    const settings = () => ({ host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password });

    async function cipher(s: AdminSession): Promise<string> {
      const rows = await s.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      return String(rows[0].Value);
    }

    it("is encrypted with TLS on (verified: see database.tls.realdb.spec.ts) and in the clear only with tls false", async () => {
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
      assert.equal(
        outcome,
        `Cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": self-signed certificate in certificate chain; the server's certificate is not signed by the CA in \`tlsCa\`; pass the CA that signed it`,
      );
    });

    it("runs one statement per call (multipleStatements off)", async () => {
      await assert.rejects(admin.query("SELECT 1; SELECT 2"), { errno: 1064 });
    });
  });
});
