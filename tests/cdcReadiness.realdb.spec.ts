/**
 * The deploy-time CDC readiness check as `pulumi up` runs it (the dynamic provider's `create`),
 * against the real MariaDB of `.ci/mariadb.sh` with an RDS stand-in for `mysql.rds_configuration`:
 * configured right it passes and raises the binlog retention; configured wrong it refuses with one
 * message listing exactly the unmet settings, and changes nothing.
 */
import * as assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import { CdcReadinessInputs, CdcReadinessOutputs, cdcReadinessProvider, readinessChanged } from "../components/cdcReadiness";
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

  it("re-runs on update only when what is checked changes, not for a new password", () => {
    const old = inputs();
    assert.equal(readinessChanged(old, { ...old, adminPassword: "rotated" }), false);
    assert.equal(readinessChanged(old, { ...old, mode: "warn" }), true);
    assert.equal(readinessChanged(old, inputs({ check: { engine: "mariadb", request: { cdc: true, replicationMechanism: "GTID", setsBinlogRetentionHours: 96 } } })), true);
  });
});
