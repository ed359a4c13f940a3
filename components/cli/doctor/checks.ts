/**
 * Every doctor check over the gathered facts, in the order a person fixes things: AWS (the target,
 * its flag, the policy's resource, the endpoint, the parameters), the IAM role, then the database.
 * A side that could not be read is one line (a failure for an error, a skip when not asked). Pure.
 */
import { databaseChecks } from "./dbChecks";
import type { DoctorFacts } from "./facts";
import { isUnavailable } from "./facts";
import { iamChecks } from "./iamChecks";
import { dbUserArnFor, deploymentOf, endpointDoctorCheck, rdsChecks } from "./rdsChecks";
import { DoctorResult, mergeById, pass, skip, unavailableResult } from "./result";

export function doctorChecks(f: DoctorFacts): DoctorResult[] {
  const { request: r, aws: a, database: db } = f;
  const out: DoctorResult[] = [];
  const live = isUnavailable(db) ? undefined : db;
  if (isUnavailable(a)) {
    out.push(a.failed ? unavailableResult("aws.credentials", a) : skip("aws", a.reason, a.fix), endpointDoctorCheck(r));
  } else {
    out.push(pass("aws.credentials", `AWS credentials are for account ${a.callerAccount}${a.callerArn === undefined ? "" : ` (${a.callerArn})`}`));
    out.push(...rdsChecks(r, a, live));
    out.push(...iamChecks(r, a, dbUserArnFor(r, a.target.found ? a.target.target : undefined)));
  }
  if (isUnavailable(db)) out.push(unavailableResult("db.connection", db));
  else {
    const t = !isUnavailable(a) && a.target.found ? a.target.target : undefined;
    const where = { deployment: r.deployment ?? (t === undefined ? "rds" : deploymentOf(t)), ...(t?.parameterGroup === undefined ? {} : { parameterGroup: t.parameterGroup }) } as const;
    out.push(...databaseChecks(r, db, where));
  }
  return mergeById(out);
}
