/**
 * Several databases in one stack: one ClickPipesRdsIamAccess (and so one IAM role and one
 * database user) per database, from a list in stack config. Each component is named after its
 * entry, so adding or removing a database leaves the others untouched.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess, Engine } from "clickpipes-rds-iam";

/** One entry of the `targets` config list. */
interface Target {
  /** Names the component, its role and its database user resources. */
  name: string;
  engine: Engine;
  dbInstanceIdentifier?: string;
  dbClusterIdentifier?: string;
  /**
   * The IAM database user. Give each entry on the same server its own (two PostgreSQL databases of
   * one instance, say): a user is server-wide, and two components creating one are refused.
   * @default "clickpipes_iam_user"
   */
  dbUsername?: string;
  /** Omit to skip creating the database user (then run its `setupSql` by hand). */
  adminUsername?: string;
  database?: string;
  schemas?: string[];
  databases?: string[];
  cdc?: boolean;
}

const config = new pulumi.Config();
const clickhouseRoleArn = config.require("clickhouseRoleArn");
const targets = config.requireObject<Target[]>("targets");
// One secret map for all admin passwords: `pulumi config set --secret --path 'adminPasswords.orders' …`.
const adminPasswords = config.getSecretObject<Record<string, string>>("adminPasswords") ?? pulumi.secret<Record<string, string>>({});

function adminPassword(name: string): pulumi.Output<string> {
  return adminPasswords.apply((passwords) => {
    const password = passwords[name];
    if (password === undefined) {
      throw new Error(`\`adminPasswords\` has no password for "${name}"; run \`pulumi config set --secret --path 'adminPasswords.${name}' <password>\`.`);
    }
    return password;
  });
}

const accesses = targets.map(
  (t) =>
    new ClickPipesRdsIamAccess(t.name, {
      clickhouseRoleArn,
      engine: t.engine,
      dbInstanceIdentifier: t.dbInstanceIdentifier,
      dbClusterIdentifier: t.dbClusterIdentifier,
      dbUsername: t.dbUsername,
      createDbUser: t.adminUsername !== undefined,
      adminUsername: t.adminUsername,
      adminPassword: t.adminUsername === undefined ? undefined : adminPassword(t.name),
      database: t.database,
      schemas: t.schemas,
      databases: t.databases,
      cdc: t.cdc,
    }),
);

function byName<T>(pick: (a: ClickPipesRdsIamAccess) => pulumi.Output<T>): pulumi.Output<Record<string, T>> {
  return pulumi.output(Object.fromEntries(targets.map((t, i) => [t.name, pick(accesses[i])]))) as pulumi.Output<Record<string, T>>;
}

/** Role ARN per database, to paste into each ClickPipe. */
export const roleArns = byName((a) => a.roleArn);
/** ClickPipe source settings per database. */
export const clickPipeSources = byName((a) => a.clickPipeSource);
/** Setup SQL per database: run by hand where no `adminUsername` is given. */
export const setupSql = byName((a) => a.setupSql);
