/**
 * Which resource manages each MariaDB user in a program run, so that two resources for the same
 * user on the same server are refused before either registers: whichever was destroyed first would
 * drop or revoke what the other relies on, and the other would never notice.
 */
import * as pulumi from "@pulumi/pulumi";

/** A database user as the registry knows it: where, who, and which resource manages it. */
export interface UserClaim {
  /** The engine's name in messages. @default "MariaDB" */
  readonly label?: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The managing resource's name, for messages. */
  readonly name: string;
  /** The managing resource's parent URN and name: the same again is the same resource (or a duplicate URN Pulumi refuses itself). */
  readonly owner: string;
}

/** Claims per program run: the Pulumi monitor of the run (one per `pulumi up`, a new one per `setMocks`). */
const claimsByRun = new WeakMap<object, Map<string, UserClaim>>();
const NO_MONITOR = {};

/** @internal Forgets the claims of the current run (specs that reuse one mocked run for many programs). */
export function resetDatabaseUserClaims(run: object = pulumi.runtime.getMonitor() ?? NO_MONITOR): void {
  claimsByRun.delete(run);
}

/** @internal The message for a second resource managing the same MariaDB user in one program. */
export function duplicateUserMessage(first: UserClaim, second: UserClaim): string {
  return (
    `${second.label ?? "MariaDB"} user "${second.username}" at ${second.host}:${second.port} is managed by both "${first.name}" and "${second.name}"; ` +
    "whichever is destroyed first would drop or revoke what the other relies on; give one of them another `dbUsername`, or create the user in one place only."
  );
}

/**
 * @internal Records that `claim.name` manages the user, refusing a second resource that claims the
 * same host (case-insensitive, as DNS), port and user name in the same program run.
 */
export function claimMariaDbUser(claim: UserClaim, run: object = pulumi.runtime.getMonitor() ?? NO_MONITOR): void {
  claimDatabaseUser(claim, run);
}

/**
 * @internal The same for any engine: PostgreSQL roles and MySQL accounts are server-wide too, so a
 * second component creating the same user on the same server fails at `up` or, worse, takes over
 * the first one's user. Keyed by engine label, host, port and user name.
 */
export function claimDatabaseUser(claim: UserClaim, run: object = pulumi.runtime.getMonitor() ?? NO_MONITOR): void {
  let claims = claimsByRun.get(run);
  if (claims === undefined) {
    claims = new Map();
    claimsByRun.set(run, claims);
  }
  const key = JSON.stringify([claim.label ?? "MariaDB", claim.host.toLowerCase().replace(/\.$/, ""), claim.port, claim.username]);
  const first = claims.get(key);
  if (first !== undefined && first.owner !== claim.owner) throw new Error(duplicateUserMessage(first, claim));
  claims.set(key, claim);
}

/**
 * @internal The parent's URN, as an Output that carries no dependency on the parent: a dependency on a
 * component would make this resource wait for all of the component's children.
 */
export function parentUrnOf(opts?: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const parent = opts?.parent;
  if (parent === undefined) return pulumi.output("");
  return pulumi.output(new Promise<string>((resolve) => parent.urn.apply((urn) => resolve(urn))));
}
