import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { ARG_TYPES, NormalizedArgs, argWarnings, ResolvedArgs, normalizeArgs, presentArgs, resolvableArgs, validateResolvedArgs } from "../components/args";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components";
import { ValidationError } from "../components/validation";
import { cloud, installMocks, valueOf } from "./support/mocks";

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";

/** Valid args for an RDS for PostgreSQL instance; each failing test changes one field. */
function happyPathArgs(over: Record<string, unknown> = {}): ClickPipesRdsIamAccessArgs {
  return {
    clickhouseRoleArn: CH_ROLE,
    engine: "postgres",
    dbInstanceIdentifier: "orders-pg",
    adminUsername: "admin_user",
    adminPassword: "s3cret-pw",
    ...over,
  } as ClickPipesRdsIamAccessArgs;
}

/** Valid args for an Aurora MySQL cluster. */
function mysqlArgs(over: Record<string, unknown> = {}): ClickPipesRdsIamAccessArgs {
  return happyPathArgs({ engine: "mysql", dbInstanceIdentifier: undefined, dbClusterIdentifier: "shop-aurora", databases: ["shop"], ...over });
}

/** Valid args for an RDS for MariaDB instance. */
function mariadbArgs(over: Record<string, unknown> = {}): ClickPipesRdsIamAccessArgs {
  return happyPathArgs({ engine: "mariadb", databases: ["shop"], ...over });
}

