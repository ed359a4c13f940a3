/**
 * The deploy-time readiness check of a CDC source: connect as the admin, read the facts, judge
 * them with the pure checks of `checks/readiness.ts`, and (MySQL/MariaDB on RDS) make sure of the
 * binlog retention. Plain async functions over plain inputs and injected connections, so that
 * the dynamic resource around them stays a thin wrapper and the logic is tested without Pulumi.
 */
import type { CdcCheckMode } from "../cdcArgs";
import { TargetFacts } from "../checks/facts";
import { CheckResult, MySqlRequest, PostgresRequest, mySqlChecks, postgresChecks, readinessRefusal, readinessWarnings } from "../checks/readiness";
import type { SqlSession } from "../mariadbUserPlan";
import { raiseBinlogRetention, readMySqlFacts, readPostgresFacts } from "./facts";
import type { PgSession } from "./pgSession";
import { withSession } from "./session";

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

/**
 * Runs the check. Throws the refusal before changing anything; only when nothing blocks does it
 * raise the binlog retention (never lowering it).
 */
export async function checkReadiness(target: ReadinessTarget, what: ReadinessRequest, mode: CdcCheckMode, connect: ReadinessConnections): Promise<ReadinessReport> {
  if (what.engine === "postgres") {
    return withSession(connect.postgres(), async (session) => {
      const p = what.request.publication;
      const facts = await readPostgresFacts(session, { schemas: what.request.schemas, publicationName: p?.name, scope: p?.scope });
      return judged(target, postgresChecks(facts, what.request, target), mode);
    });
  }
  return withSession(connect.mysql(), async (session) => {
    const facts = await readMySqlFacts(session, what.engine);
    const report = judged(target, mySqlChecks(facts, what.request, target), mode);
    const hours = what.request.setsBinlogRetentionHours;
    if (hours !== undefined && facts.binlogRetentionHours !== undefined) {
      const r = await raiseBinlogRetention(session, hours, facts.binlogRetentionHours);
      report.binlogRetentionHoursBefore = r.before;
      report.binlogRetentionHoursAfter = r.after;
    }
    return report;
  });
}

/** The report of the results, or the refusal thrown. */
function judged(target: ReadinessTarget, results: CheckResult[], mode: CdcCheckMode): ReadinessReport {
  const refusal = readinessRefusal(target, results, mode);
  if (refusal !== undefined) throw new Error(refusal);
  return { results, warnings: readinessWarnings(results) };
}
