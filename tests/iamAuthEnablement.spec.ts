import * as assert from "node:assert/strict";
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, ListTagsForResourceCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { IamAuthEnablement, checked, consumerIdOf, type IamAuthEnablementArgs } from "../components/iamAuth";
import { validateTimeoutMinutes } from "../components/aws/iamAuthArgs";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";
import { CONSUMER_TAG_PREFIX, MAX_TAG_KEY_LENGTH, consumerTagKey, otherConsumers, shouldRestore } from "../components/aws/consumerTags";
import { otherPendingChanges } from "../components/aws/pendingModifications";
import { cloud, failureOf, installMocks, settleTree, valueOf } from "./support/mocks";
import { ACCOUNT, INSTANCE_ARN, db, tagList } from "./support/iamAuthFakes";

/** Loads a serialized provider the way the dynamic-provider host does: a module of its own, in the project directory. */
function loadSerialized(text: string): pulumi.dynamic.ResourceProvider {
  const filename = path.join(__dirname, "..", "__serialized_provider.js");
  const m = new Module(filename) as Module & { _compile(code: string, file: string): void };
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
  m._compile(text, filename);
  return (m.exports as { handler(): pulumi.dynamic.ResourceProvider }).handler();
}

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

function args(over: Partial<IamAuthEnablementArgs> = {}): IamAuthEnablementArgs {
  return { targetKind: "instance", identifier: "mydb", region: "eu-west-1", mode: "enable", ...over };
}

