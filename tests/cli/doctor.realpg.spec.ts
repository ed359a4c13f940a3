/**
 * The doctor's database side against the real PostgreSQL 15 of `.ci/postgres.sh`, through the
 * production connection code (TLS verified against the test CA): a setup made right by running the
 * component's own `setupSql`, then broken one way at a time, each break named alone.
 *
 * The doctor connects as an admin of its own (`<prefix>admin`, password login), so that making the
 * admin a member of rds_iam touches no role another spec uses. The rds.* settings RDS has are
 * per-database placeholders here (`ALTER DATABASE … SET`), read by new connections. Every role and
 * database a run creates starts with one random prefix and is dropped after it.
 */
import * as assert from "node:assert/strict";
import type { Client } from "pg";
import { parseDoctorArgs } from "../../components/cli/doctor/args";
import type { StackOutputs } from "../../components/cli/doctor/outputs";
import { DoctorReport, realDeps, runDoctor } from "../../components/cli/doctor/run";
import { clickPipeSource, setupSql } from "../../components/clickpipe";
import { connect, dropEverythingNamed, ident, parseSetupSql, pgOtherCa, pgTestCa, postgresTestServer, requirePostgres, runStatements, uniqueName } from "../support/postgres";
import { failed, result } from "./doctorReport";

const HOST = "orders.c9akciq32.eu-west-1.rds.amazonaws.com";
const ROLE = "arn:aws:iam::123456789012:role/clickpipes-orders";

