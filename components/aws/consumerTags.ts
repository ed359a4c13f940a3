/**
 * The server-side record of who relies on IAM auth: one tag per consumer on the RDS instance or
 * cluster, `clickpipes-rds-iam:iam-auth:<consumer id>`, whose value says whether that consumer
 * turned IAM auth on (`enabled`) or found it on (`already-on`). Written before any Modify, so a
 * create killed mid-way still leaves its record; removed on delete. A delete turns IAM auth off
 * only when asked, when its own tag says `enabled`, and when no other consumer's tag is there.
 * Part of the IAM-auth enabler's operations (`iamAuthProvider.ts`); `@aws-sdk/client-rds` is loaded lazily.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.html
 */
import type { RDSClient } from "@aws-sdk/client-rds";
import { Clock, withThrottlingRetries } from "./retry";

/** Every consumer tag starts with this; other tools may add one to say they rely on IAM auth too. */
export const CONSUMER_TAG_PREFIX = "clickpipes-rds-iam:iam-auth:";
/** RDS tag keys are at most 128 characters and may not start with `aws:` or `rds:`. */
export const MAX_TAG_KEY_LENGTH = 128;

/** Tag values: this consumer turned IAM auth on (or is about to: written before its Modify), or found it on. */
export const CONSUMER_ENABLED = "enabled";
export const CONSUMER_ALREADY_ON = "already-on";
export type ConsumerRecord = typeof CONSUMER_ENABLED | typeof CONSUMER_ALREADY_ON;

/** The tags of a resource, by key. */
export type Tags = Readonly<Record<string, string>>;

/** @internal The tag key of a consumer. */
export function consumerTagKey(consumerId: string): string {
  const key = `${CONSUMER_TAG_PREFIX}${consumerId}`;
  if (!/^[A-Za-z0-9_.:/=+@-]+$/.test(consumerId) || key.length > MAX_TAG_KEY_LENGTH) {
    throw new Error(`Consumer ID "${consumerId}" cannot be part of an RDS tag key; use at most ${MAX_TAG_KEY_LENGTH - CONSUMER_TAG_PREFIX.length} letters, digits or "_.:/=+@-".`);
  }
  return key;
}

/** @internal The consumer tags other than `ownKey`, sorted. */
export function otherConsumers(tags: Tags, ownKey: string): string[] {
  return Object.keys(tags)
    .filter((k) => k.startsWith(CONSUMER_TAG_PREFIX) && k !== ownKey)
    .sort();
}

/** What a delete knows when it decides whether to turn IAM auth off. */
export interface RestoreFacts {
  /** The user asked for it (`restoreOnDelete`, component `restoreIamAuthOnDelete`). */
  restoreOnDelete: boolean;
  /** This consumer's tag value on the database, if any. */
  own: string | undefined;
  /** Other consumers' tag keys. */
  others: readonly string[];
  /** The flag as Describe shows it. */
  enabled: boolean;
}

/**
 * @internal Turn IAM auth off only when asked, when this consumer's tag says it turned it on,
 * when no other consumer is recorded, and when it is on at all.
 */
export function shouldRestore(f: RestoreFacts): boolean {
  return f.restoreOnDelete && f.own === CONSUMER_ENABLED && f.others.length === 0 && f.enabled;
}

/**
 * The tags of an instance or cluster ARN (retrying throttling).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ListTagsForResource.html
 */
export async function listTags(client: RDSClient, arn: string, clock: Clock): Promise<Tags> {
  const sdk = await import("@aws-sdk/client-rds");
  const out = await withThrottlingRetries(() => client.send(new sdk.ListTagsForResourceCommand({ ResourceName: arn })), `\`ListTagsForResource\` of "${arn}"`, clock);
  const tags: Record<string, string> = {};
  for (const t of out.TagList ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  return tags;
}

/**
 * Sets (or overwrites) one consumer tag.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_AddTagsToResource.html
 */
export async function putConsumerTag(client: RDSClient, arn: string, key: string, value: ConsumerRecord, clock: Clock): Promise<void> {
  const sdk = await import("@aws-sdk/client-rds");
  await withThrottlingRetries(() => client.send(new sdk.AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: key, Value: value }] })), `\`AddTagsToResource\` of "${arn}"`, clock);
}

/**
 * Removes one consumer tag.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RemoveTagsFromResource.html
 */
export async function removeConsumerTag(client: RDSClient, arn: string, key: string, clock: Clock): Promise<void> {
  const sdk = await import("@aws-sdk/client-rds");
  await withThrottlingRetries(() => client.send(new sdk.RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [key] })), `\`RemoveTagsFromResource\` of "${arn}"`, clock);
}
