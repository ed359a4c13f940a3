/**
 * The CDC readiness check's operations as plain async functions over plain inputs: `cdcReadiness.ts`
 * is the Pulumi resource around them, and `providers.ts` serves them to the Pulumi state. The checks
 * are in `database/readiness.ts`. Loads no Pulumi module at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CdcCheckMode } from "./cdcArgs";
import type { CheckResult } from "./checks/readiness";
import { adminConnectionSettings } from "./database/adminConnectionArgs";
import { ReadinessRequest, ReadinessTarget, checkReadiness } from "./database/readiness";
import { connectPostgres } from "./database/pgSession";
import { connectAdmin } from "./database/mysqlSession";
import { ENGINE_LABELS } from "./engines";

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
  const settings = adminConnectionSettings(i);
  const report = await checkReadiness(i.target, i.check, i.mode, {
    postgres: () => connectPostgres({ ...settings, database: i.database }),
    mysql: () => connectAdmin({ ...settings, serverLabel: ENGINE_LABELS[i.check.engine] }),
  });
  return { ...i, ...report };
}

/**
 * @internal The operations of the dynamic resource, served to the Pulumi state through the stable
 * entry `clickpipes-rds-iam/providers` (`providers.ts`).
 */
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
