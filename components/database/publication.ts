/**
 * The PostgreSQL publication a CDC ClickPipe reads: the SQL (pure builders, also shown in
 * `setupSql`), and creating, changing and dropping it over a `PgSession`.
 *
 * Who may do what, on stock PostgreSQL 15: `FOR TABLE` needs ownership of each table listed;
 * `FOR TABLES IN SCHEMA` and `FOR ALL TABLES` (and `ALTER PUBLICATION … SET TABLES IN SCHEMA`)
 * need a superuser. Whether RDS lets `rds_superuser` members do the latter is not verified here,
 * so a refusal says what works without it.
 */
import type { QualifiedTable } from "../checks/facts";
import type { PublicationScope } from "../checks/readiness";
import { quotePgIdent } from "../sql";
import { byTable, readPublicationSchemas } from "./facts";
import { PgSession, pgErrorInfo } from "./pgSession";

/** `"schema"."table"`. */
function qualifiedIdent(t: QualifiedTable): string {
  return `${quotePgIdent(t.schema)}.${quotePgIdent(t.table)}`;
}

/** What a `FOR`/`SET` clause lists, for schemas or tables: quoted, comma-separated; never empty. */
function scopeList(name: string, scope: Exclude<PublicationScope, { kind: "allTables" }>): string {
  if (scope.kind === "schemas") {
    if (scope.schemas.length === 0) throw new Error(`Publication "${name}" has no schemas to publish; list at least one.`);
    return `TABLES IN SCHEMA ${scope.schemas.map(quotePgIdent).join(", ")}`;
  }
  if (scope.tables.length === 0) throw new Error(`Publication "${name}" has no tables to publish; list at least one.`);
  return `TABLE ${scope.tables.map(qualifiedIdent).join(", ")}`;
}

/** `server_version_num` from which PostgreSQL has `publish_via_partition_root` (13). */
export const PUBLISH_VIA_PARTITION_ROOT_VERSION = 130000;

/** How a publication is created beyond its scope. */
export interface PublicationOptions {
  /**
   * `WITH (publish_via_partition_root = true)` (PostgreSQL 13+): changes to a partitioned table's
   * partitions are published as the partitioned table's, which is the name ClickPipes' table
   * mappings use. PeerDB sets it on every publication it creates itself on 13+.
   */
  publishViaPartitionRoot?: boolean;
}

/**
 * `CREATE PUBLICATION "name" FOR TABLES IN SCHEMA "a", "b";`, `… FOR TABLE "s"."t", …;` or
 * `… FOR ALL TABLES;`, with `WITH (publish_via_partition_root = true)` when asked (PostgreSQL 13+
 * only: 12 has no such option). It publishes every operation (PostgreSQL's default), as ClickPipes
 * needs.
 */
export function createPublicationStatement(name: string, scope: PublicationScope, options: PublicationOptions = {}): string {
  const what = scope.kind === "allTables" ? "ALL TABLES" : scopeList(name, scope);
  const withClause = options.publishViaPartitionRoot === true ? " WITH (publish_via_partition_root = true)" : "";
  return `CREATE PUBLICATION ${quotePgIdent(name)} FOR ${what}${withClause};`;
}

/** `ALTER PUBLICATION "name" SET (publish_via_partition_root = true);` (PostgreSQL 13+). */
export function publishViaPartitionRootStatement(name: string): string {
  return `ALTER PUBLICATION ${quotePgIdent(name)} SET (publish_via_partition_root = true);`;
}

/** `DROP PUBLICATION IF EXISTS "name";` */
export function dropPublicationStatement(name: string): string {
  return `DROP PUBLICATION IF EXISTS ${quotePgIdent(name)};`;
}

/**
 * `ALTER PUBLICATION "name" SET TABLES IN SCHEMA …;` or `… SET TABLE …;`: replaces everything the
 * publication lists. Undefined for all tables: a publication becomes or stops being FOR ALL TABLES
 * only by being replaced.
 */
