/**
 * The credentials the IAM-auth enabler calls AWS with, with the same meaning as the `aws`
 * provider's `profile` and `assumeRole` settings, and the check that they are for the database's
 * account. Part of the IAM-auth enabler's operations (`iamAuthProvider.ts`): the SDK packages are
 * loaded inside the functions that call AWS.
 * @see https://www.pulumi.com/registry/packages/aws/api-docs/provider/#inputs
 * @see https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-credential-providers/
 */
import type { RDSClientConfig } from "@aws-sdk/client-rds";
import { tryParseArn } from "../arn";

/** The role to assume, as the `aws` provider's `assumeRole` takes it. */
export interface AwsAssumeRole {
  /** ARN of the role to assume. */
  readonly roleArn: string;
  /** The external ID the role's trust policy requires, if any. */
  readonly externalId?: string;
  /** Session name of the assumed-role session. @default chosen by the SDK (`aws-sdk-js-<time>`) */
  readonly sessionName?: string;
}

/** Credential settings: without any, the AWS SDK's default chain (environment, `AWS_PROFILE`, SSO, instance role…). */
export interface AwsCredentialSettings {
  /** A profile of the shared config and credentials files (`~/.aws/config`), as the `aws` provider's `profile`. */
  readonly profile?: string;
  /** A role to assume, with the profile's (or the default chain's) credentials, as the `aws` provider's `assumeRole`. */
  readonly assumeRole?: AwsAssumeRole;
}

/** What the SDK clients take as `credentials`. */
export type CredentialProvider = NonNullable<RDSClientConfig["credentials"]>;

/**
 * @internal The credential provider for `settings`: `fromIni` for a profile, `fromTemporaryCredentials`
 * for a role (from the profile's credentials when both are set), or undefined for the default chain.
 */
export async function credentialProvider(settings: AwsCredentialSettings | undefined, region: string): Promise<CredentialProvider | undefined> {
  if (settings === undefined || (settings.profile === undefined && settings.assumeRole === undefined)) return undefined;
  const providers = await import("@aws-sdk/credential-providers");
  const base = settings.profile === undefined ? undefined : providers.fromIni({ profile: settings.profile });
  const role = settings.assumeRole;
  if (role === undefined) return base;
  return providers.fromTemporaryCredentials({
    params: { RoleArn: role.roleArn, ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }), ...(role.sessionName === undefined ? {} : { RoleSessionName: role.sessionName }) },
    ...(base === undefined ? {} : { masterCredentials: base }),
    clientConfig: { region },
  });
}

/**
 * @internal The account the credentials belong to (one STS `GetCallerIdentity`, which needs no permission).
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export async function callerAccount(settings: AwsCredentialSettings | undefined, region: string): Promise<string> {
  const sts = await import("@aws-sdk/client-sts");
  const credentials = await credentialProvider(settings, region);
  const client = new sts.STSClient({ region, ...(credentials === undefined ? {} : { credentials }) });
  const out = await client.send(new sts.GetCallerIdentityCommand({}));
  return out.Account ?? "";
}

/** @internal The refusal when the credentials are for another account than the database's. */
export function accountMismatchMessage(caller: string, label: string, targetArn: string, target: string): string {
  return `The AWS credentials of the IAM-auth enabler are for account "${caller}", but ${label} is in account "${target}" (${targetArn}); set \`awsCredentials\` to the profile or role your \`aws\` provider uses for that account, or run Pulumi with credentials for account "${target}".`;
}

/**
 * @internal Refuses credentials of another account than `targetArn`'s, before anything is changed.
 * Does nothing without a target ARN.
 */
export async function assertCallerAccount(settings: AwsCredentialSettings | undefined, region: string, targetArn: string | undefined, label: string): Promise<void> {
  if (targetArn === undefined || targetArn === "") return;
  const target = tryParseArn(targetArn)?.account;
  if (target === undefined || target === "") return;
  const caller = await callerAccount(settings, region);
  if (caller !== target) throw new Error(accountMismatchMessage(caller, label, targetArn, target));
}
