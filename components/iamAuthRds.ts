/**
 * The RDS side of IAM database authentication: reads, sets and waits for the flag of an instance
 * or Aurora cluster, keeping the consumer record (`aws/consumerTags.ts`) on the database itself.
 * Loads `@aws-sdk/client-rds` lazily, inside the calls: the providers entry loads no SDK it does not use.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import type { RDSClient } from "@aws-sdk/client-rds";
import {
  BUSY_CODES,
  Clock,
  Deadline,
  NOT_FOUND_CODES,
  UNSUPPORTED_CODES,
  backoffMs,
  deadlineIn,
  errorCodes,
  errorMessage,
  hasCode,
  minutesText,
  realClock,
  withThrottlingRetries,
} from "./aws/retry";
import { CONSUMER_ALREADY_ON, CONSUMER_ENABLED, ConsumerRecord, listTags, otherConsumers, putConsumerTag, removeConsumerTag, shouldRestore } from "./aws/consumerTags";
import { PendingValues, otherPendingChanges, pendingChangesMessage } from "./aws/pendingModifications";
import { AwsCredentialSettings, credentialProvider } from "./aws/credentials";

export { Clock, Deadline, realClock };
export { RETRY_BASE_DELAY_MS, RETRY_MAX_DELAY_MS, RETRY_MAX_ATTEMPTS, THROTTLING_CODES, BUSY_CODES, NOT_FOUND_CODES, UNSUPPORTED_CODES, backoffMs, errorCodes } from "./aws/retry";

/** Target kinds: an RDS DB instance or a DB (Aurora) cluster. */
export const TARGET_KINDS = ["instance", "cluster"] as const;
export type IamAuthTargetKind = (typeof TARGET_KINDS)[number];

/** How long to wait for the flag to show the wanted value with the status `available`. */
export const DEFAULT_TIMEOUT_MINUTES = 30;
/** Delays between Describe polls: short at first, then the last value repeats (every 15 s). */
export const POLL_INTERVALS_MS: readonly number[] = [5_000, 10_000, 15_000];
/** Statuses in which a flag that already reads true may not be in effect yet: wait for `available`. */
export const APPLYING_STATUSES: readonly string[] = ["modifying", "configuring-iam-database-auth"];

/** The database whose flag is read or changed. */
export interface IamAuthTarget {
  kind: IamAuthTargetKind;
  identifier: string;
  region: string;
}

/** What a Describe call shows. */
export interface IamAuthState {
  status: string;
  enabled: boolean;
  engine: string;
  engineVersion: string;
  /** The instance or cluster ARN (where the consumer tags are). */
  arn: string;
  /** `PendingModifiedValues`: what waits for the maintenance window (or is being applied). */
  pending?: PendingValues;
  /** Set on an Aurora member instance. */
  clusterIdentifier?: string;
}

/** Options of the waiting calls. */
export interface WaitOptions {
  /** @default DEFAULT_TIMEOUT_MINUTES */
  timeoutMinutes?: number;
  /** @default real time */
  clock?: Clock;
}

/** Options of {@link ensureIamAuthEnabled}. */
export interface EnableOptions extends WaitOptions {
  /** This consumer's tag key; without it nothing is recorded on the database. */
  consumerKey?: string;
  /** Pulumi state already says this consumer turned IAM auth on (an earlier, interrupted run). */
  claimed?: boolean;
  /** Accept that the Modify applies other pending changes now. @default false */
  applyPendingModifications?: boolean;
}

/** Options of {@link restoreIamAuth}. */
export interface RestoreOptions extends WaitOptions {
  /** This consumer's tag key; without it there is no record, and IAM auth is never turned off. */
  consumerKey?: string;
  /** Turn IAM auth off if the record allows it. */
  restoreOnDelete: boolean;
  /** Accept that the Modify applies other pending changes now. @default false */
  applyPendingModifications?: boolean;
}

/** The outcome of create: what the resource found and whether it changed the database. */
export interface IamAuthResult {
  previouslyEnabled: boolean;
  changedByThis: boolean;
  iamDatabaseAuthenticationEnabled: boolean;
}

