/**
 * Strict Pulumi mocks for component specs: every invoke token and resource type must be known,
 * lookups answer from per-test fixtures, and every registration is recorded for assertions.
 */
import * as pulumi from "@pulumi/pulumi";
import { resetDatabaseUserClaims } from "../../components/database/userClaims";

/** A recorded resource registration. */
export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the mocks see them: a secret stays wrapped in its signature object. */
  inputs: Record<string, unknown>;
  /** The ID of a resource read with `.get` (undefined for registrations). */
  id?: string;
  /** URNs of the resources this registration depends on (dependsOn plus input dependencies). */
  dependencies: string[];
  provider?: string;
  /** Whether it is a custom resource (a component is not). */
  custom?: boolean;
  /** The plugin version and source asked for (empty when none). */
  version: string;
  pluginDownloadURL: string;
  /** Aliases as sent: a spec's type, name and whether it has a parent, or a URN. */
  aliases: { type?: string; name?: string; urn?: string }[];
  additionalSecretOutputs: string[];
}

/** The monitor request of the registration now being handed to `newResource`. */
interface RegisterRequest {
  getDependenciesList(): string[];
  getVersion(): string;
  getPlugindownloadurl(): string;
  getAdditionalsecretoutputsList(): string[];
  getAliasesList(): { hasSpec(): boolean; getSpec(): { getType(): string; getName(): string } | undefined; getUrn(): string }[];
}

/** The aliases of a registration, as plain objects. */
function aliasesOf(req: RegisterRequest | undefined): RecordedResource["aliases"] {
  return (req?.getAliasesList() ?? []).map((a) => {
    if (!a.hasSpec()) return { urn: a.getUrn() };
    const spec = a.getSpec()!;
    return { ...(spec.getType() === "" ? {} : { type: spec.getType() }), ...(spec.getName() === "" ? {} : { name: spec.getName() }) };
  });
}
let currentRequest: RegisterRequest | undefined;

/**
 * Wraps the mock monitor so each `newResource` call can see its raw request: the mocks API does
 * not pass a registration's dependencies, which the specs assert.
 */
function recordRawRequests(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: { registerResource(req: RegisterRequest, cb: unknown): Promise<void> } };
  };
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: RegisterRequest, cb: unknown) {
    // The original hands `req` to newResource synchronously, before its first await.
    currentRequest = req;
    return original.call(this, req, cb);
  };
}

/** A recorded invoke. */
export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

/** Lookup answers by identifier. */
export interface LookupFixtures {
  instances: Record<string, Record<string, unknown>>;
  clusters: Record<string, Record<string, unknown>>;
}

const ACCOUNT = "123456789012";

/** An RDS instance as `aws:rds/getInstance:getInstance` answers. */
export function instanceLookup(o: {
  identifier: string;
  engine?: string;
  engineVersion?: string;
  partition?: string;
  region?: string;
  account?: string;
  resourceId?: string;
  dbClusterIdentifier?: string;
  port?: number;
}): Record<string, unknown> {
  const partition = o.partition ?? "aws";
  const region = o.region ?? "eu-west-1";
  const dnsSuffix = partition === "aws-cn" ? "rds.amazonaws.com.cn" : "rds.amazonaws.com";
  const port = o.port ?? (o.engine === "postgres" || o.engine === undefined ? 5432 : 3306);
  const address = `${o.identifier}.abcdefghijkl.${region}.${dnsSuffix}`;
  return {
    id: o.identifier,
    dbInstanceIdentifier: o.identifier,
    dbInstanceArn: `arn:${partition}:rds:${region}:${o.account ?? ACCOUNT}:db:${o.identifier}`,
    resourceId: o.resourceId ?? "db-ABCDEFGHIJKLMNOPQRSTUVWXY0",
    address,
    endpoint: `${address}:${port}`,
    port,
    dbInstancePort: 0,
    engine: o.engine ?? "postgres",
    engineVersion: o.engineVersion ?? "16.4",
    dbClusterIdentifier: o.dbClusterIdentifier ?? "",
    region,
  };
}

