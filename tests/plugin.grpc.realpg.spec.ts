/**
 * The plugin (provider/) started as Pulumi's Node.js language host starts it, called over gRPC,
 * serving `CdcReadiness` and `PostgresPublication` against the real PostgreSQL 15 of
 * `.ci/postgres.sh` (TLS verified against its test CA), as the non-superuser admin that stands in
 * for the RDS master user. The database the specs make is set up as RDS has it
 * (`rds.logical_replication`, `rds.iam_auth_for_replication` set per database by the superuser),
 * and what the plugin did is read back from the catalog with a plain `pg` client.
 *
 * Every database a run creates starts with one random prefix and is dropped after it (its
 * publications with it). Skipped outside CI when no server answers, as the other real-server specs.
 */
import * as assert from "node:assert/strict";
import type * as grpc from "@grpc/grpc-js";
import type { Client } from "pg";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { CDC_READINESS, POSTGRES_PUBLICATION } from "../provider/provider";
import { secretValue } from "../provider/rpcValues";
import { PostgresTestServer, connect, dropEverythingNamed, ident, pgTestCa, postgresTestServer, requirePostgres, uniqueName } from "./support/postgres";
import { StartedPlugin, call, startPlugin, struct, urnOf } from "./support/plugin";

type Props = Record<string, unknown>;

