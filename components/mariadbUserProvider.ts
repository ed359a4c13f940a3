/**
 * The MariaDB IAM user's operations (create, read, update, delete, diff) as plain async functions
 * over plain inputs: `mariadbUser.ts` is the Pulumi resource around them, and `providers.ts` serves
 * them to the Pulumi state. The plan of statements is in `mariadbUserPlan.ts`, the admin connection
 * in `database/mysqlSession.ts`. Loads no Pulumi module at run time, and mysql2 only when connecting.
 */
import type * as pulumi from "@pulumi/pulumi";
import { adminConnectionSettings } from "./database/adminConnectionArgs";
import { withAdmin } from "./database/mysqlSession";
import {
  HeldGrants,
  IamUserSpec,
  IamUserState,
  createIamUser,
  deleteIamUser,
  expectedPlugin,
  holdsDatabase,
  holdsPrivilege,
  readHeldGrants,
  requiresTls,
  sameSpec,
  updateIamUser,
} from "./mariadbUserPlan";
import { MY_CDC_PRIVILEGES } from "./sql";

/** @internal The dynamic provider's inputs: the args, resolved. */
export interface MariaDbIamUserInputs {
  host: string;
  port: number;
  resourceId?: string;
  adminUsername: string;
  adminPassword: string;
  username: string;
  databases: string[];
  cdc: boolean;
  adoptExistingUser?: boolean;
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCa?: string;
}

/** @internal The dynamic provider's outputs: the inputs, what the resource added, and what the server held. */
export interface MariaDbIamUserOutputs extends MariaDbIamUserInputs {
  userCreated: boolean;
  grantedDatabases: string[];
  /** The CDC privileges this resource added, each on its own (absent in states written before it: see `grantedCdc`). */
  grantedPrivileges?: string[];
  /** States written before `grantedPrivileges`: true when this resource added both CDC privileges. */
  grantedCdc?: boolean;
  /** True when this resource added `REQUIRE SSL` to an adopted user. */
  addedRequireSsl?: boolean;
  /** What the server held at the last create, update or refresh (absent in older states: no drift known). */
  userExists?: boolean;
  plugin?: string;
  requireSsl?: boolean;
}

/** Inputs whose change means another user (or, without `resourceId`, another server): replace, deleting first. */
const REPLACE_ON: readonly (keyof MariaDbIamUserInputs)[] = ["username"];
/** Inputs changed in place: the grants, and how to connect. */
const UPDATE_ON: readonly (keyof MariaDbIamUserInputs)[] = [
  "host",
  "port",
  "resourceId",
  "adminUsername",
  "adminPassword",
  "databases",
  "cdc",
  "adoptExistingUser",
  "tls",
  "tlsVerify",
  "tlsCa",
];

const DEFAULTS: Partial<Record<keyof MariaDbIamUserInputs, unknown>> = { tls: true, tlsVerify: true, adoptExistingUser: false };

function inputValue(i: MariaDbIamUserInputs, key: keyof MariaDbIamUserInputs): string {
  return JSON.stringify(i[key] ?? DEFAULTS[key]) ?? "undefined";
}

/**
 * @internal Whether the server held something else than the resource made, at the last refresh: the
 * user gone, another plugin, no TLS required. A refreshed state also lists only the databases and
 * CDC privileges the user still holds, so that those differ from the inputs.
 */
export function drifted(o: MariaDbIamUserOutputs): boolean {
  return o.userExists === false || o.requireSsl === false || (o.plugin !== undefined && o.plugin !== expectedPlugin());
}

/**
 * @internal The diff. A new `host` or `port` replaces only when the server is not known to be the
 * same: both states name a `resourceId` and they differ, or either lacks one. Replacement deletes
 * first: the old and the new resource may well name the same user on the same server, and
 * create-before-delete would then take the user over and afterwards drop it. A drifted state
 * (see `drifted`) is a change, so that `pulumi up` after `pulumi refresh` repairs it.
 */
export function diffIamUser(olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs): pulumi.dynamic.DiffResult {
  const differs = (key: keyof MariaDbIamUserInputs) => inputValue(olds, key) !== inputValue(news, key);
  const sameServer = olds.resourceId !== undefined && news.resourceId !== undefined && olds.resourceId === news.resourceId;
  const otherServer = olds.resourceId !== undefined && news.resourceId !== undefined && olds.resourceId !== news.resourceId;
  const addressReplaces = sameServer ? [] : (["host", "port"] as const).filter(differs);
  const replaces: string[] = [...REPLACE_ON.filter(differs), ...addressReplaces, ...(otherServer ? ["resourceId"] : [])];
  return { changes: replaces.length > 0 || UPDATE_ON.some(differs) || drifted(olds), replaces, deleteBeforeReplace: replaces.length > 0 };
}

function specOf(i: MariaDbIamUserInputs): IamUserSpec {
  return { username: i.username, databases: i.databases, cdc: i.cdc, adoptExistingUser: i.adoptExistingUser ?? false };
}

/** @internal The state the plan works from; states written before `grantedPrivileges` read `grantedCdc` as both privileges. */
export function stateOf(o: MariaDbIamUserOutputs): IamUserState {
  return {
    ...specOf(o),
    userCreated: o.userCreated,
    grantedDatabases: o.grantedDatabases,
    grantedPrivileges: o.grantedPrivileges ?? (o.grantedCdc === true ? [...MY_CDC_PRIVILEGES] : []),
    addedRequireSsl: o.addedRequireSsl ?? false,
  };
}

