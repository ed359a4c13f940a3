/**
 * The AWS CLI commands the doctor prints as fixes, with every value quoted for a POSIX shell. The
 * policy documents are the component's own (`policy.ts`). Pure.
 */
import type { RdsParameter } from "../../checks/parameters";
import { connectPolicy, trustPolicy } from "../../policy";

/** A word for a POSIX shell: as is when safe, else in single quotes. */
export function sh(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `aws <words…> [--region R]`, each value quoted. */
function aws(words: readonly string[], region: string | undefined): string {
  return ["aws", ...words, ...(region === undefined ? [] : ["--region", sh(region)])].join(" ");
}

export interface TargetRef {
  kind: "instance" | "cluster";
  identifier: string;
}

function targetWords(t: TargetRef, verb: "modify" | "describe"): string[] {
  return t.kind === "cluster" ? ["rds", `${verb}-db-cluster`, "--db-cluster-identifier", sh(t.identifier)] : ["rds", `${verb}-db-instance`, "--db-instance-identifier", sh(t.identifier)];
}

/** Turns IAM database authentication on now. */
export function enableIamAuthCommand(t: TargetRef, region?: string): string {
  return aws([...targetWords(t, "modify"), "--enable-iam-database-authentication", "--apply-immediately"], region);
}

/** Sets one parameter in a DB parameter group (instance) or DB cluster parameter group (cluster). */
export function modifyParameterCommand(kind: TargetRef["kind"], group: string, p: RdsParameter, region?: string): string {
  const words =
    kind === "cluster" ? ["rds", "modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name", sh(group)] : ["rds", "modify-db-parameter-group", "--db-parameter-group-name", sh(group)];
  return aws([...words, "--parameters", sh(`ParameterName=${p.name},ParameterValue=${p.value},ApplyMethod=${p.applyMethod}`)], region);
}

/** Reboots an instance (for Aurora: the writer). */
export function rebootCommand(instance: string, region?: string): string {
  return aws(["rds", "reboot-db-instance", "--db-instance-identifier", sh(instance)], region);
}

/** Turns on the export of the IAM authentication error log to CloudWatch Logs. */
export function exportAuthLogCommand(t: TargetRef, region?: string): string {
  return aws([...targetWords(t, "modify"), "--cloudwatch-logs-export-configuration", sh('{"EnableLogTypes":["iam-db-auth-error"]}'), "--apply-immediately"], region);
}

/** Puts the component's trust policy on the role: `principal` may assume it and tag the session. */
export function updateTrustCommand(roleName: string, principal: string): string {
  return aws(["iam", "update-assume-role-policy", "--role-name", sh(roleName), "--policy-document", sh(JSON.stringify(trustPolicy(principal)))], undefined);
}

/** The inline policy the component gives the role. */
export const CONNECT_POLICY_NAME = "rds-db-connect";

/** Puts the component's inline `rds-db:connect` policy on the role, for exactly `dbUserArn`. */
export function putConnectPolicyCommand(roleName: string, dbUserArn: string): string {
  return aws(["iam", "put-role-policy", "--role-name", sh(roleName), "--policy-name", CONNECT_POLICY_NAME, "--policy-document", sh(JSON.stringify(connectPolicy(dbUserArn)))], undefined);
}
