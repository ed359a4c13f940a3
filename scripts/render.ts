/**
 * Renders a program run as the offline plan prints it: the resource tree with each resource's
 * inputs, the IAM policy documents, each ClickPipesRdsIamAccess's setup SQL and ClickPipe
 * settings, and the stack outputs. Secrets print as [secret].
 */
import * as pulumi from "@pulumi/pulumi";
import { CLICKPIPES_RDS_IAM_ACCESS_TYPE, ClickPipesRdsIamAccess } from "../components";
import { plannedDatabaseChecks, plannedTargetChecks } from "../components/checks/readiness";
import type { ReadinessRequest } from "../components/database/readiness";
import { ProgramResource, ProgramRun, resolved } from "./runProgram";
import { ClickPipe } from "../components/clickhouse/clickPipe";
import { ClickPipeInputs, createRequest, pipesPath } from "../components/clickhouse/clickPipeSpec";

/** How a secret value prints. */
export const SECRET = "[secret]";

/** Inputs shown in their own section instead of in the tree. */
const POLICY_INPUTS: Readonly<Record<string, string>> = {
  "aws:iam/role:Role assumeRolePolicy": "trust policy below",
  "aws:iam/rolePolicy:RolePolicy policy": "permission policy below",
};

/** A value as the plan prints it: JSON on one line, or [secret]. */
async function show(value: unknown): Promise<string | undefined> {
  const out = pulumi.output(value);
  if (await pulumi.isSecret(out)) return SECRET;
  const v = await resolved<unknown>(out);
  return v === undefined ? undefined : JSON.stringify(v);
}

/** The type as printed: dynamic resources also name their class. */
function typeLabel(r: ProgramResource): string {
  return r.type === "pulumi-nodejs:dynamic:Resource" ? `${r.type} (${r.resource.constructor.name})` : r.type;
}

function depthOf(r: ProgramResource, byResource: Map<pulumi.Resource, ProgramResource>): number {
  let depth = 0;
  for (let p = r.parent; p !== undefined; p = byResource.get(p)?.parent) depth++;
  return depth;
}

/** Resources in tree order: each parent followed by its children, in registration order. */
export function treeOrder(resources: readonly ProgramResource[]): ProgramResource[] {
  const children = new Map<pulumi.Resource | undefined, ProgramResource[]>();
  for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const ordered: ProgramResource[] = [];
  const visit = (parent: pulumi.Resource | undefined): void => {
    for (const child of children.get(parent) ?? []) {
      ordered.push(child);
      visit(child.resource);
    }
  };
  visit(undefined);
  return ordered;
}

async function treeSection(run: ProgramRun): Promise<string[]> {
  const byResource = new Map(run.resources.map((r) => [r.resource, r] as const));
  const ordered = treeOrder(run.resources);
  const labels = ordered.map((r) => `${"  ".repeat(depthOf(r, byResource))}${typeLabel(r)}`);
  const width = Math.max(...labels.map((l) => l.length));
  const reads = ordered.filter((r) => r.readId !== undefined).length;
  const lines = [`Resources: ${ordered.length - reads} to create${reads === 0 ? "" : `, ${reads} to read (never modified)`}`];
  for (const [i, r] of ordered.entries()) {
    if (r.readId !== undefined) {
      lines.push(`  > ${labels[i].padEnd(width)}  ${r.name}  (read ${(await show(r.readId)) ?? "by ID"})`);
      continue;
    }
    lines.push(`  + ${labels[i].padEnd(width)}  ${r.name}`);
    const indent = " ".repeat(4 + 2 * depthOf(r, byResource) + 4);
    for (const [key, value] of Object.entries(r.props)) {
      if (key.startsWith("__")) continue;
      const policy = POLICY_INPUTS[`${r.type} ${key}`];
      const text = policy !== undefined ? `(${policy})` : await show(value);
      if (text !== undefined) lines.push(`${indent}${key}: ${text}`);
    }
  }
  return lines;
}

function indentBlock(text: string): string[] {
  return text.replace(/\n$/, "").split("\n").map((l) => `  ${l}`);
}

async function policySection(run: ProgramRun): Promise<string[]> {
  const lines: string[] = [];
  for (const r of run.resources) {
    const [title, key] =
      r.type === "aws:iam/role:Role"
        ? [`Trust policy of ${r.name} (who may assume the role)`, "assumeRolePolicy"]
        : r.type === "aws:iam/rolePolicy:RolePolicy"
          ? [`Permission policy ${r.name} (inline on the role: what the role may do)`, "policy"]
          : [undefined, undefined];
    if (title === undefined || key === undefined) continue;
    const doc = await resolved<string>(r.props[key]);
    lines.push("", `${title}:`, ...indentBlock(JSON.stringify(JSON.parse(doc), null, 2)));
  }
  return lines;
}

