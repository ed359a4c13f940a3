import { strict as assert } from "assert";
import { CdcArgsInput, defaultPublicationName, normalizeCdcArgs, parsePublicationTable } from "../components/cdcArgs";
import { ValidationError } from "../components/validation";

function refuses(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

const pg = (args: CdcArgsInput, schemas = ["public", "sales"]) => normalizeCdcArgs("postgres", { cdc: true, ...args }, "clickpipes_iam_user", schemas);
const my = (args: CdcArgsInput) => normalizeCdcArgs("mysql", { cdc: true, ...args }, "clickpipes_iam_user", []);

describe("cdcArgs", () => {
  describe("normalizeCdcArgs", () => {
    it("has no CDC options without CDC, and refuses each CDC argument there", () => {
      assert.deepEqual(normalizeCdcArgs("postgres", {}, "u", ["public"]), { cdc: false, checks: "enforce" });
      refuses(() => normalizeCdcArgs("mysql", { binlogRetentionHours: 72 }, "u", []), "`binlogRetentionHours` 72 is set but `cdc` is false; set `cdc: true` or remove `binlogRetentionHours`.");
      refuses(() => normalizeCdcArgs("postgres", { cdcChecks: "warn" }, "u", []), '`cdcChecks` "warn" is set but `cdc` is false; set `cdc: true` or remove `cdcChecks`.');
    });
    it("always names a publication for PostgreSQL CDC, scoped to the schemas by default", () => {
      assert.deepEqual(pg({}), {
        cdc: true,
        checks: "enforce",
        publication: { name: "clickpipes_iam_user_publication", create: true, scope: { kind: "schemas", schemas: ["public", "sales"] } },
      });
      assert.equal(defaultPublicationName("cp"), "cp_publication");
    });
    it("publishes listed tables, or all tables only when asked", () => {
      assert.deepEqual(pg({ publicationTables: ["sales.orders", "public.a.b"] }).publication?.scope, {
        kind: "tables",
        tables: [
          { schema: "sales", table: "orders" },
          { schema: "public", table: "a.b" },
        ],
      });
      assert.deepEqual(pg({ publicationAllTables: true }).publication?.scope, { kind: "allTables" });
      refuses(() => pg({ publicationAllTables: true, publicationTables: ["sales.orders"] }), "`publicationTables` and `publicationAllTables` are both set; list tables, or publish all tables, not both.");
      refuses(() => pg({ publicationTables: [] }), "`publicationTables` [] is empty; list the tables ClickPipes should replicate, or remove it to publish the `schemas`.");
      refuses(() => pg({ publicationTables: ["sales.orders", "sales.orders"] }), '`publicationTables` lists "sales.orders" more than once; list each table once.');
    });
    it("uses an existing publication only by name", () => {
      assert.deepEqual(pg({ createPublication: false, publicationName: "theirs" }).publication, { name: "theirs", create: false, scope: { kind: "schemas", schemas: ["public", "sales"] } });
      refuses(() => pg({ createPublication: false }), "`createPublication` is false but no `publicationName` is given; name the existing publication ClickPipes should read.");
    });
    it("refuses a default publication name over 63 bytes", () => {
      const user = "u".repeat(60);
      refuses(() => normalizeCdcArgs("postgres", { cdc: true }, user, ["public"]), `The default publication name "${user}_publication" is longer than 63 bytes; set \`publicationName\`.`);
    });
    it("defaults MySQL/MariaDB CDC to GTID and 72 hours of binlog retention", () => {
      assert.deepEqual(my({}), { cdc: true, checks: "enforce", replicationMechanism: "GTID", binlogRetentionHours: 72 });
      assert.equal(my({ replicationMechanism: "FILE_POS" }).replicationMechanism, "FILE_POS");
      refuses(() => my({ replicationMechanism: "gtid" }), '`replicationMechanism` "gtid" is not a ClickPipes replication mechanism; use "GTID" or "FILE_POS" (upper case).');
    });
    for (const hours of [23, 2161, 72.5, Number.NaN]) {
      it(`refuses binlogRetentionHours ${hours}`, () => {
        refuses(() => my({ binlogRetentionHours: hours }), `\`binlogRetentionHours\` ${hours} is out of range; use whole hours from 24 (ClickPipes' minimum) to 2160 (168 on RDS for MySQL and MariaDB).`);
      });
    }
    it("refuses an unknown check mode", () => {
      refuses(() => my({ cdcChecks: "off" }), '`cdcChecks` "off" is not a check mode; use "enforce" or "warn".');
    });
  });

  describe("parsePublicationTable", () => {
    it("splits at the first dot and requires a listed schema", () => {
      assert.deepEqual(parsePublicationTable("public.orders", ["public"]), { schema: "public", table: "orders" });
      refuses(() => parsePublicationTable("orders", ["public"]), '`publicationTables` "orders" is not a schema-qualified table; write it as "schema.table", such as "public.orders".');
      refuses(() => parsePublicationTable(".orders", ["public"]), '`publicationTables` ".orders" is not a schema-qualified table; write it as "schema.table", such as "public.orders".');
      refuses(
        () => parsePublicationTable("hidden.secrets", ["public"]),
        '`publicationTables` "hidden.secrets" is in schema "hidden", which is not in `schemas`; add the schema to `schemas` so that ClickPipes may read the table.',
      );
    });
  });
});
