/**
 * Reading a doctor report in the specs: the ids with a status, and one result by id (a missing
 * one fails the spec, naming the ids there are).
 */
import * as assert from "node:assert/strict";
import type { DoctorResult } from "../../components/cli/doctor/result";
import type { DoctorReport } from "../../components/cli/doctor/run";

/** The ids of the results with `status`, in report order. */
export const byStatus = (rep: DoctorReport, status: DoctorResult["status"]): string[] => rep.results.filter((r) => r.status === status).map((r) => r.id);

/** The ids of the failing results, in report order. */
export const failed = (rep: DoctorReport): string[] => byStatus(rep, "fail");

/** The result with `id`; fails the spec when the report has none. */
export function result(rep: DoctorReport, id: string): DoctorResult {
  const r = rep.results.find((x) => x.id === id);
  assert.ok(r, `no result ${id} in ${rep.results.map((x) => x.id).join(", ")}`);
  return r;
}
