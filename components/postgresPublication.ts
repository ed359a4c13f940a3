/**
 * `PostgresPublication`: the publication a PostgreSQL CDC ClickPipe reads, created over `pg`
 * because @pulumi/postgresql's `Publication` cannot say `FOR TABLES IN SCHEMA`. It refuses to
 * take over a publication that already exists (use `createPublication: false` for that), changes
 * its scope in place with `ALTER PUBLICATION … SET`, and drops only the publication it created.
 * The SQL and its lifecycle are in `database/publication.ts`, the operations in
 * `postgresPublicationProvider.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { adminConnectionOptions, adminConnectionProps } from "./database/adminConnectionProps";
import type { AdminConnectionArgs } from "./database/adminConnectionArgs";
import type { PublicationScope } from "./checks/readiness";
import type { HeldScope } from "./database/publication";

import { stableProvider } from "./dynamicProvider";
import type { PostgresPublicationInputs } from "./postgresPublicationProvider";
import type { Registration } from "./pluginResources";

export { PostgresPublicationInputs, diffPublication, postgresPublicationProvider } from "./postgresPublicationProvider";

/** The provider Pulumi serializes into the state: it names only `clickpipes-rds-iam/providers`. */
const provider = stableProvider<PostgresPublicationInputs, PostgresPublicationInputs>("postgresPublication");

export interface PostgresPublicationArgs extends AdminConnectionArgs {
  /** The database the publication belongs to. */
  readonly database: pulumi.Input<string>;
  /** The publication's name (exact, case-sensitive). */
  readonly name: string;
  /** What it publishes: schemas (`FOR TABLES IN SCHEMA`), tables (`FOR TABLE`) or all tables. */
  readonly scope: PublicationScope;
  /**
   * The RDS resource ID of the server (`db-…`/`cluster-…`): with it, a renamed endpoint or a new
   * port is an in-place update instead of dropping and re-creating the publication.
   */
  readonly resourceId?: pulumi.Input<string>;
}

/** A PostgreSQL publication for ClickPipes, created and dropped by this resource alone. */
export class PostgresPublication extends pulumi.dynamic.Resource {
  declare public readonly publicationName: pulumi.Output<string>;
  /** What it publishes, as last read: after a `pulumi refresh`, as the server holds it (which may be changed by hand). */
  declare public readonly scope: pulumi.Output<HeldScope>;
  /**
   * `publish_via_partition_root` (PostgreSQL 13+): true once created or updated; after a
   * `pulumi refresh`, as the server holds it (the next `pulumi up` turns it on again).
   */
  declare public readonly publishViaPartitionRoot: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: PostgresPublicationArgs, opts?: pulumi.CustomResourceOptions) {
    const r = postgresPublicationRegistration(name, args, opts);
    super(provider, name, r.props, r.opts);
  }
}

/** @internal What {@link PostgresPublication} registers (also the plugin's custom resource of the same kind, see pluginResources.ts). */
export function postgresPublicationRegistration(_name: string, args: PostgresPublicationArgs, opts?: pulumi.CustomResourceOptions): Registration {
  const props: pulumi.Inputs = {
    ...adminConnectionProps(args),
    database: args.database,
    publicationName: args.name,
    scope: args.scope,
    resourceId: args.resourceId,
    // Publish through partition roots (PostgreSQL 13+), and turn it on in an existing publication
    // an earlier version created without it (see `PostgresPublicationInputs`).
    publishViaPartitionRoot: true,
  };
  return { props, opts: adminConnectionOptions(opts) };
}
