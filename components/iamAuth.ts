/**
 * Turns on IAM database authentication on an existing RDS instance or Aurora cluster (applied
 * immediately), records this consumer on the database (a tag), and on delete removes that record
 * and turns IAM auth off only when asked and when no other consumer is recorded.
 *
 * A Pulumi dynamic resource: its provider object is serialized into the state, so it only
 * references functions of this module, of `iamAuthRds.ts` (the RDS calls) and of `aws/`, which
 * load the AWS SDK lazily inside the functions.
 * It gets no settings from the `aws` provider: the region is an input (read from the target's
 * ARN), and the credentials are the `awsCredentials` input or the AWS SDK v3 default chain.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_TIMEOUT_MINUTES,
  IamAuthPartialError,
  IamAuthResult,
  IamAuthTarget,
  IamAuthTargetKind,
  IamAuthTargetNotFoundError,
  TARGET_KINDS,
  describeIamAuth,
  ensureIamAuthEnabled,
  rdsClient,
  restoreIamAuth,
  verifyIamAuth,
} from "./iamAuthRds";
import { CONSUMER_ALREADY_ON, CONSUMER_ENABLED, consumerTagKey, listTags } from "./aws/consumerTags";
import { AwsCredentialSettings, assertCallerAccount } from "./aws/credentials";
import { realClock } from "./aws/retry";
import { validateAwsCredentials, validateBoolean, validateChoice, validateName, validateTimeoutMinutes } from "./aws/iamAuthArgs";
import { enablerKey, firstEnablerFor } from "./aws/iamAuthRegistry";

/** `enable` turns IAM auth on when it is off; `verify` never modifies and fails when it is off. */
export const IAM_AUTH_MODES = ["enable", "verify"] as const;
export type IamAuthMode = (typeof IAM_AUTH_MODES)[number];

/** The dynamic resource's inputs, as the provider sees them. */
export interface IamAuthInputs {
  targetKind: IamAuthTargetKind;
  identifier: string;
  region: string;
  mode: IamAuthMode;
  restoreOnDelete: boolean;
  timeoutMinutes: number;
  applyPendingModifications: boolean;
  /** Absent: the AWS SDK's default credential chain. */
  awsCredentials?: AwsCredentialSettings;
  /** The database's ARN as the program's `aws` provider sees it: the account the credentials must be for. */
  targetArn?: string;
  /**
   * This resource's consumer ID on the database (its tag key's last part), derived from its
   * identity (organization, project, stack, parent, name): stable across an interrupted create
   * and its re-run. Absent in state written before consumer tags (then it is recorded by the next `up`).
   */
  consumerId?: string;
  /** Always true: the setting this resource wants, so that a preview shows it. */
  enabledSetting: true;
}
/** The dynamic resource's state. */
export type IamAuthOutputs = IamAuthInputs & IamAuthResult;

/** @internal */
export const targetOf = (p: IamAuthInputs): IamAuthTarget => ({ kind: p.targetKind, identifier: p.identifier, region: p.region });
const labelOf = (p: IamAuthInputs): string => `DB ${p.targetKind} "${p.identifier}"`;

/**
 * @internal A different database (identifier compared case-insensitively, as RDS does) replaces
 * the resource; create-before-delete is safe because the old and new databases differ. Any
 * other change is an in-place update: a replace on the same database would let the old resource's
 * delete remove its record (or turn IAM auth off) under the new one.
 */
export function diffIamAuth(olds: IamAuthOutputs, news: IamAuthInputs): pulumi.dynamic.DiffResult {
  const replaces = (["targetKind", "region", "identifier"] as const).filter((k) => String(olds[k]).toLowerCase() !== String(news[k]).toLowerCase());
  const updates = (["identifier", "mode", "restoreOnDelete", "timeoutMinutes", "applyPendingModifications", "targetArn"] as const).filter((k) => olds[k] !== news[k]);
  const credentialsChanged = JSON.stringify(olds.awsCredentials ?? null) !== JSON.stringify(news.awsCredentials ?? null);
  // A refresh (or an interrupted create) that left the flag unconfirmed makes the next `up` re-run the mode's check.
  const drifted = olds.iamDatabaseAuthenticationEnabled !== true;
  // State from before consumer tags: the next `up` records this consumer on the database.
  const unrecorded = olds.consumerId === undefined && news.mode === "enable";
  return { changes: replaces.length > 0 || updates.length > 0 || credentialsChanged || drifted || unrecorded, replaces, deleteBeforeReplace: false };
}

