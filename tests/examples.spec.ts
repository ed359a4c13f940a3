import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { cloud, installMocks } from "./support/mocks";
import { runWithLookups, sampleStack } from "./support/programs";
import { exampleNames } from "../scripts/plan";
import { ProgramError, ProgramRun, resolved, runProgram } from "../scripts/runProgram";
import { SECRET_PLACEHOLDER, StackFile } from "../scripts/stackFile";

const EXAMPLES = path.resolve(__dirname, "..", "examples");
const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-sample-service-Role";
const PROGRAMS = ["analytics-source", "aurora-mysql-cdc", "clickpipe-end-to-end", "multiple-databases", "new-rds-instance", "rds-postgres-initial-load"];
/** Programs in other Pulumi languages, checked against the plugin's schema by tests/otherLanguages.examples.spec.ts. */
const OTHER_LANGUAGES = ["python-other-languages", "yaml-other-languages"];

/** The example's Pulumi.sample.yaml, moved into the test project's config namespace. */
function sampleConfig(example: string): StackFile {
  return sampleStack(path.join(EXAMPLES, example));
}

/** Runs an example under the strict test mocks, its lookups answered from its sample config. */
function runExample(example: string, stack: StackFile = sampleConfig(example)): Promise<ProgramRun> {
  return runWithLookups(path.join(EXAMPLES, example), stack);
}

/** `type name` of every registration, sorted (registration order depends on promise timing). */
function registered(): string[] {
  return cloud.resources.map((r) => `${r.type} ${r.name}`).sort();
}

/** Child name to parent name, from the program's own view of the tree. */
function parents(run: ProgramRun): Record<string, string> {
  const names = new Map(run.resources.map((r) => [r.resource, r.name] as const));
  return Object.fromEntries(run.resources.filter((r) => r.parent !== undefined).map((r) => [r.name, names.get(r.parent as pulumi.Resource) ?? "?"]));
}

function inputsOf(type: string, name: string): Record<string, unknown> {
  const found = cloud.resources.filter((r) => r.type === type && r.name === name);
  assert.equal(found.length, 1, `expected one ${type} ${name}`);
  return found[0].inputs;
}

function propsOf(run: ProgramRun, name: string): Record<string, unknown> {
  const found = run.resources.find((r) => r.name === name);
  assert.ok(found, `no resource ${name}`);
  return found.props;
}

/** A secret input as the engine receives it: wrapped, so that it is stored encrypted. */
function secret(value: string): Record<string, string> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

function json(v: unknown): unknown {
  return JSON.parse(String(v));
}

function connectResource(policyName: string): unknown {
  return (json(inputsOf("aws:iam/rolePolicy:RolePolicy", policyName).policy) as { Statement: Array<{ Resource: unknown }> }).Statement[0].Resource;
}

function trustedPrincipal(roleName: string): unknown {
  return (json(inputsOf("aws:iam/role:Role", roleName).assumeRolePolicy) as { Statement: Array<{ Principal: unknown; Action: unknown }> }).Statement[0];
}