/** Thrown when the target does not exist, so that delete and refresh can tell it apart. */
export class IamAuthTargetNotFoundError extends Error {}
/** Thrown when the target disappears while the enabler waits for it. */
export class IamAuthTargetGoneError extends Error {}
/** A refusal made before anything was sent: nothing changed on the database. */
export class IamAuthRefusal extends Error {}
/**
 * Thrown when a create fails after it changed the database (a tag, a Modify): `partial` is what
 * Pulumi should record, so that the next `up` finishes the job and `destroy` undoes it.
 */
export class IamAuthPartialError extends Error {
  constructor(
    message: string,
    readonly partial: IamAuthResult,
  ) {
    super(message);
  }
}

/** @internal How messages name the target: `DB instance "mydb"`. */
export const describeLabel = (t: IamAuthTarget): string => `DB ${t.kind} "${t.identifier}"`;
const identifierArg = (t: IamAuthTarget): string => (t.kind === "cluster" ? "dbClusterIdentifier" : "dbInstanceIdentifier");
/** RDS rejected the request itself (a modeled or wire error), so it changed nothing. */
const rejectedByRds = (err: unknown): boolean => typeof err === "object" && err !== null && typeof (err as { $fault?: unknown }).$fault === "string";
const pendingIam = (s: IamAuthState): boolean | undefined => {
  const v = s.pending?.IAMDatabaseAuthenticationEnabled;
  return typeof v === "boolean" ? v : undefined;
};

/** @internal */
export function notFoundMessage(t: IamAuthTarget): string {
  return `${describeLabel(t)} was not found in region "${t.region}"; check \`${identifierArg(t)}\` and that your AWS credentials are for the account that owns it.`;
}

/** @internal The message for a target that disappears after it was found. */
export function goneMessage(t: IamAuthTarget, enabled: boolean): string {
  return `${describeLabel(t)} was deleted, or is no longer found in region "${t.region}", while waiting for IAM database authentication to turn ${enabled ? "on" : "off"}; if it was replaced, point \`${identifierArg(t)}\` at the new database and run \`pulumi up\` again.`;
}

/**
 * Reads the IAM auth flag, status, ARN and pending changes of the target (retrying throttling).
 * @throws IamAuthTargetNotFoundError when the target does not exist.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
 */
export async function describeIamAuth(client: RDSClient, target: IamAuthTarget, clock: Clock = realClock): Promise<IamAuthState> {
  const sdk = await import("@aws-sdk/client-rds");
  const what = `\`Describe\` of ${describeLabel(target)}`;
  try {
    if (target.kind === "cluster") {
      const out = await withThrottlingRetries(() => client.send(new sdk.DescribeDBClustersCommand({ DBClusterIdentifier: target.identifier })), what, clock);
      const c = out.DBClusters?.[0];
      if (c) {
        const state: IamAuthState = { status: c.Status ?? "", enabled: c.IAMDatabaseAuthenticationEnabled === true, engine: c.Engine ?? "", engineVersion: c.EngineVersion ?? "", arn: c.DBClusterArn ?? "" };
        return c.PendingModifiedValues ? { ...state, pending: c.PendingModifiedValues as PendingValues } : state;
      }
    } else {
      const out = await withThrottlingRetries(() => client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: target.identifier })), what, clock);
      const i = out.DBInstances?.[0];
      if (i) {
        const state: IamAuthState = { status: i.DBInstanceStatus ?? "", enabled: i.IAMDatabaseAuthenticationEnabled === true, engine: i.Engine ?? "", engineVersion: i.EngineVersion ?? "", arn: i.DBInstanceArn ?? "" };
        return { ...state, ...(i.PendingModifiedValues ? { pending: i.PendingModifiedValues as PendingValues } : {}), ...(i.DBClusterIdentifier ? { clusterIdentifier: i.DBClusterIdentifier } : {}) };
      }
    }
  } catch (err) {
    if (hasCode(err, NOT_FOUND_CODES)) throw new IamAuthTargetNotFoundError(notFoundMessage(target));
    throw err;
  }
  throw new IamAuthTargetNotFoundError(notFoundMessage(target));
}

