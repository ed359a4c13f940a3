/**
 * `npm run bench`: critical path, lookups, fleet scale and developer loop. Prints the report,
 * writes bench/RESULTS.md and the charts (full runs only) and bench/out/results.json, and exits
 * 1 when a goal fails.
 *
 *   npm run bench                                  everything (about 3 minutes)
 *   npm run bench -- --only critical,lookups       some parts (nothing written but bench/out/)
 *   npm run bench -- --reps 5                      critical-path repetitions (default 3)
 *   npm run bench -- --fleet-scenario rds-postgres fleet of another target (default rds-mariadb)
 *   npm run bench -- --no-diagnostics              skip the two one-off fleet diagnostics
 *   npm run bench -- --test-reps 3                 `npm test` runs (default 1; the type-check runs 3 times)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCommand, runTsChild } from "./child";
import { devLoop, ensureMariaDb } from "./devLoop";
import { FleetReport, fleet } from "./fleet";
import { checkLookups, expectedInvokes, FORBIDDEN_INVOKES } from "./lookups";
import type { MockedResult } from "./mockedChild";
import { BenchReport, CriticalRow, Goal, LookupRow, markdown, scaleSvg, timelineSvg } from "./report";
import { isScenario, Scenario } from "./scenarios";
import { median, medianBy } from "./stats";

const PARTS = ["critical", "lookups", "fleet", "dev"] as const;
type Part = (typeof PARTS)[number];

/** Goal thresholds. */
export const MAX_CRITICAL_PATH_RATIO = 1.1;
export const MAX_FLEET_RATIO = 1.5;
export const FLEET_GOAL_N = 300;
export const MIN_HEAP_R2 = 0.99;
/** Heap per component at the largest N may exceed that at the next N by at most this factor. */
export const MAX_HEAP_PER_COMPONENT_GROWTH = 1.25;

/** A bad command line: printed as one line, exit 2. */
class UsageError extends Error {}

interface Options {
  parts: Set<Part>;
  reps: number;
  fleetScenario: Scenario;
  diagnostics: boolean;
  testReps: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { parts: new Set(PARTS), reps: 3, fleetScenario: "rds-mariadb", diagnostics: true, testReps: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`\`${arg}\` needs a value.`);
      return v;
    };
    if (arg === "--only") {
      const parts = value().split(",");
      const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (unknown.length > 0) throw new UsageError(`\`--only\` "${unknown.join(",")}" is not one of ${PARTS.join(", ")}.`);
      options.parts = new Set(parts as Part[]);
    } else if (arg === "--reps") {
      options.reps = Number(value());
      if (!Number.isInteger(options.reps) || options.reps < 1) throw new UsageError("`--reps` must be a positive integer.");
    } else if (arg === "--fleet-scenario") {
      const s = value();
      if (!isScenario(s)) throw new UsageError(`\`--fleet-scenario\` "${s}" is not a known scenario.`);
      options.fleetScenario = s;
    } else if (arg === "--test-reps") {
      options.testReps = Number(value());
      if (!Number.isInteger(options.testReps) || options.testReps < 1) throw new UsageError("`--test-reps` must be a positive integer.");
    } else if (arg === "--no-diagnostics") {
      options.diagnostics = false;
    } else {
      throw new UsageError(`Unknown argument "${arg}"; see the header of bench/run.ts.`);
    }
  }
  return options;
}

/**
 * Processes per fleet size. Short runs are the noisy ones and cheap to repeat (N=1 also takes
 * extra samples in-process); long runs average their own noise, and each N=300 run costs
 * about 25 s of the 3-minute budget.
 */
function fleetReps(n: number): number {
  if (n <= 10) return 3;
  return n <= 100 ? 2 : 1;
}

