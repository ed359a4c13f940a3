/**
 * The plugin (provider/) started as Pulumi's Node.js language host starts it, called over gRPC,
 * serving `IamAuthEnablement` against a fake RDS endpoint (tests/support/fakeRds.ts): the plugin
 * is another process, so aws-sdk-client-mock cannot reach its SDK clients, and the AWS SDK is
 * pointed at the fake with the environment alone (`AWS_ENDPOINT_URL_RDS`, `AWS_ENDPOINT_URL_STS`,
 * dummy keys). Check, Create, Read, Diff, Update and Delete on an instance and an Aurora cluster,
 * asserting the exact RDS requests, their order, the outputs and what the database holds after.
 */
import * as assert from "node:assert/strict";
import type * as grpc from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { IAM_AUTH_ENABLEMENT, consumerIdOfUrn } from "../provider/provider";
import { FAKE_ACCESS_KEY_ID, FakeRds } from "./support/fakeRds";
import { StartedPlugin, call, startPlugin, struct, urnOf } from "./support/plugin";

type Props = Record<string, unknown>;

const TAG_PREFIX = "clickpipes-rds-iam:iam-auth:";
const OTHER_CONSUMER = `${TAG_PREFIX}terraform-orders`;

describe("the plugin over gRPC: IamAuthEnablement against a fake RDS endpoint", function () {
  this.timeout(60_000);
  const fake = new FakeRds();
  let plugin: StartedPlugin | undefined;
  let client: ResourceProviderClient;
  /** `fake.requests.length` before the step under test. */
  let mark = 0;
  const since = () => fake.calls(mark);
  const step = () => (mark = fake.requests.length);

  before(async () => {
    await fake.start();
    plugin = await startPlugin({ env: fake.env() });
    client = plugin.client;
  });
  after(async () => {
    plugin?.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.callerAccount = "123456789012";
    step();
  });

  const check = async (urn: string, news: Props): Promise<Props> => {
    const res = await call<proto.CheckRequest, proto.CheckResponse>(client, client.check, new proto.CheckRequest().setUrn(urn).setOlds(struct({})).setNews(struct(news)));
    assert.deepEqual(res.getFailuresList(), []);
    return res.getInputs()!.toJavaScript() as Props;
  };
  const create = async (urn: string, inputs: Props): Promise<{ id: string; outs: Props }> => {
    const res = await call<proto.CreateRequest, proto.CreateResponse>(client, client.create, new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)));
    return { id: res.getId(), outs: res.getProperties()!.toJavaScript() as Props };
  };
  const read = async (id: string, urn: string, props: Props): Promise<{ id: string; props: Props }> => {
    const res = await call<proto.ReadRequest, proto.ReadResponse>(client, client.read, new proto.ReadRequest().setId(id).setUrn(urn).setProperties(struct(props)));
    return { id: res.getId(), props: (res.getProperties()?.toJavaScript() ?? {}) as Props };
  };
  const diff = (id: string, urn: string, olds: Props, news: Props) =>
    call<proto.DiffRequest, proto.DiffResponse>(client, client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
  const update = async (id: string, urn: string, olds: Props, news: Props): Promise<Props> => {
    const res = await call<proto.UpdateRequest, proto.UpdateResponse>(client, client.update, new proto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
    return res.getProperties()!.toJavaScript() as Props;
  };
  const remove = (id: string, urn: string, props: Props) => call(client, client.delete, new proto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(props)));
  /** The message the plugin's error carries to the engine (gRPC status details). */
  const failure = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      return (err as grpc.ServiceError).details;
    }
    assert.fail("the call succeeded");
  };

  /** Check then Create of an enabler named `name`; returns its URN, checked inputs, id and outputs. */
  async function enable(name: string, news: Props) {
    const urn = urnOf(IAM_AUTH_ENABLEMENT, name);
    const inputs = await check(urn, news);
    step();
    const { id, outs } = await create(urn, inputs);
    return { urn, inputs, id, outs, key: `${TAG_PREFIX}${consumerIdOfUrn(urn)}` };
  }

  // The requests of the enabler, as `fake.calls` lists them.
  const describeInstance = (id: string): [string, Props] => ["DescribeDBInstances", { DBInstanceIdentifier: id }];
  const describeCluster = (id: string): [string, Props] => ["DescribeDBClusters", { DBClusterIdentifier: id }];
  const listTags = (arn: string): [string, Props] => ["ListTagsForResource", { ResourceName: arn }];
  const addTag = (arn: string, key: string, value: string): [string, Props] => ["AddTagsToResource", { ResourceName: arn, "Tags.Tag.1.Key": key, "Tags.Tag.1.Value": value }];
  const removeTag = (arn: string, key: string): [string, Props] => ["RemoveTagsFromResource", { ResourceName: arn, "TagKeys.member.1": key }];
  const modifyInstance = (id: string, on: boolean): [string, Props] => ["ModifyDBInstance", { DBInstanceIdentifier: id, ApplyImmediately: "true", EnableIAMDatabaseAuthentication: String(on) }];
  const modifyCluster = (id: string, on: boolean): [string, Props] => ["ModifyDBCluster", { DBClusterIdentifier: id, ApplyImmediately: "true", EnableIAMDatabaseAuthentication: String(on) }];

  it("Check writes out the defaults and the consumer ID; Create on an instance with IAM auth off tags it, then sends ModifyDBInstance, and reports the change", async () => {
    const db = fake.add("instance", "orders-db");
    const urn = urnOf(IAM_AUTH_ENABLEMENT, "iam");
    const news = { targetKind: "instance", identifier: "orders-db", region: "eu-west-1" };
    const inputs = await check(urn, news);
    const consumerId = consumerIdOfUrn(urn);
    assert.match(consumerId, /^[0-9a-f]{32}$/);
    assert.deepEqual(inputs, { ...news, mode: "enable", restoreOnDelete: false, timeoutMinutes: 30, applyPendingModifications: false, consumerId, enabledSetting: true });
    assert.deepEqual(since(), [], "Check calls no AWS API");

    step();
    const { id, outs } = await create(urn, inputs);
    assert.equal(id, "eu-west-1/instance/orders-db");
    assert.deepEqual(outs, { ...inputs, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
    const key = `${TAG_PREFIX}${consumerId}`;
    // The record is on the database before the Modify: a create killed in between still leaves it.
    assert.deepEqual(since(), [describeInstance("orders-db"), listTags(db.arn), addTag(db.arn, key, "enabled"), modifyInstance("orders-db", true), describeInstance("orders-db")]);
    assert.deepEqual([db.iamAuth, db.status, db.tags], [true, "available", { [key]: "enabled" }]);
    // Signed with the environment's keys, for the target's region: no other credentials or endpoint were used.
    for (const r of fake.requests.slice(mark)) assert.match(r.credential, new RegExp(`^${FAKE_ACCESS_KEY_ID}/\\d{8}/eu-west-1/rds/aws4_request$`));
  });

  it("Create on an instance with IAM auth already on records `already-on`, sends no Modify, and reports it was not its change", async () => {
    const db = fake.add("instance", "already-on-db", { iamAuth: true });
    const e = await enable("already", { targetKind: "instance", identifier: "already-on-db", region: "eu-west-1" });
    assert.deepEqual(e.outs, { ...e.inputs, previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
    assert.deepEqual(since(), [describeInstance("already-on-db"), listTags(db.arn), addTag(db.arn, e.key, "already-on")]);
    assert.deepEqual(db.tags, { [e.key]: "already-on" });

    // Deleting it, even with restoreOnDelete, leaves IAM auth on: it found it on.
    step();
    await remove(e.id, e.urn, { ...e.outs, restoreOnDelete: true });
    assert.deepEqual(since(), [describeInstance("already-on-db"), listTags(db.arn), removeTag(db.arn, e.key)]);
    assert.deepEqual([db.iamAuth, db.tags], [true, {}]);
  });

  it("Read reports the flag and the record as RDS holds them; after the database is gone it returns an empty id, and Delete succeeds", async () => {
    const db = fake.add("instance", "read-db");
    const e = await enable("reader", { targetKind: "instance", identifier: "read-db", region: "eu-west-1" });

    step();
    assert.deepEqual(await read(e.id, e.urn, e.outs), { id: e.id, props: e.outs });
    assert.deepEqual(since(), [describeInstance("read-db"), listTags(db.arn)]);

    // Someone turned IAM auth off, and the record now says this consumer found it on.
    db.iamAuth = false;
    db.tags[e.key] = "already-on";
    step();
    assert.deepEqual(await read(e.id, e.urn, e.outs), { id: e.id, props: { ...e.outs, iamDatabaseAuthenticationEnabled: false, changedByThis: false } });

    fake.remove(db);
    step();
    assert.deepEqual(await read(e.id, e.urn, e.outs), { id: "", props: {} });
    assert.deepEqual(since(), [describeInstance("read-db")]);

    step();
    await remove(e.id, e.urn, { ...e.outs, restoreOnDelete: true });
    assert.deepEqual(since(), [describeInstance("read-db")]);
  });

  it("Diff: no change for the same inputs, an in-place update after a refresh saw IAM auth off, a replacement for another database; no AWS call", async () => {
    fake.add("instance", "diff-db");
    const e = await enable("differ", { targetKind: "instance", identifier: "diff-db", region: "eu-west-1" });
    step();

    const same = await diff(e.id, e.urn, e.outs, e.inputs);
    assert.equal(same.getChanges(), proto.DiffResponse.DiffChanges.DIFF_NONE);
    assert.deepEqual(same.getReplacesList(), []);

    const drifted = await diff(e.id, e.urn, { ...e.outs, iamDatabaseAuthenticationEnabled: false }, e.inputs);
    assert.equal(drifted.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(drifted.getReplacesList(), []);

    // The identifier compares case-insensitively, as RDS does: a new case is an update, not a replacement.
    const recased = await diff(e.id, e.urn, e.outs, { ...e.inputs, identifier: "Diff-DB" });
    assert.equal(recased.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(recased.getReplacesList(), []);

    const other = await diff(e.id, e.urn, e.outs, { ...e.inputs, identifier: "other-db" });
    assert.equal(other.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(other.getReplacesList(), ["identifier"]);
    assert.equal(other.getDeletebeforereplace(), false);
    assert.deepEqual(since(), []);
  });

  it("Update: a settings change calls no AWS API; after IAM auth was turned off behind its back, it turns it on again as its own change", async () => {
    const db = fake.add("instance", "update-db");
    const e = await enable("updater", { targetKind: "instance", identifier: "update-db", region: "eu-west-1" });

    step();
    const settings = { ...e.inputs, restoreOnDelete: true, timeoutMinutes: 10 };
    const updated = await update(e.id, e.urn, e.outs, settings);
    assert.deepEqual(updated, { ...settings, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
    assert.deepEqual(since(), []);

    db.iamAuth = false;
    const refreshed = (await read(e.id, e.urn, updated)).props;
    assert.equal(refreshed.iamDatabaseAuthenticationEnabled, false);
    step();
    const repaired = await update(e.id, e.urn, refreshed, settings);
    assert.deepEqual(repaired, { ...settings, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
    // Its record already says `enabled`: no tag is written again.
    assert.deepEqual(since(), [describeInstance("update-db"), listTags(db.arn), modifyInstance("update-db", true), describeInstance("update-db")]);
    assert.deepEqual([db.iamAuth, db.tags], [true, { [e.key]: "enabled" }]);
  });

  it("Delete by default removes its tag and leaves IAM auth on", async () => {
    const db = fake.add("instance", "keep-db", { tags: { team: "orders" } });
    const e = await enable("keeper", { targetKind: "instance", identifier: "keep-db", region: "eu-west-1" });
    assert.equal(e.outs.restoreOnDelete, false);
    step();
    await remove(e.id, e.urn, e.outs);
    assert.deepEqual(since(), [describeInstance("keep-db"), listTags(db.arn), removeTag(db.arn, e.key)]);
    assert.deepEqual([db.iamAuth, db.tags], [true, { team: "orders" }]);
  });

  it("Delete with restoreOnDelete turns IAM auth off when its tag says it turned it on and no other consumer is recorded", async () => {
    const db = fake.add("instance", "restore-db");
    const e = await enable("restorer", { targetKind: "instance", identifier: "restore-db", region: "eu-west-1", restoreOnDelete: true });
    assert.equal(db.iamAuth, true);
    step();
    await remove(e.id, e.urn, e.outs);
    assert.deepEqual(since(), [describeInstance("restore-db"), listTags(db.arn), modifyInstance("restore-db", false), describeInstance("restore-db"), removeTag(db.arn, e.key)]);
    assert.deepEqual([db.iamAuth, db.tags], [false, {}]);
  });

  it("Delete with restoreOnDelete leaves IAM auth on while another consumer's tag is on the database", async () => {
    const db = fake.add("instance", "shared-db");
    const e = await enable("sharer", { targetKind: "instance", identifier: "shared-db", region: "eu-west-1", restoreOnDelete: true });
    db.tags[OTHER_CONSUMER] = "already-on";
    step();
    await remove(e.id, e.urn, e.outs);
    assert.deepEqual(since(), [describeInstance("shared-db"), listTags(db.arn), removeTag(db.arn, e.key)]);
    assert.deepEqual([db.iamAuth, db.tags], [true, { [OTHER_CONSUMER]: "already-on" }]);
  });

  it("an Aurora cluster: ModifyDBCluster and the tag on the cluster ARN, turned back off on delete with restoreOnDelete", async () => {
    const db = fake.add("cluster", "orders-aurora");
    const e = await enable("aurora", { targetKind: "cluster", identifier: "orders-aurora", region: "eu-west-1", restoreOnDelete: true });
    assert.equal(e.id, "eu-west-1/cluster/orders-aurora");
    assert.deepEqual(e.outs, { ...e.inputs, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
    assert.equal(db.arn, "arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora");
    assert.deepEqual(since(), [describeCluster("orders-aurora"), listTags(db.arn), addTag(db.arn, e.key, "enabled"), modifyCluster("orders-aurora", true), describeCluster("orders-aurora")]);
    assert.deepEqual([db.iamAuth, db.tags], [true, { [e.key]: "enabled" }]);

    step();
    assert.deepEqual(await read(e.id, e.urn, e.outs), { id: e.id, props: e.outs });
    step();
    await remove(e.id, e.urn, e.outs);
    assert.deepEqual(since(), [describeCluster("orders-aurora"), listTags(db.arn), modifyCluster("orders-aurora", false), describeCluster("orders-aurora"), removeTag(db.arn, e.key)]);
    assert.deepEqual([db.iamAuth, db.tags], [false, {}]);
  });

  it("Create refuses a database with other pending modifications, listing them, and modifies nothing", async () => {
    const pending = { DBInstanceClass: "db.r6g.xlarge", AllocatedStorage: 500, EngineVersion: "16.4" };
    const db = fake.add("instance", "pending-db", { pending });
    const urn = urnOf(IAM_AUTH_ENABLEMENT, "pending");
    const inputs = await check(urn, { targetKind: "instance", identifier: "pending-db", region: "eu-west-1" });
    step();
    assert.equal(
      await failure(create(urn, inputs)),
      'DB instance "pending-db" has changes pending for its maintenance window (DBInstanceClass "db.r6g.xlarge", AllocatedStorage 500, EngineVersion "16.4"), which turning IAM database authentication on with ApplyImmediately would apply now as well, possibly with downtime; apply them yourself first (the console\'s "Apply immediately", or wait for the maintenance window) and run the Pulumi command again, or set `applyPendingModifications: true` to accept applying them now.',
    );
    assert.deepEqual(since(), [describeInstance("pending-db"), listTags(db.arn)]);
    assert.deepEqual([db.iamAuth, db.status, db.pending, db.tags], [false, "available", pending, {}]);
  });

  it("with targetArn, checks the credentials' account with STS GetCallerIdentity first, and refuses another account before any RDS call", async () => {
    const db = fake.add("instance", "account-db");
    const urn = urnOf(IAM_AUTH_ENABLEMENT, "account");
    const inputs = await check(urn, { targetKind: "instance", identifier: "account-db", region: "eu-west-1", targetArn: db.arn });

    fake.callerAccount = "210987654321";
    step();
    assert.equal(
      await failure(create(urn, inputs)),
      `The AWS credentials of the IAM-auth enabler are for account "210987654321", but DB instance "account-db" is in account "123456789012" (${db.arn}); set \`awsCredentials\` to the profile or role your \`aws\` provider uses for that account, or run Pulumi with credentials for account "123456789012".`,
    );
    assert.deepEqual(since(), [["GetCallerIdentity", {}]]);
    assert.deepEqual([db.iamAuth, db.tags], [false, {}]);

    fake.callerAccount = "123456789012";
    step();
    const { outs } = await create(urn, inputs);
    assert.equal(outs.iamDatabaseAuthenticationEnabled, true);
    assert.deepEqual(
      fake.requests.slice(mark).map((r) => `${r.service}:${r.action}`),
      ["sts:GetCallerIdentity", "rds:DescribeDBInstances", "rds:ListTagsForResource", "rds:AddTagsToResource", "rds:ModifyDBInstance", "rds:DescribeDBInstances"],
    );
    assert.match(fake.requests[mark].credential, new RegExp(`^${FAKE_ACCESS_KEY_ID}/\\d{8}/eu-west-1/sts/aws4_request$`));
  });
});
