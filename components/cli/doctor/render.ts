/**
 * The report: one line per check with its mark (✓ pass, ✗ fail, ! warning, - skipped), the fix
 * right under a failure or warning, a summary line; or, for machines, a JSON array. Pure.
 */
import type { CheckStatus } from "../../checks/readiness";
import type { DoctorResult } from "./result";

export const MARKS: Readonly<Record<CheckStatus, string>> = { pass: "✓", fail: "✗", warn: "!", skip: "-" };

/** The counts of each status. */
export function counts(results: readonly DoctorResult[]): Record<CheckStatus, number> {
  const c: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) c[r.status]++;
  return c;
}

/** `N passed, N failed, N warnings, N skipped`. */
export function summaryLine(results: readonly DoctorResult[]): string {
  const c = counts(results);
  return `${c.pass} passed, ${c.fail} failed, ${c.warn} warning${c.warn === 1 ? "" : "s"}, ${c.skip} skipped`;
}

/** The text report: a heading, the checks, the summary line. */
export function renderText(heading: string, results: readonly DoctorResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.id.length));
  const lines = [heading, ""];
  for (const r of results) {
    const skipped = r.status === "skip" ? "skipped: " : "";
    lines.push(`${MARKS[r.status]} ${r.id.padEnd(width)}  ${skipped}${r.summary}`);
    const indent = " ".repeat(width + 4);
    for (const d of r.details ?? []) lines.push(`${indent}| ${d}`);
    if (r.fix !== undefined && r.fix !== "" && r.status !== "pass") lines.push(`${indent}${r.status === "skip" ? "hint" : "fix"}: ${r.fix}`);
  }
  lines.push("", summaryLine(results));
  return lines.join("\n") + "\n";
}

/** The JSON report: an array of {id, status, summary, fix?, details?}. */
export function renderJson(results: readonly DoctorResult[]): string {
  const plain = results.map((r) => ({
    id: r.id,
    status: r.status,
    summary: r.summary,
    ...(r.fix === undefined || r.fix === "" ? {} : { fix: r.fix }),
    ...(r.details === undefined ? {} : { details: r.details }),
  }));
  return JSON.stringify(plain, null, 2) + "\n";
}

/** Replaces every occurrence of each secret with `***` (belt and braces: no secret is ever put in a result). */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join("***"), text);
}
