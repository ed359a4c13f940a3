/**
 * The deploy-time readiness check of a CDC source: connect as the admin, read the facts, judge
 * them with the pure checks of `checks/readiness.ts`, and (MySQL/MariaDB on RDS) make sure of the
 * binlog retention. Plain async functions over plain inputs and injected connections, so that
 * the dynamic resource around them stays a thin wrapper and the logic is tested without Pulumi.
 */
import type { CdcCheckMode } from "../cdcArgs";
import { TargetFacts } from "../checks/facts";
import { CheckResult, MySqlRequest, PostgresRequest, blockingFailures, describeResult, failures, mySqlChecks, postgresChecks, readinessFailureMessage } from "../checks/readiness";
import type { SqlSession } from "../mariadbUserPlan";
import { raiseBinlogRetention, readMySqlFacts, readPostgresFacts } from "./facts";
import type { PgSession } from "./pgSession";

/** Where the source is, for messages and fixes. */
export type ReadinessTarget = Pick<TargetFacts, "deployment" | "parameterGroup" | "kind" | "identifier">;

/** What to check: one engine's request. */
export type ReadinessRequest =
  | { engine: "postgres"; request: PostgresRequest }
  | { engine: "mysql" | "mariadb"; request: MySqlRequest };

/** What the check found and did. */
export interface ReadinessReport {
  results: CheckResult[];
  /** Unmet requirements let through by `cdcChecks: "warn"`, and warnings: one line each. */
  warnings: string[];
  /** MySQL/MariaDB: `binlog retention hours` before and after (undefined: not RDS, or not set). */
  binlogRetentionHoursBefore?: number | null;
  binlogRetentionHoursAfter?: number | null;
}

/** Opens a session of the engine's kind; the caller closes it. */
export interface ReadinessConnections {
  postgres(): Promise<PgSession>;
  mysql(): Promise<SqlSession & { close(): Promise<void> }>;
}

/** The message that refuses the source, or undefined when nothing blocks it. */
export function readinessRefusal(target: ReadinessTarget, results: readonly CheckResult[], mode: CdcCheckMode): string | undefined {
  const failed = blockingFailures(results, mode);
  if (failed.length === 0) return undefined;
  const what = `${target.kind === "cluster" ? "Cluster" : "Instance"} "${target.identifier}"`;
  const escape = mode === "warn" ? 'note that `cdcChecks: "warn"` does not waive these, since going on would break the application' : 'set `cdcChecks: "warn"` to deploy anyway';
  return readinessFailureMessage(what, failed, escape);
}

/** The warnings to log: failures let through, then warnings. */
export function readinessWarnings(results: readonly CheckResult[]): string[] {
  return [...failures(results), ...results.filter((r) => r.status === "warn")].map(describeResult);
}

/**
 * Runs the check. Throws the refusal before changing anything; only when nothing blocks does it
 * raise the binlog retention (never lowering it).
 */
export async function checkReadiness(target: ReadinessTarget, what: ReadinessRequest, mode: CdcCheckMode, connect: ReadinessConnections): Promise<ReadinessReport> {
  if (what.engine === "postgres") {
    const session = await connect.postgres();
    try {
      const p = what.request.publication;
      const facts = await readPostgresFacts(session, { schemas: what.request.schemas, publicationName: p?.name, scope: p?.scope });
      const results = postgresChecks(facts, what.request, target);
      const refusal = readinessRefusal(target, results, mode);
      if (refusal !== undefined) throw new Error(refusal);
      return { results, warnings: readinessWarnings(results) };
    } finally {
      await session.close().catch(() => undefined);
    }
  }
  const session = await connect.mysql();
  try {
    const facts = await readMySqlFacts(session, what.engine);
    const results = mySqlChecks(facts, what.request, target);
    const refusal = readinessRefusal(target, results, mode);
    if (refusal !== undefined) throw new Error(refusal);
    const report: ReadinessReport = { results, warnings: readinessWarnings(results) };
    const hours = what.request.setsBinlogRetentionHours;
    if (hours !== undefined && facts.binlogRetentionHours !== undefined) {
      const r = await raiseBinlogRetention(session, hours);
      report.binlogRetentionHoursBefore = r.before;
      report.binlogRetentionHoursAfter = r.after;
    }
    return report;
  } finally {
    await session.close().catch(() => undefined);
  }
}