function criticalRows(m: MockedResult): CriticalRow[] {
  return m.paths.map((p) => {
    const mid = medianBy(p.parallel, (r) => r.measuredMs / r.idealMs);
    return {
      scenario: p.scenario,
      runs: p.parallel.length,
      measuredMs: median(p.parallel.map((r) => r.measuredMs)),
      idealMs: median(p.parallel.map((r) => r.idealMs)),
      ratio: median(p.parallel.map((r) => r.measuredMs / r.idealMs)),
      sequentialMs: median(p.sequential.map((r) => r.measuredMs)),
      sequentialIdealMs: median(p.sequential.map((r) => r.idealMs)),
      startupMs: median(p.parallel.map((r) => Math.min(...r.timeline.map((o) => o.start)))),
      slackMs: median(p.parallel.map((r) => r.measuredMs - Math.min(...r.timeline.map((o) => o.start)) - r.idealMs)),
      worstDelayMs: mid.worstDelayMs,
      worstDelayAt: /^[a-z-]+-p\d+$/.test(mid.worstDelayAt) ? "component registration" : mid.worstDelayAt.replace(/^[a-z-]+-p\d+-/, ""),
      overlapOk: p.parallel.filter((r) => r.overlap.ok).length,
      overlapDetail: mid.overlap.detail,
      chain: mid.chain.map((n) => n.replace(/^invoke#\d+:/, "").replace(new RegExp(`^${p.scenario}-p\\d+-`), "")),
    };
  });
}

function lookupRows(m: MockedResult): LookupRow[] {
  return m.lookups.map((l) => ({
    scenario: l.scenario,
    target: l.identifierTarget ? (l.scenario.startsWith("aurora") ? "cluster identifier" : "instance identifier") : "managed resource",
    invokes: l.invokes,
    expected: expectedInvokes(l.scenario),
    resources: l.resources,
    ok: checkLookups(l).ok,
  }));
}

function criticalGoals(rows: readonly CriticalRow[]): Goal[] {
  const goals: Goal[] = rows.map((c) => ({
    goal: `critical path ${c.scenario}: measured / ideal`,
    target: `≤ ${MAX_CRITICAL_PATH_RATIO.toFixed(2)}`,
    measured: c.ratio.toFixed(3),
    pass: c.ratio <= MAX_CRITICAL_PATH_RATIO,
  }));
  const runs = rows.reduce((s, c) => s + c.runs, 0);
  const ok = rows.reduce((s, c) => s + c.overlapOk, 0);
  goals.push({ goal: "IAM role and policy finish while IAM auth is being enabled", target: "every run", measured: `${ok}/${runs} runs`, pass: ok === runs });
  return goals;
}

function lookupGoals(m: MockedResult): Goal[] {
  const identifier = m.lookups.filter((l) => l.identifierTarget);
  const managed = m.lookups.filter((l) => !l.identifierTarget);
  const forbidden = m.lookups.flatMap((l) => checkLookups(l).forbidden);
  const okCount = (ls: typeof m.lookups) => ls.filter((l) => checkLookups(l).ok).length;
  return [
    { goal: "identifier target: exactly 1 invoke (getInstance / getCluster)", target: "all identifier targets", measured: `${okCount(identifier)}/${identifier.length} targets`, pass: okCount(identifier) === identifier.length },
    { goal: "managed target: 0 invokes", target: "all managed targets", measured: `${okCount(managed)}/${managed.length} targets`, pass: okCount(managed) === managed.length },
    {
      goal: "no getCallerIdentity / getRegion / getPartition / getPolicyDocument",
      target: "0 such invokes",
      measured: forbidden.length === 0 ? `0 in ${m.lookups.length} targets` : forbidden.join(", "),
      pass: forbidden.length === 0 && FORBIDDEN_INVOKES.length === 4,
    },
  ];
}

function fleetGoals(f: FleetReport): Goal[] {
  const at = f.rows.find((r) => r.n === FLEET_GOAL_N);
  const [prev, last] = f.rows.slice(-2);
  const growth = last.heapPerComponent / prev.heapPerComponent;
  const warmSerializations = f.rows.reduce((s, r) => s + r.serializeCallsWarm, 0);
  return [
    {
      goal: `fleet: t(${FLEET_GOAL_N}) / (${FLEET_GOAL_N}·t(1)), warm`,
      target: `≤ ${MAX_FLEET_RATIO}`,
      measured: at ? at.ratio.toFixed(2) : "not run",
      pass: at !== undefined && at.ratio <= MAX_FLEET_RATIO,
    },
    {
      goal: "fleet: heap linear in N",
      target: `R² ≥ ${MIN_HEAP_R2}; heap/component at N=${last.n} ≤ ${MAX_HEAP_PER_COMPONENT_GROWTH}× that at N=${prev.n}`,
      measured: `R² ${f.heapFit.r2.toFixed(4)}; ${growth.toFixed(2)}×`,
      pass: f.heapFit.r2 >= MIN_HEAP_R2 && growth <= MAX_HEAP_PER_COMPONENT_GROWTH,
    },
    {
      goal: "fleet: each dynamic provider serialized once per process",
      target: "0 serializations after the first component",
      measured: `${warmSerializations} (first component: ${f.rows[0].serializeCallsCold})`,
      pass: warmSerializations === 0,
    },
  ];
}

async function gitCommit(): Promise<string> {
  const head = await runCommand("git", ["rev-parse", "--short", "HEAD"]);
  const status = await runCommand("git", ["status", "--porcelain"]);
  if (head.code !== 0) return "unknown";
  return `${head.stdout.trim()}${status.stdout.trim() ? " with uncommitted changes" : ""}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseArgs(argv);
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const full = PARTS.every((p) => options.parts.has(p));
  const loadAtStart = os.loadavg()[0];
  const partTimes: { part: string; ms: number }[] = [];
  const timed = async <T>(part: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      partTimes.push({ part, ms: performance.now() - t0 });
    }
  };

  let mocked: MockedResult | undefined;
  if (options.parts.has("critical") || options.parts.has("lookups")) {
    log(`bench: lookups and critical path (${options.reps} runs per target)…`);
    const args = [String(options.parts.has("critical") ? options.reps : 0), options.parts.has("critical") ? "1" : "0"];
    mocked = await timed("lookups + critical path", () => runTsChild<MockedResult>("mockedChild.ts", args, { nodeArgs: ["--expose-gc"] }));
  }
  let fleetReport: FleetReport | undefined;
  if (options.parts.has("fleet")) {
    log(`bench: fleet of ${options.fleetScenario}…`);
    fleetReport = await timed("fleet", () => fleet(options.fleetScenario, fleetReps, options.diagnostics, log));
  }
  let dev: BenchReport["dev"] = [];
  let devNote = "";
  if (options.parts.has("dev")) {
    log("bench: developer loop…");
    const mariadb = await ensureMariaDb();
    devNote = `Child processes, run one after another. \`npm test\` is type-check + eslint + mocha, including the real-MariaDB spec (MariaDB: ${mariadb}). Other engineers edit the tree concurrently, so a failing test run is reported, not treated as a benchmark failure.`;
    dev = await timed("developer loop", () => devLoop({ typecheck: 3, test: options.testReps }));
  }

  const critical = options.parts.has("critical") && mocked ? criticalRows(mocked) : [];
  const goals: Goal[] = [
    ...criticalGoals(critical).filter(() => critical.length > 0),
    ...(options.parts.has("lookups") && mocked ? lookupGoals(mocked) : []),
    ...(fleetReport ? fleetGoals(fleetReport) : []),
  ];
  const firstPath = mocked?.paths.find((p) => p.scenario === "rds-postgres") ?? mocked?.paths[0];
  const report: BenchReport = {
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}`,
    commit: await gitCommit(),
    durationMs: performance.now() - started,
    partTimes,
    load: { start: loadAtStart, end: os.loadavg()[0] },
    scale: mocked?.scale ?? 0,
    critical,
    lookups: options.parts.has("lookups") && mocked ? lookupRows(mocked) : [],
    fleet: fleetReport,
    dev,
    devNote,
    goals,
    timelines:
      firstPath && firstPath.parallel.length > 0 && firstPath.sequential.length > 0
        ? {
            scenario: firstPath.scenario,
            parallel: medianBy(firstPath.parallel, (r) => r.measuredMs).timeline,
            sequential: firstPath.sequential[0].timeline,
          }
        : undefined,
  };

  const text = markdown(report);
  process.stdout.write(`\n${text}`);
  const outDir = path.join(__dirname, "out");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "results.json"), JSON.stringify({ report, mocked }, null, 2));
  if (full) {
    fs.writeFileSync(path.join(__dirname, "RESULTS.md"), text);
    if (fleetReport) fs.writeFileSync(path.join(__dirname, "scale.svg"), scaleSvg(fleetReport));
    if (report.timelines) fs.writeFileSync(path.join(__dirname, "critical-path.svg"), timelineSvg(report.timelines, report.scale));
    log("bench: wrote bench/RESULTS.md, bench/scale.svg, bench/critical-path.svg");
  } else {
    log("bench: partial run; wrote only bench/out/results.json");
  }
  const failed = goals.filter((g) => !g.pass);
  log(`bench: ${goals.length - failed.length}/${goals.length} goals PASS${failed.length ? `; FAIL: ${failed.map((g) => g.goal).join("; ")}` : ""} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof UsageError ? `bench: ${e.message}` : e);
  process.exit(2);
});
