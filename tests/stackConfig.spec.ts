import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader, argsFromConfig } from "../components/stackConfig";
import { valueOf } from "./support/mocks";

/** A config reader over a plain map, with the semantics of pulumi.Config for the calls used. */
function reader(values: Record<string, unknown>): ConfigReader {
  const get = (k: string) => (values[k] === undefined ? undefined : String(values[k]));
  return {
    get,
    require: (k: string) => {
      const v = get(k);
      if (v === undefined) throw new Error(`Missing required configuration variable '${k}'`);
      return v;
    },
    getBoolean: (k: string) => (values[k] === undefined ? undefined : values[k] === true),
    getNumber: (k: string) => (values[k] === undefined ? undefined : Number(values[k])),
    getObject: <T>(k: string) => values[k] as T | undefined,
    getSecret: (k: string) => (values[k] === undefined ? undefined : pulumi.secret(String(values[k]))),
  } as ConfigReader;
}

describe("stackConfig", () => {
  it("maps a PostgreSQL stack config to args, treating empty values as unset", async () => {
    const args = argsFromConfig(
      reader({
        clickhouseRoleArn: "arn:aws:iam::111122223333:role/ch",
        engine: "postgres",
        dbInstanceIdentifier: "orders",
        dbClusterIdentifier: "",
        dbUsername: "",
        adminUsername: "admin",
        adminPassword: "pw",
        database: "orders",
        schemas: [],
        databases: ["ignored-for-postgres"],
        cdc: false,
        publicationName: "",
        roleName: "",
      }),
    );
    const { adminPassword, ...rest } = args;
    assert.deepEqual(rest, {
      clickhouseRoleArn: "arn:aws:iam::111122223333:role/ch",
      engine: "postgres",
      dbInstanceIdentifier: "orders",
      dbClusterIdentifier: undefined,
      dbUsername: undefined,
      enableIamAuth: undefined,
      createDbUser: undefined,
      adminUsername: "admin",
      database: "orders",
      schemas: undefined,
      databases: undefined,
      cdc: false,
      cdcChecks: undefined,
      publicationName: undefined,
      createPublication: undefined,
      publicationTables: undefined,
      publicationAllTables: undefined,
      replicationMechanism: undefined,
      binlogRetentionHours: undefined,
      roleName: undefined,
    });
    assert.equal(await valueOf(adminPassword as pulumi.Output<string>), "pw");
    assert.equal(await pulumi.isSecret(adminPassword as pulumi.Output<string>), true);
  });

  it("passes databases, not PostgreSQL settings, for MySQL", () => {
    const args = argsFromConfig(reader({ clickhouseRoleArn: "arn:aws:iam::111122223333:role/ch", engine: "mysql", dbClusterIdentifier: "shop", database: "postgres", schemas: ["public"], databases: ["shop"] }));
    assert.deepEqual([args.databases, args.database, args.schemas, args.adminPassword], [["shop"], undefined, undefined, undefined]);
  });

  it("passes the CDC keys of the engine only with cdc, leaving the Pulumi.yaml defaults out", () => {
    const base = { clickhouseRoleArn: "arn:aws:iam::111122223333:role/ch", dbInstanceIdentifier: "db" };
    const defaults = { cdcChecks: "", createPublication: true, publicationTables: [], publicationAllTables: false, replicationMechanism: "", binlogRetentionHours: 0 };
    const pick = (a: ReturnType<typeof argsFromConfig>) => [a.cdcChecks, a.createPublication, a.publicationTables, a.publicationAllTables, a.replicationMechanism, a.binlogRetentionHours];
    assert.deepEqual(pick(argsFromConfig(reader({ ...base, ...defaults, engine: "postgres", cdc: false }))), [undefined, undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(pick(argsFromConfig(reader({ ...base, ...defaults, engine: "postgres", cdc: true, publicationTables: ["public.a"] }))), [undefined, true, ["public.a"], undefined, undefined, undefined]);
    assert.deepEqual(pick(argsFromConfig(reader({ ...base, ...defaults, engine: "mariadb", cdc: true, cdcChecks: "warn", binlogRetentionHours: 96 }))), ["warn", undefined, undefined, undefined, undefined, 96]);
  });

  it("requires clickhouseRoleArn and engine", () => {
    assert.throws(() => argsFromConfig(reader({ engine: "postgres" })), { message: "Missing required configuration variable 'clickhouseRoleArn'" });
    assert.throws(() => argsFromConfig(reader({})), { message: "Missing required configuration variable 'engine'" });
  });
});
