/**
 * The admin password is never in plain text: not in any child's inputs (except wrapped as a
 * Pulumi secret), not in the component's registered inputs or outputs, not in an invoke, not in
 * a dynamic provider's serialized code.
 *
 * How secretness is observed: the mock monitor deserializes each RegisterResource request with
 * secrets kept, so a secret input arrives in `MockResourceArgs.inputs` wrapped as
 * `{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`
 * (`pulumi.runtime.isRpcSecret`); a value sent in plain text arrives as the bare string.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CLICKPIPES_RDS_IAM_ACCESS_TYPE, ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs, MariaDbIamUser } from "../components";
import { cloud, clusterLookup, installMocks, instanceLookup, settleTree, valueOf } from "./support/mocks";

const PASSWORD = "pw-9f1c2e7a-do-not-leak";
const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-demo-Role";

/** Paths under `value` where `needle` appears in plain text (outside a secret wrapper). */
function plainPaths(value: unknown, needle: string, path: string): string[] {
  if (pulumi.runtime.isRpcSecret(value)) return [];
  if (typeof value === "string") return value.includes(needle) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainPaths(v, needle, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => plainPaths(v, needle, `${path}.${k}`));
  return [];
}

/** Paths under `value` where `needle` appears inside a secret wrapper. */
function secretPaths(value: unknown, needle: string, path: string): string[] {
  if (pulumi.runtime.isRpcSecret(value)) return plainPaths(pulumi.runtime.unwrapRpcSecret(value), needle, path);
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, needle, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => secretPaths(v, needle, `${path}.${k}`));
  return [];
}

/** What a registered component's outputs were (`registerOutputs`), as the mock monitor holds them. */
function registeredOutputs(urn: string): unknown {
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, { state: { toJavaScript?: () => unknown } }> };
  const state = monitor.resources.get(urn)?.state;
  if (state === undefined) throw new Error(`no registered resource ${urn}`);
  return typeof state.toJavaScript === "function" ? state.toJavaScript() : state;
}

const OUTPUTS = ["roleArn", "roleName", "dbUserArn", "resourceId", "host", "port", "dbUsername", "clickPipeSource", "pipeModes", "setupSql"] as const;

interface Case {
  engine: string;
  args: ClickPipesRdsIamAccessArgs;
  /** Where the password must be, and only as a secret. */
  carriers: string[];
}

const cases: Case[] = [
  {
    engine: "PostgreSQL (RDS instance, @pulumi/postgresql provider)",
    args: { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbInstanceIdentifier: "orders-pg", adminUsername: "admin_user", adminPassword: PASSWORD },
    carriers: ["pulumi:providers:postgresql s-postgresql $.password"],
  },
  {
    engine: "MySQL (Aurora cluster, @pulumi/mysql provider)",
    args: { clickhouseRoleArn: CH_ROLE, engine: "mysql", dbClusterIdentifier: "shop-aurora", adminUsername: "admin_user", adminPassword: PASSWORD, databases: ["shop"] },
    carriers: ["pulumi:providers:mysql s-mysql $.password"],
  },
  {
    engine: "MariaDB (RDS instance, dynamic resource)",
    args: { clickhouseRoleArn: CH_ROLE, engine: "mariadb", dbInstanceIdentifier: "shop-maria", adminUsername: "admin_user", adminPassword: PASSWORD, databases: ["shop"] },
    carriers: ["pulumi-nodejs:dynamic:Resource s-db-user $.adminPassword"],
  },
];

const passwordForms: Array<[string, () => pulumi.Input<string>]> = [
  ["a plain string", () => PASSWORD],
  ["an Output that is not secret", () => pulumi.output(PASSWORD)],
  ["a secret Output", () => pulumi.secret(PASSWORD)],
];

describe("secrets", () => {
  before(() => installMocks());
  beforeEach(() =>
    cloud.reset({
      instances: {
        "orders-pg": instanceLookup({ identifier: "orders-pg" }),
        "shop-maria": instanceLookup({ identifier: "shop-maria", engine: "mariadb", engineVersion: "10.11.9" }),
      },
      clusters: { "shop-aurora": clusterLookup({ identifier: "shop-aurora" }) },
    }),
  );

  for (const c of cases) {
    // Every form for MySQL, whose provider does not mark its password secret by itself (the
    // postgresql provider and the MariaDB resource do): this component's own wrapping is what counts there.
    for (const [form, password] of c.args.engine === "mysql" ? passwordForms : passwordForms.slice(0, 1)) {
      it(`${c.engine}, password given as ${form}: only the admin connection holds it, as a secret`, async () => {
        const component = new ClickPipesRdsIamAccess("s", { ...c.args, adminPassword: password() });
        await settleTree(component);

        const where = (find: (v: unknown, n: string, p: string) => string[]) => [
          ...cloud.resources.flatMap((r) => find(r.inputs, PASSWORD, `${r.type} ${r.name} $`)),
          ...cloud.invokes.flatMap((i) => find(i.inputs, PASSWORD, `invoke ${i.token} $`)),
        ];
        assert.deepEqual(where(plainPaths), []);
        assert.deepEqual(where(secretPaths), c.carriers);

        assert.deepEqual(cloud.one(CLICKPIPES_RDS_IAM_ACCESS_TYPE).inputs, {});
        const urn = await valueOf(component.urn);
        assert.deepEqual(plainPaths(registeredOutputs(urn), PASSWORD, "$"), []);
        for (const name of OUTPUTS) {
          assert.deepEqual(plainPaths(await valueOf(component[name] as pulumi.Output<unknown>), PASSWORD, `$.${name}`), []);
        }
      });
    }
  }

  it("registers the component's outputs, which the leak check reads", async () => {
    const component = new ClickPipesRdsIamAccess("s", cases[0].args);
    await settleTree(component);
    const outputs = registeredOutputs(await valueOf(component.urn)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(outputs).sort(), [...OUTPUTS].sort());
    assert.equal(outputs.dbUsername, "clickpipes_iam_user");
  });

  it("keeps the MariaDB user's adminPassword output secret", async () => {
    const component = new ClickPipesRdsIamAccess("s", cases[2].args);
    await settleTree(component);
    assert.ok(component.dbUser instanceof MariaDbIamUser);
    const adminPassword = (component.dbUser as unknown as { adminPassword: pulumi.Output<string> }).adminPassword;
    assert.equal(await pulumi.isSecret(adminPassword), true);
  });

  it("finds a password sent in plain text (the check can fail)", () => {
    const leaked = { password: PASSWORD, nested: [{ note: `x${PASSWORD}x` }], safe: pulumi.runtime.isRpcSecret({}) };
    assert.deepEqual(plainPaths(leaked, PASSWORD, "$"), ["$.password", "$.nested[0].note"]);
  });
});
