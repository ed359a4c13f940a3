/**
 * The publication SQL builders and error translation (`components/database/publication.ts`):
 * pure, no server. The same statements run against PostgreSQL in publication.realpg.spec.ts.
 */
import * as assert from "node:assert/strict";
import type { PublicationScope } from "../components/checks/readiness";
import {
  alterPublicationStatement,
  createPublication,
  createPublicationStatement,
  deletePublication,
  dropPublicationStatement,
  observedScope,
  publishViaPartitionRootStatement,
  translatePublicationError,
  updatePublication,
} from "../components/database/publication";
import { PgSession, pgClientConfig, pgErrorInfo } from "../components/database/pgSession";
import { rdsCertificateAuthorities } from "../components/database/tls";
import { PostgresPublicationInputs, diffPublication } from "../components/postgresPublication";
import { PostgresPublicationOutputs, readFailedMessage } from "../components/postgresPublicationProvider";

const schemas = (...s: string[]): PublicationScope => ({ kind: "schemas", schemas: s });
const tables = (...t: [string, string][]): PublicationScope => ({ kind: "tables", tables: t.map(([schema, table]) => ({ schema, table })) });
const ALL: PublicationScope = { kind: "allTables" };

/** A server error as `pg` raises it. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: "ERROR" });
}

/**
 * A session of a server of `version` (`server_version_num`) that answers `pg_publication` lookups
 * from `existing` (FOR ALL TABLES or not; `pubviaroot`, null before 13) and records every statement.
 */
function fakeSession(existing: Record<string, boolean | { allTables: boolean; viaRoot: boolean | null }>, fail?: Error, version = 150004): PgSession & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    async query(sql: string, params?: unknown[]) {
      if (sql === "SELECT current_setting('server_version_num')::int AS version") return [{ version }];
      if (sql.startsWith("SELECT p.puballtables, (to_jsonb(p) ->> 'pubviaroot')::boolean AS viaroot FROM pg_publication p")) {
        const name = String(params?.[0]);
        if (!(name in existing)) return [];
        const e = existing[name];
        return [typeof e === "boolean" ? { puballtables: e, viaroot: version >= 130000 ? true : null } : { puballtables: e.allTables, viaroot: e.viaRoot }];
      }
      statements.push(sql);
      if (fail !== undefined) throw fail;
      return [];
    },
    async close() {},
  };
}

describe("publication SQL", () => {
  describe("createPublicationStatement", () => {
    it("with publishViaPartitionRoot (PostgreSQL 13+): WITH (publish_via_partition_root = true), for every scope; without it (12): no WITH", () => {
      const via = { publishViaPartitionRoot: true };
      assert.equal(createPublicationStatement("cp", schemas("a"), via), 'CREATE PUBLICATION "cp" FOR TABLES IN SCHEMA "a" WITH (publish_via_partition_root = true);');
      assert.equal(createPublicationStatement("cp", tables(["s", "t"]), via), 'CREATE PUBLICATION "cp" FOR TABLE "s"."t" WITH (publish_via_partition_root = true);');
      assert.equal(createPublicationStatement("cp", ALL, via), 'CREATE PUBLICATION "cp" FOR ALL TABLES WITH (publish_via_partition_root = true);');
      assert.equal(createPublicationStatement("cp", schemas("a"), { publishViaPartitionRoot: false }), 'CREATE PUBLICATION "cp" FOR TABLES IN SCHEMA "a";');
    });

    it("publishViaPartitionRootStatement: ALTER … SET (publish_via_partition_root = true), the name quoted", () => {
      assert.equal(publishViaPartitionRootStatement('c"p'), 'ALTER PUBLICATION "c""p" SET (publish_via_partition_root = true);');
    });

    it("FOR TABLES IN SCHEMA, each schema quoted, in the order given", () => {
      assert.equal(createPublicationStatement("clickpipes", schemas("public", "Sales")), 'CREATE PUBLICATION "clickpipes" FOR TABLES IN SCHEMA "public", "Sales";');
    });

    it("FOR TABLE, each table schema-qualified and quoted", () => {
      assert.equal(
        createPublicationStatement("cp", tables(["public", "orders"], ["billing", "Invoices"])),
        'CREATE PUBLICATION "cp" FOR TABLE "public"."orders", "billing"."Invoices";',
      );
    });

    it("FOR ALL TABLES", () => {
      assert.equal(createPublicationStatement("cp", ALL), 'CREATE PUBLICATION "cp" FOR ALL TABLES;');
    });

    it("quotes hostile names: embedded quotes doubled, dots and semicolons kept inside the quotes", () => {
      assert.equal(
        createPublicationStatement('p"; DROP TABLE x; --', tables(['a"b', "c.d"])),
        'CREATE PUBLICATION "p""; DROP TABLE x; --" FOR TABLE "a""b"."c.d";',
      );
      assert.equal(createPublicationStatement("p", schemas('s"')), 'CREATE PUBLICATION "p" FOR TABLES IN SCHEMA "s""";');
    });

    it("refuses an empty list of schemas or tables", () => {
      assert.throws(() => createPublicationStatement("cp", schemas()), { message: 'Publication "cp" has no schemas to publish; list at least one.' });
      assert.throws(() => createPublicationStatement("cp", tables()), { message: 'Publication "cp" has no tables to publish; list at least one.' });
    });
  });

  it("dropPublicationStatement: DROP … IF EXISTS, quoted", () => {
    assert.equal(dropPublicationStatement('my "pub"'), 'DROP PUBLICATION IF EXISTS "my ""pub""";');
  });

  describe("alterPublicationStatement", () => {
    it("SET TABLES IN SCHEMA and SET TABLE replace the whole list", () => {
      assert.equal(alterPublicationStatement("cp", schemas("a", "b")), 'ALTER PUBLICATION "cp" SET TABLES IN SCHEMA "a", "b";');
      assert.equal(alterPublicationStatement("cp", tables(["s", "t"], ["s", "u"])), 'ALTER PUBLICATION "cp" SET TABLE "s"."t", "s"."u";');
    });

    it("is undefined for all tables (that takes a replacement)", () => {
      assert.equal(alterPublicationStatement("cp", ALL), undefined);
    });
  });
});

