/**
 * What the doctor reads before it calls anything: the flags (`args.ts`), the stack outputs in
 * their three shapes (`outputs.ts`), and the request built from both (`request.ts`). Pure.
 */
import * as assert from "node:assert/strict";
import { parseDoctorArgs } from "../../components/cli/doctor/args";
import { databaseFromSetupSql, databasesFromSetupSql, parseStackOutputs, schemasFromSetupSql } from "../../components/cli/doctor/outputs";
import { buildRequest, parseDbUserArn, parseRdsHost } from "../../components/cli/doctor/request";
import { UsageError } from "../../components/cli/io";
import { setupSql } from "../../components/clickpipe";
import { auroraFixture, mariadbFixture, postgresFixture } from "../support/doctorAws";

const usage = (message: string) => (e: unknown) => e instanceof UsageError && e.message === message;

describe("doctor inputs", () => {
  describe("parseDoctorArgs", () => {
    it("reads every flag, lists split on commas, TLS verified by default", () => {
      const o = parseDoctorArgs([
        "--file=o.json",
        "--component",
        "orders",
        "--engine",
        "postgres",
        "--identifier",
        "orders",
        "--region",
        "eu-west-1",
        "--profile",
        "prod",
        "--assume-role-arn",
        "arn:aws:iam::123456789012:role/doctor",
        "--external-id",
        "x-1",
        "--admin-username",
        "admin",
        "--database",
        "app",
        "--schemas",
        "public, sales",
        "--databases",
        "shop",
        "--tls-ca",
        "ca.pem",
        "--db-host",
        "localhost",
        "--db-port",
        "15432",
        "--json",
      ]);
      assert.deepEqual(o, {
        help: false,
        json: true,
        skipAws: false,
        adminPasswordStdin: false,
        tlsVerify: true,
        file: "o.json",
        component: "orders",
        engine: "postgres",
        identifier: "orders",
        region: "eu-west-1",
        database: "app",
        schemas: ["public", "sales"],
        databases: ["shop"],
        profile: "prod",
        assumeRoleArn: "arn:aws:iam::123456789012:role/doctor",
        externalId: "x-1",
        adminUsername: "admin",
        dbHost: "localhost",
        dbPort: 15432,
        tlsCaFile: "ca.pem",
      });
      assert.equal(parseDoctorArgs(["--no-tls-verify"]).tlsVerify, false);
    });

    it("refuses flags that contradict each other, each with its own message", () => {
      assert.throws(() => parseDoctorArgs(["--identifier", "a", "--cluster", "b"]), usage("`--identifier` and `--cluster` both name the database; give one of them."));
      assert.throws(() => parseDoctorArgs(["--external-id", "x"]), usage("`--external-id` needs `--assume-role-arn`: it is the external ID of that role."));
      assert.throws(() => parseDoctorArgs(["--tls-ca", "ca.pem", "--no-tls-verify"]), usage("`--tls-ca` and `--no-tls-verify` contradict each other; give `--tls-ca` to verify against your CA, or neither."));
      assert.throws(() => parseDoctorArgs(["--db-port", "99999"]), usage("`--db-port` is not a port number; use a number from 1 to 65535."));
      assert.throws(() => parseDoctorArgs(["--schemas", "a,,b"]), usage('`--schemas` has an empty name; give names separated by commas, such as "public,sales".'));
      assert.throws(() => parseDoctorArgs(["--region", ""]), usage("`--region` is empty; give a value or leave the flag out."));
    });
  });

  describe("parseStackOutputs", () => {
    it("takes one component's outputs as they are", () => {
      const { outputs } = postgresFixture();
      assert.deepEqual(parseStackOutputs(JSON.stringify(outputs)), { outputs });
    });

    it("takes a map of components, and picks the only one without --component", () => {
      const { outputs } = postgresFixture();
      assert.deepEqual(parseStackOutputs(JSON.stringify({ orders: outputs })), { outputs, component: "orders" });
      assert.throws(() => parseStackOutputs(JSON.stringify({ orders: outputs }), "billing"), usage('`--component` "billing" is not in the stack outputs; choose one of "orders".'));
    });

    it("takes the per-output maps of the multiple-databases example", () => {
      const a = postgresFixture().outputs;
      const b = mariadbFixture().outputs;
      const text = JSON.stringify({ roleArns: { orders: a.roleArn, shop: b.roleArn }, clickPipeSources: { orders: a.clickPipeSource, shop: b.clickPipeSource }, setupSql: { orders: a.setupSql, shop: b.setupSql } });
      assert.deepEqual(parseStackOutputs(text, "shop"), { outputs: { roleArn: b.roleArn, clickPipeSource: b.clickPipeSource, setupSql: b.setupSql }, component: "shop" });
    });

    it("refuses a port that is not a number, and --component for a single component", () => {
      assert.throws(() => parseStackOutputs('{"roleArn":"arn:aws:iam::1:role/r","port":"x"}'), usage("`port` is a string, not a port number."));
      assert.throws(() => parseStackOutputs('{"roleArn":"arn:aws:iam::1:role/r"}', "a"), usage('`--component` "a" was given, but the outputs are those of a single component; leave `--component` out.'));
    });
  });

  describe("setupSql", () => {
    it("gives back the PostgreSQL database and schemas, quoted names included", () => {
      const sql = setupSql({ engine: "postgres", username: "u", database: 'my "db"', schemas: ["public", 'Sales "EU"'], cdc: false });
      assert.equal(databaseFromSetupSql(sql), 'my "db"');
      assert.deepEqual(schemasFromSetupSql(sql), ["public", 'Sales "EU"']);
    });

    it("gives back the MySQL databases with the grant's wildcard escapes undone", () => {
      assert.deepEqual(databasesFromSetupSql(setupSql({ engine: "mysql", username: "u", databases: ["my_db", "100%", "a`b"], cdc: true })), ["my_db", "100%", "a`b"]);
    });
  });

  describe("parseRdsHost, parseDbUserArn", () => {
    it("tells instance, cluster writer, reader, custom and proxy endpoints apart", () => {
      assert.deepEqual(parseRdsHost("Orders.c9akciq32.eu-west-1.rds.amazonaws.com"), { kind: "instance", identifier: "orders", region: "eu-west-1" });
      assert.deepEqual(parseRdsHost("a.cluster-c9akciq32.us-east-2.rds.amazonaws.com"), { kind: "cluster", identifier: "a", region: "us-east-2" });
      assert.deepEqual(parseRdsHost("a.cluster-ro-c9akciq32.us-east-2.rds.amazonaws.com"), { kind: "cluster-reader", identifier: "a", region: "us-east-2" });
      assert.deepEqual(parseRdsHost("x.cluster-custom-c9akciq32.us-east-2.rds.amazonaws.com"), { kind: "cluster-custom", identifier: "x", region: "us-east-2" });
      assert.deepEqual(parseRdsHost("p.proxy-c9akciq32.us-east-2.rds.amazonaws.com"), { kind: "proxy", identifier: "p", region: "us-east-2" });
      assert.equal(parseRdsHost("db.example.com"), undefined);
    });

    it("reads a dbuser ARN, and nothing else", () => {
      assert.deepEqual(parseDbUserArn("arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:cluster-ABC/u.name"), { partition: "aws-cn", region: "cn-north-1", account: "123456789012", resourceId: "cluster-ABC", user: "u.name" });
      assert.equal(parseDbUserArn("arn:aws:rds:eu-west-1:123456789012:db:orders"), undefined);
    });
  });

  describe("buildRequest", () => {
    it("reads the engine, target, region, CDC and schemas from the outputs", () => {
      const { outputs } = postgresFixture();
      assert.deepEqual(buildRequest(outputs, parseDoctorArgs([])), {
        cdc: true,
        replicationMechanism: "GTID",
        schemas: ["public", "sales"],
        databases: [],
        engine: "postgres",
        deployment: "rds",
        target: { kind: "instance", identifier: "orders" },
        resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
        region: "eu-west-1",
        roleArn: outputs.roleArn,
        roleName: "clickpipes-orders",
        dbUserArn: outputs.dbUserArn,
        host: outputs.host,
        port: 5432,
        dbUsername: "clickpipes_iam_user",
        publicationName: "clickpipes",
        database: "app",
      });
    });

    it("finds an Aurora cluster by its writer endpoint, and lets flags win", () => {
      const { outputs } = auroraFixture();
      assert.deepEqual(buildRequest(outputs, parseDoctorArgs([])).target, { kind: "cluster", identifier: "analytics" });
      const r = buildRequest(outputs, parseDoctorArgs(["--cluster", "other", "--region", "us-east-1", "--schemas", "x"]));
      assert.deepEqual([r.target, r.region, r.schemas], [{ kind: "cluster", identifier: "other" }, "us-east-1", ["x"]]);
    });

    it("refuses an --engine the outputs contradict", () => {
      assert.throws(() => buildRequest(postgresFixture().outputs, parseDoctorArgs(["--engine", "mysql"])), usage('`--engine` contradicts the outputs: `clickPipeSource.type` "rdspostgres" is postgres; leave `--engine` out.'));
    });
  });
});
