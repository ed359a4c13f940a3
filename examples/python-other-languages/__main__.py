"""ClickPipes IAM-role access to RDS databases, from Python.

`pulumi_clickpipes_rds_iam` is the SDK that `pulumi package add` generates from the plugin's
schema (see README.md); argument names are the schema's, in snake_case.
"""

import pulumi
import pulumi_clickpipes_rds_iam as clickpipes

config = pulumi.Config()
clickhouse_role_arn = config.require("clickhouseRoleArn")

# RDS for MariaDB (10.11 or later), by instance identifier: SELECT on each database.
billing = clickpipes.ClickPipesRdsIamAccess(
    "billing",
    clickhouse_role_arn=clickhouse_role_arn,
    engine=clickpipes.Engine.MARIADB,
    db_instance_identifier=config.require("dbInstanceIdentifier"),
    admin_username="admin",
    admin_password=config.require_secret("adminPassword"),
    databases=["billing", "invoices"],
)

pulumi.export("roleArn", billing.role_arn)
pulumi.export("clickPipeSource", billing.click_pipe_source)

# Aurora PostgreSQL, by cluster identifier (never a member instance's), with CDC; only when
# `auroraClusterIdentifier` is set. IAM auth is turned on with the credentials of a role to assume.
aurora_cluster = config.get("auroraClusterIdentifier")
if aurora_cluster:
    orders = clickpipes.ClickPipesRdsIamAccess(
        "orders",
        clickhouse_role_arn=clickhouse_role_arn,
        engine=clickpipes.Engine.POSTGRES,
        db_cluster_identifier=aurora_cluster,
        admin_username="postgres_admin",
        admin_password=config.require_secret("auroraAdminPassword"),
        database="orders",
        schemas=["public"],
        cdc=True,
        aws_credentials=clickpipes.AwsCredentialSettingsArgs(
            assume_role=clickpipes.AwsAssumeRoleArgs(role_arn=config.require("auroraAdminRoleArn")),
        ),
    )
    pulumi.export("auroraRoleArn", orders.role_arn)
    pulumi.export("auroraClickPipeSource", orders.click_pipe_source)

    # The ClickPipe itself, over the ClickHouse Cloud API, once the access is in place (an API key
    # with the Admin role; its secret from `pulumi config set --secret clickhouseApiKeySecret`).
    pipe = clickpipes.ClickPipe(
        "orders-pipe",
        service=clickpipes.ClickHouseServiceArgs(
            organization_id=config.require("clickhouseOrganizationId"),
            service_id=config.require("clickhouseServiceId"),
            api_key_id=config.require("clickhouseApiKeyId"),
            api_key_secret=config.require_secret("clickhouseApiKeySecret"),
        ),
        source=orders.click_pipe_source,
        table_mappings=[
            clickpipes.ClickPipeTableMappingArgs(source_schema_name="public", source_table="orders", target_table="public_orders"),
        ],
        destination=clickpipes.ClickPipeDestinationArgs(database="default"),
        opts=pulumi.ResourceOptions(depends_on=[orders]),
    )
    pulumi.export("auroraClickPipeId", pipe.click_pipe_id)
