/**
 * `CdcReadiness`: the deploy-time check that a database is ready for ClickPipes CDC, as a Pulumi
 * dynamic resource that everything granting access waits on. It connects as the admin, reads the
 * settings ClickPipes itself checks, and refuses with one message listing every unmet
 * requirement and its fix, before any user or grant exists. On RDS MySQL/MariaDB it also raises
 * `binlog retention hours` to the asked value (never lowering it; left in place on destroy,
 * since others may rely on it). The logic is in `database/readiness.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CdcCheckMode } from "./cdcArgs";
import { CheckResult } from "./checks/readiness";
import { ReadinessRequest, ReadinessTarget, checkReadiness } from "./database/readiness";
import { connectPostgres } from "./database/pgSession";
import { connectAdmin } from "./database/mysqlSession";
import { mariaDbIamUserOptions } from "./mariadbUser";
import { ENGINE_LABELS } from "./validation";

export interface CdcReadinessArgs {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** PostgreSQL: the database ClickPipes reads (settings and publications are per database). */
  readonly database?: pulumi.Input<string>;
  readonly adminUsername: pulumi.Input<string>;
  readonly adminPassword: pulumi.Input<string>;
  /** Where the source is, for messages and fixes. */
  readonly target: pulumi.Input<ReadinessTarget>;
  /** What to check. */
  readonly check: ReadinessRequest;
  /** Refuse on an unmet requirement ("enforce"), or report it as a warning ("warn"). */
  readonly mode: CdcCheckMode;
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

/** @internal The dynamic provider's inputs. */
export interface CdcReadinessInputs {
  host: string;
  port: number;
  database: string;
  adminUsername: string;
  adminPassword: string;
  target: ReadinessTarget;
  check: ReadinessRequest;
  mode: CdcCheckMode;
  tls: boolean;
  tlsVerify?: boolean;
  tlsCa?: string;
}

/** @internal The dynamic provider's outputs. */
export interface CdcReadinessOutputs extends CdcReadinessInputs {
  results: CheckResult[];
  warnings: string[];
  binlogRetentionHoursBefore?: number | null;
  binlogRetentionHoursAfter?: number | null;
}

/** @internal Inputs whose change re-runs the check (the password and the TLS verification only change how to connect). */
export function readinessChanged(olds: CdcReadinessInputs, news: CdcReadinessInputs): boolean {
  const key = (i: CdcReadinessInputs) => JSON.stringify([i.host, i.port, i.database, i.adminUsername, i.target, i.check, i.mode, i.tls]);
  return key(olds) !== key(news);
}

/** @internal Whether only how to connect changed: the password or the TLS verification. */
export function connectionChanged(olds: CdcReadinessInputs, news: CdcReadinessInputs): boolean {
  const key = (i: CdcReadinessInputs) => JSON.stringify([i.adminPassword, i.tlsVerify ?? true, i.tlsCa ?? null]);
  return key(olds) !== key(news);
}

async function run(i: CdcReadinessInputs): Promise<CdcReadinessOutputs> {
  const settings = {
    host: i.host,
    port: i.port,
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    tls: i.tls,
    ...(i.tlsVerify === undefined ? {} : { tlsVerify: i.tlsVerify }),
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
  };
  const report = await checkReadiness(i.target, i.check, i.mode, {
    postgres: () => connectPostgres({ ...settings, database: i.database }),
    mysql: () => connectAdmin({ ...settings, serverLabel: ENGINE_LABELS[i.check.engine] }),
  });
  return { ...i, ...report };
}

/** @internal The dynamic provider. */
export const cdcReadinessProvider: pulumi.dynamic.ResourceProvider<CdcReadinessInputs, CdcReadinessOutputs> = {
  async diff(_id: string, olds: CdcReadinessOutputs, news: CdcReadinessInputs) {
    return { changes: readinessChanged(olds, news) || connectionChanged(olds, news) };
  },
  async create(inputs: CdcReadinessInputs) {
    return { id: `${inputs.host}:${inputs.port}/${inputs.database}`, outs: await run(inputs) };
  },
  async update(_id: string, olds: CdcReadinessOutputs, news: CdcReadinessInputs) {
    // Only how to connect changed: record it, keep what the check found.
    if (!readinessChanged(olds, news)) {
      // No undefined values: the state cannot hold them (protobuf Struct).
      const { tlsVerify: _verify, tlsCa: _ca, ...kept } = olds;
      void [_verify, _ca];
      return {
        outs: { ...kept, adminPassword: news.adminPassword, ...(news.tlsVerify === undefined ? {} : { tlsVerify: news.tlsVerify }), ...(news.tlsCa === undefined ? {} : { tlsCa: news.tlsCa }) },
      };
    }
    return { outs: await run(news) };
  },
  // Nothing to undo: the check changes nothing but binlog retention, which others may rely on.
};

/**
 * The readiness check of a CDC source. Its `warnings` are the unmet requirements let through by
 * `mode: "warn"`, and the warnings of the checks.
 */
export class CdcReadiness extends pulumi.dynamic.Resource {
  declare public readonly results: pulumi.Output<CheckResult[]>;
  declare public readonly warnings: pulumi.Output<string[]>;
  declare public readonly binlogRetentionHoursBefore: pulumi.Output<number | null | undefined>;
  declare public readonly binlogRetentionHoursAfter: pulumi.Output<number | null | undefined>;

  constructor(name: string, args: CdcReadinessArgs, opts?: pulumi.CustomResourceOptions) {
    const props: pulumi.Inputs = {
      host: args.host,
      port: args.port,
      database: args.database ?? "",
      adminUsername: args.adminUsername,
      adminPassword: pulumi.secret(args.adminPassword),
      target: args.target,
      check: args.check,
      mode: args.mode,
      tls: args.tls ?? true,
      tlsVerify: args.tlsVerify,
      tlsCa: args.tlsCa,
      results: undefined,
      warnings: undefined,
      binlogRetentionHoursBefore: undefined,
      binlogRetentionHoursAfter: undefined,
    };
    super(cdcReadinessProvider, name, props, mariaDbIamUserOptions(opts));
  }
}
