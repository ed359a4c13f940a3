/**
 * An in-process fake of the Pulumi engine for the plugin's `construct`: the resource monitor and
 * the engine as two gRPC servers (the SDK's generated `ResourceMonitorService` and `EngineService`),
 * which record every call in plain-object form and answer the way the engine does at `pulumi up`
 * (or, with `preview`, at `pulumi preview`): URNs built from the parent's type chain, an ID for each custom resource, the
 * inputs echoed back plus per-type computed outputs the spec supplies, invokes answered from the
 * spec's fixtures (an unknown token is an error). ReadResource and Call are refused.
 *
 * `constructOn` sends a `ConstructRequest` to a started plugin the way the engine does, with the
 * fields the SDK's provider server needs (`configureRuntime` in @pulumi/pulumi/provider/server.js:
 * project, stack, parallel, monitor endpoint, dry run, organization, config).
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as aliasProto from "@pulumi/pulumi/proto/alias_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";

type Props = Record<string, unknown>;

/** An alias of a registration as the SDK sent it: a URN, or a spec the engine resolves. */
export type RecordedAlias =
  | { urn: string }
  | { spec: { name: string; type: string; stack: string; project: string; parentUrn?: string; noParent?: boolean } };

/** One RegisterResourceRequest, as plain values, with what the fake answered. */
export interface RecordedRegistration {
  type: string;
  name: string;
  /** The parent's URN ("" for none). */
  parent: string;
  custom: boolean;
  /** The inputs (Struct to JS): a secret stays wrapped in its signature object. */
  object: Props;
  version: string;
  pluginDownloadURL: string;
  /** `aliases` (the SDK sends these when the monitor supports "aliasSpecs"). */
  aliases: RecordedAlias[];
  /** `aliasURNs` (the SDK's form when the monitor does not support "aliasSpecs"). */
  aliasUrns: string[];
  /** Every alias resolved to a URN as the engine resolves it (spec defaults: this resource's name, type, parent). */
  resolvedAliases: string[];
  additionalSecretOutputs: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** The provider reference (`urn::id`, "" for the default provider). */
  provider: string;
  providers: Record<string, string>;
  remote: boolean;
  /** What the fake answered. */
  urn: string;
  id?: string;
}

/** One invoke through the monitor. */
export interface RecordedInvoke {
  token: string;
  args: Props;
  provider: string;
  version: string;
  pluginDownloadURL: string;
}

/** One Log call to the engine. */
export interface RecordedLog {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

export interface FakeEngineOptions {
  project?: string;
  stack?: string;
  /**
   * The outputs the fake cloud adds to a resource's echoed inputs, by type (e.g. an IAM role's
   * `arn` and `name`). A type not listed is echoed as it came.
   */
  computed?: Record<string, (name: string, inputs: Props) => Props>;
  /** Invoke answers by token; a thrown error goes back as the invoke's gRPC error. Other tokens fail. */
  invokes?: Record<string, (args: Props) => Props>;
  /** SupportsFeature answers; any feature not listed is supported. */
  features?: Record<string, boolean>;
  /**
   * Answer as at `pulumi preview` (send Construct with `dryRun: true`): a resource being created
   * gets no ID and only its inputs back, so everything the cloud would compute is unknown.
   */
  preview?: boolean;
}

const SEVERITIES: Record<number, RecordedLog["severity"]> = {
  [engineProto.LogSeverity.DEBUG]: "debug",
  [engineProto.LogSeverity.INFO]: "info",
  [engineProto.LogSeverity.WARNING]: "warning",
  [engineProto.LogSeverity.ERROR]: "error",
};

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => void;

/** A gRPC error with `details`, the text the SDK reports. */
function rpcError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function toJs(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

function fromJs(o: Props): Struct {
  return Struct.fromJavaScript(o as Parameters<typeof Struct.fromJavaScript>[0]);
}

function recordAlias(a: aliasProto.Alias): RecordedAlias {
  if (a.hasUrn()) return { urn: a.getUrn() };
  const s = a.getSpec()!;
  return {
    spec: {
      name: s.getName(),
      type: s.getType(),
      stack: s.getStack(),
      project: s.getProject(),
      ...(s.hasParenturn() ? { parentUrn: s.getParenturn() } : {}),
      ...(s.hasNoparent() ? { noParent: s.getNoparent() } : {}),
    },
  };
}

async function bind(server: grpc.Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return `127.0.0.1:${port}`;
}

/** The fake engine and resource monitor; `start` it, `reset` it between constructs, `stop` it at the end. */
export class FakeEngine {
  readonly project: string;
  readonly stack: string;
  registrations: RecordedRegistration[] = [];
  /** RegisterResourceOutputs calls: the URN and the outputs (secrets wrapped). */
  outputs: { urn: string; outputs: Props }[] = [];
  /** Invokes through the monitor, in order. */
  invoked: RecordedInvoke[] = [];
  logs: RecordedLog[] = [];
  /** Every SupportsFeature question, in order. */
  featureAsks: string[] = [];
  /** Calls the fake refused (ReadResource, Call, and any method it does not serve), by method name. */
  refused: string[] = [];
  rootUrn: string | undefined;
  /** Per-type computed outputs, invoke answers and feature answers (see FakeEngineOptions); change them between constructs. */
  computed: NonNullable<FakeEngineOptions["computed"]>;
  invokes: NonNullable<FakeEngineOptions["invokes"]>;
  features: NonNullable<FakeEngineOptions["features"]>;
  preview: boolean;
  monitorAddress = "";
  engineAddress = "";
  private readonly servers: grpc.Server[] = [];

  constructor(options: FakeEngineOptions = {}) {
    this.project = options.project ?? "proj";
    this.stack = options.stack ?? "dev";
    this.computed = { ...(options.computed ?? {}) };
    this.invokes = { ...(options.invokes ?? {}) };
    this.features = { ...(options.features ?? {}) };
    this.preview = options.preview ?? false;
  }

  /** The URN of the stack resource, the parent the engine gives a component a program creates at top level. */
  get stackUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::pulumi:pulumi:Stack::${this.project}-${this.stack}`;
  }

  /** A URN as the engine makes it: the parent's type chain (the stack's excluded), then the type and name. */
  urnOf(type: string, name: string, parent = "", project = this.project, stack = this.stack): string {
    let qualified = type;
    if (parent !== "") {
      const parentType = parent.split("::")[2];
      if (parentType !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  }

  static async start(options: FakeEngineOptions = {}): Promise<FakeEngine> {
    const fake = new FakeEngine(options);
    await fake.listen();
    return fake;
  }

  /** Forgets every recorded call (the servers keep running). */
  reset(): void {
    this.registrations = [];
    this.outputs = [];
    this.invoked = [];
    this.logs = [];
    this.featureAsks = [];
    this.refused = [];
    this.rootUrn = undefined;
  }

  /** The registrations of one type. */
  byType(type: string): RecordedRegistration[] {
    return this.registrations.filter((r) => r.type === type);
  }

  /** The one registration of a type (an error naming what there is otherwise). */
  one(type: string): RecordedRegistration {
    const found = this.byType(type);
    if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}: ${this.registrations.map((r) => `${r.type}::${r.name}`).join(", ")}`);
    return found[0];
  }

