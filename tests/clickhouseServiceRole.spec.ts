import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { clickHouseApi } from "../components/clickhouse/api";
import { answerServiceLookups, clickhouseServiceRoleArn, getServiceIamRole, lookupServiceIamRole } from "../components/clickhouse/serviceRole";
import { validateClickHouseServiceArgs } from "../components/clickhouse/service";
import { ValidationError } from "../components/validation";
import { FakeClickHouseApi, fakeClock, ORG_ID, SERVICE_ID, SERVICE_ROLE, TEST_KEY_ID, TEST_KEY_SECRET } from "./support/clickhouseApi";
import { installMocks, valueOf } from "./support/mocks";

describe("ClickHouse service IAM role lookup", () => {
  const fake = new FakeClickHouseApi();
  const api = () => clickHouseApi({ apiUrl: fake.url, keyId: TEST_KEY_ID, keySecret: TEST_KEY_SECRET }, { clock: fakeClock() });
  const service = () => ({ organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET, apiUrl: fake.url });

  // Lookups go to the fake API, whatever another spec left installed.
  let restore: () => void;
  before(async () => {
    installMocks();
    restore = answerServiceLookups(undefined);
    await fake.start();
  });
  after(async () => {
    restore();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  describe("getServiceIamRole", () => {
    it("returns the service's iamRole from GET /organizations/{org}/services/{service}", async () => {
      assert.equal(await getServiceIamRole(api(), ORG_ID, SERVICE_ID), SERVICE_ROLE);
      assert.deepEqual(fake.calls(), [`GET /organizations/${ORG_ID}/services/${SERVICE_ID}`]);
    });

    it("refuses an iamRole that is not an IAM role ARN, as it refuses such a clickhouseRoleArn", async () => {
      fake.services.set(SERVICE_ID, { id: SERVICE_ID, provider: "aws", iamRole: "arn:aws:s3:::ch-bucket" });
      await assert.rejects(getServiceIamRole(api(), ORG_ID, SERVICE_ID), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(
          e.message,
          `ClickHouse service "${SERVICE_ID}" reports \`iamRole\` "arn:aws:s3:::ch-bucket", which is not an IAM role ARN; pass \`clickhouseRoleArn\` instead, copied from "Service role ID (IAM)" in the service's Settings.`,
        );
        return true;
      });
    });

    it("says when the service has no IAM role, naming a cloud other than AWS", async () => {
      fake.services.set(SERVICE_ID, { id: SERVICE_ID, provider: "gcp", iamRole: "" });
      await assert.rejects(getServiceIamRole(api(), ORG_ID, SERVICE_ID), {
        message: `ClickHouse service "${SERVICE_ID}" has no \`iamRole\` (it runs on "gcp"); IAM-role access to RDS needs a ClickHouse service on AWS, so use one, or pass \`clickhouseRoleArn\`.`,
      });
    });

    it("passes the API's not-found through", async () => {
      const other = "00000000-0000-4000-8000-000000000000";
      await assert.rejects(getServiceIamRole(api(), ORG_ID, other), {
        message: `ClickHouse Cloud API GET /v1/organizations/${ORG_ID}/services/${other} failed with HTTP 404: NOT_FOUND: Service ${other} not found`,
      });
    });
  });

  describe("clickhouseServiceRoleArn", () => {
    it("resolves to the role, not secret though the key is", async () => {
      const arn = clickhouseServiceRoleArn({ ...service(), apiKeySecret: pulumi.secret(TEST_KEY_SECRET) });
      assert.equal(await valueOf(arn), SERVICE_ROLE);
      assert.equal(await pulumi.isSecret(arn), false);
    });

    it("refuses a service ID that is not a UUID before any call", () => {
      assert.throws(() => clickhouseServiceRoleArn({ ...service(), serviceId: "orders-service" }), {
        message: '`clickhouseService.serviceId` "orders-service" is not a ClickHouse Cloud service ID; copy the service ID, a UUID such as "2f0e7c3a-5b1d-4e8f-9a6c-0d1e2f3a4b5c", from the service\'s Settings in the ClickHouse Cloud console.',
      });
      assert.deepEqual(fake.calls(), []);
    });

    it("checks Outputs once they resolve, never echoing the key secret", async () => {
      await assert.rejects(valueOf(clickhouseServiceRoleArn({ ...service(), organizationId: pulumi.output("my-org"), apiKeySecret: pulumi.secret("") }, "service")), {
        message: '`service.organizationId` "my-org" is not a ClickHouse Cloud organization ID; copy the organization ID, a UUID such as "2f0e7c3a-5b1d-4e8f-9a6c-0d1e2f3a4b5c", from Organization details in the ClickHouse Cloud console.',
      });
      assert.throws(() => validateClickHouseServiceArgs("clickhouseService", { ...service(), apiKeySecret: 42 }), {
        message: "`clickhouseService.apiKeySecret` is a number, not a string; use a string or a pulumi.Output<string>.",
      });
    });

    it("refuses an apiUrl that would send the key in clear text", () => {
      assert.throws(() => clickhouseServiceRoleArn({ ...service(), apiUrl: "http://api.example.com/v1" }), {
        message: '`clickhouseService.apiUrl` "http://api.example.com/v1" is not HTTPS, so the API key would travel in clear text; use "https://api.clickhouse.cloud/v1".',
      });
    });
  });

  describe("answerServiceLookups", () => {
    it("answers lookups without the API, checks the answer, and restores the API", async () => {
      const asked: string[] = [];
      const restore = answerServiceLookups(({ serviceId }) => {
        asked.push(serviceId);
        return serviceId === SERVICE_ID ? "arn:aws:iam::444455556666:role/CH-S3-planned-Role" : "not-an-arn";
      });
      try {
        assert.equal(await lookupServiceIamRole(service()), "arn:aws:iam::444455556666:role/CH-S3-planned-Role");
        await assert.rejects(lookupServiceIamRole({ ...service(), serviceId: "11111111-1111-4111-8111-111111111111" }), /reports `iamRole` "not-an-arn", which is not an IAM role ARN/);
        assert.deepEqual(fake.calls(), []);
      } finally {
        restore();
      }
      assert.deepEqual(asked, [SERVICE_ID, "11111111-1111-4111-8111-111111111111"]);
      assert.equal(await lookupServiceIamRole(service()), SERVICE_ROLE);
      assert.equal(fake.calls().length, 1);
    });
  });
});
