/**
 * The component's children as custom resources of the package's own provider plugin (provider/),
 * for programs in languages other than TypeScript.
 *
 * On the npm path the component's children are Pulumi dynamic resources (`IamAuthEnablement`,
 * `MariaDbIamUser`, `CdcReadiness`, `PostgresPublication`): their provider is serialized into the
 * state and run again by the Node.js dynamic-provider host, from the program's directory. Programs
 * in other languages cannot load dynamic providers (pulumi/pulumi#5455), so when the plugin
 * constructs the component (provider/construct.ts), the same children are registered as custom
 * resources `clickpipes-rds-iam:index:<Kind>` instead, with the same inputs, served by the same
 * CRUD functions (components/providers.ts) through the plugin.
 *
 * Each such child carries:
 * - `version` and `pluginDownloadURL`: the engine loads the plugin of exactly this version from
 *   the same Git source the SDK was generated from;
 * - an alias to the type `pulumi-nodejs:dynamic:Resource` (same name, same parent): a stack that
 *   moves from the npm package to a generated SDK keeps its existing enabler and MariaDB user
 *   rather than deleting them (which could turn IAM auth off) and creating new ones;
 * - the resource's own `additionalSecretOutputs` (the admin password).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./providers";

/** The package name: the first segment of every type token. */
export const PACKAGE_NAME = "clickpipes-rds-iam";

/** The type Pulumi gives every dynamic resource. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/** The plugin's type token of each kind of child. */
export const PLUGIN_RESOURCE_TYPES: Readonly<Record<ProviderKind, string>> = {
  iamAuthEnablement: `${PACKAGE_NAME}:index:IamAuthEnablement`,
  mariaDbIamUser: `${PACKAGE_NAME}:index:MariaDbIamUser`,
  cdcReadiness: `${PACKAGE_NAME}:index:CdcReadiness`,
  postgresPublication: `${PACKAGE_NAME}:index:PostgresPublication`,
  clickPipe: `${PACKAGE_NAME}:index:ClickPipe`,
};

/** Where the engine gets the plugin that serves the custom resources. */
export interface PluginPackage {
  /** The plugin's version (the Git tag without its `v`). */
  readonly version: string;
  /** The plugin's source, e.g. `git://github.com/<owner>/<repo>/provider`. */
  readonly pluginDownloadURL: string;
}

/** How a component registers its children: as dynamic resources (npm), or as the plugin's custom resources. */
export type ChildResourceMode = { readonly kind: "dynamic" } | { readonly kind: "plugin"; readonly plugin: PluginPackage };

/** The npm path's mode. */
export const DYNAMIC_CHILDREN: ChildResourceMode = { kind: "dynamic" };

/**
 * What a resource class hands Pulumi: its property bag and options, computed once from its
 * arguments whichever way it is registered, and what to do once it is.
 */
export interface Registration {
  readonly props: pulumi.Inputs;
  readonly opts: pulumi.CustomResourceOptions;
  /** Called with the registered resource (e.g. to record it as the first enabler of its database). */
  readonly registered?: (self: pulumi.CustomResource) => void;
}

/** A child's options as the plugin path registers it: the plugin's version and source, and the alias from the dynamic type. */
export function pluginResourceOptions(opts: pulumi.CustomResourceOptions, plugin: PluginPackage): pulumi.CustomResourceOptions {
  return {
    ...opts,
    version: plugin.version,
    pluginDownloadURL: plugin.pluginDownloadURL,
    aliases: [...(opts.aliases ?? []), { type: DYNAMIC_RESOURCE_TYPE }],
  };
}

/**
 * A child of the component as a custom resource of the plugin. Its outputs are the same
 * properties as the dynamic resource of the same kind (Pulumi creates an Output for every key of
 * the property bag).
 */
export class PluginResource extends pulumi.CustomResource {
  constructor(kind: ProviderKind, name: string, registration: Registration, plugin: PluginPackage) {
    super(PLUGIN_RESOURCE_TYPES[kind], name, registration.props, pluginResourceOptions(registration.opts, plugin));
    registration.registered?.(this);
  }
}

/**
 * The public shape of a resource class without the class itself: what a child offers whichever
 * way it was registered (`instanceof` tells the npm path's dynamic resource from the plugin's).
 */
export type ChildOf<R> = pulumi.CustomResource & { readonly [K in Exclude<keyof R, keyof pulumi.CustomResource>]: R[K] };

/**
 * Registers one child: the dynamic resource class on the npm path, or the plugin's custom
 * resource of the same kind with the same inputs.
 */
export function registerChild<A, R extends pulumi.CustomResource>(
  mode: ChildResourceMode,
  kind: ProviderKind,
  name: string,
  args: A,
  opts: pulumi.CustomResourceOptions,
  registration: (name: string, args: A, opts: pulumi.CustomResourceOptions) => Registration,
  dynamic: new (name: string, args: A, opts: pulumi.CustomResourceOptions) => R,
): ChildOf<R> {
  if (mode.kind === "dynamic") return new dynamic(name, args, opts);
  return new PluginResource(kind, name, registration(name, args, opts), mode.plugin) as unknown as ChildOf<R>;
}