describe("publication lifecycle over a session (no server)", () => {
  it("createPublication refuses a publication that exists, running nothing", async () => {
    const s = fakeSession({ cp: false });
    await assert.rejects(createPublication(s, "cp", schemas("public")), {
      message: 'Publication "cp" already exists; set `createPublication: false` to use it, or choose another `publicationName`.',
    });
    assert.deepEqual(s.statements, []);
  });

  it("createPublication runs exactly the CREATE statement: through partition roots on PostgreSQL 13+, without the option on 12", async () => {
    const s = fakeSession({});
    await createPublication(s, "cp", tables(["public", "orders"]));
    assert.deepEqual(s.statements, ['CREATE PUBLICATION "cp" FOR TABLE "public"."orders" WITH (publish_via_partition_root = true);']);
    const on13 = fakeSession({}, undefined, 130000);
    await createPublication(on13, "cp", schemas("a"));
    assert.deepEqual(on13.statements, ['CREATE PUBLICATION "cp" FOR TABLES IN SCHEMA "a" WITH (publish_via_partition_root = true);']);
    const on12 = fakeSession({}, undefined, 120019);
    await createPublication(on12, "cp", tables(["public", "orders"]));
    assert.deepEqual(on12.statements, ['CREATE PUBLICATION "cp" FOR TABLE "public"."orders";']);
  });

  it("updatePublication turns publish_via_partition_root on where it is off, only when asked, never on 12", async () => {
    const only = { scope: false, publishViaPartitionRoot: true };
    let s = fakeSession({ cp: { allTables: false, viaRoot: false } });
    await updatePublication(s, "cp", schemas("a"), only);
    assert.deepEqual(s.statements, ['ALTER PUBLICATION "cp" SET (publish_via_partition_root = true);']);

    s = fakeSession({ cp: { allTables: true, viaRoot: false } });
    await updatePublication(s, "cp", ALL, { scope: true, publishViaPartitionRoot: true });
    assert.deepEqual(s.statements, ['ALTER PUBLICATION "cp" SET (publish_via_partition_root = true);']);

    s = fakeSession({ cp: { allTables: false, viaRoot: false } });
    await updatePublication(s, "cp", schemas("a"), { scope: true, publishViaPartitionRoot: true });
    assert.deepEqual(s.statements, ['ALTER PUBLICATION "cp" SET TABLES IN SCHEMA "a";', 'ALTER PUBLICATION "cp" SET (publish_via_partition_root = true);']);

    s = fakeSession({ cp: { allTables: false, viaRoot: true } });
    await updatePublication(s, "cp", schemas("a"), only);
    assert.deepEqual(s.statements, []);

    s = fakeSession({ cp: { allTables: false, viaRoot: false } });
    await updatePublication(s, "cp", schemas("a"), { scope: true, publishViaPartitionRoot: false });
    assert.deepEqual(s.statements, ['ALTER PUBLICATION "cp" SET TABLES IN SCHEMA "a";']);

    s = fakeSession({ cp: { allTables: false, viaRoot: null } }, undefined, 120019);
    await updatePublication(s, "cp", schemas("a"), only);
    assert.deepEqual(s.statements, []);
  });

  it("deletePublication runs DROP … IF EXISTS whether or not it exists", async () => {
    const s = fakeSession({});
    await deletePublication(s, "cp");
    assert.deepEqual(s.statements, ['DROP PUBLICATION IF EXISTS "cp";']);
  });

  it("updatePublication: ALTER … SET in place; creates one that has gone; refuses to or from FOR ALL TABLES", async () => {
    let s = fakeSession({ cp: false });
    await updatePublication(s, "cp", schemas("a"));
    assert.deepEqual(s.statements, ['ALTER PUBLICATION "cp" SET TABLES IN SCHEMA "a";']);

    s = fakeSession({});
    await updatePublication(s, "cp", schemas("a"));
    assert.deepEqual(s.statements, ['CREATE PUBLICATION "cp" FOR TABLES IN SCHEMA "a" WITH (publish_via_partition_root = true);']);

    s = fakeSession({ cp: true });
    await updatePublication(s, "cp", ALL);
    assert.deepEqual(s.statements, []);

    const refusal = { message: 'Publication "cp" cannot be changed to or from FOR ALL TABLES in place; it has to be dropped and created again.' };
    await assert.rejects(updatePublication(fakeSession({ cp: true }), "cp", schemas("a")), refusal);
    await assert.rejects(updatePublication(fakeSession({ cp: false }), "cp", ALL), refusal);
  });

  it("a duplicate_object error on CREATE (a race) reads as the refusal", async () => {
    const s = fakeSession({}, pgError("42710", 'publication "cp" already exists'));
    await assert.rejects(createPublication(s, "cp", schemas("a")), {
      message: 'Publication "cp" already exists; set `createPublication: false` to use it, or choose another `publicationName`.',
    });
  });
});

