/**
 * The MariaDB IAM user: a Pulumi dynamic resource that runs the `components/sql.ts` statements
 * over `mysql2`, so it executes exactly what `setupSql` shows.
 *
 * Why not @pulumi/mysql: it bundles the archived upstream MySQL provider v1.9.0, whose
 * `CreateUser` and `CreateGrant` first call `serverVersion()` (mysql/provider.go), which runs
 * `SELECT @@GLOBAL.innodb_version`. MariaDB removed that variable in 10.10 and RDS supports IAM
 * auth on MariaDB only from 10.11, so that provider cannot create this user on any MariaDB that
 * could use it.
 *
 * The resource remembers what it added: the user itself (dropped on delete) or, for a user that
 * already existed and was adopted on request (`adoptExistingUser`, never dropped), each grant, each
 * CDC privilege and `REQUIRE SSL` on their own, so that delete undoes exactly that. `read` reports
 * what the server holds, so that `pulumi refresh` then `pulumi up` repairs a user dropped or
 * changed by hand. That logic is in `mariadbUserPlan.ts`, the operations in `mariadbUserProvider.ts`;
 * the admin connection (TLS verified against the Amazon RDS certificate authorities by default) is
 * in `database/mysqlSession.ts`; this file is the resource around them.
 */
import * as pulumi from "@pulumi/pulumi";
import { adminConnectionOptions, adminConnectionProps } from "./database/adminConnectionProps";
import type { AdminConnectionArgs } from "./database/adminConnectionArgs";
import { claimMariaDbUser, parentUrnOf } from "./database/userClaims";
import { stableProvider } from "./dynamicProvider";
import type { MariaDbIamUserInputs, MariaDbIamUserOutputs } from "./mariadbUserProvider";
import type { Registration } from "./pluginResources";

/** The provider Pulumi serializes into the state: it names only `clickpipes-rds-iam/providers`. */
const provider = stableProvider<MariaDbIamUserInputs, MariaDbIamUserOutputs>("mariaDbIamUser");

export interface MariaDbIamUserArgs extends AdminConnectionArgs {
  /**
   * The RDS resource ID (`db-…`) of the instance. With it, a new `host` or `port` under the same
   * ID is the same server at a new address (an endpoint rename, a port change): the resource
   * records it in place and keeps the user, instead of replacing it, which would first have to
   * drop the user through the old address. Without it, a new `host` or `port` replaces the user.
   */
  readonly resourceId?: pulumi.Input<string>;
  /** The IAM-authenticated user to create, as `'username'@'%'`. */
  readonly username: string;
  /** Databases the user may read: `SELECT` on each. */
  readonly databases: pulumi.Input<string[]>;
  /** Adds `REPLICATION CLIENT, REPLICATION SLAVE ON *.*` for CDC. */
  readonly cdc: pulumi.Input<boolean>;
  /**
   * Take over a user that already exists: it gets `REQUIRE SSL` and the grants it lacks, and
   * delete undoes exactly those, never dropping it. MariaDB keeps no note of who created a user, so
   * whoever did (another stack, another component) still drops it, grants and all, when they
   * destroy theirs. Without it, an existing user is refused.
   * @default false
   */
  readonly adoptExistingUser?: pulumi.Input<boolean>;
}

/** @internal The resource's property bag: the args (password made secret) plus its output-only properties. */
export function mariaDbIamUserProps(args: MariaDbIamUserArgs): pulumi.Inputs {
  return {
    ...adminConnectionProps(args),
    resourceId: args.resourceId,
    username: args.username,
    databases: args.databases,
    cdc: args.cdc,
    adoptExistingUser: args.adoptExistingUser,
    userCreated: undefined,
    grantedDatabases: undefined,
    grantedPrivileges: undefined,
    addedRequireSsl: undefined,
    userExists: undefined,
    plugin: undefined,
    requireSsl: undefined,
  };
}

/** @internal The caller's options, with the admin password added to the secret outputs. */
export function mariaDbIamUserOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return adminConnectionOptions(opts);
}

/**
 * The MariaDB user that ClickPipes logs in as with IAM (`IDENTIFIED VIA AWSAuthenticationPlugin
 * USING 'RDS' REQUIRE SSL`), with `SELECT` on each database and, for CDC, replication privileges.
 * An existing user is refused, or with `adoptExistingUser` taken over (never dropped). Two of these
 * for the same user on the same server in one program are refused.
 */
export class MariaDbIamUser extends pulumi.dynamic.Resource {
  /** The IAM user's name (host `%`). */
  declare public readonly username: pulumi.Output<string>;
  /** Databases the user may read (after a refresh: those it still holds). */
  declare public readonly databases: pulumi.Output<string[]>;
  /** Whether the user has the CDC privileges. */
  declare public readonly cdc: pulumi.Output<boolean>;
  /** False when the user already existed (adopted, never dropped). */
  declare public readonly userCreated: pulumi.Output<boolean>;

  constructor(name: string, args: MariaDbIamUserArgs, opts?: pulumi.CustomResourceOptions) {
    const r = mariaDbIamUserRegistration(name, args, opts);
    super(provider, name, r.props, r.opts);
  }
}

/**
 * @internal What {@link MariaDbIamUser} registers (also the plugin's custom resource of the same
 * kind, see pluginResources.ts). The registration waits on the claim of the user on its server: a
 * duplicate in the program fails it before anything is created.
 */
export function mariaDbIamUserRegistration(name: string, args: MariaDbIamUserArgs, opts?: pulumi.CustomResourceOptions): Registration {
  const host = pulumi.all([args.host, args.port, parentUrnOf(opts)]).apply(([h, port, parent]) => {
    claimMariaDbUser({ host: h, port, username: args.username, name, owner: `${parent}::${name}` });
    return h;
  });
  return { props: mariaDbIamUserProps({ ...args, host }), opts: mariaDbIamUserOptions(opts) };
}
