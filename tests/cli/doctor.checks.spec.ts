/**
 * The doctor's pure parts: reading IAM policy documents (`policyEval.ts`), the AWS CLI fixes
 * (`fixes.ts`), merging verdicts (`result.ts`) and the report (`render.ts`).
 */
import * as assert from "node:assert/strict";
import { modifyParameterCommand, putConnectPolicyCommand, sh } from "../../components/cli/doctor/fixes";
import { readConnect, trustedPrincipals, wildcardMatch } from "../../components/cli/doctor/policyEval";
import { redact, renderJson, renderText, summaryLine } from "../../components/cli/doctor/render";
import { DoctorResult, fail, mergeById, pass, skip, warn } from "../../components/cli/doctor/result";
import { connectPolicy, trustPolicy } from "../../components/policy";

const CH = "arn:aws:iam::999988887777:role/CH-S3-x-Role";
const USER_ARN = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/clickpipes_iam_user";

describe("doctor checks, pure parts", () => {
  describe("trustedPrincipals", () => {
    it("reads the component's own trust policy as both actions for the ClickHouse role", () => {
      assert.deepEqual(trustedPrincipals(trustPolicy(CH)), [{ principal: CH, assumeRole: true, tagSession: true, conditional: false }]);
    });

    it("honours wildcards, lists of principals, and Deny statements", () => {
      const doc = {
        Statement: [
          { Effect: "Allow", Principal: { AWS: [CH, "arn:aws:iam::111111111111:root"] }, Action: "sts:*" },
          { Effect: "Deny", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:TagSession" },
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      };
      assert.deepEqual(trustedPrincipals(doc), [
        { principal: CH, assumeRole: true, tagSession: true, conditional: false },
        { principal: "arn:aws:iam::111111111111:root", assumeRole: true, tagSession: false, conditional: false },
      ]);
    });
  });

  describe("readConnect", () => {
    it("tells an exact grant from a wildcard, another user, and a Deny", () => {
      assert.deepEqual(readConnect([{ name: "rds-db-connect", document: connectPolicy(USER_ARN) }], USER_ARN), { exact: ["rds-db-connect"], wildcard: [], denied: [], otherResources: [], conditional: [] });
      const other = USER_ARN.replace("clickpipes_iam_user", "someone");
      assert.deepEqual(readConnect([{ name: "p", document: connectPolicy(other) }], USER_ARN).otherResources, [other]);
      const wide = "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/*";
      assert.deepEqual(readConnect([{ name: "p", document: connectPolicy(wide) }], USER_ARN).wildcard, [`p: ${wide}`]);
      const deny = { Statement: [{ Effect: "Deny", Action: "rds-db:*", Resource: "*" }] };
      assert.deepEqual(readConnect([{ name: "guard", document: deny }], USER_ARN).denied, ["guard: *"]);
    });

    it("matches actions case-insensitively and resources case-sensitively", () => {
      assert.equal(wildcardMatch("RDS-DB:Connect", "rds-db:connect", true), true);
      assert.equal(wildcardMatch("arn:aws:rds-db:*:*:dbuser:db-abc/*", USER_ARN), false);
      assert.equal(wildcardMatch("arn:aws:rds-db:*:*:dbuser:db-ABC/clickpipes_iam_use?", USER_ARN), true);
    });
  });

  describe("fixes", () => {
    it("quotes values for a POSIX shell", () => {
      assert.equal(sh("orders-1"), "orders-1");
      assert.equal(sh("it's"), "'it'\\''s'");
    });

    it("builds the parameter and policy commands", () => {
      assert.equal(
        modifyParameterCommand("cluster", "apg16", { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" }, "eu-west-1"),
        "aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name apg16 --parameters ParameterName=rds.logical_replication,ParameterValue=1,ApplyMethod=pending-reboot --region eu-west-1",
      );
      assert.equal(
        putConnectPolicyCommand("r", USER_ARN),
        `aws iam put-role-policy --role-name r --policy-name rds-db-connect --policy-document '${JSON.stringify(connectPolicy(USER_ARN))}'`,
      );
    });
  });

  describe("mergeById", () => {
    it("keeps one verdict per id, the worse one, where the id first appears", () => {
      const merged = mergeById([pass("a", "1"), skip("b", "2"), fail("a", "3", "fix a"), pass("b", "4")]);
      assert.deepEqual(merged, [fail("a", "3", "fix a"), pass("b", "4")]);
    });
  });

  describe("the report", () => {
    const results: DoctorResult[] = [
      pass("rds.iam_auth", "IAM database authentication is on"),
      fail("iam.trust_policy", "No TagSession", "put it back"),
      { ...warn("rds.iam_auth_errors", "2 errors", "read them"), details: ["line 1", "line 2"] },
      skip("db.connection", "No admin credentials", "pass --admin-username"),
    ];

    it("prints a mark per line, the fix under failures and warnings, a hint under skips, and the counts", () => {
      assert.equal(
        renderText("heading", results),
        [
          "heading",
          "",
          "✓ rds.iam_auth         IAM database authentication is on",
          "✗ iam.trust_policy     No TagSession",
          "                       fix: put it back",
          "! rds.iam_auth_errors  2 errors",
          "                       | line 1",
          "                       | line 2",
          "                       fix: read them",
          "- db.connection        skipped: No admin credentials",
          "                       hint: pass --admin-username",
          "",
          "1 passed, 1 failed, 1 warning, 1 skipped",
          "",
        ].join("\n"),
      );
      assert.equal(summaryLine([warn("a", "b", "c"), warn("d", "e", "f")]), "0 passed, 0 failed, 2 warnings, 0 skipped");
    });

    it("prints JSON with the four fields (and details), never `hard`", () => {
      const parsed = JSON.parse(renderJson([{ ...fail("x", "y", "z"), hard: true }, ...results.slice(2, 3)]));
      assert.deepEqual(parsed, [
        { id: "x", status: "fail", summary: "y", fix: "z" },
        { id: "rds.iam_auth_errors", status: "warn", summary: "2 errors", fix: "read them", details: ["line 1", "line 2"] },
      ]);
    });

    it("redacts every occurrence of a secret", () => {
      assert.equal(redact("a pw b pw", ["pw", ""]), "a *** b ***");
    });
  });
});