describe("translatePublicationError", () => {
  const stmt = "CREATE PUBLICATION …";

  it("must be owner of table: names the table, schema-qualified when the scope says which", () => {
    const e = translatePublicationError(pgError("42501", "must be owner of table orders"), stmt, "cp", tables(["sales", "orders"], ["sales", "items"]), "create");
    assert.equal(
      e.message,
      'Cannot create publication "cp": the admin user does not own table "sales"."orders", and FOR TABLE needs ownership of every table it lists; make the admin user a member of the table\'s owner, or create the publication yourself and set `createPublication: false`.',
    );
    const ambiguous = translatePublicationError(pgError("42501", "must be owner of table orders"), stmt, "cp", tables(["a", "orders"], ["b", "orders"]), "change");
    assert.match(ambiguous.message, /^Cannot change publication "cp": the admin user does not own table "orders", /);
  });

  it("must be superuser, FOR ALL TABLES", () => {
    const e = translatePublicationError(pgError("42501", "must be superuser to create FOR ALL TABLES publication"), stmt, "cp", ALL, "create");
    assert.equal(
      e.message,
      'Cannot create publication "cp" FOR ALL TABLES: on stock PostgreSQL only a superuser may create such a publication, and whether RDS\'s rds_superuser may is not verified; list the tables in `publicationTables` instead (FOR TABLE needs only ownership of each table), or create the publication yourself and set `createPublication: false`.',
    );
  });

  it("anything else: the SQLSTATE, the statement and the server's message, with the error as cause", () => {
    const original = pgError("42P01", 'relation "s.t" does not exist');
    const e = translatePublicationError(original, stmt, "cp", schemas("s"), "create");
    assert.equal(e.message, 'PostgreSQL error 42P01 running "CREATE PUBLICATION …": relation "s.t" does not exist');
    assert.equal(e.cause, original);
  });
});

