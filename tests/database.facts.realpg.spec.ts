/**
 * readPostgresFacts against a real PostgreSQL 15 (`bash .ci/postgres.sh` starts one, wal_level
 * logical), read over the production connection code as the non-superuser admin, and driven
 * through the pure `postgresChecks`.
 *
 * RDS's `rds.logical_replication` and `rds.iam_auth_for_replication` do not exist on stock
 * PostgreSQL: the superuser sets them per database (`ALTER DATABASE … SET "rds.…"`), which makes
 * them placeholders. Placeholders are not in `pg_settings`, so this also covers the
 * `current_setting(name, true)` fallback.
 *
 * Every database a run creates starts with one random prefix and is dropped after it.
 */
import * as assert from "node:assert/strict";
import type { Client } from "pg";
import { PostgresFacts } from "../components/checks/facts";
import { PostgresRequest, failures, postgresChecks } from "../components/checks/readiness";
import { readPostgresFacts } from "../components/database/facts";
import { PgSession, connectPostgres } from "../components/database/pgSession";
import { connect, dropEverythingNamed, ident, pgSettings, postgresTestServer, requirePostgres, uniqueName } from "./support/postgres";

const RDS = { deployment: "rds" as const, parameterGroup: "clickpipes-test" };

/** The ids of the failed checks, in the checks' order. */
const failedIds = (f: PostgresFacts, r: PostgresRequest) => failures(postgresChecks(f, r, RDS)).map((c) => c.id);

const t = (schema: string, table: string) => ({ schema, table });

