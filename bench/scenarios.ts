/**
 * The component configurations the benchmark runs: one per target kind and engine, each with the
 * lookup fixture (or managed database) it needs. Fixture builders are the specs' own.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { ClickPipesRdsIamAccess } from "../components";
import { clusterLookup, instanceLookup } from "../tests/support/mocks";
import type { BenchCloud } from "./mockCloud";

export const SCENARIOS = ["rds-postgres", "rds-mysql", "rds-mariadb", "aurora-postgres", "aurora-mysql", "managed-instance", "managed-cluster"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Scenarios whose target is an identifier (looked up, IAM auth enabled by the component). */
export const IDENTIFIER_SCENARIOS: readonly Scenario[] = ["rds-postgres", "rds-mysql", "rds-mariadb", "aurora-postgres", "aurora-mysql"];

/**
 * Scenarios timed on the critical path: every engine's user path (PostgreSQL role and grants,
 * MariaDB dynamic user, MySQL user and grant) and both lookups. The other two identifier
 * scenarios have the same graph as one of these, and each costs ~15 s of the time budget.
 */
export const CRITICAL_PATH_SCENARIOS: readonly Scenario[] = ["rds-postgres", "rds-mariadb", "aurora-mysql"];

const CH_ROLE = "arn:aws:iam::111122223333:role/CH-S3-bench-Role";
const ADMIN = { adminUsername: "admin_user", adminPassword: "s3cret-pw" };

export function isScenario(s: string): s is Scenario {
  return (SCENARIOS as readonly string[]).includes(s);
}

/** Whether the scenario's target is looked up by identifier. */
export function isIdentifierScenario(s: Scenario): boolean {
  return IDENTIFIER_SCENARIOS.includes(s);
}

/** Registers the lookup fixture (or the managed database) and creates one component named `name`. */
export function buildScenario(scenario: Scenario, name: string, cloud: BenchCloud): ClickPipesRdsIamAccess {
  const id = `${name}-db`;
  switch (scenario) {
    case "rds-postgres":
      cloud.fixtures.instances[id] = instanceLookup({ identifier: id, engine: "postgres", engineVersion: "16.4" });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbInstanceIdentifier: id, ...ADMIN });
    case "rds-mysql":
      cloud.fixtures.instances[id] = instanceLookup({ identifier: id, engine: "mysql", engineVersion: "8.0.40" });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "mysql", dbInstanceIdentifier: id, databases: ["shop"], ...ADMIN });
    case "rds-mariadb":
      cloud.fixtures.instances[id] = instanceLookup({ identifier: id, engine: "mariadb", engineVersion: "10.11.9" });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "mariadb", dbInstanceIdentifier: id, databases: ["shop"], ...ADMIN });
    case "aurora-postgres":
      cloud.fixtures.clusters[id] = clusterLookup({ identifier: id, engine: "aurora-postgresql", engineVersion: "16.4" });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "postgres", dbClusterIdentifier: id, ...ADMIN });
    case "aurora-mysql":
      cloud.fixtures.clusters[id] = clusterLookup({ identifier: id, engine: "aurora-mysql" });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "mysql", dbClusterIdentifier: id, databases: ["shop"], ...ADMIN });
    case "managed-instance": {
      const instance = new aws.rds.Instance(id, {
        identifier: id,
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        iamDatabaseAuthenticationEnabled: true,
      });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "postgres", instance, ...ADMIN });
    }
    case "managed-cluster": {
      const cluster = new aws.rds.Cluster(id, { clusterIdentifier: id, engine: "aurora-mysql", iamDatabaseAuthenticationEnabled: true });
      return new ClickPipesRdsIamAccess(name, { clickhouseRoleArn: CH_ROLE, engine: "mysql", cluster, databases: ["shop"], ...ADMIN });
    }
    default: {
      const unreachable: never = scenario;
      throw new Error(`Unknown scenario ${String(unreachable)}.`);
    }
  }
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until a resource and all its descendants are registered. */
async function settleTree(resource: pulumi.Resource): Promise<void> {
  await valueOf(resource.urn);
  const children = (resource as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources;
  await Promise.all([...(children ?? [])].map(settleTree));
}

/** Waits until the component's tree is registered and every public output has resolved. */
export async function settle(c: ClickPipesRdsIamAccess): Promise<void> {
  await Promise.all([
    settleTree(c),
    valueOf(c.roleArn),
    valueOf(c.dbUserArn),
    valueOf(c.clickPipeSource),
    valueOf(c.setupSql),
    valueOf(c.rolePolicy.urn),
  ]);
}

/** Waits until the runtime has no RPC in flight (`registerOutputs` included). `waitForRPCs` is internal to the SDK. */
export function drainRpcs(): Promise<void> {
  return (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
