/**
 * Turns on IAM database authentication on an existing RDS instance or Aurora cluster (applied
 * immediately, no downtime), and on delete turns it back off only if this resource turned it on.
 *
 * A Pulumi dynamic resource: its provider object is serialized into the state, so it only
 * references functions of this module and of `iamAuthRds.ts` (the RDS calls), which load
 * `@aws-sdk/client-rds` lazily inside the functions.
 * It gets no settings from the `aws` provider: the region is an input (read from the target's
 * ARN) and credentials come from the AWS SDK v3 default chain.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_TIMEOUT_MINUTES,
  IamAuthResult,
  IamAuthTarget,
  IamAuthTargetKind,
  IamAuthTargetNotFoundError,
  TARGET_KINDS,
  describeIamAuth,
  ensureIamAuthEnabled,
  rdsClient,
  restoreIamAuth,
  shouldRestore,
  verifyIamAuth,
} from "./iamAuthRds";

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
  /** Always true: the setting this resource wants, so that a preview shows it. */
  enabledSetting: true;
}
/** The dynamic resource's state. */
export type IamAuthOutputs = IamAuthInputs & IamAuthResult;

/** @internal */
export const targetOf = (p: IamAuthInputs): IamAuthTarget => ({ kind: p.targetKind, identifier: p.identifier, region: p.region });

/**
 * @internal A different database (identifier compared case-insensitively, as RDS does) replaces
 * the resource; create-before-delete is safe because the old and new databases differ. A mode
 * change is an in-place update: a replace on the same database would let the old resource's
 * delete turn IAM auth off under the new one (or off then on with deleteBeforeReplace).
 */
export function diffIamAuth(olds: IamAuthOutputs, news: IamAuthInputs): pulumi.dynamic.DiffResult {
  const replaces = (["targetKind", "region", "identifier"] as const).filter((k) => String(olds[k]).toLowerCase() !== String(news[k]).toLowerCase());
  const updates = (["identifier", "mode", "restoreOnDelete", "timeoutMinutes"] as const).filter((k) => olds[k] !== news[k]);
  // A refresh that saw the flag off makes the next `up` re-run the mode's check (see `update`).
  const drifted = olds.iamDatabaseAuthenticationEnabled === false;
  return { changes: replaces.length > 0 || updates.length > 0 || drifted, replaces, deleteBeforeReplace: false };
}

/** @internal The dynamic provider: only references functions of this module and `iamAuthRds.ts` (see the module comment). */
export const iamAuthProvider: pulumi.dynamic.ResourceProvider<IamAuthInputs, IamAuthOutputs> = {
  async create(inputs) {
    const client = await rdsClient(inputs.region);
    const result =
      inputs.mode === "verify"
        ? await verifyIamAuth(client, targetOf(inputs))
        : await ensureIamAuthEnabled(client, targetOf(inputs), { timeoutMinutes: inputs.timeoutMinutes });
    return { id: `${inputs.region}/${inputs.targetKind}/${inputs.identifier}`, outs: { ...inputs, ...result } };
  },
  diff: async (_id, olds, news) => diffIamAuth(olds, news),
  async update(_id, olds, news) {
    const carried = { previouslyEnabled: olds.previouslyEnabled, changedByThis: olds.changedByThis, iamDatabaseAuthenticationEnabled: olds.iamDatabaseAuthenticationEnabled };
    if (olds.mode === news.mode && olds.iamDatabaseAuthenticationEnabled !== false) return { outs: { ...news, ...carried } };
    const client = await rdsClient(news.region);
    const result =
      news.mode === "verify"
        ? await verifyIamAuth(client, targetOf(news))
        : await ensureIamAuthEnabled(client, targetOf(news), { timeoutMinutes: news.timeoutMinutes });
    return { outs: { ...news, ...carried, changedByThis: olds.changedByThis || result.changedByThis, iamDatabaseAuthenticationEnabled: true } };
  },
  async read(id, props) {
    if (!props) return { id };
    try {
      const state = await describeIamAuth(await rdsClient(props.region), targetOf(props));
      return { id, props: { ...props, iamDatabaseAuthenticationEnabled: state.enabled } };
    } catch (err) {
      if (err instanceof IamAuthTargetNotFoundError) return { id: "" };
      throw err;
    }
  },
  async delete(_id, props) {
    if (!shouldRestore(props)) return;
    await restoreIamAuth(await rdsClient(props.region), targetOf(props), props, { timeoutMinutes: props.timeoutMinutes });
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
   * `enable`: turn IAM auth on (applied immediately, no downtime) if it is off. `verify`: never modify; fail if it is off.
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
   */
  readonly mode: IamAuthMode;
  /**
   * On delete, turn IAM auth back off, but only if this resource turned it on.
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
   */
  readonly restoreOnDelete?: pulumi.Input<boolean>;
  /**
   * Minutes to wait for the flag to show the wanted value and the status `available`.
   * @default 30
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html
   */
  readonly timeoutMinutes?: pulumi.Input<number>;
}

/**
 * Enables (or verifies) IAM database authentication on an existing RDS instance or Aurora cluster.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
 */
export class IamAuthEnablement extends pulumi.dynamic.Resource {
  /** The DBInstanceIdentifier or DBClusterIdentifier. */
  declare readonly identifier: pulumi.Output<string>;
  /** `instance` or `cluster`. */
  declare readonly targetKind: pulumi.Output<string>;
  /** Region of the database. */
  declare readonly region: pulumi.Output<string>;
  /** Whether IAM auth was already on before this resource was created. */
  declare readonly previouslyEnabled: pulumi.Output<boolean>;
  /** Whether this resource turned IAM auth on (and so may turn it off on delete). */
  declare readonly changedByThis: pulumi.Output<boolean>;
  /** The flag as last seen: true after create, refreshed by `pulumi refresh`. */
  declare readonly iamDatabaseAuthenticationEnabled: pulumi.Output<boolean>;

  constructor(name: string, args: IamAuthEnablementArgs, opts?: pulumi.CustomResourceOptions) {
    if (!TARGET_KINDS.includes(args.targetKind)) {
      throw new Error(`\`targetKind\` "${String(args.targetKind)}" is not supported; use ${TARGET_KINDS.map((k) => `"${k}"`).join(" or ")}.`);
    }
    if (!IAM_AUTH_MODES.includes(args.mode)) {
      throw new Error(`\`mode\` "${String(args.mode)}" is not supported; use ${IAM_AUTH_MODES.map((m) => `"${m}"`).join(" or ")}.`);
    }
    const props = {
      targetKind: args.targetKind,
      identifier: args.identifier,
      region: args.region,
      mode: args.mode,
      restoreOnDelete: pulumi.output(args.restoreOnDelete).apply((v) => v ?? true),
      timeoutMinutes: pulumi.output(args.timeoutMinutes).apply((v) => v ?? DEFAULT_TIMEOUT_MINUTES),
      enabledSetting: true,
      previouslyEnabled: undefined,
      changedByThis: undefined,
      iamDatabaseAuthenticationEnabled: undefined,
    };
    super(iamAuthProvider, name, props, opts);
  }
}
