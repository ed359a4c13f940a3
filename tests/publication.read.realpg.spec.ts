/**
 * The PostgresPublication provider's `read` (what `pulumi refresh` records) against a real
 * PostgreSQL 15 (`bash .ci/postgres.sh` starts one): an unchanged publication reads back exactly as
 * its state; one dropped by hand reads as gone; one changed by hand reads as the server holds it,
 * the diff against the inputs says update, and the update puts it back. Changes by hand are made
 * with a plain `pg` client as the superuser; what the publication covers is read back from the
 * catalog with it.
 *
 * Every database a run creates starts with one random prefix and is dropped after it (its
 * publications with it).
 */
import * as assert from "node:assert/strict";
import type { Client } from "pg";
import type { PublicationScope } from "../components/checks/readiness";
import { PostgresPublicationInputs, PostgresPublicationOutputs, diffPublication, postgresPublicationProvider } from "../components/postgresPublicationProvider";
import { postgresPublication } from "../components/providers";
import { connect, dropEverythingNamed, ident, pgTestCa, postgresTestServer, requirePostgres, uniqueName } from "./support/postgres";
import { schemas, tables } from "./support/scopes";


const provider = postgresPublicationProvider as Required<typeof postgresPublicationProvider>;

describe("PostgresPublication read (pulumi refresh) against a real PostgreSQL 15", function () {
  this.timeout(30_000);
  const server = postgresTestServer();
  const p = uniqueName("cpr_");
  const db = `${p}db`;
  let admin: Client;
  let superuser: Client;
  /** A plain client in `db`, as the superuser: changes by hand, and the catalog read back. */
  let byHand: Client;
  let n = 0;

  /** Inputs as the component registers them, as the admin (or the superuser, for what only it may create). */
  function inputs(scope: PublicationScope, as: "admin" | "superuser" = "admin"): PostgresPublicationInputs {
    return {
      host: server.host,
      port: server.port,
      database: db,
      adminUsername: as === "admin" ? server.user : server.superuser,
      adminPassword: as === "admin" ? server.password : server.superuserPassword,
      // Mixed case: names are exact.
      publicationName: `Read_${++n}`,
      scope,
      tls: true,
      tlsCa: pgTestCa(server),
      publishViaPartitionRoot: true,
    };
  }

  /** Creates the publication as `pulumi up` would, returning its ID and state. */
  async function created(i: PostgresPublicationInputs): Promise<{ id: string; state: PostgresPublicationOutputs }> {
    const { id, outs } = await provider.create(i);
    assert.ok(outs !== undefined);
    return { id, state: outs };
  }

  /** What `pg_publication_tables` lists for the publication, as "schema.table", sorted. */
  async function published(name: string): Promise<string[]> {
    const { rows } = await byHand.query<{ t: string }>("SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1", [name]);
    return rows.map((r) => r.t).sort();
  }

  before(async function () {
    ({ admin, superuser } = await requirePostgres(this, server));
    await admin.query(`CREATE DATABASE ${ident(db)}`);
    byHand = await connect(server, "superuser", db);
    const setup = await connect(server, "admin", db);
    try {
      await setup.query(`
        CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA "Zed";
        CREATE TABLE a.t1 (id int PRIMARY KEY); CREATE TABLE a.t2 (id int PRIMARY KEY);
        CREATE TABLE b.t1 (id int PRIMARY KEY); CREATE TABLE "Zed"."T" (id int PRIMARY KEY);
        CREATE TABLE a.parted (id int PRIMARY KEY) PARTITION BY RANGE (id);
        CREATE TABLE a.parted_1 PARTITION OF a.parted FOR VALUES FROM (0) TO (100);
        CREATE TABLE a.parted_2 PARTITION OF a.parted FOR VALUES FROM (100) TO (200);
      `);
    } finally {
      await setup.end();
    }
  });

  after(async () => {
    await byHand?.end();
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await admin?.end();
    await superuser?.end();
  });

  describe("an unchanged publication reads back exactly as its state, and the diff against the inputs is empty", () => {
    const cases: [string, PublicationScope, "admin" | "superuser"][] = [
      // Listed out of the server's order: the read keeps the state's order.
      ["FOR TABLE", tables("b.t1", "Zed.T", "a.t1"), "admin"],
      // A partitioned table: pg_publication_tables would list its partitions instead.
      ["FOR TABLE, a partitioned table", tables("a.parted", "a.t2"), "admin"],
      ["FOR TABLES IN SCHEMA", schemas("b", "Zed", "a"), "superuser"],
      ["FOR ALL TABLES", { kind: "allTables" }, "superuser"],
    ];
    for (const [what, scope, as] of cases) {
      it(what, async () => {
        const i = inputs(scope, as);
        const { id, state } = await created(i);
        const read = await provider.read(id, state);
        assert.deepEqual(read, { id, props: state });
        assert.deepEqual(diffPublication(read.props!, i), { changes: false, replaces: [], deleteBeforeReplace: false });
      });
    }
  });

  it("after DROP PUBLICATION by hand: reads as gone (an empty ID), through the served provider too; created again it reads as its state", async () => {
    const i = inputs(tables("a.t1"));
    const { id, state } = await created(i);
    await byHand.query(`DROP PUBLICATION ${ident(i.publicationName)}`);
    assert.deepEqual(await provider.read(id, state), { id: "" });
    assert.deepEqual(await postgresPublication.read(id, state), { id: "" });
    // What `pulumi up` does after the refresh removed it from the state.
    const again = await created(i);
    assert.equal(again.id, id);
    assert.deepEqual(await published(i.publicationName), ["a.t1"]);
    assert.deepEqual(await provider.read(id, again.state), { id, props: again.state });
  });

  it("after ALTER PUBLICATION … SET TABLE by hand: reads the new tables (sorted), the diff says update, not replace, and the update restores the inputs' tables", async () => {
    const i = inputs(tables("a.t2", "a.t1"));
    const { id, state } = await created(i);
    await byHand.query(`ALTER PUBLICATION ${ident(i.publicationName)} SET TABLE "Zed"."T", b.t1`);

    const read = await provider.read(id, state);
    assert.deepEqual(read, { id, props: { ...state, scope: tables("Zed.T", "b.t1") } });
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });

    const updated = await provider.update(id, read.props!, i);
    assert.deepEqual(updated, { outs: i });
    assert.deepEqual(await published(i.publicationName), ["a.t1", "a.t2"]);
    assert.deepEqual(await provider.read(id, updated.outs!), { id, props: i });
  });

  it("after ALTER PUBLICATION … SET TABLES IN SCHEMA by hand on a FOR TABLE publication: reads schemas, and the update sets the tables again", async () => {
    const i = inputs(tables("a.t1"), "superuser");
    const { id, state } = await created(i);
    await byHand.query(`ALTER PUBLICATION ${ident(i.publicationName)} SET TABLES IN SCHEMA b`);

    const read = await provider.read(id, state);
    assert.deepEqual(read.props!.scope, schemas("b"));
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update(id, read.props!, i);
    assert.deepEqual(await published(i.publicationName), ["a.t1"]);
    assert.deepEqual(await provider.read(id, i), { id, props: i });
  });

  it("after ALTER PUBLICATION … ADD TABLE by hand on a schema publication: reads schemas and tables at once, and the update removes the table", async () => {
    const i = inputs(schemas("b"), "superuser");
    const { id, state } = await created(i);
    await byHand.query(`ALTER PUBLICATION ${ident(i.publicationName)} ADD TABLE a.t1`);

    const read = await provider.read(id, state);
    assert.deepEqual(read.props!.scope, { kind: "schemasAndTables", schemas: ["b"], tables: [{ schema: "a", table: "t1" }] });
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update(id, read.props!, i);
    assert.deepEqual(await published(i.publicationName), ["b.t1"]);
    assert.deepEqual(await provider.read(id, i), { id, props: i });
  });

  it("after its only table left it by hand: reads an empty list of the state's kind, and the update lists it again", async () => {
    const i = inputs(tables("a.t1"));
    const { id, state } = await created(i);
    await byHand.query(`ALTER PUBLICATION ${ident(i.publicationName)} DROP TABLE a.t1`);

    const read = await provider.read(id, state);
    assert.deepEqual(read.props!.scope, { kind: "tables", tables: [] });
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update(id, read.props!, i);
    assert.deepEqual(await published(i.publicationName), ["a.t1"]);
  });

  it("a FOR ALL TABLES publication re-created by hand FOR TABLE: reads the table, and the diff replaces it", async () => {
    const i = inputs({ kind: "allTables" }, "superuser");
    const { id, state } = await created(i);
    await byHand.query(`DROP PUBLICATION ${ident(i.publicationName)}; CREATE PUBLICATION ${ident(i.publicationName)} FOR TABLE a.t1`);

    const read = await provider.read(id, state);
    assert.deepEqual(read.props!.scope, tables("a.t1"));
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: ["scope"], deleteBeforeReplace: true });
  });

  it("a publication an earlier version created (no option, a state without the setting): reads without it, the diff updates (never replaces), the update turns it on, and a read reports it", async () => {
    const i = inputs(tables("a.parted"));
    const { publishViaPartitionRoot: _absent, ...old } = i;
    // As the earlier version did: as the admin, without the option.
    const asAdmin = await connect(server, "admin", db);
    try {
      await asAdmin.query(`CREATE PUBLICATION ${ident(i.publicationName)} FOR TABLE a.parted`);
    } finally {
      await asAdmin.end();
    }
    const id = `${server.host}:${server.port}/${db}/${i.publicationName}`;
    assert.deepEqual(await published(i.publicationName), ["a.parted_1", "a.parted_2"]);

    const read = await provider.read(id, old);
    assert.deepEqual(read, { id, props: old });
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });

    const updated = await provider.update(id, read.props!, i);
    assert.deepEqual(updated, { outs: i });
    assert.deepEqual((await byHand.query("SELECT pubviaroot FROM pg_publication WHERE pubname = $1", [i.publicationName])).rows, [{ pubviaroot: true }]);
    assert.deepEqual(await published(i.publicationName), ["a.parted"]);
    assert.deepEqual(await provider.read(id, i), { id, props: i });
  });

  it("publish_via_partition_root turned off by hand: reads false, the diff updates, and the update turns it on again", async () => {
    const i = inputs(tables("a.parted", "a.t1"));
    const { id, state } = await created(i);
    assert.deepEqual(await published(i.publicationName), ["a.parted", "a.t1"]);
    await byHand.query(`ALTER PUBLICATION ${ident(i.publicationName)} SET (publish_via_partition_root = false)`);

    const read = await provider.read(id, state);
    assert.deepEqual(read, { id, props: { ...state, publishViaPartitionRoot: false } });
    assert.deepEqual(diffPublication(read.props!, i), { changes: true, replaces: [], deleteBeforeReplace: false });
    await provider.update(id, read.props!, i);
    assert.deepEqual(await published(i.publicationName), ["a.parted", "a.t1"]);
    assert.deepEqual(await provider.read(id, state), { id, props: state });
  });

  it("a server it cannot reach fails the read with the state's settings named, and does not report the publication gone", async () => {
    const i = inputs(tables("a.t1"));
    const { id, state } = await created(i);
    const stale = { ...state, adminPassword: "not-the-password-5c1e" };
    await assert.rejects(provider.read(id, stale), (e: Error) => {
      assert.equal(
        e.message,
        `Cannot read publication "${i.publicationName}" with the settings in the Pulumi state: cannot connect to PostgreSQL at ${server.host}:${server.port}/${db} as "${server.user}": ` +
          `password authentication failed for user "${server.user}"; if the admin password changed since (or the endpoint, with the same RDS resource ID), ` +
          "run `pulumi up` with the new settings first (with nothing else changed, it only records them), then refresh again.",
      );
      assert.ok(!e.message.includes(stale.adminPassword));
      return true;
    });
    // Nothing listens on port 1.
    await assert.rejects(provider.read(id, { ...state, port: 1 }), /^Error: Cannot read publication "Read_\d+" with the settings in the Pulumi state: cannot connect to PostgreSQL at [^ ]+:1\//);
    assert.deepEqual(await published(i.publicationName), ["a.t1"]);
  });

  it("refuses to read without a state (`.get`, `pulumi import`): there is no admin connection to read with", async () => {
    await assert.rejects(provider.read("h:5432/db/cp", undefined as unknown as PostgresPublicationOutputs), {
      message: 'Publication "h:5432/db/cp" cannot be read without its state (the admin connection); create it with `pulumi up` instead of importing it.',
    });
  });
});
