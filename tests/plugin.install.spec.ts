/**
 * The plugin as `pulumi package add <git-url>/provider@<tag>` installs it: Pulumi clones the
 * repository and runs `npm install` in the plugin's directory, whose `prepare` script builds it.
 * Here: the files a fresh clone holds, copied with no node_modules anywhere (so nothing resolves
 * from the repository's own dependencies), `npm install` in provider/ (which follows the committed
 * provider/package-lock.json; from npm's cache where it can), then the installed plugin started by
 * its own `@pulumi/pulumi/cmd/run-plugin`, as the Node.js language host starts it, and called over
 * gRPC: GetSchema, a Check, and a Construct of the component against the fake engine of
 * tests/support/fakeEngine.ts, which is what every program in another language asks of it.
 *
 * About half a minute (the install), so it runs once in `before`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER, COMPONENT } from "../provider/provider";
import { REPO, cleanCopy, cleanEnv, run } from "./support/consumer";
import { StartedPlugin, call, startPlugin, struct, urnOf } from "./support/plugin";
import { FakeEngine, constructOn } from "./support/fakeEngine";
import { instanceLookup } from "./support/mocks";
import { secretValue } from "../provider/rpcValues";

describe("the plugin installed as `pulumi package add` installs it from Git", function () {
  this.timeout(240_000);
  let dir: string;
  let plugin: StartedPlugin | undefined;
  let engine: FakeEngine | undefined;

  before(async () => {
    engine = await FakeEngine.start({
      computed: { "aws:iam/role:Role": (name) => ({ name: `${name}-1234567`, arn: `arn:aws:iam::123456789012:role/${name}-1234567` }) },
      invokes: { "aws:rds/getInstance:getInstance": () => instanceLookup({ identifier: "orders", engine: "mariadb", engineVersion: "10.11.9" }) },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-plugin-install-"));
    // What a fresh clone holds, with no node_modules anywhere: nothing resolves from the repository's own dependencies.
    await cleanCopy(dir, { linkNodeModules: false });
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], path.join(dir, "provider"), cleanEnv());
    const pluginDir = path.join(dir, "provider");
    plugin = await startPlugin({
      pluginDir,
      runPlugin: path.join(pluginDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin"),
      cwd: os.tmpdir(),
      engineAddress: engine.engineAddress,
    });
  });

  after(() => {
    plugin?.stop();
    void engine?.stop();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("installs and builds from the plugin's directory alone, with no dependency of the repository's root", () => {
    assert.equal(fs.existsSync(path.join(dir, "node_modules")), false, "the copy has no root node_modules");
    for (const built of ["bin/provider/index.js", "bin/provider/construct.js", "bin/provider/schema.json", "bin/components/clickPipesRdsIamAccess.js"]) {
      assert.ok(fs.existsSync(path.join(dir, "provider", built)), `${built} is built`);
    }
  });

  it("serves the committed schema: the component and the custom resources", async () => {
    const res = await call<proto.GetSchemaRequest, proto.GetSchemaResponse>(plugin!.client, plugin!.client.getSchema, new proto.GetSchemaRequest());
    assert.equal(res.getSchema(), fs.readFileSync(path.join(REPO, "provider", "schema.json"), "utf8"));
    const resources = Object.keys((JSON.parse(res.getSchema()) as { resources: Record<string, unknown> }).resources);
    for (const token of [COMPONENT, IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER]) assert.ok(resources.includes(token), `${token} is in the schema`);
  });

  it("constructs the component with the installed code: the children as its custom resources", async () => {
    const result = await constructOn(plugin!.client, engine!, {
      type: COMPONENT,
      name: "orders",
      inputs: {
        clickhouseRoleArn: "arn:aws:iam::111122223333:role/CH-S3-demo-Role",
        engine: "mariadb",
        dbInstanceIdentifier: "orders",
        adminUsername: "admin",
        adminPassword: secretValue("s3cret"),
        databases: ["sales"],
      },
    });
    assert.equal(result.urn, `urn:pulumi:${engine!.stack}::${engine!.project}::${COMPONENT}::orders`);
    assert.deepEqual(engine!.registrations.map((r) => `${r.type}::${r.name}`).sort(), [
      `${COMPONENT}::orders`,
      "aws:iam/role:Role::orders-role",
      "aws:iam/rolePolicy:RolePolicy::orders-connect",
      `${IAM_AUTH_ENABLEMENT}::orders-iam-auth`,
      `${MARIADB_IAM_USER}::orders-db-user`,
    ].sort());
    for (const type of [IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER]) {
      const child = engine!.registrations.find((r) => r.type === type);
      assert.ok(child, `${type} is registered`);
      assert.equal(child.version, JSON.parse(fs.readFileSync(path.join(dir, "provider", "package.json"), "utf8")).version);
    }
    assert.equal(result.state.roleArn, "arn:aws:iam::123456789012:role/orders-role-1234567");
  });

  it("checks a custom resource's inputs with the installed code", async () => {
    const checked = await call<proto.CheckRequest, proto.CheckResponse>(
      plugin!.client,
      plugin!.client.check,
      new proto.CheckRequest().setUrn(urnOf(MARIADB_IAM_USER, "u")).setOlds(struct({})).setNews(struct({ host: "h", port: 0 })),
    );
    assert.deepEqual(
      checked.getFailuresList().map((f) => f.getProperty()),
      ["adminUsername", "adminPassword", "username", "port", "databases"],
    );
  });
});