describe("doctor, database side, against a real PostgreSQL 15", function () {
  this.timeout(30_000);
  const server = postgresTestServer();
  const p = uniqueName("cpd_");
  const database = `${p}db`;
  const user = `${p}iam`;
  const admin = `${p}admin`;
  const adminPassword = `doctor-${p}-secret`;
  const mid = `${p}mid`;
  let shared: Client;
  let superuser: Client;
  const clients: Client[] = [];

  async function inDb(as: "admin" | "superuser", sql: string): Promise<void> {
    const c = await connect(server, as, database);
    clients.push(c);
    await c.query(sql);
  }

  function outputs(o: { username?: string; publicationName?: string } = {}): StackOutputs {
    const username = o.username ?? user;
    return {
      roleArn: ROLE,
      host: HOST,
      port: 5432,
      dbUsername: username,
      clickPipeSource: clickPipeSource({ engine: "postgres", deployment: "rds", host: HOST, port: 5432, database, username, roleArn: ROLE, cdc: true, publicationName: o.publicationName ?? "clickpipes" }),
      pipeModes: ["snapshot", "cdc"],
      setupSql: setupSql({ engine: "postgres", username, database, schemas: ["app", "sales"], cdc: true }),
    };
  }

  async function doctor(out: StackOutputs = outputs(), tlsCa = pgTestCa(server)): Promise<DoctorReport> {
    const options = parseDoctorArgs(["--skip-aws", "--admin-username", admin, "--db-host", server.host, "--db-port", String(server.port)]);
    return runDoctor({ options, outputs: out, env: {}, adminPassword, tlsCa }, realDeps);
  }


  before(async function () {
    ({ admin: shared, superuser } = await requirePostgres(this, server));
    await shared.query(`CREATE DATABASE ${ident(database)}`);
    await superuser.query(`CREATE ROLE ${ident(admin)} LOGIN PASSWORD '${adminPassword}'`);
    await superuser.query(`CREATE ROLE ${ident(mid)} NOLOGIN`);
    await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.logical_replication" = '1'`);
    await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.iam_auth_for_replication" = '1'`);
    await inDb(
      "admin",
      `CREATE SCHEMA app; CREATE TABLE app.orders (id int PRIMARY KEY, total numeric);
       CREATE SCHEMA sales; CREATE TABLE sales.items (id int PRIMARY KEY, sku text);`,
    );
    // Configured right: the component's own setupSql, run by the RDS-like admin, and a publication.
    const setup = parseSetupSql(setupSql({ engine: "postgres", username: user, database, schemas: ["app", "sales"], cdc: true }));
    const c = await connect(server, "admin", database);
    clients.push(c);
    assert.deepEqual((await runStatements(c, setup.statements)).errors, []);
    await c.query("CREATE PUBLICATION clickpipes FOR TABLE app.orders, sales.items");
  });

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end()));
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await shared?.end();
    await superuser?.end();
  });

  it("configured right: every database check passes", async () => {
    const rep = await doctor();
    assert.deepEqual(
      rep.results.map((r) => [r.id, r.status]),
      [
        ["aws", "skip"],
        ["rds.endpoint", "pass"],
        ["db.connection", "pass"],
        ["db.admin_rds_iam", "pass"],
        ["db.user", "pass"],
        ["db.user_auth", "pass"],
        ["db.grants", "pass"],
        ["db.default_privileges", "pass"],
        ["db.cdc_grants", "pass"],
        ["postgres.wal_level", "pass"],
        ["postgres.rds_iam_auth_for_replication", "pass"],
        ["postgres.publication", "pass"],
        ["postgres.publish_via_partition_root", "pass"],
        ["postgres.replica_identity", "pass"],
      ],
    );
    assert.equal(result(rep, "db.connection").summary, `Connected to PostgreSQL at ${server.host}:${server.port}/${database} as "${admin}" (TLS verified against --tls-ca)`);
    assert.equal(result(rep, "db.grants").summary, `User "${user}" may read every table of schema "app", "sales"`);
  });

  it("user missing: db.user, with the setup statements", async () => {
    const rep = await doctor(outputs({ username: `${p}nobody` }));
    assert.deepEqual(failed(rep), ["db.user"]);
    assert.match(result(rep, "db.user").fix ?? "", /CREATE ROLE "cpd_[0-9a-f]+nobody" WITH LOGIN; GRANT rds_iam TO "cpd_[0-9a-f]+nobody";/);
  });

  it("a grant missing: db.grants, naming the table and the GRANT", async () => {
    await inDb("admin", `REVOKE SELECT ON sales.items FROM ${ident(user)}`);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["db.grants"]);
      assert.equal(result(rep, "db.grants").summary, `User "${user}" lacks SELECT on "sales"."items"`);
      assert.equal(result(rep, "db.grants").fix, `as the admin, in database "${database}": \`GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO "${user}";\``);
    } finally {
      await inDb("admin", `GRANT SELECT ON sales.items TO ${ident(user)}`);
    }
  });

  it("the user not in rds_iam (a password user): db.user_auth", async () => {
    await superuser.query(`REVOKE rds_iam FROM ${ident(user)}`);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["db.user_auth"]);
      assert.equal(result(rep, "db.user_auth").fix, `\`GRANT rds_iam TO "${user}";\``);
    } finally {
      await superuser.query(`GRANT rds_iam TO ${ident(user)}`);
    }
  });

  it("the user not in rds_replication: db.cdc_grants", async () => {
    await superuser.query(`REVOKE rds_replication FROM ${ident(user)}`);
    try {
      assert.deepEqual(failed(await doctor()), ["db.cdc_grants"]);
    } finally {
      await superuser.query(`GRANT rds_replication TO ${ident(user)}`);
    }
  });

  it("the admin holding rds_iam through another role (the password lockout): db.admin_rds_iam, with the chain", async () => {
    await superuser.query(`GRANT rds_iam TO ${ident(mid)}`);
    await superuser.query(`GRANT ${ident(mid)} TO ${ident(admin)}`);
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), ["db.admin_rds_iam"]);
      assert.deepEqual(result(rep, "db.admin_rds_iam"), {
        id: "db.admin_rds_iam",
        status: "fail",
        summary: `Admin "${admin}" is a member of rds_iam (${admin} → ${mid} → rds_iam), so RDS no longer accepts its password`,
        fix: `as another rds_superuser user, run \`REVOKE "${mid}" FROM "${admin}";\``,
      });
    } finally {
      await superuser.query(`REVOKE ${ident(mid)} FROM ${ident(admin)}`);
    }
  });

  it("rds.iam_auth_for_replication off: the readiness check postgres.rds_iam_auth_for_replication", async () => {
    await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.iam_auth_for_replication" = '0'`);
    try {
      assert.deepEqual(failed(await doctor()), ["postgres.rds_iam_auth_for_replication"]);
    } finally {
      await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.iam_auth_for_replication" = '1'`);
    }
  });

  it("the publication the pipe names does not exist: postgres.publication", async () => {
    const rep = await doctor(outputs({ publicationName: "not_there" }));
    assert.deepEqual(failed(rep), ["postgres.publication"]);
  });

  it("a published table without a primary key: a warning naming it", async () => {
    await inDb("admin", "CREATE TABLE app.audit (v text); ALTER PUBLICATION clickpipes ADD TABLE app.audit; GRANT SELECT ON app.audit TO " + ident(user));
    try {
      const rep = await doctor();
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "postgres.replica_identity").status, "warn");
      assert.match(result(rep, "postgres.replica_identity").summary, /^"app"\."audit" in publication "clickpipes" has no primary key/);
    } finally {
      await inDb("admin", "ALTER PUBLICATION clickpipes DROP TABLE app.audit; DROP TABLE app.audit");
    }
  });

  it("a server the CA does not vouch for: db.connection fails with the TLS hint, and no password is sent or shown", async () => {
    const rep = await doctor(outputs(), pgOtherCa(server));
    assert.deepEqual(failed(rep), ["db.connection"]);
    const line = result(rep, "db.connection");
    assert.match(line.summary, /the server's certificate is not signed by the CA in `tlsCa`/);
    assert.ok(!JSON.stringify(rep).includes(adminPassword));
  });
});
