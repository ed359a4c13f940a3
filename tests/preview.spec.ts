/**
 * `pulumi preview` as the engine runs it: a dry run in which every output AWS assigns to a
 * resource being created (an ARN, a resource ID, an address) is unknown, while the inputs the
 * program gave and the lookups of existing databases are known. What can be checked at preview
 * must be checked there; what is known must be shown with its value.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components";
import * as fs from "fs";
import { exampleNames } from "../scripts/plan";
import { ProgramError } from "../scripts/runProgram";
import { runWithLookups } from "./support/programs";
import { cloud, failureOf, installMocks, instanceLookup, settleTree } from "./support/mocks";

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";
const REPO = path.resolve(__dirname, "..");

/** An output's value, or "unknown" when the dry run cannot know it. */
async function atPreview<T>(o: pulumi.Output<T>): Promise<T | "unknown"> {
  const impl = o as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  return (await impl.isKnown) ? impl.promise() : "unknown";
}

function pgArgs(over: Partial<ClickPipesRdsIamAccessArgs> = {}): ClickPipesRdsIamAccessArgs {
  return { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbInstanceIdentifier: "orders-pg", adminUsername: "admin_user", adminPassword: "pw", ...over };
}

function newInstance(name: string, over: Partial<aws.rds.InstanceArgs> = {}): aws.rds.Instance {
  return new aws.rds.Instance(name, { engine: "postgres", engineVersion: "16", instanceClass: "db.t4g.micro", allocatedStorage: 20, iamDatabaseAuthenticationEnabled: true, ...over });
}

describe("pulumi preview (dry run)", () => {
  before(() => installMocks({ preview: true }));
  after(() => installMocks());
  beforeEach(() => cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } }));

  describe("an existing database, by identifier", () => {
    it("knows the resource ID, endpoint, dbuser ARN and SQL from the lookup; the new role's ARN is unknown", async () => {
      const c = new ClickPipesRdsIamAccess("pg", pgArgs({ cdc: true }));
      await settleTree(c);
      assert.deepEqual(
        [await atPreview(c.resourceId), await atPreview(c.host), await atPreview(c.port), await atPreview(c.dbUserArn), await atPreview(c.roleArn), await atPreview(c.clickPipeSource)],
        [
          "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
          "orders-pg.abcdefghijkl.eu-west-1.rds.amazonaws.com",
          5432,
          "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user",
          "unknown",
          "unknown",
        ],
      );
      assert.match(String(await atPreview(c.setupSql)), /^-- connect to database "postgres"\n/);
      // The connect policy names the exact user already at preview.
      const policy = JSON.parse(String(cloud.one("aws:iam/rolePolicy:RolePolicy").inputs.policy)) as { Statement: Array<{ Resource: string }> };
      assert.equal(policy.Statement[0].Resource, "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user");
    });

    it("refuses an engine that disagrees with the lookup", async () => {
      const c = new ClickPipesRdsIamAccess("pg", pgArgs({ engine: "mysql", databases: ["shop"], adminUsername: "a", adminPassword: "p" } as Partial<ClickPipesRdsIamAccessArgs>));
      assert.equal(await failureOf(c.resourceId), '`engine` "mysql" does not match the database\'s engine "postgres"; set `engine` to "postgres".');
    });
  });

  describe("a database created in the same program", () => {
    it("refuses IAM auth off at preview, naming iamDatabaseAuthenticationEnabled, before the database exists", async () => {
      const c = new ClickPipesRdsIamAccess("new", pgArgs({ dbInstanceIdentifier: undefined, instance: newInstance("db", { iamDatabaseAuthenticationEnabled: false }) }));
      assert.equal(
        await failureOf(c.resourceId),
        'IAM database authentication is off on instance "db"; set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Instance (this component never modifies a database it does not own).',
      );
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
    });

    it("refuses another engine at preview, naming engine", async () => {
      const c = new ClickPipesRdsIamAccess("new", pgArgs({ dbInstanceIdentifier: undefined, instance: newInstance("db", { engine: "mysql", engineVersion: "8.0" }) }));
      assert.equal(await failureOf(c.resourceId), '`engine` "postgres" does not match the database\'s engine "mysql"; set `engine` to "mysql".');
    });

    it("refuses PostgreSQL 11 and a schema publication on 14 at preview, from the engine version the program gave", async () => {
      const old = new ClickPipesRdsIamAccess("old", pgArgs({ dbInstanceIdentifier: undefined, instance: newInstance("db11", { engineVersion: "11.22" }) }));
      assert.match(await failureOf(old.resourceId), /^PostgreSQL "11\.22" on instance "db11" is older than ClickPipes reads/);
      const pg14 = new ClickPipesRdsIamAccess("pg14", pgArgs({ dbInstanceIdentifier: undefined, cdc: true, instance: newInstance("db14", { engineVersion: "14.12" }) }));
      assert.match(await failureOf(pg14.resourceId), /^PostgreSQL "14\.12" on instance "db14" has no `FOR TABLES IN SCHEMA` publications/);
    });

    it("refuses MariaDB CDC without automated backups at preview", async () => {
      const db = newInstance("maria", { engine: "mariadb", engineVersion: "10.11", backupRetentionPeriod: 0 });
      const c = new ClickPipesRdsIamAccess("m", { clickhouseRoleArn: CH_ROLE, engine: "mariadb", instance: db, adminUsername: "a", adminPassword: "p", databases: ["shop"], cdc: true });
      assert.match(await failureOf(c.resourceId), /^Instance "maria" is not ready for ClickPipes CDC \(1 unmet requirement\)/);
    });

    it("passes a good one, leaving what AWS assigns at create unknown", async () => {
      const c = new ClickPipesRdsIamAccess("new", pgArgs({ dbInstanceIdentifier: undefined, instance: newInstance("db") }));
      await settleTree(c);
      assert.deepEqual([await atPreview(c.resourceId), await atPreview(c.host), await atPreview(c.dbUserArn)], ["unknown", "unknown", "unknown"]);
      assert.equal(await atPreview(c.dbUsername), "clickpipes_iam_user");
    });
  });

  describe("programs", () => {
    for (const name of exampleNames()) {
      it(`previews examples/${name} without a failure`, async () => {
        const run = await runWithLookups(path.join(REPO, "examples", name));
        assert.ok(run.resources.some((r) => r.type === "clickpipes-rds-iam:index:ClickPipesRdsIamAccess"));
      });
    }

    it("previews the root program (index.ts) with the sample config", async () => {
      const run = await runWithLookups(REPO);
      assert.equal(await atPreview(pulumi.output(run.exports.dbUserArn as pulumi.Output<string>)), "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user");
    });

    it("refuses the same-stack example with IAM auth off, with the component's message alone", async () => {
      const dir = path.join(REPO, "examples", "new-rds-instance");
      const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      assert.ok(source.includes("iamDatabaseAuthenticationEnabled: true,"));
      // The example as a user might get it wrong, beside it so that it imports the same way.
      const program = path.join(dir, `.preview-iam-off-${process.pid}.ts`);
      fs.writeFileSync(program, source.replace("iamDatabaseAuthenticationEnabled: true,", "iamDatabaseAuthenticationEnabled: false,"));
      try {
        await assert.rejects(runWithLookups(dir, undefined, program), (e: unknown) => {
          assert.ok(e instanceof ProgramError);
          assert.deepEqual(e.messages, [
            'IAM database authentication is off on instance "orders-db"; set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Instance (this component never modifies a database it does not own).',
          ]);
          return true;
        });
      } finally {
        fs.rmSync(program, { force: true });
      }
    });
  });
});
