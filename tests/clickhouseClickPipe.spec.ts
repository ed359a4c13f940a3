/**
 * The ClickPipe's create, read, update and delete against the fake ClickHouse Cloud API, which
 * validates every request body against the project's request schema.
 */
import { strict as assert } from "assert";
import { checkClickPipe, createClickPipe, deleteClickPipe, readClickPipe, updateClickPipe, ProviderDeps } from "../components/clickhouse/clickPipeProvider";
import { ClickPipeInputs, ClickPipeOutputs, diffClickPipe } from "../components/clickhouse/clickPipeSpec";
import {
  CUSTOMERS_MAPPING,
  FakeClickHouseApi,
  FakeClock,
  fakeClock,
  ORDERS_MAPPING,
  ORG_ID,
  RDS_ROLE,
  SERVICE_ID,
  TEST_KEY_SECRET,
  mysqlSource,
  pipeInputs,
  postgresSource,
} from "./support/clickhouseApi";

const PIPES = `/organizations/${ORG_ID}/services/${SERVICE_ID}/clickpipes`;
const WRONG_SECRET = "wrong-secret-7e6d5c4b";

/** A thrown error with the partial state the dynamic-provider host records. */
interface PartialError extends Error {
  id?: string;
  properties?: ClickPipeOutputs;
}

async function rejection(p: Promise<unknown>): Promise<PartialError> {
  try {
    await p;
  } catch (e) {
    return e as PartialError;
  }
  throw new Error("Expected a failure, but the call succeeded.");
}

