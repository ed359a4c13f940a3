/**
 * The database side of the doctor: the admin's own memberships (the PostgreSQL lockout), the IAM
 * user (it exists, logs in with IAM, for any host, over TLS), its grants and CDC privileges, and the
 * CDC settings of `postgresChecks` / `mySqlChecks`. Fixes are the statements of `setupSql`
 * (`components/sql.ts`). Pure.
 */
import type { TargetFacts } from "../../checks/facts";
import { mySqlChecks, postgresChecks, PostgresRequest } from "../../checks/readiness";
import { cdcPrivilegeStatement, holdsDatabase, holdsPrivilege, requireStatement, requiresTls } from "../../mariadbUserPlan";
import { MY_CDC_PRIVILEGES, myAccount, myCreateUserStatement, myGrantStatements, myIamAuthClause, postgresSetupStatements, quotePgIdent } from "../../sql";
import type { DatabaseDoctorFacts, DoctorRequest, MySqlDoctorFacts, PostgresDoctorFacts } from "./facts";
import { DoctorResult, fail, pass, skip, warn } from "./result";

/** The plugin RDS MySQL and MariaDB IAM users log in with. */
export const AWS_AUTH_PLUGIN = "AWSAuthenticationPlugin";

type Where = Pick<TargetFacts, "deployment" | "parameterGroup">;

function quotedList(items: readonly string[]): string {
  return items.map((s) => `"${s}"`).join(", ");
}

function postgresUserChecks(r: DoctorRequest, f: PostgresDoctorFacts, user: string): DoctorResult[] {
  const u = quotePgIdent(user);
  const out: DoctorResult[] = [];
  const admin = f.admin;
  if (!f.user.rdsIamExists) out.push(skip("db.admin_rds_iam", "The server has no rds_iam role (not RDS), so IAM logins and the admin lockout do not apply"));
  else if (admin.rdsIamPath !== undefined) {
    const path = admin.rdsIamPath;
    out.push(
      fail(
        "db.admin_rds_iam",
        `Admin "${admin.username}" is a member of rds_iam (${[admin.username, ...path].join(" → ")}), so RDS no longer accepts its password`,
        `as another rds_superuser user, run \`REVOKE ${quotePgIdent(path[0])} FROM ${quotePgIdent(admin.username)};\``,
      ),
    );
  } else out.push(pass("db.admin_rds_iam", `Admin "${admin.username}" is not a member of rds_iam, so its password login keeps working`));

  if (!f.user.exists) {
    // setupSql's own statements for the user alone (the first is its `-- connect to database` comment).
    const create = postgresSetupStatements({ username: user, database: f.database, schemas: [], cdc: false }).slice(1).join(" ");
    out.push(fail("db.user", `User "${user}" does not exist in database "${f.database}"'s server`, `run \`setupSql\` as the admin (\`${create}\` and the grants), or \`pulumi up\``));
    return out;
  }
  out.push(f.user.canLogin ? pass("db.user", `User "${user}" exists and may log in`) : fail("db.user", `User "${user}" exists but may not log in (NOLOGIN)`, `\`ALTER ROLE ${u} WITH LOGIN;\``));
  if (!f.user.rdsIamExists) out.push(skip("db.user_auth", "The server has no rds_iam role (not RDS)"));
  else if (f.user.memberOfRdsIam) out.push(pass("db.user_auth", `User "${user}" is a member of rds_iam (logs in with IAM tokens)`));
  else out.push(fail("db.user_auth", `User "${user}" is not a member of rds_iam, so RDS checks its password, not the IAM token ("PAM authentication failed")`, `\`GRANT rds_iam TO ${u};\``));

  const present = f.user.schemas;
  if (present.length === 0) out.push(skip("db.grants", r.schemas.length === 0 ? "No schemas to check (pass `--schemas`)" : "None of the schemas exists (see postgres.schemas)"));
  else {
    const lacks: string[] = [];
    const fixes: string[] = [];
    for (const s of present) {
      const qs = quotePgIdent(s.name);
      if (!s.usage) {
        lacks.push(`USAGE on schema "${s.name}"`);
        fixes.push(`GRANT USAGE ON SCHEMA ${qs} TO ${u};`);
      }
      if (s.tablesWithoutSelect.length > 0) {
        const shown = s.tablesWithoutSelect.slice(0, 5).map((t) => `"${s.name}"."${t}"`).join(", ");
        const more = s.tablesWithoutSelect.length > 5 ? ` and ${s.tablesWithoutSelect.length - 5} more` : "";
        lacks.push(`SELECT on ${shown}${more}`);
        fixes.push(`GRANT SELECT ON ALL TABLES IN SCHEMA ${qs} TO ${u};`);
      }
    }
    if (lacks.length > 0) out.push(fail("db.grants", `User "${user}" lacks ${lacks.join("; ")}`, `as the admin, in database "${f.database}": \`${fixes.join(" ")}\``));
    else out.push(pass("db.grants", `User "${user}" may read every table of schema ${quotedList(present.map((s) => s.name))}`));
    const noDefault = present.filter((s) => !s.defaultSelect);
    if (noDefault.length > 0) {
      const fix = noDefault.map((s) => `ALTER DEFAULT PRIVILEGES FOR ROLE <table owner> IN SCHEMA ${quotePgIdent(s.name)} GRANT SELECT ON TABLES TO ${u};`).join(" ");
      out.push(warn("db.default_privileges", `Tables created later in schema ${quotedList(noDefault.map((s) => s.name))} will not be readable by "${user}" (no default privileges)`, `as the role that creates tables there: \`${fix}\``));
    } else out.push(pass("db.default_privileges", `Tables created later in schema ${quotedList(present.map((s) => s.name))} become readable by "${user}"`));
  }
  if (r.cdc) {
    if (!f.user.rdsReplicationExists) out.push(skip("db.cdc_grants", "The server has no rds_replication role (not RDS)"));
    else if (f.user.memberOfRdsReplication) out.push(pass("db.cdc_grants", `User "${user}" is a member of rds_replication (may stream changes)`));
    else out.push(fail("db.cdc_grants", `User "${user}" is not a member of rds_replication, so it cannot stream changes`, `\`GRANT rds_replication TO ${u};\``));
  }
  return out;
}