describe("the plugin over gRPC: CdcReadiness and PostgresPublication against the real PostgreSQL 15", function () {
  this.timeout(60_000);
  const server: PostgresTestServer = postgresTestServer();
  const p = uniqueName("cpgp_");
  /** Set up as an RDS database ready for CDC. */
  const db = `${p}db`;
  let admin: Client | undefined;
  let superuser: Client | undefined;
  /** A plain client in `db`, as the superuser, for reading the catalog. */
  let inspector: Client | undefined;
  let plugin: StartedPlugin | undefined;
  let client: ResourceProviderClient;

  before(async function () {
    ({ admin, superuser } = await requirePostgres(this, server));
    await admin.query(`CREATE DATABASE ${ident(db)}`);
    await superuser.query(`ALTER DATABASE ${ident(db)} SET "rds.logical_replication" = '1'`);
    await superuser.query(`ALTER DATABASE ${ident(db)} SET "rds.iam_auth_for_replication" = '1'`);
    const setup = await connect(server, "admin", db);
    try {
      await setup.query(`
        CREATE SCHEMA app;
        CREATE TABLE app.orders (id int PRIMARY KEY);
        CREATE TABLE app.lines (id int PRIMARY KEY, order_id int);
        CREATE TABLE app.audit (v text);
      `);
    } finally {
      await setup.end();
    }
    inspector = await connect(server, "superuser", db);
    plugin = await startPlugin();
    client = plugin.client;
  });

  after(async () => {
    plugin?.stop();
    await inspector?.end();
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await admin?.end();
    await superuser?.end();
  });

  const check = (urn: string, news: Props) => call<proto.CheckRequest, proto.CheckResponse>(client, client.check, new proto.CheckRequest().setUrn(urn).setOlds(struct({})).setNews(struct(news)));
  const checked = async (urn: string, news: Props): Promise<Props> => {
    const res = await check(urn, news);
    assert.deepEqual(res.getFailuresList(), []);
    return res.getInputs()!.toJavaScript() as Props;
  };
  const create = async (urn: string, inputs: Props): Promise<{ id: string; outs: Props }> => {
    const res = await call<proto.CreateRequest, proto.CreateResponse>(client, client.create, new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)));
    return { id: res.getId(), outs: res.getProperties()!.toJavaScript() as Props };
  };
  const diff = (id: string, urn: string, olds: Props, news: Props) =>
    call<proto.DiffRequest, proto.DiffResponse>(client, client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
  /** The message the plugin's error carries to the engine (gRPC status details). */
  const failure = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (err) {
      return (err as grpc.ServiceError).details;
    }
    assert.fail("the call succeeded");
  };
  /** The admin password appears once in a property bag, inside its secret. */
  const passwordOnceAsSecret = (props: Props) => {
    assert.deepEqual(props.adminPassword, secretValue(server.password));
    assert.equal(JSON.stringify(props).split(server.password).length, 2, "the password appears once, inside its secret");
  };

  /** What `pg_publication_tables` lists for the publication, as "schema.table", sorted. */
  async function published(name: string): Promise<string[]> {
    const { rows } = await inspector!.query<{ t: string }>("SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1", [name]);
    return rows.map((r) => r.t).sort();
  }
  async function publications(): Promise<{ pubname: string; owner: string }[]> {
    return (await inspector!.query<{ pubname: string; owner: string }>("SELECT pubname, pubowner::regrole::text AS owner FROM pg_publication ORDER BY pubname")).rows;
  }

  const target = { deployment: "rds", parameterGroup: "orders-pg16", kind: "instance", identifier: "orders-db" };
  const orders = { kind: "tables", tables: [{ schema: "app", table: "orders" }] };

  describe("CdcReadiness", () => {
    const urn = urnOf(CDC_READINESS, "readiness");
    const news = (over: Props = {}): Props => ({
      host: server.host,
      port: server.port,
      database: db,
      // In plain text: the plugin makes it secret all the same.
      adminUsername: server.user,
      adminPassword: server.password,
      target,
      check: { engine: "postgres", request: { cdc: true, schemas: ["app"], publication: { name: "clickpipes_pub", create: true, scope: orders } } },
      mode: "enforce",
      tlsCa: pgTestCa(server),
      ...over,
    });

    it("Check writes out `tls` and makes the admin password secret; Create runs the checks on the database, returning the password as a secret once", async () => {
      const inputs = await checked(urn, news());
      assert.deepEqual(inputs, { ...news(), adminPassword: secretValue(server.password), tls: true });

      const before = await publications();
      const { id, outs } = await create(urn, inputs);
      assert.equal(id, `${server.host}:${server.port}/${db}`);
      passwordOnceAsSecret(outs);
      assert.deepEqual(outs, {
        ...inputs,
        results: [
          { id: "postgres.wal_level", status: "pass", summary: 'wal_level is "logical"' },
          { id: "postgres.rds_iam_auth_for_replication", status: "pass", summary: "rds.iam_auth_for_replication is on" },
          { id: "postgres.replica_identity", status: "pass", summary: "Every published table has a primary key or REPLICA IDENTITY FULL" },
        ],
        warnings: [],
      });
      // A check: it creates no publication.
      assert.deepEqual(await publications(), before);
    });

    it("Create refuses a database that is not ready, listing each unmet requirement with its fix", async () => {
      const inputs = await checked(urn, news({ check: { engine: "postgres", request: { cdc: true, schemas: ["app", "billing"], publication: { name: "clickpipes_pub", create: true, scope: orders } } } }));
      assert.equal(
        await failure(create(urn, inputs)),
        'Instance "orders-db" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy anyway:\n' +
          '  - Schema "billing" does not exist in the database; create it, or remove it from `schemas`.',
      );
    });

    it('Create under mode "warn" still refuses to publish a table without a primary key (it would break the application)', async () => {
      const audit = { kind: "tables", tables: [{ schema: "app", table: "audit" }] };
      const inputs = await checked(urn, news({ mode: "warn", check: { engine: "postgres", request: { cdc: true, schemas: ["app"], publication: { name: "audit_pub", create: true, scope: audit } } } }));
      assert.equal(
        await failure(create(urn, inputs)),
        'Instance "orders-db" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or note that `cdcChecks: "warn"` does not waive these, since going on would break the application:\n' +
          '  - "app"."audit" has no primary key and no REPLICA IDENTITY FULL; once published, PostgreSQL refuses UPDATE and DELETE on it; give it a primary key or run `ALTER TABLE … REPLICA IDENTITY FULL`, or leave it out with `publicationTables`.',
      );
    });

    it("Check reports the inputs it lacks", async () => {
      const res = await check(urn, { host: server.host, port: server.port, adminUsername: server.user, adminPassword: server.password });
      assert.deepEqual(
        res.getFailuresList().map((f) => f.getProperty()),
        ["target", "check", "mode"],
      );
    });
  });

  describe("PostgresPublication", () => {
    const urn = urnOf(POSTGRES_PUBLICATION, "publication");
    const news = (over: Props = {}): Props => ({
      host: server.host,
      port: server.port,
      database: db,
      adminUsername: server.user,
      adminPassword: secretValue(server.password),
      publicationName: "ClickPipes_Orders",
      scope: orders,
      tlsCa: pgTestCa(server),
      ...over,
    });

    it("Check, Create, Read, Diff, Update and Delete: the publication as the admin's, FOR TABLE, the password a secret once", async () => {
      const inputs = await checked(urn, news());
      assert.deepEqual(inputs, { ...news(), tls: true });

      const { id, outs } = await create(urn, inputs);
      assert.equal(id, `${server.host}:${server.port}/${db}/ClickPipes_Orders`);
      passwordOnceAsSecret(outs);
      assert.deepEqual(outs, inputs);
      assert.deepEqual(await publications(), [{ pubname: "ClickPipes_Orders", owner: server.user }]);
      assert.deepEqual(await published("ClickPipes_Orders"), ["app.orders"]);

      const read = await call<proto.ReadRequest, proto.ReadResponse>(client, client.read, new proto.ReadRequest().setId(id).setUrn(urn).setProperties(struct(outs)));
      assert.equal(read.getId(), id);
      assert.deepEqual(read.getProperties()!.toJavaScript(), outs);

      const same = await diff(id, urn, outs, inputs);
      assert.equal(same.getChanges(), proto.DiffResponse.DiffChanges.DIFF_NONE);
      const renamed = await diff(id, urn, outs, { ...inputs, publicationName: "ClickPipes_Other" });
      assert.equal(renamed.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(renamed.getReplacesList(), ["publicationName"]);
      assert.equal(renamed.getDeletebeforereplace(), true);
      const newPassword = await diff(id, urn, outs, { ...inputs, adminPassword: secretValue(`${server.password}-rotated`) });
      assert.equal(newPassword.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(newPassword.getReplacesList(), []);
      const wider = { ...inputs, scope: { kind: "tables", tables: [...orders.tables, { schema: "app", table: "lines" }] } };
      const widened = await diff(id, urn, outs, wider);
      assert.equal(widened.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(widened.getReplacesList(), []);

      const updated = await call<proto.UpdateRequest, proto.UpdateResponse>(client, client.update, new proto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(wider)));
      const updatedOuts = updated.getProperties()!.toJavaScript() as Props;
      passwordOnceAsSecret(updatedOuts);
      assert.deepEqual(updatedOuts, wider);
      assert.deepEqual(await published("ClickPipes_Orders"), ["app.lines", "app.orders"]);

      await call(client, client.delete, new proto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(updatedOuts)));
      assert.deepEqual(await publications(), []);
    });
  });
});