/** Describe during a wait: a target that is gone now was deleted after it was found. */
async function describeAgain(client: RDSClient, target: IamAuthTarget, enabled: boolean, clock: Clock): Promise<IamAuthState> {
  try {
    return await describeIamAuth(client, target, clock);
  } catch (err) {
    if (err instanceof IamAuthTargetNotFoundError) throw new IamAuthTargetGoneError(goneMessage(target, enabled));
    throw err;
  }
}

/** @internal Refuses a Modify that would apply other pending changes, unless accepted. */
export function refuseOtherPending(target: IamAuthTarget, state: IamAuthState, enabled: boolean, accepted: boolean): void {
  const others = otherPendingChanges(state.pending);
  if (others.length > 0 && !accepted) throw new IamAuthRefusal(pendingChangesMessage(describeLabel(target), enabled ? "on" : "off", others));
}

/**
 * Sends ModifyDBInstance/ModifyDBCluster with `EnableIAMDatabaseAuthentication` and
 * `ApplyImmediately: true` once (retrying throttling). A busy database is left to the caller.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html
 */
export async function modifyIamAuth(client: RDSClient, target: IamAuthTarget, enabled: boolean, seen: IamAuthState, clock: Clock = realClock): Promise<void> {
  const sdk = await import("@aws-sdk/client-rds");
  const common = { EnableIAMDatabaseAuthentication: enabled, ApplyImmediately: true };
  const what = `\`Modify\` of ${describeLabel(target)}`;
  try {
    await withThrottlingRetries(
      () =>
        target.kind === "cluster"
          ? client.send(new sdk.ModifyDBClusterCommand({ DBClusterIdentifier: target.identifier, ...common }))
          : client.send(new sdk.ModifyDBInstanceCommand({ DBInstanceIdentifier: target.identifier, ...common })),
      what,
      clock,
    );
  } catch (err) {
    if (hasCode(err, NOT_FOUND_CODES)) throw new IamAuthTargetGoneError(goneMessage(target, enabled));
    // Only when RDS's message is about IAM: these codes also cover unrelated bad parameters.
    if (hasCode(err, UNSUPPORTED_CODES) && /\bIAM\b/i.test(errorMessage(err))) {
      throw new IamAuthRefusal(
        `IAM database authentication is not supported for the engine or version of ${describeLabel(target)} (\`${seen.engine}\` "${seen.engineVersion}", RDS said "${errorMessage(err)}"); use an engine version that supports it or set up access without IAM.`,
      );
    }
    throw err;
  }
}

/** How {@link modifyWhenAvailable} ended: our Modify was accepted, or someone else's change made it unnecessary. */
export type ModifyOutcome = "sent" | "taken";

/**
 * Sends the Modify; while the database is busy, waits (backoff up to 30 s, until the deadline)
 * and describes it again: stops with "taken" when `taken` says someone else's change already
 * does the job, and refuses other pending changes that appeared meanwhile.
 */
async function modifyWhenAvailable(
  client: RDSClient,
  target: IamAuthTarget,
  enabled: boolean,
  seen: IamAuthState,
  o: { clock: Clock; deadline: Deadline; applyPendingModifications: boolean },
  taken: (s: IamAuthState) => boolean,
): Promise<ModifyOutcome> {
  let state = seen;
  for (let attempt = 1; ; attempt++) {
    try {
      await modifyIamAuth(client, target, enabled, state, o.clock);
      return "sent";
    } catch (err) {
      if (!hasCode(err, BUSY_CODES)) throw err;
      if (o.clock.now() >= o.deadline.at) {
        throw new IamAuthRefusal(
          `\`Modify\` of ${describeLabel(target)} still failed with \`${errorCodes(err)[0]}\` ("${errorMessage(err)}") after ${minutesText(o.deadline.minutes)}, while the database was \`${state.status}\`; wait until it is \`available\` and run the Pulumi command again.`,
        );
      }
      await o.clock.sleep(backoffMs(attempt));
      state = await describeAgain(client, target, enabled, o.clock);
      if (taken(state)) return "taken";
      refuseOtherPending(target, state, enabled, o.applyPendingModifications);
    }
  }
}

