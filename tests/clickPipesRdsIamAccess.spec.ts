import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { cloud, clusterLookup, failureOf, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";
const PG_ID = "orders-pg";
const AURORA_ID = "shop-aurora";

function pgArgs(over: Partial<ClickPipesRdsIamAccessArgs> = {}): ClickPipesRdsIamAccessArgs {
  return { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbInstanceIdentifier: PG_ID, adminUsername: "admin_user", adminPassword: "s3cret-pw", ...over };
}

function auroraArgs(over: Partial<ClickPipesRdsIamAccessArgs> = {}): ClickPipesRdsIamAccessArgs {
  return { clickhouseRoleArn: CH_ROLE, engine: "mysql", dbClusterIdentifier: AURORA_ID, adminUsername: "admin_user", adminPassword: "s3cret-pw", databases: ["shop"], ...over };
}

async function build(name: string, args: ClickPipesRdsIamAccessArgs, opts?: ConstructorParameters<typeof ClickPipesRdsIamAccess>[2]) {
  const c = new ClickPipesRdsIamAccess(name, args, opts);
  await settleTree(c);
  return c;
}

function json(v: unknown): unknown {
  return JSON.parse(String(v));
}

describe("ClickPipesRdsIamAccess", () => {
  before(() => installMocks());
  beforeEach(() =>
    cloud.reset({
      instances: { [PG_ID]: instanceLookup({ identifier: PG_ID }) },
      clusters: { [AURORA_ID]: clusterLookup({ identifier: AURORA_ID }) },
    }),
  );

  describe("IAM role and policy", () => {
    it("trusts exactly the ClickHouse role for sts:AssumeRole and sts:TagSession", async () => {
      await build("pg", pgArgs());
      assert.deepEqual(json(cloud.one("aws:iam/role:Role").inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [{ Sid: "AllowClickHouseServiceRole", Effect: "Allow", Principal: { AWS: CH_ROLE }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      });
    });

    it("allows only rds-db:connect on the instance's db- resource ID and user", async () => {
      await build("pg", pgArgs());
      const policy = cloud.one("aws:iam/rolePolicy:RolePolicy");
      assert.equal(policy.inputs.role, "pg-role-id");
      assert.deepEqual(json(policy.inputs.policy), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConnectAsClickPipesUser",
            Effect: "Allow",
            Action: "rds-db:connect",
            Resource: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user",
          },
        ],
      });
    });

    it("uses the cluster- resource ID for an Aurora cluster", async () => {
      const c = await build("aurora", auroraArgs({ dbUsername: "cp_reader" }));
      assert.equal(await valueOf(c.dbUserArn), "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/cp_reader");
      assert.equal(await valueOf(c.resourceId), "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0");
    });

    const partitions: Array<[string, string, string]> = [
      ["aws", "us-west-2", "arn:aws:rds-db:us-west-2:210987654321:dbuser:db-PARTITIONTEST0000000000000/clickpipes_iam_user"],
      ["aws-cn", "cn-north-1", "arn:aws-cn:rds-db:cn-north-1:210987654321:dbuser:db-PARTITIONTEST0000000000000/clickpipes_iam_user"],
      ["aws-us-gov", "us-gov-west-1", "arn:aws-us-gov:rds-db:us-gov-west-1:210987654321:dbuser:db-PARTITIONTEST0000000000000/clickpipes_iam_user"],
    ];
    for (const [partition, region, expected] of partitions) {
      it(`builds the instance dbuser ARN in partition ${partition} from the instance ARN`, async () => {
        cloud.fixtures.instances["p-db"] = instanceLookup({ identifier: "p-db", partition, region, account: "210987654321", resourceId: "db-PARTITIONTEST0000000000000" });
        const c = await build(`p-${partition}`, pgArgs({ dbInstanceIdentifier: "p-db", clickhouseRoleArn: `arn:${partition}:iam::111122223333:role/ch` }));
        assert.equal(await valueOf(c.dbUserArn), expected);
      });
      it(`builds the cluster dbuser ARN in partition ${partition} from the cluster ARN`, async () => {
        cloud.fixtures.clusters["p-cl"] = clusterLookup({ identifier: "p-cl", partition, region, account: "210987654321", resourceId: "cluster-PARTITIONTEST000000000" });
        const c = await build(`pc-${partition}`, auroraArgs({ dbClusterIdentifier: "p-cl", clickhouseRoleArn: `arn:${partition}:iam::111122223333:role/ch` }));
        assert.equal(await valueOf(c.dbUserArn), expected.replace("db-PARTITIONTEST0000000000000", "cluster-PARTITIONTEST000000000"));
      });
    }

    it("passes role name, path, boundary, session duration and tags to the role", async () => {
      await build(
        "pg",
        pgArgs({
          roleName: "clickpipes-orders",
          rolePath: "/clickpipes/",
          permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
          maxSessionDuration: 7200,
          tags: { team: "data" },
        }),
      );
      const role = cloud.one("aws:iam/role:Role");
      assert.equal(role.name, "pg-role");
      assert.equal(role.inputs.name, "clickpipes-orders");
      assert.equal(role.inputs.path, "/clickpipes/");
      assert.equal(role.inputs.permissionsBoundary, "arn:aws:iam::123456789012:policy/boundary");
      assert.equal(role.inputs.maxSessionDuration, 7200);
      assert.deepEqual(role.inputs.tags, { team: "data" });
      assert.equal(role.inputs.description, "ClickHouse ClickPipes: rds-db:connect as postgres user clickpipes_iam_user");
    });
  });

  describe("lookups", () => {
    it("costs exactly one getInstance invoke for an instance identifier", async () => {
      await build("pg", pgArgs());
      assert.deepEqual(
        cloud.invokes.map((i) => [i.token, i.inputs.dbInstanceIdentifier]),
        [["aws:rds/getInstance:getInstance", PG_ID]],
      );
    });

    it("costs exactly one getCluster invoke for a cluster identifier", async () => {
      await build("aurora", auroraArgs());
      assert.deepEqual(
        cloud.invokes.map((i) => [i.token, i.inputs.clusterIdentifier]),
        [["aws:rds/getCluster:getCluster", AURORA_ID]],
      );
    });

    it("costs no invoke for a managed Aurora cluster, and reads it from the cluster's outputs", async () => {
      cloud.extraState["managed-aurora"] = {
        clusterIdentifier: "managed-aurora",
        arn: "arn:aws-us-gov:rds:us-gov-east-1:123456789012:cluster:managed-aurora",
        clusterResourceId: "cluster-MANAGEDMANAGEDMANAGED0",
        endpoint: "managed-aurora.cluster-abcdefghijkl.us-gov-east-1.rds.amazonaws.com",
        port: 5432,
        engineVersionActual: "16.4",
      };
      const cluster = new aws.rds.Cluster("managed-aurora", { clusterIdentifier: "managed-aurora", engine: "aurora-postgresql", iamDatabaseAuthenticationEnabled: true });
      const c = await build("managed-cl", pgArgs({ dbInstanceIdentifier: undefined, cluster, clickhouseRoleArn: "arn:aws-us-gov:iam::111122223333:role/ch" }));
      assert.deepEqual(cloud.invokes, []);
      assert.deepEqual(cloud.byType("pulumi-nodejs:dynamic:Resource"), []);
      assert.equal(await valueOf(c.dbUserArn), "arn:aws-us-gov:rds-db:us-gov-east-1:123456789012:dbuser:cluster-MANAGEDMANAGEDMANAGED0/clickpipes_iam_user");
      assert.deepEqual([(await valueOf(c.clickPipeSource)).type, await valueOf(c.host), await valueOf(c.port)], [
        "aurorapostgres",
        "managed-aurora.cluster-abcdefghijkl.us-gov-east-1.rds.amazonaws.com",
        5432,
      ]);
    });

    it("costs no invoke for a managed instance", async () => {
      const instance = managedInstance("managed-pg", true);
      await build("managed", pgArgs({ dbInstanceIdentifier: undefined, instance }));
      assert.deepEqual(cloud.invokes, []);
    });
  });

  describe("PostgreSQL user", () => {
    it("creates the provider, login role with rds_iam, and grants per schema", async () => {
      const c = await build("pg", pgArgs({ database: "orders", schemas: ["public", "sales"] }));
      const provider = cloud.one("pulumi:providers:postgresql");
      assert.equal(provider.name, "pg-postgresql");
      assert.equal(provider.inputs.host, `${PG_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com`);
      assert.equal(provider.inputs.port, "5432");
      assert.equal(provider.inputs.username, "admin_user");
      assert.equal(provider.inputs.database, "orders");
      assert.equal(provider.inputs.sslmode, "require");
      assert.equal(provider.inputs.superuser, "false");

      const role = cloud.one("postgresql:index/role:Role");
      assert.equal(role.name, "pg-db-user");
      assert.deepEqual(role.inputs, { name: "clickpipes_iam_user", login: true, roles: ["rds_iam"], skipReassignOwned: true });
      assert.match(String(role.provider), /pg-postgresql/);

      const grants = sortedByName(cloud.byType("postgresql:index/grant:Grant")).map((g) => [g.name, g.inputs]);
      assert.deepEqual(grants, [
        ["pg-select-public", { database: "orders", role: "clickpipes_iam_user", schema: "public", objectType: "table", privileges: ["SELECT"], objects: [] }],
        ["pg-select-sales", { database: "orders", role: "clickpipes_iam_user", schema: "sales", objectType: "table", privileges: ["SELECT"], objects: [] }],
        ["pg-usage-public", { database: "orders", role: "clickpipes_iam_user", schema: "public", objectType: "schema", privileges: ["USAGE"] }],
        ["pg-usage-sales", { database: "orders", role: "clickpipes_iam_user", schema: "sales", objectType: "schema", privileges: ["USAGE"] }],
      ]);
      const defaults = sortedByName(cloud.byType("postgresql:index/defaultPrivileges:DefaultPrivileges")).map((g) => [g.name, g.inputs]);
      assert.deepEqual(defaults, [
        ["pg-default-select-public", { database: "orders", role: "clickpipes_iam_user", owner: "admin_user", schema: "public", objectType: "table", privileges: ["SELECT"] }],
        ["pg-default-select-sales", { database: "orders", role: "clickpipes_iam_user", owner: "admin_user", schema: "sales", objectType: "table", privileges: ["SELECT"] }],
      ]);
      assert.ok(postgresql.Role.isInstance(c.dbUser));
    });

    it("uses a postgresql provider passed in providers instead of admin credentials", async () => {
      const provider = new postgresql.Provider("caller-pg", { host: "db.internal", username: "ops", superuser: false });
      await build("pg", pgArgs({ adminUsername: undefined, adminPassword: undefined, tableOwner: "app_owner" }), { providers: [provider] });
      assert.deepEqual(cloud.byType("pulumi:providers:postgresql").map((p) => p.name), ["caller-pg"]);
      assert.match(String(cloud.one("postgresql:index/role:Role").provider), /caller-pg/);
      assert.equal(cloud.one("postgresql:index/defaultPrivileges:DefaultPrivileges").inputs.owner, "app_owner");
    });

    it("creates nothing in the database when createDbUser is false, and still gives the SQL", async () => {
      const c = await build("pg", pgArgs({ createDbUser: false, adminUsername: undefined, adminPassword: undefined }));
      assert.deepEqual(cloud.resources.filter((r) => r.type.startsWith("postgresql:") || r.type === "pulumi:providers:postgresql"), []);
      assert.equal(
        await valueOf(c.setupSql),
        [
          '-- connect to database "postgres"',
          'CREATE ROLE "clickpipes_iam_user" WITH LOGIN;',
          'GRANT rds_iam TO "clickpipes_iam_user";',
          'GRANT USAGE ON SCHEMA "public" TO "clickpipes_iam_user";',
          'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "clickpipes_iam_user";',
          'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
          "",
        ].join("\n"),
      );
    });
  });

  describe("MySQL user", () => {
    it("creates the provider, an AWSAuthenticationPlugin user on host % with REQUIRE SSL, and SELECT per database", async () => {
      await build("aurora", auroraArgs({ databases: ["shop", "my_db"] }));
      const provider = cloud.one("pulumi:providers:mysql");
      assert.equal(provider.name, "aurora-mysql");
      assert.equal(provider.inputs.endpoint, `${AURORA_ID}.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com:3306`);
      assert.equal(provider.inputs.username, "admin_user");
      assert.equal(provider.inputs.tls, "skip-verify");

      const user = cloud.one("mysql:index/user:User");
      assert.equal(user.name, "aurora-db-user");
      assert.deepEqual(user.inputs, { user: "clickpipes_iam_user", host: "%", authPlugin: "AWSAuthenticationPlugin", tlsOption: "SSL" });
      assert.deepEqual(
        sortedByName(cloud.byType("mysql:index/grant:Grant")).map((g) => [g.name, g.inputs]),
        [
          ["aurora-select-my_db", { user: "clickpipes_iam_user", host: "%", database: "my\\_db", privileges: ["SELECT"], tlsOption: "SSL" }],
          ["aurora-select-shop", { user: "clickpipes_iam_user", host: "%", database: "shop", privileges: ["SELECT"], tlsOption: "SSL" }],
        ],
      );
    });

    it("adds REPLICATION CLIENT and REPLICATION SLAVE on *.* for CDC", async () => {
      const c = await build("aurora", auroraArgs({ cdc: true }));
      const repl = cloud.byType("mysql:index/grant:Grant").find((g) => g.name === "aurora-replication");
      assert.deepEqual(repl?.inputs, { user: "clickpipes_iam_user", host: "%", database: "*", privileges: ["REPLICATION CLIENT", "REPLICATION SLAVE"], tlsOption: "SSL" });
      assert.deepEqual(await valueOf(c.pipeModes), ["snapshot", "cdc"]);
    });
  });

  describe("MariaDB user", () => {
    const MARIA_ID = "ledger-maria";
    const mariaArgs = (over: Partial<ClickPipesRdsIamAccessArgs> = {}): ClickPipesRdsIamAccessArgs => ({
      clickhouseRoleArn: CH_ROLE,
      engine: "mariadb",
      dbInstanceIdentifier: MARIA_ID,
      adminUsername: "admin_user",
      adminPassword: "s3cret-pw",
      databases: ["ledger"],
      ...over,
    });
    beforeEach(() => {
      cloud.fixtures.instances[MARIA_ID] = instanceLookup({ identifier: MARIA_ID, engine: "mariadb", engineVersion: "10.11.9" });
    });

    it("creates the user through its own resource, after IAM auth, with a secret admin password", async () => {
      await build("maria", mariaArgs({ cdc: true }));
      const user = cloud.byType("pulumi-nodejs:dynamic:Resource").find((r) => r.name === "maria-db-user");
      assert.ok(user);
      const { __provider, ...inputs } = user.inputs;
      assert.equal(typeof __provider, "string");
      assert.deepEqual(inputs, {
        host: `${MARIA_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
        port: 3306,
        adminUsername: "admin_user",
        // A Pulumi secret, as the engine receives it.
        adminPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cret-pw" },
        username: "clickpipes_iam_user",
        databases: ["ledger"],
        cdc: true,
        resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
        adoptExistingUser: false,
        tls: true,
        tlsVerify: true,
      });
      assert.ok(user.dependencies.some((u) => /::maria-iam-auth$/.test(u)));
      assert.deepEqual(cloud.byType("mysql:index/user:User"), []);
      assert.deepEqual(cloud.byType("pulumi:providers:mysql"), []);
    });

    it("passes adoption and a custom CA to the user and the readiness check", async () => {
      const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
      await build("maria", mariaArgs({ cdc: true, adoptExistingUser: true, tlsCa: ca }));
      const dynamic = (name: string) => cloud.byType("pulumi-nodejs:dynamic:Resource").find((r) => r.name === name)?.inputs ?? {};
      assert.deepEqual([dynamic("maria-db-user").adoptExistingUser, dynamic("maria-db-user").tlsCa, dynamic("maria-cdc-readiness").tlsCa, dynamic("maria-cdc-readiness").tlsVerify], [true, ca, ca, true]);
    });

    it("gives the rdsmariadb source type and MariaDB syntax in setupSql", async () => {
      const c = await build("maria", mariaArgs());
      assert.equal((await valueOf(c.clickPipeSource)).type, "rdsmariadb");
      assert.equal(
        await valueOf(c.setupSql),
        "CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;\nGRANT SELECT ON `ledger`.* TO 'clickpipes_iam_user'@'%';\n",
      );
    });

    it("refuses MariaDB before 10.11 after the lookup, creating nothing", async () => {
      cloud.fixtures.instances[MARIA_ID] = instanceLookup({ identifier: MARIA_ID, engine: "mariadb", engineVersion: "10.6.19" });
      const c = new ClickPipesRdsIamAccess("old-maria", mariaArgs());
      assert.equal(
        await failureOf(c.resourceId),
        `MariaDB "10.6.19" on instance "${MARIA_ID}" does not support IAM database authentication; upgrade to MariaDB 10.11 or later.`,
      );
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
    });
  });

  describe("outputs", () => {
    it("resolves every output for an RDS PostgreSQL instance", async () => {
      const c = await build("pg", pgArgs({ database: "orders" }));
      assert.equal(await valueOf(c.roleArn), "arn:aws:iam::123456789012:role/pg-role-0123456");
      assert.equal(await valueOf(c.roleName), "pg-role-0123456");
      assert.equal(await valueOf(c.host), `${PG_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com`);
      assert.equal(await valueOf(c.port), 5432);
      assert.equal(await valueOf(c.dbUsername), "clickpipes_iam_user");
      assert.deepEqual(await valueOf(c.pipeModes), ["snapshot"]);
      assert.deepEqual(await valueOf(c.clickPipeSource), {
        type: "rdspostgres",
        host: `${PG_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
        port: 5432,
        database: "orders",
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/pg-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "snapshot" },
      });
    });

    it("gives the Aurora MySQL source type, the cluster endpoint and no database", async () => {
      const c = await build("aurora", auroraArgs({ cdc: true }));
      assert.deepEqual(await valueOf(c.clickPipeSource), {
        type: "auroramysql",
        host: `${AURORA_ID}.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com`,
        port: 3306,
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/aurora-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "cdc", replicationMechanism: "GTID" },
      });
    });
  });

  describe("IAM auth enablement", () => {
    const IAM_AUTH = "pulumi-nodejs:dynamic:Resource";
    const urnOf = (name: string) => new RegExp(`::${name}$`);
    beforeEach(() => resetIamAuthEnablerRegistry());

    it("enables IAM auth on an instance identifier target, with the region and account check from the instance ARN, and never turns it off by default", async () => {
      await build("pg", pgArgs({ iamAuthTimeoutMinutes: 45 }));
      const enabler = cloud.one(IAM_AUTH);
      assert.equal(enabler.name, "pg-iam-auth");
      const { __provider: _p, consumerId, ...inputs } = enabler.inputs;
      assert.deepEqual(inputs, {
        targetKind: "instance",
        identifier: PG_ID,
        region: "eu-west-1",
        mode: "enable",
        restoreOnDelete: false,
        timeoutMinutes: 45,
        applyPendingModifications: false,
        targetArn: `arn:aws:rds:eu-west-1:123456789012:db:${PG_ID}`,
        enabledSetting: true,
      });
      assert.match(String(consumerId), /^[0-9a-f]{32}$/);
    });

    it("passes `restoreIamAuthOnDelete`, `applyPendingModifications` and `awsCredentials` to it", async () => {
      const awsCredentials = { profile: "prod", assumeRole: { roleArn: "arn:aws:iam::123456789012:role/deploy", externalId: "ext-1" } };
      await build("pg", pgArgs({ restoreIamAuthOnDelete: true, applyPendingModifications: true, awsCredentials }));
      const { inputs } = cloud.one(IAM_AUTH);
      assert.deepEqual([inputs.restoreOnDelete, inputs.applyPendingModifications, inputs.awsCredentials], [true, true, awsCredentials]);
    });

    it("refuses invalid `awsCredentials` before registering anything", () => {
      assert.throws(() => new ClickPipesRdsIamAccess("pg", pgArgs({ awsCredentials: { assumeRole: { roleArn: "deploy" } } })), {
        message: '`awsCredentials.assumeRole.roleArn` "deploy" is not an IAM role ARN; use the ARN of the role to assume, such as "arn:aws:iam::123456789012:role/deploy".',
      });
      assert.deepEqual(cloud.resources, []);
    });

    it("makes a second component on the same database wait for the first one's enabler, each with its own consumer ID", async () => {
      await build("orders", pgArgs());
      await build("billing", pgArgs({ dbUsername: "billing_iam_user" }));
      const [orders, billing] = ["orders-iam-auth", "billing-iam-auth"].map((n) => cloud.byType(IAM_AUTH).find((r) => r.name === n));
      assert.ok(billing?.dependencies.some((u) => urnOf("orders-iam-auth").test(u)), billing?.dependencies.join(", "));
      assert.ok(!orders?.dependencies.some((u) => urnOf("billing-iam-auth").test(u)));
      assert.notEqual(orders?.inputs.consumerId, billing?.inputs.consumerId);
    });

    it("refuses a second component creating the same PostgreSQL user on the same server", async () => {
      await build("orders", pgArgs());
      const second = new ClickPipesRdsIamAccess("billing", pgArgs({ database: "billing" }));
      assert.equal(
        await failureOf(second.resourceId),
        `PostgreSQL user "clickpipes_iam_user" at ${PG_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432 is managed by both "orders" and "billing"; whichever is destroyed first would drop or revoke what the other relies on; give one of them another \`dbUsername\`, or create the user in one place only.`,
      );
      // With createDbUser false nothing is created, so nothing is claimed.
      await build("manual", pgArgs({ createDbUser: false }));
    });

    it("enables it on a cluster identifier target with ModifyDBCluster semantics", async () => {
      await build("aurora", auroraArgs());
      const enabler = cloud.one(IAM_AUTH);
      assert.deepEqual([enabler.inputs.targetKind, enabler.inputs.identifier, enabler.inputs.region, enabler.inputs.mode], ["cluster", AURORA_ID, "us-east-1", "enable"]);
    });

    it("makes the database user wait for it, and not the IAM role or policy", async () => {
      await build("aurora", auroraArgs());
      const user = cloud.one("mysql:index/user:User");
      assert.ok(user.dependencies.some((u) => urnOf("aurora-iam-auth").test(u)), user.dependencies.join(", "));
      for (const type of ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]) {
        const r = cloud.one(type);
        assert.ok(!r.dependencies.some((u) => urnOf("aurora-iam-auth").test(u)), `${type} waits on IAM auth`);
      }
    });

    it("is absent for an instance with enableIamAuth false, whose flag is read instead (a read modifies nothing)", async () => {
      cloud.extraState["pg-instance"] = { iamDatabaseAuthenticationEnabled: true };
      const c = await build("pg", pgArgs({ enableIamAuth: false }));
      assert.deepEqual(cloud.byType(IAM_AUTH), []);
      const read = cloud.one("aws:rds/instance:Instance");
      assert.deepEqual([read.name, read.id, read.inputs], ["pg-instance", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0", {}]);
      assert.deepEqual(cloud.invokes.map((i) => i.token), ["aws:rds/getInstance:getInstance"]);
      assert.equal(await valueOf(c.resourceId), "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");
    });

    it("refuses an instance with enableIamAuth false whose flag is off, creating nothing", async () => {
      cloud.extraState["pg-instance"] = { iamDatabaseAuthenticationEnabled: false };
      const c = new ClickPipesRdsIamAccess("pg", pgArgs({ enableIamAuth: false }));
      assert.equal(
        await failureOf(c.resourceId),
        `IAM database authentication is off on instance "${PG_ID}"; set \`enableIamAuth: true\` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).`,
      );
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
      assert.deepEqual(cloud.byType("postgresql:index/role:Role"), []);
    });

    it("reads no instance when it will enable IAM auth itself", async () => {
      await build("pg", pgArgs());
      assert.deepEqual(cloud.byType("aws:rds/instance:Instance"), []);
    });

    it("is absent for a cluster with enableIamAuth false whose lookup shows IAM auth on", async () => {
      cloud.fixtures.clusters["iam-on"] = clusterLookup({ identifier: "iam-on", iamDatabaseAuthenticationEnabled: true });
      await build("on", auroraArgs({ dbClusterIdentifier: "iam-on", enableIamAuth: false }));
      assert.deepEqual(cloud.byType(IAM_AUTH), []);
    });

    it("refuses a cluster with enableIamAuth false whose lookup shows IAM auth off", async () => {
      const c = new ClickPipesRdsIamAccess("off", auroraArgs({ enableIamAuth: false }));
      assert.equal(
        await failureOf(c.resourceId),
        'IAM database authentication is off on cluster "shop-aurora"; set `enableIamAuth: true` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).',
      );
    });

    it("is absent for a managed instance", async () => {
      await build("managed", pgArgs({ dbInstanceIdentifier: undefined, instance: managedInstance("managed-pg", true) }));
      assert.deepEqual(cloud.byType(IAM_AUTH), []);
    });
  });

  describe("CDC", () => {
    const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
    const named = (name: string) => {
      const found = cloud.byType(DYNAMIC).filter((r) => r.name === name);
      assert.equal(found.length, 1, `expected one ${name}`);
      return found[0];
    };
    const urnOf = (name: string) => new RegExp(`::${name}$`);

    it("grants rds_replication and creates a publication of the listed schemas, named after the user", async () => {
      const c = await build("pg", pgArgs({ cdc: true, database: "orders", schemas: ["public", "sales"] }));
      assert.deepEqual(cloud.one("postgresql:index/role:Role").inputs.roles, ["rds_iam", "rds_replication"]);
      assert.deepEqual(cloud.byType("postgresql:index/publication:Publication"), []);
      const publication = named("pg-publication");
      assert.deepEqual([publication.inputs.publicationName, publication.inputs.database, publication.inputs.scope], [
        "clickpipes_iam_user_publication",
        "orders",
        { kind: "schemas", schemas: ["public", "sales"] },
      ]);
      assert.deepEqual((await valueOf(c.clickPipeSource)).settings, { replicationMode: "cdc", publicationName: "clickpipes_iam_user_publication" });
      assert.deepEqual(await valueOf(c.pipeModes), ["snapshot", "cdc"]);
      assert.match(await valueOf(c.setupSql), /\nCREATE PUBLICATION "clickpipes_iam_user_publication" FOR TABLES IN SCHEMA "public", "sales"[^\n]*;\n$/);
    });

    it("checks readiness before the user, its grants and the publication exist", async () => {
      await build("pg", pgArgs({ cdc: true, database: "orders", cdcChecks: "warn", publicationTables: ["public.orders"] }));
      const readiness = named("pg-cdc-readiness");
      assert.deepEqual(readiness.inputs.check, {
        engine: "postgres",
        request: { cdc: true, schemas: ["public"], publication: { name: "clickpipes_iam_user_publication", create: true, scope: { kind: "tables", tables: [{ schema: "public", table: "orders" }] } } },
      });
      assert.deepEqual([readiness.inputs.database, readiness.inputs.mode, readiness.inputs.target], ["orders", "warn", { deployment: "rds", kind: "instance", identifier: PG_ID }]);
      for (const r of [cloud.one("postgresql:index/role:Role"), named("pg-publication")]) {
        assert.ok(r.dependencies.some((u) => urnOf("pg-cdc-readiness").test(u)), `${r.name} does not wait on the readiness check`);
      }
    });

    it("modifies nothing before the readiness check passes: the IAM-auth enabler waits on it", async () => {
      await build("pg", pgArgs({ cdc: true }));
      assert.ok(named("pg-iam-auth").dependencies.some((u) => urnOf("pg-cdc-readiness").test(u)), "the enabler does not wait on the readiness check");
      assert.ok(!named("pg-cdc-readiness").dependencies.some((u) => urnOf("pg-iam-auth").test(u)));
    });

    it("uses an existing publication without creating one, and still names it in the source", async () => {
      const c = await build("pg", pgArgs({ cdc: true, publicationName: "theirs", createPublication: false }));
      assert.deepEqual(cloud.byType(DYNAMIC).map((r) => r.name).sort(), ["pg-cdc-readiness", "pg-iam-auth"]);
      assert.equal((await valueOf(c.clickPipeSource)).settings.publicationName, "theirs");
      assert.doesNotMatch(await valueOf(c.setupSql), /PUBLICATION/);
    });

    it("checks MySQL readiness with the GTID mechanism and 72 hours of binlog retention by default", async () => {
      const c = await build("aurora", auroraArgs({ cdc: true }));
      assert.deepEqual(named("aurora-cdc-readiness").inputs.check, { engine: "mysql", request: { cdc: true, replicationMechanism: "GTID", setsBinlogRetentionHours: 72 } });
      assert.ok(cloud.one("mysql:index/user:User").dependencies.some((u) => urnOf("aurora-cdc-readiness").test(u)));
      assert.match(await valueOf(c.setupSql), /\nCALL mysql\.rds_set_configuration\('binlog retention hours', 72\);\n$/);
    });

    it("makes no readiness check, publication or extra invoke for Initial Load Only", async () => {
      await build("pg", pgArgs());
      assert.deepEqual(cloud.byType(DYNAMIC).map((r) => r.name), ["pg-iam-auth"]);
      assert.deepEqual(cloud.invokes.map((i) => i.token), ["aws:rds/getInstance:getInstance"]);
    });

    it("makes no extra invoke for CDC either", async () => {
      await build("pg", pgArgs({ cdc: true }));
      assert.deepEqual(cloud.invokes.map((i) => i.token), ["aws:rds/getInstance:getInstance"]);
    });

    it("refuses PostgreSQL before 12 in every mode, creating nothing", async () => {
      cloud.fixtures.instances["old-pg"] = instanceLookup({ identifier: "old-pg", engineVersion: "11.22" });
      for (const cdc of [false, true]) {
        const c = new ClickPipesRdsIamAccess(`old-${cdc}`, pgArgs({ dbInstanceIdentifier: "old-pg", cdc }));
        assert.equal(
          await failureOf(c.resourceId),
          'PostgreSQL "11.22" on instance "old-pg" is older than ClickPipes reads (12 or later, in every mode); upgrade the instance to PostgreSQL 12 or later.',
        );
      }
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
      assert.deepEqual(cloud.byType(DYNAMIC), []);
    });

    it("refuses a schema publication on PostgreSQL 14, and takes listed tables there", async () => {
      cloud.fixtures.instances["pg14"] = instanceLookup({ identifier: "pg14", engineVersion: "14.12" });
      const c = new ClickPipesRdsIamAccess("pg14", pgArgs({ dbInstanceIdentifier: "pg14", cdc: true }));
      assert.match(await failureOf(c.resourceId), /^PostgreSQL "14\.12" on instance "pg14" has no `FOR TABLES IN SCHEMA` publications/);
      const ok = await build("pg14-tables", pgArgs({ dbInstanceIdentifier: "pg14", cdc: true, publicationTables: ["public.orders"] }));
      assert.equal((await valueOf(ok.clickPipeSource)).settings.publicationName, "clickpipes_iam_user_publication");
    });

    it("refuses MariaDB CDC without automated backups, before anything is created", async () => {
      cloud.fixtures.instances["nobackup"] = { ...instanceLookup({ identifier: "nobackup", engine: "mariadb", engineVersion: "10.11.9" }), backupRetentionPeriod: 0, dbParameterGroups: ["maria-params"] };
      const c = new ClickPipesRdsIamAccess("nb", { clickhouseRoleArn: CH_ROLE, engine: "mariadb", dbInstanceIdentifier: "nobackup", adminUsername: "admin_user", adminPassword: "pw", databases: ["shop"], cdc: true });
      assert.equal(
        await failureOf(c.resourceId),
        'Instance "nobackup" is not ready for ClickPipes CDC (1 unmet requirement); fix it and run `pulumi up` again, or set `cdcChecks: "warn"` to deploy anyway:\n  - Automated backups are off on instance "nobackup" (backup retention period 0), so RDS keeps no binary logs for CDC; set the backup retention period to 1 day or more (Modify, "Backup retention period"; `backupRetentionPeriod` on an aws.rds.Instance).',
      );
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
    });

    it("creates the publication through a passed postgresql provider when tables are listed", async () => {
      const provider = new postgresql.Provider("given", {});
      await build("pp", pgArgs({ adminUsername: undefined, adminPassword: undefined, cdc: true, publicationTables: ["public.b", "public.a"] }), { providers: [provider] });
      assert.deepEqual(cloud.one("postgresql:index/publication:Publication").inputs, { name: "clickpipes_iam_user_publication", database: "postgres", tables: ["public.a", "public.b"] });
      assert.deepEqual(cloud.byType(DYNAMIC).map((r) => r.name), ["pp-iam-auth"]);
    });
  });

  describe("refusals after the lookup", () => {
    it("refuses an Aurora member instance, pointing at dbClusterIdentifier", async () => {
      cloud.fixtures.instances["shop-aurora-1"] = instanceLookup({ identifier: "shop-aurora-1", engine: "aurora-mysql", dbClusterIdentifier: AURORA_ID });
      const c = new ClickPipesRdsIamAccess("member", auroraArgs({ dbClusterIdentifier: undefined, dbInstanceIdentifier: "shop-aurora-1" }));
      assert.equal(
        await failureOf(c.resourceId),
        '`dbInstanceIdentifier` "shop-aurora-1" is an instance of Aurora cluster "shop-aurora"; IAM auth and the resource ID belong to the cluster, so set `dbClusterIdentifier` to "shop-aurora" instead.',
      );
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
    });

    it("rejects every output that depends on the database with the refusal, and none hangs", async () => {
      cloud.fixtures.instances["shop-aurora-1"] = instanceLookup({ identifier: "shop-aurora-1", engine: "aurora-mysql", dbClusterIdentifier: AURORA_ID });
      const c = new ClickPipesRdsIamAccess("member", auroraArgs({ dbClusterIdentifier: undefined, dbInstanceIdentifier: "shop-aurora-1" }));
      const outcome = (o: pulumi.Output<unknown>) =>
        Promise.race([failureOf(o).then((m) => m.split(";")[0]), new Promise<string>((resolve) => setTimeout(() => resolve("still pending after 2 s"), 2000))]);
      const names = ["roleArn", "roleName", "dbUserArn", "resourceId", "host", "port", "clickPipeSource"] as const;
      const results = await Promise.all(names.map((k) => outcome(c[k])));
      assert.deepEqual(Object.fromEntries(names.map((k, i) => [k, results[i]])), Object.fromEntries(names.map((k) => [k, '`dbInstanceIdentifier` "shop-aurora-1" is an instance of Aurora cluster "shop-aurora"'])));
    });

    it("refuses an engine that disagrees with the database, naming both", async () => {
      const c = new ClickPipesRdsIamAccess("wrong", pgArgs({ engine: "mysql", databases: ["x"] }));
      assert.equal(await failureOf(c.resourceId), '`engine` "mysql" does not match the database\'s engine "postgres"; set `engine` to "postgres".');
    });

    it("refuses a managed instance with IAM auth off, naming iamDatabaseAuthenticationEnabled", async () => {
      const instance = managedInstance("off-pg", false);
      const c = new ClickPipesRdsIamAccess("off", pgArgs({ dbInstanceIdentifier: undefined, instance }));
      assert.equal(
        await failureOf(c.resourceId),
        'IAM database authentication is off on instance "off-pg"; set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Instance (this component never modifies a database it does not own).',
      );
    });
  });
});

function sortedByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name));
}

function managedInstance(identifier: string, iam: boolean): aws.rds.Instance {
  cloud.extraState[identifier] = {
    identifier,
    arn: `arn:aws:rds:eu-west-1:123456789012:db:${identifier}`,
    resourceId: "db-MANAGEDMANAGEDMANAGED00000",
    address: `${identifier}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
    port: 5432,
    engineVersionActual: "16.4",
  };
  return new aws.rds.Instance(identifier, {
    identifier,
    engine: "postgres",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    iamDatabaseAuthenticationEnabled: iam,
  });
}