export function alterPublicationStatement(name: string, scope: PublicationScope): string | undefined {
  if (scope.kind === "allTables") return undefined;
  return `ALTER PUBLICATION ${quotePgIdent(name)} SET ${scopeList(name, scope)};`;
}

/** The message for a publication that exists already when the component is to create it. */
export function publicationExistsMessage(name: string): string {
  return `Publication "${name}" already exists; set \`createPublication: false\` to use it, or choose another \`publicationName\`.`;
}

/** What to do instead of a publication only a superuser may make. */
const INSTEAD =
  "list the tables in `publicationTables` instead (FOR TABLE needs only ownership of each table), or create the publication yourself and set `createPublication: false`";

/**
 * The message for PostgreSQL's "must be superuser to create FOR TABLES IN SCHEMA publication" (or
 * FOR ALL TABLES, or "to add or set schemas" on ALTER).
 */
export function superuserRequiredMessage(name: string, scope: PublicationScope, verb: "create" | "change"): string {
  const clause = scope.kind === "allTables" ? "FOR ALL TABLES" : "FOR TABLES IN SCHEMA";
  const doing = verb === "create" ? `create publication "${name}" ${clause}` : `set publication "${name}" to TABLES IN SCHEMA`;
  return `Cannot ${doing}: on stock PostgreSQL only a superuser may ${verb === "create" ? "create such a publication" : "add schemas to a publication"}, and whether RDS's rds_superuser may is not verified; ${INSTEAD}.`;
}

/** The message for PostgreSQL's "must be owner of table X": `table` is X, qualified when the scope says which one it is. */
export function tableOwnerRequiredMessage(name: string, scope: PublicationScope, table: string, verb: "create" | "change"): string {
  const matches = scope.kind === "tables" ? scope.tables.filter((t) => t.table === table) : [];
  const shown = matches.length === 1 ? `"${matches[0].schema}"."${table}"` : `"${table}"`;
  return `Cannot ${verb === "create" ? "create" : "change"} publication "${name}": the admin user does not own table ${shown}, and FOR TABLE needs ownership of every table it lists; make the admin user a member of the table's owner, or create the publication yourself and set \`createPublication: false\`.`;
}

/** PostgreSQL `insufficient_privilege`. */
const INSUFFICIENT_PRIVILEGE = "42501";
/** PostgreSQL `duplicate_object`. */
const DUPLICATE_OBJECT = "42710";

/** A server error as an Error that says what failed; privilege errors get their own message. */
export function translatePublicationError(e: unknown, statement: string, name: string, scope: PublicationScope, verb: "create" | "change"): Error {
  const info = pgErrorInfo(e);
  const message = info.message ?? (e instanceof Error ? e.message : String(e));
  if (info.code === INSUFFICIENT_PRIVILEGE) {
    if (/^must be superuser to (create FOR (TABLES IN SCHEMA|ALL TABLES) publication|add or set schemas)/.test(message)) {
      return new Error(superuserRequiredMessage(name, scope, verb), { cause: e });
    }
    const owner = /^must be owner of table (.*)$/.exec(message);
    if (owner !== null) return new Error(tableOwnerRequiredMessage(name, scope, owner[1], verb), { cause: e });
  }
  if (verb === "create" && info.code === DUPLICATE_OBJECT) return new Error(publicationExistsMessage(name), { cause: e });
  return new Error(`PostgreSQL error${info.code === undefined ? "" : ` ${info.code}`} running "${statement}": ${message}`, { cause: e });
}

async function run(session: PgSession, statement: string, name: string, scope: PublicationScope, verb: "create" | "change"): Promise<void> {
  try {
    await session.query(statement);
  } catch (e) {
    throw translatePublicationError(e, statement, name, scope, verb);
  }
}

/** `server_version_num` of the session's server. */
async function serverVersionNum(session: PgSession): Promise<number> {
  const rows = await session.query("SELECT current_setting('server_version_num')::int AS version");
  return Number(rows[0].version);
}

