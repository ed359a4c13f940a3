/**
 * The plugin's provider (provider/provider.ts) called directly, with fake CRUD operations: the
 * mapping between Pulumi's provider interface and the dynamic-provider-shaped functions (URN to
 * kind, secrets unwrapped and wrapped again once, unknowns at preview, defaults and failures in
 * check, a gone resource's empty id), and the schema it serves.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { CompleteProvider } from "../components/providers";
import {
  CDC_READINESS,
  CLICK_PIPE,
  COMPONENT,
  ClickPipesRdsIamProvider,
  IAM_AUTH_ENABLEMENT,
  MARIADB_IAM_USER,
  POSTGRES_PUBLICATION,
  consumerIdOfUrn,
  pluginVersion,
  readSchema,
  typeOfUrn,
} from "../provider/provider";
import { secretValue, unwrapProperties, wrapSecrets } from "../provider/rpcValues";
import { TLS_OFF_MESSAGE } from "../components/validation";

const PROVIDER_DIR = path.join(__dirname, "..", "provider");
const urnOf = (type: string, name = "x") => `urn:pulumi:dev::proj::${type}::${name}`;
const MARIADB_URN = urnOf(MARIADB_IAM_USER, "user");
const IAM_URN = urnOf(IAM_AUTH_ENABLEMENT, "iam");

/** Fake CRUD operations that record what they were given. */
function fakeOperations(overrides: Partial<CompleteProvider> = {}) {
  const calls: { op: string; args: unknown[] }[] = [];
  const ops: CompleteProvider = {
    check: async (olds, news) => (calls.push({ op: "check", args: [olds, news] }), { inputs: news }),
    diff: async (id, olds, news) => (calls.push({ op: "diff", args: [id, olds, news] }), { changes: true, replaces: ["username"], deleteBeforeReplace: true }),
    create: async (inputs) => (calls.push({ op: "create", args: [inputs] }), { id: "id-1", outs: { ...(inputs as object), userCreated: true, plugin: undefined } }),
    read: async (id, props) => (calls.push({ op: "read", args: [id, props] }), { id, props }),
    update: async (id, olds, news) => (calls.push({ op: "update", args: [id, olds, news] }), { outs: { ...(news as object), userCreated: true } }),
    delete: async (id, props) => void calls.push({ op: "delete", args: [id, props] }),
    ...overrides,
  };
  return { calls, ops };
}

function providerWith(ops: CompleteProvider): ClickPipesRdsIamProvider {
  return new ClickPipesRdsIamProvider({ operations: () => ops });
}

const mariaInputs = {
  host: "db.example.com",
  port: 3306,
  adminUsername: "admin",
  adminPassword: secretValue("s3cret"),
  username: "clickpipes",
  databases: ["sales"],
  cdc: true,
};

