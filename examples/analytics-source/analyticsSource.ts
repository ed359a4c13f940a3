/**
 * `AnalyticsSource`: a team's own component that makes a PostgreSQL database an analytics
 * source. It reuses ClickPipesRdsIamAccess for the IAM access and also publishes the ClickPipe
 * settings to SSM Parameter Store, where the analytics team's pipeline reads them.
 *
 * It takes no database credentials: whoever creates it passes `aws` and `postgresql` providers
 * (`providers: [...]`), and every child, ClickPipesRdsIamAccess's included, inherits them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamAccess } from "clickpipes-rds-iam";

export interface AnalyticsSourceArgs {
  /** The ClickHouse service's "Service role ID (IAM)". */
  clickhouseRoleArn: pulumi.Input<string>;
  /** The existing RDS for PostgreSQL instance. */
  dbInstanceIdentifier: pulumi.Input<string>;
  /** The database ClickPipes reads, and its schemas. */
  database: string;
  schemas: string[];
  /** The role that creates tables in those schemas: its future tables become readable. */
  tableOwner: pulumi.Input<string>;
  /** SSM path under which the settings are published, such as "/analytics/sources". */
  parameterPath: string;
}

export class AnalyticsSource extends pulumi.ComponentResource {
  readonly access: ClickPipesRdsIamAccess;
  readonly settings: aws.ssm.Parameter;
  /** The role ARN to give ClickPipes. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the SSM parameter holding the ClickPipe source settings as JSON. */
  readonly settingsParameterName: pulumi.Output<string>;

  constructor(name: string, args: AnalyticsSourceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("clickpipes-examples:analytics:AnalyticsSource", name, {}, opts);

    // No adminUsername/adminPassword: the `postgresql` provider passed to this component is used.
    this.access = new ClickPipesRdsIamAccess(
      `${name}-clickpipes`,
      {
        clickhouseRoleArn: args.clickhouseRoleArn,
        engine: "postgres",
        dbInstanceIdentifier: args.dbInstanceIdentifier,
        database: args.database,
        schemas: args.schemas,
        tableOwner: args.tableOwner,
      },
      { parent: this },
    );
    this.settings = new aws.ssm.Parameter(
      `${name}-clickpipe-source`,
      {
        name: `${args.parameterPath}/${name}/clickpipe-source`,
        type: "String",
        description: `ClickPipe source settings for ${name} (from ClickPipesRdsIamAccess)`,
        value: this.access.clickPipeSource.apply((source) => JSON.stringify(source)),
      },
      { parent: this },
    );
    this.roleArn = this.access.roleArn;
    this.settingsParameterName = this.settings.name;
    this.registerOutputs({ roleArn: this.roleArn, settingsParameterName: this.settingsParameterName });
  }
}