/** An Aurora cluster as `aws:rds/getCluster:getCluster` answers. */
export function clusterLookup(o: {
  identifier: string;
  engine?: string;
  engineVersion?: string;
  partition?: string;
  region?: string;
  account?: string;
  resourceId?: string;
  iamDatabaseAuthenticationEnabled?: boolean;
  port?: number;
}): Record<string, unknown> {
  const partition = o.partition ?? "aws";
  const region = o.region ?? "us-east-1";
  const engine = o.engine ?? "aurora-mysql";
  return {
    id: o.identifier,
    clusterIdentifier: o.identifier,
    arn: `arn:${partition}:rds:${region}:${o.account ?? ACCOUNT}:cluster:${o.identifier}`,
    clusterResourceId: o.resourceId ?? "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0",
    endpoint: `${o.identifier}.cluster-abcdefghijkl.${region}.rds.amazonaws.com`,
    readerEndpoint: `${o.identifier}.cluster-ro-abcdefghijkl.${region}.rds.amazonaws.com`,
    port: o.port ?? (engine === "aurora-postgresql" ? 5432 : 3306),
    engine,
    engineVersion: o.engineVersion ?? "8.0.mysql_aurora.3.08.0",
    iamDatabaseAuthenticationEnabled: o.iamDatabaseAuthenticationEnabled ?? false,
    region,
  };
}

/** An invoke failure as the engine reports it: Pulumi shows the `details` field, not the message. */
function invokeError(message: string): Error {
  return Object.assign(new Error(message), { details: message });
}

/** Resource types whose state is their inputs: nothing the specs read is computed by the cloud. */
export const ECHOED_RESOURCE_TYPES: readonly string[] = [
  "aws:iam/rolePolicy:RolePolicy",
  "postgresql:index/role:Role",
  "postgresql:index/grant:Grant",
  "postgresql:index/defaultPrivileges:DefaultPrivileges",
  "postgresql:index/publication:Publication",
  "mysql:index/user:User",
  "mysql:index/grant:Grant",
  "pulumi:providers:postgresql",
  "pulumi:providers:mysql",
  "pulumi:providers:aws",
  "clickpipes-rds-iam:index:ClickPipesRdsIamAccess",
];

/** Outputs the mock cloud computes for each resource type it knows; anything else is refused. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "aws:iam/role:Role": {
      const roleName = (inputs.name as string | undefined) ?? `${(inputs.namePrefix as string | undefined) ?? name}-0123456`;
      const path = (inputs.path as string | undefined) ?? "/";
      const partition = /"AWS":"arn:([^:]+):/.exec(String(inputs.assumeRolePolicy))?.[1] ?? "aws";
      return { ...inputs, name: roleName, arn: `arn:${partition}:iam::${ACCOUNT}:role${path}${roleName}`, uniqueId: "AROAEXAMPLE" };
    }
    // Managed targets and dynamic resources or the plugin's custom resources of the same kinds
    // (specs add computed outputs through extraState), and
    // what the example programs (tests/examples.spec.ts) and the stack they run in create.
    case "aws:rds/instance:Instance":
    case "aws:rds/cluster:Cluster":
    case "pulumi-nodejs:dynamic:Resource":
    case "clickpipes-rds-iam:index:IamAuthEnablement":
    case "clickpipes-rds-iam:index:MariaDbIamUser":
    case "clickpipes-rds-iam:index:CdcReadiness":
    case "clickpipes-rds-iam:index:PostgresPublication":
    case "aws:ssm/parameter:Parameter":
    case "aws:rds/parameterGroup:ParameterGroup":
    case "clickpipes-examples:analytics:AnalyticsSource":
    case "pulumi:pulumi:Stack":
      return { ...inputs };
    default:
      if (ECHOED_RESOURCE_TYPES.includes(type)) return { ...inputs };
      throw new Error(`Mock cloud does not know resource type "${type}" (${name}).`);
  }
}

/** Mock state shared by all specs; `reset` before each test. */
export class MockCloud {
  /**
   * Behave like the engine at `pulumi preview`: a resource being created reports only its
   * inputs, so every output the cloud assigns (an ARN, a resource ID, an address) is unknown, as
   * Pulumi resolves a missing output in a dry run. Reads and lookups still answer.
   */
  preview = false;
  resources: RecordedResource[] = [];
  invokes: RecordedInvoke[] = [];
  fixtures: LookupFixtures = { instances: {}, clusters: {} };
  /** Extra per-type state for managed targets (e.g. an `aws.rds.Instance`'s computed outputs). */
  extraState: Record<string, Record<string, unknown>> = {};

