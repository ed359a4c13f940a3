/**
 * The provider object each dynamic resource of this package hands Pulumi. Pulumi serializes it
 * into the stack's state, and later `pulumi refresh`, `up` and `destroy` run that text again, from
 * the project directory, with whatever version of this package is installed by then.
 *
 * So the text names nothing but the stable entry `clickpipes-rds-iam/providers` (declared in
 * package.json `exports`) and the kind of resource: no file of this package, no other package, no
 * path. The entry (`providers.ts`) loads everything else relative to its own location, which
 * resolves under npm's hoisted and nested layouts and pnpm alike, and upgrading the package
 * upgrades the code that existing states run. The project must depend on this package directly
 * (the state's `require` is resolved from the project directory, as Pulumi does for every dynamic
 * provider).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CompleteProvider, ProviderKind, ProvidersEntry } from "./providers";

/** The module the serialized providers require: part of the package's public contract, never renamed. */
export const PROVIDERS_ENTRY = "clickpipes-rds-iam/providers";

/**
 * The serializable provider of one kind of resource: each operation loads the stable entry and
 * forwards to the same operation there. Create one per kind at module level, so that Pulumi
 * serializes it once per process.
 */
export function stableProvider<I, O>(kind: ProviderKind): pulumi.dynamic.ResourceProvider<I, O> {
  // A literal `require`, resolved when the operation runs: the closure serializer copies the call
  // as written (it never captures `require` itself), so the state names the entry, not a path. A
  // module object captured instead would be written as its path, or copied whole.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entry = () => (require("clickpipes-rds-iam/providers") as ProvidersEntry).dynamicProvider(kind) as CompleteProvider<I, O>;
  return {
    check: (olds, news) => entry().check(olds, news),
    diff: (id, olds, news) => entry().diff(id, olds, news),
    create: (inputs) => entry().create(inputs),
    read: (id, props) => entry().read(id, props),
    update: (id, olds, news) => entry().update(id, olds, news),
    delete: (id, props) => entry().delete(id, props),
  };
}

/**
 * The caller's options with `names` added to `additionalSecretOutputs` (kept once each, the
 * caller's first): what every dynamic resource that stores a secret input hands Pulumi, so that
 * the value stays encrypted in the outputs as well. The caller's object is not changed.
 */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, ...names: string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...names])] };
}
