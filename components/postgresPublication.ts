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
  /** TLS on the admin connection. False sends the admin password in clear text. @default true */
  readonly tls?: pulumi.Input<boolean>;
  /**
   * Verify the server before sending it the admin password: its certificate must chain to an
   * Amazon RDS certificate authority (or to `tlsCa`) and name `host`. `false` still encrypts but
   * is insecure: a server impersonating the endpoint receives the admin password.
   * @default true
   */
  readonly tlsVerify?: pulumi.Input<boolean>;
  /** PEM of the certificate authorities to verify the server against, instead of the Amazon RDS ones. */
  readonly tlsCa?: pulumi.Input<string>;
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
  tlsVerify?: boolean;
  tlsCa?: string;
}

/** Inputs whose change means another publication: delete the old one first (it may have the same name). */
const REPLACE_ON: readonly (keyof PostgresPublicationInputs)[] = ["host", "port", "database", "publicationName"];

/** @internal The diff: another server, database or name replaces; FOR ALL TABLES cannot be altered to or from. */
export function diffPublication(olds: PostgresPublicationInputs, news: PostgresPublicationInputs): pulumi.dynamic.DiffResult {
  const replaces: string[] = REPLACE_ON.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  const scopeChanged = JSON.stringify(olds.scope) !== JSON.stringify(news.scope);
  if (scopeChanged && (olds.scope.kind === "allTables") !== (news.scope.kind === "allTables")) replaces.push("scope");
  const connection = (i: PostgresPublicationInputs) => JSON.stringify([i.adminUsername, i.adminPassword, i.tls, i.tlsVerify ?? true, i.tlsCa ?? null]);
  const connectionChanged = connection(olds) !== connection(news);
  return { changes: replaces.length > 0 || scopeChanged || connectionChanged, replaces, deleteBeforeReplace: replaces.length > 0 };
}

async function withSession<T>(i: PostgresPublicationInputs, work: (s: PgSession) => Promise<T>): Promise<T> {
  const session = await connectPostgres({
    host: i.host,
    port: i.port,
    database: i.database,
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    tls: i.tls,
    ...(i.tlsVerify === undefined ? {} : { tlsVerify: i.tlsVerify }),
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
  });
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
      tlsVerify: args.tlsVerify,
      tlsCa: args.tlsCa,
    };
    super(postgresPublicationProvider, name, props, mariaDbIamUserOptions(opts));
  }
}
