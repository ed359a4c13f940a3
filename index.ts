/**
 * The deployable project: one ClickPipesRdsIamAccess driven by stack config (see Pulumi.yaml),
 * with everything ClickPipes asks for as stack outputs.
 *
 *   pulumi config set clickhouseRoleArn arn:aws:iam::123456789012:role/CH-S3-...
 *   pulumi config set engine postgres
 *   pulumi config set dbInstanceIdentifier my-db
 *   pulumi config set adminUsername postgres_admin
 *   pulumi config set --secret adminPassword ...
 *   pulumi up
 */
import { ClickPipesRdsIamAccess } from "./components";
import { argsFromConfig, stackConfigSource } from "./components/stackConfig";

const access = new ClickPipesRdsIamAccess("clickpipes", argsFromConfig(stackConfigSource()));

export const roleArn = access.roleArn;
export const roleName = access.roleName;
export const dbUserArn = access.dbUserArn;
export const resourceId = access.resourceId;
export const host = access.host;
export const port = access.port;
export const dbUsername = access.dbUsername;
export const clickPipeSource = access.clickPipeSource;
export const pipeModes = access.pipeModes;
export const setupSql = access.setupSql;
