/**
 * Resolves the target database, from one lookup (identifier targets) or from the managed
 * resource's own outputs (no lookup), into one plain `TargetInfo`, and checks it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { locationFromRdsArn, DatabaseLocation } from "./arn";
import { Deployment, Engine, RDS_ENGINE_NAMES, engineFromRdsEngine, formatChoices } from "./engines";
import { ValidationError } from "./validation";
import { auroraMemberMessage, iamAuthOffMessage } from "./iamAuthRds";
import { compareVersions } from "./versions";
import { TargetFacts } from "./checks/facts";
import { describeResult, readinessRefusal, readinessWarnings, targetChecks } from "./checks/readiness";
import { CdcCheckMode, MAX_RDS_BINLOG_RETENTION_HOURS, PublicationPlan } from "./cdcArgs";

export { compareVersions };

/** What the component needs to know about the target database. */
export interface TargetInfo {
  /** "instance" for an RDS DB instance, "cluster" for an Aurora DB cluster. */
  kind: "instance" | "cluster";
  deployment: Deployment;
  /** DBInstanceIdentifier or DBClusterIdentifier. */
  identifier: string;
  /** The instance or cluster ARN; partition, region and account are read from it. */
  arn: string;
  location: DatabaseLocation;
  /** `db-…` (instance DbiResourceId) or `cluster-…` (cluster resource ID). */
  resourceId: string;
  /** Endpoint ClickPipes connects to: the instance address, or the cluster (writer) endpoint. */
  host: string;
  port: number;
  /** The RDS engine name, such as "postgres" or "aurora-mysql". */
  rdsEngine: string;
  engineVersion: string;
  /** The IAM DB auth flag where the source reports it (clusters, managed instances); undefined otherwise. */
  iamAuthEnabled?: boolean;
  /** Set when an instance lookup finds the instance belongs to an Aurora cluster. */
  memberOfCluster?: string;
  /** True when the target is an `aws.rds.Instance`/`Cluster` of the same program. */
  managed: boolean;
  /** Automated backup retention in days, where known. */
  backupRetentionPeriod?: number;
  /** The DB parameter group (instance) or DB cluster parameter group (cluster), where known. */
  parameterGroup?: string;
}

/** The target as the caller gave it. */
export type TargetSpec =
  | { kind: "dbInstanceIdentifier"; identifier: pulumi.Input<string> }
  | { kind: "dbClusterIdentifier"; identifier: pulumi.Input<string> }
  | { kind: "instance"; resource: aws.rds.Instance }
  | { kind: "cluster"; resource: aws.rds.Cluster };

/** Options of {@link resolveTarget}. */
export interface ResolveOptions {
  /**
   * Name for a read of an instance target (`aws.rds.Instance.get`), to learn its IAM auth flag:
   * `getInstance` does not return it. Set when nothing will turn IAM auth on (`enableIamAuth:
   * false`), so that an instance with it off is refused; a read modifies nothing.
   */
  readInstanceFlagAs?: string;
}

/** The port an engine listens on by default, for lookups that report none. */
function defaultPort(rdsEngine: string): number {
  return rdsEngine.includes("postgres") ? 5432 : 3306;
}

/** The host of an `address:port` endpoint. */
function hostOf(endpoint: string | undefined): string {
  return (endpoint ?? "").replace(/:\d+$/, "");
}

/**
 * Builds the `TargetInfo` output. Identifier targets cost exactly one invoke (`getInstance` or
 * `getCluster`); managed targets cost none. Account, region and partition come from the ARN.
 */