  reset(fixtures: Partial<LookupFixtures> = {}): void {
    // Each test is a program of its own: forget which database users earlier ones claimed.
    resetDatabaseUserClaims();
    this.resources = [];
    this.invokes = [];
    this.extraState = {};
    this.fixtures = { instances: fixtures.instances ?? {}, clusters: fixtures.clusters ?? {} };
  }

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  one(type: string): RecordedResource {
    const found = this.byType(type);
    if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}.`);
    return found[0];
  }

  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs) => {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      const req = currentRequest;
      currentRequest = undefined;
      this.resources.push({
        type: args.type,
        name: args.name,
        inputs,
        dependencies: req?.getDependenciesList() ?? [],
        id: args.id,
        provider: args.provider,
        custom: args.custom,
        version: req?.getVersion() ?? "",
        pluginDownloadURL: req?.getPlugindownloadurl() ?? "",
        aliases: aliasesOf(req),
        additionalSecretOutputs: req?.getAdditionalsecretoutputsList() ?? [],
      });
      const computed = computedState(args.type, args.name, inputs);
      // Before a resource exists only what the program gave is known: its ID and outputs are unknown.
      if (this.preview && !args.id) return { id: "", state: { ...inputs } };
      const state = { ...computed, ...(this.extraState[args.name] ?? {}) };
      return { id: `${args.name}-id`, state };
    },
    call: (args: pulumi.runtime.MockCallArgs) => {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      this.invokes.push({ token: args.token, inputs });
      switch (args.token) {
        case "aws:rds/getInstance:getInstance": {
          const found = this.fixtures.instances[String(inputs.dbInstanceIdentifier)];
          if (!found) throw invokeError(`DBInstanceNotFound: DBInstance ${String(inputs.dbInstanceIdentifier)} not found.`);
          return found;
        }
        case "aws:rds/getCluster:getCluster": {
          const found = this.fixtures.clusters[String(inputs.clusterIdentifier)];
          if (!found) throw invokeError(`DBClusterNotFoundFault: DBCluster ${String(inputs.clusterIdentifier)} not found.`);
          return found;
        }
        default:
          throw new Error(`Mock cloud does not know invoke "${args.token}".`);
      }
    },
  };
}

/** The one mock cloud of the test process. */
export const cloud = new MockCloud();
let patched = false;

/**
 * Installs the mocks. Call it in each spec's `before`: other specs may have installed mocks of
 * their own since (the runtime holds one set per process).
 */
export function installMocks(options: { preview?: boolean } = {}): MockCloud {
  if (!patched) {
    recordRawRequests();
    patched = true;
  }
  cloud.preview = options.preview ?? false;
  void pulumi.runtime.setMocks(cloud.mocks, "project", "stack", cloud.preview);
  return cloud;
}

/** The value of an output, rejecting when it fails (the way `pulumi up` would fail). */
export function valueOf<T>(o: pulumi.Input<T> | pulumi.Output<T>): Promise<T> {
  const out = pulumi.output(o) as unknown as { promise(): Promise<T> };
  return out.promise();
}

/**
 * The rejection message of an output that must fail, exactly as the engine would report it:
 * nothing stripped, so a `error serializing property "x": ` prefix would fail the assertion.
 */
export async function failureOf(o: pulumi.Output<unknown>): Promise<string> {
  try {
    await valueOf(o);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("Expected the output to fail, but it resolved.");
}

/** Waits for a resource and all its descendants to finish registering. */
export async function settleTree(resource: pulumi.Resource): Promise<void> {
  await valueOf(resource.urn);
  const children = (resource as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources;
  for (const child of children ?? []) await settleTree(child);
}
