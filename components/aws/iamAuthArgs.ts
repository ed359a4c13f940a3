/**
 * Validation of the IAM-auth enabler's arguments (`IamAuthEnablement`, and the component's
 * `awsCredentials`), in the message template of `validation.ts`. Not part of the operations: it
 * runs in the program, before anything is registered (or once an Output resolves).
 */
import { tryParseArn } from "../arn";
import { formatChoices } from "../engines";
import { fail, kindOf, quoted, show } from "../validation";
import type { AwsCredentialSettings } from "./credentials";

/** Longest wait for IAM auth to be applied, in minutes (a day). */
export const MAX_TIMEOUT_MINUTES = 24 * 60;

/** Validates a wait in minutes: a finite number from 1 to a day. */
export function validateTimeoutMinutes(arg: string, value: unknown): asserts value is number {
  const range = `use a number of minutes from 1 to ${MAX_TIMEOUT_MINUTES}`;
  if (typeof value !== "number") fail(`\`${arg}\` ${show(value)} is ${kindOf(value)}, not a number; ${range}.`);
  if (!Number.isFinite(value) || value < 1 || value > MAX_TIMEOUT_MINUTES) fail(`\`${arg}\` ${show(value)} is out of range; ${range}.`);
}

/** Validates a boolean (a string such as "false" is refused: it would count as true). */
export function validateBoolean(arg: string, value: unknown): asserts value is boolean {
  if (typeof value !== "boolean") fail(`\`${arg}\` ${show(value)} is ${kindOf(value)}, not a boolean; use true or false.`);
}

/** Validates a value from a fixed list. */
export function validateChoice<T extends string>(arg: string, value: unknown, choices: readonly T[]): asserts value is T {
  if (!(choices as readonly unknown[]).includes(value)) fail(`\`${arg}\` ${show(value)} is not supported; use ${formatChoices(choices)}.`);
}

/** Validates a string naming something, such as the database identifier or region. */
export function validateName(arg: string, value: unknown, example: string): asserts value is string {
  if (value === undefined || value === null) fail(`\`${arg}\` is missing; set it to a string such as ${quoted(example)}.`);
  if (typeof value !== "string") fail(`\`${arg}\` ${show(value)} is ${kindOf(value)}, not a string; use a string such as ${quoted(example)}.`);
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(value)) fail(`\`${arg}\` ${quoted(value)} is not a valid name; use letters, digits and hyphens, such as ${quoted(example)}.`);
}

/** An IAM role ARN's resource: `role/`, an optional path, the name; no wildcards. */
const ROLE_RESOURCE = /^role\/(?:[\x21-\x29\x2b-\x3e\x40-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
const ROLE_EXAMPLE = '"arn:aws:iam::123456789012:role/deploy"';
const SETTINGS = ["profile", "assumeRole"];
const ASSUME_ROLE_SETTINGS = ["roleArn", "externalId", "sessionName"];

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function validateObject(arg: string, value: unknown, known: readonly string[], example: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || kindOf(value) !== "an object") {
    fail(`\`${arg}\` ${show(value)} is ${kindOf(value)}, not an object; use an object such as ${example}.`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`\`${arg}.${key}\` is not a setting of \`${arg}\`; use ${orList(known.map((k) => `\`${k}\``))}.`);
  }
}

/**
 * Validates `awsCredentials`: the `aws` provider's `profile` and `assumeRole` (`roleArn`,
 * `externalId`, `sessionName`), with the limits STS `AssumeRole` sets.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function validateAwsCredentials(arg: string, value: unknown): asserts value is AwsCredentialSettings {
  validateObject(arg, value, SETTINGS, '{"profile":"prod"}');
  const { profile, assumeRole } = value;
  if (profile !== undefined) {
    if (typeof profile !== "string") fail(`\`${arg}.profile\` ${show(profile)} is ${kindOf(profile)}, not a string; give the name of a profile in your AWS config files, such as "prod".`);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    if (!/^[^\s\x00-\x1f\x7f]+$/.test(profile)) fail(`\`${arg}.profile\` ${quoted(profile)} is not a profile name; give the name of a profile in your AWS config files, such as "prod".`);
  }
  if (assumeRole === undefined) return;
  const at = `${arg}.assumeRole`;
  validateObject(at, assumeRole, ASSUME_ROLE_SETTINGS, `{"roleArn":${ROLE_EXAMPLE}}`);
  const { roleArn, externalId, sessionName } = assumeRole;
  if (roleArn === undefined) fail(`\`${at}.roleArn\` is missing; set the ARN of the role to assume, such as ${ROLE_EXAMPLE}.`);
  const arn = typeof roleArn === "string" ? tryParseArn(roleArn) : undefined;
  if (!arn || arn.service !== "iam" || arn.region !== "" || !/^\d{12}$/.test(arn.account) || !ROLE_RESOURCE.test(arn.resource)) {
    fail(`\`${at}.roleArn\` ${show(roleArn)} is not an IAM role ARN; use the ARN of the role to assume, such as ${ROLE_EXAMPLE}.`);
  }
  if (externalId !== undefined && (typeof externalId !== "string" || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId))) {
    fail(`\`${at}.externalId\` ${show(externalId)} is not a valid external ID; use 2 to 1224 letters, digits or "_+=,.@:/-".`);
  }
  if (sessionName !== undefined && (typeof sessionName !== "string" || !/^[\w+=,.@-]{2,64}$/.test(sessionName))) {
    fail(`\`${at}.sessionName\` ${show(sessionName)} is not a valid session name; use 2 to 64 letters, digits or "_+=,.@-".`);
  }
}
