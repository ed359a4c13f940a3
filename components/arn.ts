/**
 * ARN parsing and the `rds-db:connect` resource ARN. Pure functions, no Pulumi.
 */

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/;

/** Parses an ARN, or returns undefined when the string is not one. */
export function tryParseArn(arn: string): ParsedArn | undefined {
  const m = ARN_PATTERN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}

/** Parses an ARN, throwing a message that names `what` when it is not one. */
export function parseArn(arn: string, what: string): ParsedArn {
  const parsed = tryParseArn(arn);
  if (!parsed) throw new Error(`${what} "${arn}" is not an ARN.`);
  return parsed;
}

/** The partition, region and account a database lives in, read from its own ARN. */
export interface DatabaseLocation {
  partition: string;
  region: string;
  account: string;
}

/**
 * Reads partition, region and account from an RDS instance or cluster ARN
 * (`arn:aws:rds:eu-west-1:123456789012:db:mydb` or `…:cluster:mycluster`).
 * Reading them from the target itself means no extra lookups and no chance of naming a region
 * other than the database's.
 */
export function locationFromRdsArn(rdsArn: string): DatabaseLocation {
  const parsed = parseArn(rdsArn, "RDS ARN");
  if (parsed.service !== "rds" || !/^(db|cluster):/.test(parsed.resource) || parsed.region === "" || parsed.account === "") {
    throw new Error(`RDS ARN "${rdsArn}" does not name an RDS instance or cluster.`);
  }
  return { partition: parsed.partition, region: parsed.region, account: parsed.account };
}

/**
 * The resource ARN that `rds-db:connect` takes:
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resourceId>/<dbUsername>`.
 *
 * `resourceId` is the instance's `DbiResourceId` (`db-…`) for RDS and the **cluster** resource ID
 * (`cluster-…`) for Aurora. Not the instance or cluster ARN (IAM never matches it for
 * `rds-db:connect`), and never an Aurora member instance's `db-…` ID.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
 */
export function dbUserArn(location: DatabaseLocation, resourceId: string, dbUsername: string): string {
  if (!/^(db|cluster)-[A-Za-z0-9]+$/.test(resourceId)) {
    throw new Error(`Resource ID "${resourceId}" is not an RDS resource ID (db-… or cluster-…).`);
  }
  return `arn:${location.partition}:rds-db:${location.region}:${location.account}:dbuser:${resourceId}/${dbUsername}`;
}
