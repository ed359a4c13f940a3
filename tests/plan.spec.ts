import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { cloud } from "./support/mocks";
import { USAGE, plan } from "../scripts/plan";
import { SECRET_PLACEHOLDER } from "../scripts/stackFile";

const REPO = path.resolve(__dirname, "..");
const SAMPLE = fs.readFileSync(path.join(REPO, "Pulumi.sample.yaml"), "utf8");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "clickpipes-plan-"));

/** The sample with `edit` applied, written to a temporary stack config file. */
function variant(file: string, edit: (yaml: string) => string): string {
  const edited = edit(SAMPLE);
  assert.notEqual(edited, SAMPLE, `${file}: the edit changed nothing`);
  const full = path.join(TMP, file);
  fs.writeFileSync(full, edited);
  return full;
}

/** The engine of the sample config changed to mysql: the component refuses it once it sees the instance. */
const WRONG_ENGINE = variant("Pulumi.wrong-engine.yaml", (y) =>
  y.replace("clickpipes-rds-iam:engine: postgres", "clickpipes-rds-iam:engine: mysql").replace(/ {2}clickpipes-rds-iam:database:[^]*?- billing\n/, "  clickpipes-rds-iam:databases: [orders]\n"),
);
const WRONG_ENGINE_MESSAGE = 'error: `engine` "mysql" does not match the database\'s engine "postgres"; set `engine` to "postgres".\n';

/** The SQL of the sample config. */
const SETUP_SQL = [
  '-- connect to database "orders"',
  'CREATE ROLE "clickpipes_iam_user" WITH LOGIN;',
  'GRANT rds_iam TO "clickpipes_iam_user";',
  'GRANT USAGE ON SCHEMA "public" TO "clickpipes_iam_user";',
  'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "clickpipes_iam_user";',
  'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres_admin" IN SCHEMA "public" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
  'GRANT USAGE ON SCHEMA "billing" TO "clickpipes_iam_user";',
  'GRANT SELECT ON ALL TABLES IN SCHEMA "billing" TO "clickpipes_iam_user";',
  'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres_admin" IN SCHEMA "billing" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
];

interface Result {
  code: number;
  out: string;
  err: string;
}

