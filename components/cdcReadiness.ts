/**
 * `CdcReadiness`: the deploy-time check that a database is ready for ClickPipes CDC, as a Pulumi
 * dynamic resource that everything granting access waits on. It connects as the admin, reads the
 * settings ClickPipes itself checks, and refuses with one message listing every unmet
 * requirement and its fix, before any user or grant exists. On RDS MySQL/MariaDB it also raises
 * `binlog retention hours` to the asked value (never lowering it; left in place on destroy,
 * since others may rely on it). The logic is in `database/readiness.ts`, the operations in
 * `cdcReadinessProvider.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { adminConnectionOptions, adminConnectionProps } from "./database/adminConnectionProps";
import type { AdminConnectionArgs } from "./database/adminConnectionArgs";
import type { CdcCheckMode } from "./cdcArgs";
import { CheckResult } from "./checks/readiness";
import type { ReadinessRequest, ReadinessTarget } from "./database/readiness";

import { stableProvider } from "./dynamicProvider";
import type { CdcReadinessInputs, CdcReadinessOutputs } from "./cdcReadinessProvider";
import type { Registration } from "./pluginResources";

export { CdcReadinessInputs, CdcReadinessOutputs, cdcReadinessProvider, connectionChanged, readinessChanged } from "./cdcReadinessProvider";

/** The provider Pulumi serializes into the state: it names only `clickpipes-rds-iam/providers`. */
const provider = stableProvider<CdcReadinessInputs, CdcReadinessOutputs>("cdcReadiness");

export interface CdcReadinessArgs extends AdminConnectionArgs {
  /** PostgreSQL: the database ClickPipes reads (settings and publications are per database). */
  readonly database?: pulumi.Input<string>;
  /** Where the source is, for messages and fixes. */
  readonly target: pulumi.Input<ReadinessTarget>;
  /** What to check. */
  readonly check: ReadinessRequest;
  /** Refuse on an unmet requirement ("enforce"), or report it as a warning ("warn"). */
  readonly mode: CdcCheckMode;
}

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
    const r = cdcReadinessRegistration(name, args, opts);
    super(provider, name, r.props, r.opts);
  }
}

/** @internal What {@link CdcReadiness} registers (also the plugin's custom resource of the same kind, see pluginResources.ts). */
export function cdcReadinessRegistration(_name: string, args: CdcReadinessArgs, opts?: pulumi.CustomResourceOptions): Registration {
  const props: pulumi.Inputs = {
    ...adminConnectionProps(args),
    database: args.database ?? "",
    target: args.target,
    check: args.check,
    mode: args.mode,
    results: undefined,
    warnings: undefined,
    binlogRetentionHoursBefore: undefined,
    binlogRetentionHoursAfter: undefined,
  };
  return { props, opts: adminConnectionOptions(opts) };
}
