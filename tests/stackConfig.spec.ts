import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { STACK_CONFIG_KEYS, StackConfigSource, argsFromConfig, plainTextSecretMessage, stackConfigSource } from "../components/stackConfig";
import { ARG_TYPES } from "../components/args";
import { plan } from "../scripts/plan";
import { applyProjectConfig, readProjectConfig } from "../scripts/projectConfig";
import { ProgramError, runProgram } from "../scripts/runProgram";
import { StackFile, parseStackFile, renameProject } from "../scripts/stackFile";
import { cloud, installMocks, valueOf } from "./support/mocks";

const REPO = path.resolve(__dirname, "..");
const ROLE = "arn:aws:iam::111122223333:role/ch";

/** Stack config as the Pulumi CLI hands it to the program: the given keys over Pulumi.yaml's defaults. */
function asCliPasses(given: Record<string, unknown>, secret: readonly string[] = []): StackConfigSource {
  const values: Record<string, string> = {};
  for (const [key, spec] of Object.entries(STACK_CONFIG_KEYS)) {
    if ("default" in spec) values[key] = typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
  }
  for (const [key, value] of Object.entries(given)) values[key] = typeof value === "string" ? value : JSON.stringify(value);
  return { values, isSecret: (k) => secret.includes(k) };
}

