/**
 * The PostgreSQL publication's operations as plain async functions over plain inputs:
 * `postgresPublication.ts` is the Pulumi resource around them, and `providers.ts` serves them to
 * the Pulumi state. The SQL is in `database/publication.ts`. Loads no Pulumi module at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PublicationScope } from "./checks/readiness";
import { adminConnectionSettings } from "./database/adminConnectionArgs";
import { PgSession, withPostgres } from "./database/pgSession";
import { HeldPublication, HeldScope, createPublication, deletePublication, observedScope, readHeldPublication, updatePublication } from "./database/publication";

/** @internal The dynamic provider's inputs and outputs. */
export interface PostgresPublicationInputs {
  host: string;
  port: number;
  database: string;
  adminUsername: string;
  adminPassword: string;
  /** Not `name`: the publication's name, kept apart from Pulumi's own naming. */
  publicationName: string;
  scope: PublicationScope;
  tls: boolean;
  tlsVerify?: boolean;
  tlsCa?: string;
  /**
   * The RDS resource ID (`db-…`/`cluster-…`) of the server: with it on both sides, a new host or
   * port is the same server under a new address (an update), not another publication.
   */
  resourceId?: string;
  /**
   * `publish_via_partition_root` (PostgreSQL 13+), which `create` always sets there: the resource
   * registers `true`. Absent from the state of a publication an earlier version of this package
   * created (without the option), which counts as false, so the next `pulumi up` is an update
   * that turns it on; after a refresh, what the server holds (on 13+). On PostgreSQL 12, which has
   * no such option, it is recorded and not applied.
   */
  publishViaPartitionRoot?: boolean;
}

/**
 * @internal The dynamic provider's outputs: the inputs, with `scope` as the server held it at the
 * last refresh (see `observedScope`), which may be schemas and tables at once.
 */
export interface PostgresPublicationOutputs extends Omit<PostgresPublicationInputs, "scope"> {
  scope: HeldScope;
}

/** Inputs whose change means another publication: delete the old one first (it may have the same name). */
const REPLACE_ON: readonly (keyof PostgresPublicationInputs)[] = ["database", "publicationName"];

/**
 * @internal The diff: another server, database or name replaces; FOR ALL TABLES cannot be altered
 * to or from. A renamed endpoint or a new port of the same server (same `resourceId`) is an
 * update that connects through the new address: a replacement would drop the publication under
 * the running pipe, through an address that may no longer answer.
 */
export function diffPublication(olds: PostgresPublicationOutputs, news: PostgresPublicationInputs): pulumi.dynamic.DiffResult {
  const replaces: string[] = REPLACE_ON.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  const sameServer = olds.resourceId !== undefined && news.resourceId !== undefined && olds.resourceId === news.resourceId;
  if (!sameServer) {
    replaces.push(...(["host", "port"] as const).filter((k) => olds[k] !== news[k]));
    if (olds.resourceId !== undefined && news.resourceId !== undefined) replaces.push("resourceId");
  }
  const addressChanged = olds.host !== news.host || olds.port !== news.port || olds.resourceId !== news.resourceId;
  const scopeChanged = JSON.stringify(olds.scope) !== JSON.stringify(news.scope);
  if (scopeChanged && (olds.scope.kind === "allTables") !== (news.scope.kind === "allTables")) replaces.push("scope");
  const connection = (i: PostgresPublicationOutputs) => JSON.stringify([i.adminUsername, i.adminPassword, i.tls, i.tlsVerify ?? true, i.tlsCa ?? null]);
  const connectionChanged = connection(olds) !== connection(news);
  return {
    changes: replaces.length > 0 || scopeChanged || connectionChanged || addressChanged || viaRootToSet(olds, news),
    replaces,
    deleteBeforeReplace: replaces.length > 0,
  };
}

/**
 * Whether `publish_via_partition_root` is wanted and the state does not record it on (an earlier
 * version's state, or a refresh that found it off): an update, never a replacement (dropping the
 * publication would break the running pipe). Nothing turns it off.
 */
