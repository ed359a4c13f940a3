/**
 * The mock cloud of the offline plan: lookups are answered from the stack file's `lookups:`
 * section, and what AWS would assign at create time (generated names, ARNs, resource IDs of
 * new databases) is filled in with placeholders. Strict: an unknown invoke or resource type
 * fails the plan rather than inventing an answer.
 */
import type * as pulumi from "@pulumi/pulumi";
import { LookupAnswer, Lookups } from "./stackFile";

/** Stands in for characters AWS generates (random name suffixes, endpoint hashes). */
export const GENERATED = "xxxxxxx";
/** Stands in for the resource ID of a database the program creates. */
export const GENERATED_ID = "XXXXXXXXXXXXXXXXXXXXXXXXXX";
/** Account used for what the program creates when no lookup names one. */
export const DEFAULT_ACCOUNT = "123456789012";

/** The `aws:rds/getInstance:getInstance` result for an answer, with the fields the component reads. */
export function instanceLookupResult(identifier: string, a: LookupAnswer): Record<string, unknown> {
  return {
    id: identifier,
    dbInstanceIdentifier: identifier,
    dbInstanceArn: a.arn,
    resourceId: a.resourceId,
    address: a.endpoint,
    endpoint: `${a.endpoint}:${a.port}`,
    port: a.port,
    dbInstancePort: 0,
    engine: a.engine,
    engineVersion: a.engineVersion,
    dbClusterIdentifier: a.dbClusterIdentifier ?? "",
  };
}

/** The `aws:rds/getCluster:getCluster` result for an answer, with the fields the component reads. */
export function clusterLookupResult(identifier: string, a: LookupAnswer): Record<string, unknown> {
  return {
    id: identifier,
    clusterIdentifier: identifier,
    arn: a.arn,
    clusterResourceId: a.resourceId,
    endpoint: a.endpoint,
    port: a.port,
    engine: a.engine,
    engineVersion: a.engineVersion,
    iamDatabaseAuthenticationEnabled: a.iamDatabaseAuthenticationEnabled ?? false,
  };
}

/** Where created resources live: the stack's `aws:region`, and the account of the looked-up databases. */
export interface PlanPlacement {
  partition: string;
  region: string;
  account: string;
}

/** Partition, region and account for created resources: `aws:region` wins, then the first lookup's ARN. */
export function placement(lookups: Lookups, awsRegion: string | undefined): PlanPlacement {
  const first = [...Object.values(lookups.instances), ...Object.values(lookups.clusters)][0];
  const m = first ? /^arn:([^:]+):rds:([^:]+):(\d{12}):/.exec(first.arn) : null;
  return {
    partition: m?.[1] ?? "aws",
    region: awsRegion ?? m?.[2] ?? "us-east-1",
    account: m?.[3] ?? DEFAULT_ACCOUNT,
  };
}

/** An invoke failure as the engine reports it: the SDK shows the gRPC `details`, not the message. */
function invokeError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function defaultPort(engine: string): number {
  return engine.includes("postgres") ? 5432 : 3306;
}

/** The message for a cluster named as `dbInstanceIdentifier`: the file describes it as a cluster. */
export function clusterAsInstanceMessage(id: string, file: string): string {
  return `"${id}" is a DB cluster in \`lookups.clusters\` of ${file}, not a DB instance; for an Aurora cluster set \`dbClusterIdentifier\` to "${id}" instead of \`dbInstanceIdentifier\`.`;
}

/** The message for an instance named as `dbClusterIdentifier`: the file describes it as an instance. */
export function instanceAsClusterMessage(id: string, file: string): string {
  return `"${id}" is a DB instance in \`lookups.instances\` of ${file}, not a DB cluster; for an RDS instance set \`dbInstanceIdentifier\` to "${id}" instead of \`dbClusterIdentifier\`.`;
}

/** The mocks for `pulumi.runtime.setMocks`. */
export class PlanCloud implements pulumi.runtime.Mocks {
  /** Invokes made, in order, as `token identifier`. */
  readonly lookupsMade: string[] = [];

