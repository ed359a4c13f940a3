/**
 * The benchmark's Pulumi mock cloud: strict (unknown types and invoke tokens are refused), with
 * optional per-operation latency from `latency.ts`, an optional gate that runs operations one
 * at a time in a fixed step order, and a record of every registration and invoke with its start
 * and end times and the dependencies the SDK sent with it.
 *
 * The mock's `newResource` arguments carry no dependencies, so the monitor's `registerResource`
 * is wrapped to read them from the request (`dependencies` and `propertyDependencies`, as URNs)
 * and the provider reference, before the mock is called.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { OperationKind, latencyMs, operationKind } from "./latency";
import { ECHOED_RESOURCE_TYPES } from "../tests/support/mocks";

const ACCOUNT = "123456789012";

/** A recorded registration (resource) or invoke (lookup). */
export interface Operation {
  /** Resource name, or `invoke#<n>:<token>` for an invoke. */
  name: string;
  type: string;
  kind: OperationKind;
  /** Real ms since the recording clock's origin. */
  start: number;
  end: number;
  /** Names of the resources the SDK declared this registration depends on (parent and provider included). */
  deps: string[];
  /** For invokes: the identifier looked up. */
  lookupOf?: string;
}

/** Per-run settings. */
export interface CloudMode {
  /** Real ms per modelled second; 0 for no latency. */
  scale: number;
  /** Record operations (off for the fleet run, so the record does not count as heap). */
  record: boolean;
  /** When set, each operation waits for its turn here before it starts. */
  gate?: (op: { kind: OperationKind; name: string }) => Promise<() => void>;
}

/** Lookup answers, by identifier. */
export interface Fixtures {
  instances: Record<string, Record<string, unknown>>;
  clusters: Record<string, Record<string, unknown>>;
}

type RegisterCallback = (err: Error | null, response?: unknown) => void;
interface PatchableMonitor {
  registerResource(req: RegisterResourceRequest, callback: RegisterCallback): unknown;
}

const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** The resource name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Outputs the mock cloud computes for each resource type it knows; anything else is refused. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "aws:iam/role:Role": {
      const roleName = (inputs.name as string | undefined) ?? `${(inputs.namePrefix as string | undefined) ?? name}-0123456`;
      const partition = /"AWS":"arn:([^:]+):/.exec(String(inputs.assumeRolePolicy))?.[1] ?? "aws";
      return { ...inputs, name: roleName, arn: `arn:${partition}:iam::${ACCOUNT}:role${(inputs.path as string | undefined) ?? "/"}${roleName}` };
    }
    case "aws:rds/instance:Instance": {
      const id = String(inputs.identifier);
      return {
        ...inputs,
        arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:${id}`,
        resourceId: "db-MANAGEDMANAGEDMANAGED00000",
        address: `${id}.abcdefghijkl.eu-west-1.rds.amazonaws.com`,
        port: inputs.engine === "postgres" ? 5432 : 3306,
        engineVersionActual: inputs.engine === "postgres" ? "16.4" : "8.0.40",
      };
    }
    case "aws:rds/cluster:Cluster": {
      const id = String(inputs.clusterIdentifier);
      return {
        ...inputs,
        arn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:${id}`,
        clusterResourceId: "cluster-MANAGEDMANAGEDMANAGED0",
        endpoint: `${id}.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com`,
        port: inputs.engine === "aurora-postgresql" ? 5432 : 3306,
        engineVersionActual: inputs.engine === "aurora-postgresql" ? "16.4" : "8.0.mysql_aurora.3.08.0",
      };
    }
    case "pulumi-nodejs:dynamic:Resource": {
      // The serialized provider is the engine's business: do not hand it back as state.
      const { __provider: _provider, ...rest } = inputs;
      return rest;
    }
    default:
      if (ECHOED_RESOURCE_TYPES.includes(type)) return { ...inputs };
      throw new Error(`Bench mock cloud does not know resource type "${type}" (${name}).`);
  }
}

/** The mock cloud of a benchmark process. */
export class BenchCloud {
  mode: CloudMode = { scale: 0, record: false };
  fixtures: Fixtures = { instances: {}, clusters: {} };
  operations: Operation[] = [];
  /** Every invoke token seen, recorded even when `record` is off. */
  invokeTokens: string[] = [];
  private origin = performance.now();
  private invokeCount = 0;
  private readonly depsByName = new Map<string, string[]>();

