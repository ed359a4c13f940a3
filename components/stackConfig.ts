/**
 * Reads the deployable project's stack config (declared with types and descriptions in
 * Pulumi.yaml) into component args. Empty strings and empty lists mean "not set", since
 * Pulumi.yaml needs a default for every optional key.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClickPipesRdsIamAccessArgs } from "./clickPipesRdsIamAccess";
import { Engine } from "./engines";

/** The subset of `pulumi.Config` the reader uses. */
export type ConfigReader = Pick<pulumi.Config, "require" | "get" | "getBoolean" | "getNumber" | "getObject" | "getSecret">;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function nonEmptyList(value: string[] | undefined): string[] | undefined {
  return value === undefined || value.length === 0 ? undefined : value;
}

/** Component args from stack config. Validation is left to the component, which names the arg. */
export function argsFromConfig(config: ConfigReader): ClickPipesRdsIamAccessArgs {
  const engine = config.require("engine") as Engine;
  const postgres = engine === "postgres";
  const adminUsername = nonEmpty(config.get("adminUsername"));
  const cdc = config.getBoolean("cdc");
  // CDC keys have defaults in Pulumi.yaml; they are passed only where they apply (CDC, engine).
  const pgCdc = postgres && cdc === true;
  const myCdc = !postgres && cdc === true;
  const retention = config.getNumber("binlogRetentionHours");
  return {
    clickhouseRoleArn: config.require("clickhouseRoleArn"),
    engine,
    dbInstanceIdentifier: nonEmpty(config.get("dbInstanceIdentifier")),
    dbClusterIdentifier: nonEmpty(config.get("dbClusterIdentifier")),
    dbUsername: nonEmpty(config.get("dbUsername")),
    enableIamAuth: config.getBoolean("enableIamAuth"),
    createDbUser: config.getBoolean("createDbUser"),
    adminUsername,
    // A secret Output: an empty value cannot be seen without unwrapping, so "" means unset only
    // when adminUsername is unset too.
    adminPassword: adminUsername === undefined ? undefined : config.getSecret("adminPassword"),
    database: postgres ? nonEmpty(config.get("database")) : undefined,
    schemas: postgres ? nonEmptyList(config.getObject<string[]>("schemas")) : undefined,
    databases: postgres ? undefined : nonEmptyList(config.getObject<string[]>("databases")),
    cdc,
    cdcChecks: cdc === true ? (nonEmpty(config.get("cdcChecks")) as ClickPipesRdsIamAccessArgs["cdcChecks"]) : undefined,
    publicationName: postgres ? nonEmpty(config.get("publicationName")) : undefined,
    createPublication: pgCdc ? config.getBoolean("createPublication") : undefined,
    publicationTables: pgCdc ? nonEmptyList(config.getObject<string[]>("publicationTables")) : undefined,
    publicationAllTables: pgCdc && config.getBoolean("publicationAllTables") === true ? true : undefined,
    replicationMechanism: myCdc ? (nonEmpty(config.get("replicationMechanism")) as ClickPipesRdsIamAccessArgs["replicationMechanism"]) : undefined,
    binlogRetentionHours: myCdc && retention !== undefined && retention !== 0 ? retention : undefined,
    roleName: nonEmpty(config.get("roleName")),
  };
}
