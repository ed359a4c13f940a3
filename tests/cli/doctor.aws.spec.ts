/**
 * The doctor's AWS side against aws-sdk-client-mock worlds (tests/support/doctorAws.ts): a world
 * right in every link passes, and each failure class breaks exactly one link, which the report
 * names alone (the full set of failing ids is asserted).
 */
import * as assert from "node:assert/strict";
import { parseDoctorArgs } from "../../components/cli/doctor/args";
import { DoctorDeps, DoctorReport, runDoctor } from "../../components/cli/doctor/run";
import { connectPolicy } from "../../components/policy";
import { ACCOUNT, AwsStubs, CLICKHOUSE_ROLE, Fixture, NOW, OTHER_CLICKHOUSE_ROLE, REGION, USER, auroraFixture, mariadbFixture, mockedClients, postgresFixture } from "../support/doctorAws";
import { byStatus, failed, result } from "./doctorReport";

const deps: DoctorDeps = {
  awsClients: mockedClients,
  connectors: {
    postgres: () => Promise.reject(new Error("no database in the AWS specs")),
    mysql: () => Promise.reject(new Error("no database in the AWS specs")),
  },
  now: () => NOW,
};


describe("doctor, AWS side (aws-sdk-client-mock)", () => {
  const stubs = new AwsStubs();
  after(() => stubs.restore());

  async function doctor(f: Fixture, flags: string[] = ["--clickhouse-role-arn", CLICKHOUSE_ROLE]): Promise<DoctorReport> {
    stubs.install(f.world);
    return runDoctor({ options: parseDoctorArgs(flags), outputs: f.outputs, env: {} }, deps);
  }

  describe("worlds right in every link", () => {
    it("RDS for PostgreSQL with CDC: every check passes, in the order a person fixes things", async () => {
      const rep = await doctor(postgresFixture());
      assert.deepEqual(
        rep.results.map((r) => [r.id, r.status]),
        [
          ["aws.credentials", "pass"],
          ["rds.target", "pass"],
          ["rds.iam_auth", "pass"],
          ["rds.pending_modifications", "pass"],
          ["rds.resource_id", "pass"],
          ["rds.endpoint", "pass"],
          ["postgres.version", "pass"],
          ["parameter.rds.logical_replication", "pass"],
          ["parameter.rds.iam_auth_for_replication", "pass"],
          ["rds.iam_auth_errors", "pass"],
          ["iam.role", "pass"],
          ["iam.trust_policy", "pass"],
          ["iam.trust_principal", "pass"],
          ["iam.connect_policy", "pass"],
          ["iam.simulation", "pass"],
          ["iam.scp", "skip"],
          ["db.connection", "skip"],
        ],
      );
      assert.equal(rep.heading, `clickpipes-rds-iam doctor: instance "orders" (${REGION}), PostgreSQL, CDC, user "${USER}"`);
      assert.equal(result(rep, "iam.connect_policy").summary, `Policy rds-db-connect allows rds-db:connect on exactly arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/${USER}`);
    });

    it("makes only read calls, each once (the parameter group is read in its two pages)", async () => {
      await doctor(postgresFixture());
      const sent = stubs.sent();
      assert.deepEqual(
        sent.filter((c) => !/^(Get|Describe|List|Simulate|Filter)/.test(c)),
        [],
      );
      // Grouped by client (STS, RDS, IAM, Logs), not in call order.
      assert.deepEqual(sent, [
        "GetCallerIdentityCommand",
        "DescribeDBInstancesCommand",
        "DescribeDBParametersCommand",
        "DescribeDBParametersCommand",
        "GetRoleCommand",
        "ListRolePoliciesCommand",
        "GetRolePolicyCommand",
        "ListAttachedRolePoliciesCommand",
        "SimulatePrincipalPolicyCommand",
        "FilterLogEventsCommand",
      ]);
    });

    it("RDS for MariaDB with CDC: passes; without the log export the log check is skipped with how to turn it on", async () => {
      const rep = await doctor(mariadbFixture());
      assert.deepEqual(failed(rep), []);
      assert.deepEqual(byStatus(rep, "warn"), []);
      const log = result(rep, "rds.iam_auth_errors");
      assert.equal(log.status, "skip");
      assert.equal(log.fix, `to keep IAM login errors, turn the export on: \`aws rds modify-db-instance --db-instance-identifier shop --cloudwatch-logs-export-configuration '{"EnableLogTypes":["iam-db-auth-error"]}' --apply-immediately --region ${REGION}\``);
      assert.deepEqual(
        rep.results.filter((r) => r.id.startsWith("parameter.")).map((r) => r.id),
        ["parameter.binlog_format", "parameter.binlog_row_image", "parameter.binlog_row_metadata"],
      );
      assert.equal(result(rep, "rds.backups").status, "pass");
    });

    it("Aurora PostgreSQL cluster: found by its writer endpoint, checked against the cluster resource ID", async () => {
      const rep = await doctor(auroraFixture());
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "rds.target").summary, 'Cluster "analytics" is available (aurora-postgresql 16.4)');
      assert.equal(result(rep, "rds.resource_id").summary, `The policy's resource names cluster "analytics"'s resource ID cluster-AURORA00000000000000000A and user "${USER}"`);
    });
  });

  describe("each fixture breaks exactly one link, and the report names exactly that one", () => {
    it("IAM flag off: rds.iam_auth, with the command that turns it on", async () => {
      const f = postgresFixture();
      f.world.instance = { ...f.world.instance, IAMDatabaseAuthenticationEnabled: false };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["rds.iam_auth"]);
      assert.deepEqual(result(rep, "rds.iam_auth"), {
        id: "rds.iam_auth",
        status: "fail",
        summary: 'IAM database authentication is off on instance "orders", so every IAM login fails',
        fix: `run \`pulumi up\` (the component turns it on), or \`aws rds modify-db-instance --db-instance-identifier orders --enable-iam-database-authentication --apply-immediately --region ${REGION}\``,
      });
    });

    it("a CDC parameter set but waiting for a reboot: that parameter only, with the reboot command", async () => {
      const f = postgresFixture();
      f.world.instance = { ...f.world.instance, DBParameterGroups: [{ DBParameterGroupName: "orders-pg16", ParameterApplyStatus: "pending-reboot" }] };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["parameter.rds.logical_replication"]);
      const r = result(rep, "parameter.rds.logical_replication");
      assert.equal(r.summary, 'rds.logical_replication is "1" in DB parameter group "orders-pg16", but the instance waits for a reboot to apply its parameter changes (static parameter: set but needs a reboot)');
      assert.equal(r.fix, `reboot: \`aws rds reboot-db-instance --db-instance-identifier orders --region ${REGION}\``);
      // The dynamic one is in effect without a reboot.
      assert.equal(result(rep, "parameter.rds.iam_auth_for_replication").status, "pass");
    });

    it("a CDC parameter left at 0: that parameter, with the modify and reboot commands", async () => {
      const f = postgresFixture();
      f.world.groups["orders-pg16"][1] = { ParameterName: "rds.logical_replication", ParameterValue: "0", ApplyType: "static" };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["parameter.rds.logical_replication"]);
      assert.equal(
        result(rep, "parameter.rds.logical_replication").fix,
        `\`aws rds modify-db-parameter-group --db-parameter-group-name orders-pg16 --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot --region ${REGION}\`, then reboot: \`aws rds reboot-db-instance --db-instance-identifier orders --region ${REGION}\``,
      );
    });

    it("resource ID mismatch (the database was replaced): rds.resource_id", async () => {
      const f = postgresFixture();
      f.world.instance = { ...f.world.instance, DbiResourceId: "db-REPLACED000000000000000000" };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["rds.resource_id"]);
      assert.deepEqual(result(rep, "rds.resource_id"), {
        id: "rds.resource_id",
        status: "fail",
        summary: `The policy's resource names resource ID db-ABCDEFGHIJKLMNOPQRSTUVWXY0, but instance "orders" has db-REPLACED000000000000000000 (the database was replaced or restored since, or the outputs are another database's)`,
        fix: `run \`pulumi refresh\` and \`pulumi up\`, so that the role's policy names arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-REPLACED000000000000000000/${USER}`,
      });
    });

    it("trust policy without sts:TagSession: iam.trust_policy, with the trust policy to put back", async () => {
      const f = postgresFixture();
      const r = f.role;
      r.trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: CLICKHOUSE_ROLE }, Action: "sts:AssumeRole" }] };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.trust_policy"]);
      const t = result(rep, "iam.trust_policy");
      assert.equal(t.summary, `The trust policy allows ${CLICKHOUSE_ROLE} sts:AssumeRole but not sts:TagSession; ClickPipes passes session tags and fails with "not authorized to perform: sts:TagSession"`);
      assert.equal(
        t.fix,
        `run \`pulumi up\` to put the component's trust policy back, or \`aws iam update-assume-role-policy --role-name clickpipes-orders --policy-document '{"Version":"2012-10-17","Statement":[{"Sid":"AllowClickHouseServiceRole","Effect":"Allow","Principal":{"AWS":"${CLICKHOUSE_ROLE}"},"Action":["sts:AssumeRole","sts:TagSession"]}]}'\``,
      );
    });

    it("trust policy naming another ClickHouse role: iam.trust_principal", async () => {
      const f = postgresFixture();
      const r = f.role;
      r.trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: OTHER_CLICKHOUSE_ROLE }, Action: ["sts:AssumeRole", "sts:TagSession"] }] };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.trust_principal"]);
      assert.equal(result(rep, "iam.trust_principal").summary, `The trust policy names ${OTHER_CLICKHOUSE_ROLE}, not the ClickHouse service role ${CLICKHOUSE_ROLE} (each ClickHouse service has its own role)`);
    });

    it("permission policy on another user: iam.connect_policy; the simulator's denial is not counted twice", async () => {
      const f = postgresFixture();
      const r = f.role;
      const other = `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/someone_else`;
      r.inline = { "rds-db-connect": connectPolicy(other) };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.connect_policy"]);
      assert.equal(result(rep, "iam.connect_policy").summary, `The role allows rds-db:connect on ${other}, not on ${f.outputs.dbUserArn}`);
      assert.equal(result(rep, "iam.simulation").status, "skip");
      assert.equal(result(rep, "iam.simulation").summary, `IAM's policy simulator denies rds-db:connect on ${f.outputs.dbUserArn} (implicitDeny), as iam.connect_policy explains`);
    });

    it("simulation denied while the policies read right: iam.simulation, naming the deciding policy", async () => {
      const f = postgresFixture();
      f.world.simulation = { EvalDecision: "explicitDeny", MatchedStatements: [{ SourcePolicyId: "deny-rds-db-everywhere", SourcePolicyType: "role" }] };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.simulation"]);
      assert.equal(result(rep, "iam.simulation").summary, `IAM's policy simulator denies rds-db:connect on ${f.outputs.dbUserArn} (explicitDeny); decided by deny-rds-db-everywhere`);
    });

    it("backup retention 0 on RDS for MariaDB with CDC: rds.backups", async () => {
      const f = mariadbFixture();
      f.world.instance = { ...f.world.instance, BackupRetentionPeriod: 0 };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["rds.backups"]);
    });

    it("non-RDS host (a CNAME): rds.endpoint; the database is still found by its resource ID", async () => {
      const f = postgresFixture();
      f.outputs.host = "orders-db.internal.example.com";
      f.outputs.clickPipeSource = { ...f.outputs.clickPipeSource, host: "orders-db.internal.example.com" };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["rds.endpoint"]);
      assert.equal(result(rep, "rds.target").status, "pass");
      assert.equal(result(rep, "rds.endpoint").fix, "give ClickPipes orders.c9akciq32.eu-west-1.rds.amazonaws.com, not a CNAME or custom DNS name");
    });
  });

  describe("more links", () => {
    it("a permissions boundary that lacks rds-db:connect: iam.permissions_boundary, the simulation not counted twice", async () => {
      const f = postgresFixture();
      const r = f.role;
      r.boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/developer-boundary`;
      f.world.simulation = { EvalDecision: "implicitDeny", PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.permissions_boundary"]);
      assert.equal(result(rep, "iam.simulation").status, "skip");
    });

    it("a permissions boundary that allows it: a passing line that says so", async () => {
      const f = postgresFixture();
      const r = f.role;
      r.boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/developer-boundary`;
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "iam.permissions_boundary").summary, `Permissions boundary arn:aws:iam::${ACCOUNT}:policy/developer-boundary allows rds-db:connect (IAM's policy simulator)`);
    });

    it("IAM auth pending for the maintenance window with other changes: the flag fails, the pending changes warn", async () => {
      const f = postgresFixture();
      f.world.instance = { ...f.world.instance, IAMDatabaseAuthenticationEnabled: false, PendingModifiedValues: { IAMDatabaseAuthenticationEnabled: true, DBInstanceClass: "db.r6g.large" } };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["rds.iam_auth"]);
      assert.deepEqual(byStatus(rep, "warn"), ["rds.pending_modifications"]);
      assert.match(result(rep, "rds.iam_auth").fix ?? "", /which also applies the other pending changes \(DBInstanceClass "db\.r6g\.large"\)$/);
    });

    it("recent IAM authentication errors for the user: a warning with the lines", async () => {
      const f = postgresFixture();
      f.world.logEvents = [
        { timestamp: NOW - 3_600_000, message: `[ERROR] Failed to authenticate the connection request for user ${USER} because the provided token is malformed or otherwise invalid.` },
        { timestamp: NOW - 60_000, message: `[ERROR] Failed to authenticate the connection request for user ${USER} because the IAM role has no permission.` },
        { timestamp: NOW - 30_000, message: "[ERROR] Failed to authenticate the connection request for user someone_else because the token expired." },
      ];
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), []);
      const r = result(rep, "rds.iam_auth_errors");
      assert.equal(r.status, "warn");
      assert.equal(r.summary, `2 IAM authentication errors for "${USER}" in the last 24 hours; the latest: [ERROR] Failed to authenticate the connection request for user ${USER} because the IAM role has no permission.`);
      assert.deepEqual(r.details, [
        `2026-11-20T11:00:00.000Z [ERROR] Failed to authenticate the connection request for user ${USER} because the provided token is malformed or otherwise invalid.`,
        `2026-11-20T11:59:00.000Z [ERROR] Failed to authenticate the connection request for user ${USER} because the IAM role has no permission.`,
      ]);
    });

    it("the role is gone: iam.role fails and nothing else about it is reported", async () => {
      const f = postgresFixture();
      delete f.world.role;
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["iam.role"]);
      assert.deepEqual(rep.results.filter((r) => r.id.startsWith("iam.")).map((r) => r.id), ["iam.role"]);
    });

    it("a wildcard rds-db:connect resource: a warning to narrow it", async () => {
      const f = postgresFixture();
      const r = f.role;
      r.inline = { broad: connectPolicy(`arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:*/*`) };
      f.world.simulation = { EvalDecision: "allowed" };
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "iam.connect_policy").status, "warn");
    });

    it("the simulator refused to the doctor's credentials: skipped, saying which permission shows it", async () => {
      const f = postgresFixture();
      f.world.simulation = "AccessDenied";
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "iam.simulation").status, "skip");
      assert.equal(result(rep, "iam.simulation").fix, "allow iam:SimulatePrincipalPolicy to see this");
    });

    it("without --clickhouse-role-arn the trusted principal is shown, not judged", async () => {
      const rep = await doctor(postgresFixture(), []);
      assert.deepEqual(failed(rep), []);
      assert.equal(result(rep, "iam.trust_principal").summary, `The role trusts ${CLICKHOUSE_ROLE}; pass \`--clickhouse-role-arn\` with your ClickHouse service's "Service role ID (IAM)" to compare`);
    });

    it("no usable credentials: one failing line, the endpoint still checked, no other AWS call", async () => {
      const f = postgresFixture();
      delete f.world.callerAccount;
      const rep = await doctor(f);
      assert.deepEqual(
        rep.results.map((r) => [r.id, r.status]),
        [
          ["aws.credentials", "fail"],
          ["rds.endpoint", "pass"],
          ["db.connection", "skip"],
        ],
      );
      assert.equal(result(rep, "aws.credentials").summary, "No usable AWS credentials (CredentialsProviderError: Could not load credentials from any providers)");
      assert.deepEqual(stubs.sent(), ["GetCallerIdentityCommand"]);
    });

    it("credentials of another account: one failing line naming both accounts", async () => {
      const f = postgresFixture();
      f.world.callerAccount = "210987654321";
      const rep = await doctor(f);
      assert.deepEqual(failed(rep), ["aws.credentials"]);
      assert.equal(result(rep, "aws.credentials").summary, `The AWS credentials are for account 210987654321, but the role and database are in account ${ACCOUNT}`);
    });

    it("an identifier that is not there: rds.target fails, the IAM side is still checked", async () => {
      const rep = await doctor(postgresFixture(), ["--identifier", "ordres", "--clickhouse-role-arn", CLICKHOUSE_ROLE]);
      assert.deepEqual(failed(rep), ["rds.target"]);
      assert.equal(result(rep, "rds.target").summary, `No instance "ordres" in region "${REGION}" was found`);
      assert.equal(result(rep, "iam.connect_policy").status, "pass");
    });

    it("--skip-aws: one skipped line for the AWS side", async () => {
      const rep = await doctor(postgresFixture(), ["--skip-aws"]);
      assert.deepEqual(
        rep.results.map((r) => [r.id, r.status]),
        [
          ["aws", "skip"],
          ["rds.endpoint", "pass"],
          ["db.connection", "skip"],
        ],
      );
      assert.deepEqual(stubs.sent(), []);
    });
  });
});
