import { strict as assert } from "assert";
import { dbUserArn, locationFromRdsArn, parseArn, tryParseArn } from "../components/arn";

describe("arn", () => {
  describe("tryParseArn", () => {
    it("splits an ARN into partition, service, region, account and resource", () => {
      assert.deepEqual(tryParseArn("arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:c1"), {
        partition: "aws-us-gov",
        service: "rds",
        region: "us-gov-west-1",
        account: "123456789012",
        resource: "cluster:c1",
      });
    });
    it("accepts the aws account of AWS managed policies", () => {
      assert.equal(tryParseArn("arn:aws:iam::aws:policy/ReadOnlyAccess")?.account, "aws");
    });
    it("returns undefined for strings that are not ARNs", () => {
      for (const s of ["", "arn:aws", "arn:foo:iam::123456789012:role/x", "role/x", "arn:aws:iam::12345:role/x"]) {
        assert.equal(tryParseArn(s), undefined, s);
      }
    });
  });

  describe("parseArn", () => {
    it("names what it was parsing when the string is not an ARN", () => {
      assert.throws(() => parseArn("nope", "RDS ARN"), { message: 'RDS ARN "nope" is not an ARN.' });
    });
  });

  describe("locationFromRdsArn", () => {
    it("reads partition, region and account from an instance ARN", () => {
      assert.deepEqual(locationFromRdsArn("arn:aws-cn:rds:cn-north-1:123456789012:db:mydb"), { partition: "aws-cn", region: "cn-north-1", account: "123456789012" });
    });
    it("refuses an ARN of another service", () => {
      assert.throws(() => locationFromRdsArn("arn:aws:iam::123456789012:role/x"), {
        message: 'RDS ARN "arn:aws:iam::123456789012:role/x" does not name an RDS instance or cluster.',
      });
    });
  });

  describe("dbUserArn", () => {
    const loc = { partition: "aws", region: "eu-central-1", account: "123456789012" };
    it("builds the rds-db dbuser ARN from a db- resource ID", () => {
      assert.equal(dbUserArn(loc, "db-ABC123", "clickpipes_iam_user"), "arn:aws:rds-db:eu-central-1:123456789012:dbuser:db-ABC123/clickpipes_iam_user");
    });
    it("builds it from a cluster- resource ID", () => {
      assert.equal(dbUserArn({ ...loc, partition: "aws-us-gov" }, "cluster-XYZ9", "u"), "arn:aws-us-gov:rds-db:eu-central-1:123456789012:dbuser:cluster-XYZ9/u");
    });
    it("refuses an identifier or ARN in place of the resource ID", () => {
      assert.throws(() => dbUserArn(loc, "mydb", "u"), { message: 'Resource ID "mydb" is not an RDS resource ID (db-… or cluster-…).' });
      assert.throws(() => dbUserArn(loc, "arn:aws:rds:eu-central-1:123456789012:db:mydb", "u"), /is not an RDS resource ID/);
    });
  });
});
