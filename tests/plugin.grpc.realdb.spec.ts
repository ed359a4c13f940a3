/**
 * The plugin started the way Pulumi's Node.js language host starts it (`node
 * <@pulumi/pulumi/cmd/run-plugin> <pluginDir> <engineAddr>`, from another directory, on the build
 * that provider/package.json's `prepare` makes), and called over gRPC with the SDK's generated
 * clients: GetSchema, Configure, and Check/Diff/Create/Read/Update/Delete of MariaDbIamUser against
 * the real MariaDB of `.ci/mariadb.sh` (TLS verified against its test CA), plus Check/Diff of
 * IamAuthEnablement (no AWS call). Not covered here: Construct, and Create/Update/Delete of
 * IamAuthEnablement (they call RDS).
 */
import * as assert from "node:assert/strict";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { Connection } from "mysql2/promise";
import { CLICK_PIPE, COMPONENT, IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER, consumerIdOfUrn } from "../provider/provider";
import { secretValue } from "../provider/rpcValues";
import { MariaDbTestServer, cleanUp, mariaDbTestServer, requireMariaDb, showGrants, testCa, uniqueName } from "./support/mariadb";
import { StartedPlugin, call, startPlugin, struct, urnOf } from "./support/plugin";

describe("the plugin over gRPC, started as the Node.js language host starts it", function () {
  this.timeout(60_000);
  let plugin: StartedPlugin | undefined;
  let client: ResourceProviderClient;

  before(async () => {
    plugin = await startPlugin();
    client = plugin.client;
  });

  after(() => plugin?.stop());

  it("GetSchema lists the component and the custom resources", async () => {
    const res = await call<proto.GetSchemaRequest, proto.GetSchemaResponse>(client, client.getSchema, new proto.GetSchemaRequest());
    const schema = JSON.parse(res.getSchema()) as { name: string; resources: Record<string, unknown> };
    assert.equal(schema.name, "clickpipes-rds-iam");
    assert.deepEqual(Object.keys(schema.resources).sort(), [CLICK_PIPE, COMPONENT, IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER]);
  });

  it("Configure accepts secrets", async () => {
    const res = await call<proto.ConfigureRequest, proto.ConfigureResponse>(client, client.configure, new proto.ConfigureRequest());
    assert.equal(res.getAcceptsecrets(), true);
  });

  it("IamAuthEnablement: Check writes out defaults and the consumer ID, Diff replaces on a new region", async () => {
    const urn = urnOf(IAM_AUTH_ENABLEMENT, "iam");
    const news = { targetKind: "cluster", identifier: "orders", region: "eu-west-1" };
    const checked = await call<proto.CheckRequest, proto.CheckResponse>(client, client.check, new proto.CheckRequest().setUrn(urn).setOlds(struct({})).setNews(struct(news)));
    assert.deepEqual(checked.getFailuresList(), []);
    const inputs = checked.getInputs()!.toJavaScript();
    assert.deepEqual(inputs, { ...news, mode: "enable", restoreOnDelete: false, timeoutMinutes: 30, applyPendingModifications: false, consumerId: consumerIdOfUrn(urn), enabledSetting: true });
    const olds = { ...inputs, iamDatabaseAuthenticationEnabled: true };
    const diff = await call<proto.DiffRequest, proto.DiffResponse>(client, client.diff, new proto.DiffRequest().setId("x").setUrn(urn).setOlds(struct(olds)).setNews(struct({ ...inputs, region: "us-east-1" })));
    assert.equal(diff.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(diff.getReplacesList(), ["region"]);
  });

  it("Check reports failures for a MariaDbIamUser without its required inputs", async () => {
    const checked = await call<proto.CheckRequest, proto.CheckResponse>(client, client.check, new proto.CheckRequest().setUrn(urnOf(MARIADB_IAM_USER, "bad")).setOlds(struct({})).setNews(struct({ host: "h", port: 3306 })));
    assert.deepEqual(
      checked.getFailuresList().map((f) => f.getProperty()),
      ["adminUsername", "adminPassword", "username", "databases"],
    );
  });

  describe("MariaDbIamUser against the real MariaDB", () => {
    const server: MariaDbTestServer = mariaDbTestServer();
    const made = { users: [] as [string, string][], databases: [] as string[] };
    let inspector: Connection;

    before(async function () {
      inspector = await requireMariaDb(this, server);
    });
    after(async () => {
      if (inspector !== undefined) {
        await cleanUp(inspector, made);
        await inspector.end();
      }
    });

    it("adopts an IAM user (Check, Create, Read, Diff, Update, Delete), keeping the admin password secret", async () => {
      const u = uniqueName("cpg_u_");
      const p = uniqueName("cpg");
      made.users.push([u, "%"]);
      // A user as RDS has it after IDENTIFIED VIA AWSAuthenticationPlugin (stock MariaDB lacks the plugin).
      await inspector.query("CREATE USER ?@'%' IDENTIFIED VIA unix_socket REQUIRE SSL", [u]);
      await inspector.query(
        "UPDATE mysql.global_priv SET Priv = JSON_SET(Priv, '$.plugin', 'AWSAuthenticationPlugin', '$.authentication_string', 'RDS') WHERE User = ? AND Host = '%'",
        [u],
      );
      await inspector.query("FLUSH PRIVILEGES");
      const original = await showGrants(inspector, u);

      const urn = urnOf(MARIADB_IAM_USER, "user");
      const news = {
        host: server.host,
        port: server.port,
        adminUsername: server.user,
        adminPassword: secretValue(server.password),
        username: u,
        databases: [`${p}sales`],
        adoptExistingUser: true,
        tlsCa: testCa(server),
      };
      const checked = await call<proto.CheckRequest, proto.CheckResponse>(client, client.check, new proto.CheckRequest().setUrn(urn).setOlds(struct({})).setNews(struct(news)));
      assert.deepEqual(checked.getFailuresList(), []);
      const inputs = checked.getInputs()!.toJavaScript() as Record<string, unknown>;
      assert.deepEqual(inputs, { ...news, cdc: false, tls: true });

      const created = await call<proto.CreateRequest, proto.CreateResponse>(client, client.create, new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)));
      const id = created.getId();
      assert.equal(id, `${server.host}:${server.port}/${u}`);
      const outs = created.getProperties()!.toJavaScript() as Record<string, unknown>;
      assert.deepEqual(outs.adminPassword, secretValue(server.password));
      assert.equal(JSON.stringify(outs).split(server.password).length, 2, "the password appears once, inside its secret");
      assert.deepEqual([outs.userCreated, outs.grantedDatabases, outs.plugin], [false, [`${p}sales`], "AWSAuthenticationPlugin"]);
      assert.ok((await showGrants(inspector, u)).some((g) => g.includes(`\`${p}sales\``)));

      const read = await call<proto.ReadRequest, proto.ReadResponse>(client, client.read, new proto.ReadRequest().setId(id).setUrn(urn).setProperties(struct(outs)));
      assert.equal(read.getId(), id);
      assert.deepEqual(read.getProperties()!.toJavaScript(), outs);

      const noChange = await call<proto.DiffRequest, proto.DiffResponse>(client, client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(inputs)));
      assert.equal(noChange.getChanges(), proto.DiffResponse.DiffChanges.DIFF_NONE);
      const second = { ...inputs, databases: [`${p}sales`, `${p}ops`] };
      const change = await call<proto.DiffRequest, proto.DiffResponse>(client, client.diff, new proto.DiffRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(second)));
      assert.equal(change.getChanges(), proto.DiffResponse.DiffChanges.DIFF_SOME);
      assert.deepEqual(change.getReplacesList(), []);

      const updated = await call<proto.UpdateRequest, proto.UpdateResponse>(client, client.update, new proto.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(outs)).setNews(struct(second)));
      const updatedOuts = updated.getProperties()!.toJavaScript() as Record<string, unknown>;
      assert.deepEqual(updatedOuts.adminPassword, secretValue(server.password));
      assert.deepEqual([...(updatedOuts.grantedDatabases as string[])].sort(), [`${p}ops`, `${p}sales`].sort());
      assert.ok((await showGrants(inspector, u)).some((g) => g.includes(`\`${p}ops\``)));

      await call(client, client.delete, new proto.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(updatedOuts)));
      assert.deepEqual(await showGrants(inspector, u), original);
    });
  });
});