/** @internal Refuses credentials of another account than the target's, before any change. */
async function checkAccount(p: IamAuthInputs): Promise<void> {
  await assertCallerAccount(p.awsCredentials, p.region, p.targetArn, labelOf(p));
}

/**
 * @internal Runs the mode's action; a create that changed something and then failed carries its
 * partial state. (Not named `run`: a global of the same name, as mocha defines, would keep the
 * closure serializer from capturing it.)
 */
async function runMode(p: IamAuthInputs, id: string, claimed: boolean): Promise<IamAuthResult> {
  if (p.mode === "enable") await checkAccount(p);
  const client = await rdsClient(p.region, p.awsCredentials);
  if (p.mode === "verify") return verifyIamAuth(client, targetOf(p));
  try {
    return await ensureIamAuthEnabled(client, targetOf(p), {
      timeoutMinutes: p.timeoutMinutes,
      applyPendingModifications: p.applyPendingModifications,
      consumerKey: p.consumerId === undefined ? undefined : consumerTagKey(p.consumerId),
      claimed,
    });
  } catch (err) {
    // The dynamic-provider host records an error's `id` and `properties` as the resource's state
    // (an initialization failure): the next `up` updates it, `destroy` deletes it.
    if (err instanceof IamAuthPartialError) throw Object.assign(new Error(err.message), { id, properties: { ...p, ...err.partial } });
    throw err;
  }
}

/** @internal The dynamic provider: only references functions of this module, `iamAuthRds.ts` and `aws/` (see the module comment). */
export const iamAuthProvider: pulumi.dynamic.ResourceProvider<IamAuthInputs, IamAuthOutputs> = {
  async create(inputs) {
    const id = `${inputs.region}/${inputs.targetKind}/${inputs.identifier}`;
    return { id, outs: { ...inputs, ...(await runMode(inputs, id, false)) } };
  },
  diff: async (_id, olds, news) => diffIamAuth(olds, news),
  async update(id, olds, news) {
    // The consumer ID of the record on the database never changes (a rename keeps the record).
    const next = { ...news, consumerId: olds.consumerId ?? news.consumerId };
    const carried = { previouslyEnabled: olds.previouslyEnabled, changedByThis: olds.changedByThis, iamDatabaseAuthenticationEnabled: olds.iamDatabaseAuthenticationEnabled };
    const unrecorded = olds.consumerId === undefined && news.mode === "enable";
    if (olds.mode === news.mode && olds.iamDatabaseAuthenticationEnabled === true && !unrecorded) return { outs: { ...next, ...carried } };
    const result = await runMode(next, id, olds.changedByThis === true);
    return { outs: { ...next, ...carried, changedByThis: olds.changedByThis === true || result.changedByThis, iamDatabaseAuthenticationEnabled: true } };
  },
  async read(id, props) {
    if (!props) return { id };
    const client = await rdsClient(props.region, props.awsCredentials);
    try {
      const state = await describeIamAuth(client, targetOf(props));
      // The record on the database is what delete goes by: show it.
      const own = props.consumerId === undefined ? undefined : (await listTags(client, state.arn, realClock))[consumerTagKey(props.consumerId)];
      const changedByThis = own === CONSUMER_ENABLED ? true : own === CONSUMER_ALREADY_ON ? false : props.changedByThis;
      return { id, props: { ...props, changedByThis, iamDatabaseAuthenticationEnabled: state.enabled } };
    } catch (err) {
      if (!(err instanceof IamAuthTargetNotFoundError)) throw err;
      // Credentials for another account would make any database look gone.
      await checkAccount(props);
      return { id: "" };
    }
  },
  async delete(_id, props) {
    if (props.consumerId === undefined) return;
    await checkAccount(props);
    await restoreIamAuth(await rdsClient(props.region, props.awsCredentials), targetOf(props), {
      consumerKey: consumerTagKey(props.consumerId),
      restoreOnDelete: props.restoreOnDelete === true,
      applyPendingModifications: props.applyPendingModifications === true,
      timeoutMinutes: props.timeoutMinutes,
    });
  },
};

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
  if (value === undefined || value === null) {
    // A required input (no fallback) that is missing is refused by its check.
    if (fallback === undefined) check(value);
    return fallback as T;
  }
  if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
    check(value);
    return value;
  }
  return pulumi.output(value).apply((v) => {
    const resolved = (v ?? fallback) as T;
    check(resolved);
    return resolved;
  });
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
    super(iamAuthProvider, name, props, { ...opts, dependsOn });
    registered.self = this;
  }
}
