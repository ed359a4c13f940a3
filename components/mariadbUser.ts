/**
 * The MariaDB IAM user: a Pulumi dynamic resource that runs the `components/sql.ts` statements
 * over `mysql2`, so it executes exactly what `setupSql` shows.
 *
 * Why not @pulumi/mysql: it bundles the archived upstream MySQL provider v1.9.0, whose
 * `CreateUser` and `CreateGrant` first call `serverVersion()` (mysql/provider.go), which runs
 * `SELECT @@GLOBAL.innodb_version`. MariaDB removed that variable in 10.10 and RDS supports IAM
 * auth on MariaDB only from 10.11, so that provider cannot create this user on any MariaDB that
 * could use it.
 *
 * The resource remembers what it added: the user itself (dropped on delete) or, for a user that
 * already existed and was adopted on request (`adoptExistingUser`, never dropped), each grant, each
 * CDC privilege and `REQUIRE SSL` on their own, so that delete undoes exactly that. `read` reports
 * what the server holds, so that `pulumi refresh` then `pulumi up` repairs a user dropped or
 * changed by hand. That logic is in `mariadbUserPlan.ts`; the admin connection (TLS verified
 * against the Amazon RDS certificate authorities by default) is in `database/mysqlSession.ts`;
 * this file is the resource around them.
 */
import * as pulumi from "@pulumi/pulumi";
import { AdminConnectionSettings, withAdmin } from "./database/mysqlSession";
import { claimMariaDbUser, parentUrnOf } from "./database/userClaims";
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
  unique,
  updateIamUser,
} from "./mariadbUserPlan";
import { MY_CDC_PRIVILEGES } from "./sql";

export { AdminConnectionSettings, AdminSession, adminConnectionOptions, connectAdmin } from "./database/mysqlSession";

