/**
 * The ClickPipe's create, read, update and delete, as plain async functions over plain values,
 * and the dynamic provider that calls them. Its code is serialized into the state and re-run by
 * later `refresh`/`destroy`: it references only this module, `clickPipeSpec.ts`, `api.ts` and
 * ../aws/retry.ts, which import nothing else at run time (Node's global `fetch` does the HTTP).
 *
 * The flow follows ClickHouse/terraform-provider-clickhouse v3.25.3
 * internal/service/clickhouse/resource/clickpipe.go: `Create` posts, then waits for the state;
 * `Update` pauses a CDC pipe before a mapping edit (the API answers "… ClickPipe must be paused to
 * edit" otherwise), patches, then starts or stops the pipe as wanted ("ClickPipe is already
 * running" is success); `Delete` deletes. The API key is sent only in the `Authorization` header
 * and is cut out of every error message (api.ts).
 */
import type { dynamic } from "@pulumi/pulumi";
import { backoffMs, errorMessage, minutesText } from "../aws/retry";
import { ApiClock, ApiOptions, ClickHouseApi, ClickHouseApiError, clickHouseApi, isNotFound, realApiClock } from "./api";
import {
  ApiClickPipe,
  ClickPipeInputs,
  ClickPipeOutputs,
  Progress,
  diffClickPipe,
  editsMappings,
  mappingFailures,
  observed,
  patchRequest,
  pipePath,
  pipesPath,
  progressOf,
  stateCommand,
  createRequest,
  hasUnknowns,
  STOPPED_STATES,
} from "./clickPipeSpec";

/** Time between two reads of a pipe's state while waiting. */
export const POLL_INTERVAL_MS = 10_000;
/** Attempts at a create whose POST failed without an answer, after checking that nothing was created. */
export const CREATE_ATTEMPTS = 3;

/** What the functions need besides their inputs; specs inject a clock and shorter timeouts. */
export interface ProviderDeps {
  clock?: ApiClock;
  api?: ApiOptions;
}

function apiFor(p: ClickPipeInputs, deps: ProviderDeps): ClickHouseApi {
  return clickHouseApi({ apiUrl: p.apiUrl, keyId: p.apiKeyId, keySecret: p.apiKeySecret }, { clock: deps.clock, ...deps.api });
}

function label(p: ClickPipeInputs, id: string): string {
  return `ClickPipe ${JSON.stringify(p.pipeName)} (${id})`;
}

/** A failure after the pipe exists: the dynamic-provider host records `id` and `properties` as its state. */
function partial(message: string, id: string, outs: ClickPipeOutputs): Error {
  return Object.assign(new Error(message), { id, properties: outs });
}

/** Reads the pipe until its state is `done` (returns it) or `failed`, or the wait is over (throws). */
async function waitForState(api: ClickHouseApi, p: ClickPipeInputs, id: string, want: (state: string) => Progress, clock: ApiClock): Promise<string> {
  const started = clock.now();
  for (;;) {
    const pipe = await api.call<ApiClickPipe>("GET", pipePath(p, id));
    const state = pipe.state ?? "Unknown";
    const progress = want(state);
    if (progress === "done") return state;
    if (progress === "failed") {
      throw Object.assign(
        new Error(`${label(p, id)} is in state ${JSON.stringify(state)}; ClickPipes shows why in the pipe's Logs in the ClickHouse Cloud console; fix the cause and run \`pulumi up\` again, which starts the pipe again.`),
        { state },
      );
    }
    if (clock.now() - started + POLL_INTERVAL_MS > p.waitTimeoutMinutes * 60_000) {
      throw Object.assign(
        new Error(`${label(p, id)} was still in state ${JSON.stringify(state)} after ${minutesText(p.waitTimeoutMinutes)} (\`waitTimeoutMinutes\`); run \`pulumi up\` again to keep waiting, or raise \`waitTimeoutMinutes\`.`),
        { state },
      );
    }
    await clock.sleep(POLL_INTERVAL_MS);
  }
}

function wanted(p: ClickPipeInputs): (state: string) => Progress {
  return (state) => progressOf(state, p.source.settings.replicationMode, p.stopped);
}

