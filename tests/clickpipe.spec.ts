import { strict as assert } from "assert";
import { ClickPipeSourceInput, clickPipeSource } from "../components/clickpipe";

const ROLE = "arn:aws:iam::123456789012:role/clickpipes";

/** One input per ClickPipes source type; `database` is ignored for MySQL and MariaDB. */
const TARGETS: Array<[string, Pick<ClickPipeSourceInput, "engine" | "deployment" | "host" | "port">]> = [
  ["rdspostgres", { engine: "postgres", deployment: "rds", host: "pg.abc.eu-west-1.rds.amazonaws.com", port: 5432 }],
  ["aurorapostgres", { engine: "postgres", deployment: "aurora", host: "apg.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432 }],
  ["rdsmysql", { engine: "mysql", deployment: "rds", host: "my.abc.eu-west-1.rds.amazonaws.com", port: 3306 }],
  ["auroramysql", { engine: "mysql", deployment: "aurora", host: "amy.cluster-abc.eu-west-1.rds.amazonaws.com", port: 3306 }],
  ["rdsmariadb", { engine: "mariadb", deployment: "rds", host: "maria.abc.eu-west-1.rds.amazonaws.com", port: 3306 }],
];

describe("clickPipeSource", () => {
  for (const [type, t] of TARGETS) {
    const postgres = t.engine === "postgres";
    const base = { ...t, database: "orders", username: "cp_user", roleArn: ROLE, publicationName: "cp_pub", replicationMechanism: "GTID" as const };
    /** The source object the API takes for `base`, with these settings. */
    const expected = (settings: Record<string, string>) => ({
      type,
      host: t.host,
      port: t.port,
      ...(postgres ? { database: "orders" } : {}),
      authentication: "IAM_ROLE",
      iamRole: ROLE,
      credentials: { username: "cp_user" },
      settings,
    });

    it(`is the API's source object for ${type}, Initial Load Only`, () => {
      assert.deepEqual(clickPipeSource({ ...base, cdc: false }), expected({ replicationMode: "snapshot" }));
    });

    it(`is the API's source object for ${type}, CDC`, () => {
      assert.deepEqual(
        clickPipeSource({ ...base, cdc: true }),
        expected(postgres ? { replicationMode: "cdc", publicationName: "cp_pub" } : { replicationMode: "cdc", replicationMechanism: "GTID" }),
      );
    });
  }

  it("keeps the API's field order: type, host, port, database, authentication, iamRole, credentials, settings", () => {
    assert.deepEqual(Object.keys(clickPipeSource({ ...TARGETS[0][1], database: "d", username: "u", roleArn: ROLE, cdc: false })), [
      "type",
      "host",
      "port",
      "database",
      "authentication",
      "iamRole",
      "credentials",
      "settings",
    ]);
  });

  it("carries FILE_POS when asked, and refuses a PostgreSQL CDC source without a publication", () => {
    assert.deepEqual(clickPipeSource({ ...TARGETS[2][1], username: "u", roleArn: ROLE, cdc: true, replicationMechanism: "FILE_POS" }).settings, { replicationMode: "cdc", replicationMechanism: "FILE_POS" });
    assert.throws(() => clickPipeSource({ ...TARGETS[0][1], database: "d", username: "u", roleArn: ROLE, cdc: true }), { message: "A PostgreSQL CDC source needs a publication name." });
  });
});
