/**
 * A small client for the ClickHouse Cloud API over Node's global `fetch`: HTTP Basic auth with an
 * API key, JSON in and out, the `{ result }` / `{ error }` envelope, retries of throttled and
 * failed requests with capped exponential backoff, and a timeout per attempt and per call.
 *
 * Part of the ClickPipe dynamic provider (loaded through the stable providers entry, and
 * self-contained when serialized): at run time it imports only ../aws/retry.ts, which imports
 * nothing, and it reads no environment.
 *
 * Sources (ClickHouse/terraform-provider-clickhouse at c320db99, v3.25.3): internal/api/client.go
 * (`ClientImpl`, Basic auth from TokenKey/TokenSecret), internal/api/common.go
 * (`ResponseWithResult[T]`, `doRequestWithStatus`: 429 waits for `X-RateLimit-Reset`, 5xx retried
 * with doubling waits, any other status is permanent; the `Authorization` header is never logged),
 * internal/provider/provider.go (default `https://api.clickhouse.cloud/v1`); error bodies look like
 * `{"requestId":"…","error":"FAILED_DEPENDENCY: …","status":424}` (internal/api/clickpipe_test.go).
 * @see https://clickhouse.com/docs/integrations/clickpipes/programmatic-access/openapi
 */

import { Clock, backoffMs, errorMessage, realClock } from "../aws/retry";

/** The Cloud API's base URL, version included. */
export const DEFAULT_API_URL = "https://api.clickhouse.cloud/v1";

/** Injected time, so specs never sleep: the IAM-auth enabler's `Clock`. */
export type ApiClock = Clock;
/** Real time; the default. */
export const realApiClock: ApiClock = realClock;

/**
 * Retries wait as the AWS calls' do (`backoffMs` of ../aws/retry.ts: exponential from 1 s, capped
 * at 30 s); a `Retry-After` up to 60 s is honored instead.
 */
export const API_RETRY_AFTER_MAX_MS = 60_000;
/** Attempts per call, the first included. */
export const API_MAX_ATTEMPTS = 6;
/** One attempt may take this long before it is aborted. */
export const API_REQUEST_TIMEOUT_MS = 60_000;
/** All attempts of one call, waits included, may take this long. */
export const API_CALL_TIMEOUT_MS = 5 * 60_000;

/** How to reach the API. `keySecret` never appears in an error message. */
export interface ApiSettings {
  /** @default DEFAULT_API_URL */
  apiUrl?: string;
  keyId: string;
  keySecret: string;
}

/** Knobs for specs; production uses the defaults. */
export interface ApiOptions {
  clock?: ApiClock;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  callTimeoutMs?: number;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * A failed call. `apiError` is the API's own `error` text, verbatim (ClickPipes' validation
 * message, for instance); `status` is 0 when no answer came (network failure, timeout).
 */
export class ClickHouseApiError extends Error {
  constructor(
    message: string,
    readonly method: HttpMethod,
    readonly path: string,
    readonly status: number,
    readonly apiError: string,
  ) {
    super(message);
    this.name = "ClickHouseApiError";
  }
}

/** True for the API's "not found". */
export function isNotFound(err: unknown): boolean {
  return err instanceof ClickHouseApiError && err.status === 404;
}

/** An API client bound to one key. */
export interface ClickHouseApi {
  /** Sends one call; resolves to the envelope's `result`. `path` is relative to the base URL. */
  call<T>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
}

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The base URL, checked: HTTPS, or plain HTTP to a loopback address only (the specs' fake
 * server), since the API key travels in every request's `Authorization` header.
 */
export function checkedApiUrl(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`\`apiUrl\` ${JSON.stringify(apiUrl)} is not a URL; use ${JSON.stringify(DEFAULT_API_URL)}.`);
  }
  const loopback = url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== "https:" && !loopback) {
    throw new Error(`\`apiUrl\` ${JSON.stringify(apiUrl)} is not HTTPS, so the API key would travel in clear text; use ${JSON.stringify(DEFAULT_API_URL)}.`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new Error(`\`apiUrl\` ${JSON.stringify(apiUrl)} has credentials, a query or a fragment; use a plain base URL such as ${JSON.stringify(DEFAULT_API_URL)}.`);
  }
  return url.toString().replace(/\/+$/, "");
}

/** `text` with every occurrence of a secret replaced by `[secret]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join("[secret]");
  return out;
}

/**
 * Milliseconds a `Retry-After` (delta-seconds or HTTP date, RFC 9110 §10.2.3) or an
 * `X-RateLimit-Reset` (seconds, as the Terraform provider reads it) asks to wait; undefined
 * when absent or unreadable.
 */