describe("the plugin's provider (provider/provider.ts)", () => {
  describe("property values", () => {
    it("unwraps secrets and output values, and reports which top-level properties held them", () => {
      const u = unwrapProperties({
        a: secretValue("p"),
        b: [secretValue("x"), "y"],
        c: { [specialSigKey]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", value: 3, secret: true },
        d: { [specialSigKey]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" },
        e: unknownValue,
        f: "plain",
      });
      assert.deepEqual(u.value, { a: "p", b: ["x", "y"], c: 3, d: unknownValue, e: unknownValue, f: "plain" });
      assert.deepEqual([...u.secrets].sort(), ["a", "b", "c"]);
      assert.deepEqual([...u.unknowns].sort(), ["d", "e"]);
    });

    it("wraps each secret once, and drops undefined values", () => {
      const wrapped = wrapSecrets({ a: "p", b: secretValue("q"), c: undefined, d: 1 }, ["a", "b", "missing"]);
      assert.deepEqual(wrapped, { a: { [specialSigKey]: specialSecretSig, value: "p" }, b: { [specialSigKey]: specialSecretSig, value: "q" }, d: 1 });
    });
  });

  it("takes the type from the URN, also under a parent", () => {
    assert.equal(typeOfUrn(`urn:pulumi:dev::proj::my:index:Parent$${MARIADB_IAM_USER}::u`), MARIADB_IAM_USER);
  });

  it("refuses a type it does not serve", async () => {
    const { ops } = fakeOperations();
    await assert.rejects(providerWith(ops).create(urnOf("clickpipes-rds-iam:index:Nope"), {}), /unknown resource type clickpipes-rds-iam:index:Nope/);
  });

  describe("MariaDbIamUser", () => {
    it("check writes out the defaults, passes plain values to the operations and keeps the password secret", async () => {
      const { calls, ops } = fakeOperations();
      const result = await providerWith(ops).check(MARIADB_URN, {}, { ...mariaInputs, cdc: undefined });
      assert.deepEqual(calls[0].args[1], { ...mariaInputs, adminPassword: "s3cret", cdc: false, tls: true });
      assert.deepEqual(result.inputs, { ...mariaInputs, cdc: false, tls: true });
      assert.equal(result.failures, undefined);
    });

    it("check reports missing and ill-typed inputs without calling the operations", async () => {
      const { calls, ops } = fakeOperations();
      const result = await providerWith(ops).check(MARIADB_URN, {}, { host: "h", port: "3306", databases: ["sales", ""], tls: "yes" });
      assert.deepEqual(calls, []);
      assert.deepEqual(
        result.failures!.map((f) => f.property),
        ["adminUsername", "adminPassword", "username", "port", "databases", "tls"],
      );
    });

    it("check refuses tls: false (the admin password in clear text), for every resource that connects as the admin", async () => {
      const { calls, ops } = fakeOperations();
      const p = providerWith(ops);
      for (const urn of [MARIADB_URN, urnOf(CDC_READINESS), urnOf(POSTGRES_PUBLICATION)]) {
        const result = await p.check(urn, {}, { ...mariaInputs, database: "app", publicationName: "cp", scope: { kind: "schemas", schemas: ["public"] }, target: {}, check: {}, mode: "enforce", tls: false });
        assert.deepEqual(result.failures!.filter((f) => f.property === "tls"), [{ property: "tls", reason: TLS_OFF_MESSAGE }], urn);
      }
      assert.deepEqual(calls, []);
    });

    it("an admin password given in plain text is still secret in the checked inputs and the outputs", async () => {
      const { ops } = fakeOperations();
      const p = providerWith(ops);
      const checked = await p.check(MARIADB_URN, {}, { ...mariaInputs, adminPassword: "plain" });
      assert.deepEqual((checked.inputs as Record<string, unknown>).adminPassword, secretValue("plain"));
      const created = await p.create(MARIADB_URN, { ...mariaInputs, adminPassword: "plain" });
      assert.deepEqual(created.outs.adminPassword, secretValue("plain"));
    });

    it("create unwraps the inputs, and its outputs wrap the secret once and leave out undefined ones", async () => {
      const { calls, ops } = fakeOperations();
      const created = await providerWith(ops).create(MARIADB_URN, mariaInputs);
      assert.deepEqual(calls[0].args[0], { ...mariaInputs, adminPassword: "s3cret" });
      assert.equal(created.id, "id-1");
      assert.deepEqual(created.outs, { ...mariaInputs, userCreated: true });
    });

    it("keeps any other input secret that came secret", async () => {
      const { ops } = fakeOperations();
      const created = await providerWith(ops).create(MARIADB_URN, { ...mariaInputs, username: secretValue("clickpipes") });
      assert.deepEqual(created.outs.username, secretValue("clickpipes"));
    });

    it("diff passes plain olds and news and returns the operation's answer", async () => {
      const { calls, ops } = fakeOperations();
      const diff = await providerWith(ops).diff("id-1", MARIADB_URN, { ...mariaInputs, username: "old" }, mariaInputs);
      assert.deepEqual(calls[0].args, ["id-1", { ...mariaInputs, adminPassword: "s3cret", username: "old" }, { ...mariaInputs, adminPassword: "s3cret" }]);
      assert.deepEqual(diff, { changes: true, replaces: ["username"], deleteBeforeReplace: true });
    });

    it("at preview, unknown inputs skip the operations' check and diff", async () => {
      const { calls, ops } = fakeOperations();
      const p = providerWith(ops);
      const checked = await p.check(MARIADB_URN, {}, { ...mariaInputs, host: unknownValue });
      assert.deepEqual(checked.inputs, { ...mariaInputs, host: unknownValue });
      assert.deepEqual(calls, [], "check does not judge the unknown sentinel");
      // diff runs the resource's own diff with the unknown input standing for a value that equals nothing.
      const noReplace = providerWith(fakeOperations({ diff: async () => ({ changes: true, replaces: [] }) }).ops);
      assert.deepEqual(await noReplace.diff("id-1", MARIADB_URN, mariaInputs, { ...mariaInputs, host: unknownValue }), { changes: true });
      const throwing = providerWith(fakeOperations({ diff: async () => { throw new TypeError("cannot read scope.kind"); } }).ops);
      assert.deepEqual(await throwing.diff("id-1", MARIADB_URN, mariaInputs, { ...mariaInputs, host: unknownValue }), { changes: true });
    });

    it("at preview, an unknown input the resource replaces on is shown as a replacement, as up will do", async () => {
      const p = new ClickPipesRdsIamProvider();
      const iam = { targetKind: "instance", identifier: "orders", region: "eu-west-1", mode: "enable", restoreOnDelete: false, timeoutMinutes: 30, applyPendingModifications: false,
        consumerId: "c", enabledSetting: true, iamDatabaseAuthenticationEnabled: true, previouslyEnabled: false, changedByThis: true };
      assert.deepEqual(await p.diff("id", IAM_URN, iam, { ...iam, identifier: unknownValue }), { changes: true, replaces: ["identifier"], deleteBeforeReplace: false });
      assert.deepEqual(await p.diff("id", IAM_URN, iam, { ...iam, timeoutMinutes: unknownValue }), { changes: true });
      const user = { ...mariaInputs, adminPassword: "s3cret", resourceId: "db-ABC", tls: true, cdc: true, userCreated: true, userExists: true, plugin: "AWSAuthenticationPlugin", requireSsl: true,
        grantedDatabases: ["sales"], grantedPrivileges: [], addedRequireSsl: false };
      const news = { ...mariaInputs, resourceId: "db-ABC", tls: true };
      // A new address of the same server (same resource ID) is an update; of an unknown server, a replacement.
      assert.deepEqual(await p.diff("id", MARIADB_URN, user, { ...news, host: unknownValue }), { changes: true });
      const replaced = await p.diff("id", MARIADB_URN, user, { ...news, host: unknownValue, resourceId: unknownValue });
      assert.deepEqual([replaced.changes, [...(replaced.replaces ?? [])].sort()], [true, ["host", "resourceId"]]);
    });

    it("read and update re-wrap the secret; read of a gone resource returns an empty id", async () => {
      const { ops } = fakeOperations();
      const p = providerWith(ops);
      const read = await p.read("id-1", MARIADB_URN, mariaInputs);
      assert.deepEqual(read, { id: "id-1", props: mariaInputs });
      const updated = await p.update("id-1", MARIADB_URN, mariaInputs, { ...mariaInputs, cdc: false });
      assert.deepEqual(updated.outs, { ...mariaInputs, cdc: false, userCreated: true });
      const gone = providerWith(fakeOperations({ read: async () => ({ id: "" }) }).ops);
      assert.deepEqual(await gone.read("id-1", MARIADB_URN, mariaInputs), { id: "", props: {} });
      const goneUndefined = providerWith(fakeOperations({ read: async () => ({}) as { id: string } }).ops);
      assert.deepEqual(await goneUndefined.read("id-1", MARIADB_URN, mariaInputs), { id: "", props: {} });
    });

    it("a partial create's error keeps its id and gets its properties' secrets wrapped", async () => {
      const failing = fakeOperations({
        create: async (inputs) => {
          throw Object.assign(new Error("half done"), { id: "id-1", properties: { ...(inputs as object), userCreated: true } });
        },
      });
      await assert.rejects(providerWith(failing.ops).create(MARIADB_URN, mariaInputs), (e: Error & { id?: string; properties?: Record<string, unknown> }) => {
        assert.equal(e.message, "half done");
        assert.equal(e.id, "id-1");
        assert.deepEqual(e.properties, { ...mariaInputs, userCreated: true });
        return true;
      });
    });

    it("delete passes plain properties", async () => {
      const { calls, ops } = fakeOperations();
      await providerWith(ops).delete("id-1", MARIADB_URN, mariaInputs);
      assert.deepEqual(calls, [{ op: "delete", args: ["id-1", { ...mariaInputs, adminPassword: "s3cret" }] }]);
    });
  });

  describe("IamAuthEnablement", () => {
    it("check writes out the defaults and a consumer ID derived from the URN", async () => {
      const { calls, ops } = fakeOperations();
      const news = { targetKind: "instance", identifier: "orders-db", region: "eu-west-1" };
      const result = await providerWith(ops).check(IAM_URN, {}, news);
      const expected = {
        ...news,
        mode: "enable",
        restoreOnDelete: false,
        timeoutMinutes: 30,
        applyPendingModifications: false,
        consumerId: consumerIdOfUrn(IAM_URN),
        enabledSetting: true,
      };
      assert.deepEqual(calls[0].args[1], expected);
      assert.deepEqual(result.inputs, expected);
      assert.match(consumerIdOfUrn(IAM_URN), /^[0-9a-f]{32}$/);
      assert.notEqual(consumerIdOfUrn(IAM_URN), consumerIdOfUrn(urnOf(IAM_AUTH_ENABLEMENT, "other")));
    });

    it("check refuses an unknown target kind or mode", async () => {
      const { ops } = fakeOperations();
      const result = await providerWith(ops).check(IAM_URN, {}, { targetKind: "db", identifier: "x", region: "eu-west-1", mode: "off" });
      assert.deepEqual(
        result.failures!.map((f) => f.property),
        ["targetKind", "mode"],
      );
    });

    it("check refuses what IamAuthEnablement's constructor refuses, with its messages", async () => {
      const { ops, calls } = fakeOperations();
      const result = await providerWith(ops).check(IAM_URN, {}, {
        targetKind: "instance",
        identifier: "orders db!",
        region: "eu west 1",
        timeoutMinutes: 0,
        restoreOnDelete: "false",
        awsCredentials: { profil: "prod" },
      });
      assert.deepEqual(result.failures, [
        { property: "identifier", reason: '`identifier` "orders db!" is not a valid name; use letters, digits and hyphens, such as "orders-db".' },
        { property: "region", reason: '`region` "eu west 1" is not a valid name; use letters, digits and hyphens, such as "eu-west-1".' },
        { property: "restoreOnDelete", reason: '`restoreOnDelete` "false" is a string, not a boolean; use true or false.' },
        { property: "timeoutMinutes", reason: "`timeoutMinutes` 0 is out of range; use a number of minutes from 1 to 1440." },
        { property: "awsCredentials", reason: "`awsCredentials.profil` is not a setting of `awsCredentials`; use `profile` or `assumeRole`." },
      ]);
      assert.deepEqual(calls, [], "the operations are not reached");
    });

    it("is served by the real iamAuthEnablement operations by default", async () => {
      // diff needs no AWS call: a different region replaces.
      const p = new ClickPipesRdsIamProvider();
      const olds = { targetKind: "instance", identifier: "a", region: "eu-west-1", mode: "enable", iamDatabaseAuthenticationEnabled: true, consumerId: "c" };
      const diff = await p.diff("id", IAM_URN, olds, { ...olds, region: "us-east-1" });
      assert.deepEqual(diff, { changes: true, replaces: ["region"], deleteBeforeReplace: false });
    });
  });

  it("constructs only the component, and names it when asked for another type", async () => {
    const { ops } = fakeOperations();
    await assert.rejects(
      providerWith(ops).construct("x", IAM_AUTH_ENABLEMENT, {}, {}),
      { message: "unknown component type clickpipes-rds-iam:index:IamAuthEnablement: the clickpipes-rds-iam plugin constructs clickpipes-rds-iam:index:ClickPipesRdsIamAccess" },
    );
  });

  it("drops the serialized dynamic provider from state the npm path wrote, before the operations see it", async () => {
    const { calls, ops } = fakeOperations();
    const p = providerWith(ops);
    const state = { ...mariaInputs, adminPassword: "s3cret", userCreated: true, __provider: "exports.handler = ..." };
    await p.diff("id-1", MARIADB_URN, state, mariaInputs);
    await p.read("id-1", MARIADB_URN, state);
    await p.update("id-1", MARIADB_URN, state, mariaInputs);
    await p.delete("id-1", MARIADB_URN, state);
    // Each operation gets the old state second: diff(id, olds, news), read(id, props), update(id, olds, news), delete(id, props).
    for (const c of calls) assert.deepEqual(c.args[1], { ...mariaInputs, adminPassword: "s3cret", userCreated: true }, `${c.op} got the state without the dynamic provider`);
    assert.deepEqual(calls.map((c) => c.op), ["diff", "read", "update", "delete"]);
  });

  it("checks the readiness check's and the publication's required inputs, and keeps their admin password secret", async () => {
    const { ops } = fakeOperations();
    const p = providerWith(ops);
    const readiness = await p.check(urnOf(CDC_READINESS), {}, { host: "h", port: 5432, adminUsername: "a", adminPassword: secretValue("pw"), mode: "sometimes" });
    assert.deepEqual(readiness.failures!.map((f) => f.property), ["target", "check", "mode"]);
    const publication = await p.check(urnOf(POSTGRES_PUBLICATION), {}, {
      host: "h", port: 5432, adminUsername: "a", adminPassword: secretValue("pw"), database: "app", publicationName: "cp", scope: { kind: "schemas", schemas: ["public"] },
    });
    assert.deepEqual(publication.failures, undefined);
    assert.deepEqual(publication.inputs, {
      host: "h", port: 5432, adminUsername: "a", adminPassword: secretValue("pw"), database: "app", publicationName: "cp", scope: { kind: "schemas", schemas: ["public"] }, tls: true,
    });
  });

  describe("schema and version", () => {
    const schema = JSON.parse(readSchema(PROVIDER_DIR)) as {
      name: string;
      version: string;
      resources: Record<string, { inputProperties: Record<string, { secret?: boolean; description?: string }>; properties: Record<string, { secret?: boolean; description?: string }> }>;
    };

    it("lists the component and the custom resources under the package name, at the plugin's version", () => {
      assert.equal(schema.name, "clickpipes-rds-iam");
      assert.deepEqual(Object.keys(schema.resources).sort(), [CLICK_PIPE, COMPONENT, IAM_AUTH_ENABLEMENT, MARIADB_IAM_USER]);
      const pkg = JSON.parse(fs.readFileSync(path.join(PROVIDER_DIR, "package.json"), "utf8")) as { version: string; main: string };
      assert.equal(schema.version, pkg.version);
      assert.equal(pluginVersion(PROVIDER_DIR), pkg.version);
      assert.equal(schema.version, (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version);
    });

    it("marks the admin password secret, and describes every property", () => {
      const user = schema.resources[MARIADB_IAM_USER];
      assert.equal(user.inputProperties.adminPassword.secret, true);
      assert.equal(user.properties.adminPassword.secret, true);
      for (const [token, r] of Object.entries(schema.resources)) {
        for (const [name, prop] of Object.entries({ ...r.inputProperties, ...r.properties })) {
          assert.ok(prop.description, `${token}.${name} has no description`);
        }
      }
    });

    it("names every property the operations store", () => {
      // The outputs a real create returns (see tests/mariadbUser.realdb.spec.ts) and the enabler's state.
      const userOutputs = ["host", "port", "resourceId", "adminUsername", "adminPassword", "username", "databases", "cdc", "adoptExistingUser", "tls", "tlsVerify", "tlsCa",
        "userCreated", "grantedDatabases", "grantedPrivileges", "addedRequireSsl", "userExists", "plugin", "requireSsl"];
      assert.deepEqual(Object.keys(schema.resources[MARIADB_IAM_USER].properties).sort(), [...userOutputs].sort());
      const iamOutputs = ["targetKind", "identifier", "region", "mode", "restoreOnDelete", "timeoutMinutes", "applyPendingModifications", "awsCredentials", "targetArn",
        "consumerId", "enabledSetting", "previouslyEnabled", "changedByThis", "iamDatabaseAuthenticationEnabled"];
      assert.deepEqual(Object.keys(schema.resources[IAM_AUTH_ENABLEMENT].properties).sort(), [...iamOutputs].sort());
    });

    it("GetSchema returns the committed schema", async () => {
      assert.equal(await new ClickPipesRdsIamProvider().getSchema(), fs.readFileSync(path.join(PROVIDER_DIR, "schema.json"), "utf8"));
    });
  });
});
