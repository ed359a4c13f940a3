/**
 * The PostgreSQL `setupSql` output against a real PostgreSQL 15 (`bash .ci/postgres.sh` starts one).
 *
 * The text is run as a person running it by hand would: as a non-superuser admin with CREATEROLE
 * and CREATEDB (the attributes of the RDS master user), in the database its first line names. The
 * stand-ins for RDS's `rds_iam` and `rds_replication` are plain NOLOGIN roles, so what is checked
 * here is SQL validity, quoting and privileges, not IAM authentication itself. What differs on
 * RDS: `CREATE PUBLICATION … FOR ALL TABLES` needs a superuser here, and is expected to work for
 * an rds_superuser member there; the superuser session stands in for that.
 *
 * Every role and database a run creates starts with one random prefix and is dropped after it.
 */
import * as assert from "node:assert/strict";
import { Client, DatabaseError } from "pg";
import { setupSql } from "../components/clickpipe";
import { createPublicationStatement } from "../components/database/publication";
import {
  PgSetup,
  StatementRun,
  connect,
  dropEverythingNamed,
  ident,
  parseSetupSql,
  postgresTeardownStatements,
  postgresTestServer,
  requirePostgres,
  runStatements,
  uniqueName,
} from "./support/postgres";

/** One privilege check: on a schema, a table (schema, name) or a database. */
type Check = ["schema", string, string] | ["table", string, string, string] | ["database", string, string];

const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];

const label = (c: Check): string => c.slice(0, -1).map((part) => JSON.stringify(part)).join(".") + ` ${c[c.length - 1]}`;

/** Every table privilege on `schema.table`: SELECT as `select`, the others false. */
function tableChecks(schema: string, table: string, select: boolean): [Check, boolean][] {
  return TABLE_PRIVILEGES.map((priv) => [["table", schema, table, priv], priv === "SELECT" && select]);
}

/** The schema privileges: USAGE as `usage`, CREATE never. */
function schemaChecks(schema: string, usage: boolean): [Check, boolean][] {
  return [
    [["schema", schema, "USAGE"], usage],
    [["schema", schema, "CREATE"], false],
  ];
}

/** The SQL and parameters of one check; a table that does not exist gives null. */
function checkQuery(role: string, c: Check): [string, string[]] {
  switch (c[0]) {
    case "schema":
      return ["SELECT has_schema_privilege($1, $2, $3) AS ok", [role, c[1], c[2]]];
    case "table":
      return [
        `SELECT has_table_privilege($1, (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                          WHERE n.nspname = $2 AND c.relname = $3), $4) AS ok`,
        [role, c[1], c[2], c[3]],
      ];
    case "database":
      return ["SELECT has_database_privilege($1, $2, $3) AS ok", [role, c[1], c[2]]];
    default: {
      const never: never = c;
      throw new Error(`unknown check ${JSON.stringify(never)}`);
    }
  }
}

/** The result of each check for `role`, by label. */
async function privileges(conn: Client, role: string, checks: readonly Check[]): Promise<Record<string, boolean | null>> {
  const out: Record<string, boolean | null> = {};
  for (const c of checks) {
    const [sql, params] = checkQuery(role, c);
    out[label(c)] = (await conn.query<{ ok: boolean | null }>(sql, params)).rows[0].ok;
  }
  return out;
}

/** Runs the checks and compares all of them at once, so that a failure shows every difference. */
async function assertPrivileges(conn: Client, role: string, expected: readonly [Check, boolean][]): Promise<void> {
  const want = Object.fromEntries(expected.map(([c, ok]) => [label(c), ok]));
  assert.deepEqual(await privileges(conn, role, expected.map(([c]) => c)), want);
}

