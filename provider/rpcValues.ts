/**
 * The property values a Pulumi provider receives and returns over gRPC, as plain JSON (what the
 * SDK's provider server hands to `pulumi.provider.Provider` methods: `Struct.toJavaScript()`).
 *
 * The SDK's server answers Configure with `acceptSecrets: true` (and `acceptOutputs: true`), so a
 * secret arrives as `{ [sig]: secretSig, value }`, an output value as `{ [sig]: outputValueSig,
 * value?, secret?, dependencies? }` (no `value`: unknown) and, at preview, an unknown as the
 * `unknownValue` string. The CRUD functions of `components/providers.ts` take plain values, so the
 * adapter unwraps inputs, remembers which top-level properties were secret or unknown, and wraps
 * outputs again: once, never a secret inside a secret.
 */
import { specialOutputValueSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

export { unknownValue };

/** A property bag, unwrapped. */
export interface Unwrapped {
  /** The values, with no secret or output wrapper left. Unknowns stay as `unknownValue`. */
  value: Record<string, unknown>;
  /** Top-level properties that held a secret anywhere inside them. */
  secrets: Set<string>;
  /** Top-level properties that held an unknown anywhere inside them (only at preview). */
  unknowns: Set<string>;
}

interface Found {
  secret: boolean;
  unknown: boolean;
}

function unwrapValue(v: unknown, found: Found): unknown {
  if (v === unknownValue) {
    found.unknown = true;
    return v;
  }
  if (Array.isArray(v)) return v.map((e) => unwrapValue(e, found));
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const sig = o[specialSigKey];
  if (sig === specialSecretSig) {
    found.secret = true;
    return unwrapValue(o.value, found);
  }
  if (sig === specialOutputValueSig) {
    if (o.secret === true) found.secret = true;
    if (!("value" in o)) {
      found.unknown = true;
      return unknownValue;
    }
    return unwrapValue(o.value, found);
  }
  const out: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(o)) out[k] = unwrapValue(e, found);
  return out;
}

/** Unwraps a property bag as the provider server passes it (`undefined` and `null` read as empty). */
export function unwrapProperties(props: unknown): Unwrapped {
  const result: Unwrapped = { value: {}, secrets: new Set(), unknowns: new Set() };
  if (props === undefined || props === null) return result;
  for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
    const found: Found = { secret: false, unknown: false };
    result.value[k] = unwrapValue(v, found);
    if (found.secret) result.secrets.add(k);
    if (found.unknown) result.unknowns.add(k);
  }
  return result;
}

/** A secret, as the engine expects it in a property bag. */
export function secretValue(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/** Whether a value is a wrapped secret. */
export function isSecretValue(v: unknown): boolean {
  return v !== null && typeof v === "object" && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/**
 * Wraps each of `secretKeys` present in `props` as a secret (leaving already-wrapped values as they
 * are) and drops `undefined` values, which a protobuf Struct cannot hold.
 */
export function wrapSecrets(props: Record<string, unknown> | undefined, secretKeys: Iterable<string>): Record<string, unknown> {
  const keys = new Set(secretKeys);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined) continue;
    out[k] = keys.has(k) && !isSecretValue(v) ? secretValue(v) : v;
  }
  return out;
}
