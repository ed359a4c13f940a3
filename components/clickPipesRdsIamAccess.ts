/**
 * `ClickPipesRdsIamAccess`: gives ClickHouse ClickPipes IAM-role access to an RDS instance or
 * Aurora cluster, in the order the ClickHouse guide "AWS IAM DB authentication (RDS/Aurora)"
 * describes: IAM auth on, resource ID, database user, IAM role, role ARN out.
 */
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { dbUserArn as buildDbUserArn } from "./arn";
import { ClickPipeSource, clickPipeSource, setupSql } from "./clickpipe";
import { Engine, PipeMode, pipeModes } from "./engines";
import { IamAuthEnablement, iamAuthEnablementRegistration } from "./iamAuth";
import type { AwsCredentialSettings } from "./aws/credentials";
import { MariaDbIamUser, mariaDbIamUserRegistration } from "./mariadbUser";
import { createMySqlIamUser } from "./mysqlUser";
import { createPostgresIamUser } from "./postgresUser";
import { createClickPipesRole } from "./role";
import { TargetCheckOptions, TargetInfo, checkTarget, preflightManagedTarget, resolveTarget } from "./target";
import { NormalizedArgs, argWarnings, normalizeArgs, resolvableArgs, validateResolvedArgs } from "./args";
import { ENGINE_LABELS, ValidationError, fixedMessage } from "./validation";
import { claimDatabaseUser, parentUrnOf } from "./database/userClaims";
import type { CdcCheckMode } from "./cdcArgs";
import type { ReplicationMechanism } from "./checks/readiness";
import { CdcReadiness, cdcReadinessRegistration } from "./cdcReadiness";
import { ReadinessRequest } from "./database/readiness";
import { PostgresPublication, postgresPublicationRegistration } from "./postgresPublication";
import { ChildOf, ChildResourceMode, DYNAMIC_CHILDREN, registerChild } from "./pluginResources";
import { createPublicationStatement } from "./database/publication";
import type { ClickHouseServiceArgs } from "./clickhouse/service";

/** The children of each component (getters, so that they are not outputs: see the class). */
interface Children {
  iamAuth?: ChildOf<IamAuthEnablement>;
  dbUser?: pulumi.Resource;
  readiness?: ChildOf<CdcReadiness>;
  publication?: pulumi.Resource;
}
const CHILDREN = new WeakMap<object, Children>();
function childrenOf(component: object): Children {
  return CHILDREN.get(component) ?? {};
}

/** The component's type token. */
export const CLICKPIPES_RDS_IAM_ACCESS_TYPE = "clickpipes-rds-iam:index:ClickPipesRdsIamAccess";

/**
 * Arguments for {@link ClickPipesRdsIamAccess}. Give exactly one target: `dbInstanceIdentifier`,
 * `dbClusterIdentifier`, `instance` or `cluster`.
 */
