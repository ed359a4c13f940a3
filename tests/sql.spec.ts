import { strict as assert } from "assert";
import { escapeMyGrantDatabase, mySetupStatements, postgresSetupStatements, quoteMyIdent, quoteMyString, quotePgIdent, quotePgIdentForComment } from "../components/sql";

describe("sql", () => {
  describe("quoting", () => {
    it("doubles double quotes in PostgreSQL identifiers", () => {
      assert.equal(quotePgIdent('we"ird'), '"we""ird"');
    });
    it("writes a PostgreSQL name with a line break in Unicode-escape form for comment lines", () => {
      assert.equal(quotePgIdentForComment('plain "db"'), '"plain ""db"""');
      assert.equal(quotePgIdentForComment('a\nDROP "x" \\ y'), 'U&"a\\000aDROP ""x"" \\\\ y"');
    });
    it("keeps a database name with a line break inside the connect comment", () => {
      const [comment, next] = postgresSetupStatements({ username: "cp", database: "app\nCREATE ROLE evil;", schemas: ["public"], cdc: false });
      assert.equal(comment, '-- connect to database U&"app\\000aCREATE ROLE evil;"');
      assert.equal(next, 'CREATE ROLE "cp" WITH LOGIN;');
    });
    it("doubles backticks in MySQL identifiers", () => {
      assert.equal(quoteMyIdent("we`ird"), "`we``ird`");
    });
    it("doubles quotes in MySQL strings and refuses backslashes", () => {
      assert.equal(quoteMyString("o'brien"), "'o''brien'");
      assert.throws(() => quoteMyString("a\\b"), { message: 'Value "a\\b" contains a backslash, which cannot be quoted the same way in every SQL mode.' });
    });
    it("escapes grant wildcards and the escape character in database names", () => {
      assert.equal(escapeMyGrantDatabase("my_db%1"), "my\\_db\\%1");
      assert.equal(escapeMyGrantDatabase("zz\\b"), "zz\\\\b");
    });
  });

  describe("postgresSetupStatements", () => {
    it("creates a login role with rds_iam and read access per schema", () => {
      assert.deepEqual(postgresSetupStatements({ username: "cp", database: "app", schemas: ["public", "Sales"], tableOwner: "owner", cdc: false }), [
        '-- connect to database "app"',
        'CREATE ROLE "cp" WITH LOGIN;',
        'GRANT rds_iam TO "cp";',
        'GRANT USAGE ON SCHEMA "public" TO "cp";',
        'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "cp";',
        'ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "public" GRANT SELECT ON TABLES TO "cp";',
        'GRANT USAGE ON SCHEMA "Sales" TO "cp";',
        'GRANT SELECT ON ALL TABLES IN SCHEMA "Sales" TO "cp";',
        'ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "Sales" GRANT SELECT ON TABLES TO "cp";',
      ]);
    });
    it("adds rds_replication and the publication for CDC", () => {
      const s = postgresSetupStatements({ username: "cp", database: "app", schemas: ["public"], cdc: true, publicationStatement: 'CREATE PUBLICATION "p" FOR TABLES IN SCHEMA "public";' });
      assert.equal(s[3], 'GRANT rds_replication TO "cp";');
      assert.equal(s[s.length - 1], 'CREATE PUBLICATION "p" FOR TABLES IN SCHEMA "public";');
    });
  });

  describe("mySetupStatements", () => {
    it("ends CDC setups with the binlog retention call when asked, and only for CDC", () => {
      const cdc = mySetupStatements({ flavor: "mysql", username: "cp", databases: ["shop"], cdc: true, binlogRetentionHours: 72 });
      assert.deepEqual(cdc.slice(-2), [
        "-- RDS and Aurora: keep binary logs 72 hours (skip it if the value is already higher)",
        "CALL mysql.rds_set_configuration('binlog retention hours', 72);",
      ]);
      assert.equal(mySetupStatements({ flavor: "mysql", username: "cp", databases: ["shop"], cdc: false, binlogRetentionHours: 72 }).length, 2);
    });
    it("uses MySQL's IDENTIFIED WITH syntax and REQUIRE SSL", () => {
      assert.deepEqual(mySetupStatements({ flavor: "mysql", username: "cp", databases: ["shop", "a_b"], cdc: true }), [
        "CREATE USER 'cp'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;",
        "GRANT SELECT ON `shop`.* TO 'cp'@'%';",
        "GRANT SELECT ON `a\\_b`.* TO 'cp'@'%';",
        "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'cp'@'%';",
      ]);
    });
    it("uses MariaDB's IDENTIFIED VIA syntax", () => {
      assert.deepEqual(mySetupStatements({ flavor: "mariadb", username: "cp", databases: ["we`ird"], cdc: false }), [
        "CREATE USER 'cp'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;",
        "GRANT SELECT ON `we``ird`.* TO 'cp'@'%';",
      ]);
    });
  });
});
