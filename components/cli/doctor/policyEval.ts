/**
 * A reading of IAM policy documents, enough to say which principals a trust policy lets assume
 * and tag a session, and which `rds-db:connect` resources the role's policies allow or deny. It is
 * a reading, not IAM's evaluation (conditions are not evaluated): IAM's own verdict comes from
 * `SimulatePrincipalPolicy`. Pure.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import { CONNECT_ACTION, TRUST_ACTIONS } from "../../policy";
import type { PolicyJson } from "./facts";

/** A statement in one shape: lists for every element. */
export interface Statement {
  effect: "Allow" | "Deny";
  /** `Principal.AWS` values ("*" for `"Principal": "*"`). */
  principals: string[];
  actions: string[];
  /** True when the statement lists `NotAction`: it covers every action but those. */
  notAction: boolean;
  resources: string[];
  notResource: boolean;
  hasCondition: boolean;
}

function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The statements of a document (one statement or a list); anything unreadable is left out. */
export function statementsOf(doc: PolicyJson): Statement[] {
  if (typeof doc !== "object" || doc === null) return [];
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Statement[] = [];
  for (const s of list) {
    if (typeof s !== "object" || s === null) continue;
    const o = s as Record<string, unknown>;
    if (o.Effect !== "Allow" && o.Effect !== "Deny") continue;
    const p = o.Principal;
    const principals = p === "*" ? ["*"] : typeof p === "object" && p !== null ? strings((p as { AWS?: unknown }).AWS) : [];
    out.push({
      effect: o.Effect,
      principals,
      actions: strings(o.Action ?? o.NotAction),
      notAction: o.Action === undefined && o.NotAction !== undefined,
      resources: strings(o.Resource ?? o.NotResource),
      notResource: o.Resource === undefined && o.NotResource !== undefined,
      hasCondition: typeof o.Condition === "object" && o.Condition !== null && Object.keys(o.Condition).length > 0,
    });
  }
  return out;
}

/** IAM's wildcards: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function coversAction(s: Statement, action: string): boolean {
  const listed = s.actions.some((a) => wildcardMatch(a, action, true));
  return s.notAction ? !listed : listed;
}

function coversResource(s: Statement, arn: string): boolean {
  const listed = s.resources.some((r) => wildcardMatch(r, arn));
  return s.notResource ? !listed : listed;
}

/** A principal a trust policy names, and which of the two trust actions it is allowed. */
export interface TrustedPrincipal {
  principal: string;
  assumeRole: boolean;
  tagSession: boolean;
  /** An allowing statement has a condition (not evaluated here). */
  conditional: boolean;
}

/**
 * The AWS principals a trust policy allows `sts:AssumeRole` or `sts:TagSession`, with what each
 * gets once the Deny statements (for that principal or "*") are taken away. In the order named.
 */
export function trustedPrincipals(doc: PolicyJson): TrustedPrincipal[] {
  const statements = statementsOf(doc);
  const byPrincipal = new Map<string, TrustedPrincipal>();
  const [assume, tag] = TRUST_ACTIONS;
  for (const s of statements.filter((x) => x.effect === "Allow")) {
    for (const principal of s.principals) {
      const t = byPrincipal.get(principal) ?? { principal, assumeRole: false, tagSession: false, conditional: false };
      t.assumeRole ||= coversAction(s, assume);
      t.tagSession ||= coversAction(s, tag);
      t.conditional ||= s.hasCondition && (coversAction(s, assume) || coversAction(s, tag));
      byPrincipal.set(principal, t);
    }
  }
  for (const s of statements.filter((x) => x.effect === "Deny" && !x.hasCondition)) {
    for (const t of byPrincipal.values()) {
      if (!s.principals.includes("*") && !s.principals.includes(t.principal)) continue;
      if (coversAction(s, assume)) t.assumeRole = false;
      if (coversAction(s, tag)) t.tagSession = false;
    }
  }
  return [...byPrincipal.values()].filter((t) => t.assumeRole || t.tagSession);
}

/** What the role's policies say about `rds-db:connect` on one dbuser ARN. */
export interface ConnectReading {
  /** Policies with an Allow naming exactly the ARN. */
  exact: string[];
  /** Allows that cover the ARN through a wildcard or NotResource, as `policy: pattern`. */
  wildcard: string[];
  /** Denies that cover the ARN, as `policy: pattern`. */
  denied: string[];
  /** Resources other Allows of `rds-db:connect` name instead. */
  otherResources: string[];
  /** Allowing statements with conditions (not evaluated here). */
  conditional: string[];
}

export { CONNECT_ACTION };

/** Reads every policy for `rds-db:connect` on `dbUserArn`. */
export function readConnect(policies: readonly { name: string; document?: PolicyJson }[], dbUserArn: string): ConnectReading {
  const r: ConnectReading = { exact: [], wildcard: [], denied: [], otherResources: [], conditional: [] };
  for (const p of policies) {
    for (const s of statementsOf(p.document)) {
      if (!coversAction(s, CONNECT_ACTION)) continue;
      const covers = coversResource(s, dbUserArn);
      const shown = s.notResource ? `NotResource ${s.resources.join(", ")}` : s.resources.join(", ");
      if (s.effect === "Deny") {
        if (covers && !s.hasCondition) r.denied.push(`${p.name}: ${shown}`);
        continue;
      }
      if (!covers) {
        if (!s.notResource) r.otherResources.push(...s.resources);
        continue;
      }
      if (s.hasCondition) r.conditional.push(p.name);
      if (!s.notResource && s.resources.includes(dbUserArn)) r.exact.push(p.name);
      else r.wildcard.push(`${p.name}: ${shown}`);
    }
  }
  r.exact = [...new Set(r.exact)];
  r.otherResources = [...new Set(r.otherResources)];
  return r;
}
