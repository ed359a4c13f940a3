import { strict as assert } from "assert";
import { connectPolicy, trustPolicy } from "../components/policy";

describe("policy", () => {
  it("trustPolicy lets exactly one role assume the role and tag the session", () => {
    assert.deepEqual(trustPolicy("arn:aws:iam::111122223333:role/ch"), {
      Version: "2012-10-17",
      Statement: [{ Sid: "AllowClickHouseServiceRole", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/ch" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    });
  });
  it("connectPolicy allows only rds-db:connect on one dbuser ARN", () => {
    const arn = "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/u";
    assert.deepEqual(connectPolicy(arn), {
      Version: "2012-10-17",
      Statement: [{ Sid: "ConnectAsClickPipesUser", Effect: "Allow", Action: "rds-db:connect", Resource: arn }],
    });
  });
});
