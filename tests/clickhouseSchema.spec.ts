/**
 * The request schema (components/clickhouse/clickpipeRequest.schema.json), the fake server's
 * validator of it, and the requests this package builds: every body it can send conforms.
 */
import { strict as assert } from "assert";
import { clickPipeSource } from "../components/clickpipe";
import { ClickPipeInputs, createRequest, patchRequest } from "../components/clickhouse/clickPipeSpec";
import type { Deployment, Engine } from "../components/engines";
import { CUSTOMERS_MAPPING, FakeClickHouseApi, ORDERS_MAPPING, REQUEST_SCHEMA, mysqlSource, pipeInputs, postgresSource, validateJson, validateRequest } from "./support/clickhouseApi";

describe("ClickPipes request schema", () => {
  const fake = new FakeClickHouseApi();
  const inputs = (o: Partial<ClickPipeInputs> = {}) => pipeInputs(fake, o);

  it("is JSON Schema 2020-12 and names the OpenAPI document it was taken from", () => {
    const doc = REQUEST_SCHEMA as unknown as Record<string, string>;
    assert.equal(doc.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.match(doc.description, /OpenAPI spec for ClickHouse Cloud', info\.version 1\.0/);
    assert.deepEqual(Object.keys(REQUEST_SCHEMA.$defs).sort(), [
      "IamCredentials", "MySqlPatch", "MySqlSource", "PatchRequest", "PostRequest", "PostgresPatch", "PostgresSource", "RemoveTableMapping", "StatePatchRequest", "TableMapping",
    ]);
  });

  describe("the validator", () => {
    const root = { $defs: { N: { type: "integer" as const, minimum: 1, maximum: 3 } } };

    it("checks type, enum, required, additionalProperties, min/maxProperties, items, minItems, lengths, bounds and $ref", () => {
      const s = {
        type: "object" as const,
        required: ["a"],
        additionalProperties: false,
        maxProperties: 3,
        properties: { a: { enum: ["x", "y"] }, b: { type: "array" as const, minItems: 1, items: { $ref: "#/$defs/N" } }, c: { type: "string" as const, minLength: 2, maxLength: 3 } },
      };
      assert.deepEqual(validateJson(s, { a: "x", b: [1, 3], c: "ab" }, root), []);
      assert.deepEqual(validateJson(s, { b: [0, 4, "2"], c: "a", d: 1, e: 2 }, root), [
        '$: missing required property "a"',
        "$: more than 3 properties",
        "$.b[0]: below 1",
        "$.b[1]: above 3",
        "$.b[2]: expected integer, got string",
        "$.c: shorter than 2",
        '$: unknown property "d"',
        '$: unknown property "e"',
      ]);
      assert.deepEqual(validateJson(s, { a: "z", b: [] }, root), ['$.a: "z" is not one of "x", "y"', "$.b: fewer than 1 items"]);
      assert.deepEqual(validateJson({ type: "object", minProperties: 1 }, {}, root), ["$: fewer than 1 properties"]);
      assert.deepEqual(validateJson(s, [], root), ["$: expected object, got array"]);
    });

    it("refuses a schema keyword it does not implement, instead of passing everything", () => {
      assert.throws(() => validateJson({ pattern: "^a" } as never, "b", root), { message: 'The validator does not implement keyword "pattern" (at $).' });
      assert.throws(() => validateJson({ $ref: "#/$defs/Missing" }, 1, root), { message: "Unresolvable $ref #/$defs/Missing." });
    });
  });

  describe("the create body", () => {
    const cases: Array<[Engine, Deployment, boolean]> = [];
    for (const [engine, deployments] of [["postgres", ["rds", "aurora"]], ["mysql", ["rds", "aurora"]], ["mariadb", ["rds"]]] as Array<[Engine, Deployment[]]>) {
      for (const deployment of deployments) for (const cdc of [false, true]) cases.push([engine, deployment, cdc]);
    }

    for (const [engine, deployment, cdc] of cases) {
      it(`conforms for ${engine} on ${deployment}, ${cdc ? "CDC" : "snapshot"}, as the component builds the source`, () => {
        const source = clickPipeSource({
          engine,
          deployment,
          host: "db.c1abcdefghij.eu-west-1.rds.amazonaws.com",
          port: engine === "postgres" ? 5432 : 3306,
          database: "orders",
          username: "clickpipes_iam_user",
          roleArn: "arn:aws:iam::123456789012:role/orders-role",
          cdc,
          publicationName: "clickpipes_pub",
        });
        assert.deepEqual(validateRequest("PostRequest", createRequest(inputs({ source, tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] }))), []);
      });
    }

    it("is refused with a password, a lower-case authentication, or no tables", () => {
      const body = createRequest(inputs()) as { source: { postgres: Record<string, unknown> } };
      body.source.postgres.credentials = { username: "u", password: "p" };
      body.source.postgres.authentication = "iam_role";
      body.source.postgres.tableMappings = [];
      assert.deepEqual(validateRequest("PostRequest", body), [
        '$.source.postgres.authentication: "iam_role" is not one of "basic", "IAM_ROLE"',
        '$.source.postgres.credentials: unknown property "password"',
        "$.source.postgres.tableMappings: fewer than 1 items",
      ]);
    });
  });

  describe("the update body", () => {
    it("conforms for every in-place change, PostgreSQL and MySQL", () => {
      const olds = inputs();
      const pgChanges: Array<Partial<ClickPipeInputs>> = [
        { pipeName: "renamed" },
        { source: { ...postgresSource(), host: "h2", port: 6432, database: "d2", credentials: { username: "u2" } } },
        { tableMappings: [CUSTOMERS_MAPPING] },
        { pipeName: "r", tableMappings: [ORDERS_MAPPING, CUSTOMERS_MAPPING] },
      ];
      for (const change of pgChanges) assert.deepEqual(validateRequest("PatchRequest", patchRequest(olds, inputs(change))), [], JSON.stringify(change));
      const my = inputs({ source: mysqlSource() });
      const body = patchRequest(my, inputs({ source: { ...mysqlSource(), iamRole: "arn:aws:iam::123456789012:role/r2", port: 3307 }, tableMappings: [] }));
      assert.deepEqual(body, {
        source: { mysql: { port: 3307, iamRole: "arn:aws:iam::123456789012:role/r2", tableMappingsToRemove: [ORDERS_MAPPING] } },
      });
      assert.deepEqual(validateRequest("PatchRequest", body), []);
    });

    it("is undefined when nothing the API holds changed", () => {
      assert.equal(patchRequest(inputs(), inputs({ stopped: true, apiKeySecret: "rotated", waitTimeoutMinutes: 5 })), undefined);
    });
  });

  it("takes the three state commands and nothing else", () => {
    for (const command of ["start", "stop", "resync"]) assert.deepEqual(validateRequest("StatePatchRequest", { command }), []);
    assert.deepEqual(validateRequest("StatePatchRequest", { action: "stop" }), ['$: missing required property "command"', '$: unknown property "action"']);
  });
});
