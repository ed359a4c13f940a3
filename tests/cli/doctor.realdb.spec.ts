/**
 * The doctor's database side against the real MariaDB of `.ci/mariadb.sh`, through the production
 * connection code (TLS verified against the test CA): configured right, then broken one way at a
 * time, each break named alone.
 *
 * Stock MariaDB has no AWSAuthenticationPlugin, so the IAM user is made as
 * tests/mariadbUser.realdb.spec.ts makes it (`awsPluginUser`): an ordinary user whose account row is
 * then given the plugin RDS records, exactly as RDS has it after
 * `IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'`. The doctor's check is the product's own
 * (`plugin = 'AWSAuthenticationPlugin'`), unchanged: nothing here overrides it.
 */
import * as assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { parseDoctorArgs } from "../../components/cli/doctor/args";
import type { StackOutputs } from "../../components/cli/doctor/outputs";
import { DoctorReport, realDeps, runDoctor } from "../../components/cli/doctor/run";
import { clickPipeSource, setupSql } from "../../components/clickpipe";
import { BinlogSettings, cleanUp, mariaDbTestServer, readBinlogSettings, requireBinaryLogging, requireMariaDb, setBinlogSettings, testCa, uniqueName } from "../support/mariadb";
import { failed, result } from "./doctorReport";

const HOST = "shop.c9akciq32.eu-west-1.rds.amazonaws.com";
const ROLE = "arn:aws:iam::123456789012:role/clickpipes-shop";

