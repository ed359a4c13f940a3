/**
 * Turns on IAM database authentication on an existing RDS instance or Aurora cluster (applied
 * immediately), records this consumer on the database (a tag), and on delete removes that record
 * and turns IAM auth off only when asked and when no other consumer is recorded.
 *
 * A Pulumi dynamic resource. Its operations are in `iamAuthProvider.ts` (the RDS calls in
 * `iamAuthRds.ts` and `aws/`); the provider Pulumi serializes into the state only names the stable
 * entry `clickpipes-rds-iam/providers` (see `dynamicProvider.ts`).
 * It gets no settings from the `aws` provider: the region is an input (read from the target's
 * ARN), and the credentials are the `awsCredentials` input or the AWS SDK v3 default chain.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TIMEOUT_MINUTES, IamAuthTargetKind, TARGET_KINDS } from "./iamAuthRds";
import type { AwsCredentialSettings } from "./aws/credentials";
import { IAM_AUTH_MODES, type IamAuthInputs, type IamAuthMode, type IamAuthOutputs } from "./iamAuthProvider";
import { stableProvider } from "./dynamicProvider";
import { checkedInput } from "./validation";
import { validateAwsCredentials, validateBoolean, validateChoice, validateName, validateTimeoutMinutes } from "./aws/iamAuthArgs";
import { enablerKey, firstEnablerFor } from "./aws/iamAuthRegistry";
import type { Registration } from "./pluginResources";

export { IAM_AUTH_MODES, IamAuthInputs, IamAuthMode, IamAuthOutputs, diffIamAuth, iamAuthProvider, targetOf } from "./iamAuthProvider";

/** The provider Pulumi serializes into the state: it names only `clickpipes-rds-iam/providers`. */
const provider = stableProvider<IamAuthInputs, IamAuthOutputs>("iamAuthEnablement");

/** Arguments of {@link IamAuthEnablement}. */
export interface IamAuthEnablementArgs {
  /**
   * `instance` uses ModifyDBInstance/DescribeDBInstances, `cluster` ModifyDBCluster/DescribeDBClusters.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
   */
  readonly targetKind: IamAuthTargetKind;
  /**
   * The DBInstanceIdentifier or DBClusterIdentifier.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
   */
  readonly identifier: pulumi.Input<string>;
  /**
   * Region of the database, read from its ARN (dynamic providers do not see the `aws` provider's region).
   * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-region.html
   */
  readonly region: pulumi.Input<string>;
  /**
   * `enable`: turn IAM auth on (applied immediately) if it is off, and record this resource on the
   * database as a consumer (a tag). `verify`: never modify; fail if it is off.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
   */
  readonly mode: IamAuthMode;
  /**
   * On delete, turn IAM auth back off, but only if this resource's record says it turned it on
   * and no other consumer is recorded on the database. Turning it off breaks every IAM login at once.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
   */
  readonly restoreOnDelete?: pulumi.Input<boolean>;
  /**
   * Minutes to wait for the database to accept the change and show the wanted flag with the status
   * `available` (1 to 1440).
   * @default 30
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html
   */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /**
   * Accept that the Modify (`ApplyImmediately`) also applies the changes already pending for the
   * maintenance window (an instance class or engine version change, which may mean downtime).
   * Without it such a database is refused, with the list of what is pending.
   * @default false
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html
   */
  readonly applyPendingModifications?: pulumi.Input<boolean>;
  /**
   * Credentials for the RDS calls, with the meaning of the `aws` provider's `profile` and
   * `assumeRole`; plain values. Without it, the AWS SDK's default chain.
   * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/#inputs
   */
  readonly awsCredentials?: AwsCredentialSettings;
  /**
   * The database's ARN as your `aws` provider sees it (`getInstance().dbInstanceArn`,
   * `getCluster().arn`): before any change, the credentials' account (STS `GetCallerIdentity`)
   * must be its account. Without it the account is not checked.
   * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
   */
  readonly targetArn?: pulumi.Input<string>;
}

/** @internal An Input checked now when plain, or once it resolves (then the resource using it is not registered). */
export function checked<T>(value: pulumi.Input<T> | undefined, fallback: T | undefined, check: (v: unknown) => void): pulumi.Input<T> {
  return checkedInput(value ?? undefined, fallback, check);
}

/**
 * The value of an Output as a plain promise (undefined while unknown at preview), carrying none of
 * the Output's resources. Uses `promise()`, which every Pulumi Output has but the typings omit.
 */
function resolvedValue<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  return (o as unknown as { promise(): Promise<T | undefined> }).promise();
}

/** The Pulumi organization, where the runtime knows it (test mocks may not). */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "";
  }
}

