/**
 * Both sides in one `pulumi up`: IAM-role access to an existing RDS for PostgreSQL instance (for
 * Initial Load and CDC), with the ClickHouse service's IAM role looked up over the ClickHouse
 * Cloud API instead of copied by hand, and the ClickPipe itself, created once the database user,
 * its grants, the publication and the readiness check exist.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClickPipe, ClickPipesRdsIamAccess, clickhouseServiceRoleArn } from "clickpipes-rds-iam";

const config = new pulumi.Config();

// The ClickHouse Cloud service, and an API key with the Admin role on it (the key secret stays a secret).
const service = {
  organizationId: config.require("clickhouseOrganizationId"),
  serviceId: config.require("clickhouseServiceId"),
  apiKeyId: config.require("clickhouseApiKeyId"),
  apiKeySecret: config.requireSecret("clickhouseApiKeySecret"),
};

const access = new ClickPipesRdsIamAccess("orders", {
  // "Service role ID (IAM)", read from GET /v1/organizations/{org}/services/{service} (`iamRole`).
  clickhouseRoleArn: clickhouseServiceRoleArn(service),
  engine: "postgres",
  dbInstanceIdentifier: config.require("dbInstanceIdentifier"),
  adminUsername: config.require("adminUsername"),
  adminPassword: config.requireSecret("adminPassword"),
  database: config.require("database"),
  schemas: ["public"],
  // A publication of the schema, the replication grant, and a check of the instance's settings.
  cdc: true,
});

const tables = config.requireObject<string[]>("tables");

// `access`: the pipe's source is the component's `clickPipeSource`, and the pipe waits for all of it.
const pipe = new ClickPipe("orders-pipe", {
  service,
  access,
  pipeName: "orders",
  tableMappings: tables.map((table) => ({ sourceSchemaName: "public", sourceTable: table, targetTable: `orders_${table}` })),
  destination: { database: config.get("destinationDatabase") ?? "default" },
});

export const roleArn = access.roleArn;
export const clickPipeId = pipe.clickPipeId;
/** "Snapshot" while ClickPipes loads the tables, then "Running". */
export const clickPipeState = pipe.state;
