import * as assert from "node:assert/strict";
import {
  AddTagsToResourceCommand,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
} from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { diffIamAuth, iamAuthProvider, type IamAuthInputs, type IamAuthOutputs } from "../components/iamAuth";
import { rdsClient } from "../components/iamAuthRds";
import { realClock } from "../components/aws/retry";
import { ACCOUNT, CONSUMER, INSTANCE_ARN, KEY, db, describeMydb, disableMydb, enableMydb, fakeClock, listMydb, sentBy, tagList, tagMydb, untagMydb } from "./support/iamAuthFakes";

const ID = "eu-west-1/instance/mydb";
const MISMATCH =
  'The AWS credentials of the IAM-auth enabler are for account "210987654321", but DB instance "mydb" is in account "123456789012" (arn:aws:rds:eu-west-1:123456789012:db:mydb); set `awsCredentials` to the profile or role your `aws` provider uses for that account, or run Pulumi with credentials for account "123456789012".';

function inputs(over: Partial<IamAuthInputs> = {}): IamAuthInputs {
  return {
    targetKind: "instance",
    identifier: "mydb",
    region: "eu-west-1",
    mode: "enable",
    restoreOnDelete: false,
    timeoutMinutes: 30,
    applyPendingModifications: false,
    targetArn: INSTANCE_ARN,
    consumerId: CONSUMER,
    enabledSetting: true,
    ...over,
  };
}

function state(over: Partial<IamAuthOutputs> = {}): IamAuthOutputs {
  return { ...inputs(), previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true, ...over };
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing provider method");
  return value;
}