describe("readPostgresFacts against a real PostgreSQL 15, as the non-superuser admin", function () {
  this.timeout(30_000);
  const server = postgresTestServer();
  const p = uniqueName("cpf_");
  /** rds.logical_replication = 1, rds.iam_auth_for_replication = 1; the table fixtures. */
  const right = `${p}right`;
  /** rds.logical_replication = 1, rds.iam_auth_for_replication = 0. */
  const wrong = `${p}wrong`;
  /** No rds.* setting at all, as a PostgreSQL that is not RDS. */
  const plain = `${p}plain`;
  let admin: Client;
  let superuser: Client;
  const sessions: PgSession[] = [];
  const clients: Client[] = [];

  /** A session of the code under test, as the admin, in `database`. */
  async function open(database: string): Promise<PgSession> {
    const s = await connectPostgres(pgSettings(server, "admin", database));
    sessions.push(s);
    return s;
  }

  /** A plain `pg` client for arranging, independent of the code under test. */
  async function arrange(as: "admin" | "superuser", database: string, sql: string): Promise<void> {
    const c = await connect(server, as, database);
    clients.push(c);
    await c.query(sql);
  }

  before(async function () {
    ({ admin, superuser } = await requirePostgres(this, server));
    for (const db of [right, wrong, plain]) await admin.query(`CREATE DATABASE ${ident(db)}`);
    await superuser.query(`ALTER DATABASE ${ident(right)} SET "rds.logical_replication" = '1'`);
    await superuser.query(`ALTER DATABASE ${ident(right)} SET "rds.iam_auth_for_replication" = '1'`);
    await superuser.query(`ALTER DATABASE ${ident(wrong)} SET "rds.logical_replication" = '1'`);
    await superuser.query(`ALTER DATABASE ${ident(wrong)} SET "rds.iam_auth_for_replication" = '0'`);
    await arrange(
      "admin",
      right,
      `
      CREATE SCHEMA good;
      CREATE TABLE good.with_pk (id int PRIMARY KEY);
      CREATE TABLE good.full_identity (v text);
      ALTER TABLE good.full_identity REPLICA IDENTITY FULL;
      CREATE TABLE good.index_identity (k int NOT NULL, v text);
      CREATE UNIQUE INDEX index_identity_k ON good.index_identity (k);
      ALTER TABLE good.index_identity REPLICA IDENTITY USING INDEX index_identity_k;

      CREATE SCHEMA app;
      CREATE TABLE app.with_pk (id int PRIMARY KEY);
      CREATE TABLE app.no_pk (v text);
      CREATE TABLE app.nothing (id int PRIMARY KEY);
      ALTER TABLE app.nothing REPLICA IDENTITY NOTHING;
      CREATE TABLE app.full_identity (v text);
      ALTER TABLE app.full_identity REPLICA IDENTITY FULL;
      -- REPLICA IDENTITY USING INDEX whose index was dropped: PostgreSQL then acts as for NOTHING.
      CREATE TABLE app.dropped_index (k int NOT NULL);
      CREATE UNIQUE INDEX dropped_index_k ON app.dropped_index (k);
      ALTER TABLE app.dropped_index REPLICA IDENTITY USING INDEX dropped_index_k;
      DROP INDEX app.dropped_index_k;
      -- Partitioned with a primary key (partitions inherit it), and without one.
      CREATE TABLE app.events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE TABLE app.logs (v text) PARTITION BY LIST (v);
      CREATE TABLE app.logs_a PARTITION OF app.logs FOR VALUES IN ('a');
      -- Never published: unlogged tables, views.
      CREATE UNLOGGED TABLE app.scratch (v text);
      CREATE VIEW app.a_view AS SELECT 1 AS one;

      CREATE SCHEMA "Other Schema";
      CREATE TABLE "Other Schema"."No Key" (v text);
      `,
    );
  });

  after(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all(clients.splice(0).map((c) => c.end()));
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await admin?.end();
    await superuser?.end();
  });

  describe("settings", () => {
    it("reads wal_level, the WAL senders and slots, the version, and the rds.* placeholders through current_setting", async () => {
      const f = await readPostgresFacts(await open(right), { schemas: [] });
      const shown = await superuser.query<{ senders: string; slots: string; num: string; version: string }>(
        "SELECT current_setting('max_wal_senders') AS senders, current_setting('max_replication_slots') AS slots, current_setting('server_version_num') AS num, current_setting('server_version') AS version",
      );
      const s = shown.rows[0];
      // Placeholders are invisible to pg_settings: the fallback is what reads them.
      assert.deepEqual((await superuser.query("SELECT name FROM pg_settings WHERE name LIKE 'rds.%'")).rows, []);
      assert.deepEqual(f, {
        engine: "postgres",
        serverVersionNum: Number(s.num),
        serverVersion: s.version,
        walLevel: "logical",
        rdsLogicalReplication: "1",
        rdsIamAuthForReplication: "1",
        maxWalSenders: s.senders,
        maxReplicationSlots: s.slots,
        tablesWithoutIdentity: [],
        missingSchemas: [],
        missingTables: [],
      });
      assert.equal(Math.floor(f.serverVersionNum / 10000), 15);
    });

    it("reads the rds.* settings as undefined on a database without them", async () => {
      const f = await readPostgresFacts(await open(plain), { schemas: ["public"] });
      assert.equal(f.rdsLogicalReplication, undefined);
      assert.equal(f.rdsIamAuthForReplication, undefined);
      assert.equal(f.walLevel, "logical");
    });
  });

  describe("readiness", () => {
    const request = (schemas: string[]): PostgresRequest => ({
      cdc: true,
      schemas,
      publication: { name: "clickpipes", create: true, scope: { kind: "schemas", schemas } },
    });

    it("configured right (rds.logical_replication 1, rds.iam_auth_for_replication 1, only tables with an identity): passes every check", async () => {
      const r = request(["good"]);
      const f = await readPostgresFacts(await open(right), { schemas: r.schemas, publicationName: "clickpipes", scope: r.publication?.scope });
      assert.deepEqual(
        postgresChecks(f, r, RDS).map((c) => [c.id, c.status]),
        [
          ["postgres.wal_level", "pass"],
          ["postgres.rds_iam_auth_for_replication", "pass"],
          ["postgres.replica_identity", "pass"],
        ],
      );
    });

    it("configured wrong (rds.iam_auth_for_replication 0): fails exactly that check", async () => {
      const r = request(["public"]);
      const f = await readPostgresFacts(await open(wrong), { schemas: r.schemas, publicationName: "clickpipes", scope: r.publication?.scope });
      assert.equal(f.rdsIamAuthForReplication, "0");
      assert.deepEqual(failedIds(f, r), ["postgres.rds_iam_auth_for_replication"]);
    });

    it("without rds.* (not RDS): checks wal_level only, and passes", async () => {
      const r = request(["public"]);
      const f = await readPostgresFacts(await open(plain), { schemas: r.schemas, publicationName: "clickpipes", scope: r.publication?.scope });
      assert.deepEqual(
        postgresChecks(f, r, RDS).map((c) => c.id),
        ["postgres.wal_level", "postgres.replica_identity"],
      );
      assert.deepEqual(failedIds(f, r), []);
    });

    it("detects a missing schema, in Initial Load Only too", async () => {
      const f = await readPostgresFacts(await open(right), { schemas: ["good", "nope", "app", "Good"] });
      assert.deepEqual(f.missingSchemas, ["nope", "Good"]);
      assert.deepEqual(failedIds(f, { cdc: false, schemas: ["good", "nope", "app", "Good"] }), ["postgres.schemas"]);
    });
  });

  describe("tables without a replica identity", () => {
    it("FOR TABLES IN SCHEMA: flags no primary key, NOTHING and a dropped identity index, not FULL, not partitions apart, not unlogged tables", async () => {
      const scope = { kind: "schemas" as const, schemas: ["app"] };
      const f = await readPostgresFacts(await open(right), { schemas: ["app"], publicationName: "clickpipes", scope });
      assert.deepEqual(f.tablesWithoutIdentity, [
        { schema: "app", table: "dropped_index", replicaIdentity: "i" },
        { schema: "app", table: "logs", replicaIdentity: "d" },
        { schema: "app", table: "no_pk", replicaIdentity: "d" },
        { schema: "app", table: "nothing", replicaIdentity: "n" },
      ]);
      assert.deepEqual(failedIds(f, { cdc: true, schemas: ["app"], publication: { name: "clickpipes", create: true, scope } }), ["postgres.replica_identity"]);
    });

    it("FOR TABLE: only the listed tables, and the listed ones that are not tables are missing", async () => {
      const tables = [t("app", "no_pk"), t("app", "with_pk"), t("app", "full_identity"), t("app", "missing"), t("nope", "t"), t("app", "a_view"), t("app", "no_pk")];
      const scope = { kind: "tables" as const, tables };
      const f = await readPostgresFacts(await open(right), { schemas: ["app"], publicationName: "clickpipes", scope });
      assert.deepEqual(f.missingTables, [t("app", "missing"), t("nope", "t"), t("app", "a_view")]);
      assert.deepEqual(f.tablesWithoutIdentity, [{ schema: "app", table: "no_pk", replicaIdentity: "d" }]);
      assert.deepEqual(failedIds(f, { cdc: true, schemas: ["app"], publication: { name: "clickpipes", create: true, scope } }), [
        "postgres.publication_tables",
        "postgres.replica_identity",
      ]);
    });

    it("FOR ALL TABLES: every user schema, sorted by code point; a warning, not a failure", async () => {
      const scope = { kind: "allTables" as const };
      const f = await readPostgresFacts(await open(right), { schemas: ["app"], publicationName: "clickpipes", scope });
      assert.deepEqual(f.tablesWithoutIdentity, [
        { schema: "Other Schema", table: "No Key", replicaIdentity: "d" },
        { schema: "app", table: "dropped_index", replicaIdentity: "i" },
        { schema: "app", table: "logs", replicaIdentity: "d" },
        { schema: "app", table: "no_pk", replicaIdentity: "d" },
        { schema: "app", table: "nothing", replicaIdentity: "n" },
      ]);
      const results = postgresChecks(f, { cdc: true, schemas: ["app"], publication: { name: "clickpipes", create: true, scope } }, RDS);
      assert.deepEqual(failures(results), []);
      assert.equal(results.find((r) => r.id === "postgres.replica_identity")?.status, "warn");
    });

    it("without a scope or publication: reads none", async () => {
      const f = await readPostgresFacts(await open(right), { schemas: ["app"] });
      assert.deepEqual(f.tablesWithoutIdentity, []);
      assert.equal(f.publication, undefined);
    });
  });

  describe("an existing publication", () => {
    before(async () => {
      await arrange("admin", right, "CREATE PUBLICATION pub_tables FOR TABLE app.no_pk, good.with_pk WITH (publish = 'insert')");
      await arrange("superuser", right, "CREATE PUBLICATION pub_schemas FOR TABLES IN SCHEMA good, app");
      await arrange("admin", plain, "CREATE TABLE public.t (v text); CREATE TABLE public.k (id int PRIMARY KEY)");
      await arrange("superuser", plain, "CREATE PUBLICATION pub_all FOR ALL TABLES");
    });

    it("FOR TABLE: its tables, its own (not the scope's) tables without identity, and whether it publishes UPDATE/DELETE", async () => {
      const scope = { kind: "tables" as const, tables: [t("app", "no_pk"), t("good", "with_pk")] };
      const f = await readPostgresFacts(await open(right), { schemas: ["app", "good"], publicationName: "pub_tables", scope: { kind: "schemas", schemas: ["good"] } });
      assert.deepEqual(f.publication, { name: "pub_tables", allTables: false, schemas: [], tables: [t("app", "no_pk"), t("good", "with_pk")], publishesUpdates: false, publishViaPartitionRoot: false, partitionedTables: [] });
      assert.deepEqual(f.tablesWithoutIdentity, [{ schema: "app", table: "no_pk", replicaIdentity: "d" }]);
      // Used as it is: the missing identity warns. To be created: it exists already, and would refuse UPDATE.
      assert.deepEqual(failedIds(f, { cdc: true, schemas: ["app", "good"], publication: { name: "pub_tables", create: false, scope } }), []);
      assert.deepEqual(failedIds(f, { cdc: true, schemas: ["app", "good"], publication: { name: "pub_tables", create: true, scope } }), [
        "postgres.publication",
        "postgres.replica_identity",
      ]);
    });

    it("FOR TABLES IN SCHEMA: its schemas and the leaf partitions it publishes; a schema it does not cover fails", async () => {
      const f = await readPostgresFacts(await open(right), { schemas: ["app", "good"], publicationName: "pub_schemas" });
      assert.deepEqual(f.publication, {
        name: "pub_schemas",
        allTables: false,
        schemas: ["app", "good"],
        tables: [
          t("app", "dropped_index"),
          t("app", "events_2026"),
          t("app", "full_identity"),
          t("app", "logs_a"),
          t("app", "no_pk"),
          t("app", "nothing"),
          t("app", "with_pk"),
          t("good", "full_identity"),
          t("good", "index_identity"),
          t("good", "with_pk"),
        ],
        publishesUpdates: true,
        publishViaPartitionRoot: false,
        // The partitioned tables themselves, though pg_publication_tables lists their partitions.
        partitionedTables: [t("app", "events"), t("app", "logs")],
      });
      // Published by partition: the partition, not its parent, is what lacks an identity.
      assert.deepEqual(f.tablesWithoutIdentity, [
        { schema: "app", table: "dropped_index", replicaIdentity: "i" },
        { schema: "app", table: "logs_a", replicaIdentity: "d" },
        { schema: "app", table: "no_pk", replicaIdentity: "d" },
        { schema: "app", table: "nothing", replicaIdentity: "n" },
      ]);
      const use = (schemas: string[]): PostgresRequest => ({ cdc: true, schemas, publication: { name: "pub_schemas", create: false, scope: { kind: "schemas", schemas } } });
      assert.deepEqual(failedIds(f, use(["app", "good"])), []);
      assert.deepEqual(failedIds(f, use(["app", "Other Schema"])), ["postgres.publication"]);
      // Published under the partitions' names: a warning with the ALTER that fixes it.
      const viaRoot = postgresChecks(f, use(["app", "good"]), RDS).find((r) => r.id === "postgres.publish_via_partition_root");
      assert.equal(viaRoot?.status, "warn");
      assert.equal(viaRoot?.fix, 'run `ALTER PUBLICATION "pub_schemas" SET (publish_via_partition_root = true)` as its owner');
      assert.match(viaRoot?.summary ?? "", /^Publication "pub_schemas" includes partitioned tables "app"\."events", "app"\."logs" but /);
    });

    it("publish_via_partition_root on: read as on, and the partitioned tables still found (now listed as themselves)", async () => {
      await arrange("superuser", right, "CREATE PUBLICATION pub_root FOR TABLES IN SCHEMA app WITH (publish_via_partition_root = true)");
      const f = await readPostgresFacts(await open(right), { schemas: ["app"], publicationName: "pub_root" });
      assert.equal(f.publication?.publishViaPartitionRoot, true);
      assert.deepEqual(f.publication?.partitionedTables, [t("app", "events"), t("app", "logs")]);
      assert.ok(f.publication?.tables.some((x) => x.table === "events"));
      const request: PostgresRequest = { cdc: true, schemas: ["app"], publication: { name: "pub_root", create: false, scope: { kind: "schemas", schemas: ["app"] } } };
      assert.equal(postgresChecks(f, request, RDS).find((r) => r.id === "postgres.publish_via_partition_root")?.status, "pass");
    });

    it("FOR ALL TABLES: allTables, every table, and the ones without identity", async () => {
      const f = await readPostgresFacts(await open(plain), { schemas: ["public"], publicationName: "pub_all" });
      assert.deepEqual(f.publication, { name: "pub_all", allTables: true, schemas: [], tables: [t("public", "k"), t("public", "t")], publishesUpdates: true, publishViaPartitionRoot: false, partitionedTables: [] });
      assert.deepEqual(f.tablesWithoutIdentity, [{ schema: "public", table: "t", replicaIdentity: "d" }]);
    });

    it("a name that does not exist (exact case) reads no publication, and the scope's tables instead", async () => {
      const f = await readPostgresFacts(await open(right), { schemas: ["app"], publicationName: "PUB_TABLES", scope: { kind: "tables", tables: [t("app", "nothing")] } });
      assert.equal(f.publication, undefined);
      assert.deepEqual(f.tablesWithoutIdentity, [{ schema: "app", table: "nothing", replicaIdentity: "n" }]);
      assert.deepEqual(failedIds(f, { cdc: true, schemas: ["app"], publication: { name: "PUB_TABLES", create: false, scope: { kind: "tables", tables: [t("app", "nothing")] } } }), [
        "postgres.publication",
      ]);
    });
  });
});
