/**
 * The plugin's `construct` of `clickpipes-rds-iam:index:ClickPipesRdsIamAccess`: the same
 * component as the npm package's, whose children are registered as the plugin's own custom
 * resources (components/pluginResources.ts) instead of dynamic resources, which programs in other
 * languages cannot load (pulumi/pulumi#5455).
 *
 * The SDK's provider server has already turned the request into what a TypeScript program would
 * pass: plain values for plain inputs, Outputs for secrets and for values that depend on other
 * resources, resource objects for resource references, and the resource options (parent,
 * providers, aliases, dependsOn, protect, …). The component checks them exactly as it checks a
 * TypeScript caller's, so a bad input is refused with the same message before any child exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { CLICKHOUSE_SERVICE_FIELDS } from "../components/clickhouse/service";
import { ClickPipesRdsIamAccess, ClickPipesRdsIamAccessArgs } from "../components/clickPipesRdsIamAccess";
import type { ChildResourceMode, PluginPackage } from "../components/pluginResources";

/** The plugin's source, as generated SDKs and the children it registers name it. */
export const PLUGIN_DOWNLOAD_URL = "git://github.com/clickpipes-rds-iam/clickpipes-rds-iam/provider";

/**
 * Builds a subclass per plugin package whose children are the plugin's custom resources. The
 * mode is fixed per class, since the base constructor asks for it before any field of a subclass
 * instance exists.
 */
export function pluginComponentClass(plugin: PluginPackage): typeof ClickPipesRdsIamAccess {
  const mode: ChildResourceMode = { kind: "plugin", plugin };
  return class PluginClickPipesRdsIamAccess extends ClickPipesRdsIamAccess {
    protected override childResourceMode(): ChildResourceMode {
      return mode;
    }
  };
}

/**
 * The inputs as the component takes them. `clickhouseService` is secret as a whole in the schema
 * (generated SDKs do not make a nested property secret, so its `apiKeySecret` could otherwise be
 * given in plain text), so it arrives as one secret Output of an object, where the component takes
 * an object of Inputs: it is split into one Output per field, the key secret and the IDs not (the
 * role ARN looked up with them, and everything built from it, would otherwise be secret too).
 */
export function adaptedInputs(inputs: pulumi.Inputs): pulumi.Inputs {
  const service = inputs.clickhouseService;
  if (!pulumi.Output.isInstance(service)) return inputs;
  const object = service as pulumi.Output<Record<string, unknown> | undefined>;
  const fields: Record<string, pulumi.Output<unknown>> = {};
  for (const field of CLICKHOUSE_SERVICE_FIELDS) {
    const value = object.apply((o) => (o === null || typeof o !== "object" ? undefined : o[field]));
    fields[field] = field === "apiKeySecret" ? pulumi.secret(value) : pulumi.unsecret(value);
  }
  return { ...inputs, clickhouseService: fields };
}

/**
 * Constructs the component for the plugin: its URN and, as its state, each of `outputNames` (the
 * component's properties in the schema) read from the instance.
 */
export function constructComponent(
  name: string,
  inputs: pulumi.Inputs,
  options: pulumi.ComponentResourceOptions,
  plugin: PluginPackage,
  outputNames: readonly string[],
): pulumi.provider.ConstructResult {
  const Component = pluginComponentClass(plugin);
  const component = new Component(name, adaptedInputs(inputs) as unknown as ClickPipesRdsIamAccessArgs, options);
  const state: Record<string, unknown> = {};
  for (const key of outputNames) state[key] = (component as unknown as Record<string, unknown>)[key];
  return { urn: component.urn, state };
}
