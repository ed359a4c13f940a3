/**
 * The RDS side of IAM database authentication: reads, sets and waits for the flag of an instance
 * or Aurora cluster. Loads `@aws-sdk/client-rds` lazily, so the `iamAuth.ts` provider stays small.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html
 */
import type { RDSClient } from "@aws-sdk/client-rds";

/** Target kinds: an RDS DB instance or a DB (Aurora) cluster. */
export const TARGET_KINDS = ["instance", "cluster"] as const;
export type IamAuthTargetKind = (typeof TARGET_KINDS)[number];

/** How long to wait for the flag to show the wanted value with the status `available`. */
export const DEFAULT_TIMEOUT_MINUTES = 30;
/** Delays between Describe polls: short at first, then the last value repeats (every 15 s). */
export const POLL_INTERVALS_MS: readonly number[] = [5_000, 10_000, 15_000];
/** Retries of throttled or busy-database calls: exponential from 1 s, capped at 30 s, 8 attempts (91 s). */
export const RETRY_BASE_DELAY_MS = 1_000;
export const RETRY_MAX_DELAY_MS = 30_000;
export const RETRY_MAX_ATTEMPTS = 8;

/** @internal Error codes (modeled exception names and wire codes) retried or mapped to clear messages. */
export const THROTTLING_CODES: readonly string[] = ["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"];
/** @internal */
export const BUSY_CODES: readonly string[] = ["InvalidDBInstanceState", "InvalidDBInstanceStateFault", "InvalidDBClusterStateFault"];
/** @internal */
export const NOT_FOUND_CODES: readonly string[] = ["DBInstanceNotFound", "DBInstanceNotFoundFault", "DBClusterNotFound", "DBClusterNotFoundFault"];
/** @internal */
export const UNSUPPORTED_CODES: readonly string[] = ["InvalidParameterCombination", "InvalidParameterValue"];

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
  /** Set on an Aurora member instance. */
  clusterIdentifier?: string;
}

/** Injected time, so tests never sleep. */
export interface Clock {
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** Options of the waiting calls. */
export interface WaitOptions {
  /** @default DEFAULT_TIMEOUT_MINUTES */
  timeoutMinutes?: number;
  /** @default real time */
  clock?: Clock;
}

/** The outcome of create: what the resource found and whether it changed the database. */
export interface IamAuthResult {
  previouslyEnabled: boolean;
  changedByThis: boolean;
  iamDatabaseAuthenticationEnabled: boolean;
}

/** Thrown when the target does not exist, so that delete and refresh can tell it apart. */
export class IamAuthTargetNotFoundError extends Error {}

/** @internal */
export const realClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

const describeLabel = (t: IamAuthTarget): string => `DB ${t.kind} "${t.identifier}"`;
const identifierArg = (t: IamAuthTarget): string => (t.kind === "cluster" ? "dbClusterIdentifier" : "dbInstanceIdentifier");

/** @internal The error's code: the modeled exception name or the wire `Code`. */
export function errorCodes(err: unknown): string[] {
  if (typeof err !== "object" || err === null) return [];
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  return [name, Code].filter((c): c is string => typeof c === "string");
}

const hasCode = (err: unknown, codes: readonly string[]): boolean => errorCodes(err).some((c) => codes.includes(c));
const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** @internal Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s, … capped at 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1), RETRY_MAX_DELAY_MS);
}

/** @internal Runs `call`, retrying the errors whose code is in `retryable` with capped exponential backoff. */
export async function withRetries<T>(call: () => Promise<T>, retryable: readonly string[], what: string, clock: Clock): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!hasCode(err, retryable)) throw err;
      if (attempt >= RETRY_MAX_ATTEMPTS) {
        throw new Error(
          `${what} still failed with \`${errorCodes(err)[0]}\` after ${attempt} attempts ("${errorMessage(err)}"); wait until the database is \`available\` and run the Pulumi command again.`,
        );
      }
      await clock.sleep(backoffMs(attempt));
    }
  }
}

