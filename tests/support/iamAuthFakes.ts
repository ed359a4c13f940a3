/**
 * Test doubles for the IAM-auth enabler specs: a fake clock, the commands sent to a mocked
 * RDSClient, Describe answers, and a small stateful fake database (flag, status, pending values,
 * tags) for the specs where the order of several calls matters (concurrent creates).
 */
import {
  AddTagsToResourceCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  RemoveTagsFromResourceCommand,
  type DBCluster,
  type DBInstance,
  type PendingModifiedValues,
} from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { Clock } from "../../components/iamAuthRds";
import { consumerTagKey } from "../../components/aws/consumerTags";

export const ACCOUNT = "123456789012";
export const INSTANCE_ARN = `arn:aws:rds:eu-west-1:${ACCOUNT}:db:mydb`;
export const CLUSTER_ARN = `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:myaurora`;

/** The consumer ID of the enabler under test, and its tag key on the database. */
export const CONSUMER = "0123456789abcdef0123456789abcdef";
export const KEY = consumerTagKey(CONSUMER);

/** The commands sent for instance "mydb", as `sentBy` lists them. */
export const describeMydb: [string, unknown] = ["DescribeDBInstancesCommand", { DBInstanceIdentifier: "mydb" }];
export const enableMydb: [string, unknown] = ["ModifyDBInstanceCommand", { DBInstanceIdentifier: "mydb", EnableIAMDatabaseAuthentication: true, ApplyImmediately: true }];
export const disableMydb: [string, unknown] = ["ModifyDBInstanceCommand", { DBInstanceIdentifier: "mydb", EnableIAMDatabaseAuthentication: false, ApplyImmediately: true }];
export const listMydb: [string, unknown] = ["ListTagsForResourceCommand", { ResourceName: INSTANCE_ARN }];
export const tagMydb = (value: string, key = KEY): [string, unknown] => ["AddTagsToResourceCommand", { ResourceName: INSTANCE_ARN, Tags: [{ Key: key, Value: value }] }];
export const untagMydb: [string, unknown] = ["RemoveTagsFromResourceCommand", { ResourceName: INSTANCE_ARN, TagKeys: [KEY] }];

/** A clock whose sleeps only advance `now`, and that records them. */
export function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

/** Every command sent through a mocked client, as [command name, input]. */
export function sentBy(stub: AwsClientStub<RDSClient> | { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return stub.calls().map((c) => {
    const cmd = c.args[0] as { constructor: { name: string }; input: unknown };
    return [cmd.constructor.name, cmd.input];
  });
}

/** A DescribeDBInstances answer for instance "mydb". */
export function db(status: string, flag: boolean, extra: Partial<DBInstance> = {}) {
  return {
    DBInstances: [{ DBInstanceIdentifier: "mydb", DBInstanceArn: INSTANCE_ARN, DBInstanceStatus: status, IAMDatabaseAuthenticationEnabled: flag, Engine: "postgres", EngineVersion: "16.3", ...extra }],
  };
}

/** A DescribeDBClusters answer for cluster "myaurora". */
export function dbCluster(status: string, flag: boolean, extra: Partial<DBCluster> = {}) {
  return {
    DBClusters: [{ DBClusterIdentifier: "myaurora", DBClusterArn: CLUSTER_ARN, Status: status, IAMDatabaseAuthenticationEnabled: flag, Engine: "aurora-postgresql", EngineVersion: "16.4", ...extra }],
  };
}

/** A ListTagsForResource answer. */
export function tagList(tags: Record<string, string>) {
  return { TagList: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

export const serviceError = (name: string, message: string) => new RDSServiceException({ name, $fault: "client", $metadata: {}, message });
export const busy = () => new InvalidDBInstanceStateFault({ $metadata: {}, message: "Instance mydb is not in available state." });

/**
 * One RDS instance ("mydb") answering Describe, Modify and the tag calls from its state. A
 * Modify is accepted only while the instance is `available` (RDS answers InvalidDBInstanceState
 * otherwise): it sets the pending flag and `modifying`; then each Describe moves it one step on
 * (pending applied, then `available`).
 */
export class FakeInstance {
  status = "available";
  flag = false;
  pending: PendingModifiedValues = {};
  tags: Record<string, string> = {};
  /** Modify calls RDS accepted, by their EnableIAMDatabaseAuthentication value. */
  accepted: boolean[] = [];

  install(stub: AwsClientStub<RDSClient>): void {
    stub.on(DescribeDBInstancesCommand).callsFake(async () => {
      const answer = db(this.status, this.flag, { PendingModifiedValues: { ...this.pending } });
      this.step();
      return answer;
    });
    stub.on(ModifyDBInstanceCommand).callsFake(async (input: { EnableIAMDatabaseAuthentication?: boolean }) => {
      if (this.status !== "available") throw busy();
      const wanted = input.EnableIAMDatabaseAuthentication === true;
      this.accepted.push(wanted);
      if (wanted !== this.flag) {
        this.pending = { ...this.pending, IAMDatabaseAuthenticationEnabled: wanted };
        this.status = "modifying";
      }
      return {};
    });
    stub.on(ListTagsForResourceCommand).callsFake(async () => tagList(this.tags));
    stub.on(AddTagsToResourceCommand).callsFake(async (input: { Tags?: { Key?: string; Value?: string }[] }) => {
      for (const t of input.Tags ?? []) this.tags[t.Key ?? ""] = t.Value ?? "";
      return {};
    });
    stub.on(RemoveTagsFromResourceCommand).callsFake(async (input: { TagKeys?: string[] }) => {
      for (const k of input.TagKeys ?? []) delete this.tags[k];
      return {};
    });
  }

  private step(): void {
    if (this.pending.IAMDatabaseAuthenticationEnabled !== undefined) {
      this.flag = this.pending.IAMDatabaseAuthenticationEnabled;
      const { IAMDatabaseAuthenticationEnabled: _applied, ...rest } = this.pending;
      this.pending = rest;
    } else if (this.status === "modifying") {
      this.status = "available";
    }
  }
}

