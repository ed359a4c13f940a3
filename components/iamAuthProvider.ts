/**
 * The IAM-auth enabler's operations (create, read, update, delete, diff) as plain async functions
 * over plain inputs: `iamAuth.ts` is the Pulumi resource around them, and `providers.ts` serves them
 * to the Pulumi state. Loads no Pulumi module at run time; the AWS SDK is loaded inside the calls.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  IamAuthPartialError,
  IamAuthResult,
  IamAuthTarget,
  IamAuthTargetKind,
  IamAuthTargetNotFoundError,
  describeIamAuth,
  describeLabel,
  ensureIamAuthEnabled,
  rdsClient,
  restoreIamAuth,
  verifyIamAuth,
} from "./iamAuthRds";
import { CONSUMER_ALREADY_ON, CONSUMER_ENABLED, consumerTagKey, listTags } from "./aws/consumerTags";
import { AwsCredentialSettings, assertCallerAccount } from "./aws/credentials";
import { realClock } from "./aws/retry";

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
  await assertCallerAccount(p.awsCredentials, p.region, p.targetArn, describeLabel(targetOf(p)));
}

/** @internal Runs the mode's action; a create that changed something and then failed carries its partial state. */
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

/**
 * @internal The operations of the dynamic resource, served to the Pulumi state through the stable
 * entry `clickpipes-rds-iam/providers` (`providers.ts`).
 */
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
