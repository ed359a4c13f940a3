import { strict as assert } from "assert";
import { TargetInfo, checkTarget, compareVersions } from "../components/target";

function target(over: Partial<TargetInfo> = {}): TargetInfo {
  return {
    kind: "instance",
    deployment: "rds",
    identifier: "db1",
    arn: "arn:aws:rds:eu-west-1:123456789012:db:db1",
    location: { partition: "aws", region: "eu-west-1", account: "123456789012" },
    resourceId: "db-ABC",
    host: "db1.example",
    port: 5432,
    rdsEngine: "postgres",
    engineVersion: "16.4",
    managed: false,
    ...over,
  };
}

const ok = { engine: "postgres" as const, cdc: false, enablesIamAuth: true };

describe("target", () => {
  describe("compareVersions", () => {
    it("compares dotted versions numerically", () => {
      assert.deepEqual(
        [compareVersions("10.11.6", "10.11"), compareVersions("10.6.16", "10.11"), compareVersions("16.4", "11"), compareVersions("11", "11.0"), compareVersions("9.6.24", "11")],
        [1, -1, 1, 0, -1],
      );
    });
    it("reads Aurora version strings by their leading numbers", () => {
      assert.equal(compareVersions("8.0.mysql_aurora.3.08.0", "8.0"), 1);
    });
  });

  describe("checkTarget", () => {
    it("accepts a matching engine with IAM auth to be enabled", () => {
      assert.doesNotThrow(() => checkTarget(target(), ok));
      assert.doesNotThrow(() => checkTarget(target({ rdsEngine: "aurora-postgresql", kind: "cluster", deployment: "aurora", iamAuthEnabled: true }), { ...ok, enablesIamAuth: false }));
    });
    it("refuses an unsupported RDS engine, listing what the engine arg accepts", () => {
      assert.throws(() => checkTarget(target({ rdsEngine: "sqlserver-se" }), ok), {
        message: '`engine` "postgres" does not match the database\'s engine "sqlserver-se"; set `engine` to one that matches ("postgres" or "aurora-postgresql" for "postgres").',
      });
    });
    it("refuses MariaDB before 10.11, where RDS has no IAM auth", () => {
      assert.throws(() => checkTarget(target({ rdsEngine: "mariadb", engineVersion: "10.6.16" }), { ...ok, engine: "mariadb" }), {
        message: 'MariaDB "10.6.16" on instance "db1" does not support IAM database authentication; upgrade to MariaDB 10.11 or later.',
      });
      assert.doesNotThrow(() => checkTarget(target({ rdsEngine: "mariadb", engineVersion: "10.11.9" }), { ...ok, engine: "mariadb" }));
    });
    it("checks a managed target's own flag and never offers to change it", () => {
      assert.throws(() => checkTarget(target({ managed: true, kind: "cluster", iamAuthEnabled: false }), { ...ok, enablesIamAuth: false }), {
        message: 'IAM database authentication is off on cluster "db1"; set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Cluster (this component never modifies a database it does not own).',
      });
    });
    it("leaves an instance lookup's unknown flag to the verifying resource", () => {
      assert.doesNotThrow(() => checkTarget(target({ iamAuthEnabled: undefined }), { ...ok, enablesIamAuth: false }));
    });
  });
});