export interface MariaDbIamUserArgs {
  /** Endpoint address of the RDS for MariaDB instance; the server's certificate must name it. */
  readonly host: pulumi.Input<string>;
  /** Endpoint port of the instance. */
  readonly port: pulumi.Input<number>;
  /**
   * The RDS resource ID (`db-…`) of the instance. With it, a new `host` or `port` under the same
   * ID is the same server at a new address (an endpoint rename, a port change): the resource
   * records it in place and keeps the user, instead of replacing it, which would first have to
   * drop the user through the old address. Without it, a new `host` or `port` replaces the user.
   */
  readonly resourceId?: pulumi.Input<string>;
  /** Admin (master) user that creates the IAM user and its grants. */
  readonly adminUsername: pulumi.Input<string>;
  /** Password of the admin user; kept secret in the state. */
  readonly adminPassword: pulumi.Input<string>;
  /** The IAM-authenticated user to create, as `'username'@'%'`. */
  readonly username: string;
  /** Databases the user may read: `SELECT` on each. */
  readonly databases: pulumi.Input<string[]>;
  /** Adds `REPLICATION CLIENT, REPLICATION SLAVE ON *.*` for CDC. */
  readonly cdc: pulumi.Input<boolean>;
  /**
   * Take over a user that already exists: it gets `REQUIRE SSL` and the grants it lacks, and
   * delete undoes exactly those, never dropping it. MariaDB keeps no note of who created a user, so
   * whoever did (another stack, another component) still drops it, grants and all, when they
   * destroy theirs. Without it, an existing user is refused.
   * @default false
   */
  readonly adoptExistingUser?: pulumi.Input<boolean>;
  /**
   * TLS on the admin connection. False sends the admin password in clear text.
   * @default true
   */
  readonly tls?: pulumi.Input<boolean>;
  /**
   * Verify the server before sending it the admin password: its certificate must chain to an
   * Amazon RDS certificate authority (or to `tlsCa`) and name `host`. `false` still encrypts but
   * is insecure: a server impersonating the endpoint receives the admin password.
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsVerify?: pulumi.Input<boolean>;
  /**
   * PEM of the certificate authorities to verify the server against, instead of the Amazon RDS
   * ones this package ships (say, a region's RDS bundle that package lacks).
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsCa?: pulumi.Input<string>;
}

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

function settingsOf(i: MariaDbIamUserInputs): AdminConnectionSettings {
  return {
    host: i.host,
    port: i.port,
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    tls: i.tls ?? true,
    ...(i.tlsVerify === undefined ? {} : { tlsVerify: i.tlsVerify }),
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
  };
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
    return await withAdmin(settingsOf(o), (conn) => {
      connected = true;
      return work(conn);
    });
  } catch (e) {
    if (connected || !(e instanceof Error)) throw e;
    throw new Error(staleSettingsMessage(op, id, o, e), { cause: e });
  }
}

/** @internal The dynamic provider. It always uses the AWS auth clause: no test option reaches it. */
export const mariaDbIamUserProvider: pulumi.dynamic.ResourceProvider<MariaDbIamUserInputs, MariaDbIamUserOutputs> = {
  async diff(_id: string, olds: MariaDbIamUserOutputs, news: MariaDbIamUserInputs) {
    return diffIamUser(olds, news);
  },
  async create(inputs: MariaDbIamUserInputs) {
    const state = await withAdmin(settingsOf(inputs), (conn) => createIamUser(conn, specOf(inputs)));
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
    const state = await withAdmin(settingsOf(news), (conn) => updateIamUser(conn, old, specOf(news)));
    return { outs: outputsOf(news, state) };
  },
  async delete(id: string, props: MariaDbIamUserOutputs) {
    await withStateSettings("drop or revoke", id, props, (conn) => deleteIamUser(conn, stateOf(props)));
  },
};

/** @internal The resource's property bag: the args (password made secret) plus its output-only properties. */
export function mariaDbIamUserProps(args: MariaDbIamUserArgs): pulumi.Inputs {
  return {
    host: args.host,
    port: args.port,
    resourceId: args.resourceId,
    adminUsername: args.adminUsername,
    adminPassword: pulumi.secret(args.adminPassword),
    username: args.username,
    databases: args.databases,
    cdc: args.cdc,
    adoptExistingUser: args.adoptExistingUser,
    tls: args.tls ?? true,
    tlsVerify: args.tlsVerify,
    tlsCa: args.tlsCa,
    userCreated: undefined,
    grantedDatabases: undefined,
    grantedPrivileges: undefined,
    addedRequireSsl: undefined,
    userExists: undefined,
    plugin: undefined,
    requireSsl: undefined,
  };
}

/** @internal The caller's options, with the admin password added to the secret outputs. */
export function mariaDbIamUserOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: unique([...(opts?.additionalSecretOutputs ?? []), "adminPassword"]) };
}

/**
 * The MariaDB user that ClickPipes logs in as with IAM (`IDENTIFIED VIA AWSAuthenticationPlugin
 * USING 'RDS' REQUIRE SSL`), with `SELECT` on each database and, for CDC, replication privileges.
 * An existing user is refused, or with `adoptExistingUser` taken over (never dropped). Two of these
 * for the same user on the same server in one program are refused.
 */
export class MariaDbIamUser extends pulumi.dynamic.Resource {
  /** The IAM user's name (host `%`). */
  declare public readonly username: pulumi.Output<string>;
  /** Databases the user may read (after a refresh: those it still holds). */
  declare public readonly databases: pulumi.Output<string[]>;
  /** Whether the user has the CDC privileges. */
  declare public readonly cdc: pulumi.Output<boolean>;
  /** False when the user already existed (adopted, never dropped). */
  declare public readonly userCreated: pulumi.Output<boolean>;

  constructor(name: string, args: MariaDbIamUserArgs, opts?: pulumi.CustomResourceOptions) {
    // The registration waits on the claim: a duplicate fails it before anything is created.
    const host = pulumi.all([args.host, args.port, parentUrnOf(opts)]).apply(([h, port, parent]) => {
      claimMariaDbUser({ host: h, port, username: args.username, name, owner: `${parent}::${name}` });
      return h;
    });
    super(mariaDbIamUserProvider, name, mariaDbIamUserProps({ ...args, host }), mariaDbIamUserOptions(opts));
  }
}
