/**
 * `PostgresPublication`: the publication a PostgreSQL CDC ClickPipe reads, created over `pg`
 * because @pulumi/postgresql's `Publication` cannot say `FOR TABLES IN SCHEMA`. It refuses to
 * take over a publication that already exists (use `createPublication: false` for that), changes
 * its scope in place with `ALTER PUBLICATION … SET`, and drops only the publication it created.
 * The SQL and its lifecycle are in `database/publication.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PublicationScope } from "./checks/readiness";
import { connectPostgres, PgSession } from "./database/pgSession";
import { createPublication, deletePublication, updatePublication } from "./database/publication";
import { mariaDbIamUserOptions } from "./mariadbUser";

export interface PostgresPublicationArgs {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** The database the publication belongs to. */
  readonly database: pulumi.Input<string>;
  readonly adminUsername: pulumi.Input<string>;
  readonly adminPassword: pulumi.Input<string>;
  /** The publication's name (exact, case-sensitive). */
  readonly name: string;
  /** What it publishes: schemas (`FOR TABLES IN SCHEMA`), tables (`FOR TABLE`) or all tables. */
  readonly scope: PublicationScope;
  /** TLS on the admin connection. @default true */
  readonly tls?: pulumi.Input<boolean>;
}

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
}

/** Inputs whose change means another publication: delete the old one first (it may have the same name). */
const REPLACE_ON: readonly (keyof PostgresPublicationInputs)[] = ["host", "port", "database", "publicationName"];

/** @internal The diff: another server, database or name replaces; FOR ALL TABLES cannot be altered to or from. */
export function diffPublication(olds: PostgresPublicationInputs, news: PostgresPublicationInputs): pulumi.dynamic.DiffResult {
  const replaces: string[] = REPLACE_ON.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  const scopeChanged = JSON.stringify(olds.scope) !== JSON.stringify(news.scope);
  if (scopeChanged && (olds.scope.kind === "allTables") !== (news.scope.kind === "allTables")) replaces.push("scope");
  const connectionChanged = olds.adminUsername !== news.adminUsername || olds.adminPassword !== news.adminPassword || olds.tls !== news.tls;
  return { changes: replaces.length > 0 || scopeChanged || connectionChanged, replaces, deleteBeforeReplace: replaces.length > 0 };
}

async function withSession<T>(i: PostgresPublicationInputs, work: (s: PgSession) => Promise<T>): Promise<T> {
  const session = await connectPostgres({ host: i.host, port: i.port, database: i.database, adminUsername: i.adminUsername, adminPassword: i.adminPassword, tls: i.tls });
  try {
    return await work(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** @internal The dynamic provider. */
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

/** A PostgreSQL publication for ClickPipes, created and dropped by this resource alone. */
export class PostgresPublication extends pulumi.dynamic.Resource {
  declare public readonly publicationName: pulumi.Output<string>;
  declare public readonly scope: pulumi.Output<PublicationScope>;

  constructor(name: string, args: PostgresPublicationArgs, opts?: pulumi.CustomResourceOptions) {
    const props: pulumi.Inputs = {
      host: args.host,
      port: args.port,
      database: args.database,
      adminUsername: args.adminUsername,
      adminPassword: pulumi.secret(args.adminPassword),
      publicationName: args.name,
      scope: args.scope,
      tls: args.tls ?? true,
    };
    super(postgresPublicationProvider, name, props, mariaDbIamUserOptions(opts));
  }
}
