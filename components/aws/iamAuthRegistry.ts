/**
 * The IAM-auth enablers of this program, by database: the first one for a database turns IAM
 * auth on; every later one waits for it (`dependsOn`) and then only records itself as another
 * consumer. Two enablers racing on one database would both read the flag off and both send a
 * Modify; in one program they need not race. Process-level: one Pulumi program per process.
 */
import type * as pulumi from "@pulumi/pulumi";

/** An enabler, by its resource name. */
export interface RegisteredEnabler {
  name: string;
  resource: pulumi.Resource;
}

const enablers = new Map<string, RegisteredEnabler>();

/** The registry key: region, target kind and identifier (lower case: RDS identifiers are case-insensitive). */
export function enablerKey(region: string, kind: string, identifier: string): string {
  return `${region}/${kind}/${identifier.toLowerCase()}`;
}

/**
 * Registers `self` for the database `key` and returns the enabler that came first for it, or
 * undefined when `self` is the first (a resource of the same name replaces its entry).
 */
export function firstEnablerFor(key: string, self: RegisteredEnabler): RegisteredEnabler | undefined {
  const first = enablers.get(key);
  if (first !== undefined && first.name !== self.name) return first;
  enablers.set(key, self);
  return undefined;
}

/** @internal Forgets every enabler (tests run many programs in one process). */
export function resetIamAuthEnablerRegistry(): void {
  enablers.clear();
}
