/**
 * The plugin's Construct of `clickpipes-rds-iam:index:ClickPipesRdsIamAccess` over gRPC, as a
 * program in another language reaches it: the plugin started as the Node.js language host starts
 * it, with the engine address of an in-process fake engine, and a ConstructRequest whose monitor is
 * the fake's resource monitor (tests/support/fakeEngine.ts). The fake records every registration,
 * invoke and output registration, answers lookups from fixtures and gives the IAM role an ARN and
 * name. Then, as the engine does after each registration, the plugin's own Check is called on each
 * child it registered as one of its custom resources.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { ConstructResult, FakeEngine, RecordedRegistration, constructOn } from "./support/fakeEngine";
import { clusterLookup, instanceLookup } from "./support/mocks";
import { PLUGIN_DIR, StartedPlugin, call, startPlugin, struct } from "./support/plugin";

const COMPONENT = "clickpipes-rds-iam:index:ClickPipesRdsIamAccess";
const ENABLER = "clickpipes-rds-iam:index:IamAuthEnablement";
const MARIADB_USER = "clickpipes-rds-iam:index:MariaDbIamUser";
const READINESS = "clickpipes-rds-iam:index:CdcReadiness";
const PUBLICATION = "clickpipes-rds-iam:index:PostgresPublication";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const PLUGIN_DOWNLOAD_URL = "git://github.com/clickpipes-rds-iam/clickpipes-rds-iam/provider";
const PLUGIN_VERSION = (JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8")) as { version: string }).version;

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const resourceRef = (urn: string, id: string) => ({ [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn, id });

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";
const ROLE_ACCOUNT = "123456789012";
const MARIA_ID = "ledger-maria";
const AURORA_ID = "shop-aurora";
const MARIA = { ...instanceLookup({ identifier: MARIA_ID, engine: "mariadb", engineVersion: "10.11.9" }), backupRetentionPeriod: 7 };
const MARIA_HOST = `${MARIA_ID}.abcdefghijkl.eu-west-1.rds.amazonaws.com`;
const AURORA_HOST = `${AURORA_ID}.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com`;
const AURORA = { ...clusterLookup({ identifier: AURORA_ID, engine: "aurora-postgresql", engineVersion: "16.4" }), backupRetentionPeriod: 7 };

const STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
const componentUrn = (name: string) => `urn:pulumi:dev::proj::${COMPONENT}::${name}`;
/** The URN of a child of a top-level component (a URN names the parent's type, not its name). */
const childUrn = (type: string, child: string) => `urn:pulumi:dev::proj::${COMPONENT}$${type}::${child}`;

/** The enabler's consumer ID as the npm path's IamAuthEnablement computes it (organization, project, stack, parent URN, name). */
const npmConsumerId = (parentUrn: string, name: string) => createHash("sha256").update(["organization", "proj", "dev", parentUrn, name].join("\n")).digest("hex").slice(0, 32);

/** The IAM role as the fake cloud creates it: its inputs, plus a name and ARN. */
const roleName = (name: string) => `${name}-a1b2c3d`;
const roleArn = (name: string) => `arn:aws:iam::${ROLE_ACCOUNT}:role/${roleName(name)}`;

const sorted = (regs: RecordedRegistration[]) => [...regs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : 1));

