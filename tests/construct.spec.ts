/**
 * The component as the plugin constructs it (provider/construct.ts), under the mocks, for every
 * engine and kind of target: its children are the plugin's custom resources
 * `clickpipes-rds-iam:index:*` with the plugin's version and source, an alias to the dynamic type
 * and their secret outputs, where the npm path registers the same children, with the same inputs,
 * as dynamic resources.
 */
import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, cloud, clusterLookup, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components";
import { DYNAMIC_RESOURCE_TYPE, PLUGIN_RESOURCE_TYPES } from "../components/pluginResources";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";
import { PLUGIN_DOWNLOAD_URL, adaptedInputs, constructComponent, pluginComponentClass } from "../provider/construct";
import { ORG_ID, SERVICE_ID, SERVICE_ROLE, TEST_KEY_ID, TEST_KEY_SECRET, withServiceLookups } from "./support/clickhouseApi";
import { COMPONENT, ClickPipesRdsIamProvider, componentOutputNames, pluginVersion, readSchema } from "../provider/provider";
import * as path from "path";

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";
const PLUGIN = { version: "0.1.0", pluginDownloadURL: PLUGIN_DOWNLOAD_URL };
const PLUGIN_TYPES = Object.values(PLUGIN_RESOURCE_TYPES);

type Engine = "postgres" | "mysql" | "mariadb";
type TargetKind = "dbInstanceIdentifier" | "dbClusterIdentifier" | "instance" | "cluster";

/** The RDS engine name of each engine, for an instance and for an Aurora cluster. */
const RDS_ENGINE: Record<Engine, { instance: string; cluster?: string }> = {
  postgres: { instance: "postgres", cluster: "aurora-postgresql" },
  mysql: { instance: "mysql", cluster: "aurora-mysql" },
  mariadb: { instance: "mariadb" },
};
const VERSION: Record<Engine, { instance: string; cluster?: string }> = {
  postgres: { instance: "16.4", cluster: "16.4" },
  mysql: { instance: "8.0.39", cluster: "8.0.mysql_aurora.3.08.0" },
  mariadb: { instance: "10.11.9" },
};