describe("stackConfig", () => {
  describe("argsFromConfig", () => {
    it("passes the keys the stack sets, and leaves out those at their Pulumi.yaml default", async () => {
      const args = argsFromConfig(
        asCliPasses({ clickhouseRoleArn: ROLE, engine: "postgres", dbInstanceIdentifier: "orders", adminUsername: "admin", adminPassword: "pw", database: "orders" }, ["adminPassword"]),
      );
      const { adminPassword, ...rest } = args;
      assert.deepEqual(rest, { clickhouseRoleArn: ROLE, engine: "postgres", dbInstanceIdentifier: "orders", adminUsername: "admin", database: "orders" });
      assert.equal(await valueOf(adminPassword as pulumi.Output<string>), "pw");
      assert.equal(await pulumi.isSecret(adminPassword as pulumi.Output<string>), true);
    });

    it("reads each type as the component takes it: booleans, whole numbers and lists", () => {
      const args = argsFromConfig(
        asCliPasses({
          clickhouseRoleArn: ROLE,
          engine: "mariadb",
          dbInstanceIdentifier: "shop",
          databases: ["shop", "inventory"],
          cdc: "true",
          binlogRetentionHours: "96",
          createDbUser: "false",
          tlsVerify: "false",
          adoptExistingUser: "true",
          restoreIamAuthOnDelete: "true",
          applyPendingModifications: "true",
        }),
      );
      assert.deepEqual(args, {
        clickhouseRoleArn: ROLE,
        engine: "mariadb",
        dbInstanceIdentifier: "shop",
        databases: ["shop", "inventory"],
        cdc: true,
        binlogRetentionHours: 96,
        createDbUser: false,
        tlsVerify: false,
        adoptExistingUser: true,
        restoreIamAuthOnDelete: true,
        applyPendingModifications: true,
      });
    });

    it("passes another engine's keys on, for the component to refuse", () => {
      const args = argsFromConfig(asCliPasses({ clickhouseRoleArn: ROLE, engine: "mysql", dbClusterIdentifier: "shop", schemas: ["public"], database: "postgres" }));
      assert.deepEqual([args.schemas, args.database], [["public"], "postgres"]);
    });

    it("leaves a missing engine and role to the component's own messages", () => {
      assert.deepEqual(argsFromConfig({ values: {}, isSecret: () => false }), {});
    });

    it("refuses a key Pulumi.yaml does not declare, suggesting the one meant", () => {
      assert.throws(() => argsFromConfig(asCliPasses({ engine: "postgres", schema: ["public"] })), {
        name: "ValidationError",
        message: "`schema` is not a stack config key of this project (Pulumi.yaml declares them); use `schemas`.",
      });
      assert.throws(() => argsFromConfig(asCliPasses({ DbUsername: "x" })), {
        message: "`DbUsername` is not a stack config key of this project (Pulumi.yaml declares them); use `dbUsername` (config keys are case-sensitive).",
      });
      assert.throws(() => argsFromConfig(asCliPasses({ password: "x" })), {
        message: "`password` is not a stack config key of this project (Pulumi.yaml declares them); remove it.",
      });
    });

    it("refuses an adminPassword the stack holds in plain text", () => {
      assert.throws(() => argsFromConfig(asCliPasses({ adminUsername: "admin", adminPassword: "hunter2" })), {
        name: "ValidationError",
        message: "`adminPassword` is in plain text in the stack config; set it with `pulumi config set --secret adminPassword`, which stores it encrypted.",
      });
      assert.equal(plainTextSecretMessage("adminPassword").includes("hunter2"), false);
    });

    it("names the key of a value of the wrong type, from a reader that did not check it", () => {
      assert.throws(() => argsFromConfig(asCliPasses({ cdc: "yes" })), { message: '`cdc` "yes" is not a boolean; set it to true or false.' });
      assert.throws(() => argsFromConfig(asCliPasses({ binlogRetentionHours: "1.5" })), { message: '`binlogRetentionHours` "1.5" is not a whole number.' });
      assert.throws(() => argsFromConfig(asCliPasses({ schemas: "public" })), { message: '`schemas` "public" is not a list of strings; write it as a YAML list.' });
    });

    it("names only component arguments, each with the runtime type the component checks", () => {
      const compatible = { string: ["string", "input-string", "own"], boolean: ["boolean"], integer: ["number"], "string-list": ["string-list"] } as const;
      for (const [key, spec] of Object.entries(STACK_CONFIG_KEYS)) {
        const argType = ARG_TYPES[key as keyof typeof ARG_TYPES];
        assert.ok((compatible[spec.type] as readonly string[]).includes(argType.type), `${key}: ${spec.type} vs ${argType.type}`);
      }
    });
  });

  describe("stackConfigSource", () => {
    after(() => pulumi.runtime.setAllConfig({}, []));

    it("reads the project's namespace of the running program's config, and which keys are secret", () => {
      pulumi.runtime.setAllConfig({ "aws:region": "eu-west-1", "demo:engine": "postgres", "demo:adminPassword": "pw" }, ["demo:adminPassword"]);
      const source = stackConfigSource("demo");
      assert.deepEqual(source.values, { engine: "postgres", adminPassword: "pw" });
      assert.deepEqual([source.isSecret("adminPassword"), source.isSecret("engine")], [true, false]);
    });
  });

  describe("Pulumi.yaml", () => {
    const project = readProjectConfig(REPO);

    it("declares exactly the keys the program reads, with the same types and defaults", () => {
      const typeNames = { string: "string", boolean: "boolean", integer: "integer", "string-list": "array" } as const;
      const declared = Object.fromEntries(
        Object.entries(project.config).map(([k, d]) => [k, { type: d.type, ...(d.items === undefined ? {} : { items: d.items }), ...(d.default === undefined ? {} : { default: d.default }) }]),
      );
      const expected = Object.fromEntries(
        Object.entries(STACK_CONFIG_KEYS).map(([k, s]) => [
          k,
          { type: typeNames[s.type], ...(s.type === "string-list" ? { items: { type: "string" } } : {}), ...("default" in s ? { default: s.default } : {}) },
        ]),
      );
      assert.deepEqual(declared, expected);
    });

    it("marks no defaulted key `secret: true`, which the Pulumi CLI (3.202 and later) refuses for every stack that leaves it unset", () => {
      assert.deepEqual(
        Object.entries(project.config).filter(([, d]) => d.secret === true && d.default !== undefined),
        [],
      );
    });
  });
});

/** The repository's sample stack config with `edit` applied (keys without the project namespace). */
function sampleWith(edit: (config: Record<string, unknown>) => void): string {
  const doc = yaml.load(fs.readFileSync(path.join(REPO, "Pulumi.sample.yaml"), "utf8")) as { config: Record<string, unknown>; lookups: unknown };
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc.config)) config[k.replace(/^clickpipes-rds-iam:/, "")] = v;
  edit(config);
  const namespaced = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `clickpipes-rds-iam:${k}`, v]));
  return yaml.dump({ config: namespaced, lookups: doc.lookups });
}