describe("IamAuthEnablement", () => {
  before(() => installMocks());
  beforeEach(() => {
    cloud.reset();
    resetIamAuthEnablerRegistry();
  });

  describe("registration", () => {
    it("registers the target, the safe defaults and a consumer ID as inputs", async () => {
      const res = new IamAuthEnablement("db-iam-auth", args({ identifier: pulumi.output("mydb") }));
      await settleTree(res);
      const { __provider: provider, ...inputs } = cloud.one(DYNAMIC).inputs;
      assert.deepEqual(inputs, {
        targetKind: "instance",
        identifier: "mydb",
        region: "eu-west-1",
        mode: "enable",
        restoreOnDelete: false,
        timeoutMinutes: 30,
        applyPendingModifications: false,
        consumerId: consumerIdOf(undefined, "db-iam-auth"),
        enabledSetting: true,
      });
      assert.match(await valueOf(res.consumerId), /^[0-9a-f]{32}$/);
      // The serialized provider names only the stable entry (tests/dynamicProvider.spec.ts has the details).
      assert.equal(typeof provider, "string");
      assert.deepEqual([...String(provider).matchAll(/require\("([^"]*)"\)/g)].map((m) => m[1]), ["clickpipes-rds-iam/providers"]);
    });

    it("serializes a provider that runs on its own: it checks the account, reads the record, and drops a deleted database on refresh", async () => {
      await settleTree(new IamAuthEnablement("db-iam-auth", args({ targetArn: INSTANCE_ARN })));
      const { __provider: text, ...inputs } = cloud.one(DYNAMIC).inputs;
      const provider = loadSerialized(String(text));
      const rds = mockClient(RDSClient);
      const sts = mockClient(STSClient);
      try {
        sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
        rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
        rds.on(ListTagsForResourceCommand).resolves(tagList({ [consumerTagKey(String(inputs.consumerId))]: "already-on" }));
        const created = await provider.create(inputs);
        assert.deepEqual(created, { id: "eu-west-1/instance/mydb", outs: { ...inputs, previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true } });
        rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
        assert.deepEqual(await provider.read?.("eu-west-1/instance/mydb", created.outs), { id: "" });
      } finally {
        rds.restore();
        sts.restore();
      }
    });

    it("passes the credentials, target ARN and opt-ins through", async () => {
      const awsCredentials = { profile: "prod", assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", externalId: "ext-1", sessionName: "pulumi" } };
      await settleTree(new IamAuthEnablement("x", args({ awsCredentials, targetArn: "arn:aws:rds:eu-west-1:123456789012:db:mydb", restoreOnDelete: true, applyPendingModifications: true, timeoutMinutes: pulumi.output(45) })));
      const inputs = cloud.one(DYNAMIC).inputs;
      assert.deepEqual(
        [inputs.awsCredentials, inputs.targetArn, inputs.restoreOnDelete, inputs.applyPendingModifications, inputs.timeoutMinutes],
        [awsCredentials, "arn:aws:rds:eu-west-1:123456789012:db:mydb", true, true, 45],
      );
    });

    it("derives the consumer ID from its identity: stable for a re-run, different for another resource", () => {
      assert.equal(consumerIdOf("urn:pulumi:stack::project::a:b:C::pg", "pg-iam-auth"), consumerIdOf("urn:pulumi:stack::project::a:b:C::pg", "pg-iam-auth"));
      assert.notEqual(consumerIdOf("urn:pulumi:stack::project::a:b:C::pg", "pg-iam-auth"), consumerIdOf("urn:pulumi:stack::project::a:b:C::pg2", "pg-iam-auth"));
      assert.notEqual(consumerIdOf(undefined, "a"), consumerIdOf(undefined, "b"));
    });
  });

  describe("one database, several enablers in one program", () => {
    const urnOf = (name: string) => new RegExp(`::${name}$`);

    it("makes a later enabler for the same database (identifier in any case) wait for the first", async () => {
      const first = new IamAuthEnablement("first", args());
      const second = new IamAuthEnablement("second", args({ identifier: pulumi.output("MyDB") }));
      await settleTree(first);
      await settleTree(second);
      const [a, b] = ["first", "second"].map((n) => cloud.byType(DYNAMIC).find((r) => r.name === n));
      assert.ok(b?.dependencies.some((u) => urnOf("first").test(u)), b?.dependencies.join(", "));
      assert.ok(!a?.dependencies.some((u) => urnOf("second").test(u)));
    });

    it("lets enablers of different databases, kinds or regions run independently", async () => {
      const all = [
        new IamAuthEnablement("a", args()),
        new IamAuthEnablement("b", args({ identifier: "otherdb" })),
        new IamAuthEnablement("c", args({ targetKind: "cluster" })),
        new IamAuthEnablement("d", args({ region: "us-east-1" })),
      ];
      for (const r of all) await settleTree(r);
      for (const r of cloud.byType(DYNAMIC)) assert.deepEqual(r.dependencies, [], r.name);
    });

    it("keeps the dependencies given in the options", async () => {
      const before = new IamAuthEnablement("before", args({ identifier: "otherdb" }));
      await settleTree(new IamAuthEnablement("after", args(), { dependsOn: [before] }));
      assert.ok(cloud.byType(DYNAMIC).find((r) => r.name === "after")?.dependencies.some((u) => urnOf("before").test(u)));
    });
  });

  describe("validation", () => {
    const refusals: Array<[string, Partial<IamAuthEnablementArgs>, string]> = [
      ["an unknown targetKind", { targetKind: "db" as "instance" }, '`targetKind` "db" is not supported; use "instance" or "cluster".'],
      ["an unknown mode", { mode: "on" as "enable" }, '`mode` "on" is not supported; use "enable" or "verify".'],
      ["timeoutMinutes NaN", { timeoutMinutes: NaN }, "`timeoutMinutes` NaN is out of range; use a number of minutes from 1 to 1440."],
      ["timeoutMinutes -1", { timeoutMinutes: -1 }, "`timeoutMinutes` -1 is out of range; use a number of minutes from 1 to 1440."],
      ["timeoutMinutes 1e9", { timeoutMinutes: 1e9 }, "`timeoutMinutes` 1000000000 is out of range; use a number of minutes from 1 to 1440."],
      ["timeoutMinutes Infinity", { timeoutMinutes: Infinity }, "`timeoutMinutes` Infinity is out of range; use a number of minutes from 1 to 1440."],
      ["timeoutMinutes as a string", { timeoutMinutes: "30" as unknown as number }, '`timeoutMinutes` "30" is a string, not a number; use a number of minutes from 1 to 1440.'],
      ["restoreOnDelete \"false\"", { restoreOnDelete: "false" as unknown as boolean }, '`restoreOnDelete` "false" is a string, not a boolean; use true or false.'],
      ["applyPendingModifications 1", { applyPendingModifications: 1 as unknown as boolean }, "`applyPendingModifications` 1 is a number, not a boolean; use true or false."],
      ["an identifier with a space", { identifier: "my db" }, '`identifier` "my db" is not a valid name; use letters, digits and hyphens, such as "orders-db".'],
      ["a missing identifier", { identifier: undefined as unknown as string }, '`identifier` is missing; set it to a string such as "orders-db".'],
      ["a region as a number", { region: 1 as unknown as string }, '`region` 1 is a number, not a string; use a string such as "eu-west-1".'],
      [
        "a role ARN that is not one",
        { awsCredentials: { assumeRole: { roleArn: "arn:aws:iam::123456789012:user/deploy" } } },
        '`awsCredentials.assumeRole.roleArn` "arn:aws:iam::123456789012:user/deploy" is not an IAM role ARN; use the ARN of the role to assume, such as "arn:aws:iam::123456789012:role/deploy".',
      ],
    ];
    for (const [what, over, message] of refusals) {
      it(`refuses ${what} before registering`, () => {
        assert.throws(() => new IamAuthEnablement("bad", args(over)), { name: "ValidationError", message });
        assert.deepEqual(cloud.byType(DYNAMIC), []);
      });
    }

    it("refuses an Output once it resolves to a bad value, and keeps a good one", async () => {
      const check = (v: unknown) => validateTimeoutMinutes("timeoutMinutes", v);
      assert.equal(await failureOf(pulumi.output(checked(pulumi.output(NaN), 30, check))), "`timeoutMinutes` NaN is out of range; use a number of minutes from 1 to 1440.");
      assert.equal(await valueOf(checked(pulumi.output(45), 30, check)), 45);
      assert.equal(await valueOf(checked(pulumi.output(undefined as unknown as number), 30, check)), 30);
      assert.equal(checked(undefined, 30, check), 30);
    });
  });

  describe("consumer records", () => {
    it("names a consumer's tag with the prefix and refuses keys RDS would not take", () => {
      assert.equal(consumerTagKey("0123456789abcdef0123456789abcdef"), "clickpipes-rds-iam:iam-auth:0123456789abcdef0123456789abcdef");
      assert.equal(consumerTagKey("x".repeat(MAX_TAG_KEY_LENGTH - CONSUMER_TAG_PREFIX.length)).length, 128);
      assert.throws(() => consumerTagKey("x".repeat(MAX_TAG_KEY_LENGTH - CONSUMER_TAG_PREFIX.length + 1)), /cannot be part of an RDS tag key/);
      assert.throws(() => consumerTagKey("a;b"), /cannot be part of an RDS tag key/);
    });

    it("counts only other keys with the prefix as other consumers", () => {
      const own = consumerTagKey("me");
      assert.deepEqual(otherConsumers({ [own]: "enabled", Name: "orders", [`${CONSUMER_TAG_PREFIX}team-b`]: "in-use", "clickpipes-rds-iam:other": "x" }, own), [`${CONSUMER_TAG_PREFIX}team-b`]);
    });

    it("turns IAM auth off only when asked, recorded as its own change, with no other consumer, and on", () => {
      const yes = { restoreOnDelete: true, own: "enabled", others: [], enabled: true };
      assert.equal(shouldRestore(yes), true);
      for (const no of [{ restoreOnDelete: false }, { own: "already-on" }, { own: undefined }, { others: ["k"] }, { enabled: false }]) assert.equal(shouldRestore({ ...yes, ...no }), false, JSON.stringify(no));
    });
  });

  describe("otherPendingChanges", () => {
    it("lists what is pending besides the IAM flag, skipping empty values", () => {
      assert.deepEqual(
        otherPendingChanges({ IAMDatabaseAuthenticationEnabled: true, DBInstanceClass: "db.m7g.large", MultiAZ: true, ProcessorFeatures: [], PendingCloudwatchLogsExports: { LogTypesToEnable: ["postgresql"] } }),
        ['DBInstanceClass "db.m7g.large"', "MultiAZ true", 'PendingCloudwatchLogsExports {"LogTypesToEnable":["postgresql"]}'],
      );
      assert.deepEqual(otherPendingChanges({ IAMDatabaseAuthenticationEnabled: true }), []);
      assert.deepEqual(otherPendingChanges(undefined), []);
    });
  });
});
