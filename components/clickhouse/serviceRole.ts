/**
 * The ClickHouse service's IAM role ("Service role ID (IAM)" in the console), read from the Cloud
 * API: `GET /v1/organizations/{organizationId}/services/{serviceId}` answers `result.iamRole`
 * (ClickHouse/terraform-provider-clickhouse v3.25.3 internal/api/models.go `Service.IAMRole`,
 * internal/api/service.go `GetServiceBase`). One HTTP call, made at preview as at update, like the
 * RDS lookup; it is not a Pulumi invoke, so programs that do not use it make no new invoke.
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationError, fixedMessage, quoted, validateClickhouseRoleArn } from "../validation";
import { ApiOptions, ClickHouseApi, clickHouseApi } from "./api";
import { servicePath } from "./clickPipeSpec";
import { ClickHouseServiceArgs, ClickHouseServiceRef, resolvedService, validateClickHouseServiceArgs } from "./service";

/** The fields of the API's `Service` read here. */
interface ApiService {
  iamRole?: unknown;
  provider?: unknown;
}

/** Checks what the API reported as the service's role, with the rule `clickhouseRoleArn` is held to. */
export function checkedServiceRole(serviceId: string, service: ApiService): string {
  const role = service.iamRole;
  if (typeof role !== "string" || role === "") {
    const where = typeof service.provider === "string" && service.provider !== "aws" ? ` (it runs on ${quoted(service.provider)})` : "";
    throw new ValidationError(`ClickHouse service ${quoted(serviceId)} has no \`iamRole\`${where}; IAM-role access to RDS needs a ClickHouse service on AWS, so use one, or pass \`clickhouseRoleArn\`.`);
  }
  try {
    validateClickhouseRoleArn(role);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(`ClickHouse service ${quoted(serviceId)} reports \`iamRole\` ${quoted(role)}, which is not an IAM role ARN; pass \`clickhouseRoleArn\` instead, copied from "Service role ID (IAM)" in the service's Settings.`);
  }
  return role;
}

/** Reads a service's IAM role over `api`, validated like a given `clickhouseRoleArn`. */
export async function getServiceIamRole(api: ClickHouseApi, organizationId: string, serviceId: string): Promise<string> {
  const service = await api.call<ApiService | undefined>("GET", servicePath(organizationId, serviceId));
  return checkedServiceRole(serviceId, service ?? {});
}

/** Answers lookups without the API: the offline plan (`lookups.clickhouseServices`) and specs. */
export type ServiceLookup = (service: { organizationId: string; serviceId: string; apiUrl?: string }) => string | Promise<string>;

let answer: ServiceLookup | undefined;

/**
 * @internal Routes every service lookup of this process to `lookup` (undefined: the API again).
 * Returns a function that restores the previous one.
 */
export function answerServiceLookups(lookup: ServiceLookup | undefined): () => void {
  const previous = answer;
  answer = lookup;
  return () => {
    answer = previous;
  };
}

/** Looks up a service's IAM role: one GET, or the installed answer. Rejects with a `ValidationError` for a role that is not usable. */
export async function lookupServiceIamRole(ref: ClickHouseServiceRef, options: ApiOptions = {}): Promise<string> {
  if (answer !== undefined) return checkedServiceRole(ref.serviceId, { iamRole: await answer({ organizationId: ref.organizationId, serviceId: ref.serviceId, apiUrl: ref.apiUrl }) });
  const api = clickHouseApi({ apiUrl: ref.apiUrl, keyId: ref.apiKeyId, keySecret: ref.apiKeySecret }, options);
  return getServiceIamRole(api, ref.organizationId, ref.serviceId);
}

/**
 * The IAM role of a ClickHouse service, as an Output: what a component takes instead of a
 * `clickhouseRoleArn` copied by hand. Plain values are checked now (`arg` names them); the lookup
 * runs once they are known, at preview too. Not secret: the ARN is no secret, though the key is.
 */
export function clickhouseServiceRoleArn(service: ClickHouseServiceArgs, arg = "clickhouseService"): pulumi.Output<string> {
  validateClickHouseServiceArgs(arg, service);
  return pulumi.unsecret(
    resolvedService(service).apply(async (ref) => {
      try {
        validateClickHouseServiceArgs(arg, ref);
        return await lookupServiceIamRole(ref);
      } catch (e) {
        throw reportable(e);
      }
    }),
  );
}

/**
 * A failed lookup as Pulumi should report it: the message alone (no program stack trace), and
 * unchanged by the `error serializing property "…": ` prefix each resource that waits on the role
 * would otherwise add.
 */
function reportable(e: unknown): Error {
  const err = e instanceof pulumi.RunError ? e : new pulumi.RunError(e instanceof Error ? e.message : String(e));
  return fixedMessage(err);
}
