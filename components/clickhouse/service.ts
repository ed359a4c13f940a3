/**
 * A reference to a ClickHouse Cloud service and the API key that reaches it: what the role lookup
 * and the ClickPipe take. Checked like every other argument, before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationError, isEventual, named, quoted, validateArgType } from "../validation";
import { DEFAULT_API_URL, checkedApiUrl } from "./api";

/**
 * A ClickHouse Cloud service, and an API key for it.
 * @see https://clickhouse.com/docs/cloud/manage/openapi
 */
export interface ClickHouseService {
  /** The organization's ID (a UUID): ClickHouse Cloud console, Organization, Organization details. */
  readonly organizationId: pulumi.Input<string>;
  /** The service's ID (a UUID): the service's Settings, or its console URL. */
  readonly serviceId: pulumi.Input<string>;
  /**
   * Key ID of a ClickHouse Cloud API key. The role lookup only reads the service (the Developer
   * role, read-only, is enough); a ClickPipe needs a key with the Admin role on the service.
   * @see https://clickhouse.com/docs/cloud/manage/openapi
   */
  readonly apiKeyId: pulumi.Input<string>;
  /** Key secret of that API key; kept secret everywhere (`pulumi config set --secret`). */
  readonly apiKeySecret: pulumi.Input<string>;
  /**
   * Base URL of the ClickHouse Cloud API, version included: HTTPS (plain HTTP only to a loopback address).
   * @default "https://api.clickhouse.cloud/v1"
   */
  readonly apiUrl?: pulumi.Input<string>;
}

/**
 * {@link ClickHouseService} by the name the arguments have always used. The interface itself is
 * named without "Args": the plugin's schema names the type after it, and the SDKs of other
 * languages add "Args" to input types themselves (Python `ClickHouseServiceArgs`).
 */
export type ClickHouseServiceArgs = ClickHouseService;

/** The fields of {@link ClickHouseService}. */
export const CLICKHOUSE_SERVICE_FIELDS = ["organizationId", "serviceId", "apiKeyId", "apiKeySecret", "apiUrl"] as const;

/** The same, resolved. */
export interface ClickHouseServiceRef {
  organizationId: string;
  serviceId: string;
  apiKeyId: string;
  apiKeySecret: string;
  apiUrl?: string;
}

/** Organization and service IDs are UUIDs (OpenAPI: `format: uuid`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXAMPLE_UUID = "2f0e7c3a-5b1d-4e8f-9a6c-0d1e2f3a4b5c";

function fail(message: string): never {
  throw new ValidationError(message);
}

/** Validates an organization or service ID (`arg` names it in messages). */
export function validateCloudId(arg: string, value: unknown, what: "organization" | "service"): void {
  validateArgType(arg, value, { type: "input-string" });
  if (typeof value === "string" && !UUID.test(value)) {
    const where = what === "organization" ? "Organization details" : "the service's Settings";
    fail(`${named(arg, value)} is not a ClickHouse Cloud ${what} ID; copy the ${what} ID, a UUID such as ${quoted(EXAMPLE_UUID)}, from ${where} in the ClickHouse Cloud console.`);
  }
}

/** Validates a service reference given as `arg` (such as "clickhouseService"): every plain value, and the key secret's type. */
export function validateClickHouseServiceArgs(arg: string, value: unknown): asserts value is ClickHouseServiceArgs {
  if (typeof value !== "object" || value === null || Array.isArray(value) || isEventual(value)) {
    fail(`${named(arg, value)} is not an object; pass { organizationId, serviceId, apiKeyId, apiKeySecret }.`);
  }
  const v = value as Record<string, unknown>;
  const known: readonly string[] = CLICKHOUSE_SERVICE_FIELDS;
  const unknown = Object.keys(v).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`\`${arg}.${unknown}\` is not known; use ${known.map((k) => `\`${k}\``).join(", ")}.`);
  validateCloudId(`${arg}.organizationId`, v.organizationId, "organization");
  validateCloudId(`${arg}.serviceId`, v.serviceId, "service");
  validateArgType(`${arg}.apiKeyId`, v.apiKeyId, { type: "input-string" });
  if (v.apiKeyId === "") fail(`\`${arg}.apiKeyId\` "" is empty; give the Key ID of a ClickHouse Cloud API key.`);
  validateArgType(`${arg}.apiKeySecret`, v.apiKeySecret, { type: "input-string", secret: true });
  if (v.apiKeySecret === "") fail(`\`${arg}.apiKeySecret\` is empty; give the Key secret of the API key \`${arg}.apiKeyId\` names.`);
  if (v.apiUrl !== undefined) {
    validateArgType(`${arg}.apiUrl`, v.apiUrl, { type: "input-string" });
    if (typeof v.apiUrl === "string") validateApiUrl(`${arg}.apiUrl`, v.apiUrl);
  }
}

/** Validates a base URL of the API. */
export function validateApiUrl(arg: string, value: string): void {
  try {
    checkedApiUrl(value);
  } catch (e) {
    fail((e as Error).message.replace("`apiUrl`", `\`${arg}\``));
  }
}

/** The reference with the default URL filled in, as one Output (secret, since it carries the key). */
export function resolvedService(service: ClickHouseServiceArgs): pulumi.Output<Required<ClickHouseServiceRef>> {
  return pulumi
    .all([service.organizationId, service.serviceId, service.apiKeyId, service.apiKeySecret, service.apiUrl ?? DEFAULT_API_URL])
    .apply(([organizationId, serviceId, apiKeyId, apiKeySecret, apiUrl]) => ({ organizationId, serviceId, apiKeyId, apiKeySecret, apiUrl }));
}
