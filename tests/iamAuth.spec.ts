import * as assert from "node:assert/strict";
import {
  AddTagsToResourceCommand,
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RemoveTagsFromResourceCommand,
} from "@aws-sdk/client-rds";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { ensureIamAuthEnabled, restoreIamAuth, verifyIamAuth, type IamAuthTarget } from "../components/iamAuthRds";
import { consumerTagKey } from "../components/aws/consumerTags";
import {
  CLUSTER_ARN,
  FakeInstance,
  KEY,
  busy,
  db,
  dbCluster,
  describeMydb,
  disableMydb,
  enableMydb,
  fakeClock,
  listMydb,
  sentBy,
  serviceError,
  tagList,
  tagMydb,
  untagMydb,
} from "./support/iamAuthFakes";

const client = new RDSClient({ region: "eu-west-1" });
const instance: IamAuthTarget = { kind: "instance", identifier: "mydb", region: "eu-west-1" };
const cluster: IamAuthTarget = { kind: "cluster", identifier: "myaurora", region: "eu-west-1" };
const OTHER = consumerTagKey("fedcba9876543210fedcba9876543210");

const describeAurora: [string, unknown] = ["DescribeDBClustersCommand", { DBClusterIdentifier: "myaurora" }];

describe("iamAuth", () => {
  let rds: AwsClientStub<RDSClient>;
  const sent = () => sentBy(rds);
  before(() => (rds = mockClient(RDSClient)));
  beforeEach(() => rds.reset());
  after(() => rds.restore());

  describe("ensureIamAuthEnabled", () => {
    it("turns IAM auth on with ApplyImmediately and waits through modifying until the flag is true and the status available", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .resolvesOnce(db("available", false))
        .resolvesOnce(db("modifying", false))
        .resolvesOnce(db("modifying", true))
        .resolvesOnce(db("available", true));
      rds.on(ModifyDBInstanceCommand).resolves({});
      const clock = fakeClock();
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, enableMydb, describeMydb, describeMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [5_000, 10_000]);
    });

    it("changes nothing when IAM auth is already on and the database available", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("waits for `available` when the flag already reads true while the database is still modifying", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("modifying", true)).resolvesOnce(db("modifying", true)).resolves(db("available", true));
      const clock = fakeClock();
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock }), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, describeMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [5_000]);
    });

    it("uses ModifyDBCluster with DBClusterIdentifier for a cluster and keeps polling while the modification has not started", async () => {
      rds
        .on(DescribeDBClustersCommand)
        .resolvesOnce(dbCluster("available", false))
        .resolvesOnce(dbCluster("available", false))
        .resolvesOnce(dbCluster("modifying", false))
        .resolvesOnce(dbCluster("available", true));
      rds.on(ModifyDBClusterCommand).resolves({});
      const clock = fakeClock();
      await ensureIamAuthEnabled(client, cluster, { clock });
      const modify: [string, unknown] = ["ModifyDBClusterCommand", { DBClusterIdentifier: "myaurora", EnableIAMDatabaseAuthentication: true, ApplyImmediately: true }];
      assert.deepEqual(sent(), [describeAurora, modify, describeAurora, describeAurora, describeAurora]);
      assert.deepEqual(clock.sleeps, [5_000, 10_000]);
    });

    it("retries throttled Describe calls with exponential backoff", async () => {
      rds
        .on(DescribeDBInstancesCommand)
        .rejectsOnce(serviceError("Throttling", "Rate exceeded"))
        .rejectsOnce(serviceError("RequestLimitExceeded", "Request limit exceeded."))
        .resolvesOnce(db("available", true));
      const clock = fakeClock();
      await ensureIamAuthEnabled(client, instance, { clock });
      assert.deepEqual(sent(), [describeMydb, describeMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [1_000, 2_000]);
    });

    it("gives up on throttling after 8 attempts without advising to wait for `available`", async () => {
      rds.on(DescribeDBInstancesCommand).rejects(serviceError("Throttling", "Rate exceeded"));
      const clock = fakeClock();
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock }), {
        message:
          '`Describe` of DB instance "mydb" was still throttled by AWS (`Throttling`, "Rate exceeded") after 8 attempts; the account\'s RDS API request rate is exhausted, so wait a few minutes (or reduce other RDS API traffic) and run the Pulumi command again.',
      });
      assert.deepEqual(clock.sleeps, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    });

    it("while the database is busy, describes it again before each new Modify", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("backing-up", false)).resolvesOnce(db("backing-up", false)).resolves(db("available", true));
      rds.on(ModifyDBInstanceCommand).rejectsOnce(busy()).rejectsOnce(serviceError("ThrottlingException", "Slow down")).resolves({});
      const clock = fakeClock();
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, enableMydb, describeMydb, enableMydb, enableMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [1_000, 1_000]);
    });

    it("keeps retrying a busy database for as long as `timeoutMinutes` allows, past 8 attempts", async () => {
      const describes = rds.on(DescribeDBInstancesCommand);
      const modifies = rds.on(ModifyDBInstanceCommand);
      describes.resolvesOnce(db("backing-up", false));
      for (let i = 0; i < 12; i++) {
        describes.resolvesOnce(db("backing-up", false));
        modifies.rejectsOnce(busy());
      }
      describes.resolves(db("available", true));
      modifies.resolves({});
      const clock = fakeClock();
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock, timeoutMinutes: 30 }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.equal(rds.commandCalls(ModifyDBInstanceCommand).length, 13);
      assert.equal(clock.now(), 1_000 + 2_000 + 4_000 + 8_000 + 16_000 + 7 * 30_000);
    });

    it("gives up on a busy database at the timeout, naming its status", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("backing-up", false));
      rds.on(ModifyDBInstanceCommand).rejects(busy());
      const clock = fakeClock();
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock, timeoutMinutes: 1 }), {
        message:
          '`Modify` of DB instance "mydb" still failed with `InvalidDBInstanceStateFault` ("Instance mydb is not in available state.") after 1 minute, while the database was `backing-up`; wait until it is `available` and run the Pulumi command again.',
      });
      assert.equal(rds.commandCalls(ModifyDBInstanceCommand).length, 7);
      assert.deepEqual(clock.sleeps, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    });

    it("names the identifier and region when the instance does not exist", async () => {
      rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), {
        message: 'DB instance "mydb" was not found in region "eu-west-1"; check `dbInstanceIdentifier` and that your AWS credentials are for the account that owns it.',
      });
    });

    it("names `dbClusterIdentifier` when the cluster does not exist", async () => {
      rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ $metadata: {}, message: "DBCluster myaurora not found." }));
      await assert.rejects(ensureIamAuthEnabled(client, cluster, { clock: fakeClock() }), {
        message: 'DB cluster "myaurora" was not found in region "eu-west-1"; check `dbClusterIdentifier` and that your AWS credentials are for the account that owns it.',
      });
    });

    it("says the instance was deleted, not that the identifier is wrong, when it disappears while waiting", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolvesOnce(db("modifying", false)).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      rds.on(ModifyDBInstanceCommand).resolves({});
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), {
        message:
          'DB instance "mydb" was deleted, or is no longer found in region "eu-west-1", while waiting for IAM database authentication to turn on; if it was replaced, point `dbInstanceIdentifier` at the new database and run `pulumi up` again.',
      });
    });

    it("says IAM auth is not supported when RDS refuses the engine", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false, { Engine: "sqlserver-se", EngineVersion: "15.00.4345.5.v1" }));
      rds.on(ModifyDBInstanceCommand).rejects(serviceError("InvalidParameterCombination", "IAM Database Authentication is not supported for this configuration."));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), {
        message:
          'IAM database authentication is not supported for the engine or version of DB instance "mydb" (`sqlserver-se` "15.00.4345.5.v1", RDS said "IAM Database Authentication is not supported for this configuration."); use an engine version that supports it or set up access without IAM.',
      });
      assert.deepEqual(sent(), [describeMydb, enableMydb]);
    });

    it("passes other invalid-parameter errors through unchanged", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false));
      rds.on(ModifyDBInstanceCommand).rejects(serviceError("InvalidParameterValue", "Something else is wrong."));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), { name: "InvalidParameterValue", message: "Something else is wrong." });
    });

    it("times out with the last observed status and flag", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolves(db("modifying", false));
      rds.on(ModifyDBInstanceCommand).resolves({});
      const clock = fakeClock();
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock, timeoutMinutes: 1 }), {
        message:
          'Timed out after 1 minute waiting for IAM database authentication to turn on for DB instance "mydb", which is still `modifying` with the flag `false`; the modification may still complete, so check the RDS console and re-run `pulumi up`.',
      });
      assert.deepEqual(clock.sleeps, [5_000, 10_000, 15_000, 15_000, 15_000]);
    });

    it("refuses an Aurora member instance and points at `dbClusterIdentifier`", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false, { DBClusterIdentifier: "myaurora", Engine: "aurora-postgresql" }));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), {
        message: '`dbInstanceIdentifier` "mydb" is an instance of Aurora cluster "myaurora"; IAM auth and the resource ID belong to the cluster, so set `dbClusterIdentifier` to "myaurora" instead.',
      });
      assert.deepEqual(sent(), [describeMydb]);
    });
  });

  describe("pending modifications", () => {
    const classChange = { DBInstanceClass: "db.r6g.xlarge", EngineVersion: "16.4" };
    const refusal =
      'DB instance "mydb" has changes pending for its maintenance window (DBInstanceClass "db.r6g.xlarge", EngineVersion "16.4"), which turning IAM database authentication on with ApplyImmediately would apply now as well, possibly with downtime; apply them yourself first (the console\'s "Apply immediately", or wait for the maintenance window) and run the Pulumi command again, or set `applyPendingModifications: true` to accept applying them now.';

    it("refuses to send a Modify that would apply an instance class and engine version change, and records nothing", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false, { PendingModifiedValues: classChange }));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), { message: refusal });
      assert.deepEqual(sent(), [describeMydb, listMydb]);
    });

    it("applies them along with IAM auth when `applyPendingModifications` accepts it", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false, { PendingModifiedValues: classChange })).resolves(db("available", true));
      rds.on(ModifyDBInstanceCommand).resolves({});
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock(), applyPendingModifications: true }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, enableMydb, describeMydb]);
    });

    it("reads a cluster's own pending values, and hides a pending master password", async () => {
      rds.on(DescribeDBClustersCommand).resolves(dbCluster("available", false, { PendingModifiedValues: { EngineVersion: "16.6", MasterUserPassword: "****", PendingCloudwatchLogsExports: {} } }));
      await assert.rejects(ensureIamAuthEnabled(client, cluster, { clock: fakeClock() }), {
        message:
          'DB cluster "myaurora" has changes pending for its maintenance window (EngineVersion "16.6", MasterUserPassword (a new value, not shown)), which turning IAM database authentication on with ApplyImmediately would apply now as well, possibly with downtime; apply them yourself first (the console\'s "Apply immediately", or wait for the maintenance window) and run the Pulumi command again, or set `applyPendingModifications: true` to accept applying them now.',
      });
      assert.deepEqual(sent(), [describeAurora]);
    });

    it("does not mind pending changes when IAM auth is already on (nothing is sent)", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true, { PendingModifiedValues: classChange }));
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("refuses a change that became pending while it waited for a busy database", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("backing-up", false)).resolves(db("available", false, { PendingModifiedValues: classChange }));
      rds.on(ModifyDBInstanceCommand).rejectsOnce(busy()).resolves({});
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), { message: refusal });
      assert.deepEqual(sent(), [describeMydb, enableMydb, describeMydb]);
    });
  });

  describe("consumer records", () => {
    it("records itself as `enabled` before its Modify, so an interrupted create leaves the record", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ Name: "orders" }));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("enabled"), enableMydb, describeMydb]);
    });

    it("records `already-on`, and sends no Modify, when IAM auth is already on", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [OTHER]: "enabled" }));
      rds.on(AddTagsToResourceCommand).resolves({});
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("already-on")]);
    });

    it("applies an enable someone else left pending, but does not claim it", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false, { PendingModifiedValues: { IAMDatabaseAuthenticationEnabled: true } })).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), { previouslyEnabled: false, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("already-on"), enableMydb, describeMydb]);
    });

    it("claims the change after an interrupted run of itself: its own record says `enabled`", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("modifying", true)).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb, listMydb, describeMydb]);
    });

    it("of two concurrent creates, only the one whose Modify turned the flag on records `enabled`", async () => {
      const fake = new FakeInstance();
      fake.install(rds);
      const [a, b] = await Promise.all([
        ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }),
        ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: OTHER }),
      ]);
      assert.deepEqual([a.changedByThis, b.changedByThis], [true, false]);
      assert.deepEqual(fake.tags, { [KEY]: "enabled", [OTHER]: "already-on" });
      assert.deepEqual(fake.accepted, [true]);
      assert.deepEqual([fake.flag, fake.status], [true, "available"]);
    });

    it("takes its record back when RDS refuses the Modify, since nothing was turned on", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false, { Engine: "sqlserver-se", EngineVersion: "15.00" }));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).rejects(serviceError("InvalidParameterCombination", "IAM Database Authentication is not supported for this configuration."));
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY }), (err: Error) => {
        assert.equal(err.constructor.name, "IamAuthRefusal");
        return true;
      });
      assert.deepEqual(sent(), [describeMydb, listMydb, tagMydb("enabled"), enableMydb, untagMydb]);
    });

    it("fails with the partial state (changed by this, not yet confirmed) when the wait times out after its Modify", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", false)).resolves(db("modifying", false));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      rds.on(AddTagsToResourceCommand).resolves({});
      rds.on(ModifyDBInstanceCommand).resolves({});
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock: fakeClock(), consumerKey: KEY, timeoutMinutes: 1 }), (err: Error & { partial?: unknown }) => {
        assert.equal(err.constructor.name, "IamAuthPartialError");
        assert.deepEqual(err.partial, { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: false });
        assert.match(err.message, /^Timed out after 1 minute waiting for IAM database authentication to turn on/);
        return true;
      });
    });
  });

  describe("verifyIamAuth", () => {
    it("accepts a database with IAM auth on without modifying it", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      assert.deepEqual(await verifyIamAuth(client, instance, fakeClock()), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("refuses a database with IAM auth off and tells how to turn it on", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false));
      await assert.rejects(verifyIamAuth(client, instance, fakeClock()), {
        message:
          'IAM database authentication is off on instance "mydb"; set `enableIamAuth: true` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).',
      });
      assert.deepEqual(sent(), [describeMydb]);
    });
  });

  describe("restoreIamAuth", () => {
    const asked = { consumerKey: KEY, restoreOnDelete: true };
    /** Restores "mydb" (flag `flag`, tags `tags`) and checks that it only removed its record: no Modify. */
    const onlyUntags = async (flag: boolean, tags: Record<string, string>, restoreOnDelete = true) => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", flag));
      rds.on(ListTagsForResourceCommand).resolves(tagList(tags));
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      assert.equal(await restoreIamAuth(client, instance, { consumerKey: KEY, restoreOnDelete, clock: fakeClock() }), false);
      assert.deepEqual(sent(), [describeMydb, listMydb, untagMydb]);
    };

    it("by default only removes its record and leaves IAM auth on", () => onlyUntags(true, { [KEY]: "enabled" }, false));

    it("when asked, turns IAM auth off and waits, then removes its record, if it turned it on and no one else is recorded", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", true)).resolvesOnce(db("modifying", true)).resolves(db("available", false));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled", Name: "orders" }));
      rds.on(ModifyDBInstanceCommand).resolves({});
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      const clock = fakeClock();
      assert.equal(await restoreIamAuth(client, instance, { ...asked, clock }), true);
      assert.deepEqual(sent(), [describeMydb, listMydb, disableMydb, describeMydb, describeMydb, untagMydb]);
      assert.deepEqual(clock.sleeps, [5_000]);
    });

    it("leaves IAM auth on while another consumer is recorded", () => onlyUntags(true, { [KEY]: "enabled", [OTHER]: "already-on" }));

    it("leaves IAM auth on when its record says it found it on", () => onlyUntags(true, { [KEY]: "already-on" }));

    it("leaves IAM auth on when its record is gone from the database", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({}));
      assert.equal(await restoreIamAuth(client, instance, { ...asked, clock: fakeClock() }), false);
      assert.deepEqual(sent(), [describeMydb, listMydb]);
    });

    it("without a consumer record (state from before consumer tags) never touches the database", async () => {
      assert.equal(await restoreIamAuth(client, instance, { restoreOnDelete: true, clock: fakeClock() }), false);
      assert.deepEqual(sent(), []);
    });

    it("refuses to turn it off over other pending changes", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true, { PendingModifiedValues: { AllocatedStorage: 500 } }));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      await assert.rejects(restoreIamAuth(client, instance, { ...asked, clock: fakeClock() }), {
        message:
          'DB instance "mydb" has changes pending for its maintenance window (AllocatedStorage 500), which turning IAM database authentication off with ApplyImmediately would apply now as well, possibly with downtime; apply them yourself first (the console\'s "Apply immediately", or wait for the maintenance window) and run the Pulumi command again, or set `applyPendingModifications: true` and run `pulumi up` before destroying to accept applying them now, or set `restoreIamAuthOnDelete: false` (`restoreOnDelete`) to leave IAM auth on.',
      });
      assert.deepEqual(sent(), [describeMydb, listMydb]);
    });

    it("succeeds silently when the database no longer exists", async () => {
      rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ $metadata: {}, message: "DBCluster myaurora not found." }));
      assert.equal(await restoreIamAuth(client, cluster, { ...asked, clock: fakeClock() }), false);
      assert.deepEqual(sent(), [describeAurora]);
    });

    it("succeeds when the database is deleted while it waits for the flag to turn off", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", true)).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "enabled" }));
      rds.on(ModifyDBInstanceCommand).resolves({});
      assert.equal(await restoreIamAuth(client, instance, { ...asked, clock: fakeClock() }), false);
      assert.deepEqual(sent(), [describeMydb, listMydb, disableMydb, describeMydb]);
    });

    it("does not modify a database whose flag is already off, and removes its record", () => onlyUntags(false, { [KEY]: "enabled" }));

    it("uses the cluster ARN for the record of a cluster", async () => {
      rds.on(DescribeDBClustersCommand).resolves(dbCluster("available", true));
      rds.on(ListTagsForResourceCommand).resolves(tagList({ [KEY]: "already-on" }));
      rds.on(RemoveTagsFromResourceCommand).resolves({});
      await restoreIamAuth(client, cluster, { ...asked, clock: fakeClock() });
      assert.deepEqual(sent(), [describeAurora, ["ListTagsForResourceCommand", { ResourceName: CLUSTER_ARN }], ["RemoveTagsFromResourceCommand", { ResourceName: CLUSTER_ARN, TagKeys: [KEY] }]]);
    });
  });
});