describe("doctor, database side, against a real MariaDB", function () {
  this.timeout(30_000);
  const server = mariaDbTestServer();
  const p = uniqueName("cpd");
  const shop = `${p}shop`;
  const user = `${p}iam`;
  const made = { users: [] as [string, string][], databases: [] as string[] };
  let inspector: Connection;
  let binlog: BinlogSettings;

  async function inspect(sql: string, values: unknown[] = []): Promise<void> {
    await inspector.query(sql, values);
  }

  /** An IAM user as RDS records one (see the file comment), REQUIRE SSL. */
  async function awsPluginUser(u: string): Promise<void> {
    made.users.push([u, "%"]);
    await inspect("CREATE USER ?@'%' IDENTIFIED VIA unix_socket REQUIRE SSL", [u]);
    await inspect(
      "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'AWSAuthenticationPlugin', '$.authentication_string', 'RDS') WHERE User = ? AND Host = '%'",
      [u],
    );
    await inspect("FLUSH PRIVILEGES");
  }

  function outputs(username = user): StackOutputs {
    return {
      roleArn: ROLE,
      host: HOST,
      port: 3306,
      dbUsername: username,
      clickPipeSource: clickPipeSource({ engine: "mariadb", deployment: "rds", host: HOST, port: 3306, username, roleArn: ROLE, cdc: true }),
      pipeModes: ["snapshot", "cdc"],
      setupSql: setupSql({ engine: "mariadb", username, databases: [shop], cdc: true, binlogRetentionHours: 72 }),
    };
  }

  async function doctor(out: StackOutputs = outputs()): Promise<DoctorReport> {
    const options = parseDoctorArgs(["--skip-aws", "--admin-username", server.user, "--db-host", server.host, "--db-port", String(server.port)]);
    return runDoctor({ options, outputs: out, env: {}, adminPassword: server.password, tlsCa: testCa(server) }, realDeps);
  }


  before(async function () {
    inspector = await requireMariaDb(this, server);
    await requireBinaryLogging(this, inspector, server);
    binlog = await readBinlogSettings(inspector);
    made.databases.push(shop);
    await inspect(`CREATE DATABASE \`${shop}\``);
    await awsPluginUser(user);
    await inspect(`GRANT SELECT ON \`${shop}\`.* TO ?@'%'`, [user]);
    await inspect("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@'%'", [user]);
  });

  after(async () => {
    if (inspector !== undefined) {
      await setBinlogSettings(inspector, binlog);
      await cleanUp(inspector, made);
      await inspector.end();
    }
  });

  it("configured right: every database check passes", async () => {
    const rep = await doctor();
    assert.deepEqual(
      rep.results.map((r) => [r.id, r.status]),
      [
        ["aws", "skip"],
        ["rds.endpoint", "pass"],
        ["db.connection", "pass"],
        ["db.user", "pass"],
        ["db.user_auth", "pass"],
        ["db.user_tls", "pass"],
        ["db.grants", "pass"],
        ["db.cdc_grants", "pass"],
        ["mysql.log_bin", "pass"],
        ["mysql.binlog_format", "pass"],
        ["mysql.binlog_row_image", "pass"],
        ["mysql.binlog_row_metadata", "pass"],
        ["mysql.binlog_retention_hours", "skip"],
      ],
    );
    assert.equal(result(rep, "db.user_auth").summary, `User '${user}'@'%' logs in with AWSAuthenticationPlugin`);
  });

  it("user missing: db.user, with the setup statements", async () => {
    const rep = await doctor(outputs(`${p}nobody`));
    assert.deepEqual(failed(rep), ["db.user"]);
    assert.equal(
      result(rep, "db.user").fix,
      `run \`setupSql\` as the admin: \`CREATE USER '${p}nobody'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL; GRANT SELECT ON \`${shop}\`.* TO '${p}nobody'@'%'; GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${p}nobody'@'%';\`, or \`pulumi up\``,
    );
  });

  it("the user only for localhost: db.user, saying IAM logins come from any host", async () => {
    const local = `${p}local`;
    made.users.push([local, "localhost"]);
    await inspect("CREATE USER ?@'localhost' IDENTIFIED VIA unix_socket", [local]);
    const rep = await doctor(outputs(local));
    assert.deepEqual(failed(rep), ["db.user"]);
    assert.equal(result(rep, "db.user").summary, `User "${local}" exists only for host 'localhost', and IAM logins come from any host ('%')`);
  });

  it("a grant missing: db.grants, with the GRANT", async () => {
    await inspect(`REVOKE SELECT ON \`${shop}\`.* FROM ?@'%'`, [user]);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["db.grants"]);
      assert.equal(result(rep, "db.grants").fix, `\`GRANT SELECT ON \`${shop}\`.* TO '${user}'@'%';\``);
    } finally {
      await inspect(`GRANT SELECT ON \`${shop}\`.* TO ?@'%'`, [user]);
    }
  });

  it("a CDC privilege missing: db.cdc_grants", async () => {
    await inspect("REVOKE REPLICATION SLAVE ON *.* FROM ?@'%'", [user]);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["db.cdc_grants"]);
      assert.equal(result(rep, "db.cdc_grants").fix, `\`GRANT REPLICATION SLAVE ON *.* TO '${user}'@'%';\``);
    } finally {
      await inspect("GRANT REPLICATION SLAVE ON *.* TO ?@'%'", [user]);
    }
  });

  it("wrong plugin (a password user): db.user_auth, with the ALTER USER", async () => {
    const pw = `${p}pw`;
    made.users.push([pw, "%"]);
    await inspect("CREATE USER ?@'%' IDENTIFIED BY 'not-an-iam-user' REQUIRE SSL", [pw]);
    await inspect(`GRANT SELECT ON \`${shop}\`.* TO ?@'%'`, [pw]);
    await inspect("GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO ?@'%'", [pw]);
    const rep = await doctor(outputs(pw));
    assert.deepEqual(failed(rep), ["db.user_auth"]);
    assert.deepEqual(result(rep, "db.user_auth"), {
      id: "db.user_auth",
      status: "fail",
      summary: `User '${pw}'@'%' logs in with mysql_native_password, not AWSAuthenticationPlugin, so RDS refuses IAM tokens ("Access denied … (using password: YES)")`,
      fix: `\`ALTER USER '${pw}'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS';\``,
    });
  });

  it("no REQUIRE SSL: a warning, not a failure", async () => {
    await inspect("ALTER USER ?@'%' REQUIRE NONE", [user]);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "db.user_tls").status, "warn");
    } finally {
      await inspect("ALTER USER ?@'%' REQUIRE SSL", [user]);
    }
  });

  it("a binlog setting wrong (binlog_row_metadata MINIMAL): mysql.binlog_row_metadata", async () => {
    await setBinlogSettings(inspector, { ...binlog, binlog_row_metadata: "MINIMAL" });
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["mysql.binlog_row_metadata"]);
    } finally {
      await setBinlogSettings(inspector, binlog);
    }
  });
});