export function resolveTarget(spec: TargetSpec, parent: pulumi.Resource, options: ResolveOptions = {}): pulumi.Output<TargetInfo> {
  switch (spec.kind) {
    case "dbInstanceIdentifier": {
      const db = aws.rds.getInstanceOutput({ dbInstanceIdentifier: spec.identifier }, { parent });
      const flag =
        options.readInstanceFlagAs === undefined
          ? pulumi.output(undefined)
          : aws.rds.Instance.get(options.readInstanceFlagAs, db.resourceId, undefined, { parent }).iamDatabaseAuthenticationEnabled;
      return pulumi.all([db, spec.identifier, flag]).apply(([d, given, iam]) => ({
        kind: "instance" as const,
        deployment: "rds" as const,
        identifier: d.dbInstanceIdentifier || given,
        arn: d.dbInstanceArn,
        location: locationFromRdsArn(d.dbInstanceArn),
        resourceId: d.resourceId,
        host: d.address || hostOf(d.endpoint),
        port: d.port || d.dbInstancePort || defaultPort(d.engine ?? ""),
        rdsEngine: d.engine,
        engineVersion: d.engineVersion,
        iamAuthEnabled: typeof iam === "boolean" ? iam : undefined,
        memberOfCluster: d.dbClusterIdentifier ? d.dbClusterIdentifier : undefined,
        managed: false,
        backupRetentionPeriod: typeof d.backupRetentionPeriod === "number" ? d.backupRetentionPeriod : undefined,
        parameterGroup: d.dbParameterGroups?.[0] || undefined,
      }));
    }
    case "dbClusterIdentifier": {
      const db = aws.rds.getClusterOutput({ clusterIdentifier: spec.identifier }, { parent });
      return pulumi.all([db, spec.identifier]).apply(([d, given]) => ({
        kind: "cluster" as const,
        deployment: "aurora" as const,
        identifier: d.clusterIdentifier || given,
        arn: d.arn,
        location: locationFromRdsArn(d.arn),
        resourceId: d.clusterResourceId,
        host: d.endpoint,
        port: d.port || defaultPort(d.engine ?? ""),
        rdsEngine: d.engine,
        engineVersion: d.engineVersion,
        iamAuthEnabled: typeof d.iamDatabaseAuthenticationEnabled === "boolean" ? d.iamDatabaseAuthenticationEnabled : undefined,
        managed: false,
        backupRetentionPeriod: typeof d.backupRetentionPeriod === "number" ? d.backupRetentionPeriod : undefined,
        parameterGroup: d.dbClusterParameterGroupName || undefined,
      }));
    }
    case "instance": {
      const r = spec.resource;
      return managedTarget("instance", [r.identifier, r.arn, r.resourceId, r.address, r.port, r.engine, r.engineVersionActual, r.iamDatabaseAuthenticationEnabled], [r.backupRetentionPeriod, r.parameterGroupName]);
    }
    case "cluster": {
      const r = spec.resource;
      return managedTarget("cluster", [r.clusterIdentifier, r.arn, r.clusterResourceId, r.endpoint, r.port, r.engine, r.engineVersionActual, r.iamDatabaseAuthenticationEnabled], [r.backupRetentionPeriod, r.dbClusterParameterGroupName]);
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`Unknown target ${JSON.stringify(unreachable)}.`);
    }
  }
}

/** A managed instance's or cluster's outputs, in `TargetInfo` order. */
type ManagedOutputs = [
  identifier: pulumi.Output<string>,
  arn: pulumi.Output<string>,
  resourceId: pulumi.Output<string>,
  host: pulumi.Output<string>,
  port: pulumi.Output<number>,
  rdsEngine: pulumi.Output<string>,
  engineVersion: pulumi.Output<string>,
  iamAuthEnabled: pulumi.Output<boolean | undefined>,
];
/** What the readiness checks read of a managed target: backup retention and parameter group. */
type ManagedExtras = [backupRetentionPeriod: pulumi.Output<number | undefined>, parameterGroup: pulumi.Output<string | undefined>];