/** Runs the plan in this process. */
async function planHere(...argv: string[]): Promise<Result> {
  let out = "";
  let err = "";
  const code = await plan(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs `npm run plan` as the README tells a user to. */
function planCli(...argv: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "--silent", "plan", "--", ...argv], { cwd: REPO }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

// The command-line run takes seconds of CPU (a fresh Node.js loading ts-node, Pulumi and the
// providers): start it in a root hook, so that it runs beside the other specs on a second core,
// and await it in its test below. The in-process runs cover the output in detail.
let cli: Promise<Result>;
before(() => {
  cli = planCli("--config", WRONG_ENGINE);
});
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe("npm run plan", () => {
  let sample: Result;
  before(async () => {
    sample = await planHere();
  });
  // The plan installs its own mocks; give the specs that follow theirs back.
  after(() => pulumi.runtime.setMocks(cloud.mocks, "project", "stack", false));

  describe("the sample config", () => {
    it("succeeds with nothing on stderr", () => {
      assert.deepEqual([sample.code, sample.err], [0, ""]);
    });

    it("is what `npm run plan` runs: scripts/plan.ts, with the committed sample by default", () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };
      assert.equal(pkg.scripts.plan, "ts-node --transpile-only scripts/plan.ts");
    });

    it("says what it ran, that it is offline, and which lookups the file answered", () => {
      assert.deepEqual(sample.out.split("\n").slice(0, 3), [
        "Offline plan of index.ts (project clickpipes-rds-iam, stack sample, config Pulumi.sample.yaml): what `pulumi up` would create.",
        "No AWS calls and no Pulumi CLI. Lookups answered from the `lookups:` section: getInstance orders-postgres.",
        "Values AWS assigns at create time show as xxxxxxx; secrets as [secret].",
      ]);
    });

    it("prints the resource tree, children indented under their parents", () => {
      assert.deepEqual(
        sample.out.split("\n").filter((l) => l.startsWith("  + ")),
        [
          "  + pulumi:pulumi:Stack                                       clickpipes-rds-iam-sample",
          "  +   clickpipes-rds-iam:index:ClickPipesRdsIamAccess         clickpipes",
          "  +     aws:iam/role:Role                                     clickpipes-role",
          "  +     aws:iam/rolePolicy:RolePolicy                         clickpipes-connect",
          "  +     pulumi-nodejs:dynamic:Resource (IamAuthEnablement)    clickpipes-iam-auth",
          "  +     pulumi:providers:postgresql                           clickpipes-postgresql",
          "  +     postgresql:index/role:Role                            clickpipes-db-user",
          "  +     postgresql:index/grant:Grant                          clickpipes-usage-public",
          "  +     postgresql:index/grant:Grant                          clickpipes-select-public",
          "  +     postgresql:index/defaultPrivileges:DefaultPrivileges  clickpipes-default-select-public",
          "  +     postgresql:index/grant:Grant                          clickpipes-usage-billing",
          "  +     postgresql:index/grant:Grant                          clickpipes-select-billing",
          "  +     postgresql:index/defaultPrivileges:DefaultPrivileges  clickpipes-default-select-billing",
        ],
      );
      assert.match(sample.out, /^Resources: 13 to create$/m);
    });

    it("prints each resource's inputs under it, the admin password as [secret] and never its value", () => {
      assert.ok(
        sample.out.includes(
          [
            "  +     pulumi-nodejs:dynamic:Resource (IamAuthEnablement)    clickpipes-iam-auth",
            '            targetKind: "instance"',
            '            identifier: "orders-postgres"',
            '            region: "eu-west-1"',
            '            mode: "enable"',
          ].join("\n"),
        ),
      );
      assert.ok(sample.out.includes('            host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com"\n            password: [secret]\n'));
      assert.ok(sample.out.includes('            login: true\n            name: "clickpipes_iam_user"\n            roles: ["rds_iam"]\n            skipReassignOwned: true\n'));
      assert.ok(!sample.out.includes(SECRET_PLACEHOLDER), "the secret's value is printed");
    });

    it("prints the trust policy and the permission policy as JSON", () => {
      assert.ok(
        sample.out.includes(
          `Trust policy of clickpipes-role (who may assume the role):
  {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "AllowClickHouseServiceRole",
        "Effect": "Allow",
        "Principal": {
          "AWS": "arn:aws:iam::111122223333:role/CH-S3-sample-service-Role"
        },
        "Action": [
          "sts:AssumeRole",
          "sts:TagSession"
        ]
      }
    ]
  }
`,
        ),
      );
      assert.ok(
        sample.out.includes(
          `Permission policy clickpipes-connect (inline on the role: what the role may do):
  {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "ConnectAsClickPipesUser",
        "Effect": "Allow",
        "Action": "rds-db:connect",
        "Resource": "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user"
      }
    ]
  }
`,
        ),
      );
    });

    it("prints the database user and grants as SQL, and the ClickPipes settings", () => {
      const heading = "Database user and grants of clickpipes (setupSql: what the component runs, or what to run by hand with createDbUser false):";
      assert.ok(sample.out.includes(`${heading}\n${SETUP_SQL.map((l) => `  ${l}\n`).join("")}`));
      const settings = /^ClickPipes settings of clickpipes \(clickPipeSource: what to enter in the ClickPipe source\):\n((?: {2}.*\n)+)/m.exec(sample.out);
      assert.ok(settings, "no ClickPipes settings section");
      assert.deepEqual(JSON.parse(settings[1]), {
        type: "rdspostgres",
        host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
        port: 5432,
        database: "orders",
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/clickpipes-role-xxxxxxx",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "snapshot" },
      });
    });

    it("ends with every stack output of index.ts", () => {
      const outputs = sample.out.slice(sample.out.indexOf("\nStack outputs:\n") + 1).split("\n");
      assert.deepEqual(
        outputs.filter((l) => /^ {2}\w+:/.test(l)).map((l) => l.split(":")[0].trim()),
        ["roleArn", "roleName", "dbUserArn", "resourceId", "host", "port", "dbUsername", "clickPipeSource", "pipeModes", "setupSql"],
      );
      assert.ok(sample.out.includes('  roleArn: "arn:aws:iam::123456789012:role/clickpipes-role-xxxxxxx"\n'));
      assert.ok(sample.out.endsWith(`  setupSql: |\n${SETUP_SQL.map((l) => `    ${l}\n`).join("")}`));
    });

  });

  describe("enableIamAuth false on an instance whose flag is on", () => {
    it("shows the instance as read, never modified, and no IAM-auth resource", async () => {
      const on = variant("Pulumi.iam-on.yaml", (y) =>
        y.replace("clickpipes-rds-iam:engine: postgres", "clickpipes-rds-iam:engine: postgres\n  clickpipes-rds-iam:enableIamAuth: false").replace('      engineVersion: "16.4"', '      engineVersion: "16.4"\n      iamDatabaseAuthenticationEnabled: true'),
      );
      const result = await planHere("--config", on);
      assert.equal(result.code, 0, result.err);
      const tree = result.out.split("\n").filter((l) => /^ {2}[+>] /.test(l) || l.startsWith("Resources:"));
      assert.equal(tree[0], "Resources: 12 to create, 1 to read (never modified)");
      assert.ok(tree.some((l) => /^ {2}> +aws:rds\/instance:Instance +clickpipes-instance {2}\(read "db-ABCDEFGHIJKLMNOPQRSTUVWXY0"\)$/.test(l)), tree.join("\n"));
      assert.ok(!result.out.includes("clickpipes-iam-auth"));
    });
  });

  describe("a config the component refuses", () => {
    it("exits 1 with the component's message and nothing else", async () => {
      assert.deepEqual(await planHere("--config", WRONG_ENGINE), { code: 1, out: "", err: WRONG_ENGINE_MESSAGE });
    });

    it("does the same as `npm run plan` on the command line: exit status 1, no stack trace, no leak report", async () => {
      assert.deepEqual(await cli, { code: 1, out: "", err: WRONG_ENGINE_MESSAGE });
    });

    it("reports a refusal made before any lookup the same way", async () => {
      const oracle = variant("Pulumi.oracle.yaml", (y) => y.replace("clickpipes-rds-iam:engine: postgres", "clickpipes-rds-iam:engine: oracle"));
      assert.deepEqual(await planHere("--config", oracle), {
        code: 1,
        out: "",
        err: 'error: `engine` "oracle" is not supported; use "postgres", "mysql" or "mariadb".\n',
      });
    });

    it("refuses enableIamAuth false on an instance whose flag the lookups show off", async () => {
      const off = variant("Pulumi.iam-off.yaml", (y) => y.replace("clickpipes-rds-iam:engine: postgres", "clickpipes-rds-iam:engine: postgres\n  clickpipes-rds-iam:enableIamAuth: false"));
      assert.deepEqual(await planHere("--config", off), {
        code: 1,
        out: "",
        err: 'error: IAM database authentication is off on instance "orders-postgres"; set `enableIamAuth: true` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).\n',
      });
    });

    it("points a cluster given as dbInstanceIdentifier at dbClusterIdentifier, when the lookups describe a cluster", async () => {
      const cluster = variant("Pulumi.cluster-as-instance.yaml", (y) =>
        y.replace("lookups:\n  instances:\n    orders-postgres:", "lookups:\n  clusters:\n    orders-postgres:").replace("db:orders-postgres", "cluster:orders-postgres"),
      );
      assert.deepEqual(await planHere("--config", cluster), {
        code: 1,
        out: "",
        err: `error: "orders-postgres" is a DB cluster in \`lookups.clusters\` of ${cluster}, not a DB instance; for an Aurora cluster set \`dbClusterIdentifier\` to "orders-postgres" instead of \`dbInstanceIdentifier\`.\n`,
      });
    });

    it("points an instance given as dbClusterIdentifier at dbInstanceIdentifier, when the lookups describe an instance", async () => {
      const instance = variant("Pulumi.instance-as-cluster.yaml", (y) => y.replace("clickpipes-rds-iam:dbInstanceIdentifier: orders-postgres", "clickpipes-rds-iam:dbClusterIdentifier: orders-postgres"));
      assert.deepEqual(await planHere("--config", instance), {
        code: 1,
        out: "",
        err: `error: "orders-postgres" is a DB instance in \`lookups.instances\` of ${instance}, not a DB cluster; for an RDS instance set \`dbInstanceIdentifier\` to "orders-postgres" instead of \`dbClusterIdentifier\`.\n`,
      });
    });

    it("names the lookups entry to add when the file does not answer a lookup", async () => {
      const other = variant("Pulumi.other-db.yaml", (y) => y.replace("dbInstanceIdentifier: orders-postgres", "dbInstanceIdentifier: reports-postgres"));
      assert.deepEqual(await planHere("--config", other), {
        code: 1,
        out: "",
        err: `error: DB instance "reports-postgres" is not in \`lookups.instances\` of ${other}; add what \`aws rds describe-db-instances --db-instance-identifier reports-postgres\` shows.\n`,
      });
    });
  });

  describe("arguments", () => {
    it("plans an example with --example, reading its own sample config", async () => {
      const result = await planHere("--example", "aurora-mysql-cdc");
      assert.deepEqual([result.code, result.err], [0, ""]);
      assert.equal(
        result.out.split("\n")[0],
        "Offline plan of examples/aurora-mysql-cdc/index.ts (project clickpipes-example-aurora-mysql-cdc, stack sample, config examples/aurora-mysql-cdc/Pulumi.sample.yaml): what `pulumi up` would create.",
      );
      assert.ok(result.out.includes('"Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user"'));
      assert.ok(result.out.includes("  GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'clickpipes_iam_user'@'%';\n"));
      assert.ok(result.out.includes("  CALL mysql.rds_set_configuration('binlog retention hours', 72);\n"));
      const readiness = result.out.slice(result.out.indexOf("Readiness checks of shop:"), result.out.indexOf("\nStack outputs:"));
      assert.deepEqual(readiness.trimEnd().split("\n"), [
        "Readiness checks of shop:",
        "  made from the target's settings as soon as they are known (a failure creates nothing):",
        "    -  rds.endpoint: the host is an RDS endpoint ClickPipes signs IAM tokens for (warning)",
        "  made over the admin connection at `pulumi up` by shop-cdc-readiness, before any user or grant (cannot run offline):",
        "    -  mysql.log_bin: binary logging on",
        "    -  mysql.binlog_format: binlog_format ROW",
        "    -  mysql.binlog_row_image: binlog_row_image FULL",
        "    -  mysql.binlog_row_metadata: binlog_row_metadata FULL (MySQL 8.0.1+)",
        "    -  mysql.binlog_row_value_options: binlog_row_value_options empty (MySQL 8.0.3+)",
        "    -  mysql.gtid_mode: gtid_mode ON (replication mechanism GTID)",
        "    -  mysql.binlog_retention_hours: binlog retention hours at least 24; raised to 72 when lower (RDS, Aurora; never lowered)",
        "    -  mysql.binlog_expire_logs_seconds: binlog_expire_logs_seconds 0 or at least 86400",
      ]);
    });

    it("shows the publication it creates and the checks for a PostgreSQL CDC example", async () => {
      const result = await planHere("--example", "new-rds-instance");
      assert.equal(result.code, 0);
      assert.match(result.out, /^ {2}\+ {5}pulumi-nodejs:dynamic:Resource \(PostgresPublication\) +orders-publication$/m);
      assert.ok(result.out.includes('  CREATE PUBLICATION "clickpipes_iam_user_publication" FOR TABLES IN SCHEMA "public" WITH (publish_via_partition_root = true);\n'));
      assert.ok(result.out.includes("    -  postgres.rds_iam_auth_for_replication: rds.iam_auth_for_replication = 1 (RDS, Aurora)\n"));
    });

    it("refuses an unknown example, listing the ones there are", async () => {
      assert.deepEqual(await planHere("--example", "oracle"), {
        code: 2,
        out: "",
        err: `error: There is no example program \`oracle\`; choose one of analytics-source, aurora-mysql-cdc, clickpipe-end-to-end, multiple-databases, new-rds-instance, rds-postgres-initial-load.\n\n${USAGE}`,
      });
    });

    it("refuses an unknown argument with the usage", async () => {
      assert.deepEqual(await planHere("--stack", "dev"), { code: 2, out: "", err: `error: Unknown argument \`--stack\`.\n\n${USAGE}` });
    });

    it("reports a config file that does not exist", async () => {
      assert.deepEqual(await planHere("--config", "Pulumi.nope.yaml"), { code: 1, out: "", err: "error: Cannot read Pulumi.nope.yaml: no such file.\n" });
    });

    it("reports a lookup answer that lacks a field", async () => {
      const broken = variant("Pulumi.no-resource-id.yaml", (y) => y.replace("      resourceId: db-ABCDEFGHIJKLMNOPQRSTUVWXY0\n", ""));
      assert.deepEqual(await planHere("--config", broken), {
        code: 1,
        out: "",
        err: `error: ${broken}: \`lookups.instances.orders-postgres.resourceId\` is missing; copy it from \`aws rds describe-db-instances\`.\n`,
      });
    });
  });
});