export interface ClickPipesRdsIamAccessArgs {
  /**
   * ARN of the ClickHouse service's IAM role: ClickHouse Cloud console, service, Settings,
   * "Network security information", "Service role ID (IAM)". Only this role may assume the role created here.
   * @see https://clickhouse.com/docs/integrations/clickpipes/aws-iam-db-auth
   */
  readonly clickhouseRoleArn?: pulumi.Input<string>;
  /**
   * The ClickHouse Cloud service and an API key for it, instead of `clickhouseRoleArn`: the
   * component reads the service's IAM role (`iamRole`) from the ClickHouse Cloud API, at preview
   * too, and checks it like a given `clickhouseRoleArn`. The Developer role (read-only) is enough.
   * Give this or `clickhouseRoleArn`.
   * @see https://clickhouse.com/docs/cloud/manage/openapi
   */
  readonly clickhouseService?: ClickHouseServiceArgs;
  /** Database engine of the target. A plain value: it decides which resources exist. */
  readonly engine: Engine;
  /** An existing RDS DB instance, looked up by identifier (one `getInstance` call). */
  readonly dbInstanceIdentifier?: pulumi.Input<string>;
  /** An existing Aurora DB cluster, looked up by identifier (one `getCluster` call). */
  readonly dbClusterIdentifier?: pulumi.Input<string>;
  /** An RDS instance managed in the same program; it must have `iamDatabaseAuthenticationEnabled: true`. */
  readonly instance?: aws.rds.Instance;
  /** An Aurora cluster managed in the same program; it must have `iamDatabaseAuthenticationEnabled: true`. */
  readonly cluster?: aws.rds.Cluster;
  /**
   * Name of the IAM-authenticated database user. Case-sensitive: the IAM token names it exactly.
   * @default "clickpipes_iam_user"
   */
  readonly dbUsername?: string;
  /**
   * Turn on "Password and IAM database authentication" (applied immediately; no reboot) on an
   * identifier target, and record this component on the database as relying on it (a tag
   * `clickpipes-rds-iam:iam-auth:<id>`). When false, the component only checks that it is on.
   * Managed targets are never modified.
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
   */
  readonly enableIamAuth?: boolean;
  /**
   * On destroy, turn IAM database authentication back off, but only when this component's record
   * on the database says it turned it on and no other consumer is recorded there. Off by default:
   * turning it off breaks every IAM login at once, leaving it on is harmless.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
   */
  readonly restoreIamAuthOnDelete?: boolean;
  /**
   * How long to wait for IAM database authentication to be applied (1 to 1440 minutes), including
   * a database busy with another operation.
   * @default 30
   */
  readonly iamAuthTimeoutMinutes?: number;
  /**
   * Accept that turning IAM auth on (or off) with `ApplyImmediately` also applies the changes
   * already pending for the maintenance window, such as an instance class or engine version
   * change (which may mean downtime). Without it, a database with such changes pending is refused
   * with the list of them.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html
   */
  readonly applyPendingModifications?: boolean;
  /**
   * Credentials for turning IAM auth on, with the meaning of the `aws` provider's `profile` and
   * `assumeRole` (`roleArn`, `externalId`, `sessionName`): dynamic providers do not see the `aws`
   * provider's. Before any change, their account must be the database's. Plain values.
   * @default the AWS SDK's default credential chain
   * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/#inputs
   */
  readonly awsCredentials?: AwsCredentialSettings;
  /**
   * Create the database user and its grants. Set false when the machine running Pulumi cannot
   * reach the database; then run the `setupSql` output by hand.
   * @default true
   */
  readonly createDbUser?: boolean;
  /**
   * Admin (master) user name for creating the database user, unless a `postgresql` or `mysql`
   * provider is passed in the resource options (`providers`). MariaDB always needs it.
   */
  readonly adminUsername?: pulumi.Input<string>;
  /** Admin password; kept secret everywhere. */
  readonly adminPassword?: pulumi.Input<string>;
  /**
   * PostgreSQL: the database ClickPipes reads.
   * @default "postgres"
   */
  readonly database?: pulumi.Input<string>;
  /**
   * PostgreSQL: schemas in `database` ClickPipes reads (USAGE, SELECT on all tables, and SELECT on future tables).
   * @default ["public"]
   */
  readonly schemas?: string[];
  /**
   * PostgreSQL: the role that creates tables in `schemas`; its future tables become readable
   * (`ALTER DEFAULT PRIVILEGES FOR ROLE`).
   * @default `adminUsername`
   */
  readonly tableOwner?: pulumi.Input<string>;
  /** MySQL/MariaDB: databases ClickPipes reads (SELECT on each). */
  readonly databases?: string[];
  /**
   * Set up for CDC as well as Initial Load Only: replication grants (`rds_replication`;
   * `REPLICATION CLIENT, REPLICATION SLAVE`), a publication (PostgreSQL), binlog retention
   * (MySQL/MariaDB), and a check of every setting ClickPipes requires before any grant is made.
   * Parameter-group values are yours to set: see `clickPipesParameters`.
   * @default false
   * @see https://clickhouse.com/docs/integrations/clickpipes/postgres/source/rds
   */
  readonly cdc?: boolean;
  /**
   * CDC: what an unmet requirement (a parameter-group value, binlog retention, a table without a
   * primary key in the publication, …) does: `"enforce"` refuses the deploy with one message
   * listing every requirement and its fix; `"warn"` logs each and deploys anyway.
   * @default "enforce"
   */
  readonly cdcChecks?: CdcCheckMode;
  /**
   * PostgreSQL CDC: the publication ClickPipes reads; always handed to the pipe
   * (`settings.publicationName`), since ClickPipes would otherwise try to create one as its own
   * user, which needs table ownership.
   * @default `${dbUsername}_publication`
   */
  readonly publicationName?: string;
  /**
   * PostgreSQL CDC: create the publication (and drop it on destroy). False to use an existing
   * publication named `publicationName`; it is checked to exist and to cover what ClickPipes reads.
   * @default true
   */
  readonly createPublication?: boolean;
  /**
   * PostgreSQL CDC: publish exactly these tables (`"schema.table"`, each in `schemas`),
   * `FOR TABLE`, which needs only ownership of the tables. Without it the publication covers the
   * `schemas` (`FOR TABLES IN SCHEMA`, PostgreSQL 15 and later).
   */
  readonly publicationTables?: string[];
  /**
   * PostgreSQL CDC: publish `FOR ALL TABLES`. Not advised by ClickHouse: a table without a
   * primary key or REPLICA IDENTITY FULL then refuses UPDATE and DELETE.
   * @default false
   */
  readonly publicationAllTables?: boolean;
  /**
   * MySQL/MariaDB CDC: how the pipe follows the binary log (`settings.replicationMechanism`).
   * `"GTID"` needs `gtid_mode` ON on MySQL; `"FILE_POS"` must be enabled for your ClickHouse organization.
   * @default "GTID"
   */
  readonly replicationMechanism?: ReplicationMechanism;
  /**
   * MySQL/MariaDB CDC on RDS and Aurora: the `binlog retention hours` to make sure of
   * (`mysql.rds_set_configuration`); raised when lower or NULL, never lowered, left in place on
   * destroy. 24 (ClickPipes' minimum) to 2160 (168 on RDS for MySQL and MariaDB).
   * @default 72
   */
  readonly binlogRetentionHours?: number;
  /**
   * Verify the database's TLS certificate on the admin connections this package opens itself
   * (the MariaDB user, the CDC readiness check, the PostgreSQL publication): it must chain to an
   * Amazon RDS certificate authority (or `tlsCa`) and name the endpoint. `false` still encrypts
   * but sends the admin password to whoever answers at the endpoint: use it only to get past a
   * region whose CA is not bundled, and prefer `tlsCa` there. The `@pulumi/postgresql` and
   * `@pulumi/mysql` providers the component creates cannot verify (see docs/security.md).
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsVerify?: boolean;
  /**
   * PEM of the certificate authority that signed the database's certificate, in place of the
   * bundled RDS authorities (regions the bundle lacks, such as GovCloud or China).
   */
  readonly tlsCa?: pulumi.Input<string>;
  /**
   * MariaDB: take over an existing `'dbUsername'@'%'` that already logs in with IAM: grant it what
   * it lacks and revoke only that on destroy (it is never dropped). Without it an existing user is
   * refused, since nothing on the server says who created it.
   * @default false
   */
  readonly adoptExistingUser?: boolean;
  /** Exact IAM role name. @default a name derived from the component name, with a random suffix */
  readonly roleName?: string;
  /** IAM role name prefix (at most 38 characters); conflicts with `roleName`. */
  readonly roleNamePrefix?: string;
  /** IAM path of the role. @default "/" */
  readonly rolePath?: string;
  /** ARN of a managed policy to use as the role's permissions boundary. */
  readonly permissionsBoundary?: string;
  /** Maximum session duration in seconds (3600 to 43200). @default 3600 */
  readonly maxSessionDuration?: number;
  /** Tags for the IAM role. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Gives ClickHouse ClickPipes IAM-role access to an RDS instance or Aurora cluster
 * (PostgreSQL, MySQL, MariaDB).
 */
export class ClickPipesRdsIamAccess extends pulumi.ComponentResource {
  /** ARN of the role ClickPipes assumes: {RDS_ACCESS_IAM_ROLE_ARN} in the ClickHouse guide. */
  declare readonly roleArn: pulumi.Output<string>;
  /** Name of that role. */
  declare readonly roleName: pulumi.Output<string>;
  /** `arn:<partition>:rds-db:<region>:<account>:dbuser:<resourceId>/<dbUsername>`. */
  declare readonly dbUserArn: pulumi.Output<string>;
  /** `db-…` for an RDS instance, `cluster-…` for an Aurora cluster. */
  declare readonly resourceId: pulumi.Output<string>;
  /** Endpoint ClickPipes connects to (Aurora: the cluster writer endpoint). */
  declare readonly host: pulumi.Output<string>;
  /** Port ClickPipes connects to. */
  declare readonly port: pulumi.Output<number>;
  /** The IAM-authenticated database user ClickPipes logs in as. */
  declare readonly dbUsername: pulumi.Output<string>;
  /** The fields of the ClickPipe source to create. */
  declare readonly clickPipeSource: pulumi.Output<ClickPipeSource>;
  /** ClickPipe modes this setup supports. */
  declare readonly pipeModes: pulumi.Output<PipeMode[]>;
  /** The SQL equivalent of the database user and grants (run it by hand when `createDbUser` is false). */
  declare readonly setupSql: pulumi.Output<string>;

