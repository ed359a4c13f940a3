/**
 * Uses AnalyticsSource (analyticsSource.ts), a component of our own that wraps
 * ClickPipesRdsIamAccess, with explicit providers passed down: an `aws` provider for the
 * database's account and region, and a `postgresql` provider that reaches the database through a
 * bastion tunnel (so the admin connection does not go to the RDS endpoint directly).
 */
import * as aws from "@pulumi/aws";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { AnalyticsSource } from "./analyticsSource";

const config = new pulumi.Config();

const awsProvider = new aws.Provider("analytics-aws", {
  region: config.require("region"),
  defaultTags: { tags: { team: "analytics" } },
});

// e.g. `ssh -N -L 15432:<rds endpoint>:5432 bastion` running beside `pulumi up`.
const postgresProvider = new postgresql.Provider("analytics-postgres", {
  host: config.require("adminHost"),
  port: config.requireNumber("adminPort"),
  username: config.require("adminUsername"),
  password: config.requireSecret("adminPassword"),
  database: "analytics",
  sslmode: "require",
  // The RDS master user is not a superuser.
  superuser: false,
});

const source = new AnalyticsSource(
  "events",
  {
    clickhouseRoleArn: config.require("clickhouseRoleArn"),
    dbInstanceIdentifier: config.require("dbInstanceIdentifier"),
    database: "analytics",
    schemas: ["events", "sessions"],
    tableOwner: config.require("adminUsername"),
    parameterPath: "/analytics/sources",
  },
  { providers: [awsProvider, postgresProvider] },
);

export const roleArn = source.roleArn;
export const settingsParameterName = source.settingsParameterName;