/** Sends a state command; "already running" answers a start that the API's own resume overtook. */
async function sendCommand(api: ClickHouseApi, p: ClickPipeInputs, id: string, command: "start" | "stop" | "resync"): Promise<void> {
  try {
    await api.call("PATCH", `${pipePath(p, id)}/state`, { command });
  } catch (err) {
    if (command === "start" && err instanceof ClickHouseApiError && err.status === 400 && /already running/i.test(err.apiError)) return;
    throw err;
  }
}

/**
 * Posts the pipe. A POST is never blindly repeated: when it failed without a definite answer
 * (5xx, no response), a pipe of this name on this host is looked for first and adopted.
 */
async function postPipe(api: ClickHouseApi, p: ClickPipeInputs, clock: ApiClock): Promise<ApiClickPipe> {
  for (let n = 1; ; n++) {
    try {
      return await api.call<ApiClickPipe>("POST", pipesPath(p), createRequest(p));
    } catch (err) {
      const unanswered = err instanceof ClickHouseApiError && (err.status === 0 || err.status >= 500);
      if (!unanswered) throw err;
      const existing = (await api.call<ApiClickPipe[]>("GET", pipesPath(p))) ?? [];
      const ours = existing.find((x) => x.name === p.pipeName && (x.source?.postgres ?? x.source?.mysql)?.host === p.source.host);
      if (ours !== undefined) return ours;
      if (n >= CREATE_ATTEMPTS) throw err;
      await clock.sleep(backoffMs(n));
    }
  }
}

/** Creates the pipe and waits until it runs (or, with `stopped`, is paused). */
export async function createClickPipe(inputs: ClickPipeInputs, deps: ProviderDeps = {}): Promise<{ id: string; outs: ClickPipeOutputs }> {
  const clock = deps.clock ?? realApiClock;
  const api = apiFor(inputs, deps);
  const created = await postPipe(api, inputs, clock);
  const id = created.id;
  let outs: ClickPipeOutputs = { ...inputs, clickPipeId: id, state: created.state ?? "Unknown" };
  try {
    // Created running: wait for that first, then stop it if asked (the API creates no stopped pipe).
    outs = { ...outs, state: await waitForState(api, inputs, id, wanted({ ...inputs, stopped: false }), clock) };
    if (inputs.stopped) {
      await sendCommand(api, inputs, id, "stop");
      outs = { ...outs, state: await waitForState(api, inputs, id, wanted(inputs), clock) };
    }
    return { id, outs };
  } catch (err) {
    const state = (err as { state?: unknown }).state;
    throw partial(errorMessage(err), id, { ...outs, state: typeof state === "string" ? state : outs.state });
  }
}

/** Reads the pipe; `props` undefined when it is gone. */
export async function readClickPipe(id: string, props: ClickPipeOutputs, deps: ProviderDeps = {}): Promise<{ id: string; props?: ClickPipeOutputs }> {
  try {
    const pipe = await apiFor(props, deps).call<ApiClickPipe>("GET", pipePath(props, id));
    return { id, props: observed(props, pipe) };
  } catch (err) {
    if (isNotFound(err)) return { id: "" };
    throw err;
  }
}

/** Pauses a pipe for an edit; returns whether a stop was sent. */
async function pauseForEdit(api: ClickHouseApi, p: ClickPipeInputs, id: string, state: string, clock: ApiClock): Promise<boolean> {
  if (STOPPED_STATES.includes(state)) return false;
  await sendCommand(api, p, id, "stop");
  await waitForState(api, p, id, (s) => (STOPPED_STATES.includes(s) ? "done" : "waiting"), clock);
  return true;
}

/**
 * Updates the pipe in place: the PATCH for what changed (pausing the pipe for a mapping edit),
 * then start/stop as wanted, a resync when `resyncTrigger` changed, and the wait.
 */
