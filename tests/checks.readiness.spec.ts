import { strict as assert } from "assert";
import { MySqlFacts, PostgresFacts, TargetFacts } from "../components/checks/facts";
import { clickPipesParameters } from "../components/checks/parameters";
import { CheckResult, MySqlRequest, PostgresRequest, blockingFailures, mySqlChecks, mySqlVersionNumber, postgresChecks, readinessFailureMessage, readinessRefusal, readinessWarnings, targetChecks } from "../components/checks/readiness";

const rds = { deployment: "rds" as const, parameterGroup: "orders-pg16" };
const aurora = { deployment: "aurora" as const, parameterGroup: "orders-cluster" };

/** PostgreSQL facts of an RDS instance ready for IAM CDC; each test changes one field. */
function pgFacts(over: Partial<PostgresFacts> = {}): PostgresFacts {
  return {
    engine: "postgres",
    serverVersionNum: 160004,
    serverVersion: "16.4",
    walLevel: "logical",
    rdsLogicalReplication: "on",
    rdsIamAuthForReplication: "on",
    maxWalSenders: "20",
    maxReplicationSlots: "20",
    tablesWithoutIdentity: [],
    missingSchemas: [],
    missingTables: [],
    ...over,
  };
}

const pgRequest: PostgresRequest = { cdc: true, schemas: ["public"], publication: { name: "cp_pub", create: true, scope: { kind: "schemas", schemas: ["public"] } } };

/** MySQL 8.0 facts of an RDS instance ready for GTID CDC; each test changes one field. */
function myFacts(over: Partial<MySqlFacts> = {}, variables: Record<string, string> = {}): MySqlFacts {
  return {
    engine: "mysql",
    version: "8.0.39",
    variables: {
      log_bin: "ON",
      binlog_format: "ROW",
      binlog_row_image: "FULL",
      binlog_row_metadata: "FULL",
      binlog_row_value_options: "",
      gtid_mode: "ON",
      enforce_gtid_consistency: "ON",
      binlog_expire_logs_seconds: "2592000",
      ...variables,
    },
    binlogRetentionHours: 72,
    ...over,
  };
}

const myRequest: MySqlRequest = { cdc: true, replicationMechanism: "GTID" };

const notPassing = (results: CheckResult[]) => results.filter((r) => r.status !== "pass").map((r) => [r.id, r.status, `${r.summary}; ${r.fix}.`]);

