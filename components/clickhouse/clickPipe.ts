/**
 * `ClickPipe`: the ClickPipe itself, created over the ClickHouse Cloud API from a
 * `ClickPipesRdsIamAccess` (its `clickPipeSource`) and what only the user knows (name, tables,
 * destination). The Pulumi counterpart of the Terraform provider's `clickhouse_clickpipe` with a
 * `source.postgres`/`source.mysql` block and `authentication = "IAM_ROLE"`.
 *
 * A dynamic resource: the provider (clickPipeProvider.ts) is serialized into the state. The API key
 * secret is registered with `pulumi.secret` and listed in `additionalSecretOutputs`; it is never in
 * the resource's ID, in a log line or in an error message.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClickPipeSource } from "../clickpipe";
import { ClickPipeArgs, clickPipeInputsOf, normalizeClickPipeArgs } from "./clickPipeArgs";
import { stableProvider, withSecretOutputs } from "../dynamicProvider";
import type { ClickPipeInputs, ClickPipeOutputs, ClickPipeTableMapping } from "./clickPipeSpec";

const provider = stableProvider<ClickPipeInputs, ClickPipeOutputs>("clickPipe");

/**
 * A ClickPipe from an RDS or Aurora database into a ClickHouse Cloud service, authenticated with
 * the IAM role a `ClickPipesRdsIamAccess` created.
 * @see https://clickhouse.com/docs/integrations/clickpipes/programmatic-access/openapi
 */
export class ClickPipe extends pulumi.dynamic.Resource {
  /** The pipe's ID in ClickHouse Cloud (also the resource's ID). */
  declare readonly clickPipeId: pulumi.Output<string>;
  /** The pipe's state as last seen: "Running", "Snapshot", "Completed", "Paused", "Failed", … */
  declare readonly state: pulumi.Output<string>;
  declare readonly pipeName: pulumi.Output<string>;
  declare readonly organizationId: pulumi.Output<string>;
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly source: pulumi.Output<ClickPipeSource>;
  declare readonly tableMappings: pulumi.Output<ClickPipeTableMapping[]>;
  declare readonly destinationDatabase: pulumi.Output<string>;
  declare readonly stopped: pulumi.Output<boolean>;

  constructor(name: string, args: ClickPipeArgs, opts: pulumi.CustomResourceOptions = {}) {
    const a = normalizeClickPipeArgs(name, args, opts);
    const props = {
      ...clickPipeInputsOf(a),
      apiKeySecret: pulumi.secret(a.service.apiKeySecret),
      clickPipeId: undefined,
      state: undefined,
    };
    // The access's children (the user, its grants, the readiness check) before the pipe. The
    // engine flattens nested lists of resources in `dependsOn`.
    const dependsOn = [...(opts.dependsOn === undefined ? [] : [opts.dependsOn]), ...(args.access === undefined ? [] : [args.access])] as unknown as pulumi.Input<pulumi.Resource>[];
    super(provider, name, props, withSecretOutputs({ ...opts, dependsOn }, "apiKeySecret"));
  }
}