/** @internal The consumer ID of an enabler: a hash of its identity, so a re-run of an interrupted create finds its own record. */
export function consumerIdOf(parentUrn: string | undefined, name: string): string {
  const identity = [organization(), pulumi.getProject(), pulumi.getStack(), parentUrn ?? "", name].join("\n");
  return createHash("sha256").update(identity).digest("hex").slice(0, 32);
}

/**
 * @internal What {@link IamAuthEnablement} registers (also the plugin's custom resource of the
 * same kind, see pluginResources.ts): the checked, defaulted inputs, and the options that make a
 * second enabler of the same database wait for the first.
 */
export function iamAuthEnablementRegistration(name: string, args: IamAuthEnablementArgs, opts: pulumi.CustomResourceOptions = {}): Registration {
  validateChoice("targetKind", args.targetKind, TARGET_KINDS);
  validateChoice("mode", args.mode, IAM_AUTH_MODES);
  if (args.awsCredentials !== undefined) validateAwsCredentials("awsCredentials", args.awsCredentials);
  const identifier = checked<string>(args.identifier, undefined, (v) => validateName("identifier", v, "orders-db"));
  const region = checked<string>(args.region, undefined, (v) => validateName("region", v, "eu-west-1"));
  // Registered once the database is known: a later enabler for it waits for the first. A
  // promise, not an Output: an Output in `dependsOn` adds the resources its value came from
  // (here the parent component, whose children include this resource: a cycle).
  const registered: { self?: pulumi.Resource } = {};
  const first = resolvedValue(pulumi.all([region, identifier])).then((known): pulumi.Resource[] => {
    if (known === undefined) return []; // unknown at preview: nothing is created then
    const earlier = firstEnablerFor(enablerKey(known[0], args.targetKind, known[1]), { name, resource: registered.self as pulumi.Resource });
    return earlier === undefined ? [] : [earlier.resource];
  });
  const props = {
    targetKind: args.targetKind,
    identifier,
    region,
    mode: args.mode,
    restoreOnDelete: checked(args.restoreOnDelete, false, (v) => validateBoolean("restoreOnDelete", v)),
    timeoutMinutes: checked(args.timeoutMinutes, DEFAULT_TIMEOUT_MINUTES, (v) => validateTimeoutMinutes("timeoutMinutes", v)),
    applyPendingModifications: checked(args.applyPendingModifications, false, (v) => validateBoolean("applyPendingModifications", v)),
    awsCredentials: args.awsCredentials,
    targetArn: args.targetArn,
    // From a promise: depending on the parent's URN Output would make this resource depend on its parent.
    consumerId: pulumi.output((opts.parent === undefined ? Promise.resolve(undefined) : resolvedValue(opts.parent.urn)).then((parentUrn) => consumerIdOf(parentUrn, name))),
    enabledSetting: true,
    previouslyEnabled: undefined,
    changedByThis: undefined,
    iamDatabaseAuthenticationEnabled: undefined,
  };
  // The engine flattens nested lists and promises of resources in `dependsOn`.
  const dependsOn = [...(opts.dependsOn === undefined ? [] : [opts.dependsOn]), first] as unknown as pulumi.Input<pulumi.Resource>[];
  return { props, opts: { ...opts, dependsOn }, registered: (self) => void (registered.self = self) };
}

/**
 * Enables (or verifies) IAM database authentication on an existing RDS instance or Aurora cluster.
 * A second enabler for the same database in the same program waits for the first and then only
 * records itself as another consumer.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
 */
export class IamAuthEnablement extends pulumi.dynamic.Resource {
  /** The DBInstanceIdentifier or DBClusterIdentifier. */
  declare readonly identifier: pulumi.Output<string>;
  /** `instance` or `cluster`. */
  declare readonly targetKind: pulumi.Output<string>;
  /** Region of the database. */
  declare readonly region: pulumi.Output<string>;
  /** This resource's consumer ID: its tag on the database is `clickpipes-rds-iam:iam-auth:<consumerId>`. */
  declare readonly consumerId: pulumi.Output<string>;
  /** Whether IAM auth was already on before this resource was created. */
  declare readonly previouslyEnabled: pulumi.Output<boolean>;
  /** Whether this resource turned IAM auth on (its record on the database says `enabled`). */
  declare readonly changedByThis: pulumi.Output<boolean>;
  /** The flag as last seen: true after create, refreshed by `pulumi refresh`. */
  declare readonly iamDatabaseAuthenticationEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: IamAuthEnablementArgs, opts: pulumi.CustomResourceOptions = {}) {
    const r = iamAuthEnablementRegistration(name, args, opts);
    super(provider, name, r.props, r.opts);
    r.registered?.(this);
  }
}