describe("pgClientConfig", () => {
  const base = { host: "db.example", port: 5432, database: "app", adminUsername: "admin", adminPassword: "secret" };
  const common = { host: "db.example", port: 5432, database: "app", user: "admin", password: "secret", connectionTimeoutMillis: 20_000, application_name: "clickpipes-rds-iam" };

  it("TLS off: ssl false", () => {
    assert.deepEqual(pgClientConfig({ ...base, tls: false }), { ...common, ssl: false });
  });

  it("TLS by default: the server's certificate verified against the Amazon RDS certificate authorities (pg checks the name)", () => {
    assert.deepEqual(pgClientConfig({ ...base, tls: true }), { ...common, ssl: { ca: rdsCertificateAuthorities(), rejectUnauthorized: true } });
  });

  it("TLS with a CA: verified against it; an empty CA is refused", () => {
    assert.deepEqual(pgClientConfig({ ...base, tls: true, tlsCa: "PEM" }), { ...common, ssl: { ca: "PEM", rejectUnauthorized: true } });
    assert.throws(() => pgClientConfig({ ...base, tls: true, tlsCa: " " }), { message: '`tlsCa` is ""; pass the PEM of the CA that signed the server certificate, or leave it unset.' });
  });

  it("TLS unverified only with tlsVerify false", () => {
    assert.deepEqual(pgClientConfig({ ...base, tls: true, tlsVerify: false }), { ...common, ssl: { rejectUnauthorized: false } });
  });

  it("pgErrorInfo takes a SQLSTATE only when it looks like one (not a Node error code)", () => {
    assert.deepEqual(pgErrorInfo(pgError("42501", "m")), { code: "42501", message: "m" });
    assert.deepEqual(pgErrorInfo(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })), { code: undefined, message: "refused" });
    assert.deepEqual(pgErrorInfo("text"), {});
  });
});

