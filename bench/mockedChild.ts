/**
 * Child process: lookups per target (no latency) and the critical-path runs (latency from
 * `latency.ts`), each component alone in the program. Prints one JSON line (`MockedResult`).
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/mockedChild.ts <reps> <sequential reps>
 */
import {
  countByKind,
  guideOrderGate,
  idealChain,
  roleAndPolicyOverlapIamAuth,
  sequentialIdealMs,
  trueDependencies,
  worstSchedulingDelay,
} from "./criticalPath";
import { MS_PER_MODELLED_SECOND } from "./latency";
import { BenchCloud, Operation } from "./mockCloud";
import { failOnUnhandledRejection, printResult } from "./child";
import { CRITICAL_PATH_SCENARIOS, SCENARIOS, Scenario, buildScenario, isIdentifierScenario, settle } from "./scenarios";

/** Invokes one component made, by token. */
export interface LookupResult {
  scenario: Scenario;
  identifierTarget: boolean;
  invokes: string[];
  resources: number;
}

/** One critical-path run. */
export interface PathRun {
  measuredMs: number;
  idealMs: number;
  chain: string[];
  worstDelayMs: number;
  worstDelayAt: string;
  overlap: { ok: boolean; detail: string };
  timeline: Operation[];
}

/** One sequential (guide-order) run. */
export interface SequentialRun {
  measuredMs: number;
  idealMs: number;
  order: string[];
  timeline: Operation[];
}

export interface ScenarioPaths {
  scenario: Scenario;
  parallel: PathRun[];
  sequential: SequentialRun[];
}

export interface MockedResult {
  scale: number;
  lookups: LookupResult[];
  paths: ScenarioPaths[];
}

async function lookups(cloud: BenchCloud): Promise<LookupResult[]> {
  const results: LookupResult[] = [];
  for (const scenario of SCENARIOS) {
    cloud.reset({ scale: 0, record: true });
    await settle(buildScenario(scenario, `lookup-${scenario}`, cloud));
    results.push({
      scenario,
      identifierTarget: isIdentifierScenario(scenario),
      invokes: [...cloud.invokeTokens],
      resources: cloud.operations.filter((o) => o.kind !== "lookup").length,
    });
  }
  return results;
}

/** A full GC before each timed run, so that no run pays for garbage left by the one before. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function parallelRun(cloud: BenchCloud, scenario: Scenario, name: string): Promise<PathRun> {
  collectGarbage();
  cloud.reset({ scale: MS_PER_MODELLED_SECOND, record: true });
  await settle(buildScenario(scenario, name, cloud));
  const measuredMs = cloud.now();
  const ops = [...cloud.operations];
  const deps = trueDependencies(ops, isIdentifierScenario(scenario));
  const ideal = idealChain(ops, deps, MS_PER_MODELLED_SECOND);
  const worst = worstSchedulingDelay(ops, deps);
  return {
    measuredMs,
    idealMs: ideal.ms,
    chain: ideal.chain,
    worstDelayMs: worst.ms,
    worstDelayAt: worst.name,
    overlap: roleAndPolicyOverlapIamAuth(ops),
    timeline: ops,
  };
}

async function sequentialRun(cloud: BenchCloud, scenario: Scenario, name: string, shape: Operation[]): Promise<SequentialRun> {
  collectGarbage();
  cloud.reset({ scale: MS_PER_MODELLED_SECOND, record: true, gate: guideOrderGate(countByKind(shape)) });
  await settle(buildScenario(scenario, name, cloud));
  const measuredMs = cloud.now();
  const ops = [...cloud.operations];
  return {
    measuredMs,
    idealMs: sequentialIdealMs(ops, MS_PER_MODELLED_SECOND),
    order: [...ops].sort((a, b) => a.start - b.start).filter((o) => o.kind !== "provider" && o.kind !== "component").map((o) => o.name),
    timeline: ops,
  };
}

async function main(): Promise<void> {
  failOnUnhandledRejection();
  const reps = Number(process.argv[2] ?? "3");
  const seqReps = Number(process.argv[3] ?? "1");
  const cloud = new BenchCloud();
  cloud.install();
  const lookupResults = await lookups(cloud);
  // The lookups pass made every scenario once: it is the warm-up (lazy module loads, JIT, the
  // one-time serialization of the dynamic providers), so no measured run pays for it.
  const paths: ScenarioPaths[] = [];
  for (const scenario of reps > 0 ? CRITICAL_PATH_SCENARIOS : []) {
    const parallel: PathRun[] = [];
    for (let i = 0; i < reps; i++) parallel.push(await parallelRun(cloud, scenario, `${scenario}-p${i}`));
    const sequential: SequentialRun[] = [];
    for (let i = 0; i < seqReps; i++) sequential.push(await sequentialRun(cloud, scenario, `${scenario}-s${i}`, parallel[0].timeline));
    paths.push({ scenario, parallel, sequential });
  }
  const result: MockedResult = { scale: MS_PER_MODELLED_SECOND, lookups: lookupResults, paths };
  printResult(result);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
