/**
 * Lets a program import this package by its published name, `clickpipes-rds-iam`, straight
 * from the TypeScript sources: the runtime twin of the `paths` entry in tsconfig.json (which
 * does the same for the type-checker). Used by the example specs, `npm run plan` and every spec
 * (`.mocharc.json` registers it), so the examples read exactly like a user's program, and the
 * serialized dynamic providers' `require("clickpipes-rds-iam/providers")` runs the sources under
 * test, without a build step. The specs that install the packed package (`tests/*.install.spec.ts`)
 * run it in other processes, where the real resolution applies.
 */
import Module from "module";
import * as path from "path";

/** The package name users import. */
export const PACKAGE_NAME = "clickpipes-rds-iam";
/** What the name resolves to here: the package entry, as TypeScript source. */
export const PACKAGE_ENTRY = path.resolve(__dirname, "..", "components", "index.ts");
/** The public entry points (package.json `exports`) and their TypeScript sources. */
export const PACKAGE_ENTRIES: Readonly<Record<string, string>> = {
  [PACKAGE_NAME]: PACKAGE_ENTRY,
  [`${PACKAGE_NAME}/providers`]: path.resolve(__dirname, "..", "components", "providers.ts"),
};

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
let registered = false;

/** Resolves `require("clickpipes-rds-iam")` and `require("clickpipes-rds-iam/providers")` to their sources; idempotent. */
export function registerPackageAlias(): void {
  if (registered) return;
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return resolve.call(this, Object.hasOwn(PACKAGE_ENTRIES, request) ? PACKAGE_ENTRIES[request] : request, ...rest);
  };
  registered = true;
}
