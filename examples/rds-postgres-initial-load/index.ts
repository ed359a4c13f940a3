/**
 * ClickPipes IAM access to an existing RDS for PostgreSQL instance, found by its identifier.
 * Initial Load Only: ClickPipes copies the tables once (CDC over IAM needs more, see the
 * aurora-mysql-cdc example and docs/engines.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess } from "clickpipes-rds-iam";

const config = new pulumi.Config();

const access = new ClickPipesRdsIamAccess("orders", {
  clickhouseRoleArn: config.require("clickhouseRoleArn"),
  engine: "postgres",
  dbInstanceIdentifier: config.require("dbInstanceIdentifier"),
  // The master user creates the IAM user and its grants; the password stays a secret.
  adminUsername: config.require("adminUsername"),
  adminPassword: config.requireSecret("adminPassword"),
  database: config.require("database"),
  schemas: config.getObject<string[]>("schemas") ?? ["public"],
});

/** Paste into ClickPipes as the IAM role ARN. */
export const roleArn = access.roleArn;
/** Every field of the ClickPipe source form. */
export const clickPipeSource = access.clickPipeSource;
/** The SQL the component ran, for review. */
export const setupSql = access.setupSql;