/** Code-point order, as PostgreSQL sorts `name` columns (collation "C"). */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The roles `role` is a direct member of, with the admin option, by name. */
async function memberships(conn: Client, role: string): Promise<{ role: string; admin_option: boolean }[]> {
  const { rows } = await conn.query<{ role: string; admin_option: boolean }>(
    `SELECT r.rolname AS role, m.admin_option FROM pg_auth_members m
       JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
      WHERE u.rolname = $1 ORDER BY r.rolname`,
    [role],
  );
  return rows;
}

/** The grantees and privileges of the default ACLs `owner` has set in `schema`, as aclitem text. */
async function defaultAcl(conn: Client, owner: string, schema: string): Promise<string[]> {
  const { rows } = await conn.query<{ acl: string }>(
    `SELECT unnest(d.defaclacl)::text AS acl FROM pg_default_acl d
       JOIN pg_namespace n ON n.oid = d.defaclnamespace JOIN pg_roles o ON o.oid = d.defaclrole
      WHERE o.rolname = $1 AND n.nspname = $2 AND d.defaclobjtype = 'r' ORDER BY 1`,
    [owner, schema],
  );
  return rows.map((r) => r.acl);
}

describe("setupSql for PostgreSQL against a real PostgreSQL 15, run by a non-superuser admin", function () {
  this.timeout(20_000);
  const server = postgresTestServer();
  const p = uniqueName("cpt");
  /** A role name of this run. */
  const role = (name: string) => `${p}_${name}`;
  const db = role("app");
  let admin: Client | undefined;
  let superuser: Client | undefined;
  /** The admin and the superuser in `db`. */
  let appAdmin: Client;
  let appSuper: Client;
  const sessions: Client[] = [];

  async function open(as: "admin" | "superuser", database: string): Promise<Client> {
    const c = await connect(server, as, database);
    sessions.push(c);
    return c;
  }

  /** Prints setupSql, then runs it as the admin, statement by statement, in the database its first line names. */
  async function setUp(s: PgSetup): Promise<StatementRun & { statements: string[] }> {
    const parsed = parseSetupSql(setupSql({ engine: "postgres", ...s }));
    assert.equal(parsed.database, s.database);
    const conn = await connect(server, "admin", parsed.database);
    try {
      return { ...(await runStatements(conn, parsed.statements)), statements: parsed.statements };
    } finally {
      await conn.end();
    }
  }

  /** Runs `fn` as `user` (SET ROLE by the superuser: the IAM user has no password to log in with). */
  async function asRole<T>(user: string, fn: (conn: Client) => Promise<T>): Promise<T> {
    await appSuper.query(`SET ROLE ${ident(user)}`);
    try {
      return await fn(appSuper);
    } finally {
      await appSuper.query("RESET ROLE");
    }
  }

  const denied = (sql: string, message: string) => assert.rejects(appSuper.query(sql), { code: "42501", message });

  before(async function () {
    ({ admin, superuser } = await requirePostgres(this, server));
    // As on RDS: the admin creates the database, so it owns it and the `public` schema
    // (owned by pg_database_owner since PostgreSQL 15).
    await admin.query(`CREATE DATABASE ${ident(db)}`);
    appAdmin = await open("admin", db);
    appSuper = await open("superuser", db);
    await appAdmin.query(`
      CREATE SCHEMA sales;
      CREATE SCHEMA billing;
      CREATE SCHEMA "Sales";
      CREATE SCHEMA hidden;
      CREATE TABLE sales.orders (id int PRIMARY KEY, amount int);
      INSERT INTO sales.orders VALUES (1, 10), (2, 20);
      CREATE VIEW sales.order_totals AS SELECT sum(amount)::int AS total FROM sales.orders;
      CREATE TABLE billing.invoices (id int PRIMARY KEY);
      CREATE TABLE "Sales".orders (id int PRIMARY KEY);
      CREATE TABLE hidden.secrets (secret text);
      CREATE TABLE public.t (id int);
      CREATE ROLE ${ident(role("other"))} NOLOGIN;
      GRANT USAGE, CREATE ON SCHEMA sales TO ${ident(role("other"))};
    `);
  });

  after(async () => {
    await Promise.all(sessions.splice(0).map((c) => c.end()));
    if (superuser !== undefined) await dropEverythingNamed(superuser, p);
    await admin?.end();
    await superuser?.end();
  });

  describe("Initial Load Only, schemas sales and billing, tableOwner the admin", () => {
    const user = role("reader");
    const setup = (): PgSetup => ({ username: user, database: db, schemas: ["sales", "billing"], tableOwner: server.user, cdc: false });
    let run: StatementRun & { statements: string[] };

    /** Everything the user may and may not do on the fixture's objects, as set up. */
    const expectedPrivileges = (): [Check, boolean][] => [
      ...schemaChecks("sales", true),
      ...schemaChecks("billing", true),
      // Exact case: "Sales" is another schema than sales.
      ...schemaChecks("Sales", false),
      ...schemaChecks("hidden", false),
      // Not listed, yet usable: PUBLIC has USAGE on `public` by default (its tables stay unreadable).
      ...schemaChecks("public", true),
      ...tableChecks("sales", "orders", true),
      ...tableChecks("sales", "order_totals", true),
      ...tableChecks("billing", "invoices", true),
      ...tableChecks("Sales", "orders", false),
      ...tableChecks("hidden", "secrets", false),
      ...tableChecks("public", "t", false),
      // PUBLIC's defaults on every database: CONNECT and TEMPORARY, never CREATE.
      [["database", db, "CONNECT"], true],
      [["database", db, "TEMPORARY"], true],
      [["database", db, "CREATE"], false],
    ];

    before(async () => {
      run = await setUp(setup());
    });

    it("runs every statement without an error or a warning, in the database its first line names", () => {
      assert.deepEqual(run.errors, []);
      assert.deepEqual(run.notices, []);
      assert.equal(run.statements.length, 8);
      assert.equal(run.statements[0], `CREATE ROLE "${user}" WITH LOGIN;`);
    });

    it("creates a login role with no password and no attribute beyond LOGIN", async () => {
      const { rows } = await appAdmin.query(
        `SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit, rolconnlimit, rolvaliduntil, rolconfig
           FROM pg_roles WHERE rolname = $1`,
        [user],
      );
      assert.deepEqual(rows, [
        {
          rolcanlogin: true,
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolreplication: false,
          rolbypassrls: false,
          rolinherit: true,
          rolconnlimit: -1,
          rolvaliduntil: null,
          rolconfig: null,
        },
      ]);
      // pg_authid is readable by superusers only: no password, so only IAM (on RDS) can log it in.
      const pw = await appSuper.query("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [user]);
      assert.deepEqual(pw.rows, [{ rolpassword: null }]);
    });

    it("makes the user a member of rds_iam only (no rds_replication without cdc), and nobody a member of the user", async () => {
      assert.deepEqual(await memberships(appAdmin, user), [{ role: "rds_iam", admin_option: false }]);
      const members = await appAdmin.query("SELECT member::regrole::text FROM pg_auth_members WHERE roleid = $1::regrole", [ident(user)]);
      assert.deepEqual(members.rows, []);
    });

    it("never makes the admin a member of the user or of rds_iam, even indirectly (the RDS password lockout)", async () => {
      const { rows } = await appAdmin.query(
        `SELECT pg_has_role($1, $2, 'MEMBER') AS of_user, pg_has_role($1, 'rds_iam', 'MEMBER') AS of_rds_iam,
                pg_has_role($1, 'rds_replication', 'MEMBER') AS of_rds_replication`,
        [server.user, user],
      );
      assert.deepEqual(rows, [{ of_user: false, of_rds_iam: false, of_rds_replication: false }]);
      const direct = await appAdmin.query(
        "SELECT roleid::regrole::text FROM pg_auth_members WHERE member = $1::regrole AND roleid IN ($2::regrole, 'rds_iam'::regrole, 'rds_replication'::regrole)",
        [ident(server.user), ident(user)],
      );
      assert.deepEqual(direct.rows, []);
    });

    it("grants USAGE on the listed schemas and SELECT on their tables and views, nothing that writes, nothing elsewhere", async () => {
      await assertPrivileges(appAdmin, user, expectedPrivileges());
    });

    it("as the user: reads the listed tables; cannot write, create, or read other schemas; may create temporary tables", async () => {
      await asRole(user, async (c) => {
        assert.deepEqual((await c.query("SELECT id FROM sales.orders ORDER BY id")).rows, [{ id: 1 }, { id: 2 }]);
        assert.deepEqual((await c.query("SELECT total FROM sales.order_totals")).rows, [{ total: 30 }]);
        await denied("INSERT INTO sales.orders VALUES (3, 30)", "permission denied for table orders");
        await denied("DELETE FROM sales.orders", "permission denied for table orders");
        await denied("TRUNCATE billing.invoices", "permission denied for table invoices");
        await denied("CREATE TABLE sales.mine (id int)", "permission denied for schema sales");
        await denied('SELECT * FROM "Sales".orders', "permission denied for schema Sales");
        await denied("SELECT * FROM hidden.secrets", "permission denied for schema hidden");
        await denied("SELECT * FROM public.t", "permission denied for table t");
        // PUBLIC's TEMPORARY on the database: not from setupSql, but the user has it.
        await c.query("CREATE TEMP TABLE scratch (id int)");
        await c.query("DROP TABLE scratch");
      });
    });

    it("makes tables that tableOwner creates later readable, but not tables another role creates (hence `tableOwner`)", async () => {
      // ALTER DEFAULT PRIVILEGES applies only to objects that the role named in FOR ROLE creates.
      assert.deepEqual(await defaultAcl(appAdmin, server.user, "sales"), [`${user}=r/${server.user}`]);
      assert.deepEqual(await defaultAcl(appAdmin, server.user, "billing"), [`${user}=r/${server.user}`]);
      try {
        await appAdmin.query("CREATE TABLE sales.later (id int)");
        await asRole(role("other"), (c) => c.query("CREATE TABLE sales.by_other (id int)"));
        await assertPrivileges(appAdmin, user, [...tableChecks("sales", "later", true), ...tableChecks("sales", "by_other", false)]);
      } finally {
        await appSuper.query("DROP TABLE IF EXISTS sales.later, sales.by_other");
      }
    });

    it("is not idempotent: running it again fails at CREATE ROLE, and the rest re-runs without changing anything", async () => {
      const before = await privileges(appAdmin, user, expectedPrivileges().map(([c]) => c));
      const again = await setUp(setup());
      assert.deepEqual(again.errors, [{ statement: again.statements[0], code: "42710", message: `role "${user}" already exists` }]);
      assert.deepEqual(again.notices, [`NOTICE: role "${user}" is already a member of role "rds_iam"`]);
      assert.deepEqual(await privileges(appAdmin, user, expectedPrivileges().map(([c]) => c)), before);
      assert.deepEqual(await memberships(appAdmin, user), [{ role: "rds_iam", admin_option: false }]);
      // As one transaction (psql -1, or the whole text as one query), the second run changes nothing at all.
      await assert.rejects(appAdmin.query(setupSql({ engine: "postgres", ...setup() })), { code: "42710", message: `role "${user}" already exists` });
    });
  });

  describe("tableOwner another role than the admin", () => {
    const owner = role("owner");

    before(async () => {
      await appAdmin.query(`
        CREATE ROLE ${ident(owner)} NOLOGIN;
        CREATE SCHEMA owned;
        GRANT USAGE, CREATE ON SCHEMA owned TO ${ident(owner)};
      `);
      await asRole(owner, (c) => c.query("CREATE TABLE owned.items (id int)"));
    });

    it("fails unless the admin is a member of tableOwner: both the GRANT on its tables and the default privileges are refused", async () => {
      const user = role("owned_a");
      const run = await setUp({ username: user, database: db, schemas: ["owned"], tableOwner: owner, cdc: false });
      assert.deepEqual(run.errors, [
        { statement: run.statements[3], code: "42501", message: "permission denied for table items" },
        { statement: run.statements[4], code: "42501", message: `must be member of role "${owner}"` },
      ]);
      assert.deepEqual(run.notices, []);
      await assertPrivileges(appAdmin, user, [...schemaChecks("owned", true), ...tableChecks("owned", "items", false)]);
    });

    it("works once the admin is a member of tableOwner, and tableOwner's later tables become readable", async () => {
      const user = role("owned_b");
      // On PostgreSQL 15 CREATEROLE lets the admin grant itself any non-superuser role.
      await appAdmin.query(`GRANT ${ident(owner)} TO ${ident(server.user)}`);
      try {
        const run = await setUp({ username: user, database: db, schemas: ["owned"], tableOwner: owner, cdc: false });
        assert.deepEqual(run.errors, []);
        assert.deepEqual(run.notices, []);
        await asRole(owner, (c) => c.query("CREATE TABLE owned.later (id int)"));
        await assertPrivileges(appAdmin, user, [...schemaChecks("owned", true), ...tableChecks("owned", "items", true), ...tableChecks("owned", "later", true)]);
        // The grants are recorded as made by the owner, on whose behalf the admin acted.
        assert.deepEqual(await defaultAcl(appAdmin, owner, "owned"), [`${user}=r/${owner}`]);
      } finally {
        await appAdmin.query(`REVOKE ${ident(owner)} FROM ${ident(server.user)}`);
      }
    });
  });

  describe("CDC with a publication of the listed schemas", () => {
    const cdcDb = role("cdc");
    const user = role("cdc_user");
    const publication = `${p} Pub "s"`;
    let run: StatementRun & { statements: string[] };
    let cdcSuper: Client;

    before(async () => {
      await admin?.query(`CREATE DATABASE ${ident(cdcDb)}`);
      const cdcAdmin = await open("admin", cdcDb);
      await cdcAdmin.query(`
        CREATE SCHEMA sales;
        CREATE SCHEMA hidden;
        CREATE TABLE sales.orders (id int PRIMARY KEY);
        CREATE TABLE hidden.secrets (id int PRIMARY KEY);
      `);
      cdcSuper = await open("superuser", cdcDb);
      run = await setUp({ username: user, database: cdcDb, schemas: ["sales"], tableOwner: server.user, cdc: true, publicationStatement: createPublicationStatement(publication, { kind: "schemas", schemas: ["sales"] }) });
    });

    it("grants rds_iam and rds_replication, and the admin stays a member of neither", async () => {
      assert.deepEqual(await memberships(cdcSuper, user), [
        { role: "rds_iam", admin_option: false },
        { role: "rds_replication", admin_option: false },
      ]);
      const { rows } = await cdcSuper.query("SELECT pg_has_role($1, 'rds_iam', 'MEMBER') AS iam, pg_has_role($1, 'rds_replication', 'MEMBER') AS repl", [server.user]);
      assert.deepEqual(rows, [{ iam: false, repl: false }]);
    });

    it("fails only at CREATE PUBLICATION … FOR TABLES IN SCHEMA, which needs a superuser on stock PostgreSQL", () => {
      const last = run.statements[run.statements.length - 1];
      assert.equal(last, `CREATE PUBLICATION "${p} Pub ""s""" FOR TABLES IN SCHEMA "sales";`);
      assert.deepEqual(run.errors, [{ statement: last, code: "42501", message: "must be superuser to create FOR TABLES IN SCHEMA publication" }]);
      assert.deepEqual(run.notices, []);
    });

    it("as a superuser the same statement publishes the listed schema and nothing else", async () => {
      await cdcSuper.query(run.statements[run.statements.length - 1]);
      const pub = await cdcSuper.query("SELECT puballtables, pubowner::regrole::text AS owner FROM pg_publication WHERE pubname = $1", [publication]);
      assert.deepEqual(pub.rows, [{ puballtables: false, owner: server.superuser }]);
      const tables = await cdcSuper.query("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2", [publication]);
      // hidden.secrets, which the user cannot SELECT, is not published.
      assert.deepEqual(tables.rows, [{ schemaname: "sales", tablename: "orders" }]);
      await assertPrivileges(cdcSuper, user, [...tableChecks("sales", "orders", true), ...tableChecks("hidden", "secrets", false)]);
    });
  });

  describe("hostile names", () => {
    const hostileDb = `${p} Db "q"; DROP DATABASE x; -- é`;
    const schemas = ['x"; DROP TABLE t; --', "Wéird Schéma 日本", "semi;colon", "UPPER", "it's a \\ thing"];
    const evil = role("evil");
    const user = `${p} Ü"; CREATE ROLE ${evil}; --`;
    const owner = `${p} Öwner "O"`;
    let hAdmin: Client;

    before(async () => {
      await admin?.query(`CREATE DATABASE ${ident(hostileDb)}`);
      hAdmin = await open("admin", hostileDb);
      await hAdmin.query(`CREATE ROLE ${ident(owner)} NOLOGIN; GRANT ${ident(owner)} TO ${ident(server.user)}; CREATE TABLE public.t (id int);`);
      for (const s of schemas) {
        await hAdmin.query(`CREATE SCHEMA ${ident(s)}; CREATE TABLE ${ident(s)}.t1 (id int); GRANT USAGE, CREATE ON SCHEMA ${ident(s)} TO ${ident(owner)};`);
      }
    });

    it("quotes database, schema, user and tableOwner names: the whole text runs as one script and creates exactly what it says", async () => {
      const text = setupSql({ engine: "postgres", username: user, database: hostileDb, schemas, tableOwner: owner, cdc: false });
      const { database } = parseSetupSql(text);
      assert.equal(database, hostileDb);
      const notices: string[] = [];
      const conn = await open("admin", database);
      conn.on("notice", (n) => notices.push(String(n.message)));
      // All of it, comment line included, as `psql -f` would send it.
      await conn.query(text);
      assert.deepEqual(notices, []);

      const roles = await conn.query("SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY 1", [user, evil]);
      assert.deepEqual(roles.rows, [{ rolname: user }]);
      const nsp = await conn.query("SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1");
      assert.deepEqual(nsp.rows.map((r) => r.nspname), [...schemas, "public"].sort(byCodePoint));
      const tables = await conn.query("SELECT schemaname, tablename FROM pg_tables WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema' ORDER BY 1, 2");
      assert.deepEqual(
        tables.rows,
        [...schemas.map((s) => ({ schemaname: s, tablename: "t1" })), { schemaname: "public", tablename: "t" }].sort((a, b) => byCodePoint(a.schemaname, b.schemaname)),
      );
      assert.deepEqual(await memberships(conn, user), [{ role: "rds_iam", admin_option: false }]);

      await conn.query(`SET ROLE ${ident(owner)}; CREATE TABLE ${ident(schemas[0])}.later (id int); RESET ROLE;`);
      await assertPrivileges(conn, user, [
        ...schemas.flatMap((s) => [...schemaChecks(s, true), ...tableChecks(s, "t1", true)]),
        ...tableChecks(schemas[0], "later", true),
        ...tableChecks("public", "t", false),
      ]);
      for (const s of schemas) assert.deepEqual(await defaultAcl(conn, owner, s), [`${ident(user)}=r/${ident(owner)}`]);
    });

    it("keeps a line break in `database` inside the connect comment instead of running the rest as SQL", async () => {
      const injected = role("nl_evil");
      const nlUser = role("nl");
      // The injected line would run wherever the script runs, so the main database will do.
      const text = setupSql({ engine: "postgres", username: nlUser, database: `${p}\nCREATE ROLE ${injected}; --`, schemas: ["sales"], tableOwner: server.user, cdc: false });
      await appAdmin.query(text);
      const roles = await appAdmin.query("SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY 1", [nlUser, injected]);
      assert.deepEqual(roles.rows, [{ rolname: nlUser }]);
    });
  });

  describe("undoing it by hand", () => {
    const user = role("gone");
    const setup = (): PgSetup => ({ username: user, database: db, schemas: ["undo_a", "undo_b"], tableOwner: server.user, cdc: true });
    let oid: number;

    before(async () => {
      await appAdmin.query("CREATE SCHEMA undo_a; CREATE SCHEMA undo_b; CREATE TABLE undo_a.t (id int); CREATE TABLE undo_b.t (id int);");
      const run = await setUp(setup());
      assert.deepEqual(run.errors, []);
      oid = (await appAdmin.query<{ oid: number }>("SELECT oid::int AS oid FROM pg_roles WHERE rolname = $1", [user])).rows[0].oid;
    });

    it("the admin cannot DROP OWNED BY the user (not its member), and DROP ROLE is refused while its grants remain", async () => {
      await assert.rejects(appAdmin.query(`DROP OWNED BY ${ident(user)}`), { code: "42501", message: "permission denied to drop objects" });
      await assert.rejects(appAdmin.query(`DROP ROLE ${ident(user)}`), (e: unknown) => {
        assert.ok(e instanceof DatabaseError);
        assert.equal(e.code, "2BP01");
        assert.equal(e.message, `role "${user}" cannot be dropped because some objects depend on it`);
        // One line per dependency, in catalog order: compared sorted.
        assert.deepEqual(e.detail?.split("\n").sort(), [
          `privileges for default privileges on new relations belonging to role ${server.user} in schema undo_a`,
          `privileges for default privileges on new relations belonging to role ${server.user} in schema undo_b`,
          "privileges for schema undo_a",
          "privileges for schema undo_b",
          "privileges for table undo_a.t",
          "privileges for table undo_b.t",
        ]);
        return true;
      });
    });

    it("REVOKE, ALTER DEFAULT PRIVILEGES … REVOKE and DROP ROLE by the admin leave no trace of the user", async () => {
      const run = await runStatements(appAdmin, postgresTeardownStatements(setup()));
      assert.deepEqual(run, { notices: [], errors: [] });
      const { rows } = await appAdmin.query(
        `SELECT (SELECT count(*)::int FROM pg_roles WHERE oid = $1) AS roles,
                (SELECT count(*)::int FROM pg_auth_members WHERE member = $1 OR roleid = $1) AS memberships,
                (SELECT count(*)::int FROM pg_shdepend WHERE refobjid = $1) AS dependencies,
                (SELECT count(*)::int FROM pg_default_acl d, aclexplode(d.defaclacl) a WHERE a.grantee = $1) AS default_acls,
                (SELECT count(*)::int FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = $1) AS schema_acls,
                (SELECT count(*)::int FROM pg_class c, aclexplode(c.relacl) a WHERE a.grantee = $1) AS table_acls,
                (SELECT count(*)::int FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
                  WHERE n.nspname IN ('undo_a', 'undo_b')) AS default_acl_rows,
                (SELECT bool_and(c.relacl = acldefault('r', c.relowner)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname IN ('undo_a', 'undo_b')) AS table_acls_are_the_owners_default`,
        [oid],
      );
      assert.deepEqual(rows, [
        { roles: 0, memberships: 0, dependencies: 0, default_acls: 0, schema_acls: 0, table_acls: 0, default_acl_rows: 0, table_acls_are_the_owners_default: true },
      ]);
    });
  });
});
