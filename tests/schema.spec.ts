/**
 * provider/schema.json (scripts/schema.ts): generated from the code, so a change to the component's
 * arguments, outputs or their types that is not regenerated fails here; and what the generation
 * promises: descriptions everywhere, secrets marked, the component's inputs exactly its arguments,
 * plain where the component needs plain values, closed sets as enums of the code's constants.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ARG_TYPES } from "../components/args";
import { CDC_CHECK_MODES } from "../components/cdcArgs";
import { REPLICATION_MECHANISMS } from "../components/checks/readiness";
import { Deployment, ENGINES, PIPE_MODES, clickPipeSourceType } from "../components/engines";
import {
  CUSTOM_RESOURCES_PATH,
  PLUGIN_DOWNLOAD_URL,
  PackageSchema,
  SCHEMA_PATH,
  SchemaProperty,
  driftMessage,
  generateSchemaText,
  jsonDifferences,
  reflow,
  schemaProblems,
  token,
} from "../scripts/schema";

const COMPONENT = token("ClickPipesRdsIamAccess");
const MARIADB_IAM_USER = token("MariaDbIamUser");
const IAM_AUTH_ENABLEMENT = token("IamAuthEnablement");
const CLICK_PIPE = token("ClickPipe");
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

describe("provider/schema.json", function () {
  // One generation for the whole file: the analyzer compiles the project (about 6 s).
  this.timeout(120_000);
  const committedText = fs.readFileSync(SCHEMA_PATH, "utf8");
  const schema = JSON.parse(committedText) as PackageSchema;
  const component = schema.resources[COMPONENT];
  const inputs = (component?.inputProperties ?? {}) as Record<string, SchemaProperty>;
  const outputs = (component?.properties ?? {}) as Record<string, SchemaProperty>;
  let generatedText: string;

  before(() => {
    generatedText = generateSchemaText();
  });

  it("is what `npm run schema` generates from the code", () => {
    const drift = driftMessage(committedText, generatedText);
    assert.equal(drift, undefined, drift);
  });

  it("has the package's name, the plugin's version, and the plugin's Git download URL", () => {
    assert.equal(schema.name, "clickpipes-rds-iam");
    assert.equal(schema.version, readJson<{ version: string }>(path.join(path.dirname(SCHEMA_PATH), "package.json")).version);
    assert.equal(schema.pluginDownloadURL, PLUGIN_DOWNLOAD_URL);
    assert.match(schema.pluginDownloadURL, /^git:\/\/github\.com\/[^/]+\/[^/]+\/provider$/);
    for (const key of ["description", "displayName", "license", "repository"] as const) assert.ok(schema[key], `no ${key}`);
  });

  it("depends on the aws package at the version installed, for the role and the instance or cluster", () => {
    const aws = readJson<{ version: string }>(require.resolve("@pulumi/aws/package.json"));
    assert.deepEqual(schema.dependencies, [{ name: "aws", version: aws.version }]);
    assert.equal(inputs.instance.$ref, `/aws/v${aws.version}/schema.json#/resources/aws:rds%2Finstance:Instance`);
    assert.equal(outputs.role.$ref, `/aws/v${aws.version}/schema.json#/resources/aws:iam%2Frole:Role`);
  });

  it("lists the component and the custom resources, the latter as written in customResources.schema.json", () => {
    const custom = readJson<{ resources: Record<string, { required?: string[]; requiredInputs?: string[] }> }>(CUSTOM_RESOURCES_PATH);
    assert.deepEqual(Object.keys(schema.resources).sort(), [COMPONENT, ...Object.keys(custom.resources)].sort());
    assert.deepEqual(Object.keys(custom.resources).sort(), [CLICK_PIPE, IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER]);
    assert.equal(component.isComponent, true);
    for (const [tok, r] of Object.entries(custom.resources)) {
      const sorted = { ...r, required: r.required && [...r.required].sort(), requiredInputs: r.requiredInputs && [...r.requiredInputs].sort() };
      assert.deepEqual(jsonDifferences(schema.resources[tok], sorted), [], tok);
    }
  });

  it("describes every resource, type and property", () => {
    assert.deepEqual(schemaProblems(schema), []);
    let count = 0;
    for (const [tok, r] of Object.entries(schema.resources)) {
      for (const [name, p] of Object.entries({ ...r.inputProperties, ...r.properties })) {
        assert.ok(p.description?.trim(), `${tok}.${name} has no description`);
        count++;
      }
    }
    for (const [tok, t] of Object.entries(schema.types)) for (const [name, p] of Object.entries(t.properties ?? {})) assert.ok(p.description?.trim(), `${tok}.${name} has no description`);
    assert.ok(count > Object.keys(ARG_TYPES).length);
  });

  it("keeps the @default tags in the descriptions, and undoes the source's line wrapping", () => {
    assert.match(inputs.createDbUser.description ?? "", /\n\nDefault: true\.$/);
    assert.match(inputs.dbUsername.description ?? "", /\n\nDefault: "clickpipes_iam_user"\.$/);
    const cdc = inputs.cdc.description ?? "";
    assert.match(cdc, /\n\nDefault: false\.$/);
    assert.doesNotMatch(cdc.replace(/\n\nDefault: false\.$/, ""), /\n/, "a wrapped line of the comment");
    assert.equal(reflow("one\n two\n\n- a\n- b"), "one two\n\n- a\n- b");
  });

  it("marks the secrets secret: the admin passwords and the ClickHouse API key secret", () => {
    const secretArgs = Object.entries(ARG_TYPES)
      .filter(([, t]) => t.type === "input-string" && t.secret === true)
      .map(([k]) => k);
    assert.deepEqual(secretArgs, ["adminPassword"]);
    // And, as a whole, the argument whose type holds the API key secret: generated SDKs do not
    // make a nested property secret.
    assert.deepEqual(
      Object.entries(inputs)
        .filter(([, p]) => p.secret === true)
        .map(([k]) => k),
      [...secretArgs, "clickhouseService"],
    );
    const pipe = schema.resources[token("ClickPipe")];
    assert.equal(pipe.inputProperties?.service.secret, true);
    assert.equal(schema.types[token("ClickHouseService")].properties?.apiKeySecret.secret, true);
    const user = schema.resources[MARIADB_IAM_USER];
    assert.equal(user.inputProperties?.adminPassword.secret, true);
    assert.equal(user.properties?.adminPassword.secret, true);
  });

  it("takes exactly the component's arguments (ARG_TYPES), engine alone required", () => {
    assert.deepEqual(Object.keys(inputs).sort(), Object.keys(ARG_TYPES).sort());
    assert.deepEqual(component.requiredInputs, ["engine"]);
  });

  it("marks plain every argument the component needs as a plain value, and only those", () => {
    // ARG_TYPES says what the component accepts at run time: an Output only where it is "input-string" or "tags".
    for (const [name, t] of Object.entries(ARG_TYPES)) {
      // clickhouseService is secret as a whole, so an SDK sends it as one secret Output, which the
      // plugin splits into the object of Inputs the component takes (provider/construct.ts).
      const plain = t.type !== "input-string" && t.type !== "tags" && name !== "clickhouseService";
      assert.equal(inputs[name].plain === true, plain, `${name} (${t.type}) should ${plain ? "" : "not "}be plain`);
    }
    for (const name of ["engine", "dbUsername", "schemas", "databases", "cdc", "createDbUser", "enableIamAuth"]) assert.equal(inputs[name].plain, true, name);
  });

  it("outputs the role, the user, the endpoint, the ClickPipe source, the pipe modes and the setup SQL", () => {
    const want: Record<string, SchemaProperty> = {
      roleArn: { type: "string" },
      roleName: { type: "string" },
      dbUserArn: { type: "string" },
      resourceId: { type: "string" },
      host: { type: "string" },
      port: { type: "integer" },
      dbUsername: { type: "string" },
      clickPipeSource: { $ref: `#/types/${token("ClickPipeSource")}` },
      pipeModes: { type: "array", items: { $ref: `#/types/${token("PipeMode")}` } },
      setupSql: { type: "string" },
    };
    for (const [name, shape] of Object.entries(want)) {
      const { description: _d, ...actual } = outputs[name] ?? {};
      assert.deepEqual(actual, shape, name);
      assert.ok(component.required?.includes(name), `${name} is not required`);
    }
    const source = schema.types[token("ClickPipeSource")];
    assert.deepEqual(Object.keys(source.properties ?? {}).sort(), ["authentication", "credentials", "database", "host", "iamRole", "port", "settings", "type"]);
    assert.equal(source.properties?.type.$ref, `#/types/${token("ClickPipeSourceType")}`);
  });

  it("has the closed sets as enums of the code's constants", () => {
    const values = (name: string): unknown[] => (schema.types[token(name)]?.enum ?? []).map((m) => m.value);
    assert.equal(inputs.engine.$ref, `#/types/${token("Engine")}`);
    assert.deepEqual(values("Engine"), [...ENGINES]);
    assert.deepEqual(values("CdcCheckMode"), [...CDC_CHECK_MODES]);
    assert.deepEqual(values("ReplicationMechanism"), [...REPLICATION_MECHANISMS]);
    assert.deepEqual(values("PipeMode"), [...PIPE_MODES]);
    const sourceTypes = new Set(ENGINES.flatMap((e) => Object.values(Deployment).filter((d) => e !== "mariadb" || d === "rds").map((d) => clickPipeSourceType(e, d))));
    assert.deepEqual(values("ClickPipeSourceType").sort(), [...sourceTypes].sort());
  });

  describe("drift", () => {
    it("names what differs and says to run `npm run schema`", () => {
      const edited = JSON.parse(committedText) as PackageSchema;
      delete edited.resources[COMPONENT].inputProperties?.tlsCa;
      edited.version = "0.0.0";
      const message = driftMessage(JSON.stringify(edited, null, 2) + "\n", committedText) ?? "";
      assert.match(message, /run `npm run schema`/);
      assert.match(message, /\$\.version: differs/);
      assert.match(message, new RegExp(`\\$\\.resources\\.${COMPONENT}\\.inputProperties\\.tlsCa: only in the code`));
      assert.match(driftMessage(committedText.trimEnd(), committedText) ?? "", /written differently/);
    });

    it("finds a missing description, a missing type, a {@link} the analyzer garbled and a type named ...Args", () => {
      const problems = schemaProblems({
        resources: { [COMPONENT]: { description: "c", inputProperties: { a: { type: "string" }, b: { $ref: "#/types/x:index:Gone", description: "b" } } } },
        types: {
          "x:index:T": { type: "object", properties: { c: { type: "string", description: "see [object Object]" } } },
          "x:index:ServiceArgs": { type: "object", description: "d" },
        },
      });
      assert.deepEqual(problems, [
        `${COMPONENT} input a has no description`,
        `${COMPONENT} input b refers to #/types/x:index:Gone, which is not in the schema`,
        "type x:index:T has no description",
        "type x:index:T property c's description has a {@link} the analyzer cannot read",
        'type x:index:ServiceArgs ends in "Args", which the SDKs of other languages add to input types themselves (ServiceArgsArgs)',
      ]);
    });
  });
});
