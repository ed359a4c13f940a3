/**
 * ClickPipes IAM access to an existing Aurora MySQL cluster, found by its cluster identifier,
 * for Initial Load and CDC. IAM authentication, the resource ID (`cluster-…`) and the endpoint
 * all belong to the cluster, never to one of its instances.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess } from "clickpipes-rds-iam";

const config = new pulumi.Config();

const access = new ClickPipesRdsIamAccess("shop", {
  clickhouseRoleArn: config.require("clickhouseRoleArn"),
  engine: "mysql",
  dbClusterIdentifier: config.require("dbClusterIdentifier"),
  adminUsername: config.require("adminUsername"),
  adminPassword: config.requireSecret("adminPassword"),
  databases: config.requireObject<string[]>("databases"),
  // Adds REPLICATION CLIENT and REPLICATION SLAVE; the binlog settings are the cluster's (README).
  cdc: true,
});

export const roleArn = access.roleArn;
export const clickPipeSource = access.clickPipeSource;
export const pipeModes = access.pipeModes;
export const setupSql = access.setupSql;
