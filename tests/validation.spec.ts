import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  IAM_LIMITS,
  MAX_DB_USERNAME_LENGTH,
  ValidationError,
  kindOf,
  named,
  quoted,
  show,
  validateArgType,
  validateBoundaryPartition,
  validateClickhouseRoleArn,
  validateDbUsername,
  validateEngine,
  validateMyDatabases,
  validatePgDatabase,
  validatePgIdentifier,
  validateRdsIdentifier,
  validateRoleOptions,
  validateSamePartition,
  validateSchemas,
  validateTargetChoice,
  nearestName,
  unknownNameMessage,
} from "../components/validation";

/** Asserts that `f` throws a ValidationError with exactly `message`. */
function refuses(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

describe("validation", () => {
  describe("ValidationError", () => {
    it("is a pulumi.RunError named ValidationError, so Pulumi prints the message without a stack", () => {
      const e = new ValidationError("`x` 1 is wrong; fix it.");
      assert.equal(pulumi.RunError.isInstance(e), true);
      assert.equal(e.name, "ValidationError");
      assert.equal(e.message, "`x` 1 is wrong; fix it.");
    });
  });

  describe("showing values", () => {
    it("quotes strings as JSON literals, escaping NUL, newlines, quotes and backslashes", () => {
      assert.equal(quoted('a"b'), '"a\\"b"');
      assert.equal(quoted("a\0b\nc\\"), '"a\\u0000b\\nc\\\\"');
      assert.equal(quoted("naïve"), '"naïve"');
    });

    it("cuts long strings after 100 characters", () => {
      assert.equal(quoted("x".repeat(150)), `"${"x".repeat(100)}…"`);
      assert.equal(quoted("x".repeat(100)), `"${"x".repeat(100)}"`);
    });

    it("shows numbers and booleans as literals and lists as JSON", () => {
      assert.deepEqual([show(3600), show(true), show(null), show(undefined), show(["a", 1])], ["3600", "true", "null", "undefined", '["a",1]']);
    });

    it("names kinds with their article", () => {
      assert.deepEqual(
        [kindOf("x"), kindOf(1), kindOf(false), kindOf([]), kindOf({}), kindOf(null), kindOf(undefined), kindOf(pulumi.output("x")), kindOf(Promise.resolve(1))],
        ["a string", "a number", "a boolean", "a list", "an object", "null", "undefined", "a pulumi.Output", "a Promise"],
      );
    });

    it("never shows a secret, an Output or a promise next to the argument name", () => {
      assert.equal(named("adminPassword", "hunter2", true), "`adminPassword`");
      assert.equal(named("database", pulumi.output("orders")), "`database`");
      assert.equal(named("database", Promise.resolve("orders")), "`database`");
      assert.equal(named("database", "orders"), '`database` "orders"');
    });
  });

  describe("validateArgType", () => {
    it("accepts the right types", () => {
      validateArgType("dbUsername", "u", { type: "string", example: "x" });
      validateArgType("database", pulumi.output("db"), { type: "input-string" });
      validateArgType("database", Promise.resolve("db"), { type: "input-string" });
      validateArgType("cdc", false, { type: "boolean" });
      validateArgType("maxSessionDuration", 3600, { type: "number", example: 3600 });
      validateArgType("schemas", ["a", "b"], { type: "string-list", example: ["public"] });
      validateArgType("tags", { team: "data", owner: pulumi.output("me") }, { type: "tags" });
      validateArgType("tags", pulumi.output({ team: "data" }), { type: "tags" });
    });

    it("refuses a string where a list is expected", () => {
      refuses(
        () => validateArgType("schemas", "public", { type: "string-list", example: ["public"] }),
        '`schemas` "public" is a string, not a plain list; use a list of strings such as ["public"].',
      );
    });

    it("names the index of a list item of the wrong type", () => {
      refuses(
        () => validateArgType("databases", ["shop", 42], { type: "string-list", example: ["shop"] }),
        '`databases[1]` 42 is a number, not a string; use a list of strings such as ["shop"].',
      );
    });

    it("refuses a string where a boolean is expected", () => {
      refuses(() => validateArgType("cdc", "yes", { type: "boolean" }), '`cdc` "yes" is a string, not a plain boolean; use true or false.');
    });

    it("refuses an Output where a plain boolean is expected, saying why", () => {
      refuses(
        () => validateArgType("cdc", pulumi.output(true), { type: "boolean" }),
        "`cdc` is a pulumi.Output, not a plain boolean; pass a plain true or false, since it must be known before anything is registered.",
      );
    });

    it("refuses an Output where a plain string is expected, saying why", () => {
      refuses(
        () => validateArgType("dbUsername", pulumi.output("u"), { type: "string", example: "clickpipes_iam_user" }),
        '`dbUsername` is a pulumi.Output, not a plain string; pass a plain string such as "clickpipes_iam_user", since it must be known before anything is registered.',
      );
    });

    it("refuses an Output where a plain number or list is expected, saying why", () => {
      refuses(
        () => validateArgType("maxSessionDuration", pulumi.output(3600), { type: "number", example: 3600 }),
        "`maxSessionDuration` is a pulumi.Output, not a plain number; pass a plain number such as 3600, since it must be known before anything is registered.",
      );
      refuses(
        () => validateArgType("schemas", Promise.resolve(["public"]), { type: "string-list", example: ["public"] }),
        '`schemas` is a Promise, not a plain list; pass a plain list of strings such as ["public"], since it must be known before anything is registered.',
      );
    });

    it("refuses a number where a string is expected", () => {
      refuses(
        () => validateArgType("dbUsername", 42, { type: "string", example: "clickpipes_iam_user" }),
        '`dbUsername` 42 is a number, not a plain string; use a string such as "clickpipes_iam_user".',
      );
    });

    it("refuses a string where a number is expected", () => {
      refuses(
        () => validateArgType("maxSessionDuration", "3600", { type: "number", example: 3600 }),
        '`maxSessionDuration` "3600" is a string, not a plain number; use a number such as 3600.',
      );
    });

    it("refuses a non-string Input", () => {
      refuses(() => validateArgType("database", ["orders"], { type: "input-string" }), '`database` ["orders"] is a list, not a string; use a string or a pulumi.Output<string>.');
    });

    it("never echoes a secret of the wrong type", () => {
      refuses(
        () => validateArgType("adminPassword", 12345678, { type: "input-string", secret: true }),
        "`adminPassword` is a number, not a string; use a string or a pulumi.Output<string>.",
      );
    });

    it("refuses tags that are not an object, and tag values that are not strings", () => {
      refuses(() => validateArgType("tags", ["team"], { type: "tags" }), '`tags` ["team"] is a list, not an object; use an object of tag names and values such as {"team":"data"}.');
      refuses(() => validateArgType("tags", { team: 7 }, { type: "tags" }), '`tags.team` 7 is a number, not a string; use an object of tag names and values such as {"team":"data"}.');
    });
  });

  describe("unknown names", () => {
    const known = ["schemas", "databases", "database", "dbUsername"];

    it("suggests the name that differs only in case, then the one closest in spelling", () => {
      assert.equal(nearestName("DBUSERNAME", known), "dbUsername");
      assert.equal(nearestName("schema", known), "schemas");
      assert.equal(nearestName("databse", known), "database");
    });

    it("suggests nothing when no name is within two edits, or two are equally close", () => {
      assert.equal(nearestName("password", known), undefined);
      assert.equal(nearestName("databasee", ["databases", "databased"]), undefined);
    });

    it("words the message for the case hint, the closest name, or removal", () => {
      assert.equal(unknownNameMessage("Schemas", known, "an argument of X", "argument names"), "`Schemas` is not an argument of X; use `schemas` (argument names are case-sensitive).");
      assert.equal(unknownNameMessage("schema", known, "an argument of X", "argument names"), "`schema` is not an argument of X; use `schemas`.");
      assert.equal(unknownNameMessage("password", known, "an argument of X", "argument names"), "`password` is not an argument of X; remove it.");
    });
  });

  describe("validateEngine", () => {
    it("accepts every supported engine", () => {
      for (const e of ["postgres", "mysql", "mariadb"]) validateEngine(e);
    });

    it("lists the supported engines, from the ENGINES constant", () => {
      refuses(() => validateEngine("aurora-postgresql"), '`engine` "aurora-postgresql" is not supported; for an Aurora PostgreSQL cluster use "postgres" with `dbClusterIdentifier` (or `cluster`).');
      refuses(() => validateEngine("oracle-se2"), '`engine` "oracle-se2" is not supported; use "postgres", "mysql" or "mariadb".');
      refuses(() => validateEngine(5), '`engine` 5 is not supported; use "postgres", "mysql" or "mariadb".');
    });

    it("says when the engine is missing", () => {
      refuses(() => validateEngine(undefined), '`engine` is missing; set it to "postgres", "mysql" or "mariadb".');
    });
  });

  describe("validateTargetChoice", () => {
    it("returns the one target given", () => {
      assert.equal(validateTargetChoice({ dbClusterIdentifier: "c", instance: null }), "dbClusterIdentifier");
    });

    it("refuses no target", () => {
      refuses(() => validateTargetChoice({}), "No target is given; set exactly one of `dbInstanceIdentifier`, `dbClusterIdentifier`, `instance` or `cluster`.");
    });

    it("refuses two targets, naming both", () => {
      refuses(
        () => validateTargetChoice({ dbInstanceIdentifier: "a", cluster: {} }),
        "`dbInstanceIdentifier` and `cluster` are both set; set exactly one of `dbInstanceIdentifier`, `dbClusterIdentifier`, `instance` or `cluster`.",
      );
    });

    it("refuses three targets, naming all", () => {
      refuses(
        () => validateTargetChoice({ dbInstanceIdentifier: "a", dbClusterIdentifier: "b", instance: {} }),
        "`dbInstanceIdentifier`, `dbClusterIdentifier` and `instance` are all set; set exactly one of `dbInstanceIdentifier`, `dbClusterIdentifier`, `instance` or `cluster`.",
      );
    });
  });

  describe("validateRdsIdentifier", () => {
    it("accepts RDS identifiers", () => {
      for (const id of ["a", "orders-pg", `a${"b".repeat(62)}`, "A1-b2"]) validateRdsIdentifier("dbInstanceIdentifier", id);
    });

    for (const bad of ["", "1db", "db--x", "db-", "db_x", `a${"b".repeat(63)}`, "db x"]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        refuses(
          () => validateRdsIdentifier("dbClusterIdentifier", bad),
          `\`dbClusterIdentifier\` ${JSON.stringify(bad)} is not an RDS identifier; use 1 to 63 letters, digits or single hyphens, starting with a letter and not ending with a hyphen.`,
        );
      });
    }
  });

  describe("validateDbUsername", () => {
    it("accepts names up to each engine's limit", () => {
      validateDbUsername("postgres", `u${"x".repeat(62)}`);
      validateDbUsername("mysql", `u${"x".repeat(31)}`);
      validateDbUsername("mariadb", `u${"x".repeat(127)}`);
      validateDbUsername("mysql", "ClickPipes.reader-1");
      validateDbUsername("postgres", "_cp");
    });

    it("has the engines' limits: PostgreSQL 63 bytes, MySQL 32 and MariaDB 128 characters", () => {
      assert.deepEqual(MAX_DB_USERNAME_LENGTH, { postgres: 63, mysql: 32, mariadb: 128 });
    });

    it("refuses an empty name", () => {
      refuses(() => validateDbUsername("postgres", ""), '`dbUsername` "" is empty; give the database user a name such as "clickpipes_iam_user".');
    });

    it("refuses a PostgreSQL name over 63 bytes", () => {
      const name = `u${"x".repeat(63)}`;
      refuses(() => validateDbUsername("postgres", name), `\`dbUsername\` "${name.slice(0, 100)}" is 64 bytes long; PostgreSQL allows at most 63.`);
    });

    it("refuses a MySQL name over 32 characters", () => {
      const name = `u${"x".repeat(32)}`;
      refuses(() => validateDbUsername("mysql", name), `\`dbUsername\` "${name}" is 33 characters long; MySQL allows at most 32.`);
    });

    it("refuses a MariaDB name over 128 characters, cutting the echoed value", () => {
      const name = `u${"x".repeat(128)}`;
      refuses(() => validateDbUsername("mariadb", name), `\`dbUsername\` "${name.slice(0, 100)}…" is 129 characters long; MariaDB allows at most 128.`);
    });

    const characters: Array<[string, string, string]> = [
      ["a quote", "cp'user", "\"'\" (U+0027)"],
      ["a double quote", 'cp"user', '"\\"" (U+0022)'],
      ["a backtick", "cp`user", '"`" (U+0060)'],
      ["a space", "cp user", '" " (U+0020)'],
      ["a tab", "cp\tuser", '"\\t" (U+0009)'],
      ["an IAM wildcard *", "cp*", '"*" (U+002A)'],
      ["an IAM wildcard ?", "cp?", '"?" (U+003F)'],
      ["a SQL wildcard %", "cp%", '"%" (U+0025)'],
      ["a NUL", "cp\0", '"\\u0000" (U+0000)'],
      ["a slash", "cp/x", '"/" (U+002F)'],
      ["a non-ASCII letter", "cpé", '"é" (U+00E9)'],
      ["an emoji", "cp😀", '"😀" (U+1F600)'],
    ];
    for (const [what, name, shown] of characters) {
      it(`refuses ${what}, naming the character`, () => {
        refuses(
          () => validateDbUsername("mysql", name),
          `\`dbUsername\` ${JSON.stringify(name)} contains ${shown}, which is not allowed; use letters, digits, "_", "." or "-", starting with a letter or "_".`,
        );
      });
    }

    it("refuses a name that starts with a digit, a dot or a hyphen", () => {
      for (const [name, first] of [["1user", "1"], [".user", "."], ["-user", "-"]]) {
        refuses(
          () => validateDbUsername("postgres", name),
          `\`dbUsername\` "${name}" starts with "${first}", which is not allowed; use letters, digits, "_", "." or "-", starting with a letter or "_".`,
        );
      }
    });

    for (const name of ["rdsadmin", "postgres", "root", "Admin", "PUBLIC", "rdsrepladmin", "mariadb.sys", "current_user"]) {
      it(`refuses the reserved name ${name}, in any case`, () => {
        refuses(() => validateDbUsername("postgres", name), `\`dbUsername\` "${name}" is a reserved or system name; choose another name such as "clickpipes_iam_user".`);
      });
    }

    for (const [name, prefix] of [["rds_superuser", "rds_"], ["RDS_IAM", "rds_"], ["pg_monitor", "pg_"], ["mysql.sys", "mysql."], ["aws_s3", "aws_"], ["rds-x", "rds-"]]) {
      it(`refuses ${name}, which starts with the system prefix ${prefix}`, () => {
        refuses(
          () => validateDbUsername("mysql", name),
          `\`dbUsername\` "${name}" starts with "${prefix}", which marks system roles and accounts; choose another name such as "clickpipes_iam_user".`,
        );
      });
    }
  });

  describe("PostgreSQL names", () => {
    it("accepts names up to 63 bytes, unicode included", () => {
      validatePgIdentifier("database", "x".repeat(63));
      validatePgIdentifier("schemas", "é".repeat(31));
      validatePgIdentifier("tableOwner", 'we"ird name');
    });

    it("refuses an empty name, saying what it names", () => {
      refuses(() => validatePgIdentifier("database", ""), '`database` "" is an empty name; give the name of an existing database.');
      refuses(() => validatePgIdentifier("tableOwner", ""), '`tableOwner` "" is an empty name; give the name of the role that creates the tables.');
      refuses(() => validatePgIdentifier("publicationName", ""), '`publicationName` "" is an empty name; give the name of the publication ClickPipes reads.');
    });

    it("refuses a NUL character", () => {
      refuses(() => validatePgIdentifier("schemas", "a\0b"), '`schemas` "a\\u0000b" contains a NUL character; remove it.');
    });
    it("refuses a line break, which would end the comment lines of setupSql", () => {
      refuses(() => validatePgIdentifier("database", "app\nCREATE ROLE evil;"), '`database` "app\\nCREATE ROLE evil;" contains a control character such as a line break; remove it.');
    });

    it("counts bytes, not characters", () => {
      refuses(() => validatePgIdentifier("schemas", "é".repeat(32)), `\`schemas\` "${"é".repeat(32)}" is 64 bytes long; PostgreSQL names are at most 63 bytes.`);
    });

    it("refuses system databases", () => {
      for (const db of ["rdsadmin", "template0", "template1"]) {
        refuses(() => validatePgDatabase(db), `\`database\` "${db}" is a system database; give the application database ClickPipes should read.`);
      }
      validatePgDatabase("postgres");
    });

    it("refuses an empty schema list", () => {
      refuses(() => validateSchemas([]), '`schemas` [] is empty; list at least one schema for ClickPipes to read, such as "public".');
    });

    it("refuses system schemas", () => {
      for (const s of ["pg_catalog", "information_schema", "pg_toast"]) {
        refuses(() => validateSchemas(["public", s]), `\`schemas\` "${s}" is a system schema; list only the application schemas ClickPipes should read.`);
      }
    });

    it("refuses a repeated schema", () => {
      refuses(() => validateSchemas(["public", "sales", "public"]), '`schemas` lists "public" more than once; list each schema once.');
      validateSchemas(["public", "Public"]);
    });
  });

  describe("validateMyDatabases", () => {
    it("accepts application databases, wildcard characters and unicode included", () => {
      validateMyDatabases("mysql", ["shop", "my_db", "50%", "café"]);
      validateMyDatabases("mariadb", ["we`ird"]);
    });

    it("refuses an empty list", () => {
      assert.doesNotThrow(() => validateMyDatabases("mysql", []));
    });

    it("refuses an empty name", () => {
      refuses(() => validateMyDatabases("mysql", [""]), '`databases` "" is an empty name; give the name of an existing database.');
    });

    it("refuses a NUL character", () => {
      refuses(() => validateMyDatabases("mariadb", ["a\0"]), '`databases` "a\\u0000" contains a NUL character; remove it.');
    });

    it("refuses characters outside the Basic Multilingual Plane", () => {
      refuses(
        () => validateMyDatabases("mysql", ["shop😀"]),
        '`databases` "shop😀" contains a character outside the Basic Multilingual Plane, which MySQL names cannot hold; give the database\'s exact name.',
      );
    });

    it("refuses names over 64 characters", () => {
      const db = "d".repeat(65);
      refuses(() => validateMyDatabases("mysql", [db]), `\`databases\` "${db}" is 65 characters long; database names are at most 64.`);
    });

    it("refuses a trailing space", () => {
      refuses(() => validateMyDatabases("mysql", ["shop "]), '`databases` "shop " ends with a space, which database names cannot; remove it.');
    });

    it("refuses a backslash, which would turn an escaped wildcard back into a wildcard", () => {
      refuses(
        () => validateMyDatabases("mariadb", ["a\\_b"]),
        '`databases` "a\\\\_b" contains a backslash, which a database-level grant cannot name exactly; rename the database or create the grant by hand.',
      );
    });

    it("refuses system databases in any case", () => {
      for (const db of ["mysql", "INFORMATION_SCHEMA", "performance_schema", "sys"]) {
        refuses(() => validateMyDatabases("mariadb", [db]), `\`databases\` "${db}" is a system database; list only the application databases ClickPipes should read.`);
      }
    });

    it("refuses a backtick for MySQL only", () => {
      refuses(
        () => validateMyDatabases("mysql", ["we`ird"]),
        '`databases` "we`ird" contains a backtick, which the MySQL provider cannot quote; rename the database or create the grant by hand.',
      );
    });

    it("refuses a repeated database", () => {
      refuses(() => validateMyDatabases("mysql", ["shop", "shop"]), '`databases` lists "shop" more than once; list each database once.');
    });
  });

  describe("validateClickhouseRoleArn", () => {
    it("accepts role ARNs in every partition, with or without a path", () => {
      for (const arn of [
        "arn:aws:iam::123456789012:role/CH-S3-demo-Role",
        "arn:aws-cn:iam::123456789012:role/ch",
        "arn:aws-us-gov:iam::123456789012:role/service-role/ch+=,.@-_",
      ]) {
        validateClickhouseRoleArn(arn);
      }
    });

    const notRoles = [
      "",
      "CH-S3-demo-Role",
      "arn:aws:iam::123456789012:user/ch",
      "arn:aws:iam::123456789012:role/",
      "arn:aws:iam::aws:role/ch",
      "arn:aws:iam:us-east-1:123456789012:role/ch",
      "arn:aws:sts::123456789012:assumed-role/ch/session",
      "arn:aws:iam::123456789012:role/*",
      "arn:aws:iam::123456789012:role/ch?",
      "arn:aws:iam::123456789012:role/*/ch",
      "arn:aws:iam::123456789012:role/ch role",
      `arn:aws:iam::123456789012:role/${"r".repeat(65)}`,
      "arn:aws:iam::123456789012:role/ch\n",
    ];
    for (const arn of notRoles) {
      it(`refuses ${JSON.stringify(arn)}`, () => {
        refuses(
          () => validateClickhouseRoleArn(arn),
          `\`clickhouseRoleArn\` ${quoted(arn)} is not an IAM role ARN; copy "Service role ID (IAM)" from the ClickHouse service's Settings, such as "arn:aws:iam::123456789012:role/CH-S3-example-Role".`,
        );
      });
    }

    it("refuses a value that is not a string", () => {
      refuses(() => validateClickhouseRoleArn(42), '`clickhouseRoleArn` 42 is a number, not a string; copy "Service role ID (IAM)" from the ClickHouse service\'s Settings.');
    });
  });

  describe("partitions", () => {
    it("accepts the ClickHouse role in the database's partition", () => {
      validateSamePartition("arn:aws-cn:iam::123456789012:role/ch", "aws-cn");
    });

    it("refuses a ClickHouse role in another partition than the database", () => {
      refuses(
        () => validateSamePartition("arn:aws:iam::123456789012:role/ch", "aws-cn"),
        '`clickhouseRoleArn` "arn:aws:iam::123456789012:role/ch" is in partition "aws" but the database is in "aws-cn"; use a ClickHouse service in the database\'s partition.',
      );
    });

    it("refuses a permissions boundary in another partition", () => {
      validateBoundaryPartition("arn:aws:iam::aws:policy/PowerUserAccess", "aws", "the database");
      refuses(
        () => validateBoundaryPartition("arn:aws-us-gov:iam::123456789012:policy/b", "aws", "`clickhouseRoleArn`"),
        '`permissionsBoundary` "arn:aws-us-gov:iam::123456789012:policy/b" is in partition "aws-us-gov" but `clickhouseRoleArn` is in "aws"; use a boundary policy in partition "aws".',
      );
    });
  });

  describe("validateRoleOptions", () => {
    it("accepts values at IAM's limits", () => {
      validateRoleOptions({
        roleName: "r".repeat(IAM_LIMITS.roleName),
        rolePath: `/${"p".repeat(IAM_LIMITS.path - 2)}/`,
        maxSessionDuration: IAM_LIMITS.maxSession,
        permissionsBoundary: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      });
      validateRoleOptions({ roleNamePrefix: "p".repeat(IAM_LIMITS.roleNamePrefix), rolePath: "/", maxSessionDuration: IAM_LIMITS.minSession });
    });

    it("has IAM's limits, and the AWS provider's room for the name_prefix suffix", () => {
      assert.deepEqual(IAM_LIMITS, { roleName: 64, roleNamePrefix: 38, path: 512, minSession: 3600, maxSession: 43200 });
    });

    it("refuses both roleName and roleNamePrefix", () => {
      refuses(() => validateRoleOptions({ roleName: "a", roleNamePrefix: "b" }), '`roleName` "a" and `roleNamePrefix` "b" are both set; set at most one of them.');
    });

    it("refuses a role name over 64 characters or with other characters", () => {
      for (const name of ["r".repeat(65), "role name", "", "role/x"]) {
        refuses(() => validateRoleOptions({ roleName: name }), `\`roleName\` ${quoted(name)} is not a valid IAM role name; use 1 to 64 letters, digits or "+=,.@_-".`);
      }
    });

    it("refuses a prefix over 38 characters", () => {
      const prefix = "p".repeat(39);
      refuses(() => validateRoleOptions({ roleNamePrefix: prefix }), `\`roleNamePrefix\` "${prefix}" is not a valid IAM role name prefix; use 1 to 38 letters, digits or "+=,.@_-".`);
    });

    it("refuses paths that do not start and end with a slash, or are too long", () => {
      for (const path of ["clickpipes", "/clickpipes", "/click pipes/", `/${"p".repeat(IAM_LIMITS.path - 1)}/`]) {
        refuses(
          () => validateRoleOptions({ rolePath: path }),
          `\`rolePath\` ${quoted(path)} is not a valid IAM path; use "/" or up to 512 printable ASCII characters that start and end with "/", such as "/clickpipes/".`,
        );
      }
    });

    it("refuses session durations out of range or fractional", () => {
      for (const d of [3599, 43201, 3600.5, Number.NaN]) {
        refuses(() => validateRoleOptions({ maxSessionDuration: d }), `\`maxSessionDuration\` ${d} is out of range; use whole seconds from 3600 to 43200.`);
      }
    });

    it("refuses a permissions boundary that is not an exact IAM policy ARN", () => {
      for (const b of ["boundary", "arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:policy/*", "arn:aws:s3:::bucket/policy/x"]) {
        refuses(
          () => validateRoleOptions({ permissionsBoundary: b }),
          `\`permissionsBoundary\` ${quoted(b)} is not an IAM policy ARN; use an ARN such as "arn:aws:iam::123456789012:policy/boundary".`,
        );
      }
    });
  });
});
