import { strict as assert } from "assert";
import { ProjectConfig, applyProjectConfig } from "../scripts/projectConfig";
import { parseStackFile } from "../scripts/stackFile";

/** A project with one key of each kind the CLI treats differently. */
const PROJECT: ProjectConfig = {
  name: "demo",
  config: {
    engine: { type: "string" },
    region: { type: "string" },
    cdc: { type: "boolean", default: false },
    hours: { type: "integer", default: 0 },
    schemas: { type: "array", items: { type: "string" }, default: [] },
    token: { type: "string", secret: true },
    "aws:region": { type: "string" },
  },
};

function stack(config: string): ReturnType<typeof parseStackFile> {
  return parseStackFile(`config:\n${config}`, "Pulumi.dev.yaml");
}

const BASE = "  demo:engine: postgres\n  demo:region: eu-west-1\n  demo:token:\n    secure: AAAB\n";

describe("projectConfig: the Pulumi CLI's project config rules, offline", () => {
  it("fills in the defaults of the keys the stack leaves out, as the CLI passes them", () => {
    const applied = applyProjectConfig(PROJECT, "dev", stack(BASE));
    assert.deepEqual(applied.config, {
      "demo:engine": "postgres",
      "demo:region": "eu-west-1",
      "demo:token": "offline-plan-placeholder-secret",
      "demo:cdc": "false",
      "demo:hours": "0",
      "demo:schemas": "[]",
    });
    assert.deepEqual(applied.secretKeys, ["demo:token"]);
  });

  it("lists the required keys of the project's namespace the stack lacks, as the CLI words it", () => {
    assert.throws(() => applyProjectConfig(PROJECT, "dev", stack("  demo:cdc: true\n")), {
      message: "Stack 'dev' is missing configuration values 'engine', 'region' and 'token'",
    });
    assert.throws(() => applyProjectConfig(PROJECT, "dev", stack("  demo:engine: postgres\n  demo:token:\n    secure: x\n")), { message: "Stack 'dev' is missing configuration value 'region'" });
  });

  it("checks each declared key's type, scalars as the strings the stack holds", () => {
    const cases: Array<[string, string]> = [
      ["  demo:cdc: yes\n", "Stack 'dev' with configuration key 'cdc' must be of type 'boolean'"],
      ["  demo:hours: 1.5\n", "Stack 'dev' with configuration key 'hours' must be of type 'integer'"],
      ["  demo:schemas: public\n", "Stack 'dev' with configuration key 'schemas' must be of type 'array<string>'"],
      ["  demo:schemas: [1]\n", "Stack 'dev' with configuration key 'schemas' must be of type 'array<string>'"],
      ["  demo:region: [eu-west-1]\n", "Stack 'dev' with configuration key 'region' must be of type 'string'"],
    ];
    for (const [line, message] of cases) {
      assert.throws(() => applyProjectConfig(PROJECT, "dev", stack(BASE.replace("  demo:region: eu-west-1\n", line.startsWith("  demo:region") ? line : `  demo:region: eu-west-1\n${line}`))), { message }, line);
    }
    assert.equal(applyProjectConfig(PROJECT, "dev", stack(`${BASE}  demo:cdc: true\n  demo:hours: 72\n  demo:schemas: [a, b]\n`)).config["demo:hours"], "72");
  });

  it("requires a `secret: true` key to be encrypted in the stack", () => {
    assert.throws(() => applyProjectConfig(PROJECT, "dev", stack(BASE.replace("  demo:token:\n    secure: AAAB\n", "  demo:token: plain\n"))), {
      message: "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    });
  });

  it("lets keys the project does not declare through, as the CLI does", () => {
    assert.equal(applyProjectConfig(PROJECT, "dev", stack(`${BASE}  demo:other: x\n`)).config["demo:other"], "x");
  });
});
