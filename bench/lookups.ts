/** Lookups per component: what each target may cost in provider invokes. */
import type { LookupResult } from "./mockedChild";
import type { Scenario } from "./scenarios";

export const GET_INSTANCE = "aws:rds/getInstance:getInstance";
export const GET_CLUSTER = "aws:rds/getCluster:getCluster";

/** Account, region and partition come from the target's ARN, and policies are built in code: never looked up. */
export const FORBIDDEN_INVOKES: readonly string[] = [
  "aws:index/getCallerIdentity:getCallerIdentity",
  "aws:index/getRegion:getRegion",
  "aws:index/getPartition:getPartition",
  "aws:iam/getPolicyDocument:getPolicyDocument",
];

/** The invokes one component may make: one Describe for an identifier target, none for a managed one. */
export function expectedInvokes(s: Scenario): string[] {
  switch (s) {
    case "rds-postgres":
    case "rds-mysql":
    case "rds-mariadb":
      return [GET_INSTANCE];
    case "aurora-postgres":
    case "aurora-mysql":
      return [GET_CLUSTER];
    case "managed-instance":
    case "managed-cluster":
      return [];
    default: {
      const unreachable: never = s;
      throw new Error(`Unknown scenario ${String(unreachable)}.`);
    }
  }
}

export function checkLookups(r: LookupResult): { ok: boolean; forbidden: string[] } {
  const expected = expectedInvokes(r.scenario);
  const forbidden = r.invokes.filter((t) => FORBIDDEN_INVOKES.includes(t));
  const ok = forbidden.length === 0 && r.invokes.length === expected.length && r.invokes.every((t, i) => t === expected[i]);
  return { ok, forbidden };
}

/** `aws:rds/getInstance:getInstance` → `getInstance`. */
export function shortToken(token: string): string {
  return token.slice(token.lastIndexOf(":") + 1);
}
