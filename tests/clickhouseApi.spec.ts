import { strict as assert } from "assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ClickHouseApiError, checkedApiUrl, clickHouseApi, redact, retryAfterMs } from "../components/clickhouse/api";
import { FakeClickHouseApi, FakeClock, fakeClock, ORG_ID, SERVICE_ID, SERVICE_ROLE, TEST_KEY_ID, TEST_KEY_SECRET } from "./support/clickhouseApi";

const SERVICE = `/organizations/${ORG_ID}/services/${SERVICE_ID}`;
const BASIC = Buffer.from(`${TEST_KEY_ID}:${TEST_KEY_SECRET}`).toString("base64");

async function failureOf(p: Promise<unknown>): Promise<ClickHouseApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ClickHouseApiError, `expected a ClickHouseApiError, got ${String(e)}`);
    return e;
  }
  throw new Error("Expected the call to fail, but it succeeded.");
}

describe("ClickHouse Cloud API client", () => {
  const fake = new FakeClickHouseApi();
  let clock: FakeClock;
  const api = (options: { maxAttempts?: number; requestTimeoutMs?: number; callTimeoutMs?: number } = {}, keySecret = TEST_KEY_SECRET) =>
    clickHouseApi({ apiUrl: fake.url, keyId: TEST_KEY_ID, keySecret }, { clock, ...options });

  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    clock = fakeClock();
  });

  it("sends HTTP Basic auth from the key and returns the envelope's result", async () => {
    const service = await api().call<{ iamRole: string }>("GET", SERVICE);
    assert.equal(service.iamRole, SERVICE_ROLE);
    assert.deepEqual(fake.requests.map((r) => [r.method, r.path, r.authorization]), [["GET", SERVICE, `Basic ${BASIC}`]]);
  });

  it("passes the API's error text through verbatim", async () => {
    const text = 'BAD_REQUEST: Failed to validate source: failed to connect to `host=orders-postgres.c1abcdefghij.eu-west-1.rds.amazonaws.com user=clickpipes_iam_user database=orders`: PAM authentication failed for user "clickpipes_iam_user"';
    fake.script({ method: "POST", status: 400, body: text });
    const err = await failureOf(api().call("POST", `${SERVICE}/clickpipes`, { name: "x" }));
    assert.equal(err.message, `ClickHouse Cloud API POST /v1${SERVICE}/clickpipes failed with HTTP 400: ${text}`);
    assert.deepEqual([err.status, err.apiError, err.method, err.path], [400, text, "POST", `/v1${SERVICE}/clickpipes`]);
    assert.deepEqual(clock.sleeps, [], "a 400 is not retried");
  });

  it("retries a 429, waiting as long as Retry-After asks", async () => {
    fake.script({ status: 429, body: "TOO_MANY_REQUESTS: Rate limit exceeded", headers: { "Retry-After": "7" } });
    await api().call("GET", SERVICE);
    assert.deepEqual(clock.sleeps, [7000]);
    assert.equal(fake.requests.length, 2);
  });

  it("retries a 429 without Retry-After as the Terraform provider does, by X-RateLimit-Reset", async () => {
    fake.script({ status: 429, body: "TOO_MANY_REQUESTS", headers: { "X-RateLimit-Reset": "3" } }, { status: 429, body: "TOO_MANY_REQUESTS" });
    await api().call("GET", SERVICE);
    assert.deepEqual(clock.sleeps, [3000, 2000]);
  });

  it("retries a throttled POST: the request was refused, not processed", async () => {
    fake.script({ method: "POST", status: 429, body: "TOO_MANY_REQUESTS" });
    await failureOf(api().call("POST", `${SERVICE}/clickpipes`, {}));
    assert.deepEqual(fake.calls(), [`POST ${SERVICE}/clickpipes`, `POST ${SERVICE}/clickpipes`]);
  });

  it("retries 5xx with capped exponential backoff, then returns the answer", async () => {
    fake.script({ status: 503, body: "SERVICE_UNAVAILABLE" }, { status: 500, body: "INTERNAL" }, { status: 502, body: "BAD_GATEWAY" });
    await api().call("GET", SERVICE);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000]);
    assert.equal(fake.requests.length, 4);
  });

  it("gives up after the last attempt with the last answer", async () => {
    fake.script(...Array.from({ length: 6 }, () => ({ status: 503, body: "SERVICE_UNAVAILABLE: try later" })));
    const err = await failureOf(api().call("GET", SERVICE));
    assert.equal(err.message, `ClickHouse Cloud API GET /v1${SERVICE} failed with HTTP 503 (6 attempts): SERVICE_UNAVAILABLE: try later`);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 8000, 16000]);
  });

  it("stops retrying when the call's time is up", async () => {
    fake.script(...Array.from({ length: 6 }, () => ({ status: 500, body: "INTERNAL" })));
    const err = await failureOf(api({ callTimeoutMs: 5_000 }).call("GET", SERVICE));
    assert.equal(err.message, `ClickHouse Cloud API GET /v1${SERVICE} failed with HTTP 500 (3 attempts in 3 s): INTERNAL`);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });

  it("never repeats a POST after a 5xx: it may have created something", async () => {
    fake.script({ method: "POST", status: 500, body: "INTERNAL: something went wrong" });
    const err = await failureOf(api().call("POST", `${SERVICE}/clickpipes`, {}));
    assert.equal(err.status, 500);
    assert.equal(fake.requests.length, 1);
  });

  it("aborts an attempt that gets no answer in time, retries it, then says so", async () => {
    fake.script({ status: 200, delayMs: 1_000 }, { status: 200, delayMs: 1_000 });
    const err = await failureOf(api({ requestTimeoutMs: 100, maxAttempts: 2 }).call("GET", SERVICE));
    assert.equal(err.message, `ClickHouse Cloud API GET /v1${SERVICE} failed: no answer within 0.1 s (2 attempts).`);
    assert.equal(err.status, 0);
  });

  it("retries a connection that is refused, and names the failure", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const client = clickHouseApi({ apiUrl: `http://127.0.0.1:${port}/v1`, keyId: TEST_KEY_ID, keySecret: TEST_KEY_SECRET }, { clock, maxAttempts: 2 });
    const err = await failureOf(client.call("GET", SERVICE));
    assert.equal(err.message, `ClickHouse Cloud API GET /v1${SERVICE} failed: ECONNREFUSED (2 attempts).`);
  });

  it("never shows the key secret, not even when the API echoes it back", async () => {
    fake.script({ status: 400, body: `BAD_REQUEST: header was Basic ${BASIC}; secret ${TEST_KEY_SECRET}` });
    const err = await failureOf(api().call("GET", SERVICE));
    assert.equal(err.message, `ClickHouse Cloud API GET /v1${SERVICE} failed with HTTP 400: BAD_REQUEST: header was Basic [secret]; secret [secret]`);
    assert.ok(!err.apiError.includes(TEST_KEY_SECRET) && !err.apiError.includes(BASIC));
    assert.ok(!JSON.stringify(err).includes(TEST_KEY_SECRET) && !String(err.stack).includes(TEST_KEY_SECRET));
  });

  it("hides a wrong key's secret in the 401 it gets", async () => {
    fake.echoAuthorization = true;
    const wrong = "wrong-secret-0c9d8e7f";
    const err = await failureOf(api({}, wrong).call("GET", SERVICE));
    assert.equal(err.status, 401);
    const header = Buffer.from(`${TEST_KEY_ID}:${wrong}`).toString("base64");
    assert.ok(!err.message.includes(wrong) && !err.message.includes(header), err.message);
    assert.match(err.message, /got Basic \[secret\]/);
  });

  it("takes HTTPS base URLs, plain HTTP only to loopback, and nothing with credentials", () => {
    assert.equal(checkedApiUrl("https://api.clickhouse.cloud/v1/"), "https://api.clickhouse.cloud/v1");
    assert.equal(checkedApiUrl("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1");
    assert.throws(() => checkedApiUrl("http://api.clickhouse.cloud/v1"), {
      message: '`apiUrl` "http://api.clickhouse.cloud/v1" is not HTTPS, so the API key would travel in clear text; use "https://api.clickhouse.cloud/v1".',
    });
    assert.throws(() => checkedApiUrl("https://key:secret@api.clickhouse.cloud/v1"), {
      message: '`apiUrl` "https://key:secret@api.clickhouse.cloud/v1" has credentials, a query or a fragment; use a plain base URL such as "https://api.clickhouse.cloud/v1".',
    });
    assert.throws(() => checkedApiUrl("api.clickhouse.cloud"), { message: '`apiUrl` "api.clickhouse.cloud" is not a URL; use "https://api.clickhouse.cloud/v1".' });
  });

  it("reads Retry-After as seconds or as a date, and X-RateLimit-Reset as seconds", () => {
    const now = Date.parse("2026-11-02T10:00:00Z");
    assert.equal(retryAfterMs("12", null, now), 12_000);
    assert.equal(retryAfterMs("Mon, 02 Nov 2026 10:00:30 GMT", null, now), 30_000);
    assert.equal(retryAfterMs(null, "4", now), 4_000);
    assert.equal(retryAfterMs("soon", null, now), undefined);
    assert.equal(retryAfterMs(null, null, now), undefined);
  });

  it("redacts every occurrence of every secret", () => {
    assert.equal(redact("a s3cr3t b s3cr3t c", ["s3cr3t", ""]), "a [secret] b [secret] c");
  });
});
