/**
 * `ClickPipesRdsIamAccess` with `clickhouseService` instead of `clickhouseRoleArn`: the role is
 * read from the (fake) ClickHouse Cloud API, at preview too, and checked like a given ARN.
 */
import { strict as assert } from "assert";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";
import { answerServiceLookups } from "../components/clickhouse/serviceRole";
import { FakeClickHouseApi, ORG_ID, SERVICE_ID, SERVICE_ROLE, TEST_KEY_ID, TEST_KEY_SECRET } from "./support/clickhouseApi";
import { cloud, failureOf, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";

describe("ClickPipesRdsIamAccess with clickhouseService", () => {
  const fake = new FakeClickHouseApi();
  const SERVICE_PATH = `/organizations/${ORG_ID}/services/${SERVICE_ID}`;
  let restore: () => void;

  function args(over: Record<string, unknown> = {}): ClickPipesRdsIamAccessArgs {
    const clickhouseService = { organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET, apiUrl: fake.url };
    return { clickhouseService, engine: "postgres", dbInstanceIdentifier: "orders-pg", adminUsername: "admin_user", adminPassword: "pw", ...over } as unknown as ClickPipesRdsIamAccessArgs;
  }

  before(async () => {
    restore = answerServiceLookups(undefined);
    await fake.start();
  });
  after(async () => {
    restore();
    await fake.stop();
  });

  for (const preview of [false, true]) {
    it(`reads the service's role with one GET${preview ? " at preview too" : ""}, and trusts exactly it`, async () => {
      installMocks({ preview });
      cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } });
      resetIamAuthEnablerRegistry();
      fake.reset();
      const c = new ClickPipesRdsIamAccess("pg", args());
      await settleTree(c);
      const trust = JSON.parse(String(await valueOf(cloud.one("aws:iam/role:Role").inputs.assumeRolePolicy as string))) as { Statement: Array<{ Principal: unknown }> };
      assert.deepEqual(trust.Statement[0].Principal, { AWS: SERVICE_ROLE });
      assert.deepEqual(fake.calls(), [`GET ${SERVICE_PATH}`]);
      // Still one invoke: the RDS lookup. The service lookup is an HTTP call, not an invoke.
      assert.deepEqual(cloud.invokes.map((i) => i.token), ["aws:rds/getInstance:getInstance"]);
    });
  }

  it("makes no call when clickhouseRoleArn is given", async () => {
    installMocks();
    cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } });
    fake.reset();
    await settleTree(new ClickPipesRdsIamAccess("pg", args({ clickhouseService: undefined, clickhouseRoleArn: SERVICE_ROLE })));
    assert.deepEqual(fake.calls(), []);
  });

  it("refuses both, before registering anything", () => {
    installMocks();
    cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } });
    assert.throws(() => new ClickPipesRdsIamAccess("pg", args({ clickhouseRoleArn: SERVICE_ROLE })), { message: "Only one of `clickhouseRoleArn` or `clickhouseService` can be provided." });
    assert.deepEqual(cloud.resources, []);
  });

  it("refuses a role the API reports that is not an IAM role ARN, and creates no role", async () => {
    installMocks();
    cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } });
    resetIamAuthEnablerRegistry();
    fake.reset();
    fake.services.set(SERVICE_ID, { id: SERVICE_ID, provider: "aws", iamRole: "CH-S3-Role" });
    const c = new ClickPipesRdsIamAccess("pg", args());
    assert.equal(
      await failureOf(c.roleArn),
      `ClickHouse service "${SERVICE_ID}" reports \`iamRole\` "CH-S3-Role", which is not an IAM role ARN; pass \`clickhouseRoleArn\` instead, copied from "Service role ID (IAM)" in the service's Settings.`,
    );
    assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
  });
});
