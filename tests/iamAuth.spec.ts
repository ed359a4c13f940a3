import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  type DBInstance,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { IamAuthEnablement, diffIamAuth, iamAuthProvider, type IamAuthOutputs } from "../components/iamAuth";
import {
  RETRY_MAX_ATTEMPTS,
  ensureIamAuthEnabled,
  rdsClient,
  restoreIamAuth,
  verifyIamAuth,
  type Clock,
  type IamAuthTarget,
} from "../components/iamAuthRds";

const rds = mockClient(RDSClient);
const client = new RDSClient({ region: "eu-west-1" });
const instance: IamAuthTarget = { kind: "instance", identifier: "mydb", region: "eu-west-1" };
const cluster: IamAuthTarget = { kind: "cluster", identifier: "myaurora", region: "eu-west-1" };

/** A clock whose sleeps only advance `now`, and that records them. */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

/** Every command sent, as [command name, input]. */
function sent(): [string, unknown][] {
  return rds.calls().map((c) => {
    const cmd = c.args[0] as unknown as { constructor: { name: string }; input: unknown };
    return [cmd.constructor.name, cmd.input];
  });
}

function db(status: string, flag: boolean, extra: Partial<DBInstance> = {}) {
  return { DBInstances: [{ DBInstanceIdentifier: "mydb", DBInstanceStatus: status, IAMDatabaseAuthenticationEnabled: flag, Engine: "postgres", EngineVersion: "16.3", ...extra }] };
}
function dbCluster(status: string, flag: boolean) {
  return { DBClusters: [{ DBClusterIdentifier: "myaurora", Status: status, IAMDatabaseAuthenticationEnabled: flag, Engine: "aurora-postgresql", EngineVersion: "16.4" }] };
}
const serviceError = (name: string, message: string) => new RDSServiceException({ name, $fault: "client", $metadata: {}, message });
const busy = () => new InvalidDBInstanceStateFault({ $metadata: {}, message: "Instance mydb is not in available state." });

const describeMydb: [string, unknown] = ["DescribeDBInstancesCommand", { DBInstanceIdentifier: "mydb" }];
const enableMydb: [string, unknown] = ["ModifyDBInstanceCommand", { DBInstanceIdentifier: "mydb", EnableIAMDatabaseAuthentication: true, ApplyImmediately: true }];
const disableMydb: [string, unknown] = ["ModifyDBInstanceCommand", { DBInstanceIdentifier: "mydb", EnableIAMDatabaseAuthentication: false, ApplyImmediately: true }];

function state(over: Partial<IamAuthOutputs> = {}): IamAuthOutputs {
  return {
    targetKind: "instance",
    identifier: "mydb",
    region: "eu-west-1",
    mode: "enable",
    restoreOnDelete: true,
    timeoutMinutes: 30,
    enabledSetting: true,
    previouslyEnabled: false,
    changedByThis: true,
    iamDatabaseAuthenticationEnabled: true,
    ...over,
  };
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing provider method");
  return value;
}