describe("examples", () => {
  before(() => installMocks());

  describe("layout", () => {
    it("has the five example programs and the GitHub Actions example", () => {
      assert.deepEqual(exampleNames(), PROGRAMS);
      assert.deepEqual(fs.readdirSync(EXAMPLES).sort(), [...PROGRAMS, ...OTHER_LANGUAGES, "github-actions"].sort());
    });

    for (const name of PROGRAMS) {
      it(`${name} is a standalone Node.js Pulumi project that depends on the package by name`, () => {
        const dir = path.join(EXAMPLES, name);
        const project = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
        assert.deepEqual([project.name, project.runtime], [`clickpipes-example-${name}`, "nodejs"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.equal(pkg.dependencies["clickpipes-rds-iam"], "file:../..");
        assert.ok(fs.readFileSync(path.join(dir, "README.md"), "utf8").startsWith("# "));
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
          const source = fs.readFileSync(path.join(dir, file), "utf8");
          assert.doesNotMatch(source, /from "\.\.\/|components\//, `${file} imports the package by path instead of by name`);
        }
      });
    }

    it("the README links every example", () => {
      const index = fs.readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
      for (const name of [...PROGRAMS, "github-actions"]) assert.match(index, new RegExp(`\\(examples/${name}/\\)`), name);
    });
  });

  describe("rds-postgres-initial-load", () => {
    it("creates the role, the IAM-auth enabler and the PostgreSQL user for the looked-up instance", async () => {
      const run = await runExample("rds-postgres-initial-load");
      assert.deepEqual(registered(), [
        "aws:iam/role:Role orders-role",
        "aws:iam/rolePolicy:RolePolicy orders-connect",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess orders",
        "postgresql:index/defaultPrivileges:DefaultPrivileges orders-default-select-billing",
        "postgresql:index/defaultPrivileges:DefaultPrivileges orders-default-select-public",
        "postgresql:index/grant:Grant orders-select-billing",
        "postgresql:index/grant:Grant orders-select-public",
        "postgresql:index/grant:Grant orders-usage-billing",
        "postgresql:index/grant:Grant orders-usage-public",
        "postgresql:index/role:Role orders-db-user",
        "pulumi-nodejs:dynamic:Resource orders-iam-auth",
        "pulumi:providers:postgresql orders-postgresql",
        "pulumi:pulumi:Stack project-stack",
      ]);
      assert.deepEqual(parents(run)["orders"], "project-stack");
      assert.deepEqual(parents(run)["orders-db-user"], "orders");
      assert.deepEqual(cloud.invokes.map((i) => [i.token, i.inputs.dbInstanceIdentifier]), [["aws:rds/getInstance:getInstance", "orders-postgres"]]);
      assert.deepEqual(trustedPrincipal("orders-role"), { Sid: "AllowClickHouseServiceRole", Effect: "Allow", Principal: { AWS: CH_ROLE }, Action: ["sts:AssumeRole", "sts:TagSession"] });
      assert.equal(connectResource("orders-connect"), "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user");
      const provider = inputsOf("pulumi:providers:postgresql", "orders-postgresql");
      assert.deepEqual([provider.host, provider.database, provider.username, provider.password], [
        "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
        "orders",
        "postgres_admin",
        secret(SECRET_PLACEHOLDER),
      ]);
      assert.equal(await pulumi.isSecret(pulumi.output(propsOf(run, "orders-postgresql").password)), true);
      assert.deepEqual(
        ["public", "billing"].map((s) => inputsOf("postgresql:index/grant:Grant", `orders-select-${s}`).schema),
        ["public", "billing"],
      );
      assert.deepEqual(await resolved(run.exports.clickPipeSource), {
        type: "rdspostgres",
        host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
        port: 5432,
        database: "orders",
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/orders-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "snapshot" },
      });
      assert.equal(await resolved(run.exports.roleArn), "arn:aws:iam::123456789012:role/orders-role-0123456");
      assert.equal(
        await resolved(run.exports.setupSql),
        [
          '-- connect to database "orders"',
          'CREATE ROLE "clickpipes_iam_user" WITH LOGIN;',
          'GRANT rds_iam TO "clickpipes_iam_user";',
          'GRANT USAGE ON SCHEMA "public" TO "clickpipes_iam_user";',
          'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "clickpipes_iam_user";',
          'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres_admin" IN SCHEMA "public" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
          'GRANT USAGE ON SCHEMA "billing" TO "clickpipes_iam_user";',
          'GRANT SELECT ON ALL TABLES IN SCHEMA "billing" TO "clickpipes_iam_user";',
          'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres_admin" IN SCHEMA "billing" GRANT SELECT ON TABLES TO "clickpipes_iam_user";',
          "",
        ].join("\n"),
      );
      assert.deepEqual(Object.keys(run.exports), ["roleArn", "clickPipeSource", "setupSql"]);
    });
  });

  describe("aurora-mysql-cdc", () => {
    it("targets the cluster: cluster- resource ID, ModifyDBCluster, and the CDC replication grant", async () => {
      const run = await runExample("aurora-mysql-cdc");
      assert.deepEqual(registered(), [
        "aws:iam/role:Role shop-role",
        "aws:iam/rolePolicy:RolePolicy shop-connect",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess shop",
        "mysql:index/grant:Grant shop-replication",
        "mysql:index/grant:Grant shop-select-inventory",
        "mysql:index/grant:Grant shop-select-shop",
        "mysql:index/user:User shop-db-user",
        "pulumi-nodejs:dynamic:Resource shop-cdc-readiness",
        "pulumi-nodejs:dynamic:Resource shop-iam-auth",
        "pulumi:providers:mysql shop-mysql",
        "pulumi:pulumi:Stack project-stack",
      ]);
      assert.deepEqual(cloud.invokes.map((i) => [i.token, i.inputs.clusterIdentifier]), [["aws:rds/getCluster:getCluster", "shop-aurora"]]);
      const iamAuth = inputsOf("pulumi-nodejs:dynamic:Resource", "shop-iam-auth");
      assert.deepEqual([iamAuth.targetKind, iamAuth.identifier, iamAuth.region, iamAuth.mode], ["cluster", "shop-aurora", "us-east-1", "enable"]);
      assert.equal(connectResource("shop-connect"), "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/clickpipes_iam_user");
      assert.equal(inputsOf("pulumi:providers:mysql", "shop-mysql").endpoint, "shop-aurora.cluster-c1abcdefghij.us-east-1.rds.amazonaws.com:3306");
      const user = inputsOf("mysql:index/user:User", "shop-db-user");
      assert.deepEqual([user.user, user.host, user.authPlugin, user.tlsOption], ["clickpipes_iam_user", "%", "AWSAuthenticationPlugin", "SSL"]);
      const replication = inputsOf("mysql:index/grant:Grant", "shop-replication");
      assert.deepEqual([replication.database, replication.privileges], ["*", ["REPLICATION CLIENT", "REPLICATION SLAVE"]]);
      assert.deepEqual(await resolved(run.exports.pipeModes), ["snapshot", "cdc"]);
      assert.deepEqual(await resolved(run.exports.clickPipeSource), {
        type: "auroramysql",
        host: "shop-aurora.cluster-c1abcdefghij.us-east-1.rds.amazonaws.com",
        port: 3306,
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/shop-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "cdc", replicationMechanism: "GTID" },
      });
      assert.equal(
        await resolved(run.exports.setupSql),
        [
          "CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;",
          "GRANT SELECT ON `shop`.* TO 'clickpipes_iam_user'@'%';",
          "GRANT SELECT ON `inventory`.* TO 'clickpipes_iam_user'@'%';",
          "GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'clickpipes_iam_user'@'%';",
          "-- RDS and Aurora: keep binary logs 72 hours (skip it if the value is already higher)",
          "CALL mysql.rds_set_configuration('binlog retention hours', 72);",
          "",
        ].join("\n"),
      );
    });
  });

  describe("new-rds-instance", () => {
    const address = "orders-db-abc1234.c1abcdefghij.eu-west-1.rds.amazonaws.com";
    function instanceState(): void {
      // What AWS assigns when it creates the instance.
      cloud.extraState["orders-db"] = {
        identifier: "orders-db-abc1234",
        arn: "arn:aws:rds:eu-west-1:123456789012:db:orders-db-abc1234",
        resourceId: "db-NEWINSTANCE00000000000000",
        address,
        endpoint: `${address}:5432`,
        port: 5432,
        engineVersionActual: "16.4",
      };
    }

    it("creates the instance with IAM auth on, then the role and user from its own outputs, with no lookup", async () => {
      const stack = sampleConfig("new-rds-instance");
      cloud.reset();
      instanceState();
      const run = await runProgram(path.join(EXAMPLES, "new-rds-instance", "index.ts"), stack);
      assert.deepEqual(registered(), [
        "aws:iam/role:Role orders-role",
        "aws:iam/rolePolicy:RolePolicy orders-connect",
        "aws:rds/instance:Instance orders-db",
        "aws:rds/parameterGroup:ParameterGroup orders-params",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess orders",
        "postgresql:index/defaultPrivileges:DefaultPrivileges orders-default-select-public",
        "postgresql:index/grant:Grant orders-select-public",
        "postgresql:index/grant:Grant orders-usage-public",
        "postgresql:index/role:Role orders-db-user",
        "pulumi-nodejs:dynamic:Resource orders-cdc-readiness",
        "pulumi-nodejs:dynamic:Resource orders-publication",
        "pulumi:providers:postgresql orders-postgresql",
        "pulumi:pulumi:Stack project-stack",
      ]);
      assert.deepEqual(cloud.invokes, []);
      const db = inputsOf("aws:rds/instance:Instance", "orders-db");
      assert.deepEqual(
        [db.engine, db.engineVersion, db.iamDatabaseAuthenticationEnabled, db.username, db.password, db.dbSubnetGroupName, db.vpcSecurityGroupIds],
        ["postgres", "16", true, "orders_admin", secret(SECRET_PLACEHOLDER), "analytics-private", ["sg-0123456789abcdef0"]],
      );
      assert.equal(await pulumi.isSecret(pulumi.output(propsOf(run, "orders-db").password)), true);
      assert.equal(connectResource("orders-connect"), "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-NEWINSTANCE00000000000000/clickpipes_iam_user");
      const provider = inputsOf("pulumi:providers:postgresql", "orders-postgresql");
      assert.deepEqual([provider.host, provider.username, provider.password], [address, "orders_admin", secret(SECRET_PLACEHOLDER)]);
      assert.equal(await resolved(run.exports.dbEndpoint), `${address}:5432`);
      assert.equal(((await resolved(run.exports.clickPipeSource)) as { host: string }).host, address);
      assert.deepEqual(inputsOf("aws:rds/parameterGroup:ParameterGroup", "orders-params").parameters, [
        { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
        { name: "rds.iam_auth_for_replication", value: "1", applyMethod: "immediate" },
      ]);
      assert.deepEqual(((await resolved(run.exports.clickPipeSource)) as { settings: unknown }).settings, { replicationMode: "cdc", publicationName: "clickpipes_iam_user_publication" });
      assert.deepEqual(inputsOf("pulumi-nodejs:dynamic:Resource", "orders-publication").scope, { kind: "schemas", schemas: ["public"] });
    });

    it("is refused by the component when the instance has IAM auth off", async () => {
      const stack = sampleConfig("new-rds-instance");
      cloud.reset();
      instanceState();
      cloud.extraState["orders-db"].iamDatabaseAuthenticationEnabled = false;
      await assert.rejects(runProgram(path.join(EXAMPLES, "new-rds-instance", "index.ts"), stack), (e: unknown) => {
        assert.ok(e instanceof ProgramError);
        assert.deepEqual(e.messages, [
          'IAM database authentication is off on instance "orders-db"; set `iamDatabaseAuthenticationEnabled: true` on the aws.rds.Instance (this component never modifies a database it does not own).',
        ]);
        return true;
      });
      assert.deepEqual(cloud.byType("aws:iam/role:Role"), []);
    });
  });

  describe("multiple-databases", () => {
    it("creates one component, role and database user per entry, each scoped to its own database", async () => {
      const run = await runExample("multiple-databases");
      assert.deepEqual(
        cloud.resources.filter((r) => r.type === "clickpipes-rds-iam:index:ClickPipesRdsIamAccess").map((r) => r.name).sort(),
        ["billing", "orders", "shop"],
      );
      assert.deepEqual(registered().filter((r) => !r.startsWith("postgresql:index/") && !r.startsWith("mysql:index/grant")), [
        "aws:iam/role:Role billing-role",
        "aws:iam/role:Role orders-role",
        "aws:iam/role:Role shop-role",
        "aws:iam/rolePolicy:RolePolicy billing-connect",
        "aws:iam/rolePolicy:RolePolicy orders-connect",
        "aws:iam/rolePolicy:RolePolicy shop-connect",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess billing",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess orders",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess shop",
        "mysql:index/user:User shop-db-user",
        "pulumi-nodejs:dynamic:Resource billing-iam-auth",
        "pulumi-nodejs:dynamic:Resource orders-iam-auth",
        "pulumi-nodejs:dynamic:Resource shop-cdc-readiness",
        "pulumi-nodejs:dynamic:Resource shop-iam-auth",
        "pulumi:providers:mysql shop-mysql",
        "pulumi:providers:postgresql orders-postgresql",
        "pulumi:pulumi:Stack project-stack",
      ]);
      assert.deepEqual(
        ["orders", "shop", "billing"].map((n) => connectResource(`${n}-connect`)),
        [
          "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ORDERS0000000000000000000/clickpipes_iam_user",
          "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-SHOP00000000000000000000/clickpipes_iam_user",
          "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-BILLING000000000000000000/clickpipes_iam_user",
        ],
      );
      assert.deepEqual(
        ["orders-postgresql", "shop-mysql"].map((n) => cloud.resources.find((r) => r.name === n)?.inputs.password),
        [secret(SECRET_PLACEHOLDER), secret(SECRET_PLACEHOLDER)],
      );
      assert.deepEqual(await resolved(run.exports.roleArns), {
        orders: "arn:aws:iam::123456789012:role/orders-role-0123456",
        shop: "arn:aws:iam::123456789012:role/shop-role-0123456",
        billing: "arn:aws:iam::123456789012:role/billing-role-0123456",
      });
      const sources = (await resolved(run.exports.clickPipeSources)) as Record<string, { type: string; settings: { replicationMode: string } }>;
      assert.deepEqual(
        Object.entries(sources).map(([n, s]) => [n, s.type, s.settings.replicationMode]),
        [
          ["orders", "rdspostgres", "snapshot"],
          ["shop", "auroramysql", "cdc"],
          ["billing", "rdsmariadb", "snapshot"],
        ],
      );
      assert.equal(
        ((await resolved(run.exports.setupSql)) as Record<string, string>).billing,
        "CREATE USER 'clickpipes_iam_user'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL;\nGRANT SELECT ON `billing`.* TO 'clickpipes_iam_user'@'%';\n",
      );
    });

    it("fails with the example's own message when a target's admin password is missing", async () => {
      const stack = sampleConfig("multiple-databases");
      const key = `${pulumi.getProject()}:adminPasswords`;
      stack.config[key] = JSON.stringify({ orders: SECRET_PLACEHOLDER });
      await assert.rejects(runExample("multiple-databases", stack), (e: unknown) => {
        assert.ok(e instanceof ProgramError);
        assert.deepEqual(e.messages, ["`adminPasswords` has no password for \"shop\"; run `pulumi config set --secret --path 'adminPasswords.shop' <password>`."]);
        return true;
      });
    });
  });

  describe("analytics-source", () => {
    it("nests the component in AnalyticsSource and uses the providers passed down, creating none of its own", async () => {
      const run = await runExample("analytics-source");
      assert.deepEqual(registered(), [
        "aws:iam/role:Role events-clickpipes-role",
        "aws:iam/rolePolicy:RolePolicy events-clickpipes-connect",
        "aws:ssm/parameter:Parameter events-clickpipe-source",
        "clickpipes-examples:analytics:AnalyticsSource events",
        "clickpipes-rds-iam:index:ClickPipesRdsIamAccess events-clickpipes",
        "postgresql:index/defaultPrivileges:DefaultPrivileges events-clickpipes-default-select-events",
        "postgresql:index/defaultPrivileges:DefaultPrivileges events-clickpipes-default-select-sessions",
        "postgresql:index/grant:Grant events-clickpipes-select-events",
        "postgresql:index/grant:Grant events-clickpipes-select-sessions",
        "postgresql:index/grant:Grant events-clickpipes-usage-events",
        "postgresql:index/grant:Grant events-clickpipes-usage-sessions",
        "postgresql:index/role:Role events-clickpipes-db-user",
        "pulumi-nodejs:dynamic:Resource events-clickpipes-iam-auth",
        "pulumi:providers:aws analytics-aws",
        "pulumi:providers:postgresql analytics-postgres",
        "pulumi:pulumi:Stack project-stack",
      ]);
      const tree = parents(run);
      assert.deepEqual([tree["events"], tree["events-clickpipes"], tree["events-clickpipe-source"], tree["events-clickpipes-role"]], [
        "project-stack",
        "events",
        "events",
        "events-clickpipes",
      ]);
      const providerOf = (type: string, name: string) => cloud.resources.find((r) => r.type === type && r.name === name)?.provider ?? "";
      for (const [type, name] of [
        ["aws:iam/role:Role", "events-clickpipes-role"],
        ["aws:iam/rolePolicy:RolePolicy", "events-clickpipes-connect"],
        ["aws:ssm/parameter:Parameter", "events-clickpipe-source"],
      ]) {
        assert.match(providerOf(type, name), /::analytics-aws::/, `${name} uses the aws provider passed down`);
      }
      assert.match(providerOf("postgresql:index/role:Role", "events-clickpipes-db-user"), /::analytics-postgres::/);
      assert.equal(inputsOf("postgresql:index/defaultPrivileges:DefaultPrivileges", "events-clickpipes-default-select-events").owner, "analytics_admin");
      const parameter = inputsOf("aws:ssm/parameter:Parameter", "events-clickpipe-source");
      assert.deepEqual([parameter.name, parameter.type], ["/analytics/sources/events/clickpipe-source", "String"]);
      // @pulumi/aws marks every SSM parameter value secret.
      const value = parameter.value as Record<string, string>;
      assert.equal(value[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
      assert.deepEqual(json(value.value), {
        type: "rdspostgres",
        host: "events-postgres.c1abcdefghij.eu-central-1.rds.amazonaws.com",
        port: 5432,
        database: "analytics",
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/events-clickpipes-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "snapshot" },
      });
      assert.deepEqual(inputsOf("pulumi:providers:aws", "analytics-aws").region, "eu-central-1");
      assert.equal(await resolved(run.exports.settingsParameterName), "/analytics/sources/events/clickpipe-source");
    });
  });

  describe("clickpipe-end-to-end", () => {
    it("trusts the role the ClickHouse service reports, and creates the pipe after the access, its API key only as a secret", async () => {
      const run = await runExample("clickpipe-end-to-end");
      assert.deepEqual((trustedPrincipal("orders-role") as { Principal: unknown }).Principal, { AWS: "arn:aws:iam::111122223333:role/CH-S3-sample-service-Role" });
      const pipe = inputsOf("pulumi-nodejs:dynamic:Resource", "orders-pipe");
      assert.deepEqual(pipe.apiKeySecret, secret(SECRET_PLACEHOLDER));
      assert.deepEqual([pipe.pipeName, pipe.destinationDatabase, pipe.tableMappings], [
        "orders",
        "default",
        [
          { sourceSchemaName: "public", sourceTable: "orders", targetTable: "orders_orders" },
          { sourceSchemaName: "public", sourceTable: "customers", targetTable: "orders_customers" },
        ],
      ]);
      assert.deepEqual(pipe.source, {
        type: "rdspostgres",
        host: "orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com",
        port: 5432,
        database: "orders",
        authentication: "IAM_ROLE",
        iamRole: "arn:aws:iam::123456789012:role/orders-role-0123456",
        credentials: { username: "clickpipes_iam_user" },
        settings: { replicationMode: "cdc", publicationName: "clickpipes_iam_user_publication" },
      });
      const dependsOn = (cloud.resources.find((r) => r.name === "orders-pipe")?.dependencies ?? []).map((urn) => urn.split("::").pop());
      for (const name of ["orders-db-user", "orders-publication", "orders-cdc-readiness", "orders-connect"]) assert.ok(dependsOn.includes(name), `the pipe waits for ${name}`);
      assert.equal(parents(run)["orders-pipe"], "project-stack");
    });
  });

  describe("github-actions", () => {
    const dir = path.join(EXAMPLES, "github-actions");
    type Step = { uses?: string; with?: Record<string, unknown>; run?: string; if?: string };
    type Job = { if?: string; environment?: string; permissions?: Record<string, string>; steps: Step[] };
    const workflow = () =>
      yaml.load(fs.readFileSync(path.join(dir, ".github", "workflows", "pulumi.yml"), "utf8")) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
    /** Inputs of pulumi/actions v6 and aws-actions/configure-aws-credentials v4 (their action.yml). */
    const INPUTS: Record<string, string[]> = {
      "pulumi/actions": ["command", "stack-name", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "pulumi-version", "pulumi-version-file"],
      "aws-actions/configure-aws-credentials": ["audience", "aws-access-key-id", "aws-secret-access-key", "aws-session-token", "aws-region", "mask-aws-account-id", "role-to-assume", "web-identity-token-file", "role-duration-seconds", "role-session-name", "role-external-id", "role-skip-session-tagging", "http-proxy"],
    };
    const steps = (job: Job, action: string) => job.steps.filter((s) => s.uses?.split("@")[0] === action);

    it("previews on pull requests and updates on main, with OIDC and no stored AWS keys", () => {
      const wf = workflow();
      assert.deepEqual(Object.keys(wf.on).sort(), ["pull_request", "push"]);
      assert.deepEqual(wf.on.push, { branches: ["main"] });
      assert.deepEqual(wf.permissions, { contents: "read" });
      assert.deepEqual(Object.keys(wf.jobs), ["preview", "up"]);
      const { preview, up } = wf.jobs;
      assert.equal(preview.if, "github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
      assert.equal(up.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
      assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
      assert.deepEqual(up.permissions, { contents: "read", "id-token": "write" });
      assert.equal(up.environment, "production");
      const [previewRun] = steps(preview, "pulumi/actions");
      const [upRun] = steps(up, "pulumi/actions");
      assert.deepEqual([previewRun.with?.command, previewRun.with?.["comment-on-pr"], upRun.with?.command], ["preview", true, "up"]);
      const [previewCreds] = steps(preview, "aws-actions/configure-aws-credentials");
      const [upCreds] = steps(up, "aws-actions/configure-aws-credentials");
      assert.equal(previewCreds.with?.["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
      assert.equal(upCreds.with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
      assert.doesNotMatch(JSON.stringify(wf), /aws-access-key-id|aws-secret-access-key/);
    });

    it("passes only inputs the actions declare, and pins their major versions", () => {
      for (const job of Object.values(workflow().jobs)) {
        for (const step of job.steps.filter((s) => s.uses !== undefined)) {
          const [action, version] = String(step.uses).split("@");
          assert.match(version, /^v\d+$/, `${action} is pinned to a major version`);
          const known = INPUTS[action];
          if (known === undefined) continue;
          for (const input of Object.keys(step.with ?? {})) assert.ok(known.includes(input), `${action} has no input "${input}"`);
        }
      }
    });

    it("gives the preview role read-only access and the deploy role what pulumi up needs", () => {
      const actions = (file: string) =>
        (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { Statement: Array<{ Action: string[] }> }).Statement.flatMap((s) => s.Action).sort();
      const preview = actions("preview-policy.json");
      assert.deepEqual(preview, ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:ListTagsForResource"]);
      const deploy = actions("deploy-policy.json");
      for (const action of [...preview, "iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "rds:ModifyDBInstance", "rds:ModifyDBCluster", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"]) {
        assert.ok(deploy.includes(action), `deploy policy lacks ${action}`);
      }
      // The IAM-auth enabler's consumer records: only its own tag keys, only on databases.
      const tagging = (JSON.parse(fs.readFileSync(path.join(dir, "deploy-policy.json"), "utf8")) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }> }).Statement.find((s) => s.Action.includes("rds:AddTagsToResource"));
      assert.deepEqual(tagging?.Action, ["rds:AddTagsToResource", "rds:RemoveTagsFromResource"]);
      assert.deepEqual(tagging?.Condition, { "ForAllValues:StringLike": { "aws:TagKeys": ["clickpipes-rds-iam:iam-auth:*"] } });
      assert.ok(tagging?.Resource.every((r) => /:rds:[^:]+:\d{12}:(db|cluster):\*$/.test(r)));
      assert.ok(!deploy.some((a) => a.endsWith(":*") || a === "*"), "no wildcard actions");
      // The CI role cannot give itself more: IAM only under /clickpipes/, Modify only on named databases.
      const statements = (JSON.parse(fs.readFileSync(path.join(dir, "deploy-policy.json"), "utf8")) as { Statement: Array<{ Action: string[]; Resource: string | string[] }> }).Statement;
      const resourcesOf = (action: string) => statements.filter((st) => st.Action.includes(action)).flatMap((st) => [st.Resource].flat());
      assert.deepEqual(resourcesOf("iam:CreateRole"), ["arn:aws:iam::123456789012:role/clickpipes/*"]);
      assert.deepEqual(resourcesOf("rds:ModifyDBInstance"), ["arn:aws:rds:eu-west-1:123456789012:db:orders-postgres"]);
      const subjects = ["preview-trust-policy.json", "deploy-trust-policy.json"].map((file) => {
        const trust = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { Statement: Array<{ Action: string; Condition: { StringEquals: Record<string, string> } }> };
        assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        assert.equal(trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        return trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"];
      });
      // The up job runs in the production environment, which is what its OIDC subject names.
      assert.deepEqual(subjects, ["repo:my-org/infra:pull_request", "repo:my-org/infra:environment:production"]);
    });
  });
});