/** Polls Describe until the flag equals `enabled` and the status is `available` (the stock waiter checks status only). */
export async function waitForIamAuth(client: RDSClient, target: IamAuthTarget, enabled: boolean, opts: WaitOptions & { deadline?: Deadline } = {}): Promise<IamAuthState> {
  const clock = opts.clock ?? realClock;
  const deadline = opts.deadline ?? deadlineIn(opts.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES, clock);
  for (let poll = 0; ; poll++) {
    const state = await describeAgain(client, target, enabled, clock);
    if (state.enabled === enabled && state.status === "available") return state;
    if (clock.now() >= deadline.at) {
      throw new Error(
        `Timed out after ${minutesText(deadline.minutes)} waiting for IAM database authentication to turn ${enabled ? "on" : "off"} for ${describeLabel(target)}, which is still \`${state.status}\` with the flag \`${state.enabled}\`; the modification may still complete, so check the RDS console and re-run ${enabled ? "`pulumi up`" : "the Pulumi command"}.`,
      );
    }
    await clock.sleep(POLL_INTERVALS_MS[Math.min(poll, POLL_INTERVALS_MS.length - 1)]);
  }
}

/** @internal The refusal of an Aurora member instance (shared with `target.ts`'s lookup check). */
export function auroraMemberMessage(identifier: string, cluster: string): string {
  return `\`dbInstanceIdentifier\` "${identifier}" is an instance of Aurora cluster "${cluster}"; IAM auth and the resource ID belong to the cluster, so set \`dbClusterIdentifier\` to "${cluster}" instead.`;
}

/** How to turn IAM auth on for a database this component may modify (an identifier target). */
const TURN_IAM_AUTH_ON = 'set `enableIamAuth: true` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately)';

/** @internal The refusal of a target with IAM auth off; `how` is the fix (by default, for an identifier target). */
export function iamAuthOffMessage(kind: string, identifier: string, how: string = TURN_IAM_AUTH_ON): string {
  return `IAM database authentication is off on ${kind} "${identifier}"; ${how}.`;
}

/** @internal IAM auth on Aurora is a cluster setting: refuse a member instance. */
export function refuseAuroraMember(target: IamAuthTarget, state: IamAuthState): void {
  if (state.clusterIdentifier !== undefined) throw new IamAuthRefusal(auroraMemberMessage(target.identifier, state.clusterIdentifier));
}

/**
 * Turns IAM auth on (apply immediately) when it is off, and waits until it shows on and
 * `available`; with a consumer key, records this consumer on the database first. Only a Modify
 * that actually turns the flag on counts as this consumer's change: not a flag already on, not
 * an enable someone else left pending, not one a concurrent run sent first. Other pending
 * changes are refused unless `applyPendingModifications`.
 * @throws IamAuthPartialError when it fails after changing the database.
 */