/** The inputs as they are stored: defaults written out, unset optional ones left out. */
function storedInputs(i: MariaDbIamUserInputs): MariaDbIamUserInputs {
  return {
    host: i.host,
    port: i.port,
    ...(i.resourceId === undefined ? {} : { resourceId: i.resourceId }),
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    username: i.username,
    databases: [...i.databases],
    cdc: i.cdc,
    ...(i.adoptExistingUser === undefined ? {} : { adoptExistingUser: i.adoptExistingUser }),
    tls: i.tls ?? true,
    ...(i.tlsVerify === undefined ? {} : { tlsVerify: i.tlsVerify }),
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
  };
}

/** @internal The outputs after create or update: the user is as the plan made it. */
export function outputsOf(i: MariaDbIamUserInputs, s: IamUserState): MariaDbIamUserOutputs {
  return {
    ...storedInputs(i),
    databases: [...s.databases],
    cdc: s.cdc,
    userCreated: s.userCreated,
    grantedDatabases: [...s.grantedDatabases],
    grantedPrivileges: [...s.grantedPrivileges],
    addedRequireSsl: s.addedRequireSsl,
    userExists: true,
    plugin: expectedPlugin(),
    requireSsl: true,
  };
}

/**
 * @internal The outputs as a refresh sees the server: the databases and CDC privileges the user
 * still holds (of those asked for, and of those this resource added), whether it exists, its plugin
 * and whether it requires TLS. The inputs stay as they were, so the next diff sees the difference.
 */
export function observedOutputs(o: MariaDbIamUserOutputs, held: HeldGrants): MariaDbIamUserOutputs {
  const state = stateOf(o);
  const { grantedCdc: _legacy, ...rest } = o;
  void _legacy;
  return {
    ...rest,
    databases: o.databases.filter((db) => holdsDatabase(held, db)),
    cdc: o.cdc && held.exists && MY_CDC_PRIVILEGES.every((p) => holdsPrivilege(held, p)),
    grantedDatabases: state.grantedDatabases.filter((db) => holdsDatabase(held, db)),
    grantedPrivileges: state.grantedPrivileges.filter((p) => held.exists && holdsPrivilege(held, p)),
    addedRequireSsl: state.addedRequireSsl && held.sslType === "ANY",
    userExists: held.exists,
    plugin: held.plugin,
    requireSsl: held.exists && requiresTls(held),
  };
}

/** What an operation on the user was doing, for messages. */
type Operation = "drop or revoke" | "read";

/**
 * @internal The message for a delete or read that cannot reach the server with the settings of the
 * state (the only ones Pulumi passes them): what failed, where, and the way out.
 */
export function staleSettingsMessage(op: Operation, id: string, o: MariaDbIamUserOutputs, cause: Error): string {
  const reason = cause.message.charAt(0).toLowerCase() + cause.message.slice(1);
  const first = `Cannot ${op} MariaDB IAM user "${o.username}" with the settings in the Pulumi state: ${reason}`;
  const settings = "if the admin password or the endpoint changed since, run `pulumi up` with the new settings first (with nothing else changed, it only records them), then try again";
  if (op === "read") return `${first}; ${settings}.`;
  return (
    `${first}; ${settings}; if the server is gone, or you dropped the user by hand (DROP USER '${o.username}'@'%';), ` +
    `remove the resource from the state with \`pulumi state delete <URN>\` (\`pulumi stack --show-urns\` lists the URN of the resource with ID "${id}") and run \`pulumi up\` again.`
  );
}

/** Runs `work` on the admin connection of the state's settings; a failed connection gets `staleSettingsMessage`. */
async function withStateSettings<T>(op: Operation, id: string, o: MariaDbIamUserOutputs, work: Parameters<typeof withAdmin<T>>[1]): Promise<T> {
  let connected = false;
  try {
    return await withAdmin(adminConnectionSettings(o), (conn) => {
      connected = true;
      return work(conn);
    });
  } catch (e) {
    if (connected || !(e instanceof Error)) throw e;
    throw new Error(staleSettingsMessage(op, id, o, e), { cause: e });
  }
}

/**
 * @internal The operations of the dynamic resource, served to the Pulumi state through the stable
 * entry `clickpipes-rds-iam/providers` (`providers.ts`). It always uses the AWS auth clause: no test
 * option reaches it.
 */
export const mariaDbIamUserProvider: pulumi.dynamic.ResourceProvider<MariaDbIamUserInputs, MariaDbIamUserOutputs> = {
  async diff(_id: string, olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs) {
    return diffIamUser(olds, news);
  },
  async create(inputs: MariaDbIamUserInputs) {
    const state = await withAdmin(adminConnectionSettings(inputs), (conn) => createIamUser(conn, specOf(inputs)));
    return { id: `${inputs.host}:${inputs.port}/${inputs.username}`, outs: outputsOf(inputs, state) };
  },
  async read(id: string, props?: MariaDbIamUserOutputs) {
    // `.get` and `pulumi import` read without a state: there is no admin connection to read with.
    if (props === undefined) throw new Error(`MariaDB IAM user "${id}" cannot be read without its state (admin connection and ownership); create it with \`pulumi up\` instead of importing it.`);
    const held = await withStateSettings("read", id, props, (conn) => readHeldGrants(conn, props.username));
    return { id, props: observedOutputs(props, held) };
  },
  async update(_id: string, olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs) {
    const old = stateOf(olds);
    // Only how to connect changed (a rotated password, a renamed endpoint): nothing to run, no connection needed.
    if (sameSpec(old, specOf(news)) && !drifted(olds)) return { outs: outputsOf(news, old) };
    const state = await withAdmin(adminConnectionSettings(news), (conn) => updateIamUser(conn, old, specOf(news)));
    return { outs: outputsOf(news, state) };
  },
  async delete(id: string, props: MariaDbIamUserOutputs) {
    await withStateSettings("drop or revoke", id, props, (conn) => deleteIamUser(conn, stateOf(props)));
  },
};