function viaRootToSet(olds: PostgresPublicationOutputs, news: PostgresPublicationInputs): boolean {
  return news.publishViaPartitionRoot === true && olds.publishViaPartitionRoot !== true;
}

function withSession<T>(i: PostgresPublicationOutputs, work: (s: PgSession) => Promise<T>): Promise<T> {
  return withPostgres({ ...adminConnectionSettings(i), database: i.database }, work);
}

/**
 * @internal The message for a read that cannot reach the server with the settings of the state
 * (the only ones Pulumi passes it). The publication is not reported gone: it may well be there.
 */
export function readFailedMessage(o: PostgresPublicationOutputs, cause: Error): string {
  const reason = cause.message.charAt(0).toLowerCase() + cause.message.slice(1);
  return (
    `Cannot read publication "${o.publicationName}" with the settings in the Pulumi state: ${reason}; ` +
    "if the admin password changed since (or the endpoint, with the same RDS resource ID), run `pulumi up` with the new settings first " +
    "(with nothing else changed, it only records them), then refresh again."
  );
}

/** What the server lists for the state's publication, undefined when it is gone; a failure to connect gets `readFailedMessage`. */
async function readHeld(o: PostgresPublicationOutputs): Promise<HeldPublication | undefined> {
  let connected = false;
  try {
    return await withSession(o, (s) => {
      connected = true;
      return readHeldPublication(s, o.publicationName);
    });
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    if (connected) throw new Error(`Cannot read publication "${o.publicationName}": ${e.message}`, { cause: e });
    throw new Error(readFailedMessage(o, e), { cause: e });
  }
}

/**
 * @internal The operations of the dynamic resource, served to the Pulumi state through the stable
 * entry `clickpipes-rds-iam/providers` (`providers.ts`).
 */
export const postgresPublicationProvider: pulumi.dynamic.ResourceProvider<PostgresPublicationInputs, PostgresPublicationOutputs> = {
  async diff(_id: string, olds: PostgresPublicationOutputs, news: PostgresPublicationInputs) {
    return diffPublication(olds, news);
  },
  async create(inputs: PostgresPublicationInputs) {
    await withSession(inputs, (s) => createPublication(s, inputs.publicationName, inputs.scope));
    return { id: `${inputs.host}:${inputs.port}/${inputs.database}/${inputs.publicationName}`, outs: inputs };
  },
  /**
   * What the server holds (`pulumi refresh`): the state with `scope` as the server lists it, or,
   * when the publication is gone, an empty ID, which Pulumi takes as deleted (the next `pulumi up`
   * creates it again). A server that cannot be reached fails the read.
   */
  async read(id: string, props?: PostgresPublicationOutputs) {
    // `.get` and `pulumi import` read without a state: there is no admin connection to read with.
    if (props === undefined) {
      throw new Error(`Publication "${id}" cannot be read without its state (the admin connection); create it with \`pulumi up\` instead of importing it.`);
    }
    const held = await readHeld(props);
    if (held === undefined) return { id: "" };
    // `publishViaPartitionRoot` as the server holds it, when the state records the setting (an
    // earlier version's state does not, and counts as off already); PostgreSQL 12 has no such option.
    const viaRoot = props.publishViaPartitionRoot === undefined || held.publishViaPartitionRoot === undefined ? {} : { publishViaPartitionRoot: held.publishViaPartitionRoot };
    return { id, props: { ...props, scope: observedScope(props.scope, held), ...viaRoot } };
  },
  async update(_id: string, olds: PostgresPublicationOutputs, news: PostgresPublicationInputs) {
    const changes = { scope: JSON.stringify(olds.scope) !== JSON.stringify(news.scope), publishViaPartitionRoot: viaRootToSet(olds, news) };
    if (changes.scope || changes.publishViaPartitionRoot) {
      await withSession(news, (s) => updatePublication(s, news.publicationName, news.scope, changes));
    }
    return { outs: news };
  },
  async delete(_id: string, props: PostgresPublicationOutputs) {
    await withSession(props, (s) => deletePublication(s, props.publicationName));
  },
};