/** The `TargetInfo` of an `aws.rds.Instance` or `aws.rds.Cluster` of the same program: no lookup. */
function managedTarget(kind: "instance" | "cluster", outputs: ManagedOutputs, extras: ManagedExtras): pulumi.Output<TargetInfo> {
  return pulumi.all([pulumi.all(outputs), pulumi.all(extras)]).apply(([[identifier, arn, resourceId, host, port, rdsEngine, engineVersion, iam], [backups, group]]) => ({
    kind,
    deployment: kind === "cluster" ? ("aurora" as const) : ("rds" as const),
    identifier,
    arn,
    location: locationFromRdsArn(arn),
    resourceId,
    host,
    port,
    rdsEngine,
    engineVersion,
    iamAuthEnabled: iam ?? false,
    managed: true,
    backupRetentionPeriod: typeof backups === "number" ? backups : undefined,
    parameterGroup: group || undefined,
  }));
}

/** Minimum engine versions: IAM auth on MariaDB; `FOR TABLES IN SCHEMA` publications on PostgreSQL. */
export const MIN_MARIADB_IAM_VERSION = "10.11";
export const MIN_POSTGRES_SCHEMA_PUBLICATION_VERSION = "15";

/** What the checks need besides the target. */
export interface TargetCheckOptions {
  engine: Engine;
  cdc: boolean;
  /** What unmet CDC readiness requirements do: refuse, or come back as warnings. */
  cdcChecks: CdcCheckMode;
  /** PostgreSQL CDC: the publication the pipe reads. */
  publication?: PublicationPlan;
  /** MySQL/MariaDB CDC: the binlog retention hours the component will make sure of. */
  binlogRetentionHours?: number;
  /** Whether the component will turn IAM auth on itself (identifier targets with `enableIamAuth`). */
  enablesIamAuth: boolean;
}

/**
 * Checks a resolved target against the args: the engine agrees, an Aurora member instance is
 * refused, IAM auth is on (or will be), the engine version supports what is asked, and the
 * readiness checks that need only the lookup pass (`checks/readiness.ts` `targetChecks`).
 * Throws `ValidationError`; returns the warnings to log (unmet requirements under `cdcChecks: "warn"`).
 */
export function checkTarget(t: TargetInfo, o: TargetCheckOptions): string[] {
  if (t.memberOfCluster !== undefined) throw new ValidationError(auroraMemberMessage(t.identifier, t.memberOfCluster));
  const actual = engineFromRdsEngine(t.rdsEngine);
  // A lookup always reports the engine; one that reports none (a test double) is not contradicted.
  if (t.rdsEngine && actual !== o.engine) {
    throw new ValidationError(
      `\`engine\` "${o.engine}" does not match the database's engine "${t.rdsEngine}"; set \`engine\` to ${actual ? `"${actual}"` : `one that matches (${formatChoices(RDS_ENGINE_NAMES[o.engine])} for "${o.engine}")`}.`,
    );
  }
  if (t.iamAuthEnabled === false && !o.enablesIamAuth) {
    const how = t.managed
      ? `set \`iamDatabaseAuthenticationEnabled: true\` on the ${t.kind === "cluster" ? "aws.rds.Cluster" : "aws.rds.Instance"} (this component never modifies a database it does not own)`
      : undefined;
    throw new ValidationError(iamAuthOffMessage(t.kind, t.identifier, how));
  }
  if (o.engine === "mariadb" && t.engineVersion && compareVersions(t.engineVersion, MIN_MARIADB_IAM_VERSION) < 0) {
    throw new ValidationError(
      `MariaDB "${t.engineVersion}" on ${t.kind} "${t.identifier}" does not support IAM database authentication; upgrade to MariaDB ${MIN_MARIADB_IAM_VERSION} or later.`,
    );
  }
  const results = targetChecks(targetFacts(t, o.engine), { cdc: o.cdc });
  // ClickPipes refuses an old PostgreSQL in every mode: no `cdcChecks: "warn"` makes that work.
  const version = results.find((r) => r.id === "postgres.version" && r.status === "fail");
  if (version !== undefined) throw new ValidationError(`${describeResult(version)}`);
  const p = o.publication;
  if (p?.create && p.scope.kind === "schemas" && t.engineVersion && compareVersions(t.engineVersion, MIN_POSTGRES_SCHEMA_PUBLICATION_VERSION) < 0) {
    throw new ValidationError(
      `PostgreSQL "${t.engineVersion}" on ${t.kind} "${t.identifier}" has no \`FOR TABLES IN SCHEMA\` publications (PostgreSQL ${MIN_POSTGRES_SCHEMA_PUBLICATION_VERSION} and later); list the tables ClickPipes replicates in \`publicationTables\`, or create a publication yourself and set \`publicationName\` and \`createPublication: false\`.`,
    );
  }
  if (o.binlogRetentionHours !== undefined && t.deployment === "rds" && o.binlogRetentionHours > MAX_RDS_BINLOG_RETENTION_HOURS) {
    throw new ValidationError(
      `\`binlogRetentionHours\` ${o.binlogRetentionHours} is more than RDS for ${o.engine === "mariadb" ? "MariaDB" : "MySQL"} allows (${MAX_RDS_BINLOG_RETENTION_HOURS}, 7 days) on ${t.kind} "${t.identifier}"; use ${MAX_RDS_BINLOG_RETENTION_HOURS} or less.`,
    );
  }
  // targetChecks makes no hard failures: under "warn" nothing here blocks.
  const refusal = readinessRefusal(t, results, o.cdcChecks);
  if (refusal !== undefined) throw new ValidationError(refusal);
  return readinessWarnings(results);
}

