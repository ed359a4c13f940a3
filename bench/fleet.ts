/**
 * Fleet scale: N components in one program, each N in fresh child processes (`fleetChild.ts`),
 * repeated and reduced to medians; heap growth fitted against N.
 */
import { NO_STACK_TRACES_ENV, runTsChild } from "./child";
import type { FleetResult } from "./fleetChild";
import type { Scenario } from "./scenarios";
import { linearFit, median } from "./stats";

export const FLEET_SIZES = [1, 10, 100, 300] as const;

/** One N, reduced over its repetitions. */
export interface FleetRow {
  n: number;
  reps: number;
  /** Median warm wall time of the N components. */
  ms: number;
  msPerComponent: number;
  /** t(N) / (N · t(1)), both medians of warm runs. */
  ratio: number;
  heapBytes: number;
  heapPerComponent: number;
  registrationsPerComponent: number;
  /** Median wall time of the first (cold) component of the process. */
  coldFirstMs: number;
  /** Median wall time during which a dynamic provider was being serialized (all in the cold part). */
  serializeMs: number;
  /** Serializations during the warm N (0 when providers are serialized once per process). */
  serializeCallsWarm: number;
  serializeCallsCold: number;
  /** Timing samples behind `ms`. */
  samples: number;
  /** serializeMs / (coldFirstMs + ms): share of a cold program of 1 + N components. */
  serializeShare: number;
  runs: FleetResult[];
}

export interface FleetReport {
  scenario: Scenario;
  rows: FleetRow[];
  heapFit: { slope: number; intercept: number; r2: number };
  serializedChars: number[];
  /** Diagnostics: the same program with the SDK's provider cache off, and with stack traces off. */
  diagnostics: { label: string; n: number; ms: number; msPerComponent: number; heapPerComponent: number; serializeCallsWarm: number }[];
}

/** Extra in-process samples of t(1) per N=1 process: the shortest, noisiest figure. */
export const SINGLE_SAMPLES = 4;

function runFleet(scenario: Scenario, n: number, env: NodeJS.ProcessEnv = {}): Promise<FleetResult> {
  const samples = n === 1 ? SINGLE_SAMPLES : 0;
  return runTsChild<FleetResult>("fleetChild.ts", [scenario, String(n), String(samples)], { nodeArgs: ["--expose-gc"], env });
}

export async function fleet(scenario: Scenario, reps: (n: number) => number, diagnostics: boolean, log: (s: string) => void): Promise<FleetReport> {
  const byN = new Map<number, FleetResult[]>();
  for (const n of FLEET_SIZES) {
    const runs: FleetResult[] = [];
    for (let i = 0; i < reps(n); i++) {
      runs.push(await runFleet(scenario, n));
      log(`  fleet ${scenario} N=${n} run ${i + 1}/${reps(n)}: ${runs[i].warmMs.toFixed(0)} ms`);
    }
    byN.set(n, runs);
  }
  const t1 = median((byN.get(1) ?? []).flatMap((r) => [r.warmMs, ...r.singleSamplesMs]));
  const rows: FleetRow[] = FLEET_SIZES.map((n) => {
    const runs = byN.get(n) ?? [];
    const ms = n === 1 ? t1 : median(runs.map((r) => r.warmMs));
    const heapBytes = median(runs.map((r) => r.warmHeapBytes));
    const coldFirstMs = median(runs.map((r) => r.coldFirstMs));
    const serializeMs = median(runs.map((r) => r.serializeMsCold));
    return {
      n,
      reps: runs.length,
      samples: runs.reduce((sum, r) => sum + 1 + r.singleSamplesMs.length, 0),
      ms,
      msPerComponent: ms / n,
      ratio: ms / (n * t1),
      heapBytes,
      heapPerComponent: heapBytes / n,
      registrationsPerComponent: runs[0].registrations / n,
      coldFirstMs,
      serializeMs,
      serializeCallsWarm: Math.max(...runs.map((r) => r.serializeCallsWarm)),
      serializeCallsCold: Math.max(...runs.map((r) => r.serializeCallsCold)),
      serializeShare: serializeMs / (coldFirstMs + ms),
      runs,
    };
  });
  const heapFit = linearFit(rows.map((r) => ({ x: r.n, y: r.heapBytes })));

  const diag: FleetReport["diagnostics"] = [];
  if (diagnostics) {
    const cases: { label: string; n: number; env: NodeJS.ProcessEnv }[] = [
      { label: "SDK provider cache off (PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS=false)", n: 10, env: { PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS: "false" } },
      { label: "Error.stackTraceLimit = 0 (Pulumi's per-promise stack capture made free)", n: 100, env: { [NO_STACK_TRACES_ENV]: "1" } },
    ];
    for (const c of cases) {
      const r = await runFleet(scenario, c.n, c.env);
      log(`  fleet diagnostic "${c.label}" N=${c.n}: ${r.warmMs.toFixed(0)} ms`);
      diag.push({ label: c.label, n: c.n, ms: r.warmMs, msPerComponent: r.warmMs / c.n, heapPerComponent: r.warmHeapBytes / c.n, serializeCallsWarm: r.serializeCallsWarm });
    }
  }
  return { scenario, rows, heapFit, serializedChars: rows[0].runs[0].serializedChars, diagnostics: diag };
}