describe("iamAuth provider", () => {
  let rds: AwsClientStub<RDSClient>;
  let sts: AwsClientStub<STSClient>;
  const sent = () => sentBy(rds);
  const saved = { ...realClock };
  before(() => {
    rds = mockClient(RDSClient);
    sts = mockClient(STSClient);
  });
  beforeEach(() => {
    rds.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/ci` });
    // The provider runs on real time: make its sleeps instant.
    const clock = fakeClock();
    Object.assign(realClock, { sleep: clock.sleep, now: clock.now });
  });
  afterEach(() => Object.assign(realClock, saved));
  after(() => {
    rds.restore();
    sts.restore();
  });

  describe("diffIamAuth", () => {
    it("reports no change for the same inputs", () => {
      assert.deepEqual(diffIamAuth(state(), inputs()), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces (create before delete) for another database", () => {
      assert.deepEqual(diffIamAuth(state(), inputs({ identifier: "otherdb" })), { changes: true, replaces: ["identifier"], deleteBeforeReplace: false });
      assert.deepEqual(diffIamAuth(state(), inputs({ region: "us-east-1" })), { changes: true, replaces: ["region"], deleteBeforeReplace: false });
      assert.deepEqual(diffIamAuth(state(), inputs({ targetKind: "cluster" })), { changes: true, replaces: ["targetKind"], deleteBeforeReplace: false });
    });

    it("updates in place for a mode, setting, credentials or identifier case change", () => {
      const changes: Partial<IamAuthInputs>[] = [
        { mode: "verify" },
        { restoreOnDelete: true },
        { timeoutMinutes: 60 },
        { identifier: "MyDB" },
        { applyPendingModifications: true },
        { awsCredentials: { profile: "prod" } },
      ];
      for (const change of changes) assert.deepEqual(diffIamAuth(state(), inputs(change)), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(change));
    });

    it("ignores a new consumer ID: the record on the database keeps the one it was made with", () => {
      assert.deepEqual(diffIamAuth(state(), inputs({ consumerId: "ffffffffffffffffffffffffffffffff" })), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("reports a change when a refresh saw the flag off, or a failed create left it unconfirmed", () => {
      assert.deepEqual(diffIamAuth(state({ iamDatabaseAuthenticationEnabled: false }), inputs()), { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("reports a change for state from before consumer records, so that `up` records it", () => {
      assert.deepEqual(diffIamAuth(state({ consumerId: undefined }), inputs({ consumerId: undefined })), { changes: true, replaces: [], deleteBeforeReplace: false });
    });
  });

  describe("create", () => {
    it("creates its client for the target's region", async () => {
      assert.equal(await (await rdsClient("ap-south-2")).config.region(), "ap-south-2");
    });

    it("checks the account, records itself, turns IAM auth on and reports it", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      assert.deepEqual(await iamAuthProvider.create(inputs()), { id: ID, outs: state() });
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("enabled"), enableMydb, describeMydb]);
    });

    it("refuses credentials of another account, naming both, before any RDS call", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321" });
      await assert.rejects(iamAuthProvider.create(inputs()), { message: MISMATCH });
      assert.deepEqual(sent(), []);
    });

    it("creates in verify mode without modifying or recording anything", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      const result = await iamAuthProvider.create(inputs({ mode: "verify" }));
      assert.deepEqual(result, { id: ID, outs: state({ mode: "verify", previouslyEnabled: true, changedByThis: false }) });
      assert.deepEqual(sent(), [describeMydb]);
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0);
    });

    it("fails after its Modify went through with an error carrying `id` and `properties` (partial state, provider kept)", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolves(db("modifying", false));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      const withProvider = { ...inputs({ timeoutMinutes: 1 }), __provider: "exports.handler = …" } as IamAuthInputs;
      await assert.rejects(iamAuthProvider.create(withProvider), (err: Error & { id?: string; properties?: unknown }) => {
        assert.equal(err.id, ID);
        assert.deepEqual(err.properties, { ...withProvider, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: false });
        assert.match(err.message, /^Timed out after 1 minute waiting for IAM database authentication to turn on for DB instance "mydb"/);
        return true;
      });
    });

    it("fails without partial state when it changed nothing", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false, { PendingModifiedValues: { DBInstanceClass: "db.r6g.large" } }));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      await assert.rejects(iamAuthProvider.create(inputs()), (err: Error & { id?: string }) => {
        assert.equal(err.id, undefined);
        assert.match(err.message, /has changes pending for its maintenance window \(DBInstanceClass "db\.r6g\.large"\)/);
        return true;
      });
    });
  });

  describe("update", () => {
    it("updates settings without any AWS call", async () => {
      const result = await must(iamAuthProvider.update)(ID, state(), inputs({ restoreOnDelete: true, timeoutMinutes: 5, applyPendingModifications: true }));
      assert.deepEqual(result, { outs: state({ restoreOnDelete: true, timeoutMinutes: 5, applyPendingModifications: true }) });
      assert.deepEqual(sent(), []);
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0);
    });

    it("checks the flag and keeps ownership when the mode changes to verify", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      const result = await must(iamAuthProvider.update)(ID, state(), inputs({ mode: "verify" }));
      assert.deepEqual(result, { outs: state({ mode: "verify" }) });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("finishes a create that failed after its Modify, keeping it as this resource's change", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      const result = await must(iamAuthProvider.update)(ID, state({ iamDatabaseAuthenticationEnabled: false }), inputs());
      assert.deepEqual(result, { outs: state() });
      assert.deepEqual(sent(), [describeMydb, listMydb]);
    });

    it("records state from before consumer records on the database, as `enabled` when it turned IAM auth on", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      const result = await must(iamAuthProvider.update)(ID, state({ consumerId: undefined, restoreOnDelete: true }), inputs());
      assert.deepEqual(result, { outs: state() });
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("enabled")]);
    });

    it("keeps the consumer ID it was created with", async () => {
      const result = await must(iamAuthProvider.update)(ID, state(), inputs({ consumerId: "ffffffffffffffffffffffffffffffff", timeoutMinutes: 10 }));
      assert.deepEqual(result, { outs: state({ timeoutMinutes: 10 }) });
    });
  });

  describe("read", () => {
    it("reports the current flag and its record on the database", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "already-on" }));
      assert.deepEqual(await must(iamAuthProvider.read)(ID, state()), { id: ID, props: state({ iamDatabaseAuthenticationEnabled: false, changedByThis: false }) });
      assert.deepEqual(sent(), [describeMydb, listMydb]);
    });

    it("keeps what state says when the record is missing", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      assert.deepEqual(await must(iamAuthProvider.read)(ID, state()), { id: ID, props: state() });
    });

    it("drops the resource when the database is gone, after checking the credentials' account", async () => {
      rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      assert.deepEqual(await must(iamAuthProvider.read)(ID, state()), { id: "" });
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
    });

    it("does not mistake credentials of another account for a deleted database", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321" });
      rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      await assert.rejects(must(iamAuthProvider.read)(ID, state()), { message: MISMATCH });
    });
  });

  describe("delete", () => {
    it("by default removes only its record, after checking the account", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      await must(iamAuthProvider.delete)(ID, state());
      assert.deepEqual(sent(), [describeMydb, listMydb, untagMydb]);
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
    });

    it("with `restoreOnDelete`, turns IAM auth off when its record says it turned it on and no one else is recorded", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", true)).resolves(db("available", false));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      rds.on(ModifyDBInstanceCommand).resolves({});
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      await must(iamAuthProvider.delete)(ID, state({ restoreOnDelete: true }));
      assert.deepEqual(sent(), [describeMydb, listMydb, disableMydb, describeMydb, untagMydb]);
    });

    it("refuses credentials of another account before any RDS call", async () => {
      sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321" });
      await assert.rejects(must(iamAuthProvider.delete)(ID, state({ restoreOnDelete: true })), { message: MISMATCH });
      assert.deepEqual(sent(), []);
    });

    it("does nothing for state from before consumer records, even when it turned IAM auth on", async () => {
      await must(iamAuthProvider.delete)(ID, state({ consumerId: undefined, restoreOnDelete: true }));
      assert.deepEqual(sent(), []);
      assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0);
    });
  });
});
