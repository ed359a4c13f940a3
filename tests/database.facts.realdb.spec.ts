/**
 * readMySqlFacts and raiseBinlogRetention against a real MariaDB server (`bash .ci/mariadb.sh`
 * starts one with binary logging on: ROW, FULL, FULL), the facts driven through the pure
 * `mySqlChecks`.
 *
 * Stock MariaDB has no `mysql.rds_configuration` or `mysql.rds_set_configuration`: `before` makes a
 * stand-in of both, as root, mimicking RDS (retention 72 hours). The global binlog settings a test
 * changes and the stand-in are set back in `after`.
 */
import * as assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { MySqlFacts } from "../components/checks/facts";
import { MySqlRequest, failures, mySqlChecks, mySqlVersionNumber } from "../components/checks/readiness";
import { raiseBinlogRetention, readBinlogRetentionHours, readMySqlFacts } from "../components/database/facts";
import { AdminSession, connectAdmin } from "../components/database/mysqlSession";
import { SqlSession } from "../components/mariadbUserPlan";
import {
  BinlogSettings,
  MariaDbTestServer,
  installRdsConfigurationStandIn,
  mariaDbTestServer,
  rdsBinlogRetention,
  readBinlogSettings,
  removeRdsConfigurationStandIn,
  requireBinaryLogging,
  requireMariaDb,
  setBinlogSettings,
  setRdsBinlogRetention,
  testCa,
  uniqueName,
} from "./support/mariadb";

const CDC: MySqlRequest = { cdc: true, replicationMechanism: "GTID" };
const RDS = { deployment: "rds" as const, parameterGroup: "clickpipes-test" };
const RIGHT: BinlogSettings = { binlog_format: "ROW", binlog_row_image: "FULL", binlog_row_metadata: "FULL" };
const WRONG: BinlogSettings = { binlog_format: "MIXED", binlog_row_image: "MINIMAL", binlog_row_metadata: "MINIMAL" };

/** The ids of the failed checks, in the checks' order. */
const failedIds = (f: MySqlFacts, r: MySqlRequest = CDC) => failures(mySqlChecks(f, r, RDS)).map((c) => c.id);

/** A session that records every statement it is given. */
function recording(session: SqlSession): SqlSession & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    query(sql: string) {
      statements.push(sql);
      return session.query(sql);
    },
  };
}

/**
 * `raiseBinlogRetention` on `session` as the deploy-time check calls it: with the retention read
 * beforehand (over `reader`, so that `session` records only what raising runs).
 */
async function raise(reader: SqlSession, session: SqlSession, hours: number) {
  return raiseBinlogRetention(session, hours, await readBinlogRetentionHours(reader));
}