/** @internal */
export function notFoundMessage(t: IamAuthTarget): string {
  return `${describeLabel(t)} was not found in region "${t.region}"; check \`${identifierArg(t)}\` and that your AWS credentials are for the account that owns it.`;
}

/**
 * Reads the IAM auth flag and status of the target (retrying throttling).
 * @throws IamAuthTargetNotFoundError when the target does not exist.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
 */
export async function describeIamAuth(client: RDSClient, target: IamAuthTarget, clock: Clock = realClock): Promise<IamAuthState> {
  const sdk = await import("@aws-sdk/client-rds");
  const what = `\`Describe\` of ${describeLabel(target)}`;
  try {
    if (target.kind === "cluster") {
      const out = await withRetries(() => client.send(new sdk.DescribeDBClustersCommand({ DBClusterIdentifier: target.identifier })), THROTTLING_CODES, what, clock);
      const c = out.DBClusters?.[0];
      if (c) return { status: c.Status ?? "", enabled: c.IAMDatabaseAuthenticationEnabled === true, engine: c.Engine ?? "", engineVersion: c.EngineVersion ?? "" };
    } else {
      const out = await withRetries(() => client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: target.identifier })), THROTTLING_CODES, what, clock);
      const i = out.DBInstances?.[0];
      if (i) {
        const state = { status: i.DBInstanceStatus ?? "", enabled: i.IAMDatabaseAuthenticationEnabled === true, engine: i.Engine ?? "", engineVersion: i.EngineVersion ?? "" };
        return i.DBClusterIdentifier ? { ...state, clusterIdentifier: i.DBClusterIdentifier } : state;
      }
    }
  } catch (err) {
    if (hasCode(err, NOT_FOUND_CODES)) throw new IamAuthTargetNotFoundError(notFoundMessage(target));
    throw err;
  }
  throw new IamAuthTargetNotFoundError(notFoundMessage(target));
}

/**
 * Sends ModifyDBInstance/ModifyDBCluster with `EnableIAMDatabaseAuthentication` and
 * `ApplyImmediately: true` (retrying throttling and a busy database).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html
 */
export async function modifyIamAuth(client: RDSClient, target: IamAuthTarget, enabled: boolean, seen: IamAuthState, clock: Clock = realClock): Promise<void> {
  const sdk = await import("@aws-sdk/client-rds");
  const common = { EnableIAMDatabaseAuthentication: enabled, ApplyImmediately: true };
  const what = `\`Modify\` of ${describeLabel(target)}`;
  try {
    await withRetries(
      () =>
        target.kind === "cluster"
          ? client.send(new sdk.ModifyDBClusterCommand({ DBClusterIdentifier: target.identifier, ...common }))
          : client.send(new sdk.ModifyDBInstanceCommand({ DBInstanceIdentifier: target.identifier, ...common })),
      [...THROTTLING_CODES, ...BUSY_CODES],
      what,
      clock,
    );
  } catch (err) {
    if (hasCode(err, NOT_FOUND_CODES)) throw new IamAuthTargetNotFoundError(notFoundMessage(target));
    // Only when RDS's message is about IAM: these codes also cover unrelated bad parameters.
    if (hasCode(err, UNSUPPORTED_CODES) && /\bIAM\b/i.test(errorMessage(err))) {
      throw new Error(
        `IAM database authentication is not supported for the engine or version of ${describeLabel(target)} (\`${seen.engine}\` "${seen.engineVersion}", RDS said "${errorMessage(err)}"); use an engine version that supports it or set up access without IAM.`,
      );
    }
    throw err;
  }
}

