/**
 * The plugin's `ClickPipe` (the custom resource programs in other languages declare) over gRPC,
 * the plugin started as the Node.js language host starts it, against the fake ClickHouse Cloud API
 * of tests/support/clickhouseApi.ts (plain HTTP on loopback, which the API client allows only
 * there): Check flattens the TypeScript class's argument shape into the operations' inputs with
 * the class's own checks and defaults, and Create, Read, Diff, Update and Delete drive the API,
 * the API key secret a secret exactly once in every answer.
 */
import * as assert from "node:assert/strict";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { CLICK_PIPE } from "../provider/provider";
import { secretValue, unknownValue } from "../provider/rpcValues";
import { FakeClickHouseApi, ORDERS_MAPPING, ORG_ID, SERVICE_ID, TEST_KEY_ID, TEST_KEY_SECRET, CUSTOMERS_MAPPING, postgresSource } from "./support/clickhouseApi";
import { StartedPlugin, call, startPlugin, struct, urnOf } from "./support/plugin";

describe("the plugin's ClickPipe over gRPC, against the fake ClickHouse Cloud API", function () {
  this.timeout(60_000);
  const fake = new FakeClickHouseApi();
  let plugin: StartedPlugin | undefined;
  const urn = urnOf(CLICK_PIPE, "orders-pipe");

  before(async () => {
    await fake.start();
    plugin = await startPlugin();
  });
  after(async () => {
    plugin?.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.reset();
    // The pipe runs at the first read: no 10-second poll in the plugin process.
    fake.createStates = ["Running"];
  });

  /** The arguments as a generated SDK sends them: the TypeScript class's shape, the key secret. */
  function news(over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      service: { organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: secretValue(TEST_KEY_SECRET), apiUrl: fake.url },
      source: postgresSource(),
      tableMappings: [ORDERS_MAPPING],
      destination: { database: "default" },
      ...over,
    };
  }

  const check = (n: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
    call<proto.CheckRequest, proto.CheckResponse>(plugin!.client, plugin!.client.check, new proto.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(n)));

  /** The key secret appears once in an answer, inside its secret. */
  function secretOnce(props: Record<string, unknown>): void {
    assert.deepEqual(props.apiKeySecret, secretValue(TEST_KEY_SECRET));
    assert.equal(JSON.stringify(props).split(TEST_KEY_SECRET).length, 2, "the key secret appears once");
  }

  it("Check flattens the arguments into the operations' inputs, with the class's defaults, the key secret kept secret", async () => {
    const checked = await check(news());
    assert.deepEqual(checked.getFailuresList(), []);
    const inputs = checked.getInputs()!.toJavaScript() as Record<string, unknown>;
    assert.deepEqual(inputs, {
      organizationId: ORG_ID,
      serviceId: SERVICE_ID,
      apiKeyId: TEST_KEY_ID,
      apiKeySecret: secretValue(TEST_KEY_SECRET),
      apiUrl: fake.url,
      pipeName: "orders-pipe",
      source: postgresSource(),
      tableMappings: [ORDERS_MAPPING],
      destinationDatabase: "default",
      stopped: false,
      waitTimeoutMinutes: 30,
    });
    assert.deepEqual(fake.calls(), [], "Check calls no API");
  });

  it("Check refuses what the class refuses, naming the argument, and `access`, which a provider cannot read", async () => {
    const badOrg = await check(news({ service: { organizationId: "not-a-uuid", serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: secretValue(TEST_KEY_SECRET) } }));
    assert.deepEqual(badOrg.getFailuresList().map((f) => f.getProperty()), ["service"]);
    assert.match(badOrg.getFailuresList()[0].getReason(), /^`service\.organizationId` "not-a-uuid"/);
    assert.equal(badOrg.getFailuresList()[0].getReason().includes(TEST_KEY_SECRET), false);
    const noMappings = await check(news({ tableMappings: [] }));
    assert.deepEqual(noMappings.getFailuresList().map((f) => [f.getProperty(), f.getReason()]), [["tableMappings", "`tableMappings` is empty; give at least one { sourceSchemaName, sourceTable, targetTable }."]]);
    const { source: _source, ...withoutSource } = news({ access: "urn:pulumi:dev::proj::clickpipes-rds-iam:index:ClickPipesRdsIamAccess::orders" });
    const access = await check(withoutSource);
    assert.deepEqual(access.getFailuresList().map((f) => f.getProperty()), ["access", "source"]);
  });

  it("never answers a key secret given in plain text in the clear: not at preview, not in a refusal", async () => {
    const plainKey = (over: Record<string, unknown> = {}) => ({
      ...news(over),
      service: { organizationId: ORG_ID, serviceId: SERVICE_ID, apiKeyId: TEST_KEY_ID, apiKeySecret: TEST_KEY_SECRET, apiUrl: fake.url, ...((over.service as object) ?? {}) },
    });
    // At preview, before the access's clickPipeSource is known: the inputs come back as given.
    const preview = await check({ ...plainKey(), source: unknownValue });
    const previewed = preview.getInputs()!.toJavaScript() as Record<string, unknown>;
    assert.deepEqual(previewed.service, secretValue(plainKey().service));
    // Refused (a bad organization ID): the engine prints the refused property's value.
    const refused = await check(plainKey({ service: { organizationId: "not-a-uuid" } }));
    assert.deepEqual(refused.getFailuresList().map((f) => f.getProperty()), ["service"]);
    assert.deepEqual((refused.getInputs()!.toJavaScript() as Record<string, unknown>).service, secretValue({ ...plainKey().service, organizationId: "not-a-uuid" }));
    // Accepted: only the flattened key is secret.
    const accepted = (await check(plainKey())).getInputs()!.toJavaScript() as Record<string, unknown>;
    secretOnce(accepted);
    assert.equal(accepted.organizationId, ORG_ID);
  });

  it("Create, Read, Diff, Update and Delete drive the API", async () => {
    const inputs = (await check(news())).getInputs()!.toJavaScript() as Record<string, unknown>;
    const created = await call<proto.CreateRequest, proto.CreateResponse>(plugin!.client, plugin!.client.create, new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)));
    const id = created.getId();
    assert.deepEqual([...fake.pipes.keys()], [id]);
    assert.equal(fake.pipes.get(id)!.name, "orders-pipe");
    const outs = created.getProperties()!.toJavaScript() as Record<string, unknown>;
    assert.deepEqual([outs.clickPipeId, outs.state, outs.pipeName], [id, "Running", "orders-pipe"]);
    secretOnce(outs);
    assert.deepEqual(fake.calls().slice(0, 1), [`POST /organizations/${ORG_ID}/services/${SERVICE_ID}/clickpipes`]);

    const read = await call<proto.ReadRequest, proto.ReadResponse>(plugin!.client, plugin!.client.read, new proto.ReadRequest().setId(id).setUrn(urn).setProperties(struct(outs)));
    assert.equal(read.getId(), id);
    secretOnce(read.getProperties()!.toJavaScript() as Record<string, unknown>);

    const same = await call<proto.DiffRequest, proto.DiffResponse>(plugin!.client, plugin!.client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(inputs)));
    assert.equal(same.getChanges(), proto.DiffResponse.DiffChanges.DIFF_NONE);
    const wider = (await check(news({ tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] }), inputs)).getInputs()!.toJavaScript() as Record<string, unknown>;
    const diff = await call<proto.DiffRequest, proto.DiffResponse>(plugin!.client, plugin!.client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(wider)));
    assert.equal(diff.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(diff.getReplacesList(), []);

    const before = fake.requests.length;
    const updated = await call<proto.UpdateRequest, proto.UpdateResponse>(plugin!.client, plugin!.client.update, new proto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(wider)));
    const updatedOuts = updated.getProperties()!.toJavaScript() as Record<string, unknown>;
    secretOnce(updatedOuts);
    assert.deepEqual(updatedOuts.tableMappings, [ORDERS_MAPPING, CUSTOMERS_MAPPING]);
    assert.ok(fake.requests.slice(before).some((r) => r.method === "PATCH"), "the mappings were patched");

    await call(plugin!.client, plugin!.client.delete, new proto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(updatedOuts)));
    assert.deepEqual([...fake.pipes.keys()], []);
  });
});
