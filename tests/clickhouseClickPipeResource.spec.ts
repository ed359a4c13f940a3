/**
 * `ClickPipe` under setMocks: what it registers (the API key only as a secret), its checks before
 * registration, its dependencies on the access it reads through; and its provider, serialized as
 * Pulumi stores it, working against the fake API.
 */
import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess } from "../components";
import { ClickPipe } from "../components/clickhouse/clickPipe";
import { ClickPipeArgs, normalizeClickPipeArgs } from "../components/clickhouse/clickPipeArgs";
import { clickPipeProvider } from "../components/clickhouse/clickPipeProvider";
import { ClickPipeInputs, ClickPipeOutputs } from "../components/clickhouse/clickPipeSpec";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";
import { ORDERS_MAPPING, ORG_ID, SERVICE_ID, TEST_KEY_ID, TEST_KEY_SECRET, FakeClickHouseApi, pipeInputs, postgresSource } from "./support/clickhouseApi";
import { cloud, failureOf, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";

const SERVICE = { organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET };
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

function args(over: Partial<ClickPipeArgs> = {}): ClickPipeArgs {
  return { service: SERVICE, source: postgresSource(), tableMappings: [ORDERS_MAPPING], destination: { database: "default" }, ...over };
}

interface RegisterRequest {
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}

describe("ClickPipe resource", () => {
  const secretOutputs = new Map<string, string[]>();

  before(() => {
    installMocks();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
      secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
      return register(req, cb);
    };
  });
  beforeEach(() => {
    cloud.reset({ instances: { "orders-pg": instanceLookup({ identifier: "orders-pg" }) } });
    resetIamAuthEnablerRegistry();
    secretOutputs.clear();
  });

  it("registers as a dynamic resource with the API key secret as a Pulumi secret, and nothing named id or urn", async () => {
    const pipe = new ClickPipe("orders-pipe", args(), { additionalSecretOutputs: ["other"] });
    await valueOf(pipe.urn);
    const { __provider: provider, apiKeySecret, ...rest } = cloud.one(DYNAMIC).inputs;
    assert.ok(pulumi.runtime.isRpcSecret(apiKeySecret), "apiKeySecret is sent as a secret");
    assert.equal(pulumi.runtime.unwrapRpcSecret(apiKeySecret), TEST_KEY_SECRET);
    assert.deepEqual(rest, {
      organizationId: ORG_ID,
      serviceId: SERVICE_ID,
      apiKeyId: TEST_KEY_ID,
      apiUrl: "https://api.clickhouse.cloud/v1",
      pipeName: "orders-pipe",
      source: postgresSource(),
      tableMappings: [ORDERS_MAPPING],
      destinationDatabase: "default",
      stopped: false,
      waitTimeoutMinutes: 30,
    });
    assert.ok(!String(provider).includes(TEST_KEY_SECRET), "the serialized provider does not carry the key");
    assert.deepEqual(secretOutputs.get("orders-pipe"), ["other", "apiKeySecret"]);
    assert.equal(await valueOf(pipe.pipeName), "orders-pipe");
  });

  it("keeps a secret given as an Output secret, and takes its name and options", async () => {
    const pipe = new ClickPipe("p", args({ service: { ...SERVICE, apiKeySecret: pulumi.secret(TEST_KEY_SECRET) }, pipeName: "orders-cdc", stopped: true, resyncTrigger: "1", waitTimeoutMinutes: 45 }));
    await valueOf(pipe.urn);
    const inputs = cloud.one(DYNAMIC).inputs;
    assert.ok(pulumi.runtime.isRpcSecret(inputs.apiKeySecret));
    assert.deepEqual([inputs.pipeName, inputs.stopped, inputs.resyncTrigger, inputs.waitTimeoutMinutes], ["orders-cdc", true, "1", 45]);
  });

  it("reads through a ClickPipesRdsIamAccess and is created after everything it creates", async () => {
    const access = new ClickPipesRdsIamAccess("orders", {
      clickhouseRoleArn: "arn:aws:iam::111122223333:role/CH-S3-demo-Role",
      engine: "postgres",
      dbInstanceIdentifier: "orders-pg",
      adminUsername: "admin_user",
      adminPassword: "s3cret-pw",
    });
    const pipe = new ClickPipe("orders-pipe", { service: SERVICE, access, tableMappings: [ORDERS_MAPPING], destination: { database: "default" } });
    await settleTree(access);
    await valueOf(pipe.urn);
    const registered = cloud.byType(DYNAMIC).filter((r) => r.name === "orders-pipe");
    assert.equal(registered.length, 1);
    assert.deepEqual((registered[0].inputs.source as { iamRole: string }).iamRole, "arn:aws:iam::123456789012:role/orders-role-0123456");
    const deps = registered[0].dependencies.map((urn) => urn.split("::").pop());
    for (const child of ["orders-db-user", "orders-connect", "orders-iam-auth", "orders-select-public"]) assert.ok(deps.includes(child), `depends on ${child}: ${deps.join(", ")}`);
  });

  describe("checks before registering", () => {
    const cases: Array<[string, () => ClickPipeArgs, string]> = [
      ["both access and source", () => ({ ...args(), access: {} as ClickPipesRdsIamAccess }), "Only one of `access` or `source` can be provided."],
      ["neither access nor source", () => ({ ...args(), source: undefined }), "`source` is missing; pass a ClickPipesRdsIamAccess as `access`, or its `clickPipeSource` output as `source`."],
      [
        "a service ID that is not a UUID",
        () => args({ service: { ...SERVICE, serviceId: "orders" } }),
        '`service.serviceId` "orders" is not a ClickHouse Cloud service ID; copy the service ID, a UUID such as "2f0e7c3a-5b1d-4e8f-9a6c-0d1e2f3a4b5c", from the service\'s Settings in the ClickHouse Cloud console.',
      ],
      ["an unknown service field", () => args({ service: { ...SERVICE, password: "x" } as never }), "`service.password` is not known; use `organizationId`, `serviceId`, `apiKeyId`, `apiKeySecret`, `apiUrl`."],
      ["no tables", () => args({ tableMappings: [] }), "`tableMappings` is empty; give at least one { sourceSchemaName, sourceTable, targetTable }."],
      ["a table mapped twice", () => args({ tableMappings: [ORDERS_MAPPING, ORDERS_MAPPING] }), '`tableMappings` lists source table "public.orders" twice; map each source table once.'],
      [
        "an unknown table engine",
        () => args({ tableMappings: [{ ...ORDERS_MAPPING, tableEngine: "Log" as never }] }),
        '`tableMappings[0].tableEngine` "Log" is not a table engine ClickPipes creates; use one of "MergeTree", "ReplacingMergeTree", "Null".',
      ],
      ["sorting keys without the flag", () => args({ tableMappings: [{ ...ORDERS_MAPPING, sortingKeys: ["id"] }] }), "`tableMappings[0].sortingKeys` is set but `tableMappings[0].useCustomSortingKey` is not true; set it to true, or remove `sortingKeys`."],
      ["a lower-case authentication", () => args({ source: { ...postgresSource(), authentication: "iam_role" as never } }), '`source.authentication` "iam_role" is not "IAM_ROLE"; this package creates IAM-role pipes only, and the API takes the value in upper case.'],
      ["a PostgreSQL source without its database", () => args({ source: { ...postgresSource(), database: undefined } }), "`source.database` is undefined; give the PostgreSQL database ClickPipes reads."],
      ["an empty destination database", () => args({ destination: { database: "" } }), '`destination.database` "" is empty; give the ClickHouse database the tables go to, such as "default".'],
      ["a wait of no minutes", () => args({ waitTimeoutMinutes: 0 }), "`waitTimeoutMinutes` 0 is not a whole number of minutes from 1 to 1440; use one such as 30."],
      ["a pipe name too long", () => args({ pipeName: "p".repeat(256) }), `\`pipeName\` "${"p".repeat(100)}…" is 256 characters long; ClickPipes takes 1 to 255.`],
    ];
    it("refuses its access as its parent, which would make it wait for itself", () => {
      const access = new pulumi.ComponentResource("test:index:Access", "a");
      assert.throws(() => new ClickPipe("p", { ...args({ source: undefined }), access: access as ClickPipesRdsIamAccess }, { parent: access }), {
        message: "`access` cannot also be the pipe's `parent`, since the pipe waits for everything under `access`; give the pipe another parent.",
      });
    });

    for (const [what, make, message] of cases) {
      it(`refuses ${what}`, () => {
        assert.throws(() => new ClickPipe("p", make()), { message });
        assert.deepEqual(cloud.byType(DYNAMIC), []);
      });
    }

    it("checks an Output source once it resolves (then the pipe never registers)", async () => {
      const a = normalizeClickPipeArgs("p", args({ source: pulumi.output({ ...postgresSource(), iamRole: "CH-S3-role" }) }));
      assert.equal(
        await failureOf(pulumi.output(a.source)),
        '`source.iamRole` "CH-S3-role" is not an IAM role ARN; pass a ClickPipesRdsIamAccess as `access`, or its `clickPipeSource` output, whose `iamRole` is the role it creates.',
      );
      const b = normalizeClickPipeArgs("p", args({ tableMappings: pulumi.output([{ ...ORDERS_MAPPING, targetTable: "" }]) }));
      assert.equal(await failureOf(pulumi.output(b.tableMappings)), '`tableMappings[0].targetTable` "" is empty; give the ClickHouse table to create.');
      const c = normalizeClickPipeArgs("p", args({ service: { ...SERVICE, serviceId: pulumi.output("svc"), apiUrl: pulumi.output("http://api.example.com/v1") } }));
      assert.equal(
        await failureOf(pulumi.output(c.service.serviceId)),
        '`service.serviceId` "svc" is not a ClickHouse Cloud service ID; copy the service ID, a UUID such as "2f0e7c3a-5b1d-4e8f-9a6c-0d1e2f3a4b5c", from the service\'s Settings in the ClickHouse Cloud console.',
      );
      assert.equal(await failureOf(pulumi.output(c.service.apiUrl)), '`service.apiUrl` "http://api.example.com/v1" is not HTTPS, so the API key would travel in clear text; use "https://api.clickhouse.cloud/v1".');
    });
  });
});