async function componentSection(run: ProgramRun): Promise<string[]> {
  const lines: string[] = [];
  for (const r of run.resources) {
    if (r.type !== CLICKPIPES_RDS_IAM_ACCESS_TYPE) continue;
    const access = r.resource as ClickPipesRdsIamAccess;
    lines.push(
      "",
      `Database user and grants of ${r.name} (setupSql: what the component runs, or what to run by hand with createDbUser false):`,
      ...indentBlock(await resolved<string>(access.setupSql)),
      "",
      `ClickPipes settings of ${r.name} (clickPipeSource: what to enter in the ClickPipe source):`,
      ...indentBlock(JSON.stringify(await resolved(access.clickPipeSource), null, 2)),
      ...(await readinessLines(run, r.name, access)),
    );
  }
  return lines;
}

/** The readiness checks of a component: those made from the lookup, and those left for `pulumi up`. */
async function readinessLines(run: ProgramRun, name: string, access: ClickPipesRdsIamAccess): Promise<string[]> {
  const source = await resolved<{ type: string; settings: { replicationMode: string } }>(access.clickPipeSource);
  const cdc = source.settings.replicationMode === "cdc";
  const engine = source.type.endsWith("postgres") ? "postgres" : source.type.endsWith("mariadb") ? "mariadb" : "mysql";
  const deployment = source.type.startsWith("aurora") ? "aurora" : "rds";
  const fromLookup = plannedTargetChecks(engine, deployment, cdc);
  const lines = ["", `Readiness checks of ${name}:`];
  if (fromLookup.length > 0) {
    lines.push("  made from the target's settings as soon as they are known (a failure creates nothing):", ...fromLookup.map((c) => `    -  ${c.id}: ${c.requirement}`));
  }
  const readiness = run.resources.find((x) => x.resource === access.readiness);
  if (readiness === undefined) {
    lines.push(cdc ? "  CDC settings of the database: not checked (no admin credentials, or createDbUser false); check them by hand (docs/cdc.md)." : "  CDC settings: none needed (Initial Load Only).");
    return lines;
  }
  const check = await resolved<ReadinessRequest>(readiness.props.check);
  lines.push(
    `  made over the admin connection at \`pulumi up\` by ${readiness.name}, before any user or grant (cannot run offline):`,
    ...plannedDatabaseChecks(check).map((c) => `    -  ${c.id}: ${c.requirement}`),
  );
  return lines;
}

/** Each ClickPipe: the request `pulumi up` would send (the API key travels only in a header). */
async function clickPipeSection(run: ProgramRun): Promise<string[]> {
  const lines: string[] = [];
  for (const r of run.resources) {
    if (!(r.resource instanceof ClickPipe)) continue;
    const p = (await resolved(pulumi.unsecret(pulumi.output(r.props)))) as unknown as ClickPipeInputs;
    lines.push("", `ClickPipe ${r.name} (what \`pulumi up\` asks the ClickHouse Cloud API to create, then waits for):`, `  POST ${p.apiUrl}${pipesPath(p)}`, ...indentBlock(JSON.stringify(createRequest(p), null, 2)));
  }
  return lines;
}

async function outputSection(run: ProgramRun): Promise<string[]> {
  const lines = ["", "Stack outputs:"];
  for (const [key, value] of Object.entries(run.exports)) {
    const text = await show(value);
    if (text === undefined) continue;
    // Multi-line strings (setupSql) print as a block, as `pulumi stack output` does.
    const multiLine = text.startsWith('"') && text.includes("\\n") ? (JSON.parse(text) as string) : undefined;
    lines.push(...(multiLine === undefined ? [`  ${key}: ${text}`] : [`  ${key}: |`, ...indentBlock(multiLine).map((l) => `  ${l}`)]));
  }
  return lines;
}

/** The plan's report of a successful run. */
export async function renderPlan(run: ProgramRun, header: string[]): Promise<string> {
  const lines = [...header, "", ...(await treeSection(run)), ...(await policySection(run)), ...(await componentSection(run)), ...(await clickPipeSection(run)), ...(await outputSection(run))];
  return lines.join("\n") + "\n";
}
