/**
 * The package as users install it (issue 14): packed from a clean copy of the work tree, installed
 * into consumer projects with npm's hoisted layout, npm's nested layout and pnpm, type-checked
 * there, and the MariaDB user created and deleted on the real MariaDB server (`bash .ci/mariadb.sh`)
 * through the provider serialized in the consumer, loaded the way Pulumi's dynamic-provider host
 * loads it. Then the upgrade: a state written with one internal file layout is read and deleted
 * after the package is upgraded to a release whose files are elsewhere.
 *
 * Slow by this suite's standards (a pack, four installs, three type-checks; about half a minute),
 * so the work runs once, in parallel per layout, in the `before` hooks.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Connection } from "mysql2/promise";
import { iamAuthNotEnabledMessage } from "../components/mariadbUserPlan";
import type { MariaDbIamUserInputs, MariaDbIamUserOutputs } from "../components/mariadbUserProvider";
import { HostRun, Layout, Packed, RUNTIME_DEPENDENCIES, Ran, cleanCopy, createConsumer, install, linkPeers, node, pack, relayout, runAsHost, typecheck } from "./support/consumer";
import { MariaDbTestServer, cleanUp, mariaDbTestServer, requireMariaDb, showGrants, testCa, uniqueName, userExists } from "./support/mariadb";

const ENTRY = "clickpipes-rds-iam/providers";

/** A program as a user writes it, with `pulumi new typescript`'s compiler settings or stricter ones. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs, MariaDbIamUser, setupSql } from "clickpipes-rds-iam";
import { dynamicProvider, mariaDbIamUser } from "clickpipes-rds-iam/providers";

const args: ClickPipesRdsIamAccessArgs = {
  clickhouseRoleArn: "arn:aws:iam::111122223333:role/CH-S3-demo-Role",
  engine: "mariadb",
  dbInstanceIdentifier: "shop",
  adminUsername: "admin",
  adminPassword: pulumi.secret("pw"),
  databases: ["shop"],
};
const access = new ClickPipesRdsIamAccess("clickpipes", args);
export const roleArn: pulumi.Output<string> = access.roleArn;
export const sql: string = setupSql({ engine: "mariadb", username: "u", databases: ["shop"], cdc: false });
export const user: pulumi.Output<string> = new MariaDbIamUser("db-user", { host: "h", port: 3306, adminUsername: "a", adminPassword: "p", username: "u", databases: ["d"], cdc: false }).username;
export type CreateInputs = Parameters<typeof mariaDbIamUser.create>[0];
export const served: (kind: string) => { create(inputs: never): Promise<{ id: string }> } = dynamicProvider;
// @ts-expect-error the engine is a closed set: Aurora MySQL is "mysql" with dbClusterIdentifier
export const wrong: ClickPipesRdsIamAccessArgs = { ...args, engine: "aurora-mysql" };
`;

/** Only the public entry points resolve under Node's resolution (checked where TypeScript follows `exports`). */
const ENCAPSULATION = `// @ts-expect-error an internal file is not an entry point
import type { MariaDbIamUserInputs } from "clickpipes-rds-iam/bin/components/mariadbUserProvider";
export type Inputs = MariaDbIamUserInputs;
`;

/** Registers one MariaDbIamUser under mocks and writes the provider it serialized, as \`pulumi up\` would store it. */
const SERIALIZE = `import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { MariaDbIamUser } from "clickpipes-rds-iam";

const texts: Record<string, string> = {};
void pulumi.runtime.setMocks(
  {
    newResource: (a: pulumi.runtime.MockResourceArgs) => {
      if (a.type === "pulumi-nodejs:dynamic:Resource") texts[a.name] = String(a.inputs.__provider);
      return { id: a.name + "-id", state: a.inputs };
    },
    call: () => {
      throw new Error("no invokes");
    },
  },
  "consumer",
  "dev",
  false,
);
const user = new MariaDbIamUser("db-user", { host: "db.example", port: 3306, adminUsername: "admin", adminPassword: "pw", username: "u", databases: ["shop"], cdc: false });
user.urn.apply(() => fs.writeFileSync(process.argv[2], texts["db-user"]));
`;