describe("ClickPipe provider, serialized", () => {
  const fake = new FakeClickHouseApi();
  before(() => fake.start());
  after(() => fake.stop());

  it("loads no Pulumi module at run time (the providers entry's rule)", () => {
    const script = `require(${JSON.stringify(require.resolve("../components/clickhouse/clickPipeProvider"))}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes("node_modules"))));`;
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
    // Only the TypeScript loader's own modules: no @pulumi/*, no database driver, no SDK.
    assert.deepEqual((JSON.parse(out) as string[]).filter((k) => !/node_modules[\\/](ts-node|typescript|@cspotcode|@jridgewell|source-map[^\\/]*|@tsconfig|make-error|yn|arg|create-require|v8-compile-cache-lib|diff|acorn|acorn-walk)[\\/]/.test(k)), []);
  });

  it("is self-contained: deserialized as the dynamic-provider host does, it creates and deletes a pipe", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => clickPipeProvider, { allowSecrets: true });
    assert.ok(!serialized.text.includes(TEST_KEY_SECRET));
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    new Function("exports", "require", "module", serialized.text)(mod.exports, createRequire(__filename), mod);
    const provider = (mod.exports.handler as () => pulumi.dynamic.ResourceProvider<ClickPipeInputs, ClickPipeOutputs>)();
    fake.createStates = ["Running"];
    const inputs = pipeInputs(fake);
    const created = await provider.create(inputs);
    assert.equal(created.outs?.state, "Running");
    assert.deepEqual(await provider.diff?.(created.id, created.outs as ClickPipeOutputs, inputs), { changes: false, replaces: [], deleteBeforeReplace: true });
    await provider.delete?.(created.id, created.outs as ClickPipeOutputs);
    assert.equal(fake.pipes.size, 0);
  });
});
