/**
 * The `clickpipes-rds-iam` command line: `main()` with injected standard streams, environment and
 * files, AWS answered by aws-sdk-client-mock worlds, and (where a database is needed) the real
 * PostgreSQL of `.ci/postgres.sh`. Exit codes, the report's shape, `--json`, usage errors, and that
 * the admin password never appears in anything printed.
 *
 * With DOCTOR_SAMPLE_DIR set, the full report of "AWS and a real PostgreSQL" is written there
 * (`report.txt`, `report.json`): docs/doctor.md shows it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Client } from "pg";
import type { CliIo } from "../../components/cli/io";
import type { DoctorDeps } from "../../components/cli/doctor/run";
import { realDeps } from "../../components/cli/doctor/run";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, main } from "../../components/cli/main";
import { clickPipeSource, setupSql } from "../../components/clickpipe";
import { AwsStubs, CLICKHOUSE_ROLE, Fixture, NOW, USER, mockedClients, postgresFixture } from "../support/doctorAws";
import { connect, dropEverythingNamed, ident, parseSetupSql, postgresTestServer, requirePostgres, runStatements, uniqueName } from "../support/postgres";

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `main` with the given argv, standard input, environment and files (others read from disk). */
async function run(argv: string[], o: { stdin?: string; env?: Record<string, string>; files?: Record<string, string>; tty?: boolean; deps?: DoctorDeps } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let stdinRead = false;
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: async () => {
      assert.equal(stdinRead, false, "standard input read twice");
      stdinRead = true;
      return o.stdin ?? "";
    },
    stdinIsTTY: o.tty ?? false,
    readFile: (p) => (o.files !== undefined && p in o.files ? o.files[p] : fs.readFileSync(p, "utf8")),
    env: o.env ?? {},
  };
  const code = await main(argv, io, o.deps ?? awsOnly);
  return { code, out: out.join(""), err: err.join("") };
}

const noDatabase = () => Promise.reject(new Error("no database in this spec"));
const awsOnly: DoctorDeps = { awsClients: mockedClients, connectors: { postgres: noDatabase, mysql: noDatabase }, now: () => NOW };

