/**
 * Lets a program import this package by its published name, `clickpipes-rds-iam`, straight
 * from the TypeScript sources: the runtime twin of the `paths` entry in tsconfig.json (which
 * does the same for the type-checker). Used by the example specs and `npm run plan`, so the
 * examples read exactly like a user's program without a build step.
 */
import Module from "module";
import * as path from "path";

/** The package name users import. */
export const PACKAGE_NAME = "clickpipes-rds-iam";
/** What the name resolves to here: the package entry, as TypeScript source. */
export const PACKAGE_ENTRY = path.resolve(__dirname, "..", "components", "index.ts");

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
let registered = false;

/** Resolves `require("clickpipes-rds-iam")` to the package entry; idempotent. */
export function registerPackageAlias(): void {
  if (registered) return;
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    return resolve.call(this, request === PACKAGE_NAME ? PACKAGE_ENTRY : request, ...rest);
  };
  registered = true;
}
