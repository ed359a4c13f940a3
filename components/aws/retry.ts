/**
 * Time and retries for the IAM-auth enabler's AWS calls, part of its operations
 * (`iamAuthProvider.ts`). Imports nothing at run time.
 */

/** Injected time, so tests never sleep. */
export interface Clock {
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** @internal Real time; the provider's default. */
export const realClock: Clock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** Retries of throttled calls: exponential from 1 s, capped at 30 s, 8 attempts (91 s of waiting). */
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

/** @internal The error's code: the modeled exception name or the wire `Code`. */
export function errorCodes(err: unknown): string[] {
  if (typeof err !== "object" || err === null) return [];
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  return [name, Code].filter((c): c is string => typeof c === "string");
}

/** @internal */
export function hasCode(err: unknown, codes: readonly string[]): boolean {
  return errorCodes(err).some((c) => codes.includes(c));
}

/** @internal */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** @internal Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s, … capped at 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1), RETRY_MAX_DELAY_MS);
}

/**
 * @internal Runs `call`, retrying throttling errors with capped exponential backoff. A busy
 * database is not retried here: the callers wait for it within their own timeout.
 */
export async function withThrottlingRetries<T>(call: () => Promise<T>, what: string, clock: Clock): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!hasCode(err, THROTTLING_CODES)) throw err;
      if (attempt >= RETRY_MAX_ATTEMPTS) {
        throw new Error(
          `${what} was still throttled by AWS (\`${errorCodes(err)[0]}\`, "${errorMessage(err)}") after ${attempt} attempts; the account's RDS API request rate is exhausted, so wait a few minutes (or reduce other RDS API traffic) and run the Pulumi command again.`,
        );
      }
      await clock.sleep(backoffMs(attempt));
    }
  }
}

/** A point in time by which an operation must be done, and the minutes it was given. */
export interface Deadline {
  at: number;
  minutes: number;
}

/** @internal The deadline `minutes` from now. */
export function deadlineIn(minutes: number, clock: Clock): Deadline {
  return { at: clock.now() + minutes * 60_000, minutes };
}

/** @internal "1 minute", "30 minutes". */
export function minutesText(minutes: number): string {
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