/** Polls Describe until the flag equals `enabled` and the status is `available` (the stock waiter checks status only). */
export async function waitForIamAuth(client: RDSClient, target: IamAuthTarget, enabled: boolean, opts: WaitOptions = {}): Promise<IamAuthState> {
  const clock = opts.clock ?? realClock;
  const timeoutMinutes = opts.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
  const start = clock.now();
  for (let poll = 0; ; poll++) {
    const state = await describeIamAuth(client, target, clock);
    if (state.enabled === enabled && state.status === "available") return state;
    if (clock.now() - start >= timeoutMinutes * 60_000) {
      throw new Error(
        `Timed out after ${timeoutMinutes} minute${timeoutMinutes === 1 ? "" : "s"} waiting for IAM database authentication to turn ${enabled ? "on" : "off"} for ${describeLabel(target)}, which is still \`${state.status}\` with the flag \`${state.enabled}\`; the modification may still complete, so check the RDS console and re-run ${enabled ? "`pulumi up`" : "the Pulumi command"}.`,
      );
    }
    await clock.sleep(POLL_INTERVALS_MS[Math.min(poll, POLL_INTERVALS_MS.length - 1)]);
  }
}

/** @internal IAM auth on Aurora is a cluster setting: refuse a member instance. */
export function refuseAuroraMember(target: IamAuthTarget, state: IamAuthState): void {
  if (state.clusterIdentifier !== undefined) {
    throw new Error(
      `\`dbInstanceIdentifier\` "${target.identifier}" is an instance of Aurora cluster "${state.clusterIdentifier}"; IAM auth and the resource ID belong to the cluster, so set \`dbClusterIdentifier\` to "${state.clusterIdentifier}" instead.`,
    );
  }
}

/** Turns IAM auth on (apply immediately) when it is off, and waits until it shows on and `available`. */
export async function ensureIamAuthEnabled(client: RDSClient, target: IamAuthTarget, opts: WaitOptions = {}): Promise<IamAuthResult> {
  const state = await describeIamAuth(client, target, opts.clock);
  refuseAuroraMember(target, state);
  if (state.enabled) return { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true };
  await modifyIamAuth(client, target, true, state, opts.clock);
  await waitForIamAuth(client, target, true, opts);
  return { previouslyEnabled: false, changedByThis: true, iamDatabaseAuthenticationEnabled: true };
}

/** Checks that IAM auth is on without modifying anything. */
export async function verifyIamAuth(client: RDSClient, target: IamAuthTarget, clock: Clock = realClock): Promise<IamAuthResult> {
  const state = await describeIamAuth(client, target, clock);
  refuseAuroraMember(target, state);
  if (!state.enabled) {
    throw new Error(
      `IAM database authentication is off on ${target.kind} "${target.identifier}"; set \`enableIamAuth: true\` to let this component turn it on, or turn on "Password and IAM database authentication" yourself (Modify, apply immediately).`,
    );
  }
  return { previouslyEnabled: true, changedByThis: false, iamDatabaseAuthenticationEnabled: true };
}

/** @internal Delete restores the flag only when this resource turned it on and the user did not opt out. */
export function shouldRestore(props: { changedByThis?: boolean; restoreOnDelete?: boolean }): boolean {
  return props.changedByThis === true && props.restoreOnDelete !== false;
}

/** Turns IAM auth back off when `shouldRestore`; a database that is gone or already off is left alone. Returns whether it modified. */
export async function restoreIamAuth(client: RDSClient, target: IamAuthTarget, props: { changedByThis?: boolean; restoreOnDelete?: boolean }, opts: WaitOptions = {}): Promise<boolean> {
  if (!shouldRestore(props)) return false;
  try {
    const state = await describeIamAuth(client, target, opts.clock);
    if (!state.enabled) return false;
    await modifyIamAuth(client, target, false, state, opts.clock);
    await waitForIamAuth(client, target, false, opts);
    return true;
  } catch (err) {
    if (err instanceof IamAuthTargetNotFoundError) return false;
    throw err;
  }
}

/** @internal */
export async function rdsClient(region: string): Promise<RDSClient> {
  const sdk = await import("@aws-sdk/client-rds");
  return new sdk.RDSClient({ region });
}