describe("ClickPipe provider", () => {
  const fake = new FakeClickHouseApi();
  let clock: FakeClock;
  let deps: ProviderDeps;
  const inputs = (o: Partial<ClickPipeInputs> = {}) => pipeInputs(fake, o);

  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    clock = fakeClock();
    deps = { clock, api: { maxAttempts: 3 } };
  });

  /** A pipe created and settled, and its outputs. */
  async function created(o: Partial<ClickPipeInputs> = {}): Promise<{ id: string; outs: ClickPipeOutputs }> {
    fake.createStates = ["Running"];
    const r = await createClickPipe(inputs(o), deps);
    fake.requests.length = 0;
    clock.sleeps.length = 0;
    return r;
  }

  /** A pipe created and settled, that the API then reports in `state` (and next in `upcoming`, one per GET); its outputs say `state`. */
  async function createdThenIn(state: string, upcoming: string[] = []): Promise<{ id: string; outs: ClickPipeOutputs }> {
    const { id, outs } = await created();
    const pipe = fake.pipes.get(id);
    assert.ok(pipe);
    Object.assign(pipe, { state, upcoming });
    return { id, outs: { ...outs, state } };
  }

  describe("create", () => {
    it("posts the pipe as the schema describes it, and waits until it runs", async () => {
      const { id, outs } = await createClickPipe(inputs({ tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] }), deps);
      assert.deepEqual(fake.requests[0].body, {
        name: "orders",
        source: {
          postgres: {
            type: "rdspostgres",
            host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
            port: 5432,
            database: "orders",
            authentication: "IAM_ROLE",
            iamRole: RDS_ROLE,
            credentials: { username: "clickpipes_iam_user" },
            settings: { publicationName: "clickpipes_iam_user_publication", replicationMode: "cdc" },
            tableMappings: [ORDERS_MAPPING, { sourceSchemaName: "public", sourceTable: "customers", tableEngine: "ReplacingMergeTree", targetTable: "public_customers" }],
          },
        },
        destination: { database: "default" },
      });
      // Provisioning → Setup → Snapshot: a CDC pipe loading its tables is working.
      assert.deepEqual(fake.calls(), [`POST ${PIPES}`, `GET ${PIPES}/${id}`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(clock.sleeps, [10_000]);
      assert.deepEqual([outs.clickPipeId, outs.state], [id, "Snapshot"]);
      assert.equal(fake.pipes.get(id)?.name, "orders");
    });

    it("posts a MySQL source without a database, with its replication mechanism", async () => {
      fake.createStates = ["Running"];
      await createClickPipe(inputs({ source: mysqlSource(), tableMappings: [{ sourceSchemaName: "shop", sourceTable: "orders", targetTable: "shop_orders" }] }), deps);
      const body = fake.requests[0].body as { source: Record<string, unknown> };
      assert.deepEqual(Object.keys(body.source), ["mysql"]);
      assert.deepEqual((body.source.mysql as { settings: unknown }).settings, { replicationMechanism: "GTID", replicationMode: "cdc" });
      assert.equal("database" in (body.source.mysql as object), false);
    });

    it("passes ClickPipes' validation error through verbatim, creating nothing", async () => {
      const text = "BAD_REQUEST: Failed to validate source: error checking replication permissions: user clickpipes_iam_user does not have REPLICATION privilege";
      fake.script({ method: "POST", status: 400, body: text });
      const err = await rejection(createClickPipe(inputs(), deps));
      assert.equal(err.message, `ClickHouse Cloud API POST /v1${PIPES} failed with HTTP 400: ${text}`);
      assert.equal(err.id, undefined, "nothing was created: no partial state");
      assert.equal(fake.pipes.size, 0);
    });

    it("is refused by the schema check when a field breaks the published schema (lower-case iam_role)", async () => {
      const source = { ...postgresSource(), authentication: "iam_role" } as unknown as ClickPipeInputs["source"];
      const err = await rejection(createClickPipe(inputs({ source }), deps));
      assert.equal(err.message, `ClickHouse Cloud API POST /v1${PIPES} failed with HTTP 400: BAD_REQUEST: Invalid request body: $.source.postgres.authentication: "iam_role" is not one of "basic", "IAM_ROLE"`);
    });

    it("reports a pipe that fails after it was created, with its ID and state for the next up and destroy", async () => {
      fake.createStates = ["Setup", "Failed"];
      const err = await rejection(createClickPipe(inputs(), deps));
      const id = [...fake.pipes.keys()][0];
      assert.equal(err.message, `ClickPipe "orders" (${id}) is in state "Failed"; ClickPipes shows why in the pipe's Logs in the ClickHouse Cloud console; fix the cause and run \`pulumi up\` again, which starts the pipe again.`);
      assert.equal(err.id, id);
      assert.deepEqual(err.properties, { ...inputs(), clickPipeId: id, state: "Failed" });
    });

    it("stops waiting after waitTimeoutMinutes, keeping the pipe", async () => {
      fake.createStates = Array.from({ length: 20 }, () => "Provisioning");
      const err = await rejection(createClickPipe(inputs({ waitTimeoutMinutes: 1 }), deps));
      const id = [...fake.pipes.keys()][0];
      assert.equal(err.message, `ClickPipe "orders" (${id}) was still in state "Provisioning" after 1 minute (\`waitTimeoutMinutes\`); run \`pulumi up\` again to keep waiting, or raise \`waitTimeoutMinutes\`.`);
      assert.deepEqual(clock.sleeps, [10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
      assert.equal(err.properties?.state, "Provisioning");
    });

    it("creates a pipe meant to be stopped running, then stops it", async () => {
      fake.createStates = ["Running"];
      const { id, outs } = await createClickPipe(inputs({ stopped: true }), deps);
      assert.deepEqual(fake.calls(), [`POST ${PIPES}`, `GET ${PIPES}/${id}`, `PATCH ${PIPES}/${id}/state`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(fake.requests[2].body, { command: "stop" });
      assert.equal(outs.state, "Paused");
    });

    it("adopts the pipe a POST created before it failed with a 5xx, instead of creating a second one", async () => {
      fake.createStates = ["Running"];
      fake.script({ method: "POST", status: 502, body: "BAD_GATEWAY", passThrough: true });
      const { id } = await createClickPipe(inputs(), deps);
      assert.deepEqual(fake.calls(), [`POST ${PIPES}`, `GET ${PIPES}`, `GET ${PIPES}/${id}`]);
      assert.equal(fake.pipes.size, 1);
    });

    it("posts again, after checking, when a failed POST created nothing", async () => {
      fake.createStates = ["Running"];
      fake.script({ method: "POST", status: 503, body: "SERVICE_UNAVAILABLE" });
      const { id } = await createClickPipe(inputs(), deps);
      assert.deepEqual(fake.calls(), [`POST ${PIPES}`, `GET ${PIPES}`, `POST ${PIPES}`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(clock.sleeps, [1000]);
      assert.equal(fake.pipes.size, 1);
    });

    it("retries throttled and failing reads while it waits", async () => {
      fake.createStates = ["Running"];
      fake.script({ method: "GET", status: 429, body: "TOO_MANY_REQUESTS", headers: { "Retry-After": "2" } }, { method: "GET", status: 500, body: "INTERNAL" });
      const { outs } = await createClickPipe(inputs(), deps);
      assert.equal(outs.state, "Running");
      assert.deepEqual(clock.sleeps, [2000, 2000]);
    });
  });

  describe("read", () => {
    it("reports what the API holds, in the shape of the inputs", async () => {
      const { id, outs } = await created({ tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] });
      const pipe = fake.pipes.get(id);
      assert.ok(pipe);
      pipe.name = "renamed-in-console";
      pipe.state = "Paused";
      pipe.source.tableMappings = [{ ...ORDERS_MAPPING, tableEngine: "ReplacingMergeTree" }, { sourceSchemaName: "public", sourceTable: "audit", targetTable: "public_audit", tableEngine: "MergeTree" }];
      const read = await readClickPipe(id, outs, deps);
      assert.equal(read.id, id);
      assert.deepEqual(read.props, {
        ...outs,
        pipeName: "renamed-in-console",
        state: "Paused",
        // Only the fields the inputs set (the API's defaults would show as changes), and tables added by hand.
        tableMappings: [ORDERS_MAPPING, { sourceSchemaName: "public", sourceTable: "audit", targetTable: "public_audit" }],
      });
    });

    it("reports a pipe deleted outside Pulumi as gone", async () => {
      const { id, outs } = await created();
      fake.pipes.delete(id);
      assert.deepEqual(await readClickPipe(id, outs, deps), { id: "" });
    });
  });

  describe("update", () => {
    it("renames the pipe with a PATCH of the name alone", async () => {
      const { id, outs } = await created();
      const { outs: next } = await updateClickPipe(id, outs, inputs({ pipeName: "orders-cdc" }), deps);
      assert.deepEqual(fake.calls(), [`GET ${PIPES}/${id}`, `PATCH ${PIPES}/${id}`, `GET ${PIPES}/${id}`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(fake.requests[1].body, { name: "orders-cdc" });
      assert.deepEqual([next.pipeName, next.state, fake.pipes.get(id)?.name], ["orders-cdc", "Running", "orders-cdc"]);
    });

    it("updates a new endpoint in place", async () => {
      const { id, outs } = await created();
      await updateClickPipe(id, outs, inputs({ source: { ...postgresSource(), host: "orders-2.c1abcdefghij.eu-west-1.rds.amazonaws.com", port: 5433 } }), deps);
      assert.deepEqual(fake.requests[1].body, { source: { postgres: { host: "orders-2.c1abcdefghij.eu-west-1.rds.amazonaws.com", port: 5433 } } });
    });

    it("pauses a CDC pipe, adds and removes tables, and lets it run again", async () => {
      const { id, outs } = await created({ tableMappings: [ORDERS_MAPPING] });
      const { outs: next } = await updateClickPipe(id, outs, inputs({ tableMappings: [CUSTOMERS_MAPPING] }), deps);
      assert.deepEqual(fake.calls(), [
        `GET ${PIPES}/${id}`,
        `PATCH ${PIPES}/${id}/state`,
        `GET ${PIPES}/${id}`,
        `PATCH ${PIPES}/${id}`,
        `GET ${PIPES}/${id}`,
        `GET ${PIPES}/${id}`,
      ]);
      assert.deepEqual(fake.requests[1].body, { command: "stop" });
      assert.deepEqual(fake.requests[3].body, {
        source: { postgres: { tableMappingsToAdd: [{ sourceSchemaName: "public", sourceTable: "customers", tableEngine: "ReplacingMergeTree", targetTable: "public_customers" }], tableMappingsToRemove: [ORDERS_MAPPING] } },
      });
      // The API resumes the pipe itself after the edit (Modifying → Snapshot): no start is sent.
      assert.deepEqual([next.state, next.tableMappings], ["Snapshot", [CUSTOMERS_MAPPING]]);
      assert.deepEqual(fake.pipes.get(id)?.source.tableMappings, [{ sourceSchemaName: "public", sourceTable: "customers", tableEngine: "ReplacingMergeTree", targetTable: "public_customers" }]);
    });

    it("refuses to edit a snapshot-only pipe that has completed, before any change (as the Terraform provider)", async () => {
      fake.createStates = ["Snapshot", "Completed"];
      const snapshot = { source: postgresSource({ replicationMode: "snapshot" }) };
      const { id, outs } = await createClickPipe(inputs(snapshot), deps);
      assert.equal(outs.state, "Snapshot");
      fake.requests.length = 0;
      const err = await rejection(updateClickPipe(id, outs, inputs({ ...snapshot, tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] }), deps));
      assert.equal(err.message, `ClickPipe "orders" (${id}) has completed its initial load, and ClickPipes changes such a pipe only by a resync; set a new \`resyncTrigger\`, or replace the pipe.`);
      assert.deepEqual(fake.calls(), [`GET ${PIPES}/${id}`]);
      assert.deepEqual([err.properties?.state, err.properties?.tableMappings], ["Completed", [ORDERS_MAPPING]]);
      const { outs: resynced } = await updateClickPipe(id, { ...outs, state: "Completed" }, inputs({ ...snapshot, resyncTrigger: "1" }), deps);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body), [{ command: "resync" }]);
      assert.equal(resynced.state, "Snapshot");
    });

    it("pauses and tries once more when the API wants a pause it was not expected to", async () => {
      const { id, outs } = await created();
      fake.script({ method: "PATCH", path: new RegExp(`${id}$`), status: 400, body: "BAD_REQUEST: Postgres ClickPipe must be paused to edit" });
      const { outs: next } = await updateClickPipe(id, outs, inputs({ pipeName: "orders-2" }), deps);
      assert.deepEqual(
        fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body),
        [{ name: "orders-2" }, { command: "stop" }, { name: "orders-2" }, { command: "start" }],
      );
      assert.equal(next.state, "Running");
    });

    it("stops the pipe, and starts it again", async () => {
      const { id, outs } = await created();
      const { outs: stopped } = await updateClickPipe(id, outs, inputs({ stopped: true }), deps);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body), [{ command: "stop" }]);
      assert.equal(stopped.state, "Paused");
      fake.requests.length = 0;
      const { outs: running } = await updateClickPipe(id, stopped, inputs({ stopped: false }), deps);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body), [{ command: "start" }]);
      assert.equal(running.state, "Running");
    });

    it("starts a failed pipe on the next up, reading it once before the start", async () => {
      const { id, outs: failed } = await createdThenIn("Failed");
      assert.equal(diffClickPipe(failed, inputs()).changes, true);
      const { outs: next } = await updateClickPipe(id, failed, inputs(), deps);
      assert.deepEqual(fake.calls(), [`GET ${PIPES}/${id}`, `PATCH ${PIPES}/${id}/state`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(fake.requests[1].body, { command: "start" });
      assert.equal(next.state, "Running");
    });

    it("takes 'already running' for a start the API's own resume overtook", async () => {
      // Paused when read, running by the time the start arrives.
      const { id, outs } = await createdThenIn("Paused", ["Paused", "Running"]);
      fake.script({ method: "PATCH", path: /\/state$/, status: 400, body: "BAD_REQUEST: ClickPipe is already running" });
      const { outs: next } = await updateClickPipe(id, outs, inputs(), deps);
      assert.deepEqual(fake.calls(), [`GET ${PIPES}/${id}`, `PATCH ${PIPES}/${id}/state`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(fake.requests[1].body, { command: "start" });
      assert.deepEqual(fake.unusedScript, [], "the start was answered 'already running'");
      assert.equal(next.state, "Running");
    });

    it("resyncs when resyncTrigger changes, and only then", async () => {
      const { id, outs } = await created();
      const { outs: next } = await updateClickPipe(id, outs, inputs({ resyncTrigger: "2026-11-02" }), deps);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.body), [{ command: "resync" }]);
      assert.equal(next.resyncTrigger, "2026-11-02");
      fake.requests.length = 0;
      await updateClickPipe(id, next, inputs({ resyncTrigger: "2026-11-02" }), deps);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH"), []);
    });

    it("keeps the old values as state when the PATCH fails, so the next up tries again, and resumes a pipe it paused", async () => {
      const { id, outs } = await created();
      fake.script({ method: "PATCH", path: new RegExp(`${id}$`), status: 400, body: "BAD_REQUEST: Table public.customers does not exist in publication clickpipes_iam_user_publication" });
      const news = inputs({ tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING], apiKeyId: outs.apiKeyId });
      const err = await rejection(updateClickPipe(id, outs, news, deps));
      assert.equal(err.message, `ClickHouse Cloud API PATCH /v1${PIPES}/${id} failed with HTTP 400: BAD_REQUEST: Table public.customers does not exist in publication clickpipes_iam_user_publication`);
      assert.deepEqual(err.properties?.tableMappings, [ORDERS_MAPPING]);
      assert.equal(diffClickPipe(err.properties as ClickPipeOutputs, news).changes, true);
      assert.deepEqual(fake.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/state")).map((r) => r.body), [{ command: "stop" }, { command: "start" }]);
    });
  });

  describe("diff", () => {
    const base = (): ClickPipeOutputs => ({ ...pipeInputs(fake), clickPipeId: "id", state: "Running" });

    it("has no changes when nothing changed and the pipe runs", () => {
      assert.deepEqual(diffClickPipe(base(), pipeInputs(fake)), { changes: false, replaces: [], deleteBeforeReplace: true });
    });

    for (const [what, change, replaces] of [
      ["the pipe's name", { pipeName: "x" }, []],
      ["the endpoint", { source: { ...postgresSource(), host: "other.rds.amazonaws.com" } }, []],
      ["the PostgreSQL database", { source: { ...postgresSource(), database: "sales" } }, []],
      ["the database user", { source: { ...postgresSource(), credentials: { username: "other_user" } } }, []],
      ["the tables", { tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] }, []],
      ["the API key", { apiKeyId: "rotated", apiKeySecret: "rotated-secret" }, []],
      ["stopped", { stopped: true }, []],
      ["the source type (RDS to Aurora)", { source: { ...postgresSource(), type: "aurorapostgres" } }, ["source"]],
      ["the PostgreSQL role ARN (no iamRole in ClickPipePatchPostgresSource)", { source: { ...postgresSource(), iamRole: "arn:aws:iam::123456789012:role/other" } }, ["source"]],
      ["the replication mode", { source: postgresSource({ replicationMode: "snapshot" }) }, ["source"]],
      ["the publication", { source: postgresSource({ replicationMode: "cdc", publicationName: "other_pub" }) }, ["source"]],
      ["the destination database", { destinationDatabase: "analytics" }, ["destinationDatabase"]],
      ["the service", { serviceId: "11111111-1111-4111-8111-111111111111" }, ["serviceId"]],
    ] as Array<[string, Partial<ClickPipeInputs>, string[]]>) {
      it(`${replaces.length === 0 ? "updates" : "replaces"} for ${what}`, () => {
        assert.deepEqual(diffClickPipe(base(), pipeInputs(fake, change)), { changes: true, replaces, deleteBeforeReplace: true });
      });
    }

    it("updates a MySQL pipe's role in place (ClickPipePatchMySQLSource has iamRole) but replaces it for a new mechanism", () => {
      const olds: ClickPipeOutputs = { ...pipeInputs(fake, { source: mysqlSource() }), clickPipeId: "id", state: "Running" };
      assert.deepEqual(diffClickPipe(olds, pipeInputs(fake, { source: { ...mysqlSource(), iamRole: "arn:aws:iam::123456789012:role/other" } })).replaces, []);
      assert.deepEqual(diffClickPipe(olds, pipeInputs(fake, { source: { ...mysqlSource(), settings: { replicationMode: "cdc", replicationMechanism: "FILE_POS" } } })).replaces, ["source"]);
    });

    it("at a preview, counts a value not known yet as a change, and as a replacement where one could need it", () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      assert.deepEqual(diffClickPipe(base(), { ...pipeInputs(fake), source: unknown as never }), { changes: true, replaces: ["source"], deleteBeforeReplace: true });
      assert.deepEqual(diffClickPipe(base(), pipeInputs(fake, { source: { ...postgresSource(), iamRole: unknown } })).replaces, ["source"]);
      assert.deepEqual(diffClickPipe(base(), pipeInputs(fake, { source: { ...postgresSource(), host: unknown } })), { changes: true, replaces: [], deleteBeforeReplace: true });
      assert.deepEqual(diffClickPipe(base(), pipeInputs(fake, { tableMappings: unknown as never })).replaces, []);
    });

    it("has changes when the pipe was last seen failed or paused against the wish", () => {
      assert.equal(diffClickPipe({ ...base(), state: "Failed" }, pipeInputs(fake)).changes, true);
      assert.equal(diffClickPipe({ ...base(), state: "Paused" }, pipeInputs(fake)).changes, true);
      assert.equal(diffClickPipe({ ...base(), state: "Paused" }, pipeInputs(fake, { stopped: true })).replaces.length, 0);
      assert.equal(diffClickPipe({ ...base(), state: "Snapshot" }, pipeInputs(fake)).changes, false);
    });
  });

  describe("check", () => {
    it("refuses an edit of an existing table's mapping, which the API cannot make", () => {
      const { failures } = checkClickPipe(pipeInputs(fake), pipeInputs(fake, { tableMappings: [{ ...ORDERS_MAPPING, targetTable: "orders_v2", tableEngine: "MergeTree" }] }));
      assert.deepEqual(failures, [
        {
          property: "tableMappings",
          reason: '`tableMappings` changes `tableEngine`, `targetTable` of source table "public.orders", which ClickPipes cannot edit on an existing mapping; remove the mapping and run `pulumi up`, then add it back changed (ClickPipes loads the table again).',
        },
      ]);
    });

    it("refuses a source table mapped twice, on create too", () => {
      const { failures } = checkClickPipe({}, pipeInputs(fake, { tableMappings: [ORDERS_MAPPING, { ...ORDERS_MAPPING, targetTable: "again" }] }));
      assert.deepEqual(failures, [{ property: "tableMappings", reason: '`tableMappings` lists source table "public.orders" twice; map each source table once.' }]);
    });

    it("checks nothing it cannot know yet (a preview)", () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      assert.deepEqual(checkClickPipe(pipeInputs(fake), { ...pipeInputs(fake), tableMappings: unknown as never }).failures, []);
      assert.deepEqual(checkClickPipe(pipeInputs(fake), pipeInputs(fake, { tableMappings: [{ ...ORDERS_MAPPING, targetTable: unknown }] })).failures, []);
    });
  });

  describe("delete", () => {
    it("deletes the pipe and waits until the API no longer has it", async () => {
      const { id, outs } = await created();
      await deleteClickPipe(id, outs, deps);
      assert.deepEqual(fake.calls(), [`DELETE ${PIPES}/${id}`, `GET ${PIPES}/${id}`]);
      assert.equal(fake.pipes.size, 0);
    });

    it("takes a pipe that is gone already as deleted", async () => {
      const { id, outs } = await created();
      fake.pipes.delete(id);
      await deleteClickPipe(id, outs, deps);
      assert.deepEqual(fake.calls(), [`DELETE ${PIPES}/${id}`]);
    });

    it("waits while the API still lists a deleted pipe", async () => {
      const { id, outs } = await created();
      fake.script({ method: "GET", status: 200, body: { id, state: "Stopping" } });
      await deleteClickPipe(id, outs, deps);
      assert.deepEqual(fake.calls(), [`DELETE ${PIPES}/${id}`, `GET ${PIPES}/${id}`, `GET ${PIPES}/${id}`]);
      assert.deepEqual(clock.sleeps, [10_000]);
    });
  });

  describe("the API key", () => {
    it("never appears in an error, in what is written to the console, or in the request bodies", async () => {
      const written: string[] = [];
      const streams = [process.stdout, process.stderr] as const;
      const originals = streams.map((s) => s.write.bind(s));
      const logs = ["log", "info", "warn", "error", "debug"] as const;
      const consoleOriginals = logs.map((l) => console[l]);
      streams.forEach((s) => {
        s.write = ((chunk: unknown, ...rest: unknown[]) => {
          written.push(String(chunk));
          return (originals[streams.indexOf(s)] as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof s.write;
      });
      logs.forEach((l) => {
        console[l] = (...a: unknown[]) => void written.push(a.map(String).join(" "));
      });
      const errors: string[] = [];
      try {
        fake.echoAuthorization = true;
        fake.createStates = ["Failed"];
        for (const attempt of [
          () => createClickPipe(inputs(), deps),
          () => createClickPipe(inputs({ apiKeySecret: WRONG_SECRET }), deps),
          () => updateClickPipe([...fake.pipes.keys()][0] ?? "x", { ...inputs(), clickPipeId: "x", state: "Running" }, inputs({ apiKeySecret: WRONG_SECRET }), deps),
          () => deleteClickPipe("missing", { ...inputs(), clickPipeId: "x", state: "Running", apiKeySecret: WRONG_SECRET }, deps),
        ]) {
          const err = await rejection(attempt());
          errors.push(err.message, String(err.stack));
        }
      } finally {
        streams.forEach((s, i) => (s.write = originals[i] as typeof s.write));
        logs.forEach((l, i) => (console[l] = consoleOriginals[i]));
      }
      assert.equal(errors.length, 8);
      assert.match(errors[2], /got Basic \[secret\]/, "the wrong key's 401 was seen");
      for (const text of [...errors, ...written, ...fake.requests.map((r) => String(JSON.stringify(r.body)))]) {
        for (const secret of [TEST_KEY_SECRET, WRONG_SECRET]) assert.ok(!text.includes(secret), `the key secret leaked: ${text}`);
      }
    });
  });
});
