/**
 * The PostgreSQL publication's operations as plain async functions over plain inputs:
 * `postgresPublication.ts` is the Pulumi resource around them, and `providers.ts` serves them to
 * the Pulumi state. The SQL is in `database/publication.ts`. Loads no Pulumi module at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PublicationScope } from "./checks/readiness";
import { adminConnectionSettings } from "./database/adminConnectionArgs";
import { PgSession, withPostgres } from "./database/pgSession";
import { createPublication, deletePublication, updatePublication } from "./database/publication";

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
}

/** Inputs whose change means another publication: delete the old one first (it may have the same name). */
const REPLACE_ON: readonly (keyof PostgresPublicationInputs)[] = ["database", "publicationName"];

/**
 * @internal The diff: another server, database or name replaces; FOR ALL TABLES cannot be altered
 * to or from. A renamed endpoint or a new port of the same server (same `resourceId`) is an
 * update that connects through the new address: a replacement would drop the publication under
 * the running pipe, through an address that may no longer answer.
 */
export function diffPublication(olds: PostgresPublicationInputs, news: PostgresPublicationInputs): pulumi.dynamic.DiffResult {
  const replaces: string[] = REPLACE_ON.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  const sameServer = olds.resourceId !== undefined && news.resourceId !== undefined && olds.resourceId === news.resourceId;
  if (!sameServer) {
    replaces.push(...(["host", "port"] as const).filter((k) => olds[k] !== news[k]));
    if (olds.resourceId !== undefined && news.resourceId !== undefined) replaces.push("resourceId");
  }
  const addressChanged = olds.host !== news.host || olds.port !== news.port || olds.resourceId !== news.resourceId;
  const scopeChanged = JSON.stringify(olds.scope) !== JSON.stringify(news.scope);
  if (scopeChanged && (olds.scope.kind === "allTables") !== (news.scope.kind === "allTables")) replaces.push("scope");
  const connection = (i: PostgresPublicationInputs) => JSON.stringify([i.adminUsername, i.adminPassword, i.tls, i.tlsVerify ?? true, i.tlsCa ?? null]);
  const connectionChanged = connection(olds) !== connection(news);
  return { changes: replaces.length > 0 || scopeChanged || connectionChanged || addressChanged, replaces, deleteBeforeReplace: replaces.length > 0 };
}

function withSession<T>(i: PostgresPublicationInputs, work: (s: PgSession) => Promise<T>): Promise<T> {
  return withPostgres({ ...adminConnectionSettings(i), database: i.database }, work);
}

/**
 * @internal The operations of the dynamic resource, served to the Pulumi state through the stable
 * entry `clickpipes-rds-iam/providers` (`providers.ts`).
 */
export const postgresPublicationProvider: pulumi.dynamic.ResourceProvider<PostgresPublicationInputs, PostgresPublicationInputs> = {
  async diff(_id: string, olds: PostgresPublicationInputs, news: PostgresPublicationInputs) {
    return diffPublication(olds, news);
  },
  async create(inputs: PostgresPublicationInputs) {
    await withSession(inputs, (s) => createPublication(s, inputs.publicationName, inputs.scope));
    return { id: `${inputs.host}:${inputs.port}/${inputs.database}/${inputs.publicationName}`, outs: inputs };
  },
  async update(_id: string, olds: PostgresPublicationInputs, news: PostgresPublicationInputs) {
    if (JSON.stringify(olds.scope) !== JSON.stringify(news.scope)) {
      await withSession(news, (s) => updatePublication(s, news.publicationName, news.scope));
    }
    return { outs: news };
  },
  async delete(_id: string, props: PostgresPublicationInputs) {
    await withSession(props, (s) => deletePublication(s, props.publicationName));
  },
};
