/**
 * The IAM side of the doctor: the role exists, its trust policy lets the ClickHouse service role
 * assume it and tag the session, its policies allow `rds-db:connect` on exactly the dbuser ARN, and
 * IAM's own policy simulator agrees (which also weighs a permissions boundary). One broken link is
 * reported once: a check that only confirms an earlier failure is skipped, naming it. Pure.
 */
import { tryParseArn } from "../../arn";
import type { AwsFacts, DoctorRequest, RoleFacts, SimulationFacts } from "./facts";
import { isUnavailable } from "./facts";
import { putConnectPolicyCommand, updateTrustCommand } from "./fixes";
import { CONNECT_ACTION, readConnect, trustedPrincipals } from "./policyEval";
import { DoctorResult, fail, pass, skip, unavailableResult, warn } from "./result";

/** Placeholder in a fix when the ClickHouse role is not known. */
const CLICKHOUSE_ROLE_PLACEHOLDER = "<ClickHouse service role ARN>";

function names(list: readonly string[]): string {
  return list.join(", ");
}

/** A principal that covers `arn` without naming it: everyone, or the whole account. */
function broadPrincipalFor(principal: string, arn: string): boolean {
  if (principal === "*") return true;
  const a = tryParseArn(arn);
  if (a === undefined) return false;
  return principal === a.account || principal === `arn:${a.partition}:iam::${a.account}:root`;
}

function trustChecks(r: DoctorRequest, role: RoleFacts): DoctorResult[] {
  if (role.trustPolicy === undefined) return [skip("iam.trust_policy", `The trust policy of role "${role.name}" could not be read`)];
  const assumers = trustedPrincipals(role.trustPolicy).filter((t) => t.assumeRole);
  const principal = r.clickhouseRoleArn ?? assumers[0]?.principal ?? CLICKHOUSE_ROLE_PLACEHOLDER;
  const putBack = `run \`pulumi up\` to put the component's trust policy back, or \`${updateTrustCommand(role.name, principal)}\``;
  const out: DoctorResult[] = [];
  const who = names(assumers.map((t) => t.principal));
  if (assumers.length === 0) out.push(fail("iam.trust_policy", `The trust policy of role "${role.name}" lets no AWS principal assume it (sts:AssumeRole)`, putBack));
  else {
    const untagged = assumers.filter((t) => !t.tagSession);
    const conditional = assumers.some((t) => t.conditional) ? " (with conditions, not evaluated here)" : "";
    if (untagged.length > 0) {
      out.push(
        fail(
          "iam.trust_policy",
          `The trust policy allows ${names(untagged.map((t) => t.principal))} sts:AssumeRole but not sts:TagSession; ClickPipes passes session tags and fails with "not authorized to perform: sts:TagSession"`,
          putBack,
        ),
      );
    } else out.push(pass("iam.trust_policy", `The trust policy lets ${who} assume the role and tag the session${conditional}`));
  }
  const id = "iam.trust_principal";
  const expected = r.clickhouseRoleArn;
  if (expected === undefined) {
    out.push(skip(id, `The role trusts ${who || "no one"}; pass \`--clickhouse-role-arn\` with your ClickHouse service's "Service role ID (IAM)" to compare`));
  } else if (assumers.some((t) => t.principal === expected)) {
    out.push(pass(id, `The trust policy names the ClickHouse service role ${expected}`));
  } else {
    const broad = assumers.find((t) => broadPrincipalFor(t.principal, expected));
    if (broad !== undefined) {
      out.push(warn(id, `The trust policy names ${broad.principal}, which covers ${expected} but also every other principal it stands for`, `name exactly the ClickHouse service role: \`${updateTrustCommand(role.name, expected)}\``));
    } else if (assumers.length > 0) {
      out.push(
        fail(
          id,
          `The trust policy names ${who}, not the ClickHouse service role ${expected} (each ClickHouse service has its own role)`,
          `set \`clickhouseRoleArn\` to ${expected} and run \`pulumi up\`, or \`${updateTrustCommand(role.name, expected)}\``,
        ),
      );
    } else out.push(skip(id, "The trust policy names no principal to compare (see iam.trust_policy)"));
  }
  return out;
}