  /** Stops both servers, cutting any call still open. */
  stop(): void {
    for (const server of this.servers) server.forceShutdown();
  }

  private async listen(): Promise<void> {
    const monitor = new grpc.Server();
    monitor.addService(ResourceMonitorService, this.handlers(ResourceMonitorService, {
      supportsFeature: (req, cb) => this.supportsFeature(req as resourceProto.SupportsFeatureRequest, cb),
      registerResource: (req, cb) => this.registerResource(req as resourceProto.RegisterResourceRequest, cb),
      registerResourceOutputs: (req, cb) => this.registerResourceOutputs(req as resourceProto.RegisterResourceOutputsRequest, cb),
      invoke: (req, cb) => this.invoke(req as resourceProto.ResourceInvokeRequest, cb),
    }));
    const engine = new grpc.Server();
    engine.addService(EngineService, this.handlers(EngineService, {
      log: (req, cb) => this.log(req as engineProto.LogRequest, cb),
      getRootResource: (_req, cb) => cb(null, new engineProto.GetRootResourceResponse().setUrn(this.rootUrn ?? "")),
      setRootResource: (req, cb) => {
        this.rootUrn = (req as engineProto.SetRootResourceRequest).getUrn();
        cb(null, new engineProto.SetRootResourceResponse());
      },
    }));
    this.servers.push(monitor, engine);
    this.monitorAddress = await bind(monitor);
    this.engineAddress = await bind(engine);
  }

  /** Handlers for every method of a service: the given ones, and a recorded refusal for the rest. */
  private handlers(service: grpc.ServiceDefinition, served: Record<string, (request: unknown, callback: Callback) => void>): grpc.UntypedServiceImplementation {
    const impl: Record<string, Handler> = {};
    for (const method of Object.keys(service)) {
      const serve = served[method];
      impl[method] = (call, callback) => {
        if (serve === undefined) {
          this.refused.push(method);
          callback(rpcError(grpc.status.UNIMPLEMENTED, `the fake engine does not serve ${method}`));
          return;
        }
        try {
          serve(call.request, callback);
        } catch (e) {
          callback(rpcError(grpc.status.INTERNAL, `fake engine: ${(e as Error).message}`));
        }
      };
    }
    return impl as unknown as grpc.UntypedServiceImplementation;
  }

  private supportsFeature(req: resourceProto.SupportsFeatureRequest, cb: Callback): void {
    this.featureAsks.push(req.getId());
    cb(null, new resourceProto.SupportsFeatureResponse().setHassupport(this.features[req.getId()] ?? true));
  }