/**
 * Whether the publication exists, whether it is FOR ALL TABLES, and its `pubviaroot` (undefined
 * before PostgreSQL 13, which has no such column: hence `to_jsonb`); undefined when it does not exist.
 */
async function existing(session: PgSession, name: string): Promise<{ allTables: boolean; viaRoot: boolean | undefined } | undefined> {
  const rows = await session.query("SELECT p.puballtables, (to_jsonb(p) ->> 'pubviaroot')::boolean AS viaroot FROM pg_publication p WHERE p.pubname = $1", [name]);
  if (rows.length === 0) return undefined;
  const viaRoot = rows[0].viaroot;
  return { allTables: rows[0].puballtables === true, viaRoot: viaRoot === null || viaRoot === undefined ? undefined : viaRoot === true };
}

/**
 * Creates the publication, publishing through partition roots on PostgreSQL 13+ (as PeerDB's own
 * publications do); refuses one that exists already (it is not this component's).
 */
export async function createPublication(session: PgSession, name: string, scope: PublicationScope): Promise<void> {
  const version = await serverVersionNum(session);
  const statement = createPublicationStatement(name, scope, { publishViaPartitionRoot: version >= PUBLISH_VIA_PARTITION_ROOT_VERSION });
  if ((await existing(session, name)) !== undefined) throw new Error(publicationExistsMessage(name));
  await run(session, statement, name, scope, "create");
}

/** Drops the publication; one that is gone already is fine. */
export async function deletePublication(session: PgSession, name: string): Promise<void> {
  const statement = dropPublicationStatement(name);
  try {
    await session.query(statement);
  } catch (e) {
    const info = pgErrorInfo(e);
    throw new Error(`PostgreSQL error${info.code === undefined ? "" : ` ${info.code}`} running "${statement}": ${info.message ?? String(e)}`, { cause: e });
  }
}

/** What `updatePublication` is to change. */
export interface PublicationChanges {
  /** Set what it covers (`ALTER PUBLICATION … SET TABLE/TABLES IN SCHEMA`). */
  scope: boolean;
  /**
   * Turn `publish_via_partition_root` on where it is off (`ALTER PUBLICATION … SET (…)`): a
   * publication created by an earlier version of this package, or turned off by hand. Nothing on
   * PostgreSQL 12, which has no such option.
   */
  publishViaPartitionRoot: boolean;
}

/**
 * Changes what the publication covers to `scope` (`ALTER PUBLICATION … SET`) and turns
 * `publish_via_partition_root` on, as asked, creating it again (with the option) when it has gone.
 * A change to or from FOR ALL TABLES cannot be made in place: the resource replaces the
 * publication instead, and this refuses it.
 */
export async function updatePublication(
  session: PgSession,
  name: string,
  scope: PublicationScope,
  changes: PublicationChanges = { scope: true, publishViaPartitionRoot: false },
): Promise<void> {
  const now = await existing(session, name);
  if (now === undefined) return createPublication(session, name, scope);
  if (changes.scope && !(now.allTables && scope.kind === "allTables")) {
    const statement = alterPublicationStatement(name, scope);
    if (now.allTables || statement === undefined) {
      throw new Error(`Publication "${name}" cannot be changed to or from FOR ALL TABLES in place; it has to be dropped and created again.`);
    }
    await run(session, statement, name, scope, "change");
  }
  // `viaRoot` is undefined before PostgreSQL 13: there is nothing to turn on.
  if (changes.publishViaPartitionRoot && now.viaRoot === false) await run(session, publishViaPartitionRootStatement(name), name, scope, "change");
}

/**
 * What a publication covers as the server holds it: what the inputs can say, or schemas and tables
 * at once (`FOR TABLES IN SCHEMA a, TABLE b.t`, PostgreSQL 15+), which only a change by hand makes.
 * `ALTER PUBLICATION … SET` replaces both lists, so `updatePublication` repairs the latter too.
 */