  constructor(
    private readonly lookups: Lookups,
    private readonly where: PlanPlacement,
    private readonly file: string,
  ) {}

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    switch (args.token) {
      case "aws:rds/getInstance:getInstance": {
        const id = String(inputs.dbInstanceIdentifier);
        this.lookupsMade.push(`getInstance ${id}`);
        const answer = this.lookups.instances[id];
        if (!answer && this.lookups.clusters[id]) throw invokeError(clusterAsInstanceMessage(id, this.file));
        if (!answer) throw invokeError(`DB instance "${id}" is not in \`lookups.instances\` of ${this.file}; add what \`aws rds describe-db-instances --db-instance-identifier ${id}\` shows.`);
        return instanceLookupResult(id, answer);
      }
      case "aws:rds/getCluster:getCluster": {
        const id = String(inputs.clusterIdentifier);
        this.lookupsMade.push(`getCluster ${id}`);
        const answer = this.lookups.clusters[id];
        if (!answer && this.lookups.instances[id]) throw invokeError(instanceAsClusterMessage(id, this.file));
        if (!answer) throw invokeError(`DB cluster "${id}" is not in \`lookups.clusters\` of ${this.file}; add what \`aws rds describe-db-clusters --db-cluster-identifier ${id}\` shows.`);
        return clusterLookupResult(id, answer);
      }
      default:
        throw invokeError(`The offline plan cannot answer invoke "${args.token}"; add it to scripts/planMocks.ts.`);
    }
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    // Components (the stack, ClickPipesRdsIamAccess, a user's own) have no cloud state.
    if (args.custom === false) return { id: "", state: {} };
    // A read (`Resource.get`): an instance the lookups describe, as DescribeDBInstances shows it.
    if (args.id !== undefined && args.id !== "") return { id: args.id, state: this.read(args.type, args.id) };
    const state = this.state(args.type, args.name, inputs);
    // An IAM role's ID is its name; other IDs are not printed.
    return { id: args.type === "aws:iam/role:Role" ? String(state.name) : `${args.name}-id`, state };
  }

  /** What AWS would return when reading an existing resource by ID. */
  private read(type: string, id: string): Record<string, unknown> {
    const found = Object.entries(this.lookups.instances).find(([, a]) => a.resourceId === id);
    if (type !== "aws:rds/instance:Instance" || found === undefined) {
      throw new Error(`The offline plan cannot read ${type} "${id}"; describe it in \`lookups.instances\` of ${this.file}.`);
    }
    const [identifier, answer] = found;
    return { ...instanceLookupResult(identifier, answer), identifier, arn: answer.arn, iamDatabaseAuthenticationEnabled: answer.iamDatabaseAuthenticationEnabled ?? false };
  }

  /** What AWS would return after creating the resource. */
  private state(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const { partition, region, account } = this.where;
    switch (type) {
      case "aws:iam/role:Role": {
        const roleName = str(inputs.name) ?? (str(inputs.namePrefix) ? `${inputs.namePrefix}${GENERATED}` : `${name}-${GENERATED}`);
        const path = str(inputs.path) ?? "/";
        return { ...inputs, name: roleName, path, arn: `arn:${partition}:iam::${account}:role${path}${roleName}`, uniqueId: `AROA${GENERATED_ID}` };
      }
      case "aws:rds/instance:Instance": {
        const identifier = str(inputs.identifier) ?? `${name}-${GENERATED}`;
        const engine = str(inputs.engine) ?? "";
        const port = typeof inputs.port === "number" ? inputs.port : defaultPort(engine);
        const address = `${identifier}.${GENERATED}.${region}.rds.amazonaws.com`;
        return {
          ...inputs,
          identifier,
          arn: `arn:${partition}:rds:${region}:${account}:db:${identifier}`,
          resourceId: `db-${GENERATED_ID}`,
          address,
          endpoint: `${address}:${port}`,
          port,
          engineVersionActual: str(inputs.engineVersion) ?? "",
        };
      }
      case "aws:rds/cluster:Cluster": {
        const identifier = str(inputs.clusterIdentifier) ?? `${name}-${GENERATED}`;
        const engine = str(inputs.engine) ?? "";
        return {
          ...inputs,
          clusterIdentifier: identifier,
          arn: `arn:${partition}:rds:${region}:${account}:cluster:${identifier}`,
          clusterResourceId: `cluster-${GENERATED_ID}`,
          endpoint: `${identifier}.cluster-${GENERATED}.${region}.rds.amazonaws.com`,
          port: typeof inputs.port === "number" ? inputs.port : defaultPort(engine),
          engineVersionActual: str(inputs.engineVersion) ?? "",
        };
      }
      case "aws:rds/parameterGroup:ParameterGroup":
        return { ...inputs, name: str(inputs.name) ?? `${name}-${GENERATED}`, arn: `arn:${partition}:rds:${region}:${account}:pg:${name}` };
      case "aws:ssm/parameter:Parameter":
        return { ...inputs, arn: `arn:${partition}:ssm:${region}:${account}:parameter${String(inputs.name)}` };
      case "aws:iam/rolePolicy:RolePolicy":
      case "postgresql:index/role:Role":
      case "postgresql:index/grant:Grant":
      case "postgresql:index/defaultPrivileges:DefaultPrivileges":
      case "postgresql:index/publication:Publication":
      case "mysql:index/user:User":
      case "mysql:index/grant:Grant":
      case "pulumi:providers:aws":
      case "pulumi:providers:postgresql":
      case "pulumi:providers:mysql":
        return { ...inputs };
      case "pulumi-nodejs:dynamic:Resource":
        // A ClickPipe (the only dynamic resource with `tableMappings`): its ID and state come from the API.
        return inputs.tableMappings === undefined ? { ...inputs } : { ...inputs, clickPipeId: GENERATED, state: GENERATED };
      default:
        throw new Error(`The offline plan does not know resource type "${type}" (${name}); add it to scripts/planMocks.ts.`);
    }
  }
}
