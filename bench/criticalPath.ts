/**
 * Critical path: the ideal deployment time is the longest chain of true dependencies, each link
 * weighted by its modelled latency; the measured time is the wall time of the run under mocks
 * that sleep that latency. Also the strictly sequential run in the guide's order, and the check
 * that the IAM role and policy finish while IAM auth is still being enabled.
 */
import { GUIDE_ORDER, OperationKind, latencyMs } from "./latency";
import type { Operation } from "./mockCloud";

/** Why an operation waited: its dependencies, with the target lookup added where the SDK cannot see it. */
export function trueDependencies(ops: readonly Operation[], identifierTarget: boolean): Map<string, string[]> {
  const names = new Set(ops.map((o) => o.name));
  const lookups = ops.filter((o) => o.kind === "lookup").map((o) => o.name);
  const deps = new Map<string, string[]>();
  for (const op of ops) {
    const own = op.deps.filter((d) => names.has(d));
    // Every custom child of an identifier-target component takes values derived from the lookup
    // (the checked target gates all of them), but an invoke is no resource, so the SDK lists no
    // dependency on it. It is a true dependency: a child cannot be created without the lookup.
    const viaLookup = identifierTarget && op.kind !== "lookup" && op.kind !== "component" ? lookups : [];
    deps.set(op.name, [...new Set([...own, ...viaLookup])]);
  }
  return deps;
}

/** The longest chain of true dependencies, weighted by modelled latency (ms at `scale`). */
export function idealChain(ops: readonly Operation[], deps: Map<string, string[]>, scale: number): { ms: number; chain: string[] } {
  const byName = new Map(ops.map((o) => [o.name, o]));
  const finish = new Map<string, { ms: number; chain: string[] }>();
  const visiting = new Set<string>();
  const visit = (name: string): { ms: number; chain: string[] } => {
    const done = finish.get(name);
    if (done) return done;
    if (visiting.has(name)) throw new Error(`Dependency cycle through "${name}".`);
    visiting.add(name);
    const op = byName.get(name);
    if (!op) throw new Error(`Unknown operation "${name}".`);
    let best: { ms: number; chain: string[] } = { ms: 0, chain: [] };
    for (const d of deps.get(name) ?? []) {
      const f = visit(d);
      if (f.ms > best.ms) best = f;
    }
    const result = { ms: best.ms + latencyMs(op.kind, scale), chain: [...best.chain, name] };
    visiting.delete(name);
    finish.set(name, result);
    return result;
  };
  let longest: { ms: number; chain: string[] } = { ms: 0, chain: [] };
  for (const op of ops) {
    const f = visit(op.name);
    if (f.ms > longest.ms) longest = f;
  }
  return longest;
}

/** The largest delay between an operation's dependencies all finishing and its own start (ms). */
export function worstSchedulingDelay(ops: readonly Operation[], deps: Map<string, string[]>): { ms: number; name: string } {
  const byName = new Map(ops.map((o) => [o.name, o]));
  let worst = { ms: 0, name: "" };
  for (const op of ops) {
    const ready = Math.max(0, ...(deps.get(op.name) ?? []).map((d) => byName.get(d)?.end ?? 0));
    if (op.start - ready > worst.ms) worst = { ms: op.start - ready, name: op.name };
  }
  return worst;
}

/** Result of the overlap check. */
export interface OverlapCheck {
  ok: boolean;
  detail: string;
}

/**
 * The IAM role and its policy finish while IAM auth is being enabled: each ends after the
 * IAM-auth operation started and before it ended.
 */
export function roleAndPolicyOverlapIamAuth(ops: readonly Operation[]): OverlapCheck {
  const iamAuth = ops.filter((o) => o.kind === "iam-auth");
  const role = ops.filter((o) => o.kind === "iam-role");
  const policy = ops.filter((o) => o.kind === "iam-policy");
  if (iamAuth.length !== 1 || role.length !== 1 || policy.length !== 1) {
    return { ok: false, detail: `expected one iam-auth, role and policy; found ${iamAuth.length}, ${role.length}, ${policy.length}` };
  }
  const [a, r, p] = [iamAuth[0], role[0], policy[0]];
  const inside = (t: number) => t >= a.start && t <= a.end;
  const fmt = (t: number) => t.toFixed(0);
  return {
    ok: inside(r.end) && inside(p.end),
    detail: `iam-auth ${fmt(a.start)}-${fmt(a.end)} ms, role ends ${fmt(r.end)}, policy ends ${fmt(p.end)}`,
  };
}

/** Operations per kind, to size the sequential gate. */
export function countByKind(ops: readonly Operation[]): Map<OperationKind, number> {
  const counts = new Map<OperationKind, number>();
  for (const op of ops) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
  return counts;
}

/**
 * A gate that runs the guide's steps strictly one operation at a time, in `GUIDE_ORDER`: an
 * operation starts only when nothing else runs and every operation of earlier steps has ended.
 * Kinds outside the guide (providers, components) pass at once; they take no time.
 */
export function guideOrderGate(expected: Map<OperationKind, number>): (op: { kind: OperationKind }) => Promise<() => void> {
  const completed = new Map<OperationKind, number>();
  const waiting: { rank: number; kind: OperationKind; resolve: (release: () => void) => void }[] = [];
  let busy = false;
  const stepDone = (kind: OperationKind) => (completed.get(kind) ?? 0) >= (expected.get(kind) ?? 0);
  const pump = (): void => {
    if (busy) return;
    const eligible = waiting.filter((w) => GUIDE_ORDER.slice(0, w.rank).every(stepDone)).sort((x, y) => x.rank - y.rank);
    const next = eligible[0];
    if (!next) return;
    waiting.splice(waiting.indexOf(next), 1);
    busy = true;
    next.resolve(() => {
      busy = false;
      completed.set(next.kind, (completed.get(next.kind) ?? 0) + 1);
      pump();
    });
  };
  return (op) => {
    const rank = GUIDE_ORDER.indexOf(op.kind);
    if (rank < 0) return Promise.resolve(() => undefined);
    return new Promise((resolve) => {
      waiting.push({ rank, kind: op.kind, resolve });
      pump();
    });
  };
}

/** Sum of modelled latencies of all operations (ms at `scale`): the sequential ideal. */
export function sequentialIdealMs(ops: readonly Operation[], scale: number): number {
  return ops.reduce((sum, o) => sum + latencyMs(o.kind, scale), 0);
}