export type HeldScope = PublicationScope | { kind: "schemasAndTables"; schemas: readonly string[]; tables: readonly QualifiedTable[] };

/** What the server lists for a publication: FOR ALL TABLES, or its schemas and its own tables (in no particular order). */
export interface HeldPublication {
  allTables: boolean;
  /** `pg_publication_namespace`: the schemas listed `FOR TABLES IN SCHEMA`. */
  schemas: string[];
  /** `pg_publication_rel`: the tables listed `FOR TABLE` (a partitioned table as itself, not its partitions). */
  tables: QualifiedTable[];
  /** `pg_publication.pubviaroot`; undefined before PostgreSQL 13, which has no such option. */
  publishViaPartitionRoot: boolean | undefined;
}

/**
 * Reads what the publication lists, or undefined when there is no publication of that name. Not
 * `pg_publication_tables`: that one also lists every table of a published schema, and the
 * partitions of a published partitioned table instead of the table.
 */
export async function readHeldPublication(session: PgSession, name: string): Promise<HeldPublication | undefined> {
  const pubs = await session.query(
    `SELECT p.oid, p.puballtables, (to_jsonb(p) ->> 'pubviaroot')::boolean AS viaroot, current_setting('server_version_num')::int AS version
       FROM pg_publication p WHERE p.pubname = $1`,
    [name],
  );
  if (pubs.length === 0) return undefined;
  const pub = pubs[0];
  const schemas = await readPublicationSchemas(session, pub.oid, Number(pub.version));
  const rels = await session.query(
    `SELECT n.nspname, c.relname FROM pg_publication_rel pr
       JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE pr.prpubid = $1`,
    [pub.oid],
  );
  return {
    allTables: pub.puballtables === true,
    schemas,
    tables: rels.map((r) => ({ schema: String(r.nspname), table: String(r.relname) })),
    publishViaPartitionRoot: pub.viaroot === null || pub.viaroot === undefined ? undefined : pub.viaroot === true,
  };
}

const sortedSchemas = (schemas: readonly string[]): string[] => [...schemas].sort();
const sortedTables = (tables: readonly QualifiedTable[]): QualifiedTable[] => [...tables].map((t) => ({ schema: t.schema, table: t.table })).sort(byTable);

/** The scope in one canonical form (lists sorted), for comparing what is listed regardless of order. */
function canonicalScope(scope: HeldScope): HeldScope {
  switch (scope.kind) {
    case "allTables":
      return { kind: "allTables" };
    case "schemas":
      return { kind: "schemas", schemas: sortedSchemas(scope.schemas) };
    case "tables":
      return { kind: "tables", tables: sortedTables(scope.tables) };
    case "schemasAndTables":
      return { kind: "schemasAndTables", schemas: sortedSchemas(scope.schemas), tables: sortedTables(scope.tables) };
  }
}

/**
 * The scope a refresh records: what the server holds (`held`), in the shape of the inputs. When it
 * lists what `state` lists, in whatever order, it is `state` itself, so that an unchanged
 * publication reads back exactly as it was stored; otherwise the server's lists, sorted. A
 * publication that lists nothing (its tables dropped, say) keeps the state's kind, with an empty
 * list, which no input can be: the next `pulumi up` sets it again.
 */
export function observedScope(state: HeldScope, held: HeldPublication): HeldScope {
  let seen: HeldScope;
  if (held.allTables) seen = { kind: "allTables" };
  else if (held.schemas.length > 0 && held.tables.length > 0) seen = { kind: "schemasAndTables", schemas: held.schemas, tables: held.tables };
  else if (held.schemas.length > 0) seen = { kind: "schemas", schemas: held.schemas };
  else if (held.tables.length > 0) seen = { kind: "tables", tables: held.tables };
  else seen = state.kind === "schemas" ? { kind: "schemas", schemas: [] } : { kind: "tables", tables: [] };
  const canonical = canonicalScope(seen);
  return JSON.stringify(canonical) === JSON.stringify(canonicalScope(state)) ? state : canonical;
}
