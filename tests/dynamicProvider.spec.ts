import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CdcReadiness } from "../components/cdcReadiness";
import { PROVIDERS_ENTRY, stableProvider } from "../components/dynamicProvider";
import { IamAuthEnablement } from "../components/iamAuth";
import { MariaDbIamUser } from "../components/mariadbUser";
import { PostgresPublication } from "../components/postgresPublication";
import { PROVIDER_KINDS, ProviderKind } from "../components/providers";
import { ClickPipe } from "../components/clickhouse/clickPipe";
import { resetIamAuthEnablerRegistry } from "../components/aws/iamAuthRegistry";
import { runAsHost } from "./support/consumer";
import { cloud, installMocks, settleTree } from "./support/mocks";

const REPO = path.resolve(__dirname, "..");
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

/** Every module name a serialized text requires. */
function requires(text: string): string[] {
  return [...text.matchAll(/\brequire\(\s*(["'`])(.*?)\1\s*\)/g)].map((m) => m[2]);
}

/** Loads a serialized provider as the dynamic-provider host does: require-from-string, module paths from the working directory. */
function loadAsHost(text: string): pulumi.dynamic.ResourceProvider {
  const m = new Module("") as Module & { _compile(code: string, file: string): void };
  m.filename = "";
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(""));
  m._compile(text, "");
  return (m.exports as { handler(): pulumi.dynamic.ResourceProvider }).handler();
}

const ADMIN = { host: "db.example", port: 3306, adminUsername: "admin", adminPassword: "hunter2" };

/** One resource of each kind, as the component creates them. */
const RESOURCES: Record<ProviderKind, (name: string) => pulumi.Resource> = {
  iamAuthEnablement: (name) => new IamAuthEnablement(name, { targetKind: "instance", identifier: "orders", region: "eu-west-1", mode: "enable" }),
  mariaDbIamUser: (name) => new MariaDbIamUser(name, { ...ADMIN, username: "clickpipes_iam_user", databases: ["sales"], cdc: false }),
  cdcReadiness: (name) =>
    new CdcReadiness(name, {
      ...ADMIN,
      target: { deployment: "rds", kind: "instance", identifier: "orders" },
      check: { engine: "mariadb", request: { cdc: true, replicationMechanism: "GTID" } },
      mode: "enforce",
    }),
  postgresPublication: (name) =>
    new PostgresPublication(name, { ...ADMIN, port: 5432, database: "app", name: "clickpipes_publication", scope: { kind: "schemas", schemas: ["public"] } }),
  clickPipe: (name) =>
    new ClickPipe(name, {
      service: { organizationId: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", serviceId: "7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7", apiKeyId: "key", apiKeySecret: "hunter2" },
      source: { type: "rdspostgres", host: "db.example", port: 5432, database: "app", authentication: "IAM_ROLE", iamRole: "arn:aws:iam::123456789012:role/r", credentials: { username: "u" }, settings: { replicationMode: "snapshot" } },
      tableMappings: [{ sourceSchemaName: "public", sourceTable: "t", targetTable: "t" }],
      destination: { database: "default" },
    }),
};

describe("dynamicProvider: the providers serialized into the state", () => {
  const texts = new Map<ProviderKind, string>();

  before(async () => {
    installMocks();
    cloud.reset();
    resetIamAuthEnablerRegistry();
    for (const kind of PROVIDER_KINDS) {
      const resource = RESOURCES[kind](`${kind}-res`);
      await settleTree(resource);
      texts.set(kind, String(cloud.resources.find((r) => r.type === DYNAMIC && r.name === `${kind}-res`)?.inputs.__provider));
    }
  });

  it("has one resource kind per dynamic resource of the package", () => {
    assert.deepEqual(PROVIDER_KINDS, ["iamAuthEnablement", "mariaDbIamUser", "cdcReadiness", "postgresPublication", "clickPipe"]);
  });

  it("is what every dynamic resource in components/ hands Pulumi: a stableProvider, never its operations", () => {
    const files = (fs.readdirSync(path.join(REPO, "components"), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    const dynamic = files.filter((f) => /extends\s+pulumi\.dynamic\.Resource\b/.test(fs.readFileSync(path.join(REPO, "components", f), "utf8")));
    assert.ok(dynamic.length >= PROVIDER_KINDS.length);
    const unstable = dynamic.filter((f) => !/=\s*stableProvider\s*[<(]/.test(fs.readFileSync(path.join(REPO, "components", f), "utf8")));
    assert.deepEqual(
      unstable,
      [],
      "a dynamic resource must pass `stableProvider(kind)` (components/dynamicProvider.ts), its operations served under that kind by components/providers.ts: " +
        "a provider object that references the package's modules is serialized with their paths, which the package's `exports` do not resolve once installed",
    );
  });

  for (const kind of ["iamAuthEnablement", "mariaDbIamUser", "cdcReadiness", "postgresPublication", "clickPipe"] as const) {
    describe(kind, () => {
      it(`requires "${PROVIDERS_ENTRY}" and nothing else`, () => {
        assert.deepEqual(requires(texts.get(kind) ?? ""), [PROVIDERS_ENTRY]);
      });

      it("names no path: not the repository, the home directory, node_modules or a file of the package", () => {
        const text = texts.get(kind) ?? "";
        for (const part of [REPO, os.homedir(), os.tmpdir(), "node_modules", "components/", "bin/", ".ts", ".js", "__dirname", "__filename"]) {
          assert.ok(!text.includes(part), `serialized provider of ${kind} contains ${JSON.stringify(part)}`);
        }
        // Nor any absolute path: a slash-led path segment outside a comment.
        assert.doesNotMatch(text, /["'`]\/[\w.-]+\//);
      });

      it("differs from the other kinds' only by the kind it names, and stays small", () => {
        const text = texts.get(kind) ?? "";
        assert.equal(text.split(JSON.stringify(kind)).length, 2, `names "${kind}" once`);
        assert.equal(text.replace(JSON.stringify(kind), '"KIND"'), (texts.get("mariaDbIamUser") ?? "").replace('"mariaDbIamUser"', '"KIND"'));
        assert.ok(text.length < 3_000, `${text.length} characters`);
      });
    });
  }

  it("carries no secret: the admin password stays in the inputs", () => {
    for (const text of texts.values()) assert.ok(!text.includes("hunter2"));
  });

  it("is the text pulumi.runtime.serializeFunction makes of stableProvider, as pulumi.dynamic.Resource serializes it", async () => {
    const provider = stableProvider("mariaDbIamUser");
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(serialized.text, texts.get("mariaDbIamUser"));
    assert.equal(serialized.containsSecrets, false);
  });

  it("loads as the host loads it and forwards every operation to the entry, the defaults of the host included", async () => {
    // Specs resolve the entry to the sources (tests/support/packageAlias.ts); tests/package.install.spec.ts loads the packed package.
    const readiness = loadAsHost(texts.get("cdcReadiness") ?? "");
    const olds = { host: "a", port: 1, database: "", adminUsername: "admin", adminPassword: "pw", target: {}, check: {}, mode: "enforce", tls: true };
    assert.deepEqual(await readiness.check?.(olds, olds), { inputs: olds });
    assert.deepEqual(await readiness.diff?.("id", olds, { ...olds, adminPassword: "new" }), { changes: true });
    assert.deepEqual(await readiness.read?.("id", olds), { id: "id", props: olds });
    assert.equal(await readiness.delete?.("id", olds), undefined);
    const user = loadAsHost(texts.get("mariaDbIamUser") ?? "");
    await assert.rejects(user.read?.("db.example:3306/u") ?? Promise.resolve(), {
      message: 'MariaDB IAM user "db.example:3306/u" cannot be read without its state (admin connection and ownership); create it with `pulumi up` instead of importing it.',
    });
  });

  it("resolves in the repository's own project (`pulumi up` here) to the build, through the link to itself that `npm ci` makes", async () => {
    // package.json's devDependency "clickpipes-rds-iam": "file:" links node_modules/clickpipes-rds-iam to the repository.
    assert.equal(fs.realpathSync(path.join(REPO, "node_modules", "clickpipes-rds-iam")), fs.realpathSync(REPO));
    const props = { host: "h" };
    const host = await runAsHost(REPO, texts.get("cdcReadiness") ?? "", [{ method: "check", args: [props, props] }]);
    assert.deepEqual(host.results, [{ ok: { inputs: props } }]);
    assert.deepEqual(host.entry, [path.join(fs.realpathSync(REPO), "bin", "components", "providers.js")]);
    assert.deepEqual(host.pulumi, [], "the providers entry loads no Pulumi module");
  });
});
