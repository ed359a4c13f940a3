/**
 * A new RDS for PostgreSQL instance and ClickPipes IAM access to it, for Initial Load and CDC, in
 * one program. The instance is created with IAM database authentication on and a parameter group
 * with what ClickPipes CDC needs (`clickPipesParameters`); the component reads everything it needs
 * (resource ID, endpoint, region) from the instance itself and never modifies it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess, clickPipesParameters } from "clickpipes-rds-iam";

const config = new pulumi.Config();
const adminPassword = config.requireSecret("adminPassword");

// rds.logical_replication = 1 and rds.iam_auth_for_replication = 1: logical replication, over IAM.
const params = new aws.rds.ParameterGroup("orders-params", {
  family: "postgres16",
  parameters: clickPipesParameters({ engine: "postgres", deployment: "rds", cdc: true }),
});

const db = new aws.rds.Instance("orders-db", {
  engine: "postgres",
  engineVersion: "16",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  storageEncrypted: true,
  dbName: "orders",
  username: "orders_admin",
  password: adminPassword,
  // Required: ClickPipes logs in with an IAM token. The component checks it and fails if it is off.
  iamDatabaseAuthenticationEnabled: true,
  parameterGroupName: params.name,
  dbSubnetGroupName: config.get("dbSubnetGroupName"),
  vpcSecurityGroupIds: config.getObject<string[]>("vpcSecurityGroupIds"),
  // An example: keep a final snapshot of a database that matters.
  skipFinalSnapshot: true,
});

const access = new ClickPipesRdsIamAccess("orders", {
  clickhouseRoleArn: config.require("clickhouseRoleArn"),
  engine: "postgres",
  instance: db,
  adminUsername: db.username,
  adminPassword,
  database: "orders",
  // A publication of the `public` schema (FOR TABLES IN SCHEMA), named in clickPipeSource.
  cdc: true,
});

export const dbEndpoint = db.endpoint;
export const roleArn = access.roleArn;
export const clickPipeSource = access.clickPipeSource;