describe("iamAuth", () => {
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

    it("changes nothing when IAM auth is already on", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      assert.deepEqual(await ensureIamAuthEnabled(client, instance, { clock: fakeClock() }), { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true });
      assert.deepEqual(sent(), [describeMydb]);
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
      const describe: [string, unknown] = ["DescribeDBClustersCommand", { DBClusterIdentifier: "myaurora" }];
      const modify: [string, unknown] = ["ModifyDBClusterCommand", { DBClusterIdentifier: "myaurora", EnableIAMDatabaseAuthentication: true, ApplyImmediately: true }];
      assert.deepEqual(sent(), [describe, modify, describe, describe, describe]);
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

    it("retries Modify while the database is busy (InvalidDBInstanceState)", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("backing-up", false)).resolves(db("available", true));
      rds.on(ModifyDBInstanceCommand).rejectsOnce(busy()).rejectsOnce(serviceError("ThrottlingException", "Slow down")).resolves({});
      const clock = fakeClock();
      await ensureIamAuthEnabled(client, instance, { clock });
      assert.deepEqual(sent(), [describeMydb, enableMydb, enableMydb, enableMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [1_000, 2_000]);
    });

    it("gives up after the maximum number of attempts with the last error", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("backing-up", false));
      rds.on(ModifyDBInstanceCommand).rejects(busy());
      const clock = fakeClock();
      await assert.rejects(ensureIamAuthEnabled(client, instance, { clock }), {
        message:
          '`Modify` of DB instance "mydb" still failed with `InvalidDBInstanceStateFault` after 8 attempts ("Instance mydb is not in available state."); wait until the database is `available` and run the Pulumi command again.',
      });
      assert.equal(rds.commandCalls(ModifyDBInstanceCommand).length, RETRY_MAX_ATTEMPTS);
      assert.deepEqual(clock.sleeps, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
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
    it("turns IAM auth back off and waits when this resource turned it on", async () => {
      rds.on(DescribeDBInstancesCommand).resolvesOnce(db("available", true)).resolvesOnce(db("modifying", true)).resolves(db("available", false));
      rds.on(ModifyDBInstanceCommand).resolves({});
      const clock = fakeClock();
      assert.equal(await restoreIamAuth(client, instance, { changedByThis: true, restoreOnDelete: true }, { clock }), true);
      assert.deepEqual(sent(), [describeMydb, disableMydb, describeMydb, describeMydb]);
      assert.deepEqual(clock.sleeps, [5_000]);
    });

    it("never touches a database it did not change", async () => {
      assert.equal(await restoreIamAuth(client, instance, { changedByThis: false, restoreOnDelete: true }, { clock: fakeClock() }), false);
      assert.deepEqual(sent(), []);
    });

    it("keeps IAM auth on when `restoreOnDelete` is false", async () => {
      assert.equal(await restoreIamAuth(client, instance, { changedByThis: true, restoreOnDelete: false }, { clock: fakeClock() }), false);
      assert.deepEqual(sent(), []);
    });

    it("succeeds silently when the database no longer exists", async () => {
      rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ $metadata: {}, message: "DBCluster myaurora not found." }));
      assert.equal(await restoreIamAuth(client, cluster, { changedByThis: true, restoreOnDelete: true }, { clock: fakeClock() }), false);
      assert.deepEqual(sent(), [["DescribeDBClustersCommand", { DBClusterIdentifier: "myaurora" }]]);
    });

    it("does not modify a database whose flag is already off", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false));
      assert.equal(await restoreIamAuth(client, instance, { changedByThis: true, restoreOnDelete: true }, { clock: fakeClock() }), false);
      assert.deepEqual(sent(), [describeMydb]);
    });
  });

  describe("diffIamAuth", () => {
    const news = () => {
      const { previouslyEnabled: _p, changedByThis: _c, iamDatabaseAuthenticationEnabled: _i, ...inputs } = state();
      return inputs;
    };

    it("reports no change for the same inputs", () => {
      assert.deepEqual(diffIamAuth(state(), news()), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces (create before delete) for another database", () => {
      assert.deepEqual(diffIamAuth(state(), { ...news(), identifier: "otherdb" }), { changes: true, replaces: ["identifier"], deleteBeforeReplace: false });
      assert.deepEqual(diffIamAuth(state(), { ...news(), region: "us-east-1" }), { changes: true, replaces: ["region"], deleteBeforeReplace: false });
      assert.deepEqual(diffIamAuth(state(), { ...news(), targetKind: "cluster" }), { changes: true, replaces: ["targetKind"], deleteBeforeReplace: false });
    });

    it("updates in place for a mode, `restoreOnDelete`, `timeoutMinutes` or identifier case change", () => {
      for (const change of [{ mode: "verify" as const }, { restoreOnDelete: false }, { timeoutMinutes: 60 }, { identifier: "MyDB" }]) {
        assert.deepEqual(diffIamAuth(state(), { ...news(), ...change }), { changes: true, replaces: [], deleteBeforeReplace: false });
      }
    });

    it("reports a change when a refresh saw the flag off", () => {
      assert.deepEqual(diffIamAuth(state({ iamDatabaseAuthenticationEnabled: false }), news()), { changes: true, replaces: [], deleteBeforeReplace: false });
    });
  });

  describe("iamAuthProvider", () => {
    it("creates its client for the target's region", async () => {
      assert.equal(await (await rdsClient("ap-south-2")).config.region(), "ap-south-2");
    });

    it("creates in verify mode without modifying and returns the state", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      const { previouslyEnabled: _p, changedByThis: _c, iamDatabaseAuthenticationEnabled: _i, ...inputs } = state({ mode: "verify" });
      const result = await iamAuthProvider.create(inputs);
      assert.deepEqual(result, { id: "eu-west-1/instance/mydb", outs: state({ mode: "verify", previouslyEnabled: true, changedByThis: false }) });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("updates `restoreOnDelete` and `timeoutMinutes` without any AWS call", async () => {
      const olds = state();
      const result = await must(iamAuthProvider.update)("id", olds, { ...olds, restoreOnDelete: false, timeoutMinutes: 5 });
      assert.deepEqual(result, { outs: state({ restoreOnDelete: false, timeoutMinutes: 5 }) });
      assert.deepEqual(sent(), []);
    });

    it("checks the flag and keeps ownership when the mode changes to verify", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", true));
      const result = await must(iamAuthProvider.update)("id", state(), { ...state(), mode: "verify" });
      assert.deepEqual(result, { outs: state({ mode: "verify" }) });
      assert.deepEqual(sent(), [describeMydb]);
    });

    it("does nothing on delete for a database that already had IAM auth on", async () => {
      await must(iamAuthProvider.delete)("id", state({ previouslyEnabled: true, changedByThis: false }));
      assert.deepEqual(sent(), []);
    });

    it("reports the current flag on refresh and keeps what create recorded", async () => {
      rds.on(DescribeDBInstancesCommand).resolves(db("available", false));
      const result = await must(iamAuthProvider.read)("id", state());
      assert.deepEqual(result, { id: "id", props: state({ iamDatabaseAuthenticationEnabled: false }) });
    });

    it("drops the resource on refresh when the database is gone", async () => {
      rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ $metadata: {}, message: "DBInstance mydb not found." }));
      assert.deepEqual(await must(iamAuthProvider.read)("id", state()), { id: "" });
    });
  });

  describe("IamAuthEnablement", () => {
    const registered: pulumi.runtime.MockResourceArgs[] = [];
    before(async () => {
      await pulumi.runtime.setMocks(
        {
          newResource(args) {
            if (args.type !== "pulumi-nodejs:dynamic:Resource") throw new Error(`unexpected resource type ${args.type}`);
            registered.push(args);
            return { id: `${args.name}-id`, state: { ...args.inputs, previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true } };
          },
          call(args) {
            throw new Error(`unexpected call ${args.token}`);
          },
        },
        "project",
        "stack",
        false,
      );
    });

    it("registers a dynamic resource with the target and the intended setting as inputs", async () => {
      const res = new IamAuthEnablement("db-iam-auth", { targetKind: "instance", identifier: pulumi.output("mydb"), region: "eu-west-1", mode: "enable" });
      const changed = await new Promise<boolean>((resolve) => res.changedByThis.apply(resolve));
      assert.equal(changed, true);
      assert.equal(registered.length, 1);
      const { __provider: provider, ...inputs } = registered[0].inputs as Record<string, unknown>;
      assert.deepEqual(inputs, { targetKind: "instance", identifier: "mydb", region: "eu-west-1", mode: "enable", restoreOnDelete: true, timeoutMinutes: 30, enabledSetting: true });
      assert.equal(typeof provider, "string");
      // The serialized provider loads the SDK lazily and stays small (no module-level SDK or Pulumi capture).
      assert.match(provider as string, /require\("@aws-sdk\/client-rds"\)/);
      assert.ok((provider as string).length < 40_000, `serialized provider is ${(provider as string).length} chars`);
    });

    it("refuses an unknown `targetKind` before registering", () => {
      assert.throws(() => new IamAuthEnablement("bad", { targetKind: "db" as "instance", identifier: "mydb", region: "eu-west-1", mode: "enable" }), {
        message: '`targetKind` "db" is not supported; use "instance" or "cluster".',
      });
    });
  });
});
