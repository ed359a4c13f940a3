/**
 * The IAM role ClickPipes assumes, and its inline `rds-db:connect` policy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { connectPolicy, trustPolicy } from "./policy";

export interface ClickPipesRoleArgs {
  clickhouseRoleArn: pulumi.Input<string>;
  dbUserArn: pulumi.Input<string>;
  roleName?: string;
  roleNamePrefix?: string;
  rolePath?: string;
  permissionsBoundary?: string;
  maxSessionDuration?: number;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  description: string;
}

/** The role and its policy as created; both parented to `parent`. */
export interface ClickPipesRole {
  role: aws.iam.Role;
  policy: aws.iam.RolePolicy;
}

/**
 * Creates the role that exactly `clickhouseRoleArn` may assume (with session tags) and an
 * inline policy allowing only `rds-db:connect` on `dbUserArn`. Neither waits on the database:
 * they depend only on the ARNs.
 */
export function createClickPipesRole(name: string, args: ClickPipesRoleArgs, parent: pulumi.Resource): ClickPipesRole {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      name: args.roleName,
      namePrefix: args.roleNamePrefix,
      path: args.rolePath,
      description: args.description,
      assumeRolePolicy: pulumi.output(args.clickhouseRoleArn).apply((arn) => JSON.stringify(trustPolicy(arn))),
      permissionsBoundary: args.permissionsBoundary,
      maxSessionDuration: args.maxSessionDuration,
      tags: args.tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-connect`,
    {
      role: role.id,
      name: "rds-db-connect",
      policy: pulumi.output(args.dbUserArn).apply((arn) => JSON.stringify(connectPolicy(arn))),
    },
    { parent },
  );
  return { role, policy };
}