export async function updateClickPipe(id: string, olds: ClickPipeOutputs, news: ClickPipeInputs, deps: ProviderDeps = {}): Promise<{ outs: ClickPipeOutputs }> {
  const clock = deps.clock ?? realApiClock;
  const api = apiFor(news, deps);
  const clickPipeId = olds.clickPipeId ?? id;
  // What the pipe holds so far: the state on failure, so that the next `up` retries the rest.
  let applied: ClickPipeInputs = { ...olds, apiKeyId: news.apiKeyId, apiKeySecret: news.apiKeySecret, apiUrl: news.apiUrl, waitTimeoutMinutes: news.waitTimeoutMinutes };
  let state = olds.state;
  let pausedForEdit = false;
  try {
    state = (await api.call<ApiClickPipe>("GET", pipePath(news, id))).state ?? state;
    const body = patchRequest(olds, news);
    if (state === "Completed" && (body !== undefined || news.stopped)) {
      // As the Terraform provider: a snapshot-only pipe that is done takes a resync only.
      throw new Error(`${label(news, id)} has completed its initial load, and ClickPipes changes such a pipe only by a resync; set a new \`resyncTrigger\`, or replace the pipe.`);
    }
    if (body !== undefined) {
      if (editsMappings(body)) pausedForEdit = await pauseForEdit(api, news, id, state, clock);
      try {
        await api.call("PATCH", pipePath(news, id), body);
      } catch (err) {
        // The API may want a pause this module did not foresee: pause and try once more.
        if (pausedForEdit || !(err instanceof ClickHouseApiError && err.status === 400 && /must be paused/i.test(err.apiError))) throw err;
        pausedForEdit = await pauseForEdit(api, news, id, state, clock);
        await api.call("PATCH", pipePath(news, id), body);
      }
    }
    applied = { ...news, resyncTrigger: olds.resyncTrigger };
    // Read again only after a PATCH (or a pause), which moves the state; else the first read holds.
    if (body !== undefined) state = (await api.call<ApiClickPipe>("GET", pipePath(news, id))).state ?? "Unknown";
    const command = stateCommand(state, news.stopped);
    if (command !== undefined) await sendCommand(api, news, id, command);
    if (news.resyncTrigger !== undefined && news.resyncTrigger !== olds.resyncTrigger) await sendCommand(api, news, id, "resync");
    applied = news;
    state = await waitForState(api, news, id, wanted(news), clock);
    return { outs: { ...news, clickPipeId, state } };
  } catch (err) {
    // Never leave a pipe paused by this update when it should run.
    if (pausedForEdit && !news.stopped) await sendCommand(api, news, id, "start").catch(() => undefined);
    const seen = (err as { state?: unknown }).state;
    throw partial(errorMessage(err), id, { ...applied, clickPipeId, state: typeof seen === "string" ? seen : state });
  }
}

/** Deletes the pipe (gone already is fine) and waits until the API no longer has it. */
export async function deleteClickPipe(id: string, props: ClickPipeOutputs, deps: ProviderDeps = {}): Promise<void> {
  const clock = deps.clock ?? realApiClock;
  const api = apiFor(props, deps);
  try {
    await api.call("DELETE", pipePath(props, id));
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const started = clock.now();
  for (;;) {
    try {
      await api.call("GET", pipePath(props, id));
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (clock.now() - started + POLL_INTERVAL_MS > props.waitTimeoutMinutes * 60_000) {
      throw new Error(`${label(props, id)} was still listed ${minutesText(props.waitTimeoutMinutes)} after it was deleted (\`waitTimeoutMinutes\`); run the Pulumi command again.`);
    }
    await clock.sleep(POLL_INTERVAL_MS);
  }
}

/** Refuses mapping lists the API cannot apply, before any call. */
export function checkClickPipe(olds: Partial<ClickPipeInputs> | undefined, news: ClickPipeInputs): { inputs: ClickPipeInputs; failures: Array<{ property: string; reason: string }> } {
  if (!Array.isArray(news.tableMappings) || hasUnknowns(news.tableMappings)) return { inputs: news, failures: [] };
  const previous = Array.isArray(olds?.tableMappings) && !hasUnknowns(olds?.tableMappings) ? olds?.tableMappings : undefined;
  return { inputs: news, failures: mappingFailures(previous, news.tableMappings).map((reason) => ({ property: "tableMappings", reason })) };
}

/** The dynamic provider: thin wrappers over the functions above. */
export const clickPipeProvider: dynamic.ResourceProvider<ClickPipeInputs, ClickPipeOutputs> = {
  check: async (olds, news) => checkClickPipe(olds, news),
  diff: async (_id, olds, news) => diffClickPipe(olds, news),
  create: async (inputs) => createClickPipe(inputs),
  read: async (id, props) => (props === undefined ? { id } : readClickPipe(id, props)),
  update: async (id, olds, news) => updateClickPipe(id, olds, news),
  delete: async (id, props) => deleteClickPipe(id, props),
};