export async function ensureIamAuthEnabled(client: RDSClient, target: IamAuthTarget, opts: EnableOptions = {}): Promise<IamAuthResult> {
  const clock = opts.clock ?? realClock;
  const deadline = deadlineIn(opts.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES, clock);
  const accepted = opts.applyPendingModifications === true;
  const state = await describeIamAuth(client, target, clock);
  refuseAuroraMember(target, state);
  const key = opts.consumerKey;
  let recorded = key === undefined ? undefined : (await listTags(client, state.arn, clock))[key];
  // An earlier run of this same resource that was interrupted after recording itself.
  const ours = opts.claimed === true || recorded === CONSUMER_ENABLED;
  let changed = ours;
  let wrote = false;
  let sent = false;
  const record = async (value: ConsumerRecord): Promise<void> => {
    if (key === undefined || recorded === value) return;
    await putConsumerTag(client, state.arn, key, value, clock);
    recorded = value;
    wrote = true;
  };
  const result = (confirmed: boolean): IamAuthResult => ({ previouslyEnabled: state.enabled && !ours, changedByThis: changed, iamDatabaseAuthenticationEnabled: confirmed });
  try {
    if (state.enabled) {
      await record(ours ? CONSUMER_ENABLED : CONSUMER_ALREADY_ON);
      if (APPLYING_STATUSES.includes(state.status)) await waitForIamAuth(client, target, true, { clock, deadline });
      return result(true);
    }
    refuseOtherPending(target, state, true, accepted);
    // Someone else asked for it for the maintenance window: apply it now, but it is not ours.
    const requested = pendingIam(state) === true;
    await record(ours || !requested ? CONSUMER_ENABLED : CONSUMER_ALREADY_ON);
    const outcome = await modifyWhenAvailable(client, target, true, state, { clock, deadline, applyPendingModifications: accepted }, (s) => s.enabled || pendingIam(s) === true);
    sent = outcome === "sent";
    changed = ours || (sent && !requested);
    await record(changed ? CONSUMER_ENABLED : CONSUMER_ALREADY_ON);
    await waitForIamAuth(client, target, true, { clock, deadline });
    return result(true);
  } catch (err) {
    if (!sent && wrote && !ours && (err instanceof IamAuthRefusal || err instanceof IamAuthTargetGoneError || rejectedByRds(err))) {
      // Nothing was turned on: take back the record written for it (a database that is gone has none).
      const taken = await removeConsumerTag(client, state.arn, key as string, clock).then(
        () => true,
        (cleanup: unknown) => hasCode(cleanup, NOT_FOUND_CODES),
      );
      if (taken) throw err;
    }
    if (wrote || sent || ours) throw new IamAuthPartialError(errorMessage(err), result(false));
    throw err;
  }
}

/** Checks that IAM auth is on without modifying anything. */
export async function verifyIamAuth(client: RDSClient, target: IamAuthTarget, clock: Clock = realClock): Promise<IamAuthResult> {
  const state = await describeIamAuth(client, target, clock);
  refuseAuroraMember(target, state);
  if (!state.enabled) throw new Error(iamAuthOffMessage(target.kind, target.identifier));
  return { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true };
}

/**
 * On delete: removes this consumer's record, and first turns IAM auth off only when
 * `shouldRestore` allows it (asked for, recorded as this consumer's change, no other consumer).
 * A database that is gone is left alone. Returns whether it turned IAM auth off.
 */
export async function restoreIamAuth(client: RDSClient, target: IamAuthTarget, opts: RestoreOptions): Promise<boolean> {
  const key = opts.consumerKey;
  if (key === undefined) return false;
  const clock = opts.clock ?? realClock;
  const deadline = deadlineIn(opts.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES, clock);
  try {
    const state = await describeIamAuth(client, target, clock);
    const tags = await listTags(client, state.arn, clock);
    const own = tags[key];
    const restore = shouldRestore({ restoreOnDelete: opts.restoreOnDelete, own, others: otherConsumers(tags, key), enabled: state.enabled });
    if (restore) {
      const accepted = opts.applyPendingModifications === true;
      refuseOtherPending(target, state, false, accepted);
      await modifyWhenAvailable(client, target, false, state, { clock, deadline, applyPendingModifications: accepted }, (s) => !s.enabled || pendingIam(s) === false);
      await waitForIamAuth(client, target, false, { clock, deadline });
    }
    if (own !== undefined) await removeConsumerTag(client, state.arn, key, clock);
    return restore;
  } catch (err) {
    if (err instanceof IamAuthTargetNotFoundError || err instanceof IamAuthTargetGoneError || hasCode(err, NOT_FOUND_CODES)) return false;
    throw err;
  }
}

/** @internal An RDS client for the region, with the given credential settings (default chain without). */
export async function rdsClient(region: string, credentials?: AwsCredentialSettings): Promise<RDSClient> {
  const sdk = await import("@aws-sdk/client-rds");
  const provider = await credentialProvider(credentials, region);
  return new sdk.RDSClient({ region, ...(provider === undefined ? {} : { credentials: provider }) });
}