function postgresDoctorChecks(r: DoctorRequest, f: PostgresDoctorFacts, where: Where): DoctorResult[] {
  const out = r.dbUsername === undefined ? [skip("db.user", "The outputs name no `dbUsername`")] : postgresUserChecks(r, f, r.dbUsername);
  const request: PostgresRequest = {
    cdc: r.cdc,
    schemas: r.schemas,
    ...(r.cdc && r.publicationName !== undefined ? { publication: { name: r.publicationName, create: false, scope: { kind: "schemas", schemas: r.schemas } } } : {}),
  };
  return [...out, ...postgresChecks(f.server, request, where)];
}

function mySqlUserChecks(r: DoctorRequest, f: MySqlDoctorFacts, user: string): DoctorResult[] {
  const flavor = f.engine;
  const account = myAccount(user);
  const held = f.user.held;
  const out: DoctorResult[] = [];
  if (!held.exists) {
    const create = [myCreateUserStatement(flavor, user), ...myGrantStatements({ flavor, username: user, databases: r.databases, cdc: r.cdc })].join(" ");
    const others = f.user.otherHosts;
    const summary =
      others.length > 0
        ? `User "${user}" exists only for host ${others.map((o) => `'${o.host}'`).join(", ")}, and IAM logins come from any host ('%')`
        : `User ${account} does not exist`;
    return [fail("db.user", summary, `run \`setupSql\` as the admin: \`${create}\`, or \`pulumi up\``)];
  }
  out.push(pass("db.user", `User ${account} exists`));
  if (held.plugin === AWS_AUTH_PLUGIN) out.push(pass("db.user_auth", `User ${account} logs in with ${AWS_AUTH_PLUGIN}`));
  else {
    out.push(
      fail(
        "db.user_auth",
        `User ${account} logs in with ${held.plugin === "" ? "no plugin" : held.plugin}, not ${AWS_AUTH_PLUGIN}, so RDS refuses IAM tokens ("Access denied … (using password: YES)")`,
        `\`ALTER USER ${account} ${myIamAuthClause(flavor)};\``,
      ),
    );
  }
  if (requiresTls(held)) out.push(pass("db.user_tls", `User ${account} must connect over TLS (REQUIRE ${held.sslType === "ANY" ? "SSL" : held.sslType})`));
  else out.push(warn("db.user_tls", `User ${account} does not require TLS; AWS recommends REQUIRE SSL for IAM users`, `\`${requireStatement(user, "SSL")}\``));

  if (r.databases.length === 0) out.push(skip("db.grants", "No databases to check (pass `--databases`)"));
  else if (f.user.globalSelect) out.push(pass("db.grants", `User ${account} has SELECT on *.*, which covers ${quotedList(r.databases)}`));
  else {
    const missing = r.databases.filter((db) => !holdsDatabase(held, db));
    if (missing.length === 0) out.push(pass("db.grants", `User ${account} has SELECT on ${quotedList(r.databases)}`));
    else out.push(fail("db.grants", `User ${account} lacks SELECT on ${quotedList(missing)}`, `\`${myGrantStatements({ flavor, username: user, databases: missing, cdc: false }).join(" ")}\``));
  }
  if (r.cdc) {
    const missing = MY_CDC_PRIVILEGES.filter((p) => !holdsPrivilege(held, p));
    if (missing.length === 0) out.push(pass("db.cdc_grants", `User ${account} has ${MY_CDC_PRIVILEGES.join(" and ")}`));
    else out.push(fail("db.cdc_grants", `User ${account} lacks ${missing.join(" and ")}, so it cannot read the binary log`, `\`${cdcPrivilegeStatement("GRANT", user, missing)}\``));
  }
  return out;
}

function mySqlDoctorChecks(r: DoctorRequest, f: MySqlDoctorFacts, where: Where): DoctorResult[] {
  const out = r.dbUsername === undefined ? [skip("db.user", "The outputs name no `dbUsername`")] : mySqlUserChecks(r, f, r.dbUsername);
  return [...out, ...mySqlChecks(f.server, { cdc: r.cdc, replicationMechanism: r.replicationMechanism }, where)];
}

/** The database checks, after the connection's own line. */
export function databaseChecks(r: DoctorRequest, f: DatabaseDoctorFacts, where: Where): DoctorResult[] {
  const connected = pass("db.connection", `Connected to ${f.where} as "${f.connectedAs}" (${f.tls})`);
  return [connected, ...(f.engine === "postgres" ? postgresDoctorChecks(r, f, where) : mySqlDoctorChecks(r, f, where))];
}