/** The lookup's facts, as the readiness checks take them. */
export function targetFacts(t: TargetInfo, engine: Engine): TargetFacts {
  return {
    engine,
    deployment: t.deployment,
    kind: t.kind,
    identifier: t.identifier,
    engineVersion: t.engineVersion ?? "",
    backupRetentionPeriod: t.backupRetentionPeriod,
    parameterGroup: t.parameterGroup,
    host: t.host,
  };
}

/**
 * The checks of a managed `aws.rds.Instance`/`Cluster` that need only what its program gave it
 * (engine, IAM flag, engine version, backup retention): known at `pulumi preview` even for a
 * database that does not exist yet, unlike its ARN, resource ID and address, which the full
 * check waits for. Each value is checked on its own, so that one left unknown in a dry run (an
 * engine version the program did not give) does not hold back the others. Resolves when all
 * pass; rejects with the first refusal. Undefined for identifier targets, whose lookup answers
 * at preview anyway. Warnings are left to the full check, which logs them once.
 */
export function preflightManagedTarget(spec: TargetSpec, o: TargetCheckOptions, wrap: (f: () => void) => void = (f) => f()): pulumi.Output<void> | undefined {
  if (spec.kind !== "instance" && spec.kind !== "cluster") return undefined;
  const r = spec.resource;
  const kind = spec.kind;
  // The program's own name for the resource: its identifier may be assigned only at create.
  const name = r.urn.apply((urn) => urn.split("::").pop() ?? urn);
  const neutral = (identifier: string): TargetInfo => ({
    kind,
    deployment: kind === "cluster" ? "aurora" : "rds",
    identifier,
    arn: "",
    location: { partition: "", region: "", account: "" },
    resourceId: "",
    host: "",
    port: 0,
    rdsEngine: "",
    engineVersion: "",
    managed: true,
  });
  const check = (n: string, known: Partial<TargetInfo>) => wrap(() => void checkTarget({ ...neutral(n), ...known }, o));
  const checks: pulumi.Output<void>[] = [
    pulumi.all([name, r.engine]).apply(([n, engine]) => check(n, { rdsEngine: engine ?? "" })),
    pulumi.all([name, r.iamDatabaseAuthenticationEnabled]).apply(([n, iam]) => check(n, { iamAuthEnabled: iam ?? false })),
    pulumi.all([name, r.engineVersion]).apply(([n, version]) => check(n, { engineVersion: version ?? "" })),
    pulumi.all([name, r.backupRetentionPeriod]).apply(([n, backups]) => check(n, { backupRetentionPeriod: typeof backups === "number" ? backups : undefined })),
  ];
  return pulumi.all(checks).apply(() => undefined);
}
