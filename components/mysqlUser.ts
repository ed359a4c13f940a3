/**
 * The MySQL (RDS MySQL and Aurora MySQL) IAM user through @pulumi/mysql.
 */
import * as mysql from "@pulumi/mysql";
import * as pulumi from "@pulumi/pulumi";
import { MY_CDC_PRIVILEGES, escapeMyGrantDatabase } from "./sql";

export interface MySqlIamUserArgs {
  username: pulumi.Input<string>;
  databases: readonly string[];
  cdc: boolean;
  /** Provider for the admin connection; undefined to inherit one from the component. */
  provider?: mysql.Provider;
  /** Resources the user must wait for (IAM auth being enabled). */
  dependsOn: pulumi.Resource[];
}

export interface MySqlIamUser {
  user: mysql.User;
  grants: mysql.Grant[];
}

/**
 * `REQUIRE SSL` for the user and on every grant: the upstream provider defaults `tls_option` to
 * "NONE", and on MySQL 5.7 a GRANT's `REQUIRE NONE` would silently drop the user's TLS requirement.
 */
export const MY_TLS_OPTION = "SSL";

export function createMySqlIamUser(name: string, a: MySqlIamUserArgs, parent: pulumi.Resource): MySqlIamUser {
  const user = new mysql.User(
    `${name}-db-user`,
    {
      user: a.username,
      // IAM auth cannot use the provider's default host "localhost".
      host: "%",
      authPlugin: "AWSAuthenticationPlugin",
      tlsOption: MY_TLS_OPTION,
    },
    { parent, provider: a.provider, dependsOn: a.dependsOn },
  );
  const grantOpts: pulumi.CustomResourceOptions = { parent, provider: a.provider, dependsOn: [user] };
  const grants = a.databases.map(
    (db) =>
      new mysql.Grant(
        // Named after the database, so editing the list leaves the other grants untouched.
        `${name}-select-${db}`,
        // `_` and `%` are wildcards in a database-level grant: escape them to name one database.
        { user: user.user, host: user.host, database: escapeMyGrantDatabase(db), privileges: ["SELECT"], tlsOption: MY_TLS_OPTION },
        grantOpts,
      ),
  );
  if (a.cdc) {
    grants.push(
      new mysql.Grant(
        `${name}-replication`,
        { user: user.user, host: user.host, database: "*", privileges: [...MY_CDC_PRIVILEGES], tlsOption: MY_TLS_OPTION },
        grantOpts,
      ),
    );
  }
  return { user, grants };
}