/** \`pulumi new typescript\`'s tsconfig: CommonJS, classic resolution, strict, declaration files checked too. */
const TSCONFIG_PULUMI_TEMPLATE = {
  compilerOptions: {
    strict: true,
    outDir: "out",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    experimentalDecorators: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts", "serialize.ts"],
};

/** Node's own resolution (package.json `exports`), stricter checks on the program, libraries skipped. */
const TSCONFIG_NODE16 = {
  compilerOptions: {
    strict: true,
    outDir: "out",
    target: "es2022",
    module: "node16",
    moduleResolution: "node16",
    noUnusedLocals: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
  },
  files: ["index.ts", "serialize.ts", "encapsulation.ts"],
};

/** What each layout's consumer is checked with. */
const TSCONFIGS: Record<Layout, { name: string; config: object }> = {
  npm: { name: "tsconfig.json (pulumi new typescript)", config: TSCONFIG_PULUMI_TEMPLATE },
  "npm-nested": { name: "tsconfig.json (node16, exports)", config: TSCONFIG_NODE16 },
  pnpm: { name: "tsconfig.json (node16, exports)", config: TSCONFIG_NODE16 },
};

const LAYOUTS: readonly Layout[] = ["npm", "npm-nested", "pnpm"];

/** A step's result, or its failure, kept for the test that reports it. */
type Outcome<T> = { ok: T } | { error: Error };
async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await work() };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)) };
  }
}
function must<T>(o: Outcome<T> | undefined): T {
  if (o === undefined) throw new Error("the step did not run");
  if ("error" in o) throw o.error;
  return o.ok;
}

interface Consumer {
  dir: string;
  install: Outcome<Ran>;
  typecheck?: Outcome<Ran>;
  /** The serialized provider of a MariaDbIamUser, as the consumer's program stores it in the state. */
  provider?: Outcome<string>;
}

/** Installs the tarball in a new consumer, type-checks the program (emitting it) and runs the serialization. */
async function prepareConsumer(root: string, layout: Layout, tarball: string): Promise<Consumer> {
  const dir = path.join(root, layout);
  createConsumer(dir);
  const installed = await outcome(() => install(dir, layout, tarball));
  if ("error" in installed) return { dir, install: installed };
  linkPeers(dir);
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  fs.writeFileSync(path.join(dir, "encapsulation.ts"), ENCAPSULATION);
  fs.writeFileSync(path.join(dir, "serialize.ts"), SERIALIZE);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIGS[layout].config, null, 2));
  const checked = await outcome(() => typecheck(dir, "tsconfig.json"));
  const provider = await outcome(async () => {
    const out = path.join(dir, "provider.txt");
    await node(path.join(dir, "out", "serialize.js"), [out], dir);
    return fs.readFileSync(out, "utf8");
  });
  return { dir, install: installed, typecheck: checked, provider };
}

/** The real path of `p`, with the consumer's directory as `<consumer>`. */
function inConsumer(dir: string, p: string): string {
  const real = fs.realpathSync(dir);
  return p.startsWith(real) ? `<consumer>${p.slice(real.length)}` : p;
}