describe("diffPublication: how to connect", () => {
  const olds: PostgresPublicationInputs = {
    host: "db.example",
    port: 5432,
    database: "app",
    adminUsername: "admin",
    adminPassword: "pw",
    publicationName: "clickpipes",
    scope: { kind: "tables", tables: [{ schema: "s", table: "t" }] },
    tls: true,
  };

  it("records a new tlsVerify, tlsCa or password in place, never replacing the publication", () => {
    for (const change of [{ tlsVerify: false }, { tlsCa: "PEM" }, { adminPassword: "rotated" }]) {
      assert.deepEqual(diffPublication(olds, { ...olds, ...change }), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(change));
    }
  });

  it("updates through the new address when the same server (resourceId) moves, and replaces for another server", () => {
    const same = { ...olds, resourceId: "db-ABC" };
    assert.deepEqual(diffPublication(same, { ...same, host: "renamed.example", port: 6432 }), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffPublication(same, { ...same, host: "other.example", resourceId: "db-XYZ" }), { changes: true, replaces: ["host", "resourceId"], deleteBeforeReplace: true });
    // A state written without the ID: a new address may be another server, so it replaces.
    assert.deepEqual(diffPublication(olds, { ...olds, host: "renamed.example" }), { changes: true, replaces: ["host"], deleteBeforeReplace: true });
    // The ID recorded for the first time, same address: recorded in place.
    assert.deepEqual(diffPublication(olds, same), { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("takes an unset tlsVerify as its default, true", () => {
    assert.deepEqual(diffPublication(olds, { ...olds, tlsVerify: true }), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("publishViaPartitionRoot wanted and not recorded on (an earlier version's state, or a refresh that found it off): an update, never a replacement", () => {
    const news = { ...olds, publishViaPartitionRoot: true };
    assert.deepEqual(diffPublication(olds, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffPublication({ ...olds, publishViaPartitionRoot: false }, news), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffPublication(news, news), { changes: false, replaces: [], deleteBeforeReplace: false });
    // Nothing turns it off: inputs without it (the plugin's, for now) leave a state that has it alone.
    assert.deepEqual(diffPublication(news, olds), { changes: false, replaces: [], deleteBeforeReplace: false });
  });
});

describe("observedScope: the scope a refresh records", () => {
  const held = (o: { allTables?: boolean; schemas?: string[]; tables?: [string, string][] }) => ({
    allTables: o.allTables ?? false,
    schemas: o.schemas ?? [],
    tables: (o.tables ?? []).map(([schema, table]) => ({ schema, table })),
    publishViaPartitionRoot: true,
  });

  it("is the state itself when the server lists the same, in whatever order", () => {
    const state = tables(["s", "b"], ["s", "a"], ["r", "z"]);
    assert.equal(observedScope(state, held({ tables: [["r", "z"], ["s", "a"], ["s", "b"]] })), state);
    const inSchemas = schemas("b", "a");
    assert.equal(observedScope(inSchemas, held({ schemas: ["a", "b"] })), inSchemas);
    assert.equal(observedScope(ALL, held({ allTables: true })), ALL);
  });

  it("otherwise the server's lists, sorted by code point (upper case before lower)", () => {
    assert.deepEqual(observedScope(tables(["s", "a"]), held({ tables: [["s", "b"], ["Z", "t"], ["s", "a"]] })), tables(["Z", "t"], ["s", "a"], ["s", "b"]));
    assert.deepEqual(observedScope(schemas("a", "b"), held({ schemas: ["b", "Z"] })), schemas("Z", "b"));
    // Another kind with the same names is not the same scope.
    assert.deepEqual(observedScope(schemas("a"), held({ tables: [["a", "t"]] })), tables(["a", "t"]));
  });

  it("schemas and tables at once (set by hand) as a kind of its own, which no input is", () => {
    assert.deepEqual(observedScope(schemas("a"), held({ schemas: ["a"], tables: [["b", "t"]] })), {
      kind: "schemasAndTables",
      schemas: ["a"],
      tables: [{ schema: "b", table: "t" }],
    });
  });

  it("FOR ALL TABLES whatever the state was", () => {
    assert.deepEqual(observedScope(schemas("a"), held({ allTables: true })), ALL);
  });

  it("nothing listed: an empty list of the state's kind (tables for a state of all tables)", () => {
    assert.deepEqual(observedScope(schemas("a"), held({})), schemas());
    assert.deepEqual(observedScope(tables(["a", "t"]), held({})), tables());
    assert.deepEqual(observedScope(ALL, held({})), tables());
  });
});

describe("diffPublication after a refresh", () => {
  const inputs: PostgresPublicationInputs = {
    host: "db.example",
    port: 5432,
    database: "app",
    adminUsername: "admin",
    adminPassword: "pw",
    publicationName: "clickpipes",
    scope: schemas("a"),
    tls: true,
  };
  const refreshed = (scope: PostgresPublicationOutputs["scope"]): PostgresPublicationOutputs => ({ ...inputs, scope });
  const UPDATE = { changes: true, replaces: [], deleteBeforeReplace: false };

  it("a scope changed, emptied or mixed by hand is an update (ALTER … SET replaces both lists)", () => {
    assert.deepEqual(diffPublication(refreshed(schemas("b")), inputs), UPDATE);
    assert.deepEqual(diffPublication(refreshed(tables(["a", "t"])), inputs), UPDATE);
    assert.deepEqual(diffPublication(refreshed(schemas()), inputs), UPDATE);
    assert.deepEqual(diffPublication(refreshed({ kind: "schemasAndTables", schemas: ["a"], tables: [{ schema: "b", table: "t" }] }), inputs), UPDATE);
  });

  it("to or from FOR ALL TABLES by hand replaces it", () => {
    assert.deepEqual(diffPublication(refreshed(ALL), inputs), { changes: true, replaces: ["scope"], deleteBeforeReplace: true });
    assert.deepEqual(diffPublication(refreshed(tables()), { ...inputs, scope: ALL }), { changes: true, replaces: ["scope"], deleteBeforeReplace: true });
  });

  it("an unchanged refresh is no change", () => {
    assert.deepEqual(diffPublication(refreshed(schemas("a")), inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("readFailedMessage: the publication, the cause (first letter lowered), and the way out", () => {
    assert.equal(
      readFailedMessage(inputs, new Error("Cannot connect to PostgreSQL at db.example:5432/app as \"admin\": timeout")),
      'Cannot read publication "clickpipes" with the settings in the Pulumi state: cannot connect to PostgreSQL at db.example:5432/app as "admin": timeout; ' +
        "if the admin password changed since (or the endpoint, with the same RDS resource ID), run `pulumi up` with the new settings first " +
        "(with nothing else changed, it only records them), then refresh again.",
    );
  });
});