function refuses(args: ClickPipesRdsIamAccessArgs, message: string, opts: pulumi.ComponentResourceOptions = {}): void {
  assert.throws(
    () => normalizeArgs(args, opts),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

/** The plain fields of normalized args (Outputs and resources left out). */
function plain(a: NormalizedArgs): Record<string, unknown> {
  const { adminPassword: _p, postgresProvider: _pg, mysqlProvider: _my, ...rest } = a;
  return rest;
}

describe("args", () => {
  before(() => installMocks());
  beforeEach(() => cloud.reset());

  describe("normalizeArgs", () => {
    it("fills in the defaults for the happy path", async () => {
      const a = normalizeArgs(happyPathArgs(), {});
      assert.deepEqual(plain(a), {
        engine: "postgres",
        target: { kind: "dbInstanceIdentifier", identifier: "orders-pg" },
        clickhouseRoleArn: CH_ROLE,
        dbUsername: "clickpipes_iam_user",
        enableIamAuth: true,
        enablesIamAuth: true,
        restoreIamAuthOnDelete: false,
        iamAuthTimeoutMinutes: 30,
        applyPendingModifications: false,
        ignoredIamAuthArgs: [],
        createDbUser: true,
        adminUsername: "admin_user",
        database: "postgres",
        schemas: ["public"],
        tableOwner: "admin_user",
        databases: [],
        cdc: false,
        cdcOptions: { cdc: false, checks: "enforce" },
        tls: { verify: true, ca: undefined },
        adoptExistingUser: false,
        role: { roleName: undefined, roleNamePrefix: undefined, rolePath: undefined, maxSessionDuration: undefined, permissionsBoundary: undefined },
      });
      assert.equal(a.postgresProvider, undefined);
      assert.equal(await valueOf(a.adminPassword as pulumi.Output<string>), "s3cret-pw");
    });

    it("makes the admin password a secret, whether given plain or as a plain Output", async () => {
      for (const password of ["s3cret-pw", pulumi.output("s3cret-pw")]) {
        const a = normalizeArgs(happyPathArgs({ adminPassword: password }), {});
        assert.equal(await pulumi.isSecret(a.adminPassword as pulumi.Output<string>), true);
      }
    });

    it("copies the caller's lists and leaves the caller's args unchanged", () => {
      const schemas = ["public", "sales"];
      const args = happyPathArgs({ schemas, dbUsername: null });
      const before = JSON.stringify(args);
      const a = normalizeArgs(args, {});
      assert.deepEqual(a.schemas, ["public", "sales"]);
      assert.notEqual(a.schemas, schemas);
      assert.equal(JSON.stringify(args), before);
    });

    it("treats null like undefined, as JavaScript callers use both", () => {
      const a = normalizeArgs(happyPathArgs({ dbUsername: null, cdc: null, dbClusterIdentifier: null, schemas: null }), {});
      assert.equal(a.dbUsername, "clickpipes_iam_user");
      assert.equal(a.cdc, false);
      assert.deepEqual(a.schemas, ["public"]);
    });

    it("keeps Outputs for the deploy-time checks", () => {
      const arn = pulumi.output(CH_ROLE);
      const database = pulumi.output("orders");
      const a = normalizeArgs(happyPathArgs({ clickhouseRoleArn: arn, database }), {});
      assert.equal(a.clickhouseRoleArn, arn);
      assert.equal(a.database, database);
      assert.deepEqual(Object.keys(resolvableArgs(a)), ["clickhouseRoleArn", "database", "tableOwner", "adminUsername"]);
    });

    it("does not turn IAM auth on for a managed target", () => {
      const instance = new aws.rds.Instance("managed", { instanceClass: "db.t4g.micro", engine: "postgres", iamDatabaseAuthenticationEnabled: true });
      const a = normalizeArgs(happyPathArgs({ dbInstanceIdentifier: undefined, instance }), {});
      assert.deepEqual([a.target.kind, a.enableIamAuth, a.enablesIamAuth], ["instance", true, false]);
    });

    it("accepts MySQL and MariaDB with their databases", () => {
      assert.deepEqual(normalizeArgs(mysqlArgs({ databases: ["shop", "my_db"], cdc: true }), {}).databases, ["shop", "my_db"]);
      assert.equal(normalizeArgs(mariadbArgs(), {}).engine, "mariadb");
    });

    it("accepts every option within IAM's limits", () => {
      const a = normalizeArgs(
        happyPathArgs({ roleName: "clickpipes-orders", rolePath: "/clickpipes/", maxSessionDuration: 7200, permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary", tags: { team: "data" } }),
        {},
      );
      assert.deepEqual(a.role, { roleName: "clickpipes-orders", roleNamePrefix: undefined, rolePath: "/clickpipes/", maxSessionDuration: 7200, permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary" });
    });
  });

  describe("the arguments object", () => {
    it("declares a runtime type for every argument", () => {
      assert.equal(Object.keys(ARG_TYPES).length, 37);
    });

    it("refuses no arguments", () => {
      assert.throws(() => presentArgs(undefined), { name: "ValidationError", message: "No arguments are given; pass an object with at least `clickhouseRoleArn`, `engine` and a target." });
    });

    it("refuses arguments that are not an object", () => {
      assert.throws(() => presentArgs("postgres"), {
        name: "ValidationError",
        message: 'The arguments "postgres" are a string, not an object; pass an object with at least `clickhouseRoleArn`, `engine` and a target.',
      });
    });

    it("refuses an unknown argument, suggesting the one that differs only in case", () => {
      refuses(happyPathArgs({ dbUserName: "cp" }), "`dbUserName` is not an argument of ClickPipesRdsIamAccess; use `dbUsername` (argument names are case-sensitive).");
    });

    it("refuses an unknown argument", () => {
      refuses(happyPathArgs({ password: "x" }), "`password` is not an argument of ClickPipesRdsIamAccess; remove it.");
    });

    it("refuses a misspelt argument, suggesting the closest one", () => {
      refuses(happyPathArgs({ schema: ["public"] }), "`schema` is not an argument of ClickPipesRdsIamAccess; use `schemas`.");
    });

    for (const option of ["providers", "provider", "parent", "dependsOn"]) {
      it(`refuses the resource option ${option}, saying it is the third constructor argument`, () => {
        refuses(
          happyPathArgs({ [option]: [] }),
          `\`${option}\` is a resource option, not an argument of ClickPipesRdsIamAccess; pass it in the resource options, the third constructor argument: \`new ClickPipesRdsIamAccess(name, args, { ${option}: … })\`.`,
        );
      });
    }
  });

  describe("wrong types from JavaScript callers", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["schemas as a string", { schemas: "public" }, '`schemas` "public" is a string, not a plain list; use a list of strings such as ["public"].'],
      ["cdc as a string", { cdc: "yes" }, '`cdc` "yes" is a string, not a plain boolean; use true or false.'],
      ["createDbUser as a string", { createDbUser: "false" }, '`createDbUser` "false" is a string, not a plain boolean; use true or false.'],
      ["enableIamAuth as a number", { enableIamAuth: 1 }, "`enableIamAuth` 1 is a number, not a plain boolean; use true or false."],
      ["maxSessionDuration as a string", { maxSessionDuration: "3600" }, '`maxSessionDuration` "3600" is a string, not a plain number; use a number such as 3600.'],
      ["iamAuthTimeoutMinutes as a string", { iamAuthTimeoutMinutes: "30" }, '`iamAuthTimeoutMinutes` "30" is a string, not a plain number; use a number such as 30.'],
      ["applyPendingModifications as a string", { applyPendingModifications: "true" }, '`applyPendingModifications` "true" is a string, not a plain boolean; use true or false.'],
      ["awsCredentials as a string", { awsCredentials: "prod" }, '`awsCredentials` "prod" is a string, not an object; use an object such as {"profile":"prod"}.'],
      ["dbUsername as a number", { dbUsername: 42 }, '`dbUsername` 42 is a number, not a plain string; use a string such as "clickpipes_iam_user".'],
      ["dbUsername as an Output", { dbUsername: pulumi.output("cp") }, '`dbUsername` is a pulumi.Output, not a plain string; pass a plain string such as "clickpipes_iam_user", since it must be known before anything is registered.'],
      ["clickhouseRoleArn as a number", { clickhouseRoleArn: 42 }, "`clickhouseRoleArn` 42 is a number, not a string; use a string or a pulumi.Output<string>."],
      ["dbInstanceIdentifier as a list", { dbInstanceIdentifier: ["orders-pg"] }, '`dbInstanceIdentifier` ["orders-pg"] is a list, not a string; use a string or a pulumi.Output<string>.'],
      ["adminPassword as a number, never echoed", { adminPassword: 12345678 }, "`adminPassword` is a number, not a string; use a string or a pulumi.Output<string>."],
      ["roleName as a boolean", { roleName: true }, '`roleName` true is a boolean, not a plain string; use a string such as "clickpipes-orders".'],
      ["tags as a list", { tags: ["team"] }, '`tags` ["team"] is a list, not an object; use an object of tag names and values such as {"team":"data"}.'],
      ["a schema that is not a string", { schemas: ["public", 7] }, '`schemas[1]` 7 is a number, not a string; use a list of strings such as ["public"].'],
      ["instance as an identifier string", { dbInstanceIdentifier: undefined, instance: "orders-pg" }, '`instance` "orders-pg" is a string, not an aws.rds.Instance; pass the resource, or give an existing instance\'s identifier as `dbInstanceIdentifier`.'],
      ["cluster as a plain object", { dbInstanceIdentifier: undefined, cluster: { id: "x" } }, '`cluster` {"id":"x"} is an object, not an aws.rds.Cluster; pass the resource, or give an existing cluster\'s identifier as `dbClusterIdentifier`.'],
    ];
    for (const [what, over, message] of cases) {
      it(`refuses ${what}`, () => refuses(happyPathArgs(over), message));
    }

    it("refuses a database resource of the other kind, without dumping it", () => {
      const cluster = new aws.rds.Cluster("c", { engine: "aurora-postgresql" });
      refuses(
        happyPathArgs({ dbInstanceIdentifier: undefined, instance: cluster }),
        "`instance` is a Pulumi resource, not an aws.rds.Instance; pass the resource, or give an existing instance's identifier as `dbInstanceIdentifier`.",
      );
    });
  });

  describe("refusals", () => {
    it("refuses a missing engine", () => {
      refuses(happyPathArgs({ engine: undefined }), '`engine` is missing; set it to "postgres", "mysql" or "mariadb".');
    });

    it("refuses an unknown engine", () => {
      refuses(happyPathArgs({ engine: "oracle-ee" }), '`engine` "oracle-ee" is not supported; use "postgres", "mysql" or "mariadb".');
    });

    it("refuses an Aurora engine name, pointing at the engine and dbClusterIdentifier", () => {
      refuses(
        happyPathArgs({ engine: "aurora-postgresql" }),
        '`engine` "aurora-postgresql" is not supported; for an Aurora PostgreSQL cluster use "postgres" with `dbClusterIdentifier` (or `cluster`).',
      );
      for (const engine of ["aurora-mysql", "aurora"]) {
        refuses(mysqlArgs({ engine }), `\`engine\` "${engine}" is not supported; for an Aurora MySQL cluster use "mysql" with \`dbClusterIdentifier\` (or \`cluster\`).`);
      }
    });

    it("refuses a missing clickhouseRoleArn", () => {
      refuses(happyPathArgs({ clickhouseRoleArn: undefined }), '`clickhouseRoleArn` is missing; copy "Service role ID (IAM)" from the ClickHouse service\'s Settings, or pass `clickhouseService` to look it up.');
    });

    it("refuses a plain clickhouseRoleArn that is not a role ARN", () => {
      refuses(
        happyPathArgs({ clickhouseRoleArn: "arn:aws:iam::111122223333:user/ch" }),
        '`clickhouseRoleArn` "arn:aws:iam::111122223333:user/ch" is not an IAM role ARN; copy "Service role ID (IAM)" from the ClickHouse service\'s Settings, such as "arn:aws:iam::123456789012:role/CH-S3-example-Role".',
      );
    });

    it("refuses no target", () => {
      refuses(happyPathArgs({ dbInstanceIdentifier: undefined }), "No target is given; set exactly one of `dbInstanceIdentifier`, `dbClusterIdentifier`, `instance` or `cluster`.");
    });

    it("refuses two targets", () => {
      refuses(
        happyPathArgs({ dbClusterIdentifier: "shop-aurora" }),
        "`dbInstanceIdentifier` and `dbClusterIdentifier` are both set; set exactly one of `dbInstanceIdentifier`, `dbClusterIdentifier`, `instance` or `cluster`.",
      );
    });

    it("refuses a plain identifier RDS would not accept", () => {
      refuses(
        happyPathArgs({ dbInstanceIdentifier: "orders_pg" }),
        '`dbInstanceIdentifier` "orders_pg" is not an RDS identifier; use 1 to 63 letters, digits or single hyphens, starting with a letter and not ending with a hyphen.',
      );
    });

    it("refuses an Aurora cluster for MariaDB", () => {
      refuses(mariadbArgs({ dbInstanceIdentifier: undefined, dbClusterIdentifier: "shop-aurora" }), '`engine` "mariadb" has no Aurora cluster; use `dbInstanceIdentifier` or `instance` for RDS for MariaDB.');
    });

    it("refuses a reserved user name", () => {
      refuses(happyPathArgs({ dbUsername: "rdsadmin" }), '`dbUsername` "rdsadmin" is a reserved or system name; choose another name such as "clickpipes_iam_user".');
    });

    it("refuses a user name with a wildcard, before any policy exists", () => {
      refuses(happyPathArgs({ dbUsername: "cp*" }), '`dbUsername` "cp*" contains "*" (U+002A), which is not allowed; use letters, digits, "_", "." or "-", starting with a letter or "_".');
    });

    it("applies the engine's length limit", () => {
      const name = `u${"x".repeat(32)}`;
      refuses(mysqlArgs({ dbUsername: name }), `\`dbUsername\` "${name}" is 33 characters long; MySQL allows at most 32.`);
    });

    it("refuses the admin's own name as the IAM user", () => {
      refuses(
        happyPathArgs({ dbUsername: "admin_user" }),
        '`dbUsername` "admin_user" is the admin user; IAM authentication would lock the admin out of password login, so choose another name.',
      );
    });

    it("refuses MySQL settings for PostgreSQL", () => {
      refuses(happyPathArgs({ databases: ["shop"] }), '`databases` ["shop"] does not apply to engine "postgres"; remove it, since PostgreSQL uses `database` and `schemas`.');
    });

    it("refuses PostgreSQL settings for MySQL, without echoing an Output", () => {
      refuses(mysqlArgs({ database: pulumi.output("orders") }), '`database` does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.');
      refuses(mysqlArgs({ schemas: ["public"] }), '`schemas` ["public"] does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.');
    });

    it("refuses a system database for PostgreSQL", () => {
      refuses(happyPathArgs({ database: "template1" }), '`database` "template1" is a system database; give the application database ClickPipes should read.');
    });

    it("refuses repeated schemas", () => {
      refuses(happyPathArgs({ schemas: ["public", "public"] }), '`schemas` lists "public" more than once; list each schema once.');
    });

    it("refuses an empty tableOwner", () => {
      refuses(happyPathArgs({ tableOwner: "" }), '`tableOwner` "" is an empty name; give the name of the role that creates the tables.');
    });

    it("accepts MySQL without databases, with a warning that nothing will be readable", () => {
      assert.deepEqual(argWarnings(normalizeArgs(mysqlArgs({ databases: undefined }), {})), [
        "`databases` is empty, so the database user gets no SELECT grant and ClickPipes can read no table; list the databases ClickPipes should read.",
      ]);
    });

    it("warns that IAM-auth arguments have no effect on a managed target", () => {
      const instance = new aws.rds.Instance("warn-managed", { instanceClass: "db.t4g.micro", engine: "postgres", iamDatabaseAuthenticationEnabled: true });
      const a = normalizeArgs(happyPathArgs({ dbInstanceIdentifier: undefined, instance, restoreIamAuthOnDelete: false, iamAuthTimeoutMinutes: 10, applyPendingModifications: true, awsCredentials: { profile: "prod" } }), {});
      assert.deepEqual(argWarnings(a), [
        "`restoreIamAuthOnDelete` has no effect on a managed `instance`, which this component never modifies; set `iamDatabaseAuthenticationEnabled: true` on the resource itself.",
        "`iamAuthTimeoutMinutes` has no effect on a managed `instance`, which this component never modifies; set `iamDatabaseAuthenticationEnabled: true` on the resource itself.",
        "`applyPendingModifications` has no effect on a managed `instance`, which this component never modifies; set `iamDatabaseAuthenticationEnabled: true` on the resource itself.",
        "`awsCredentials` has no effect on a managed `instance`, which this component never modifies; set `iamDatabaseAuthenticationEnabled: true` on the resource itself.",
      ]);
    });

    it("warns when PostgreSQL future tables have no owner to set default privileges for", () => {
      const provider = new postgresql.Provider("warn-pg", {});
      assert.deepEqual(argWarnings(normalizeArgs(happyPathArgs({ adminUsername: undefined, adminPassword: undefined }), { providers: [provider] })), [
        "`tableOwner` is not set and no `adminUsername` is given, so tables created later will not be readable by ClickPipes until granted; set `tableOwner` to the role that creates them.",
      ]);
      assert.deepEqual(argWarnings(normalizeArgs(happyPathArgs(), {})), []);
    });

    it("refuses a system database for MariaDB", () => {
      refuses(mariadbArgs({ databases: ["shop", "mysql"] }), '`databases` "mysql" is a system database; list only the application databases ClickPipes should read.');
    });

    it("refuses a tableOwner that would lock the admin out of password login", () => {
      refuses(
        happyPathArgs({ tableOwner: "clickpipes_iam_user" }),
        '`tableOwner` "clickpipes_iam_user" is the IAM database user; the admin would be made a member of it to set default privileges and then could no longer log in with its password, so name the role that creates the tables.',
      );
      refuses(
        happyPathArgs({ tableOwner: "rds_iam" }),
        '`tableOwner` "rds_iam" is an RDS system role; the admin would be made a member of it (locking it out of password login if it holds rds_iam), so name the role that creates the tables.',
      );
    });

    it("refuses MySQL and MariaDB database names with a line break", () => {
      refuses(mariadbArgs({ databases: ["shop\nGRANT ALL"] }), '`databases` "shop\\nGRANT ALL" contains a control character such as a line break; remove it.');
    });

    it("refuses adoptExistingUser outside MariaDB, and contradictory TLS settings", () => {
      refuses(happyPathArgs({ adoptExistingUser: true }), '`adoptExistingUser` true does not apply to engine "postgres"; remove it, since only the MariaDB user is created by this package\'s own code.');
      refuses(happyPathArgs({ tlsVerify: false, tlsCa: "-----BEGIN CERTIFICATE-----" }), "`tlsCa` is set but `tlsVerify` is false; remove one: a CA is used only to verify.");
      refuses(happyPathArgs({ tlsCa: "/etc/ssl/rds.pem" }), "`tlsCa` is not a PEM certificate; pass the CA's PEM text, starting with -----BEGIN CERTIFICATE-----.");
    });

    it("warns that tlsVerify false sends the admin password unverified", () => {
      assert.deepEqual(argWarnings(normalizeArgs(happyPathArgs({ tlsVerify: false }), {})), [
        "`tlsVerify` is false: the admin password goes over TLS to whatever answers at the database's endpoint, unverified; set `tlsCa` to the CA that signed its certificate instead.",
      ]);
    });

    it("refuses a publication without CDC", () => {
      refuses(happyPathArgs({ publicationName: "clickpipes" }), '`publicationName` "clickpipes" is set but `cdc` is false; set `cdc: true` or remove `publicationName`.');
    });

    it("refuses an empty publication name", () => {
      refuses(happyPathArgs({ publicationName: "", cdc: true }), '`publicationName` "" is an empty name; give the name of the publication ClickPipes reads.');
    });

    it("refuses CDC arguments of the other engine", () => {
      refuses(happyPathArgs({ cdc: true, replicationMechanism: "GTID" }), '`replicationMechanism` "GTID" does not apply to engine "postgres"; remove it, since PostgreSQL uses `database` and `schemas`.');
      refuses(mysqlArgs({ cdc: true, publicationTables: ["shop.orders"] }), '`publicationTables` ["shop.orders"] does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.');
    });

    it("refuses a schema publication without admin credentials, which the postgresql provider cannot create", () => {
      const provider = new postgresql.Provider("pg", {});
      refuses(
        happyPathArgs({ cdc: true, adminUsername: undefined, adminPassword: undefined }),
        "A publication of the `schemas` (`FOR TABLES IN SCHEMA`) needs `adminUsername` and `adminPassword`, since the `postgresql` provider cannot create one; set them, list the tables in `publicationTables`, or set `createPublication: false` and name an existing publication.",
        { providers: [provider] },
      );
      assert.equal(normalizeArgs(happyPathArgs({ cdc: true, adminUsername: undefined, adminPassword: undefined, publicationTables: ["public.orders"] }), { providers: [provider] }).cdcOptions.publication?.scope.kind, "tables");
    });

    it("refuses a role name prefix over 38 characters", () => {
      const prefix = "p".repeat(39);
      refuses(happyPathArgs({ roleNamePrefix: prefix }), `\`roleNamePrefix\` "${prefix}" is not a valid IAM role name prefix; use 1 to 38 letters, digits or "+=,.@_-".`);
    });

    it("refuses a session duration out of range", () => {
      refuses(happyPathArgs({ maxSessionDuration: 60 }), "`maxSessionDuration` 60 is out of range; use whole seconds from 3600 to 43200.");
    });

    it("refuses a permissions boundary in another partition than the plain clickhouseRoleArn", () => {
      refuses(
        happyPathArgs({ permissionsBoundary: "arn:aws-cn:iam::123456789012:policy/boundary" }),
        '`permissionsBoundary` "arn:aws-cn:iam::123456789012:policy/boundary" is in partition "aws-cn" but `clickhouseRoleArn` is in "aws"; use a boundary policy in partition "aws".',
      );
    });

    for (const minutes of [0, 0.5, 1441, Number.POSITIVE_INFINITY]) {
      it(`refuses iamAuthTimeoutMinutes ${minutes}`, () => {
        refuses(happyPathArgs({ iamAuthTimeoutMinutes: minutes }), `\`iamAuthTimeoutMinutes\` ${minutes} is out of range; use a number of minutes from 1 to 1440.`);
      });
    }

    it("refuses an admin user without a password, and the reverse", () => {
      const inOptions = "in the resource options' `providers` (the third constructor argument)";
      refuses(happyPathArgs({ adminPassword: undefined }), `\`adminUsername\` is set without \`adminPassword\`; set both, or neither and pass a \`postgresql\` provider ${inOptions}.`);
      refuses(happyPathArgs({ adminUsername: undefined }), `\`adminPassword\` is set without \`adminUsername\`; set both, or neither and pass a \`postgresql\` provider ${inOptions}.`);
      refuses(mysqlArgs({ adminPassword: undefined }), `\`adminUsername\` is set without \`adminPassword\`; set both, or neither and pass a \`mysql\` provider ${inOptions}.`);
      refuses(mariadbArgs({ adminPassword: undefined }), "`adminUsername` is set without `adminPassword`; set both, or neither with `createDbUser: false`.");
    });

    it("refuses createDbUser without credentials or a postgresql provider", () => {
      refuses(
        happyPathArgs({ adminUsername: undefined, adminPassword: undefined }),
        "`createDbUser` true needs `adminUsername` and `adminPassword` or a `postgresql` provider; set them, pass a `postgresql` provider in the resource options' `providers` (the third constructor argument), or set `createDbUser: false` and run `setupSql` by hand.",
      );
    });

    it("refuses createDbUser without credentials or a mysql provider", () => {
      refuses(
        mysqlArgs({ adminUsername: undefined, adminPassword: undefined }),
        "`createDbUser` true needs `adminUsername` and `adminPassword` or a `mysql` provider; set them, pass a `mysql` provider in the resource options' `providers` (the third constructor argument), or set `createDbUser: false` and run `setupSql` by hand.",
      );
    });

    it("refuses createDbUser for MariaDB without credentials, even with a mysql provider", () => {
      const provider = new mysql.Provider("caller-mysql", { endpoint: "db:3306", username: "ops" });
      refuses(
        mariadbArgs({ adminUsername: undefined, adminPassword: undefined }),
        "`createDbUser` true needs `adminUsername` and `adminPassword` for MariaDB (a `mysql` provider cannot be used for MariaDB); set them, or set `createDbUser: false` and run `setupSql` by hand.",
        { providers: [provider] },
      );
    });

    it("accepts no credentials when createDbUser is false", () => {
      assert.equal(normalizeArgs(mariadbArgs({ adminUsername: undefined, adminPassword: undefined, createDbUser: false }), {}).createDbUser, false);
    });
  });

  describe("providers", () => {
    it("finds a postgresql provider in a providers list, a providers map, provider or the parent", () => {
      const provider = new postgresql.Provider("caller-pg", { host: "db", superuser: false });
      const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { providers: [provider] });
      const noCreds = happyPathArgs({ adminUsername: undefined, adminPassword: undefined });
      for (const opts of [{ providers: [provider] }, { providers: { postgresql: provider } }, { provider }, { parent }]) {
        assert.equal(normalizeArgs(noCreds, opts as pulumi.ComponentResourceOptions).postgresProvider, provider);
      }
    });

    it("prefers admin credentials over a provider when both are given", () => {
      const provider = new mysql.Provider("caller-mysql", { endpoint: "db:3306", username: "ops" });
      assert.equal(normalizeArgs(mysqlArgs(), { providers: [provider] }).mysqlProvider, undefined);
      assert.equal(normalizeArgs(mysqlArgs({ adminUsername: undefined, adminPassword: undefined }), { providers: [provider] }).mysqlProvider, provider);
    });
  });

  describe("the component", () => {
    it("refuses bad plain args before registering anything, itself included", async () => {
      assert.throws(() => new ClickPipesRdsIamAccess("bad", happyPathArgs({ dbUsername: "root" })), {
        name: "ValidationError",
        message: '`dbUsername` "root" is a reserved or system name; choose another name such as "clickpipes_iam_user".',
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(cloud.resources, []);
      assert.deepEqual(cloud.invokes, []);
    });
  });

  describe("validateResolvedArgs", () => {
    const resolved = (over: Partial<ResolvedArgs> = {}): ResolvedArgs => ({ clickhouseRoleArn: CH_ROLE, database: "orders", tableOwner: "app_owner", adminUsername: "admin_user", ...over });
    const pg = () => normalizeArgs(happyPathArgs({ clickhouseRoleArn: pulumi.output(CH_ROLE) }), {});
    function refusesResolved(a: NormalizedArgs, r: ResolvedArgs, partition: string, message: string): void {
      assert.throws(() => validateResolvedArgs(a, r, partition), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.message, message);
        return true;
      });
    }

    it("accepts resolved values that pass every check", () => {
      validateResolvedArgs(pg(), resolved(), "aws");
      validateResolvedArgs(normalizeArgs(mysqlArgs(), {}), resolved({ database: "postgres", tableOwner: undefined }), "aws");
    });

    it("refuses a resolved tableOwner that is the IAM user, which would lock the admin out", () => {
      refusesResolved(
        pg(),
        resolved({ tableOwner: "clickpipes_iam_user" }),
        "aws",
        '`tableOwner` "clickpipes_iam_user" is the IAM database user; the admin would be made a member of it to set default privileges and then could no longer log in with its password, so name the role that creates the tables.',
      );
    });

    it("names adminUsername, not the tableOwner it defaults, for a bad resolved admin name", () => {
      const a = normalizeArgs(happyPathArgs({ adminUsername: pulumi.output("admin_user") }), {});
      refusesResolved(a, resolved({ adminUsername: "bad\nname", tableOwner: "bad\nname" }), "aws", '`adminUsername` "bad\\nname" contains a control character such as a line break; remove it.');
    });

    it("refuses a resolved clickhouseRoleArn that is not a role ARN", () => {
      refusesResolved(
        pg(),
        resolved({ clickhouseRoleArn: "CH-S3-demo-Role" }),
        "aws",
        '`clickhouseRoleArn` "CH-S3-demo-Role" is not an IAM role ARN; copy "Service role ID (IAM)" from the ClickHouse service\'s Settings, such as "arn:aws:iam::123456789012:role/CH-S3-example-Role".',
      );
    });

    it("refuses a ClickHouse role in another partition than the database", () => {
      refusesResolved(
        pg(),
        resolved(),
        "aws-cn",
        '`clickhouseRoleArn` "arn:aws:iam::111122223333:role/CH-S3-demo-Role" is in partition "aws" but the database is in "aws-cn"; use a ClickHouse service in the database\'s partition.',
      );
    });

    it("refuses a permissions boundary in another partition than the database", () => {
      const a = normalizeArgs(happyPathArgs({ clickhouseRoleArn: pulumi.output(CH_ROLE), permissionsBoundary: "arn:aws:iam::123456789012:policy/b" }), {});
      refusesResolved(
        a,
        resolved({ clickhouseRoleArn: "arn:aws-cn:iam::111122223333:role/ch" }),
        "aws-cn",
        '`permissionsBoundary` "arn:aws:iam::123456789012:policy/b" is in partition "aws" but the database is in "aws-cn"; use a boundary policy in partition "aws-cn".',
      );
    });

    it("refuses a resolved database that is not a valid name", () => {
      refusesResolved(pg(), resolved({ database: "" }), "aws", '`database` "" is an empty name; give the name of an existing database.');
      refusesResolved(pg(), resolved({ database: 5 }), "aws", "`database` 5 is a number, not a string; use a string or a pulumi.Output<string>.");
    });

    it("refuses a resolved tableOwner over 63 bytes", () => {
      const owner = "o".repeat(64);
      refusesResolved(pg(), resolved({ tableOwner: owner }), "aws", `\`tableOwner\` "${owner}" is 64 bytes long; PostgreSQL names are at most 63 bytes.`);
    });

    it("refuses a resolved admin user named like the IAM user", () => {
      refusesResolved(
        pg(),
        resolved({ adminUsername: "clickpipes_iam_user" }),
        "aws",
        '`dbUsername` "clickpipes_iam_user" is the admin user; IAM authentication would lock the admin out of password login, so choose another name.',
      );
    });
  });
});