/** The target argument of one kind, with the lookup fixture or managed resource it needs. */
function target(engine: Engine, kind: TargetKind, id: string): Partial<ClickPipesRdsIamAccessArgs> {
  const e = RDS_ENGINE[engine];
  const v = VERSION[engine];
  const port = engine === "postgres" ? 5432 : 3306;
  switch (kind) {
    case "dbInstanceIdentifier":
      cloud.fixtures.instances[id] = { ...instanceLookup({ identifier: id, engine: e.instance, engineVersion: v.instance }), backupRetentionPeriod: 7 };
      return { dbInstanceIdentifier: id };
    case "dbClusterIdentifier":
      cloud.fixtures.clusters[id] = { ...clusterLookup({ identifier: id, engine: e.cluster, engineVersion: v.cluster }), backupRetentionPeriod: 7 };
      return { dbClusterIdentifier: id };
    case "instance":
      cloud.extraState[id] = {
        identifier: id,
        arn: `arn:aws:rds:eu-west-1:123456789012:db:${id}`,
        resourceId: "db-MANAGEDMANAGEDMANAGED00000",
        address: `${id}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
        port,
        engineVersionActual: v.instance,
        backupRetentionPeriod: 7,
      };
      return { instance: new aws.rds.Instance(id, { identifier: id, engine: e.instance, instanceClass: "db.t4g.micro", allocatedStorage: 20, iamDatabaseAuthenticationEnabled: true }) };
    case "cluster":
      cloud.extraState[id] = {
        clusterIdentifier: id,
        arn: `arn:aws:rds:eu-west-1:123456789012:cluster:${id}`,
        clusterResourceId: "cluster-MANAGEDMANAGEDMANAGED0",
        endpoint: `${id}.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com`,
        port,
        engineVersionActual: v.cluster,
        backupRetentionPeriod: 7,
      };
      return { cluster: new aws.rds.Cluster(id, { clusterIdentifier: id, engine: e.cluster as string, iamDatabaseAuthenticationEnabled: true }) };
  }
}

function args(engine: Engine, kind: TargetKind, id: string): ClickPipesRdsIamAccessArgs {
  return {
    clickhouseRoleArn: CH_ROLE,
    engine,
    adminUsername: "admin_user",
    adminPassword: "s3cret-pw",
    cdc: true,
    ...(engine === "postgres" ? { schemas: ["public"] } : { databases: ["shop"] }),
    ...target(engine, kind, id),
  };
}

/** The children this component registers of the package's own kinds, by kind, as the npm path names them. */
function expectedKinds(engine: Engine, kind: TargetKind): string[] {
  const identifier = kind === "dbInstanceIdentifier" || kind === "dbClusterIdentifier";
  return [
    ...(identifier ? ["iamAuthEnablement"] : []),
    "cdcReadiness",
    ...(engine === "postgres" ? ["postgresPublication"] : []),
    ...(engine === "mariadb" ? ["mariaDbIamUser"] : []),
  ].sort();
}

/** The kind of a registration of the package's own resources (by its type, or a dynamic resource's name). */
function kindOf(r: RecordedResource): string {
  const plugin = Object.entries(PLUGIN_RESOURCE_TYPES).find(([, t]) => t === r.type);
  if (plugin) return plugin[0];
  const suffixes: Record<string, string> = { "-iam-auth": "iamAuthEnablement", "-cdc-readiness": "cdcReadiness", "-publication": "postgresPublication", "-db-user": "mariaDbIamUser" };
  const found = Object.entries(suffixes).find(([s]) => r.name.endsWith(s));
  return found ? found[1] : `unknown ${r.name}`;
}

/** Inputs without the values Pulumi's runtime adds for a dynamic resource. */
function comparable(inputs: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, ...rest } = inputs;
  return rest;
}

const CASES: [Engine, TargetKind][] = [
  ["postgres", "dbInstanceIdentifier"],
  ["postgres", "dbClusterIdentifier"],
  ["postgres", "instance"],
  ["postgres", "cluster"],
  ["mysql", "dbInstanceIdentifier"],
  ["mysql", "dbClusterIdentifier"],
  ["mysql", "instance"],
  ["mysql", "cluster"],
  ["mariadb", "dbInstanceIdentifier"],
  ["mariadb", "instance"],
];

describe("the component as the plugin constructs it (provider/construct.ts)", () => {
  before(() => installMocks());
  beforeEach(() => {
    cloud.reset();
    resetIamAuthEnablerRegistry();
  });

  for (const [engine, kind] of CASES) {
    it(`${engine}, ${kind}: the same children as the npm path, as the plugin's custom resources`, async () => {
      // The npm path first: its children and their inputs.
      await settleTree(new ClickPipesRdsIamAccess("npm", args(engine, kind, "npm-db")));
      const npmChildren = cloud.resources.filter((r) => r.type === DYNAMIC_RESOURCE_TYPE);
      assert.deepEqual(npmChildren.map(kindOf).sort(), expectedKinds(engine, kind));
      assert.deepEqual(cloud.resources.filter((r) => PLUGIN_TYPES.includes(r.type)), [], "the npm path registers no custom resource of the plugin");
      assert.ok(npmChildren.every((r) => r.version === "" && r.pluginDownloadURL === "" && r.aliases.length === 0));

      cloud.reset();
      resetIamAuthEnablerRegistry();
      const Plugin = pluginComponentClass(PLUGIN);
      const component = new Plugin("npm", args(engine, kind, "npm-db"));
      await settleTree(component);
      assert.deepEqual(cloud.byType(DYNAMIC_RESOURCE_TYPE), [], "the plugin path registers no dynamic resource");
      const children = cloud.resources.filter((r) => PLUGIN_TYPES.includes(r.type));
      assert.deepEqual(children.map(kindOf).sort(), expectedKinds(engine, kind));
      for (const child of children) {
        assert.equal(child.custom, true);
        assert.equal(child.version, PLUGIN.version, `${child.name} names the plugin's version`);
        assert.equal(child.pluginDownloadURL, PLUGIN_DOWNLOAD_URL);
        assert.deepEqual(child.aliases, [{ type: DYNAMIC_RESOURCE_TYPE }], `${child.name} is aliased to the dynamic resource it replaces`);
        // Same name and same inputs as the npm path's child of the same kind.
        const twin = npmChildren.find((r) => r.name === child.name);
        assert.ok(twin, `${child.name} has the npm path's name`);
        assert.deepEqual(comparable(child.inputs), comparable(twin.inputs), `${child.name} has the npm path's inputs`);
        if (kindOf(child) === "postgresPublication") assert.equal(child.inputs.publishViaPartitionRoot, true);
        assert.deepEqual(child.additionalSecretOutputs, twin.additionalSecretOutputs);
        if (kindOf(child) !== "iamAuthEnablement") assert.deepEqual(child.additionalSecretOutputs, ["adminPassword"]);
      }
      // The outputs are the npm path's.
      assert.equal(await valueOf(component.dbUsername), "clickpipes_iam_user");
      assert.equal((await valueOf(component.clickPipeSource)).settings.replicationMode, "cdc");
    });
  }

  it("keeps the enabler's consumer ID: a stack moving from the npm path is recorded on the database under the same tag", async () => {
    await settleTree(new ClickPipesRdsIamAccess("access", args("postgres", "dbInstanceIdentifier", "orders")));
    const npmId = cloud.resources.find((r) => r.name === "access-iam-auth")!.inputs.consumerId;
    cloud.reset();
    resetIamAuthEnablerRegistry();
    await settleTree(new (pluginComponentClass(PLUGIN))("access", args("postgres", "dbInstanceIdentifier", "orders")));
    assert.equal(cloud.one(PLUGIN_RESOURCE_TYPES.iamAuthEnablement).inputs.consumerId, npmId);
    assert.match(String(npmId), /^[0-9a-f]{32}$/);
  });

  it("registers only children the plugin's own Check accepts, also for a MariaDB user with no databases yet", async () => {
    const provider = new ClickPipesRdsIamProvider();
    const cases: ClickPipesRdsIamAccessArgs[] = [
      { ...args("mariadb", "dbInstanceIdentifier", "maria-empty"), databases: undefined, cdc: false },
      args("postgres", "dbClusterIdentifier", "pg-cluster"),
      args("mysql", "dbInstanceIdentifier", "my-db"),
    ];
    for (const [i, a] of cases.entries()) {
      await settleTree(new (pluginComponentClass(PLUGIN))(`c${i}`, a));
    }
    const children = cloud.resources.filter((r) => PLUGIN_TYPES.includes(r.type));
    assert.deepEqual(children.map(kindOf).sort(), ["cdcReadiness", "cdcReadiness", "iamAuthEnablement", "iamAuthEnablement", "iamAuthEnablement", "mariaDbIamUser", "postgresPublication"]);
    for (const child of children) {
      const result = await provider.check(`urn:pulumi:stack::project::${COMPONENT}$${child.type}::${child.name}`, {}, child.inputs);
      assert.deepEqual(result.failures, undefined, `${child.name}: ${JSON.stringify(result.failures)}`);
    }
    assert.deepEqual(cloud.one(PLUGIN_RESOURCE_TYPES.mariaDbIamUser).inputs.databases, []);
  });

  it("takes clickhouseService as the SDKs send it, one secret Output, and keeps only the key secret", async () => {
    cloud.fixtures.instances.orders = instanceLookup({ identifier: "orders" });
    const service = pulumi.secret({ organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET });
    const inputs = { engine: "postgres", dbInstanceIdentifier: "orders", adminUsername: "a", adminPassword: "p", clickhouseService: service };
    const adapted = adaptedInputs(inputs).clickhouseService as Record<string, pulumi.Output<unknown>>;
    assert.deepEqual(Object.keys(adapted), ["organizationId", "serviceId", "apiKeyId", "apiKeySecret", "apiUrl"]);
    assert.deepEqual(
      await Promise.all(Object.values(adapted).map((o) => (o as unknown as { isSecret: Promise<boolean> }).isSecret)),
      [false, false, false, true, false],
    );
    const result = await withServiceLookups({ [SERVICE_ID]: { iamRole: SERVICE_ROLE } }, async () => {
      const r = constructComponent("svc", inputs, {}, PLUGIN, ["roleArn"]);
      await valueOf(r.state.roleArn as pulumi.Output<string>);
      return r;
    });
    assert.equal(JSON.parse(String(cloud.one("aws:iam/role:Role").inputs.assumeRolePolicy)).Statement[0].Principal.AWS, SERVICE_ROLE);
    assert.equal(await (result.state.roleArn as unknown as { isSecret: Promise<boolean> }).isSecret, false, "the role ARN is not made secret by the service's IDs");
    // The same object given as plain values is taken as it is.
    const plain = { ...inputs, clickhouseService: { organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET } };
    assert.equal(adaptedInputs(plain), plain);
  });

  it("sends the admin password as a secret to every child that takes it", async () => {
    await settleTree(new (pluginComponentClass(PLUGIN))("pw", args("mariadb", "dbInstanceIdentifier", "maria")));
    for (const type of [PLUGIN_RESOURCE_TYPES.mariaDbIamUser, PLUGIN_RESOURCE_TYPES.cdcReadiness]) {
      assert.deepEqual(cloud.one(type).inputs.adminPassword, { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cret-pw" });
    }
  });

  it("refuses bad input with the npm path's message, before any child is registered", () => {
    assert.throws(
      () => constructComponent("bad", { clickhouseRoleArn: CH_ROLE, engine: "oracle", dbInstanceIdentifier: "x" }, {}, PLUGIN, ["roleArn"]),
      (e: Error) => /engine/.test(e.message) && /"oracle"/.test(e.message),
    );
    assert.deepEqual(cloud.resources, []);
  });

  it("returns the component's URN and, as its state, every property the schema lists", async () => {
    cloud.fixtures.instances.orders = instanceLookup({ identifier: "orders" });
    const names = componentOutputNames(readSchema(path.join(__dirname, "..", "provider")));
    const result = constructComponent("state", { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbInstanceIdentifier: "orders", adminUsername: "a", adminPassword: "p" }, {}, PLUGIN, names);
    assert.equal(await valueOf(result.urn), `urn:pulumi:stack::project::${COMPONENT}::state`);
    assert.deepEqual(Object.keys(result.state).sort(), [...names].sort());
    assert.equal(await valueOf(result.state.dbUsername as never), "clickpipes_iam_user");
    assert.equal(await valueOf(result.state.resourceId as never), "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");
  });

  it("names the plugin's version: provider/package.json's, which is the npm package's", () => {
    const root = path.join(__dirname, "..");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal(pluginVersion(path.join(root, "provider")), (require(path.join(root, "package.json")) as { version: string }).version);
  });

  it("names the plugin's source as a git:// URL of this repository's provider/ directory", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const repository = (require(path.join(__dirname, "..", "package.json")) as { repository: { url: string } }).repository.url;
    const m = /github\.com\/([^/]+\/[^/.]+)(\.git)?$/.exec(repository);
    assert.ok(m, repository);
    assert.equal(PLUGIN_DOWNLOAD_URL, `git://github.com/${m[1]}/provider`);
  });
});