const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe("clickpipes-rds-iam (main)", () => {
  const stubs = new AwsStubs();
  let f: Fixture;
  beforeEach(() => {
    f = postgresFixture();
    stubs.install(f.world);
  });
  after(() => stubs.restore());

  const json = () => JSON.stringify(f.outputs);
  const chArgs = ["--clickhouse-role-arn", CLICKHOUSE_ROLE];

  describe("commands and help", () => {
    it("prints the commands for --help and exits 0", async () => {
      const r = await run(["--help"]);
      assert.equal(r.code, EXIT_OK);
      assert.match(r.out, /^Usage: clickpipes-rds-iam <command> \[flags\]/);
    });

    it("exits 2 without a command or with an unknown one", async () => {
      assert.equal((await run([])).code, EXIT_USAGE);
      const r = await run(["docter"]);
      assert.equal(r.code, EXIT_USAGE);
      assert.match(r.err, /^clickpipes-rds-iam: unknown command; the commands are: doctor\./);
    });

    it("prints the doctor's flags for doctor --help and exits 0", async () => {
      const r = await run(["doctor", "--help"]);
      assert.equal(r.code, EXIT_OK);
      assert.match(r.out, /--admin-password-stdin/);
      assert.match(r.out, /CLICKPIPES_ADMIN_PASSWORD/);
    });
  });

  describe("the report", () => {
    it("healthy: one marked line per check, the summary line, exit 0", async () => {
      const r = await run(["doctor", ...chArgs], { stdin: json() });
      assert.equal(r.code, EXIT_OK);
      assert.equal(r.err, "");
      const lines = r.out.trimEnd().split("\n");
      assert.equal(lines[0], `clickpipes-rds-iam doctor: instance "orders" (eu-west-1), PostgreSQL, CDC, user "${USER}"`);
      assert.equal(lines[lines.length - 1], "15 passed, 0 failed, 0 warnings, 2 skipped");
      assert.ok(lines.includes("✓ rds.iam_auth                            IAM database authentication is on"), r.out);
      assert.ok(lines.some((l) => l.startsWith("- db.connection ") && l.includes("skipped: No admin credentials")));
    });

    it("a failure: ✗, the fix on the next line, exit 1", async () => {
      f.world.instance = { ...f.world.instance, IAMDatabaseAuthenticationEnabled: false };
      const r = await run(["doctor", ...chArgs], { stdin: json() });
      assert.equal(r.code, EXIT_FAILED);
      const lines = r.out.split("\n");
      const i = lines.findIndex((l) => l.startsWith("✗ rds.iam_auth "));
      assert.ok(i > 0, r.out);
      assert.match(lines[i + 1], /^ {42}fix: run `pulumi up` \(the component turns it on\), or `aws rds modify-db-instance --db-instance-identifier orders --enable-iam-database-authentication --apply-immediately --region eu-west-1`$/);
      assert.match(r.out, /\n14 passed, 1 failed, 0 warnings, 2 skipped\n$/);
    });

    it("--json: an array of {id, status, summary, fix}, nothing else on standard output", async () => {
      f.world.instance = { ...f.world.instance, IAMDatabaseAuthenticationEnabled: false };
      const r = await run(["doctor", "--json", ...chArgs], { stdin: json() });
      assert.equal(r.code, EXIT_FAILED);
      const parsed = JSON.parse(r.out) as { id: string; status: string; summary: string; fix?: string }[];
      assert.equal(parsed.length, 17);
      assert.deepEqual(Object.keys(parsed[0]), ["id", "status", "summary"]);
      assert.deepEqual(
        parsed.filter((x) => x.status === "fail").map((x) => Object.keys(x)),
        [["id", "status", "summary", "fix"]],
      );
      assert.equal(parsed.find((x) => x.id === "rds.iam_auth")?.status, "fail");
    });

    it("reads the outputs from --file", async () => {
      const r = await run(["doctor", "--file", "outputs.json", ...chArgs], { files: { "outputs.json": json() }, tty: true });
      assert.equal(r.code, EXIT_OK);
    });

    it("picks a component of the multiple-databases example's outputs with --component", async () => {
      const one = f.outputs;
      const map = { roleArns: { orders: one.roleArn, billing: "arn:aws:iam::123456789012:role/clickpipes-billing" }, clickPipeSources: { orders: one.clickPipeSource, billing: { ...one.clickPipeSource, host: "billing.c9akciq32.eu-west-1.rds.amazonaws.com" } }, setupSql: { orders: one.setupSql, billing: one.setupSql } };
      const ambiguous = await run(["doctor"], { stdin: JSON.stringify(map) });
      assert.equal(ambiguous.code, EXIT_USAGE);
      assert.equal(ambiguous.err, 'clickpipes-rds-iam doctor: The stack outputs hold 2 components ("orders", "billing"); choose one with `--component NAME`.\n');
      const r = await run(["doctor", "--component", "orders", ...chArgs], { stdin: JSON.stringify(map) });
      assert.equal(r.code, EXIT_OK, r.out);
      assert.match(r.out, /^clickpipes-rds-iam doctor: component "orders", instance "orders" \(eu-west-1\)/);
      // Without dbUserArn in these outputs, the policy is checked against the ARN built from the live resource ID.
      assert.match(r.out, /✓ iam\.connect_policy +Policy rds-db-connect allows rds-db:connect on exactly arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0\/clickpipes_iam_user/);
    });

    it("no credentials: a failing line with what to do, exit 1, no stack trace", async () => {
      delete f.world.callerAccount;
      stubs.install(f.world);
      const r = await run(["doctor"], { stdin: json() });
      assert.equal(r.code, EXIT_FAILED);
      assert.doesNotMatch(r.out + r.err, STACK_LINE);
      assert.match(r.out, /✗ aws\.credentials +No usable AWS credentials \(CredentialsProviderError: Could not load credentials from any providers\)\n +fix: set AWS_PROFILE or pass `--profile`/);
    });
  });

  describe("bad usage exits 2 with one line and no stack trace", () => {
    const cases: [string, string[], { stdin?: string; env?: Record<string, string>; tty?: boolean }, string][] = [
      ["outputs that are not JSON", ["doctor"], { stdin: "roleArn = x" }, "The stack outputs are not JSON ("],
      ["outputs of something else", ["doctor"], { stdin: '{"bucket":"b"}' }, "The stack outputs name no `roleArn`, `dbUserArn` or `clickPipeSource`"],
      ["outputs hidden as [secret]", ["doctor"], { stdin: '{"roleArn":"arn:aws:iam::1:role/r","setupSql":"[secret]"}' }, "The outputs hide `setupSql` as \"[secret]\""],
      ["nothing piped in", ["doctor"], { tty: true }, "No stack outputs: pipe"],
      ["an unknown flag", ["doctor", "--frobnicate"], { stdin: "{}" }, "Unknown option '--frobnicate'"],
      ["an unknown engine", ["doctor", "--engine", "oracle"], { stdin: "{}" }, '`--engine` is not supported; use "postgres", "mysql" or "mariadb".'],
      ["--admin-username without a password", ["doctor", "--admin-username", "admin"], { stdin: "{}" }, "`--admin-username` needs the admin's password"],
      ["--admin-password-stdin without --file", ["doctor", "--admin-password-stdin", "--admin-username", "admin"], { stdin: "pw" }, "`--admin-password-stdin` reads standard input"],
      ["an empty password", ["doctor", "--admin-username", "admin"], { stdin: "{}", env: { CLICKPIPES_ADMIN_PASSWORD: "" } }, "CLICKPIPES_ADMIN_PASSWORD is empty"],
    ];
    for (const [what, argv, o, message] of cases) {
      it(what, async () => {
        const r = await run(argv, o);
        assert.equal(r.code, EXIT_USAGE);
        assert.equal(r.out, "");
        assert.ok(r.err.startsWith(`clickpipes-rds-iam doctor: ${message}`), r.err);
        assert.equal(r.err.split("\n").length, 2, r.err);
      });
    }
  });

  describe("the admin password", () => {
    const secret = "s3cr3t-Pa55word";

    it("is refused on the command line, and the refusal does not repeat it", async () => {
      for (const argv of [["--admin-password", secret], [`--admin-password=${secret}`], [`--password=${secret}`]]) {
        const r = await run(["doctor", ...argv], { stdin: json() });
        assert.equal(r.code, EXIT_USAGE);
        assert.match(r.err, /is never taken from the command line/);
        assert.ok(!r.err.includes(secret));
      }
    });

    it("is not repeated when it lands where a flag's value was expected", async () => {
      const r = await run(["doctor", secret], { stdin: json() });
      assert.equal(r.code, EXIT_USAGE);
      assert.equal(r.err, "clickpipes-rds-iam doctor: `doctor` takes no arguments besides flags (1 given); see `clickpipes-rds-iam doctor --help`.\n");
    });

    it("never appears in the report, even where an output happens to hold it", async () => {
      f.outputs.dbUsername = secret;
      let given: string | undefined;
      const deps: DoctorDeps = {
        ...awsOnly,
        connectors: {
          postgres: async (s) => {
            given = s.adminPassword;
            throw new Error(`password authentication failed for user "admin"`);
          },
          mysql: noDatabase,
        },
      };
      for (const json of [false, true]) {
        const r = await run(["doctor", "--skip-aws", "--admin-username", "admin", ...(json ? ["--json"] : [])], { stdin: JSON.stringify(f.outputs), env: { CLICKPIPES_ADMIN_PASSWORD: secret }, deps });
        assert.equal(given, secret);
        assert.equal(r.code, EXIT_FAILED);
        assert.ok(!(r.out + r.err).includes(secret), r.out);
        // The text report's heading names the user: masked.
        if (!json) assert.match(r.out, /, user "\*\*\*"\n/);
      }
    });

    it("comes from standard input with --admin-password-stdin (outputs from --file)", async () => {
      let given: string | undefined;
      const deps: DoctorDeps = { ...awsOnly, connectors: { postgres: async (s) => ((given = s.adminPassword), Promise.reject(new Error("refused"))), mysql: noDatabase } };
      const r = await run(["doctor", "--skip-aws", "--file", "o.json", "--admin-username", "admin", "--admin-password-stdin"], { files: { "o.json": json() }, stdin: `${secret}\n`, deps });
      assert.equal(r.code, EXIT_FAILED);
      assert.equal(given, secret);
      assert.ok(!(r.out + r.err).includes(secret));
    });
  });

  describe("with a real PostgreSQL", function () {
    this.timeout(30_000);
    const server = postgresTestServer();
    const p = uniqueName("cpm_");
    const database = `${p}db`;
    let shared: Client;
    let superuser: Client;

    before(async function () {
      ({ admin: shared, superuser } = await requirePostgres(this, server));
      await shared.query(`CREATE DATABASE ${ident(database)}`);
      await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.logical_replication" = '1'`);
      await superuser.query(`ALTER DATABASE ${ident(database)} SET "rds.iam_auth_for_replication" = '1'`);
      const c = await connect(server, "admin", database);
      try {
        await c.query("CREATE SCHEMA sales; CREATE TABLE public.orders (id int PRIMARY KEY); CREATE TABLE sales.items (id int PRIMARY KEY)");
        const setup = parseSetupSql(setupSql({ engine: "postgres", username: `${p}iam`, database, schemas: ["public", "sales"], cdc: true }));
        assert.deepEqual((await runStatements(c, setup.statements)).errors, []);
        await c.query("CREATE PUBLICATION clickpipes FOR TABLE public.orders, sales.items");
      } finally {
        await c.end();
      }
    });

    after(async () => {
      if (superuser !== undefined) await dropEverythingNamed(superuser, p);
      await shared?.end();
      await superuser?.end();
    });

    /** The fixture's outputs for this server's database and user. */
    function outputs(): string {
      const o = f.outputs;
      const username = `${p}iam`;
      return JSON.stringify({
        ...o,
        dbUserArn: o.dbUserArn?.replace(/\/[^/]+$/, `/${username}`),
        dbUsername: username,
        clickPipeSource: clickPipeSource({ engine: "postgres", deployment: "rds", host: o.host ?? "", port: 5432, database, username, roleArn: o.roleArn ?? "", cdc: true, publicationName: "clickpipes" }),
        setupSql: setupSql({ engine: "postgres", username, database, schemas: ["public", "sales"], cdc: true }),
      });
    }

    it("AWS and the database in one report; the password from the environment is never printed", async () => {
      const role = f.world.role;
      assert.ok(role);
      // One broken link on each side: the trust policy lacks sts:TagSession, and a table is not readable.
      role.trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: CLICKHOUSE_ROLE }, Action: "sts:AssumeRole" }] };
      f.world.role = { ...role, inline: { "rds-db-connect": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: `${f.outputs.dbUserArn?.replace(/\/[^/]+$/, `/${p}iam`)}` }] } } };
      f.world.instance = { ...f.world.instance, DBParameterGroups: [{ DBParameterGroupName: "orders-pg16", ParameterApplyStatus: "pending-reboot" }] };
      stubs.install(f.world);
      const c = await connect(server, "admin", database);
      await c.query(`REVOKE SELECT ON sales.items FROM ${ident(`${p}iam`)}`).finally(() => c.end());
      const argv = ["doctor", ...chArgs, "--admin-username", server.user, "--db-host", server.host, "--db-port", String(server.port), "--tls-ca", server.caPath];
      const env = { CLICKPIPES_ADMIN_PASSWORD: server.password };
      const deps: DoctorDeps = { ...awsOnly, connectors: realDeps.connectors };
      const text = await run(argv, { stdin: outputs(), env, deps });
      stubs.install(f.world);
      const machine = await run([...argv, "--json"], { stdin: outputs(), env, deps });
      for (const r of [text, machine]) {
        assert.equal(r.code, EXIT_FAILED, r.out);
        assert.ok(!(r.out + r.err).includes(server.password));
      }
      const failing = (JSON.parse(machine.out) as { id: string; status: string }[]).filter((x) => x.status === "fail").map((x) => x.id);
      // The pending reboot is not a failure here: the server shows rds.logical_replication in effect.
      assert.deepEqual(failing, ["iam.trust_policy", "db.grants"]);
      assert.match(text.out, /✓ db\.connection +Connected to PostgreSQL at 127\.0\.0\.1:\d+\/cpm_[0-9a-f]+db as "[^"]+" \(TLS verified against --tls-ca\)/);
      const dir = process.env.DOCTOR_SAMPLE_DIR;
      if (dir !== undefined) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "report.txt"), text.out);
        fs.writeFileSync(path.join(dir, "report.json"), machine.out);
      }
    });
  });
});
