/**
 * `npm run plan`: what `pulumi up` would create, offline. Runs the project's program (index.ts),
 * or an example's, against a stack config file under mocks: no AWS credentials and no Pulumi CLI
 * needed. Lookups of existing databases are answered from the file's `lookups:` section.
 *
 *   npm run plan                                   # index.ts with Pulumi.sample.yaml
 *   npm run plan -- --config Pulumi.dev.yaml       # with your stack's config
 *   npm run plan -- --example aurora-mysql-cdc     # an example, with its Pulumi.sample.yaml
 *
 * The stack config gets what the Pulumi CLI gives a program (Pulumi.yaml's defaults, checked against
 * its types and secrets: scripts/projectConfig.ts), and the program checks it as under `pulumi up`.
 *
 * Exit status: 0 planned, 1 the config is refused (the component's message is printed), 2 bad usage.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { PlanCloud, placement, GENERATED } from "./planMocks";
import { renderPlan, SECRET } from "./render";
import { ProgramError, runProgram } from "./runProgram";
import { applyProjectConfig, readProjectConfig } from "./projectConfig";
import { readStackFile } from "./stackFile";
import { answerServiceLookups } from "../components/clickhouse/serviceRole";

const REPO = path.resolve(__dirname, "..");
const EXAMPLES = path.join(REPO, "examples");
/** The config file the plan reads when none is given, beside the program. */
export const SAMPLE_CONFIG = "Pulumi.sample.yaml";

export const USAGE = `Usage: npm run plan -- [--example NAME] [--config FILE]

  --example NAME  plan examples/NAME instead of the project's own program (index.ts)
  --config FILE   stack config file to use (default: ${SAMPLE_CONFIG} beside the program)
`;

/** Where the plan writes. */
export interface PlanIo {
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}
class PlanError extends Error {}

interface PlanArgs {
  example?: string;
  config?: string;
  help: boolean;
}

function parseArgs(argv: readonly string[]): PlanArgs {
  const args: PlanArgs = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`\`${flag}\` needs a value.`);
      return v;
    };
    if (flag === "--help" || flag === "-h") args.help = true;
    else if (flag === "--example") args.example = value();
    else if (flag === "--config") args.config = value();
    else throw new UsageError(`Unknown argument \`${argv[i]}\`.`);
  }
  return args;
}

/** The examples that are Pulumi programs. */
export function exampleNames(): string[] {
  return fs
    .readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(EXAMPLES, d.name, "index.ts")))
    .map((d) => d.name)
    .sort();
}

function programDir(example: string | undefined): string {
  if (example === undefined) return REPO;
  const names = exampleNames();
  if (!names.includes(example)) throw new UsageError(`There is no example program \`${example}\`; choose one of ${names.join(", ")}.`);
  return path.join(EXAMPLES, example);
}

/** The project name in a program's Pulumi.yaml: the namespace of its config keys. */
export function projectName(dir: string): string {
  const doc = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown } | null;
  if (typeof doc?.name !== "string") throw new PlanError(`${path.join(dir, "Pulumi.yaml")} has no project \`name\`.`);
  return doc.name;
}

/** `Pulumi.<stack>.yaml` names stack `<stack>`; any other file name plans stack "plan". */
export function stackName(configFile: string): string {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(configFile))?.[1] ?? "plan";
}

/** Runs the plan; returns the exit status. */
export async function plan(argv: readonly string[], io: PlanIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    const dir = programDir(args.example);
    const configFile = args.config ?? path.relative(process.cwd(), path.join(dir, SAMPLE_CONFIG));
    const project = projectName(dir);
    const stack = stackName(configFile);
    // What the Pulumi CLI does before it runs the program: Pulumi.yaml's defaults, types and secrets.
    const stackFile = applyProjectConfig(readProjectConfig(dir), stack, readStackFile(configFile));
    const cloud = new PlanCloud(stackFile.lookups, placement(stackFile.lookups, stackFile.config["aws:region"]), configFile);
    await pulumi.runtime.setMocks(cloud, project, stack, false);

    // The ClickHouse service's role is an HTTP call, not an invoke: answer it from the file too.
    const restore = answerServiceLookups(({ serviceId }) => {
      cloud.lookupsMade.push(`getService ${serviceId}`);
      const answer = stackFile.lookups.clickhouseServices[serviceId];
      if (answer === undefined) {
        throw new PlanError(`ClickHouse service "${serviceId}" is not in \`lookups.clickhouseServices\` of ${configFile}; add its \`iamRole\` ("Service role ID (IAM)" in the service's Settings).`);
      }
      return answer.iamRole;
    });
    const run = await runProgram(path.join(dir, "index.ts"), stackFile).finally(restore);
    const lookups = cloud.lookupsMade.length > 0 ? cloud.lookupsMade.join(", ") : "none";
    const header = [
      `Offline plan of ${path.relative(REPO, path.join(dir, "index.ts"))} (project ${project}, stack ${stack}, config ${configFile}): what \`pulumi up\` would create.`,
      `No AWS calls and no Pulumi CLI. Lookups answered from the \`lookups:\` section: ${lookups}.`,
      `Values AWS assigns at create time show as ${GENERATED}; secrets as ${SECRET}.`,
    ];
    io.out(await renderPlan(run, header));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    // The program's own refusals, and bad stack files (StackFileError, PlanError): the message alone.
    const messages = e instanceof ProgramError ? e.messages : [e instanceof Error ? e.message : String(e)];
    io.err(messages.map((m) => `error: ${m}\n`).join(""));
    return 1;
  }
}

if (require.main === module) {
  // Failures are reported by `plan`; registrations left pending by a failure must not print more.
  process.on("unhandledRejection", () => undefined);
  void plan(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((code) => {
    process.exitCode = code;
  });
}