export function retryAfterMs(retryAfter: string | null, rateLimitReset: string | null, nowMs: number): number | undefined {
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const v = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  if (rateLimitReset !== null && /^\d+(\.\d+)?$/.test(rateLimitReset.trim())) return Number(rateLimitReset.trim()) * 1000;
  return undefined;
}

/** Methods whose retry after a server failure cannot do something twice. POST is not one. */
function idempotent(method: HttpMethod): boolean {
  return method !== "POST";
}

/** The API's error text from a failed response body: `error`, else the raw text (cut). */
function apiErrorText(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === "string" && parsed.error !== "") return parsed.error;
    if (typeof parsed.message === "string" && parsed.message !== "") return parsed.message;
  } catch {
    // Not JSON: use the text itself.
  }
  const text = raw.trim();
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** One attempt's outcome. */
type Attempt =
  | { kind: "ok"; result: unknown }
  | { kind: "http"; status: number; apiError: string; retryAfter?: number }
  | { kind: "network"; reason: string };

/** Creates a client. Throws when `apiUrl` is unusable. */
export function clickHouseApi(settings: ApiSettings, options: ApiOptions = {}): ClickHouseApi {
  const baseUrl = checkedApiUrl(settings.apiUrl ?? DEFAULT_API_URL);
  const clock = options.clock ?? realApiClock;
  const maxAttempts = options.maxAttempts ?? API_MAX_ATTEMPTS;
  const requestTimeoutMs = options.requestTimeoutMs ?? API_REQUEST_TIMEOUT_MS;
  const callTimeoutMs = options.callTimeoutMs ?? API_CALL_TIMEOUT_MS;
  const authorization = `Basic ${Buffer.from(`${settings.keyId}:${settings.keySecret}`).toString("base64")}`;
  // What must never be shown: the secret, and the header that carries it.
  const secrets = [settings.keySecret, authorization.slice("Basic ".length)];
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, "");

  async function attempt(method: HttpMethod, url: string, body: unknown): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
    try {
      const res = await fetch(url, {
        method,
        headers: {
          Authorization: authorization,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        redirect: "error",
      });
      const raw = await res.text();
      if (res.status >= 200 && res.status < 300) {
        if (raw.trim() === "") return { kind: "ok", result: undefined };
        try {
          return { kind: "ok", result: (JSON.parse(raw) as { result?: unknown }).result };
        } catch {
          return { kind: "http", status: res.status, apiError: `the response is not JSON: ${apiErrorText(raw)}` };
        }
      }
      return { kind: "http", status: res.status, apiError: apiErrorText(raw), retryAfter: retryAfterMs(res.headers.get("retry-after"), res.headers.get("x-ratelimit-reset"), clock.now()) };
    } catch (err) {
      if (controller.signal.aborted) return { kind: "network", reason: `no answer within ${seconds(requestTimeoutMs)}` };
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const reason = typeof cause?.code === "string" ? cause.code : errorMessage(err);
      return { kind: "network", reason };
    } finally {
      clearTimeout(timer);
    }
  }

  async function call<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const shownPath = `${basePath}${path}`;
    const started = clock.now();
    const fail = (status: number, apiError: string, detail: string): never => {
      throw new ClickHouseApiError(redact(`ClickHouse Cloud API ${method} ${shownPath} ${detail}`, secrets), method, shownPath, status, redact(apiError, secrets));
    };
    for (let n = 1; ; n++) {
      const a = await attempt(method, `${baseUrl}${path}`, body);
      if (a.kind === "ok") return a.result as T;
      const retriable = a.kind === "http" ? a.status === 429 || (a.status >= 500 && idempotent(method)) : idempotent(method);
      const delay = a.kind === "http" && a.retryAfter !== undefined ? Math.min(a.retryAfter, API_RETRY_AFTER_MAX_MS) : backoffMs(n);
      const outOfTime = clock.now() + delay - started > callTimeoutMs;
      if (!retriable || n >= maxAttempts || outOfTime) {
        const tries = n === 1 ? "" : ` (${n} attempts${outOfTime && n < maxAttempts ? ` in ${seconds(clock.now() - started)}` : ""})`;
        if (a.kind === "network") fail(0, a.reason, `failed: ${a.reason}${tries}.`);
        else fail(a.status, a.apiError, `failed with HTTP ${a.status}${tries}: ${a.apiError}`);
      }
      await clock.sleep(delay);
    }
  }

  return { call, baseUrl };
}
