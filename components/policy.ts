/**
 * IAM policy documents as plain JSON-able values. Built here rather than through the
 * `aws.iam.getPolicyDocument` invoke: they cost no provider call, preview fully known, and are
 * tested without mocks.
 */

/** An IAM policy document in the subset of the grammar this package writes. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { AWS: string };
  Action: string | string[];
  Resource?: string | string[];
}

/** The actions the ClickHouse service role needs on our role: ClickHouse passes session tags. */
export const TRUST_ACTIONS: readonly string[] = ["sts:AssumeRole", "sts:TagSession"];

/**
 * Trust policy: exactly `clickhouseRoleArn` may assume the role and tag the session.
 * Without `sts:TagSession` ClickPipes fails with "is not authorized to perform: sts:TagSession".
 */
/** The one action the ClickPipes role is allowed: IAM database authentication as a database user. */
export const CONNECT_ACTION = "rds-db:connect";

export function trustPolicy(clickhouseRoleArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowClickHouseServiceRole",
        Effect: "Allow",
        Principal: { AWS: clickhouseRoleArn },
        Action: [...TRUST_ACTIONS],
      },
    ],
  };
}

/** Permission policy: `rds-db:connect` as exactly one database user, nothing else. */
export function connectPolicy(dbUserArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConnectAsClickPipesUser",
        Effect: "Allow",
        Action: CONNECT_ACTION,
        Resource: dbUserArn,
      },
    ],
  };
}
