/**
 * The doctor's verdicts: the readiness checks' `CheckResult`, with optional detail lines (such as
 * recent log lines) shown under the summary. Pure.
 */
import type { CheckResult, CheckStatus } from "../../checks/readiness";
import type { Unavailable } from "./facts";

export interface DoctorResult extends CheckResult {
  /** Extra lines shown under the summary, such as recent log lines. */
  details?: string[];
}

export const pass = (id: string, summary: string): DoctorResult => ({ id, status: "pass", summary });
export const fail = (id: string, summary: string, fix: string): DoctorResult => ({ id, status: "fail", summary, fix });
export const warn = (id: string, summary: string, fix: string): DoctorResult => ({ id, status: "warn", summary, fix });
export const skip = (id: string, summary: string, fix?: string): DoctorResult => ({ id, status: "skip", summary, ...(fix === undefined ? {} : { fix }) });

/** Facts that could not be gathered, as one line: a failure for an error, else a skip. */
export const unavailableResult = (id: string, u: Unavailable): DoctorResult => (u.failed ? fail(id, u.reason, u.fix ?? "") : skip(id, u.reason, u.fix));

const RANK: Readonly<Record<CheckStatus, number>> = { skip: 0, pass: 1, warn: 2, fail: 3 };

/**
 * One result per id, at the place the id first appears: the worse of two verdicts on the same
 * thing (the lookup and the database can both report the PostgreSQL version).
 */
export function mergeById(results: readonly DoctorResult[]): DoctorResult[] {
  const byId = new Map<string, DoctorResult>();
  for (const r of results) {
    const seen = byId.get(r.id);
    if (seen === undefined || RANK[r.status] > RANK[seen.status]) byId.set(r.id, r);
  }
  const order = [...new Set(results.map((r) => r.id))];
  return order.map((id) => byId.get(id) as DoctorResult);
}