  private registerResource(req: resourceProto.RegisterResourceRequest, cb: Callback): void {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    const urn = this.urnOf(type, name, parent);
    if (this.registrations.some((r) => r.urn === urn)) {
      cb(rpcError(grpc.status.INVALID_ARGUMENT, `Duplicate resource URN '${urn}'; try giving it a unique name`));
      return;
    }
    const aliases = req.getAliasesList().map(recordAlias);
    const resolvedAliases = [
      ...req.getAliasurnsList(),
      ...aliases.map((a) => {
        if ("urn" in a) return a.urn;
        const s = a.spec;
        const aliasParent = s.noParent ? "" : (s.parentUrn ?? parent);
        return this.urnOf(s.type || type, s.name || name, aliasParent, s.project || this.project, s.stack || this.stack);
      }),
    ];
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, deps] of req.getPropertydependenciesMap().entries()) propertyDependencies[k] = deps.getUrnsList();
    const providers: Record<string, string> = {};
    for (const [k, ref] of req.getProvidersMap().entries()) providers[k] = ref;
    const object = toJs(req.getObject());
    const custom = req.getCustom();
    const id = custom && !this.preview ? `${name}-id` : undefined;
    this.registrations.push({
      type,
      name,
      parent,
      custom,
      object,
      version: req.getVersion(),
      pluginDownloadURL: req.getPlugindownloadurl(),
      aliases,
      aliasUrns: req.getAliasurnsList(),
      resolvedAliases,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      provider: req.getProvider(),
      providers,
      remote: req.getRemote(),
      urn,
      ...(id === undefined ? {} : { id }),
    });
    // The inputs echoed, plus what the cloud computes for the type (unknown at preview).
    const state = this.preview ? { ...object } : { ...object, ...(this.computed[type]?.(name, object) ?? {}) };
    const res = new resourceProto.RegisterResourceResponse().setUrn(urn).setObject(fromJs(state)).setResult(resourceProto.Result.SUCCESS);
    if (id !== undefined) res.setId(id);
    cb(null, res);
  }

  private registerResourceOutputs(req: resourceProto.RegisterResourceOutputsRequest, cb: Callback): void {
    this.outputs.push({ urn: req.getUrn(), outputs: toJs(req.getOutputs()) });
    cb(null, new Empty());
  }

  private invoke(req: resourceProto.ResourceInvokeRequest, cb: Callback): void {
    const token = req.getTok();
    const args = toJs(req.getArgs());
    this.invoked.push({ token, args, provider: req.getProvider(), version: req.getVersion(), pluginDownloadURL: req.getPlugindownloadurl() });
    const answer = this.invokes[token];
    if (answer === undefined) {
      cb(rpcError(grpc.status.UNIMPLEMENTED, `the fake engine has no answer for invoke "${token}"`));
      return;
    }
    let result: Props;
    try {
      result = answer(args);
    } catch (e) {
      cb(rpcError(grpc.status.UNKNOWN, (e as Error).message));
      return;
    }
    cb(null, new providerProto.InvokeResponse().setReturn(fromJs(result)));
  }

  private log(req: engineProto.LogRequest, cb: Callback): void {
    this.logs.push({ severity: SEVERITIES[req.getSeverity()], message: req.getMessage(), urn: req.getUrn() });
    cb(null, new Empty());
  }
}

/** What a Construct answered, as plain values. */
export interface ConstructResult {
  urn: string;
  /** The component's outputs (Struct to JS): secrets and output values stay wrapped. */
  state: Props;
  stateDependencies: Record<string, string[]>;
}

/**
 * Sends a ConstructRequest to the plugin as the engine does for a component a program creates at
 * top level (parent: the stack), with the fake as the monitor, at `pulumi up` (dryRun false; true
 * when the fake answers as at preview).
 * Rejects with the gRPC error when Construct fails.
 */
export function constructOn(
  client: ResourceProviderClient,
  engine: FakeEngine,
  request: { type: string; name: string; inputs: Props; parent?: string; config?: Record<string, string> },
): Promise<ConstructResult> {
  const req = new providerProto.ConstructRequest()
    .setProject(engine.project)
    .setStack(engine.stack)
    .setOrganization("organization")
    .setDryrun(engine.preview)
    .setParallel(16)
    .setMonitorendpoint(engine.monitorAddress)
    .setType(request.type)
    .setName(request.name)
    .setParent(request.parent ?? engine.stackUrn)
    .setInputs(fromJs(request.inputs))
    .setAcceptsOutputValues(true);
  for (const [k, v] of Object.entries(request.config ?? {})) req.getConfigMap().set(k, v);
  return new Promise((resolve, reject) =>
    client.construct(req, (e, res) => {
      if (e) {
        reject(e);
        return;
      }
      const stateDependencies: Record<string, string[]> = {};
      for (const [k, deps] of res.getStatedependenciesMap().entries()) stateDependencies[k] = deps.getUrnsList();
      resolve({ urn: res.getUrn(), state: toJs(res.getState()), stateDependencies });
    }),
  );
}