  /** The IAM role ClickPipes assumes. */
  declare readonly role: aws.iam.Role;
  /** The role's inline `rds-db:connect` policy. */
  declare readonly rolePolicy: aws.iam.RolePolicy;
  // The children below are getters, not properties: they are not outputs of the component (the
  // plugin's schema lists only properties), and their classes depend on how it was registered.

  /**
   * The resource that turns on IAM auth (identifier targets), if any: an `IamAuthEnablement`, or
   * when the plugin constructed the component, its custom resource of the same kind.
   */
  get iamAuth(): ChildOf<IamAuthEnablement> | undefined {
    return childrenOf(this).iamAuth;
  }
  /** The database user resource, if `createDbUser`. */
  get dbUser(): pulumi.Resource | undefined {
    return childrenOf(this).dbUser;
  }
  /** CDC with `createDbUser` and admin credentials: the readiness check every grant waits on. */
  get readiness(): ChildOf<CdcReadiness> | undefined {
    return childrenOf(this).readiness;
  }
  /** PostgreSQL CDC with `createDbUser` and `createPublication`: the publication ClickPipes reads. */
  get publication(): pulumi.Resource | undefined {
    return childrenOf(this).publication;
  }

  constructor(name: string, args: ClickPipesRdsIamAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Plain arguments are checked before anything is registered.
    const a = normalizeArgs(args, opts);
    // No inputs are registered on the component: they would include the admin password.
    super(CLICKPIPES_RDS_IAM_ACCESS_TYPE, name, {}, opts);

    const target = this.checkedTarget(name, a, opts);
    // Everything that creates or reports something goes through the checked target: when a check
    // fails, no child is registered and every such output rejects with the check's message (a
    // child that is never registered would otherwise leave its own outputs pending forever).
    const clickhouseRoleArn = target.apply(() => pulumi.output(a.clickhouseRoleArn));
    const dbUserArn = target.apply((t) => buildDbUserArn(t.location, t.resourceId, a.dbUsername));

    const { role, policy } = createClickPipesRole(
      name,
      {
        clickhouseRoleArn,
        dbUserArn,
        roleName: a.role.roleName,
        roleNamePrefix: a.role.roleNamePrefix,
        rolePath: a.role.rolePath,
        permissionsBoundary: a.role.permissionsBoundary,
        maxSessionDuration: a.role.maxSessionDuration,
        tags: args.tags,
        description: `ClickHouse ClickPipes: rds-db:connect as ${a.engine} user ${a.dbUsername}`,
      },
      this,
    );

    for (const warning of argWarnings(a)) void pulumi.log.warn(warning, this);
    // The readiness check first: a database it refuses is not modified (it logs in with the
    // admin password, so it does not need IAM auth on).
    const readiness = this.cdcReadiness(name, a, target);
    const iamAuth = this.iamAuthEnablement(name, a, target, readiness);
    const waitFor = [...(iamAuth ? [iamAuth] : []), ...(readiness ? [readiness] : [])];
    const dbUser = a.createDbUser ? this.createDbUser(name, a, target, waitFor) : undefined;
    const publication = this.publicationResource(name, a, target, waitFor);

    const database = pulumi.output(a.database);
    const outputs = {
      roleArn: target.apply(() => role.arn),
      roleName: target.apply(() => role.name),
      dbUserArn,
      resourceId: target.resourceId,
      host: target.host,
      port: target.port,
      dbUsername: pulumi.output(a.dbUsername),
      clickPipeSource: pulumi.all([target, role.arn, database]).apply(([t, roleArn, db]) =>
        clickPipeSource({
          engine: a.engine,
          deployment: t.deployment,
          host: t.host,
          port: t.port,
          database: db,
          username: a.dbUsername,
          roleArn,
          cdc: a.cdc,
          publicationName: a.cdcOptions.publication?.name,
          replicationMechanism: a.cdcOptions.replicationMechanism,
        }),
      ),
      pipeModes: pulumi.output(pipeModes(a.cdc)),
      setupSql: this.setupSqlOutput(a),
    };
    Object.assign(this, outputs, { role, rolePolicy: policy });
    CHILDREN.set(this, { iamAuth, dbUser, readiness, publication });
    this.registerOutputs(outputs);
  }

