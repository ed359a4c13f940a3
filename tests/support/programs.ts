/**
 * Running a Pulumi program of this repository (the root project or an example) under the test
 * mocks, with its committed Pulumi.sample.yaml as stack config and its `lookups:` section
 * answering the RDS lookups and the ClickHouse service lookups.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { projectName } from "../../scripts/plan";
import { clusterLookupResult, instanceLookupResult } from "../../scripts/planMocks";
import { ProgramRun, runProgram } from "../../scripts/runProgram";
import { StackFile, readStackFile, renameProject } from "../../scripts/stackFile";
import { withServiceLookups } from "./clickhouseApi";
import { cloud } from "./mocks";

/** A program directory's Pulumi.sample.yaml, moved into the test project's config namespace. */
export function sampleStack(dir: string): StackFile {
  return renameProject(readStackFile(path.join(dir, "Pulumi.sample.yaml")), projectName(dir), pulumi.getProject());
}

/**
 * Runs `program` (default: the directory's index.ts) with `stack`, after resetting the mock cloud
 * to answer the stack file's lookups.
 */
export function runWithLookups(dir: string, stack: StackFile = sampleStack(dir), program: string = path.join(dir, "index.ts")): Promise<ProgramRun> {
  const map = <T>(o: Record<string, T>, f: (id: string, v: T) => Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([id, v]) => [id, f(id, v)]));
  cloud.reset({ instances: map(stack.lookups.instances, instanceLookupResult), clusters: map(stack.lookups.clusters, clusterLookupResult) });
  return withServiceLookups(stack.lookups.clickhouseServices, () => runProgram(program, stack));
}