/** The sample switched to engine mysql (with `databases`), keeping only the PostgreSQL keys in `kept`, then `extra` set. */
function mysqlKeeping(kept: string[], extra: Record<string, unknown> = {}): (c: Record<string, unknown>) => void {
  return (c) => {
    c.engine = "mysql";
    for (const key of ["database", "schemas"]) if (!kept.includes(key)) delete c[key];
    Object.assign(c, { databases: ["orders"], ...extra });
  };
}

/** Each mistake of issue 14, with the message both `pulumi up` and `npm run plan` end with. */
const MISTAKES: Array<{ what: string; edit: (c: Record<string, unknown>) => void; message: string; cliOnly?: boolean }> = [
  {
    what: "databases with engine postgres",
    edit: (c) => (c.databases = ["shop"]),
    message: '`databases` ["shop"] does not apply to engine "postgres"; remove it, since PostgreSQL uses `database` and `schemas`.',
  },
  {
    what: "schemas with engine mysql",
    edit: mysqlKeeping(["schemas"]),
    message: '`schemas` ["public","billing"] does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.',
  },
  {
    what: "database with engine mysql",
    edit: mysqlKeeping(["database"]),
    message: '`database` "orders" does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.',
  },
  {
    what: "a publication key with engine mysql",
    edit: mysqlKeeping([], { publicationName: "orders_pub" }),
    message: '`publicationName` "orders_pub" does not apply to engine "mysql"; remove it, since MySQL and MariaDB use `databases`.',
  },
  {
    what: "a misspelt key",
    edit: (c) => {
      c.schema = c.schemas;
      delete c.schemas;
    },
    message: "`schema` is not a stack config key of this project (Pulumi.yaml declares them); use `schemas`.",
  },
  {
    what: "a plain-text adminPassword",
    edit: (c) => (c.adminPassword = "hunter2"),
    message: "`adminPassword` is in plain text in the stack config; set it with `pulumi config set --secret adminPassword`, which stores it encrypted.",
  },
  {
    what: "an Aurora engine name",
    edit: (c) => (c.engine = "aurora-postgresql"),
    message: '`engine` "aurora-postgresql" is not supported; for an Aurora PostgreSQL cluster use "postgres" with `dbClusterIdentifier` (or `cluster`).',
  },
  {
    what: "a value of the wrong type (the Pulumi CLI's check)",
    edit: (c) => (c.cdc = "yes"),
    message: "Stack 'mistake' with configuration key 'cdc' must be of type 'boolean'",
    cliOnly: true,
  },
  {
    what: "a required key left out (the Pulumi CLI's check)",
    edit: (c) => delete c.engine,
    message: "Stack 'mistake' is missing configuration value 'engine'",
    cliOnly: true,
  },
];

describe("the project's stack config mistakes, under `pulumi up` and `npm run plan`", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "clickpipes-stack-config-"));
  const project = readProjectConfig(REPO);
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    // The plan installs its own mocks; give the specs that follow theirs back.
    installMocks();
  });

  for (const m of MISTAKES) {
    describe(m.what, () => {
      const text = sampleWith(m.edit);

      if (m.cliOnly === true) {
        it("is refused by the Pulumi CLI's project config checks, which the plan applies too", () => {
          assert.throws(() => applyProjectConfig(project, "mistake", parseStackFile(text, "Pulumi.mistake.yaml")), { message: m.message });
        });
      } else {
        it("fails the program (`pulumi up`) with the message naming the key", async () => {
          installMocks();
          cloud.reset();
          // What the CLI hands the program: Pulumi.yaml's defaults filled in, in the test project's namespace.
          const passed: StackFile = renameProject(applyProjectConfig(project, "mistake", parseStackFile(text, "Pulumi.mistake.yaml")), project.name, pulumi.getProject());
          await assert.rejects(runProgram(path.join(REPO, "index.ts"), passed), (e: unknown) => {
            assert.ok(e instanceof ProgramError);
            assert.deepEqual(e.messages, [m.message]);
            return true;
          });
        });
      }

      it("makes `npm run plan` exit 1 with the message naming the key", async () => {
        const file = path.join(tmp, "Pulumi.mistake.yaml");
        fs.writeFileSync(file, text);
        let out = "";
        let err = "";
        const code = await plan(["--config", file], { out: (t) => (out += t), err: (t) => (err += t) });
        assert.deepEqual({ code, out, err }, { code: 1, out: "", err: `error: ${m.message}\n` });
      });
    });
  }
});