  /**
   * How this component registers its children: the npm package's dynamic resources. The plugin
   * (provider/construct.ts) overrides it to register them as its own custom resources.
   * @internal
   */
  protected childResourceMode(): ChildResourceMode {
    return DYNAMIC_CHILDREN;
  }

  /** Runs a check, turning a `ValidationError` into a `pulumi.ResourceError` that names this component. */
  private check<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      // hideStack: a refusal is the whole message; the stack would only point into this file.
      if (e instanceof ValidationError) throw fixedMessage(new pulumi.ResourceError(e.message, this, true));
      throw e;
    }
  }

  /** The target after the checks that need the lookup (engine, Aurora member, IAM flag, version). */
  private checkedTarget(name: string, a: NormalizedArgs, opts: pulumi.ComponentResourceOptions): pulumi.Output<TargetInfo> {
    // Unsecret: a secret adminUsername would otherwise make every output derived from the target secret.
    const resolved = pulumi.unsecret(pulumi.output(resolvableArgs(a)));
    // With `enableIamAuth: false` nothing turns IAM auth on: read an instance's flag to check it.
    const readInstanceFlagAs = a.target.kind === "dbInstanceIdentifier" && !a.enableIamAuth ? `${name}-instance` : undefined;
    const options: TargetCheckOptions = {
      engine: a.engine,
      cdc: a.cdc,
      cdcChecks: a.cdcOptions.checks,
      publication: a.cdcOptions.publication,
      binlogRetentionHours: a.cdcOptions.binlogRetentionHours,
      enablesIamAuth: a.enablesIamAuth,
    };
    // A managed database's own settings are checked as soon as they are known, at preview too,
    // without waiting for the ARN and address AWS assigns at create.
    const preflight = preflightManagedTarget(a.target, options, (f) => this.check(f)) ?? pulumi.output(undefined);
    // PostgreSQL and MySQL users are checked for duplicates here (the MariaDB user resource does its own).
    const owner = a.createDbUser && a.engine !== "mariadb" ? parentUrnOf(opts) : pulumi.output(undefined);
    return pulumi.all([resolveTarget(a.target, this, { readInstanceFlagAs }), resolved, preflight, owner]).apply(([t, r, , parentUrn]) =>
      this.check(() => {
        const warnings = checkTarget(t, options);
        validateResolvedArgs(a, r, t.location.partition);
        if (parentUrn !== undefined) {
          try {
            claimDatabaseUser({ label: ENGINE_LABELS[a.engine], host: t.host, port: t.port, username: a.dbUsername, name, owner: `${parentUrn}::${name}` });
          } catch (e) {
            throw new ValidationError((e as Error).message);
          }
        }
        for (const warning of warnings) void pulumi.log.warn(warning, this);
        return t;
      }),
    );
  }

  /**
   * Identifier targets with `enableIamAuth`: the resource that turns IAM auth on. Without it,
   * checkTarget refuses a target whose flag is off (the cluster lookup reports it; an instance is
   * read with `aws.rds.Instance.get`, which modifies nothing).
   */
  private iamAuthEnablement(name: string, a: NormalizedArgs, target: pulumi.Output<TargetInfo>, readiness: pulumi.Resource | undefined): ChildOf<IamAuthEnablement> | undefined {
    if (!a.enablesIamAuth) return undefined;
    return registerChild(
      this.childResourceMode(),
      "iamAuthEnablement",
      `${name}-iam-auth`,
      {
        targetKind: a.target.kind === "dbClusterIdentifier" ? "cluster" : "instance",
        identifier: target.identifier,
        region: target.location.region,
        mode: "enable",
        restoreOnDelete: a.restoreIamAuthOnDelete,
        timeoutMinutes: a.iamAuthTimeoutMinutes,
        applyPendingModifications: a.applyPendingModifications,
        awsCredentials: a.awsCredentials,
        targetArn: target.arn,
      },
      { parent: this, dependsOn: readiness === undefined ? [] : [readiness] },
      iamAuthEnablementRegistration,
      IamAuthEnablement,
    );
  }

  /**
   * CDC with `createDbUser` and admin credentials: the readiness check, which connects as the
   * admin and refuses an unready source before any user or grant exists. Without credentials (a
   * provider passed in) it cannot connect: a warning says the check did not run.
   */
  private cdcReadiness(name: string, a: NormalizedArgs, target: pulumi.Output<TargetInfo>): ChildOf<CdcReadiness> | undefined {
    if (!a.cdc || !a.createDbUser) return undefined;
    if (a.adminUsername === undefined || a.adminPassword === undefined) {
      void pulumi.log.warn(
        "The CDC readiness check did not run: it needs `adminUsername` and `adminPassword` to read the database's settings; run `setupSql`'s checks by hand, or set them.",
        this,
      );
      return undefined;
    }
    const o = a.cdcOptions;
    const check: ReadinessRequest =
      a.engine === "postgres"
        ? { engine: "postgres", request: { cdc: true, schemas: [...a.schemas], publication: o.publication } }
        : { engine: a.engine, request: { cdc: true, replicationMechanism: o.replicationMechanism ?? "GTID", setsBinlogRetentionHours: o.binlogRetentionHours } };
    const readiness = registerChild(
      this.childResourceMode(),
      "cdcReadiness",
      `${name}-cdc-readiness`,
      {
        host: target.host,
        port: target.port,
        database: a.engine === "postgres" ? a.database : undefined,
        adminUsername: a.adminUsername,
        adminPassword: a.adminPassword,
        target: target.apply((t) => ({ deployment: t.deployment, parameterGroup: t.parameterGroup, kind: t.kind, identifier: t.identifier })),
        check,
        mode: o.checks,
        tlsVerify: a.tls.verify,
        tlsCa: a.tls.ca,
      },
      { parent: this },
      cdcReadinessRegistration,
      CdcReadiness,
    );
    readiness.warnings.apply((warnings) => {
      for (const w of warnings ?? []) void pulumi.log.warn(w, this);
    });
    return readiness;
  }

  /**
   * PostgreSQL CDC with `createDbUser` and `createPublication`: the publication, created after
   * the readiness check. With admin credentials over `pg` (any scope); with only a `postgresql`
   * provider through its `Publication` (tables or all tables: it cannot say FOR TABLES IN SCHEMA).
   */
  private publicationResource(name: string, a: NormalizedArgs, target: pulumi.Output<TargetInfo>, dependsOn: pulumi.Resource[]): pulumi.Resource | undefined {
    const p = a.cdcOptions.publication;
    if (a.engine !== "postgres" || !a.createDbUser || p === undefined || !p.create) return undefined;
    if (a.adminUsername !== undefined && a.adminPassword !== undefined) {
      return registerChild(
        this.childResourceMode(),
        "postgresPublication",
        `${name}-publication`,
        {
          host: target.host,
          port: target.port,
          database: a.database,
          adminUsername: a.adminUsername,
          adminPassword: a.adminPassword,
          name: p.name,
          scope: p.scope,
          tlsVerify: a.tls.verify,
          tlsCa: a.tls.ca,
          resourceId: target.resourceId,
        },
        { parent: this, dependsOn },
        postgresPublicationRegistration,
        PostgresPublication,
      );
    }
    const scope = p.scope;
    return new postgresql.Publication(
      `${name}-publication`,
      {
        name: p.name,
        database: a.database,
        ...(scope.kind === "allTables" ? { allTables: true } : {}),
        // The provider wants them as "schema.table", in alphabetical order.
        ...(scope.kind === "tables" ? { tables: scope.tables.map((t) => `${t.schema}.${t.table}`).sort() } : {}),
      },
      { parent: this, provider: a.postgresProvider, dependsOn },
    );
  }

  /** The IAM database user and its grants, through the engine's provider. */
  private createDbUser(name: string, a: NormalizedArgs, target: pulumi.Output<TargetInfo>, dependsOn: pulumi.Resource[]): pulumi.Resource {
    // Through the checked target (see the constructor): no user for a target that failed a check.
    const username = target.apply(() => a.dbUsername);
    switch (a.engine) {
      case "postgres": {
        const provider =
          a.postgresProvider ??
          new postgresql.Provider(
            `${name}-postgresql`,
            {
              host: target.host,
              port: target.port,
              username: a.adminUsername,
              password: a.adminPassword,
              database: a.database,
              sslmode: "require",
              // The RDS master is not a superuser (it cannot read pg_shadow).
              superuser: false,
            },
            { parent: this },
          );
        return createPostgresIamUser(
          name,
          {
            username,
            database: a.database,
            schemas: a.schemas,
            tableOwner: a.tableOwner,
            cdc: a.cdc,
            provider,
            dependsOn,
          },
          this,
        ).role;
      }
      case "mysql": {
        const provider =
          a.mysqlProvider ??
          new mysql.Provider(
            `${name}-mysql`,
            {
              endpoint: pulumi.interpolate`${target.host}:${target.port}`,
              username: a.adminUsername,
              password: a.adminPassword,
              // Encrypted; the RDS CA is not in the system trust store, so it is not verified.
              // Pass your own provider with tls "true" and the RDS CA installed to verify it.
              tls: "skip-verify",
            },
            { parent: this },
          );
        return createMySqlIamUser(name, { username, databases: a.databases, cdc: a.cdc, provider, dependsOn }, this).user;
      }
      case "mariadb":
        return registerChild(
          this.childResourceMode(),
          "mariaDbIamUser",
          `${name}-db-user`,
          {
            host: target.host,
            port: target.port,
            adminUsername: a.adminUsername as pulumi.Input<string>,
            adminPassword: a.adminPassword as pulumi.Input<string>,
            username: a.dbUsername,
            databases: target.apply(() => [...a.databases]),
            cdc: a.cdc,
            // The RDS resource ID: a renamed endpoint or new port is the same server, updated in place.
            resourceId: target.resourceId,
            adoptExistingUser: a.adoptExistingUser,
            tlsVerify: a.tls.verify,
            tlsCa: a.tls.ca,
          },
          { parent: this, dependsOn },
          mariaDbIamUserRegistration,
          MariaDbIamUser,
        );
      default: {
        const unreachable: never = a.engine;
        throw new Error(`Unknown engine ${String(unreachable)}.`);
      }
    }
  }

  private setupSqlOutput(a: NormalizedArgs): pulumi.Output<string> {
    switch (a.engine) {
      case "postgres":
        return pulumi.all([a.database, a.tableOwner]).apply(([database, tableOwner]) =>
          setupSql({
            engine: "postgres",
            username: a.dbUsername,
            database,
            schemas: a.schemas,
            tableOwner,
            cdc: a.cdc,
            publicationStatement: a.cdcOptions.publication?.create ? createPublicationStatement(a.cdcOptions.publication.name, a.cdcOptions.publication.scope, { publishViaPartitionRoot: true }) : undefined,
          }),
        );
      case "mysql":
      case "mariadb":
        return pulumi.output(setupSql({ engine: a.engine, username: a.dbUsername, databases: a.databases, cdc: a.cdc, binlogRetentionHours: a.cdcOptions.binlogRetentionHours }));
      default: {
        const unreachable: never = a.engine;
        throw new Error(`Unknown engine ${String(unreachable)}.`);
      }
    }
  }
}