function connectCheck(role: RoleFacts, dbUserArn: string | undefined): DoctorResult {
  const id = "iam.connect_policy";
  if (dbUserArn === undefined) return skip(id, "No dbuser ARN to check: the outputs name no `dbUserArn`, and the database was not found to build one");
  const reading = readConnect(role.policies, dbUserArn);
  const fix = `run \`pulumi up\`, or \`${putConnectPolicyCommand(role.name, dbUserArn)}\``;
  const conditional = reading.conditional.length > 0 ? ` (with conditions in ${names(reading.conditional)}, not evaluated here)` : "";
  if (reading.denied.length > 0) return fail(id, `An explicit Deny of ${CONNECT_ACTION} covers ${dbUserArn} (${names(reading.denied)})`, "remove or narrow that Deny statement");
  if (reading.exact.length > 0) return pass(id, `Policy ${names(reading.exact)} allows ${CONNECT_ACTION} on exactly ${dbUserArn}${conditional}`);
  if (reading.wildcard.length > 0) {
    return warn(id, `${CONNECT_ACTION} on ${dbUserArn} is allowed only through a wildcard (${names(reading.wildcard)}), which covers more than this one user${conditional}`, `narrow it to exactly the user: \`${putConnectPolicyCommand(role.name, dbUserArn)}\``);
  }
  const unreadable = role.policies.filter((p) => p.document === undefined);
  if (unreadable.length > 0) {
    return warn(id, `No readable policy of role "${role.name}" allows ${CONNECT_ACTION} on ${dbUserArn}; ${names(unreadable.map((p) => `${p.name} (${p.error ?? "unreadable"})`))} could not be read`, "let the doctor's credentials read them (iam:GetPolicy, iam:GetPolicyVersion), or check them yourself");
  }
  if (reading.otherResources.length > 0) return fail(id, `The role allows ${CONNECT_ACTION} on ${names(reading.otherResources)}, not on ${dbUserArn}`, fix);
  return fail(id, `No policy of role "${role.name}" allows ${CONNECT_ACTION}`, fix);
}

function boundaryCheck(role: RoleFacts, sim: SimulationFacts | undefined, dbUserArn: string | undefined): DoctorResult[] {
  const boundary = role.permissionsBoundaryArn;
  if (boundary === undefined) return [];
  const id = "iam.permissions_boundary";
  if (sim?.allowedByBoundary === false) {
    return [fail(id, `Permissions boundary ${boundary} does not allow ${CONNECT_ACTION} on ${dbUserArn} (IAM's policy simulator)`, "allow it in the boundary policy, or remove the boundary from the role (`permissionsBoundary`)")];
  }
  if (sim === undefined) return [warn(id, `Permissions boundary ${boundary} is attached; the role can connect only if it allows ${CONNECT_ACTION} too`, `check that the boundary allows ${CONNECT_ACTION} on the dbuser ARN`)];
  return [pass(id, `Permissions boundary ${boundary} allows ${CONNECT_ACTION} (IAM's policy simulator)`)];
}

function simulationChecks(a: AwsFacts, connect: DoctorResult, boundary: DoctorResult[]): DoctorResult[] {
  const s = a.simulation;
  const id = "iam.simulation";
  if (s === undefined) return [];
  if (isUnavailable(s)) return [unavailableResult(id, s)];
  const what = `IAM's policy simulator`;
  if (s.decision === "allowed") {
    return [
      pass(id, `${what} allows ${CONNECT_ACTION} on ${s.resourceArn} for the role`),
      skip(
        "iam.scp",
        "Service control and resource control policies of your organization are not all visible from this account; if ClickPipes is still refused while these checks pass, ask your AWS Organizations administrator whether one denies rds-db:connect or sts:TagSession",
      ),
    ];
  }
  const decided = `${what} denies ${CONNECT_ACTION} on ${s.resourceArn} (${s.decision})`;
  if (connect.status === "fail") return [skip(id, `${decided}, as iam.connect_policy explains`)];
  if (boundary.some((b) => b.status === "fail")) return [skip(id, `${decided}, as iam.permissions_boundary explains`)];
  if (s.allowedByOrganizations === false) return [fail(id, `${decided}: a service control policy of your organization denies it`, "ask your AWS Organizations administrator to allow rds-db:connect for this role")];
  const matched = s.matchedPolicies.length > 0 ? `; decided by ${names(s.matchedPolicies)}` : "";
  return [fail(id, `${decided}${matched}`, s.decision === "explicitDeny" ? "remove or narrow the Deny statement named above" : `allow ${CONNECT_ACTION} on exactly ${s.resourceArn} in the role's policy (\`pulumi up\`)`)];
}

/**
 * The IAM checks, in the order ClickPipes meets them: the role, its trust policy, its permission
 * policies, the boundary, IAM's simulator. `dbUserArn` is the outputs' one, or the one built from
 * the live resource ID.
 */
export function iamChecks(r: DoctorRequest, a: AwsFacts, dbUserArn: string | undefined): DoctorResult[] {
  const role = a.role;
  const id = "iam.role";
  if (role === undefined) return [skip(id, "The outputs name no `roleArn` or `roleName`")];
  if (isUnavailable(role)) return [unavailableResult(id, role)];
  if (!role.exists) return [fail(id, `Role "${role.name}" does not exist`, "run `pulumi up` to create it again, or check `roleArn` in the outputs")];
  const first =
    r.roleArn !== undefined && role.arn !== undefined && r.roleArn !== role.arn
      ? fail(id, `Role "${role.name}" has ARN ${role.arn}, but ClickPipes is given ${r.roleArn}`, `give ClickPipes ${role.arn} (run \`pulumi refresh\` and \`pulumi up\`)`)
      : pass(id, `Role "${role.name}" exists`);
  const sim = a.simulation !== undefined && !isUnavailable(a.simulation) ? a.simulation : undefined;
  const connect = connectCheck(role, dbUserArn);
  const boundary = boundaryCheck(role, sim, dbUserArn);
  return [first, ...trustChecks(r, role), connect, ...boundary, ...simulationChecks(a, connect, boundary)];
}