describe("the plugin's Construct of ClickPipesRdsIamAccess, over gRPC against a fake engine", function () {
  this.timeout(120_000);
  let engine: FakeEngine;
  let plugin: StartedPlugin | undefined;

  before(async () => {
    engine = await FakeEngine.start({
      computed: { "aws:iam/role:Role": (name) => ({ name: roleName(name), arn: roleArn(name) }) },
      invokes: {
        "aws:rds/getInstance:getInstance": (a) => {
          if (a.dbInstanceIdentifier === MARIA_ID) return MARIA;
          throw new Error(`DBInstanceNotFound: DBInstance ${String(a.dbInstanceIdentifier)} not found.`);
        },
        "aws:rds/getCluster:getCluster": (a) => {
          if (a.clusterIdentifier === AURORA_ID) return AURORA;
          throw new Error(`DBClusterNotFoundFault: DBCluster ${String(a.clusterIdentifier)} not found.`);
        },
      },
    });
  });

  // A plugin per test, as the engine starts one per deployment: its registries of users and enablers are per program.
  beforeEach(async () => {
    engine.reset();
    engine.features = {};
    plugin = await startPlugin({ engineAddress: engine.engineAddress });
  });
  afterEach(() => plugin?.stop());
  after(() => engine?.stop());

  const construct = (name: string, inputs: Record<string, unknown>): Promise<ConstructResult> => constructOn(plugin!.client, engine, { type: COMPONENT, name, inputs });

  /** The rejection of a Construct that must fail. */
  async function constructFailure(name: string, inputs: Record<string, unknown>): Promise<grpc.ServiceError> {
    try {
      await construct(name, inputs);
    } catch (e) {
      return e as grpc.ServiceError;
    }
    throw new Error(`Construct of ${name} succeeded; it should have failed. Registered: ${engine.registrations.map((r) => `${r.type}::${r.name}`).join(", ")}`);
  }

  /** The plugin's Check of a child exactly as it was registered, as the engine calls it next. */
  async function checkAsEngine(reg: RecordedRegistration): Promise<{ failures: string[]; inputs: Record<string, unknown> }> {
    const res = await call<proto.CheckRequest, proto.CheckResponse>(
      plugin!.client,
      plugin!.client.check,
      new proto.CheckRequest().setUrn(reg.urn).setOlds(struct({})).setNews(struct(reg.object)).setRandomseed(Buffer.alloc(32)),
    );
    return { failures: res.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`), inputs: res.getInputs()!.toJavaScript() as Record<string, unknown> };
  }

  /** What every child registered as the plugin's custom resource carries. */
  function assertPluginChild(reg: RecordedRegistration, parentUrn: string, secretOutputs: string[]): void {
    const what = `${reg.type}::${reg.name}`;
    assert.equal(reg.custom, true, what);
    assert.equal(reg.parent, parentUrn, what);
    assert.equal(reg.version, PLUGIN_VERSION, what);
    assert.equal(reg.pluginDownloadURL, PLUGIN_DOWNLOAD_URL, what);
    // The monitor supports "aliasSpecs": the SDK sends the alias as a spec, the parent filled in.
    assert.deepEqual(reg.aliases, [{ spec: { name: "", type: DYNAMIC, stack: "", project: "", parentUrn } }], what);
    assert.deepEqual(reg.aliasUrns, [], what);
    // ...which names the URN the npm path's dynamic resource of the same name has.
    assert.deepEqual(reg.resolvedAliases, [childUrn(DYNAMIC, reg.name)], what);
    assert.deepEqual(reg.additionalSecretOutputs, secretOutputs, what);
    assert.equal(reg.provider, "", what);
  }

  function assertNoDynamicResource(): void {
    assert.deepEqual(engine.byType(DYNAMIC), []);
    for (const r of engine.registrations) assert.equal("__provider" in r.object, false, `${r.type}::${r.name} has a __provider input`);
  }

  it("MariaDB instance by identifier: the enabler and the MariaDB user as the plugin's custom resources, one lookup, the outputs", async () => {
    const name = "maria";
    const urn = componentUrn(name);
    const result = await construct(name, {
      clickhouseRoleArn: CH_ROLE,
      engine: "mariadb",
      dbInstanceIdentifier: MARIA_ID,
      adminUsername: "admin_user",
      adminPassword: secret("s3cret-pw"),
      databases: ["ledger"],
    });
    const child = childUrn;

    assert.deepEqual(
      sorted(engine.registrations).map((r) => [r.type, r.name, r.parent, r.custom]),
      [
        [COMPONENT, "maria", STACK_URN, false],
        ["aws:iam/rolePolicy:RolePolicy", "maria-connect", urn, true],
        [MARIADB_USER, "maria-db-user", urn, true],
        [ENABLER, "maria-iam-auth", urn, true],
        ["aws:iam/role:Role", "maria-role", urn, true],
      ],
    );
    assertNoDynamicResource();
    // No inputs on the component: they would include the admin password.
    assert.deepEqual(engine.one(COMPONENT).object, {});

    const enabler = engine.one(ENABLER);
    assertPluginChild(enabler, urn, []);
    assert.deepEqual(enabler.object, {
      targetKind: "instance",
      identifier: MARIA_ID,
      region: "eu-west-1",
      mode: "enable",
      restoreOnDelete: false,
      timeoutMinutes: 30,
      applyPendingModifications: false,
      targetArn: `arn:aws:rds:eu-west-1:123456789012:db:${MARIA_ID}`,
      // The npm path's consumer ID: a stack moving over keeps its record on the database.
      consumerId: npmConsumerId(urn, "maria-iam-auth"),
      enabledSetting: true,
    });

    const user = engine.one(MARIADB_USER);
    assertPluginChild(user, urn, ["adminPassword"]);
    assert.deepEqual(user.object, {
      host: MARIA_HOST,
      port: 3306,
      adminUsername: "admin_user",
      adminPassword: secret("s3cret-pw"),
      username: "clickpipes_iam_user",
      databases: ["ledger"],
      cdc: false,
      resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
      adoptExistingUser: false,
      tls: true,
      tlsVerify: true,
    });
    // The user waits for IAM auth.
    assert.deepEqual(user.dependencies, [child(ENABLER, "maria-iam-auth")]);

    const role = engine.one("aws:iam/role:Role");
    assert.deepEqual(role.object, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "AllowClickHouseServiceRole", Effect: "Allow", Principal: { AWS: CH_ROLE }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      }),
      description: "ClickHouse ClickPipes: rds-db:connect as mariadb user clickpipes_iam_user",
    });
    const dbUserArn = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user";
    assert.deepEqual(engine.one("aws:iam/rolePolicy:RolePolicy").object, {
      name: "rds-db-connect",
      role: "maria-role-id",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "ConnectAsClickPipesUser", Effect: "Allow", Action: "rds-db:connect", Resource: dbUserArn }] }),
    });

    assert.deepEqual(
      engine.invoked.map((i) => [i.token, i.args, i.provider]),
      [["aws:rds/getInstance:getInstance", { dbInstanceIdentifier: MARIA_ID }, ""]],
    );

    const outputs = {
      roleArn: roleArn("maria-role"),
      roleName: roleName("maria-role"),
      dbUserArn,
      resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
      host: MARIA_HOST,
      port: 3306,
      dbUsername: "clickpipes_iam_user",
      clickPipeSource: {
        type: "rdsmariadb",
        host: MARIA_HOST,
        port: 3306,
        authentication: "IAM_ROLE",
        iamRole: roleArn("maria-role"),
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "snapshot" },
      },
      pipeModes: ["snapshot"],
      setupSql: "CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;\nGRANT SELECT ON `ledger`.* TO 'clickpipes_iam_user'@'%';\n",
    };
    assert.equal(result.urn, urn);
    assert.deepEqual(result.state, {
      ...outputs,
      role: resourceRef(child("aws:iam/role:Role", "maria-role"), "maria-role-id"),
      rolePolicy: resourceRef(child("aws:iam/rolePolicy:RolePolicy", "maria-connect"), "maria-connect-id"),
    });
    assert.deepEqual(engine.outputs, [{ urn, outputs }]);
    assert.deepEqual(engine.logs.filter((l) => l.severity !== "debug"), []);

    // What the engine does next with each custom child: the plugin's own Check accepts it as registered.
    for (const reg of [enabler, user]) {
      const checked = await checkAsEngine(reg);
      assert.deepEqual(checked.failures, [], `${reg.type}::${reg.name}`);
      assert.deepEqual(checked.inputs, reg.object, `${reg.type}::${reg.name}`);
    }
    assert.equal(plugin!.stderr(), "");
  });

  it("sends each alias as the URN of the dynamic resource to a monitor without aliasSpecs", async () => {
    engine.features = { aliasSpecs: false };
    await construct("maria", { clickhouseRoleArn: CH_ROLE, engine: "mariadb", dbInstanceIdentifier: MARIA_ID, adminUsername: "admin_user", adminPassword: secret("pw"), databases: ["ledger"] });
    assert.ok(engine.featureAsks.includes("aliasSpecs"));
    for (const [type, name] of [
      [ENABLER, "maria-iam-auth"],
      [MARIADB_USER, "maria-db-user"],
    ]) {
      const reg = engine.registrations.find((r) => r.type === type && r.name === name);
      assert.ok(reg, `${type}::${name} registered`);
      assert.deepEqual(reg.aliases, []);
      assert.deepEqual(reg.aliasUrns, [`urn:pulumi:dev::proj::${COMPONENT}$${DYNAMIC}::${name}`]);
    }
  });

  it("Aurora PostgreSQL cluster by identifier with CDC: readiness check, enabler and publication as the plugin's, the @pulumi/postgresql user and grants", async () => {
    const name = "pg";
    const urn = componentUrn(name);
    const child = childUrn;
    const providerRef = `${child("pulumi:providers:postgresql", "pg-postgresql")}::pg-postgresql-id`;
    const result = await construct(name, {
      clickhouseRoleArn: CH_ROLE,
      engine: "postgres",
      dbClusterIdentifier: AURORA_ID,
      adminUsername: "admin_user",
      adminPassword: secret("s3cret-pw"),
      cdc: true,
    });

    assert.deepEqual(
      sorted(engine.registrations).map((r) => [r.type, r.name, r.parent, r.custom, r.provider]),
      [
        [COMPONENT, "pg", STACK_URN, false, ""],
        [READINESS, "pg-cdc-readiness", urn, true, ""],
        ["aws:iam/rolePolicy:RolePolicy", "pg-connect", urn, true, ""],
        ["postgresql:index/role:Role", "pg-db-user", urn, true, providerRef],
        ["postgresql:index/defaultPrivileges:DefaultPrivileges", "pg-default-select-public", urn, true, providerRef],
        [ENABLER, "pg-iam-auth", urn, true, ""],
        ["pulumi:providers:postgresql", "pg-postgresql", urn, true, ""],
        [PUBLICATION, "pg-publication", urn, true, ""],
        ["aws:iam/role:Role", "pg-role", urn, true, ""],
        ["postgresql:index/grant:Grant", "pg-select-public", urn, true, providerRef],
        ["postgresql:index/grant:Grant", "pg-usage-public", urn, true, providerRef],
      ],
    );
    assertNoDynamicResource();

    const readiness = engine.one(READINESS);
    assertPluginChild(readiness, urn, ["adminPassword"]);
    const publication = { name: "clickpipes_iam_user_publication", create: true, scope: { kind: "schemas", schemas: ["public"] } };
    assert.deepEqual(readiness.object, {
      host: AURORA_HOST,
      port: 5432,
      database: "postgres",
      adminUsername: "admin_user",
      adminPassword: secret("s3cret-pw"),
      target: { deployment: "aurora", kind: "cluster", identifier: AURORA_ID },
      check: { engine: "postgres", request: { cdc: true, schemas: ["public"], publication } },
      mode: "enforce",
      tls: true,
      tlsVerify: true,
    });
    assert.deepEqual(readiness.dependencies, []);

    const enabler = engine.one(ENABLER);
    assertPluginChild(enabler, urn, []);
    assert.deepEqual(enabler.object, {
      targetKind: "cluster",
      identifier: AURORA_ID,
      region: "us-east-1",
      mode: "enable",
      restoreOnDelete: false,
      timeoutMinutes: 30,
      applyPendingModifications: false,
      targetArn: `arn:aws:rds:us-east-1:123456789012:cluster:${AURORA_ID}`,
      consumerId: npmConsumerId(urn, "pg-iam-auth"),
      enabledSetting: true,
    });
    // Nothing is modified before the readiness check passes.
    assert.deepEqual(enabler.dependencies, [child(READINESS, "pg-cdc-readiness")]);

    const pub = engine.one(PUBLICATION);
    assertPluginChild(pub, urn, ["adminPassword"]);
    assert.deepEqual(pub.object, {
      host: AURORA_HOST,
      port: 5432,
      database: "postgres",
      adminUsername: "admin_user",
      adminPassword: secret("s3cret-pw"),
      publicationName: "clickpipes_iam_user_publication",
      scope: { kind: "schemas", schemas: ["public"] },
      tls: true,
      tlsVerify: true,
      resourceId: "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0",
      publishViaPartitionRoot: true,
    });
    assert.deepEqual([...pub.dependencies].sort(), [child(READINESS, "pg-cdc-readiness"), child(ENABLER, "pg-iam-auth")].sort());

    const provider = engine.one("pulumi:providers:postgresql");
    assert.deepEqual(provider.object, {
      host: AURORA_HOST,
      port: "5432",
      username: "admin_user",
      password: secret("s3cret-pw"),
      database: "postgres",
      sslmode: "require",
      superuser: "false",
      connectTimeout: "180",
    });
    const role = engine.one("postgresql:index/role:Role");
    assert.deepEqual(role.object, { name: "clickpipes_iam_user", login: true, roles: ["rds_iam", "rds_replication"], skipReassignOwned: true });
    assert.deepEqual([...role.dependencies].sort(), [child(READINESS, "pg-cdc-readiness"), child(ENABLER, "pg-iam-auth")].sort());
    assert.deepEqual(
      engine.byType("postgresql:index/grant:Grant").map((g) => [g.name, g.object]).sort(),
      [
        ["pg-select-public", { database: "postgres", role: "clickpipes_iam_user", schema: "public", objectType: "table", objects: [], privileges: ["SELECT"] }],
        ["pg-usage-public", { database: "postgres", role: "clickpipes_iam_user", schema: "public", objectType: "schema", privileges: ["USAGE"] }],
      ],
    );

    assert.deepEqual(
      engine.invoked.map((i) => [i.token, i.args, i.provider]),
      [["aws:rds/getCluster:getCluster", { clusterIdentifier: AURORA_ID }, ""]],
    );

    const dbUserArn = "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user";
    assert.deepEqual(engine.one("aws:iam/rolePolicy:RolePolicy").object, {
      name: "rds-db-connect",
      role: "pg-role-id",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "ConnectAsClickPipesUser", Effect: "Allow", Action: "rds-db:connect", Resource: dbUserArn }] }),
    });
    const outputs = {
      roleArn: roleArn("pg-role"),
      roleName: roleName("pg-role"),
      dbUserArn,
      resourceId: "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0",
      host: AURORA_HOST,
      port: 5432,
      dbUsername: "clickpipes_iam_user",
      clickPipeSource: {
        type: "aurorapostgres",
        host: AURORA_HOST,
        port: 5432,
        database: "postgres",
        authentication: "IAM_ROLE",
        iamRole: roleArn("pg-role"),
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "cdc", publicationName: "clickpipes_iam_user_publication" },
      },
      pipeModes: ["snapshot", "cdc"],
      setupSql: [
        '-- connect to database "postgres"',
        'CREATE ROLE "clickpipes_iam_user" WITH LOGIN;',
        'GRANT rds_iam TO "clickpipes_iam_user";',
        'GRANT rds_replication TO "clickpipes_iam_user";',
        'GRANT USAGE ON SCHEMA "public" TO "clickpipes_iam_user";',
        'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "clickpipes_iam_user";',
        'ALTER DEFAULT PRIVILEGES FOR ROLE "admin_user" IN SCHEMA "public" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
        "-- PostgreSQL 12 has no publish_via_partition_root: leave the WITH (...) clause out there",
        'CREATE PUBLICATION "clickpipes_iam_user_publication" FOR TABLES IN SCHEMA "public" WITH (publish_via_partition_root = true);',
        "",
      ].join("\n"),
    };
    assert.equal(result.urn, urn);
    assert.deepEqual(result.state, {
      ...outputs,
      role: resourceRef(child("aws:iam/role:Role", "pg-role"), "pg-role-id"),
      rolePolicy: resourceRef(child("aws:iam/rolePolicy:RolePolicy", "pg-connect"), "pg-connect-id"),
    });
    assert.deepEqual(engine.outputs, [{ urn, outputs }]);
    assert.deepEqual(engine.logs.filter((l) => l.severity !== "debug"), []);

    for (const reg of [readiness, enabler, pub]) {
      const checked = await checkAsEngine(reg);
      assert.deepEqual(checked.failures, [], `${reg.type}::${reg.name}`);
      assert.deepEqual(checked.inputs, reg.object, `${reg.type}::${reg.name}`);
    }
    assert.equal(plugin!.stderr(), "");
  });

  it("refuses an engine it does not support before registering anything, naming the argument", async () => {
    const err = await constructFailure("ora", { clickhouseRoleArn: CH_ROLE, engine: "oracle", dbInstanceIdentifier: MARIA_ID, adminUsername: "admin_user", adminPassword: secret("pw") });
    assert.equal(err.details, '`engine` "oracle" is not supported; use "postgres", "mysql" or "mariadb".');
    assert.deepEqual(engine.registrations, []);
    assert.deepEqual(engine.invoked, []);
    assert.deepEqual(engine.outputs, []);
  });

  it("fails with the check's message when the looked-up target is refused, registering no child", async () => {
    const lookup = engine.invokes["aws:rds/getInstance:getInstance"];
    engine.invokes["aws:rds/getInstance:getInstance"] = () => ({ ...MARIA, engineVersion: "10.6.19" });
    try {
      const err = await constructFailure("old", { clickhouseRoleArn: CH_ROLE, engine: "mariadb", dbInstanceIdentifier: MARIA_ID, adminUsername: "admin_user", adminPassword: secret("pw"), databases: ["ledger"] });
      assert.equal(err.details, `MariaDB "10.6.19" on instance "${MARIA_ID}" does not support IAM database authentication; upgrade to MariaDB 10.11 or later.`);
      assert.deepEqual(
        engine.registrations.map((r) => [r.type, r.name]),
        [[COMPONENT, "old"]],
      );
      assert.equal(engine.invoked.length, 1);
      assert.deepEqual(engine.outputs, []);
    } finally {
      engine.invokes["aws:rds/getInstance:getInstance"] = lookup;
    }
  });
});