describe("readMySqlFacts and raiseBinlogRetention against a real MariaDB server", function () {
  this.timeout(30_000);
  const server: MariaDbTestServer = mariaDbTestServer();
  let inspector: Connection;
  let admin: AdminSession;
  let saved: BinlogSettings | undefined;
  const users: string[] = [];

  before(async function () {
    inspector = await requireMariaDb(this, server);
    await requireBinaryLogging(this, inspector, server);
    saved = await readBinlogSettings(inspector);
    await setBinlogSettings(inspector, RIGHT);
    await installRdsConfigurationStandIn(inspector, 72);
    // The production connection code, TLS on as by default.
    admin = await connectAdmin({ host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password, tls: true, tlsCa: testCa(server) });
  });

  after(async () => {
    await admin?.close();
    if (inspector === undefined) return;
    if (saved !== undefined) await setBinlogSettings(inspector, saved);
    await removeRdsConfigurationStandIn(inspector);
    for (const u of users.splice(0)) await inspector.query("DROP USER IF EXISTS ?@'%'", [u]);
    await inspector.end();
  });

  describe("configured as ClickPipes needs (binlog on, ROW, FULL, FULL, retention 72)", () => {
    it("reads the version and exactly the binlog variables MariaDB has, lower-cased", async () => {
      const f = await readMySqlFacts(admin, "mariadb");
      const [[server]] = (await inspector.query("SELECT @@version AS v, @@binlog_expire_logs_seconds AS e")) as unknown as [{ v: string; e: number }[]];
      assert.equal(f.engine, "mariadb");
      assert.equal(f.version, server.v);
      assert.match(mySqlVersionNumber(f.version), /^\d+\.\d+\.\d+$/);
      // MariaDB has no gtid_mode, enforce_gtid_consistency or binlog_row_value_options: absent, not empty.
      assert.deepEqual(f.variables, {
        binlog_expire_logs_seconds: String(server.e),
        binlog_format: "ROW",
        binlog_row_image: "FULL",
        binlog_row_metadata: "FULL",
        log_bin: "ON",
      });
      assert.equal(f.binlogRetentionHours, 72);
    });

    it("passes every check", async () => {
      const results = mySqlChecks(await readMySqlFacts(admin, "mariadb"), CDC, RDS);
      assert.deepEqual(
        results.map((r) => [r.id, r.status]),
        [
          ["mysql.log_bin", "pass"],
          ["mysql.binlog_format", "pass"],
          ["mysql.binlog_row_image", "pass"],
          ["mysql.binlog_row_metadata", "pass"],
          ["mysql.binlog_retention_hours", "pass"],
        ],
      );
    });
  });

  describe("configured wrong (MIXED, MINIMAL, MINIMAL, retention NULL)", () => {
    before(async () => {
      await setBinlogSettings(inspector, WRONG);
      await setRdsBinlogRetention(inspector, null);
    });
    after(async () => {
      await setBinlogSettings(inspector, RIGHT);
      await setRdsBinlogRetention(inspector, 72);
    });

    it("reads the settings as they are now", async () => {
      const f = await readMySqlFacts(admin, "mariadb");
      assert.equal(f.variables.binlog_format, "MIXED");
      assert.equal(f.variables.binlog_row_image, "MINIMAL");
      assert.equal(f.variables.binlog_row_metadata, "MINIMAL");
      assert.equal(f.binlogRetentionHours, null);
    });

    it("fails exactly the format, row image, row metadata and retention checks", async () => {
      assert.deepEqual(failedIds(await readMySqlFacts(admin, "mariadb")), [
        "mysql.binlog_format",
        "mysql.binlog_row_image",
        "mysql.binlog_row_metadata",
        "mysql.binlog_retention_hours",
      ]);
    });

    it("counts the retention as met when the component sets it (setsBinlogRetentionHours)", async () => {
      assert.deepEqual(failedIds(await readMySqlFacts(admin, "mariadb"), { ...CDC, setsBinlogRetentionHours: 72 }), [
        "mysql.binlog_format",
        "mysql.binlog_row_image",
        "mysql.binlog_row_metadata",
      ]);
    });
  });

  describe("raiseBinlogRetention", () => {
    afterEach(async () => {
      await installRdsConfigurationStandIn(inspector, 72);
    });

    it("raises NULL to 72 with exactly RDS's procedure call, then reads it back", async () => {
      await setRdsBinlogRetention(inspector, null);
      const session = recording(admin);
      assert.deepEqual(await raise(admin, session, 72), { before: null, after: 72, changed: true });
      assert.deepEqual(session.statements, [
        "CALL mysql.rds_set_configuration('binlog retention hours', 72);",
        "SELECT value FROM mysql.rds_configuration WHERE name = 'binlog retention hours'",
      ]);
      assert.equal(await rdsBinlogRetention(inspector), "72");
    });

    it("raises a lower value (24) to 72", async () => {
      await setRdsBinlogRetention(inspector, 24);
      assert.deepEqual(await raise(admin, admin, 72), { before: 24, after: 72, changed: true });
      assert.equal(await rdsBinlogRetention(inspector), "72");
    });

    it("leaves a higher value (100) and an equal one (72) alone, calling nothing", async () => {
      for (const hours of [100, 72]) {
        await setRdsBinlogRetention(inspector, hours);
        const session = recording(admin);
        assert.deepEqual(await raise(admin, session, 72), { before: hours, after: hours, changed: false });
        assert.deepEqual(session.statements, []);
        assert.equal(await rdsBinlogRetention(inspector), String(hours));
      }
    });

    it("refuses hours that are not a positive whole number before running anything", async () => {
      for (const hours of [0, -1, 1.5, Number.NaN]) {
        const session = recording(admin);
        await assert.rejects(raise(admin, session, hours), { message: `Binlog retention hours ${hours} is not a positive whole number.` });
        assert.deepEqual(session.statements, []);
      }
    });

    it("without mysql.rds_configuration (not RDS): reads undefined, skips the retention check, and calls nothing", async () => {
      await removeRdsConfigurationStandIn(inspector);
      const f = await readMySqlFacts(admin, "mariadb");
      assert.equal(f.binlogRetentionHours, undefined);
      assert.deepEqual(
        mySqlChecks(f, CDC, RDS).filter((r) => r.id === "mysql.binlog_retention_hours").map((r) => r.status),
        ["skip"],
      );
      assert.deepEqual(failedIds(f), []);
      const session = recording(admin);
      assert.deepEqual(await raiseBinlogRetention(session, 72, f.binlogRetentionHours), { before: undefined, after: undefined, changed: false });
      assert.deepEqual(session.statements, []);
    });

    it("as an admin who may not read mysql.rds_configuration (ERROR 1142): reads undefined instead of failing", async () => {
      const user = uniqueName("cpt_ro_");
      const password = "clickpipes-test-ro";
      users.push(user);
      await inspector.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
      const low = await connectAdmin({ host: server.host, port: server.port, adminUsername: user, adminPassword: password, tls: true, tlsCa: testCa(server) });
      try {
        const f = await readMySqlFacts(low, "mariadb");
        assert.equal(f.binlogRetentionHours, undefined);
        assert.equal(f.variables.binlog_format, "ROW");
      } finally {
        await low.close();
      }
    });
  });
});
