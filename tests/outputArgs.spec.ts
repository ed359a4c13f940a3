import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess } from "../components";
import { cloud, failureOf, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";

describe("deploy-time checks of Output args", () => {
  before(() => installMocks());
  beforeEach(() => cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } }));

  const base = { engine: "postgres" as const, dbInstanceIdentifier: "orders-pg", adminUsername: "admin_user", adminPassword: "pw" };

  it("refuses an Output clickhouseRoleArn in another partition, creating nothing that depends on the target", async () => {
    const c = new ClickPipesRdsIamAccess("x", { ...base, clickhouseRoleArn: pulumi.output("arn:aws-cn:iam::111122223333:role/ch") });
    assert.equal(
      await failureOf(c.resourceId),
      '`clickhouseRoleArn` "arn:aws-cn:iam::111122223333:role/ch" is in partition "aws-cn" but the database is in "aws"; use a ClickHouse service in the database\'s partition.',
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(cloud.resources.map((r) => r.type).filter((t) => t.startsWith("postgresql:") || t.startsWith("aws:iam")), []);
  });

  it("refuses an Output database that names a system database", async () => {
    const c = new ClickPipesRdsIamAccess("y", { ...base, clickhouseRoleArn: CH_ROLE, database: pulumi.output("template1") });
    assert.equal(await failureOf(c.resourceId), '`database` "template1" is a system database; give the application database ClickPipes should read.');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(cloud.resources.map((r) => r.type).filter((t) => t.startsWith("postgresql:") || t.startsWith("aws:iam")), []);
  });

  it("does not make the outputs secret when adminUsername is a secret", async () => {
    const c = new ClickPipesRdsIamAccess("z", { ...base, clickhouseRoleArn: CH_ROLE, adminUsername: pulumi.secret("admin_user") });
    await settleTree(c);
    assert.equal(await pulumi.isSecret(c.resourceId), false);
    assert.equal(await valueOf(c.resourceId), "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");
  });
});