  /** Starts a new recording: clears the record and resets the clock's origin. */
  reset(mode: CloudMode): void {
    this.mode = mode;
    this.operations = [];
    this.invokeTokens = [];
    this.depsByName.clear();
    this.origin = performance.now();
  }

  now(): number {
    return performance.now() - this.origin;
  }

  /** Runs `work` as one operation: waits at the gate, sleeps the modelled latency, records it. */
  private async operate<T>(kind: OperationKind, name: string, type: string, deps: string[], lookupOf: string | undefined, work: () => T): Promise<T> {
    const release = this.mode.gate ? await this.mode.gate({ kind, name }) : undefined;
    const start = this.now();
    try {
      await sleep(this.mode.scale > 0 ? latencyMs(kind, this.mode.scale) : 0);
      return work();
    } finally {
      if (this.mode.record) this.operations.push({ name, type, kind, start, end: this.now(), deps, ...(lookupOf === undefined ? {} : { lookupOf }) });
      release?.();
    }
  }

  readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args: pulumi.runtime.MockResourceArgs) => {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      const kind = operationKind(args.type, args.name);
      const deps = this.depsByName.get(args.name) ?? [];
      return this.operate(kind, args.name, args.type, deps, undefined, () => ({ id: `${args.name}-id`, state: computedState(args.type, args.name, inputs) }));
    },
    call: (args: pulumi.runtime.MockCallArgs) => {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      this.invokeTokens.push(args.token);
      const n = this.invokeCount++;
      switch (args.token) {
        case "aws:rds/getInstance:getInstance": {
          const id = String(inputs.dbInstanceIdentifier);
          return this.operate("lookup", `invoke#${n}:getInstance`, args.token, [], id, () => {
            const found = this.fixtures.instances[id];
            if (!found) throw new Error(`DBInstanceNotFound: DBInstance ${id} not found.`);
            return found;
          });
        }
        case "aws:rds/getCluster:getCluster": {
          const id = String(inputs.clusterIdentifier);
          return this.operate("lookup", `invoke#${n}:getCluster`, args.token, [], id, () => {
            const found = this.fixtures.clusters[id];
            if (!found) throw new Error(`DBClusterNotFoundFault: DBCluster ${id} not found.`);
            return found;
          });
        }
        // Lookups the component must never make: answered (so that a regression is counted and
        // reported as a failed goal, not a crash) and recorded like any other invoke.
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return this.operate("lookup", `invoke#${n}:getCallerIdentity`, args.token, [], undefined, () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench`, userId: "AIDAEXAMPLE", id: ACCOUNT }));
        case "aws:index/getRegion:getRegion":
          return this.operate("lookup", `invoke#${n}:getRegion`, args.token, [], undefined, () => ({ name: "eu-west-1", region: "eu-west-1", id: "eu-west-1", endpoint: "ec2.eu-west-1.amazonaws.com", description: "Europe (Ireland)" }));
        case "aws:index/getPartition:getPartition":
          return this.operate("lookup", `invoke#${n}:getPartition`, args.token, [], undefined, () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }));
        case "aws:iam/getPolicyDocument:getPolicyDocument":
          return this.operate("lookup", `invoke#${n}:getPolicyDocument`, args.token, [], undefined, () => ({ json: '{"Version":"2012-10-17","Statement":[]}', minifiedJson: '{"Version":"2012-10-17","Statement":[]}', id: "0" }));
        default:
          throw new Error(`Bench mock cloud does not know invoke "${args.token}".`);
      }
    },
  };

  /** Installs the mocks and the dependency-reading wrapper around the mock monitor. */
  install(): void {
    void pulumi.runtime.setMocks(this.mocks, "bench", "bench", false);
    const monitor = getMonitor() as unknown as PatchableMonitor | undefined;
    if (monitor === undefined) throw new Error("setMocks did not install a monitor.");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      if (this.mode.record) {
        const urns = new Set<string>(req.getDependenciesList());
        req.getPropertydependenciesMap().forEach((deps) => deps.getUrnsList().forEach((u) => urns.add(u)));
        if (req.getParent()) urns.add(req.getParent());
        // A provider reference is "<urn>::<id>"; the registration waits for it like a dependency.
        const provider = req.getProvider();
        if (provider) urns.add(provider.slice(0, provider.lastIndexOf("::")));
        this.depsByName.set(req.getName(), [...urns].map(nameOfUrn).filter((n) => n !== "bench-bench"));
      }
      return register(req, callback);
    };
  }
}
