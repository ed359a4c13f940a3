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
    host: "db1.abcdefghijkl.eu-west-1.rds.amazonaws.com",
    port: 5432,
    rdsEngine: "postgres",
    engineVersion: "16.4",
    managed: false,
    ...over,
  };
}

const ok = { engine: "postgres" as const, cdc: false, cdcChecks: "enforce" as const, enablesIamAuth: true };
const schemasPublication = { name: "pub", create: true, scope: { kind: "schemas" as const, schemas: ["public"] } };

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
    it("refuses an Aurora member instance, and an identifier target with IAM auth off, in the enabler's words", () => {
      assert.throws(() => checkTarget(target({ memberOfCluster: "shop-aurora" }), ok), {
        message: '`dbInstanceIdentifier` "db1" is an instance of Aurora cluster "shop-aurora"; IAM auth and the resource ID belong to the cluster, so set `dbClusterIdentifier` to "shop-aurora" instead.',
      });
      assert.throws(() => checkTarget(target({ iamAuthEnabled: false }), { ...ok, enablesIamAuth: false }), {
        message: 'IAM database authentication is off on instance "db1"; set `enableIamAuth: true` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).',
      });
      assert.doesNotThrow(() => checkTarget(target({ iamAuthEnabled: false }), ok));
    });
    it("leaves an instance lookup's unknown flag to the verifying resource", () => {
      assert.doesNotThrow(() => checkTarget(target({ iamAuthEnabled: undefined }), { ...ok, enablesIamAuth: false }));
    });
    it("refuses PostgreSQL before 12 in every mode, whatever cdcChecks says", () => {
      const message = 'PostgreSQL "11.22" on instance "db1" is older than ClickPipes reads (12 or later, in every mode); upgrade the instance to PostgreSQL 12 or later.';
      assert.throws(() => checkTarget(target({ engineVersion: "11.22" }), ok), { message });
      assert.throws(() => checkTarget(target({ engineVersion: "11.22" }), { ...ok, cdc: true, cdcChecks: "warn", publication: schemasPublication }), { message });
      assert.deepEqual(checkTarget(target({ engineVersion: "12.22" }), ok), []);
    });
    it("refuses a schema publication to create on PostgreSQL before 15, and accepts listed tables there", () => {
      const cdc = { ...ok, cdc: true, publication: schemasPublication };
      assert.throws(() => checkTarget(target({ engineVersion: "14.12" }), cdc), {
        message:
          'PostgreSQL "14.12" on instance "db1" has no `FOR TABLES IN SCHEMA` publications (PostgreSQL 15 and later); list the tables ClickPipes replicates in `publicationTables`, or create a publication yourself and set `publicationName` and `createPublication: false`.',
      });
      const tables = { ...cdc, publication: { name: "pub", create: true, scope: { kind: "tables" as const, tables: [{ schema: "public", table: "orders" }] } } };
      assert.deepEqual(checkTarget(target({ engineVersion: "14.12" }), tables), []);
      assert.deepEqual(checkTarget(target({ engineVersion: "14.12" }), { ...cdc, publication: { ...schemasPublication, create: false } }), []);
    });
    it("refuses more binlog retention than RDS for MySQL and MariaDB allow, and takes it on Aurora", () => {
      const my = target({ rdsEngine: "mysql", engineVersion: "8.0.39", backupRetentionPeriod: 7 });
      assert.throws(() => checkTarget(my, { ...ok, engine: "mysql", cdc: true, binlogRetentionHours: 169 }), {
        message: '`binlogRetentionHours` 169 is more than RDS for MySQL allows (168, 7 days) on instance "db1"; use 168 or less.',
      });
      assert.deepEqual(checkTarget(my, { ...ok, engine: "mysql", cdc: true, binlogRetentionHours: 168 }), []);
      const aurora = target({ rdsEngine: "aurora-mysql", kind: "cluster", deployment: "aurora", engineVersion: "8.0.mysql_aurora.3.08.0", iamAuthEnabled: true });
      assert.deepEqual(checkTarget(aurora, { ...ok, engine: "mysql", cdc: true, binlogRetentionHours: 720 }), []);
    });
    it("refuses MySQL/MariaDB CDC on RDS without automated backups, or warns under cdcChecks warn", () => {
      const maria = target({ rdsEngine: "mariadb", engineVersion: "10.11.9", backupRetentionPeriod: 0, parameterGroup: "pg1" });
      const problem =
        'Automated backups are off on instance "db1" (backup retention period 0), so RDS keeps no binary logs for CDC; set the backup retention period to 1 day or more (Modify, "Backup retention period"; `backupRetentionPeriod` on an aws.rds.Instance).';
      assert.throws(() => checkTarget(maria, { ...ok, engine: "mariadb", cdc: true }), {
        message: `Instance "db1" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run \`pulumi up\` again, or set \`cdcChecks: "warn"\` to deploy anyway:\n  - ${problem}`,
      });
      assert.deepEqual(checkTarget(maria, { ...ok, engine: "mariadb", cdc: true, cdcChecks: "warn" }), [problem]);
      assert.deepEqual(checkTarget(maria, { ...ok, engine: "mariadb", cdc: false }), []);
      assert.deepEqual(checkTarget({ ...maria, backupRetentionPeriod: 7 }, { ...ok, engine: "mariadb", cdc: true }), []);
    });
  });
});
