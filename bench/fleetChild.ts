/**
 * Child process: N components in one program under mocks without latency. Prints one JSON line
 * (`FleetResult`). Run with `--expose-gc`, one process per measurement, so heaps do not mix.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/fleetChild.ts <scenario> <N> [samples]
 *
 * Measures a cold program (the first component pays for lazily loaded modules, JIT warm-up and
 * the serialization of each dynamic provider) and a warm one (N more components in the same
 * process once one has been made), with the heap after a full GC before and after the N. With
 * `samples`, the warm time of one component alone is then sampled that many more times (cheap
 * extra samples of the noisiest figure, t(1), without a process each).
 */
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import * as closure from "@pulumi/pulumi/runtime/closure/serializeClosure";
import { NO_STACK_TRACES_ENV, failOnUnhandledRejection, printResult } from "./child";
import { BenchCloud } from "./mockCloud";
import { Scenario, buildScenario, drainRpcs, isScenario, settle } from "./scenarios";

export interface FleetResult {
  scenario: Scenario;
  n: number;
  /** Wall time of the first component, from constructor to settled (one-time costs included). */
  coldFirstMs: number;
  /** Wall time of N components made after the first, constructor to all settled. */
  warmMs: number;
  /** Further warm samples of one component alone (only when asked for). */
  singleSamplesMs: number[];
  /** Heap (after full GC) held by those N components. */
  warmHeapBytes: number;
  /** `serializeFunction` calls (dynamic provider serializations) during the cold and the warm part. */
  serializeCallsCold: number;
  serializeCallsWarm: number;
  /** Wall time during which at least one serialization was in progress (overlaps merged). */
  serializeMsCold: number;
  serializeMsWarm: number;
  /** Length of the serialized provider texts, in characters. */
  serializedChars: number[];
  /** Registrations of the warm part. */
  registrations: number;
  cacheDynamicProviders: boolean;
}

/** Length of the union of [start, end] intervals. */
function unionLength(intervals: readonly [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | undefined;
  for (const [s, e] of sorted) {
    if (current && s <= current[1]) current[1] = Math.max(current[1], e);
    else {
      if (current) total += current[1] - current[0];
      current = [s, e];
    }
  }
  return total + (current ? current[1] - current[0] : 0);
}

/** Records each `serializeFunction` call, which a dynamic resource makes to serialize its provider. */
function instrumentSerialization(): { intervals: [number, number][]; chars: number[] } {
  const stats = { intervals: [] as [number, number][], chars: [] as number[] };
  const original = closure.serializeFunction;
  const exportsObject = closure as { serializeFunction: typeof closure.serializeFunction };
  exportsObject.serializeFunction = async (...args) => {
    const start = performance.now();
    try {
      const result = await original(...args);
      stats.chars.push(result.text.length);
      return result;
    } finally {
      stats.intervals.push([start, performance.now()]);
    }
  };
  return stats;
}

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("Run with --expose-gc.");
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  failOnUnhandledRejection();
  if (process.env[NO_STACK_TRACES_ENV] === "1") Error.stackTraceLimit = 0;
  const [scenario, nArg, samplesArg] = process.argv.slice(2);
  if (!isScenario(scenario)) throw new Error(`Unknown scenario "${scenario}".`);
  const n = Number(nArg);
  const samples = Number(samplesArg ?? "0");
  const stats = instrumentSerialization();
  const cloud = new BenchCloud();
  cloud.install();
  cloud.reset({ scale: 0, record: false });

  let start = performance.now();
  await settle(buildScenario(scenario, "fleet-first", cloud));
  await drainRpcs();
  const coldFirstMs = performance.now() - start;
  const cold = [...stats.intervals];

  let registrations = 0;
  const newResource = cloud.mocks.newResource;
  cloud.mocks.newResource = (args) => {
    registrations++;
    return newResource(args);
  };
  const heapBefore = gcHeap();
  start = performance.now();
  const components = [];
  for (let i = 0; i < n; i++) components.push(buildScenario(scenario, `fleet-${i}`, cloud));
  await Promise.all(components.map(settle));
  await drainRpcs();
  const warmMs = performance.now() - start;
  const warmRegistrations = registrations;
  // The mock monitor keeps every registered state (the engine's job in a real deployment): drop
  // it, so that the heap figure is the program's own.
  (getMonitor() as unknown as MockMonitor).resources.clear();
  const warmHeapBytes = gcHeap() - heapBefore;
  const warm = stats.intervals.slice(cold.length);

  const singleSamplesMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    start = performance.now();
    await settle(buildScenario(scenario, `fleet-single-${i}`, cloud));
    await drainRpcs();
    singleSamplesMs.push(performance.now() - start);
  }

  const result: FleetResult = {
    scenario,
    n,
    coldFirstMs,
    warmMs,
    singleSamplesMs,
    warmHeapBytes,
    serializeCallsCold: cold.length,
    serializeCallsWarm: warm.length,
    serializeMsCold: unionLength(cold),
    serializeMsWarm: unionLength(warm),
    serializedChars: stats.chars,
    registrations: warmRegistrations,
    cacheDynamicProviders: process.env.PULUMI_NODEJS_CACHE_DYNAMIC_PROVIDERS !== "false",
  };
  printResult(result);
  // The components stay reachable until after the heap was measured.
  if (components.length !== n) throw new Error("lost components");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
