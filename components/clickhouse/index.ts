/**
 * The ClickHouse side: the Cloud API client, the service's IAM role lookup, and the ClickPipe.
 */
export { ClickPipe } from "./clickPipe";
export { ClickPipeArgs, DEFAULT_WAIT_TIMEOUT_MINUTES } from "./clickPipeArgs";
export { ClickPipeTableMapping, TABLE_ENGINES, TableEngine, createRequest as clickPipeCreateRequest } from "./clickPipeSpec";
export { ClickHouseServiceArgs, ClickHouseServiceRef, validateClickHouseServiceArgs } from "./service";
export { clickhouseServiceRoleArn, getServiceIamRole, lookupServiceIamRole } from "./serviceRole";
export { ClickHouseApi, ClickHouseApiError, DEFAULT_API_URL, clickHouseApi } from "./api";
