/**
 * What a database has pending for its maintenance window, and the refusal to apply it unasked.
 * `ModifyDBInstance`/`ModifyDBCluster` with `ApplyImmediately: true` applies every pending
 * modification along with its own ("can cause unexpected downtime"), so the enabler reads
 * `PendingModifiedValues` first. Pure.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PendingModifiedValues.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ClusterPendingModifiedValues.html
 */

/** `PendingModifiedValues` (instance) or `ClusterPendingModifiedValues` (cluster), as Describe returns it. */
export type PendingValues = Readonly<Record<string, unknown>>;

/** Fields whose value is never echoed. */
const HIDDEN_VALUES: readonly string[] = ["MasterUserPassword"];

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && !(value instanceof Date)) return Object.values(value).every(isEmpty);
  return false;
}

/**
 * @internal Each pending change other than the IAM auth flag, as `Field value` (values as JSON,
 * a new master password hidden), in the order Describe lists them.
 */
export function otherPendingChanges(pending: PendingValues | undefined): string[] {
  if (pending === undefined) return [];
  return Object.entries(pending)
    .filter(([field, value]) => field !== "IAMDatabaseAuthenticationEnabled" && !isEmpty(value))
    .map(([field, value]) => (HIDDEN_VALUES.includes(field) ? `${field} (a new value, not shown)` : `${field} ${JSON.stringify(value)}`));
}

/**
 * @internal The refusal to send a Modify with `ApplyImmediately` over other pending changes:
 * lists them and the two ways forward.
 */
export function pendingChangesMessage(label: string, turn: "on" | "off", changes: readonly string[]): string {
  const optIn =
    turn === "on"
      ? "set `applyPendingModifications: true` to accept applying them now"
      : "set `applyPendingModifications: true` and run `pulumi up` before destroying to accept applying them now, or set `restoreIamAuthOnDelete: false` (`restoreOnDelete`) to leave IAM auth on";
  return `${label} has changes pending for its maintenance window (${changes.join(", ")}), which turning IAM database authentication ${turn} with ApplyImmediately would apply now as well, possibly with downtime; apply them yourself first (the console's "Apply immediately", or wait for the maintenance window) and run the Pulumi command again, or ${optIn}.`;
}
