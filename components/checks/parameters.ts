/**
 * The parameter-group values ClickPipes needs, for a user's own `aws.rds.ParameterGroup` or
 * `aws.rds.ClusterParameterGroup`. This component never changes a parameter group of an existing
 * database (a group can be shared by other databases); it checks the values and says which to set.
 * Pure.
 */
import type { Deployment, Engine } from "../engines";
import type { ReplicationMechanism } from "./readiness";

/** One parameter, in the shape `aws.rds.ParameterGroup`'s `parameters` takes. */
export interface RdsParameter {
  name: string;
  value: string;
  /** "pending-reboot" for static parameters, "immediate" for dynamic ones. */
  applyMethod: "immediate" | "pending-reboot";
}

/** Options of {@link clickPipesParameters}. */
export interface ClickPipesParameterOptions {
  engine: Engine;
  deployment: Deployment;
  /** Initial Load Only needs no parameter; CDC does. */
  cdc: boolean;
  /**
   * MySQL: the mechanism the pipe replicates by; GTID (ClickPipes' default) needs GTID mode on.
   * @default "GTID"
   */
  replicationMechanism?: ReplicationMechanism;
  /**
   * The engine version the group is for (`"5.7"`, `"8.0"`, Aurora `"5.7.mysql_aurora.2.12.0"`):
   * MySQL 5.7 parameter groups have no `binlog_row_metadata`, so it is left out there.
   * @default a version that has every parameter
   */
  engineVersion?: string;
}

/**
 * The parameters to put in the target's parameter group (Aurora: the cluster parameter group)
 * for ClickPipes with IAM authentication. Empty for Initial Load Only.
 *
 * Sources: ClickHouse docs clickpipes/postgres/source/rds.md (rds.logical_replication,
 * rds.iam_auth_for_replication), clickpipes/mysql/source/rds.md, aurora.md and rds_maria.md
 * (binlog_format, binlog_row_image, binlog_row_metadata, GTID); PeerDB
 * flow/pkg/mysql/validation.go (binlog_row_value_options empty, which is its default).
 */
export function clickPipesParameters(o: ClickPipesParameterOptions): RdsParameter[] {
  if (!o.cdc) return [];
  switch (o.engine) {
    case "postgres":
      return [
        { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
        { name: "rds.iam_auth_for_replication", value: "1", applyMethod: "immediate" },
      ];
    case "mysql":
    case "mariadb": {
      const out: RdsParameter[] = [
        // Static on Aurora MySQL (it turns binary logging on); dynamic on RDS, where automated
        // backups turn binary logging on. pending-reboot is accepted for both.
        { name: "binlog_format", value: "ROW", applyMethod: o.deployment === "aurora" ? "pending-reboot" : "immediate" },
        { name: "binlog_row_image", value: "FULL", applyMethod: "immediate" },
      ];
      const mysql57 = o.engine === "mysql" && o.engineVersion !== undefined && /^5\./.test(o.engineVersion);
      if (!mysql57) out.push({ name: "binlog_row_metadata", value: "FULL", applyMethod: "immediate" });
      if (o.engine === "mysql" && (o.replicationMechanism ?? "GTID") === "GTID") {
        out.push(
          { name: "enforce_gtid_consistency", value: "ON", applyMethod: "pending-reboot" },
          { name: "gtid-mode", value: "ON", applyMethod: "pending-reboot" },
        );
      }
      return out;
    }
    default: {
      const unreachable: never = o.engine;
      throw new Error(`Unknown engine ${String(unreachable)}.`);
    }
  }
}