describe("the package as installed by users (npm pack, npm, npm nested, pnpm)", function () {
  this.timeout(240_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "clickpipes-rds-iam-install-"));
  let packed: Packed;
  let relaidOut: string;
  const consumers = new Map<Layout, Consumer>();
  const timings: string[] = [];

  before(async () => {
    const clone = path.join(root, "clone");
    await cleanCopy(clone);
    packed = await pack(clone, root);
    timings.push(`npm pack (prepare builds) ${packed.ms} ms`);
    relaidOut = await relayout(packed.tarball, root, "0.1.1-relayout");
    const started = Date.now();
    const prepared = await Promise.all(LAYOUTS.map((layout) => prepareConsumer(root, layout, packed.tarball)));
    LAYOUTS.forEach((layout, i) => consumers.set(layout, prepared[i]));
    timings.push(`three consumers installed, type-checked and serialized in parallel ${Date.now() - started} ms`);
    for (const [layout, c] of consumers) {
      const ms = (o: Outcome<Ran> | undefined) => (o !== undefined && "ok" in o ? `${o.ok.ms} ms` : "failed");
      timings.push(`  ${layout}: install ${ms(c.install)}, tsc ${ms(c.typecheck)}`);
    }
  });

  after(() => {
    if (process.env.KEEP_INSTALL_SPEC_DIR === undefined) fs.rmSync(root, { recursive: true, force: true });
    else console.log(`      consumers kept in ${root}`);
    console.log(timings.map((t) => `      ${t}`).join("\n"));
  });

  describe("npm pack from a clean copy of the work tree", () => {
    it("holds the built entry points with their types, LICENSE, README and package.json, and no sources, tests, maps or scripts", () => {
      for (const f of ["LICENSE", "README.md", "package.json", "bin/components/index.js", "bin/components/index.d.ts", "bin/components/providers.js", "bin/components/providers.d.ts"]) {
        assert.ok(packed.files.includes(f), `the tarball lacks ${f}`);
      }
      const unexpected = packed.files.filter((f) => !["LICENSE", "README.md", "package.json"].includes(f) && !/^bin\/components\/.+(?<!\.d)\.js$|^bin\/components\/.+\.d\.ts$/.test(f));
      assert.deepEqual(unexpected, []);
      // Every module ships its declarations.
      const js = packed.files.filter((f) => f.endsWith(".js")).map((f) => f.replace(/\.js$/, ""));
      assert.deepEqual(js.filter((f) => !packed.files.includes(`${f}.d.ts`)), []);
    });
  });

  for (const layout of LAYOUTS) {
    describe(`a consumer project installed with ${layout === "npm" ? "npm (hoisted)" : layout === "npm-nested" ? "npm --install-strategy=nested" : "pnpm"}`, () => {
      const consumer = () => consumers.get(layout) as Consumer;

      it("installs the tarball", () => {
        must(consumer().install);
      });

      it("puts mysql2 where only the package's own location resolves it" + (layout === "npm" ? " (hoisted: the project's node_modules)" : ""), () => {
        const { dir } = consumer();
        const top = path.join(dir, "node_modules", "mysql2");
        switch (layout) {
          case "npm":
            assert.ok(fs.existsSync(top));
            break;
          case "npm-nested":
            assert.ok(!fs.existsSync(top), "mysql2 is not hoisted");
            assert.ok(fs.existsSync(path.join(dir, "node_modules", "clickpipes-rds-iam", "node_modules", "mysql2")));
            break;
          case "pnpm":
            assert.ok(!fs.existsSync(top), "mysql2 is not hoisted");
            assert.ok(fs.readdirSync(path.join(dir, "node_modules", ".pnpm")).some((d) => d.startsWith("mysql2@")));
            break;
        }
      });

      it(`type-checks a strict program against the installed types (${TSCONFIGS[layout].name})`, () => {
        must(consumer().typecheck);
      });

      it(`serializes providers that require "${ENTRY}" and nothing else, naming no path`, () => {
        const text = must(consumer().provider);
        assert.deepEqual([...text.matchAll(/\brequire\(\s*(["'`])(.*?)\1\s*\)/g)].map((m) => m[2]), [ENTRY]);
        for (const part of [fs.realpathSync(consumer().dir), consumer().dir, "node_modules", "bin/components", ".pnpm"]) assert.ok(!text.includes(part), `contains ${part}`);
      });
    });
  }

  describe("the MariaDB user, through the provider serialized in each consumer and loaded as the Pulumi host loads it", () => {
    const server: MariaDbTestServer = mariaDbTestServer();
    let inspector: Connection;
    const made = { users: [] as [string, string][], databases: [] as string[] };
    const db = uniqueName("cptinst"); // no `_`: a grant escapes it as a wildcard

    before(async function () {
      inspector = await requireMariaDb(this, server);
    });
    after(async () => {
      if (inspector === undefined) return;
      await cleanUp(inspector, made);
      await inspector.end();
    });

    /** A user as RDS has it after `IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'` (stock MariaDB lacks the plugin: see mariadbUser.realdb.spec.ts). */
    async function awsPluginUser(): Promise<string> {
      const u = uniqueName("cpt_inst_u_");
      made.users.push([u, "%"]);
      await inspector.query("CREATE USER ?@'%' IDENTIFIED VIA unix_socket REQUIRE NONE", [u]);
      await inspector.query(
        "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'AWSAuthenticationPlugin', '$.authentication_string', 'RDS') WHERE User = ? AND Host = '%'",
        [u],
      );
      await inspector.query("FLUSH PRIVILEGES");
      return u;
    }

    function inputs(username: string, adopt: boolean): MariaDbIamUserInputs {
      return {
        host: server.host,
        port: server.port,
        adminUsername: server.user,
        adminPassword: server.password,
        username,
        databases: [db],
        cdc: false,
        adoptExistingUser: adopt,
        tls: true,
        tlsCa: testCa(server),
      };
    }

    const grantLines = (u: string) => [
      `GRANT SELECT ON \`${db}\`.* TO \`${u}\`@\`%\``,
      `GRANT USAGE ON *.* TO \`${u}\`@\`%\` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL`,
    ];

    /** `pulumi up`: create in one host process; the state is the provider text, the ID and the outputs. */
    async function up(layout: Layout): Promise<{ user: string; text: string; id: string; outs: MariaDbIamUserOutputs; host: HostRun }> {
      const c = consumers.get(layout) as Consumer;
      const text = must(c.provider);
      const user = await awsPluginUser();
      const fresh = uniqueName("cpt_inst_f_");
      made.users.push([fresh, "%"]);
      const host = await runAsHost(c.dir, text, [
        { method: "create", args: [inputs(user, true)] },
        { method: "create", args: [inputs(fresh, false)] },
      ]);
      const [adopted, created] = host.results;
      if ("error" in adopted) assert.fail(`create failed: ${adopted.error}`);
      // A new user reaches the server too; stock MariaDB has no AWS plugin to create it with.
      assert.deepEqual(created, { error: iamAuthNotEnabledMessage(fresh) });
      assert.equal(await userExists(inspector, fresh), false);
      const { id, outs } = adopted.ok as { id: string; outs: MariaDbIamUserOutputs };
      assert.equal(id, `${server.host}:${server.port}/${user}`);
      assert.deepEqual(await showGrants(inspector, user), grantLines(user));
      return { user, text, id, outs, host };
    }

    /** `pulumi refresh` then `pulumi destroy`, in a later host process, from the state `up` wrote. */
    async function refreshAndDestroy(layout: Layout, state: { user: string; text: string; id: string; outs: MariaDbIamUserOutputs }): Promise<HostRun> {
      const c = consumers.get(layout) as Consumer;
      const host = await runAsHost(c.dir, state.text, [
        { method: "read", args: [state.id, state.outs] },
        { method: "delete", args: [state.id, state.outs] },
      ]);
      const [read, deleted] = host.results;
      if ("error" in read) assert.fail(`read failed: ${read.error}`);
      assert.deepEqual((read.ok as { props: MariaDbIamUserOutputs }).props, state.outs);
      assert.deepEqual(deleted, { ok: null });
      // The adopted user is kept, without what this resource granted.
      assert.deepEqual(await showGrants(inspector, state.user), [`GRANT USAGE ON *.* TO \`${state.user}\`@\`%\` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'`]);
      return host;
    }

    for (const layout of ["npm-nested", "pnpm"] as const) {
      it(`${layout}: creates, reads and deletes it, loading mysql2 from the package's location, which the project directory cannot resolve`, async () => {
        const c = consumers.get(layout) as Consumer;
        const state = await up(layout);
        assert.deepEqual(state.host.pulumi, [], "the providers entry loads no Pulumi module");
        // What a provider that required its dependencies by name from the project directory would have met.
        assert.equal(state.host.fromProject["mysql2/promise"], null, "mysql2/promise is not resolvable from the project directory");
        // Every run-time dependency resolves from the entry's own place, inside the consumer.
        for (const [dep, where] of Object.entries(state.host.fromEntry)) {
          assert.ok(where !== null && fs.realpathSync(where).startsWith(fs.realpathSync(c.dir)), `${dep} from the providers entry: ${where}`);
        }
        assert.deepEqual(Object.keys(state.host.fromEntry), [...RUNTIME_DEPENDENCIES]);
        assert.equal(state.host.entry.length, 1);
        assert.equal(state.host.mysql2.length, 1);
        const [entry, mysql2] = [inConsumer(c.dir, state.host.entry[0]), inConsumer(c.dir, state.host.mysql2[0])];
        if (layout === "npm-nested") {
          assert.equal(entry, "<consumer>/node_modules/clickpipes-rds-iam/bin/components/providers.js");
          assert.equal(mysql2, "<consumer>/node_modules/clickpipes-rds-iam/node_modules/mysql2/promise.js");
        } else {
          assert.match(entry, /^<consumer>\/node_modules\/\.pnpm\/clickpipes-rds-iam@[^/]+\/node_modules\/clickpipes-rds-iam\/bin\/components\/providers\.js$/);
          assert.match(mysql2, /^<consumer>\/node_modules\/\.pnpm\/mysql2@[^/]+\/node_modules\/mysql2\/promise\.js$/);
        }
        await refreshAndDestroy(layout, state);
      });
    }

    it("npm (hoisted), then an upgrade to a release with another internal layout: the state written before is read and deleted by the new release", async () => {
      const c = consumers.get("npm") as Consumer;
      const state = await up("npm");
      assert.equal(inConsumer(c.dir, state.host.entry[0]), "<consumer>/node_modules/clickpipes-rds-iam/bin/components/providers.js");
      assert.equal(inConsumer(c.dir, state.host.mysql2[0]), "<consumer>/node_modules/mysql2/promise.js");

      await install(c.dir, "npm", relaidOut);
      const installed = JSON.parse(fs.readFileSync(path.join(c.dir, "node_modules", "clickpipes-rds-iam", "package.json"), "utf8")) as { version: string };
      assert.equal(installed.version, "0.1.1-relayout");
      assert.ok(!fs.existsSync(path.join(c.dir, "node_modules", "clickpipes-rds-iam", "bin")), "the files of the old layout are gone");

      const later = await refreshAndDestroy("npm", state);
      assert.equal(inConsumer(c.dir, later.entry[0]), "<consumer>/node_modules/clickpipes-rds-iam/lib/v2/providers.js");
    });
  });
});
