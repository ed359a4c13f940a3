import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AssumeRoleCommand, STSClient as CredentialsStsClient } from "@aws-sdk/nested-clients/sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { accountMismatchMessage, assertCallerAccount, credentialProvider, type CredentialProvider } from "../components/aws/credentials";
import { validateAwsCredentials } from "../components/aws/iamAuthArgs";
import { rdsClient } from "../components/iamAuthRds";

const ROLE = "arn:aws:iam::210987654321:role/deploy";
const TARGET = "arn:aws:rds:eu-west-1:210987654321:db:orders";

/** Resolves a credential provider (SDK providers are functions of optional identity properties). */
async function resolve(provider: CredentialProvider | undefined): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  if (typeof provider !== "function") throw new Error("expected a credential provider");
  return provider({});
}

describe("iamAuth credentials", () => {
  const env = { ...process.env };
  let dir: string;
  let sts: AwsClientStub<STSClient>;
  let assume: AwsClientStub<CredentialsStsClient>;

  before(() => {
    // Shared config files with two profiles; nothing is read from the real home directory.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "iam-auth-creds-"));
    fs.writeFileSync(
      path.join(dir, "credentials"),
      "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = prod-secret\n",
    );
    fs.writeFileSync(path.join(dir, "config"), "[default]\nregion = eu-west-1\n\n[profile prod]\nregion = eu-west-1\n");
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "credentials");
    process.env.AWS_CONFIG_FILE = path.join(dir, "config");
    sts = mockClient(STSClient);
    assume = mockClient(CredentialsStsClient);
  });
  beforeEach(() => {
    sts.reset();
    assume.reset();
  });
  after(() => {
    process.env = env;
    fs.rmSync(dir, { recursive: true, force: true });
    sts.restore();
    assume.restore();
  });

  describe("credentialProvider", () => {
    it("leaves the SDK's default chain alone without settings", async () => {
      assert.equal(await credentialProvider(undefined, "eu-west-1"), undefined);
      assert.equal(await credentialProvider({}, "eu-west-1"), undefined);
    });

    it("reads a profile of the shared files, as the aws provider's `profile`", async () => {
      const creds = await resolve(await credentialProvider({ profile: "prod" }, "eu-west-1"));
      assert.deepEqual([creds.accessKeyId, creds.secretAccessKey], ["AKIAPROD", "prod-secret"]);
    });

    it("gives the RDS client the profile's credentials", async () => {
      const client = await rdsClient("eu-west-1", { profile: "prod" });
      const creds = await (client.config.credentials as unknown as () => Promise<{ accessKeyId: string }>)();
      assert.equal(creds.accessKeyId, "AKIAPROD");
    });

    it("assumes the role with the external ID and session name, from the profile's credentials", async () => {
      assume.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: "ASIAROLE", SecretAccessKey: "role-secret", SessionToken: "token", Expiration: new Date(Date.now() + 3_600_000) } });
      const creds = await resolve(await credentialProvider({ profile: "prod", assumeRole: { roleArn: ROLE, externalId: "ext-123", sessionName: "pulumi-deploy" } }, "eu-west-1"));
      assert.deepEqual([creds.accessKeyId, creds.sessionToken], ["ASIAROLE", "token"]);
      const call = assume.commandCalls(AssumeRoleCommand)[0];
      assert.deepEqual(call.args[0].input, { RoleArn: ROLE, ExternalId: "ext-123", RoleSessionName: "pulumi-deploy" });
      // The STS client that assumed the role signs with the profile's credentials, in the database's region.
      const stsClient = call.thisValue as CredentialsStsClient;
      assert.equal(await stsClient.config.region(), "eu-west-1");
      assert.equal((await stsClient.config.credentials({})).accessKeyId, "AKIAPROD");
    });
  });

  describe("assertCallerAccount", () => {
    it("accepts credentials of the database's account, with one GetCallerIdentity", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321" });
      await assertCallerAccount(undefined, "eu-west-1", TARGET, 'DB instance "orders"');
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
    });

    it("refuses credentials of another account, naming both", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
      await assert.rejects(assertCallerAccount({ profile: "prod" }, "eu-west-1", TARGET, 'DB instance "orders"'), {
        message:
          'The AWS credentials of the IAM-auth enabler are for account "123456789012", but DB instance "orders" is in account "210987654321" (arn:aws:rds:eu-west-1:210987654321:db:orders); set `awsCredentials` to the profile or role your `aws` provider uses for that account, or run Pulumi with credentials for account "210987654321".',
      });
      assert.equal(accountMismatchMessage("1", "x", "arn", "2").startsWith('The AWS credentials of the IAM-auth enabler are for account "1"'), true);
    });

    it("makes no call without a target ARN", async () => {
      await assertCallerAccount(undefined, "eu-west-1", undefined, "x");
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0);
    });
  });

  describe("validateAwsCredentials", () => {
    it("accepts the aws provider's settings", () => {
      validateAwsCredentials("awsCredentials", { profile: "prod" });
      validateAwsCredentials("awsCredentials", { assumeRole: { roleArn: "arn:aws-us-gov:iam::123456789012:role/path/deploy", externalId: "ext:1/2", sessionName: "ci@pulumi" } });
    });

    const refusals: Array<[string, unknown, string]> = [
      ["a string", "prod", '`awsCredentials` "prod" is a string, not an object; use an object such as {"profile":"prod"}.'],
      ["an unknown setting", { region: "eu-west-1" }, "`awsCredentials.region` is not a setting of `awsCredentials`; use `profile` or `assumeRole`."],
      ["an empty profile", { profile: "" }, '`awsCredentials.profile` "" is not a profile name; give the name of a profile in your AWS config files, such as "prod".'],
      ["a profile as a number", { profile: 1 }, '`awsCredentials.profile` 1 is a number, not a string; give the name of a profile in your AWS config files, such as "prod".'],
      ["a role without an ARN", { assumeRole: {} }, '`awsCredentials.assumeRole.roleArn` is missing; set the ARN of the role to assume, such as "arn:aws:iam::123456789012:role/deploy".'],
      [
        "a role ARN with a wildcard",
        { assumeRole: { roleArn: "arn:aws:iam::123456789012:role/*" } },
        '`awsCredentials.assumeRole.roleArn` "arn:aws:iam::123456789012:role/*" is not an IAM role ARN; use the ARN of the role to assume, such as "arn:aws:iam::123456789012:role/deploy".',
      ],
      ["a role setting in the wrong place", { assumeRole: { roleArn: ROLE, duration: "1h" } }, "`awsCredentials.assumeRole.duration` is not a setting of `awsCredentials.assumeRole`; use `roleArn`, `externalId` or `sessionName`."],
      ["a one-character external ID", { assumeRole: { roleArn: ROLE, externalId: "x" } }, '`awsCredentials.assumeRole.externalId` "x" is not a valid external ID; use 2 to 1224 letters, digits or "_+=,.@:/-".'],
      ["a session name with a space", { assumeRole: { roleArn: ROLE, sessionName: "my session" } }, '`awsCredentials.assumeRole.sessionName` "my session" is not a valid session name; use 2 to 64 letters, digits or "_+=,.@-".'],
    ];
    for (const [what, value, message] of refusals) {
      it(`refuses ${what}`, () => assert.throws(() => validateAwsCredentials("awsCredentials", value), { name: "ValidationError", message }));
    }
  });
});
