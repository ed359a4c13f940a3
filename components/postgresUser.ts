/**
 * The PostgreSQL IAM user through @pulumi/postgresql: a login role granted `rds_iam`, read
 * access to the schemas, and (for CDC) `rds_replication`. The publication is the component's own
 * resource (`postgresPublication.ts`).
 */
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";

export interface PostgresIamUserArgs {
  username: pulumi.Input<string>;
  database: pulumi.Input<string>;
  schemas: readonly string[];
  /** Role whose future tables get SELECT by default; no default privileges when undefined. */
  tableOwner?: pulumi.Input<string>;
  cdc: boolean;
  /** Provider for the admin connection; undefined to inherit one from the component. */
  provider?: postgresql.Provider;
  /** Resources the user must wait for (IAM auth being enabled). */
  dependsOn: pulumi.Resource[];
}

/** The PostgreSQL resources as created. */
export interface PostgresIamUser {
  role: postgresql.Role;
  grants: postgresql.Grant[];
  defaultPrivileges: postgresql.DefaultPrivileges[];
}

/** The `rds_*` roles the IAM user is granted: `rds_iam` always, `rds_replication` for CDC. */
export function postgresMemberships(cdc: boolean): string[] {
  return cdc ? ["rds_iam", "rds_replication"] : ["rds_iam"];
}

export function createPostgresIamUser(name: string, a: PostgresIamUserArgs, parent: pulumi.Resource): PostgresIamUser {
  const opts: pulumi.CustomResourceOptions = { parent, provider: a.provider, dependsOn: a.dependsOn };
  const role = new postgresql.Role(
    `${name}-db-user`,
    {
      // Always set: an unset name is auto-suffixed, and the IAM token names the user exactly.
      name: a.username,
      login: true,
      roles: postgresMemberships(a.cdc),
      // REASSIGN/DROP OWNED would run inside a temporary `GRANT <user> TO <admin>`; with rds_iam
      // in the user's roles that locks the admin out of password login. The user owns nothing.
      skipReassignOwned: true,
    },
    opts,
  );
  const childOpts: pulumi.CustomResourceOptions = { parent, provider: a.provider, dependsOn: [role] };
  const grants: postgresql.Grant[] = [];
  const defaultPrivileges: postgresql.DefaultPrivileges[] = [];
  for (const schema of a.schemas) {
    // Named after the schema, so reordering or removing one schema leaves the others untouched.
    const suffix = `-${schema}`;
    grants.push(
      new postgresql.Grant(
        `${name}-usage${suffix}`,
        { database: a.database, role: role.name, schema, objectType: "schema", privileges: ["USAGE"] },
        childOpts,
      ),
      new postgresql.Grant(
        `${name}-select${suffix}`,
        { database: a.database, role: role.name, schema, objectType: "table", privileges: ["SELECT"], objects: [] },
        childOpts,
      ),
    );
    if (a.tableOwner !== undefined) {
      defaultPrivileges.push(
        new postgresql.DefaultPrivileges(
          `${name}-default-select${suffix}`,
          { database: a.database, role: role.name, owner: a.tableOwner, schema, objectType: "table", privileges: ["SELECT"] },
          childOpts,
        ),
      );
    }
  }
  return { role, grants, defaultPrivileges };
}
