/**
 * The plugin (provider/) as Pulumi runs it: built the way its `prepare` script builds it, started
 * the way Pulumi's Node.js language host starts it (`node <@pulumi/pulumi/cmd/run-plugin>
 * <pluginDir> <engineAddr>`, from another directory), and called over gRPC with the SDK's
 * generated clients.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";

export const ROOT = path.join(__dirname, "..", "..");
export const PLUGIN_DIR = path.join(ROOT, "provider");
export const RUN_PLUGIN = require.resolve("@pulumi/pulumi/cmd/run-plugin");

let built = false;

/** Builds the plugin as its `prepare` script does (tsc from the root's node_modules), once per test process. */
export function buildPlugin(): void {
  if (built) return;
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(PLUGIN_DIR, "tsconfig.build.json")], { cwd: ROOT, stdio: "pipe" });
  fs.copyFileSync(path.join(PLUGIN_DIR, "schema.json"), path.join(PLUGIN_DIR, "bin", "provider", "schema.json"));
  built = true;
}

/** A started plugin. */
export interface StartedPlugin {
  child: ChildProcess;
  port: number;
  client: ResourceProviderClient;
  /** What the plugin wrote on stderr so far. */
  stderr(): string;
  stop(): void;
}

/**
 * Starts the plugin as the language host does and resolves once it prints its port.
 * `engineAddress` is the engine's gRPC address (a fake engine in specs; "127.0.0.1:1" when no
 * call reaches it); `env` is added to this process's environment; `pluginDir` and `runPlugin`
 * start an installed copy instead of this repository's provider/.
 */
export function startPlugin(
  options: { engineAddress?: string; env?: Record<string, string>; pluginDir?: string; runPlugin?: string; cwd?: string } = {},
): Promise<StartedPlugin> {
  // Another plugin directory (an installed copy) comes built, with its own run-plugin.
  if (options.pluginDir === undefined) buildPlugin();
  const args = [options.runPlugin ?? RUN_PLUGIN, options.pluginDir ?? PLUGIN_DIR, options.engineAddress ?? "127.0.0.1:1"];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? os.tmpdir(),
    env: { ...process.env, ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        const port = Number(m[1]);
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        resolve({
          child,
          port,
          client,
          stderr: () => err,
          stop: () => {
            client.close();
            child.kill();
          },
        });
      }
    });
    child.on("exit", (code) => reject(new Error(`plugin exited with ${code}: ${err}`)));
  });
}

type Unary<Req, Res> = (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown;

/** One unary gRPC call, as a promise. */
export function call<Req, Res>(client: ResourceProviderClient, method: Unary<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, (e, r) => (e ? reject(e) : resolve(r))));
}

/** A property bag as a protobuf Struct. */
export const struct = (o: Record<string, unknown>): Struct => Struct.fromJavaScript(o as Parameters<typeof Struct.fromJavaScript>[0]);

/** A URN of a top-level resource of the given type in stack `dev` of project `proj`. */
export const urnOf = (type: string, name: string): string => `urn:pulumi:dev::proj::${type}::${name}`;