describe("checks/readiness", () => {
  describe("targetChecks", () => {
    const target: TargetFacts = { engine: "postgres", deployment: "rds", kind: "instance", identifier: "orders", engineVersion: "16.4", host: "orders.x.eu-west-1.rds.amazonaws.com" };
    const withoutEndpoint = (results: CheckResult[]) => results.filter((r) => r.id !== "rds.endpoint");
    it("passes PostgreSQL 12 and refuses 11 in every mode", () => {
      assert.deepEqual(targetChecks({ ...target, engineVersion: "12.0" }, { cdc: false }).map((r) => [r.id, r.status]), [
        ["rds.endpoint", "pass"],
        ["postgres.version", "pass"],
      ]);
      assert.deepEqual(withoutEndpoint(targetChecks({ ...target, engineVersion: "11.22" }, { cdc: false })), [
        {
          id: "postgres.version",
          status: "fail",
          summary: 'PostgreSQL "11.22" on instance "orders" is older than ClickPipes reads (12 or later, in every mode)',
          fix: "upgrade the instance to PostgreSQL 12 or later",
        },
      ]);
    });
    it("checks automated backups only for MySQL/MariaDB CDC on RDS, not Aurora", () => {
      const my = { ...target, engine: "mysql" as const, engineVersion: "8.0.39", backupRetentionPeriod: 0 };
      assert.deepEqual(withoutEndpoint(targetChecks(my, { cdc: true })).map((r) => [r.id, r.status]), [["rds.backups", "fail"]]);
      assert.deepEqual(withoutEndpoint(targetChecks(my, { cdc: false })), []);
      assert.deepEqual(withoutEndpoint(targetChecks({ ...my, deployment: "aurora" }, { cdc: true })), []);
      assert.deepEqual(withoutEndpoint(targetChecks({ ...my, backupRetentionPeriod: undefined }, { cdc: true })).map((r) => r.status), ["skip"]);
    });
    it("warns when ClickPipes cannot read the token's region from the host (PeerDB's pattern)", () => {
      const endpoint = (host: string) => targetChecks({ ...target, host }, { cdc: false })[0];
      assert.deepEqual(endpoint("orders.abc123.eu-west-1.rds.amazonaws.com"), {
        id: "rds.endpoint",
        status: "pass",
        summary: 'Host "orders.abc123.eu-west-1.rds.amazonaws.com" is an RDS endpoint ClickPipes can sign IAM tokens for (region eu-west-1)',
      });
      assert.deepEqual(endpoint("orders.abc123.cn-north-1.rds.amazonaws.com.cn"), {
        id: "rds.endpoint",
        status: "warn",
        summary: 'Host "orders.abc123.cn-north-1.rds.amazonaws.com.cn" is not an endpoint of the form <name>.<id>.<region>.rds.amazonaws.com, so ClickPipes cannot tell the region to sign its IAM token for',
        fix: "give ClickPipes the database's own RDS endpoint (not a CNAME, custom DNS name or .amazonaws.com.cn endpoint)",
      });
      assert.equal(endpoint("db.internal.example.com").status, "warn");
      assert.equal(endpoint("orders.proxy-abc123.eu-west-1.rds.amazonaws.com").status, "warn");
    });
  });

  describe("postgresChecks", () => {
    it("passes a ready RDS source", () => {
      assert.deepEqual(notPassing(postgresChecks(pgFacts(), pgRequest, rds)), []);
    });
    it("checks nothing of CDC for Initial Load Only", () => {
      assert.deepEqual(postgresChecks(pgFacts({ walLevel: "replica" }), { cdc: false, schemas: ["public"] }, rds), []);
    });
    it("names the static RDS parameter and its group when logical replication is off", () => {
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ walLevel: "replica", rdsLogicalReplication: "off" }), pgRequest, rds)), [
        ["postgres.wal_level", "fail", 'wal_level is "replica", not "logical" (rds.logical_replication is "off"); set `rds.logical_replication` to 1 in DB parameter group "orders-pg16" and reboot (static parameter).'],
      ]);
    });
    it("asks for wal_level itself on a server that is not RDS", () => {
      const results = postgresChecks(pgFacts({ walLevel: "replica", rdsLogicalReplication: undefined, rdsIamAuthForReplication: undefined }), pgRequest, rds);
      assert.deepEqual(notPassing(results), [["postgres.wal_level", "fail", 'wal_level is "replica", not "logical"; set `wal_level = logical` and restart the server.']]);
    });
    it("requires rds.iam_auth_for_replication for the IAM replication connection, in the cluster parameter group on Aurora", () => {
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ rdsIamAuthForReplication: "off" }), pgRequest, aurora)), [
        [
          "postgres.rds_iam_auth_for_replication",
          "fail",
          'rds.iam_auth_for_replication is "off", so the replication connection cannot log in with IAM; set `rds.iam_auth_for_replication` to 1 in DB cluster parameter group "orders-cluster" (dynamic, no reboot).',
        ],
      ]);
    });
    it("requires at least 2 WAL senders", () => {
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ maxWalSenders: "1" }), pgRequest, rds)).map((r) => r[0]), ["postgres.max_wal_senders"]);
    });
    it("refuses to create a publication that already exists", () => {
      const publication = { name: "cp_pub", allTables: true, schemas: [], tables: [], publishesUpdates: true, publishViaPartitionRoot: false, partitionedTables: [] };
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ publication }), pgRequest, rds)), [
        ["postgres.publication", "fail", 'Publication "cp_pub" already exists, and this component does not take over what it did not create; set `createPublication: false` to use it as it is, or choose another `publicationName`.'],
      ]);
    });
    it("checks that an existing publication covers the listed schemas", () => {
      const existing: PostgresRequest = { cdc: true, schemas: ["public", "sales"], publication: { name: "cp_pub", create: false, scope: { kind: "schemas", schemas: ["public", "sales"] } } };
      const publication = { name: "cp_pub", allTables: false, schemas: [], tables: [{ schema: "public", table: "orders" }], publishesUpdates: true, publishViaPartitionRoot: false, partitionedTables: [] };
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ publication }), existing, rds)), [
        ["postgres.publication", "fail", 'Publication "cp_pub" does not cover schema "sales", so ClickPipes cannot replicate it; add it (`ALTER PUBLICATION "cp_pub" ADD …`).'],
      ]);
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ publication: { ...publication, schemas: ["sales"] } }), existing, rds)), []);
      assert.deepEqual(notPassing(postgresChecks(pgFacts(), existing, rds)).map((r) => r[2]), [
        'Publication "cp_pub" does not exist in the database; create it (`CREATE PUBLICATION "cp_pub" FOR TABLE …`), or set `createPublication: true`.',
      ]);
    });
    describe("an existing publication with partitioned tables (postgres.publish_via_partition_root)", () => {
      const use: PostgresRequest = { cdc: true, schemas: ["public"], publication: { name: 'cp "pub"', create: false, scope: { kind: "schemas", schemas: ["public"] } } };
      const events = { schema: "public", table: "events" };
      const existing = (publishViaPartitionRoot: boolean | undefined, partitionedTables = [events]) => ({
        name: 'cp "pub"',
        allTables: false,
        schemas: ["public"],
        tables: [{ schema: "public", table: "events_2026" }],
        publishesUpdates: true,
        publishViaPartitionRoot,
        partitionedTables,
      });
      const result = (publication: ReturnType<typeof existing>, request = use) =>
        postgresChecks(pgFacts({ publication }), request, rds).find((r) => r.id === "postgres.publish_via_partition_root");

      it("warns, with the ALTER that turns it on, when the option is off: a warning, not a failure", () => {
        const results = postgresChecks(pgFacts({ publication: existing(false) }), use, rds);
        assert.deepEqual(notPassing(results), [
          [
            "postgres.publish_via_partition_root",
            "warn",
            'Publication "cp "pub"" includes partitioned table "public"."events" but publishes its changes under the partitions\' names (publish_via_partition_root is off), so a pipe that maps it misses them; run `ALTER PUBLICATION "cp ""pub""" SET (publish_via_partition_root = true)` as its owner.',
          ],
        ]);
        assert.deepEqual(blockingFailures(results, "enforce"), []);
      });
      it("passes when the option is on, or when there is no partitioned table", () => {
        assert.equal(result(existing(true))?.status, "pass");
        assert.deepEqual(result(existing(false, [])), { id: "postgres.publish_via_partition_root", status: "pass", summary: 'Publication "cp "pub"" includes no partitioned table' });
      });
      it("is skipped on PostgreSQL 12, which has no such option", () => {
        assert.equal(result(existing(undefined))?.status, "skip");
      });
      it("is not made for a publication the component creates (it sets the option itself)", () => {
        const create: PostgresRequest = { ...use, publication: { ...use.publication!, create: true } };
        assert.equal(result(existing(false), create), undefined);
      });
    });
    it("refuses to create a publication over tables without a primary key, which would break their UPDATE and DELETE", () => {
      const bad = [{ schema: "public", table: "events", replicaIdentity: "d" }];
      assert.deepEqual(notPassing(postgresChecks(pgFacts({ tablesWithoutIdentity: bad }), pgRequest, rds)), [
        [
          "postgres.replica_identity",
          "fail",
          '"public"."events" has no primary key and no REPLICA IDENTITY FULL; once published, PostgreSQL refuses UPDATE and DELETE on it; give it a primary key or run `ALTER TABLE … REPLICA IDENTITY FULL`, or leave it out with `publicationTables`.',
        ],
      ]);
    });
    it("lets cdcChecks warn through every failure but that one, which would break the application", () => {
      const results = postgresChecks(pgFacts({ rdsIamAuthForReplication: "off", tablesWithoutIdentity: [{ schema: "public", table: "events", replicaIdentity: "d" }] }), pgRequest, rds);
      assert.deepEqual(blockingFailures(results, "warn").map((r) => r.id), ["postgres.replica_identity"]);
      assert.deepEqual(blockingFailures(results, "enforce").map((r) => r.id), ["postgres.rds_iam_auth_for_replication", "postgres.replica_identity"]);
    });

    it("only warns about such tables in FOR ALL TABLES asked for explicitly, or in an existing publication", () => {
      const bad = [{ schema: "public", table: "events", replicaIdentity: "n" }];
      const all: PostgresRequest = { ...pgRequest, publication: { name: "cp_pub", create: true, scope: { kind: "allTables" } } };
      assert.deepEqual(
        postgresChecks(pgFacts({ tablesWithoutIdentity: bad }), all, rds)
          .filter((r) => r.status !== "pass")
          .map((r) => [r.id, r.status]),
        [["postgres.replica_identity", "warn"]],
      );
    });
    it("reports missing schemas and tables", () => {
      const results = postgresChecks(pgFacts({ missingSchemas: ["sales"], missingTables: [{ schema: "public", table: "gone" }] }), pgRequest, rds);
      assert.deepEqual(notPassing(results).map((r) => r[2]), [
        'Schema "sales" does not exist in the database; create it, or remove it from `schemas`.',
        'Table "public"."gone" does not exist; create it, or remove it from `publicationTables`.',
      ]);
    });
  });

  describe("mySqlChecks", () => {
    it("passes a ready RDS MySQL source", () => {
      assert.deepEqual(notPassing(mySqlChecks(myFacts(), myRequest, rds)), []);
    });
    it("lists every unmet binlog setting with its parameter group", () => {
      const facts = myFacts({ binlogRetentionHours: null }, { binlog_format: "MIXED", binlog_row_image: "MINIMAL", binlog_row_metadata: "MINIMAL", binlog_row_value_options: "PARTIAL_JSON", gtid_mode: "OFF" });
      assert.deepEqual(notPassing(mySqlChecks(facts, myRequest, rds)), [
        ["mysql.binlog_format", "fail", 'binlog_format is "MIXED", not "ROW"; set `binlog_format` to ROW in DB parameter group "orders-pg16" (dynamic, no reboot).'],
        ["mysql.binlog_row_image", "fail", 'binlog_row_image is "MINIMAL", not "FULL"; set `binlog_row_image` to FULL in DB parameter group "orders-pg16" (dynamic, no reboot).'],
        ["mysql.binlog_row_metadata", "fail", 'binlog_row_metadata is "MINIMAL", not "FULL"; set `binlog_row_metadata` to FULL in DB parameter group "orders-pg16" (dynamic, no reboot).'],
        [
          "mysql.binlog_row_value_options",
          "fail",
          'binlog_row_value_options is "PARTIAL_JSON", not empty (partial JSON updates cannot be replicated); set `binlog_row_value_options` to an empty value in DB parameter group "orders-pg16" (dynamic, no reboot).',
        ],
        [
          "mysql.gtid_mode",
          "fail",
          'gtid_mode is "OFF", but the pipe replicates by GTID (ClickPipes\' default); set `enforce_gtid_consistency` and `gtid_mode` to ON in DB parameter group "orders-pg16" and reboot, or set `replicationMechanism: "FILE_POS"` if FILE_POS is enabled for your ClickHouse organization.',
        ],
        [
          "mysql.binlog_retention_hours",
          "fail",
          "binlog retention hours is NULL (binary logs are purged as soon as possible); ClickPipes needs at least 24; run `CALL mysql.rds_set_configuration('binlog retention hours', 72);` as the admin, or set `binlogRetentionHours`.",
        ],
      ]);
    });
    it("does not ask for GTID with FILE_POS, nor on MariaDB (GTID is always on there)", () => {
      assert.deepEqual(notPassing(mySqlChecks(myFacts({}, { gtid_mode: "OFF" }), { ...myRequest, replicationMechanism: "FILE_POS" }, rds)), []);
      const maria = myFacts({ engine: "mariadb", version: "10.11.9-MariaDB-log" });
      delete maria.variables.gtid_mode;
      delete maria.variables.binlog_row_value_options;
      assert.deepEqual(notPassing(mySqlChecks(maria, myRequest, rds)), []);
    });
    it("counts the retention this component will set as met, and never a lower value", () => {
      const low = myFacts({ binlogRetentionHours: 12 });
      assert.deepEqual(notPassing(mySqlChecks(low, { ...myRequest, setsBinlogRetentionHours: 72 }, rds)), []);
      assert.deepEqual(notPassing(mySqlChecks(low, myRequest, rds)).map((r) => r[0]), ["mysql.binlog_retention_hours"]);
      assert.deepEqual(mySqlChecks(myFacts({ binlogRetentionHours: undefined }), myRequest, rds).find((r) => r.id === "mysql.binlog_retention_hours")?.status, "skip");
    });
    it("turns binary logging on through automated backups on RDS, and binlog_format on Aurora", () => {
      assert.deepEqual(notPassing(mySqlChecks(myFacts({}, { log_bin: "OFF" }), myRequest, rds)).map((r) => r[2]), [
        'Binary logging is off (log_bin is "OFF"); turn on automated backups (backup retention period 1 day or more).',
      ]);
      assert.deepEqual(notPassing(mySqlChecks(myFacts({}, { log_bin: "OFF" }), myRequest, aurora)).map((r) => r[2]), [
        'Binary logging is off (log_bin is "OFF"); set `binlog_format` to ROW in DB cluster parameter group "orders-cluster" and reboot the writer.',
      ]);
    });
    it("warns, not fails, on a MySQL without binlog_row_metadata", () => {
      const old = myFacts({ version: "5.7.44-log" });
      delete old.variables.binlog_row_metadata;
      assert.deepEqual(
        mySqlChecks(old, myRequest, rds)
          .filter((r) => r.status !== "pass")
          .map((r) => [r.id, r.status]),
        [["mysql.binlog_row_metadata", "warn"]],
      );
    });
    it("refuses a binlog expiry under a day", () => {
      assert.deepEqual(notPassing(mySqlChecks(myFacts({}, { binlog_expire_logs_seconds: "3600" }), myRequest, rds)).map((r) => r[0]), ["mysql.binlog_expire_logs_seconds"]);
      assert.deepEqual(notPassing(mySqlChecks(myFacts({}, { binlog_expire_logs_seconds: "0" }), myRequest, rds)), []);
    });
    it("reads the version number out of @@version", () => {
      assert.deepEqual([mySqlVersionNumber("10.11.9-MariaDB-log"), mySqlVersionNumber("8.0.39"), mySqlVersionNumber("x")], ["10.11.9", "8.0.39", ""]);
    });
  });

  describe("readinessFailureMessage", () => {
    it("lists each unmet requirement and its fix on a line of its own", () => {
      const failed: CheckResult[] = [
        { id: "a", status: "fail", summary: "A is off", fix: "turn A on" },
        { id: "b", status: "fail", summary: "B is low", fix: "raise B" },
      ];
      assert.equal(
        readinessFailureMessage('Instance "orders"', failed, 'set `cdcChecks: "warn"` to deploy anyway'),
        'Instance "orders" is not ready for ClickPipes CDC (2 unmet requirements); fix them and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy anyway:\n  - A is off; turn A on.\n  - B is low; raise B.',
      );
    });
  });

  describe("readinessRefusal and readinessWarnings", () => {
    const results: CheckResult[] = [
      { id: "a", status: "fail", summary: "A is off", fix: "turn A on" },
      { id: "h", status: "fail", summary: "H would break", fix: "fix H", hard: true },
      { id: "w", status: "warn", summary: "W is odd", fix: "look at W" },
      { id: "p", status: "pass", summary: "P is fine" },
    ];

    it("under enforce refuses with every failure, offering the warn escape only for those it waives", () => {
      assert.equal(
        readinessRefusal({ kind: "instance", identifier: "orders" }, results, "enforce"),
        'Instance "orders" is not ready for ClickPipes CDC (2 unmet requirements); fix them and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy despite those not marked (not waivable), which would break the application:\n  - A is off; turn A on.\n  - (not waivable) H would break; fix H.',
      );
      assert.equal(
        readinessRefusal({ kind: "instance", identifier: "orders" }, results.filter((r) => r.id !== "h"), "enforce"),
        'Instance "orders" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy anyway:\n  - A is off; turn A on.',
      );
      // Only hard failures: the warn escape is not offered at all.
      assert.equal(
        readinessRefusal({ kind: "instance", identifier: "orders" }, results.filter((r) => r.id !== "a"), "enforce"),
        'Instance "orders" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or note that `cdcChecks: "warn"` does not waive these, since going on would break the application:\n  - H would break; fix H.',
      );
    });

    it("under warn refuses with the hard failures only, saying warn does not waive them", () => {
      assert.equal(
        readinessRefusal({ kind: "cluster", identifier: "ledger" }, results, "warn"),
        'Cluster "ledger" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or note that `cdcChecks: "warn"` does not waive these, since going on would break the application:\n  - H would break; fix H.',
      );
    });

    it("refuses nothing when nothing blocks, and warns of the failures let through, then the warnings", () => {
      const soft = results.filter((r) => r.hard !== true);
      assert.equal(readinessRefusal({ kind: "instance", identifier: "orders" }, soft, "warn"), undefined);
      assert.equal(readinessRefusal({ kind: "instance", identifier: "orders" }, [results[3]], "enforce"), undefined);
      assert.deepEqual(readinessWarnings(results), ["A is off; turn A on.", "H would break; fix H.", "W is odd; look at W."]);
    });
  });

  describe("clickPipesParameters", () => {
    it("lists nothing for Initial Load Only", () => {
      assert.deepEqual(clickPipesParameters({ engine: "postgres", deployment: "rds", cdc: false }), []);
    });
    it("lists logical replication and IAM for replication for PostgreSQL", () => {
      assert.deepEqual(clickPipesParameters({ engine: "postgres", deployment: "aurora", cdc: true }), [
        { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
        { name: "rds.iam_auth_for_replication", value: "1", applyMethod: "immediate" },
      ]);
    });
    it("lists the binlog row settings, and GTID for MySQL with the GTID mechanism only", () => {
      const names = (o: Parameters<typeof clickPipesParameters>[0]) => clickPipesParameters(o).map((p) => `${p.name}=${p.value}`);
      assert.deepEqual(names({ engine: "mysql", deployment: "aurora", cdc: true }), ["binlog_format=ROW", "binlog_row_image=FULL", "binlog_row_metadata=FULL", "enforce_gtid_consistency=ON", "gtid-mode=ON"]);
      assert.deepEqual(names({ engine: "mysql", deployment: "rds", cdc: true, replicationMechanism: "FILE_POS" }), ["binlog_format=ROW", "binlog_row_image=FULL", "binlog_row_metadata=FULL"]);
      assert.deepEqual(names({ engine: "mariadb", deployment: "rds", cdc: true }), ["binlog_format=ROW", "binlog_row_image=FULL", "binlog_row_metadata=FULL"]);
      // MySQL 5.7 parameter groups (Aurora MySQL 2 too) have no binlog_row_metadata.
      assert.deepEqual(names({ engine: "mysql", deployment: "aurora", cdc: true, engineVersion: "5.7.mysql_aurora.2.12.0" }), [
        "binlog_format=ROW",
        "binlog_row_image=FULL",
        "enforce_gtid_consistency=ON",
        "gtid-mode=ON",
      ]);
    });
  });
});
