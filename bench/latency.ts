/**
 * The one latency model of the benchmark: how long each provider operation takes on AWS, in
 * modelled seconds, and the time scale that turns modelled seconds into real milliseconds.
 *
 * Figures are typical create times seen on AWS (us-east-1/eu-west-1, 2024-2025); only their
 * proportions matter for the critical-path ratio. Enabling IAM database authentication with
 * `ApplyImmediately` takes the database through `modifying` back to `available`: 60-300 s.
 */

/**
 * Real milliseconds per modelled second: 1 modelled second = 20 ms, so 180 s runs in 3.6 s.
 * The component's own CPU time (tens of ms) is not scaled down with the latencies, so it weighs
 * 1000/20 = 50× more in modelled units than on AWS; 20 ms keeps that error small on a busy
 * 2-core machine while the critical-path part stays under a minute.
 */
export const MS_PER_MODELLED_SECOND = 20;

/** What a registration or invoke is, for the latency table and the guide's step order. */
export type OperationKind =
  | "lookup"
  | "iam-auth"
  | "db-user"
  | "grant"
  | "iam-role"
  | "iam-policy"
  | "managed-database"
  | "provider"
  | "component";

/** Modelled seconds per operation kind: THE latency table. */
export const MODELLED_SECONDS: Readonly<Record<OperationKind, number>> = {
  /** `aws:rds/getInstance` or `aws:rds/getCluster`: one Describe call. */
  lookup: 1,
  /** ModifyDBInstance/ModifyDBCluster + polling until the flag shows and status is `available` (60-300 s). */
  "iam-auth": 180,
  /** CREATE USER / CREATE ROLE over a fresh admin connection (TLS handshake included). */
  "db-user": 1.5,
  /** One GRANT / ALTER DEFAULT PRIVILEGES / CREATE PUBLICATION. */
  grant: 0.5,
  /** CreateRole (the AWS provider then waits for IAM propagation). */
  "iam-role": 4,
  /** PutRolePolicy. */
  "iam-policy": 2,
  /** Not used on the critical path: managed targets are created by their owner, not by this component. */
  "managed-database": 0,
  /** Provider resources are configuration only. */
  provider: 0,
  /** Component resources are logical. */
  component: 0,
};

/** Classifies a registration by type token and name (dynamic resources share one type token). */
export function operationKind(type: string, name: string): OperationKind {
  switch (type) {
    case "aws:iam/role:Role":
      return "iam-role";
    case "aws:iam/rolePolicy:RolePolicy":
      return "iam-policy";
    case "postgresql:index/role:Role":
    case "mysql:index/user:User":
      return "db-user";
    case "postgresql:index/grant:Grant":
    case "postgresql:index/defaultPrivileges:DefaultPrivileges":
    case "postgresql:index/publication:Publication":
    case "mysql:index/grant:Grant":
      return "grant";
    case "aws:rds/instance:Instance":
    case "aws:rds/cluster:Cluster":
      return "managed-database";
    case "pulumi-nodejs:dynamic:Resource":
      if (name.endsWith("-iam-auth")) return "iam-auth";
      if (name.endsWith("-db-user")) return "db-user";
      throw new Error(`Unknown dynamic resource "${name}": add it to bench/latency.ts.`);
    default:
      if (type.startsWith("pulumi:providers:")) return "provider";
      if (type === "clickpipes-rds-iam:index:ClickPipesRdsIamAccess") return "component";
      throw new Error(`Unknown resource type "${type}" (${name}): add it to bench/latency.ts.`);
  }
}

/**
 * The order in which the ClickHouse guide has a person do the steps by hand, used for the
 * strictly sequential comparison run. The guide enables IAM auth before it looks up the
 * resource ID; the component needs the lookup first (enabling takes the identifier it returns),
 * so the lookup goes first here. A sum does not depend on the order.
 */
export const GUIDE_ORDER: readonly OperationKind[] = ["lookup", "iam-auth", "db-user", "grant", "iam-role", "iam-policy"];

/** Real milliseconds an operation of this kind sleeps under a latency model. */
export function latencyMs(kind: OperationKind, scale: number = MS_PER_MODELLED_SECOND): number {
  return MODELLED_SECONDS[kind] * scale;
}
