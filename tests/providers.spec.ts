import * as assert from "node:assert/strict";
import { CdcReadinessOutputs, cdcReadinessProvider } from "../components/cdcReadinessProvider";
import { iamAuthProvider } from "../components/iamAuthProvider";
import { mariaDbIamUserProvider } from "../components/mariadbUserProvider";
import { postgresPublicationProvider } from "../components/postgresPublicationProvider";
import { clickPipeProvider } from "../components/clickhouse/clickPipeProvider";
import { PROVIDER_KINDS, cdcReadiness, clickPipe, dynamicProvider, iamAuthEnablement, mariaDbIamUser, postgresPublication } from "../components/providers";

describe("providers: the stable entry clickpipes-rds-iam/providers", () => {
  it("serves each kind by the name the serialized providers use", () => {
    assert.deepEqual(
      PROVIDER_KINDS.map((k) => dynamicProvider(k)),
      [iamAuthEnablement, mariaDbIamUser, cdcReadiness, postgresPublication, clickPipe],
    );
  });

  it("serves the operations of each resource, every one the host may call", () => {
    const pairs = [
      [iamAuthEnablement, iamAuthProvider],
      [mariaDbIamUser, mariaDbIamUserProvider],
      [cdcReadiness, cdcReadinessProvider],
      [postgresPublication, postgresPublicationProvider],
      [clickPipe, clickPipeProvider],
    ] as const;
    for (const [served] of pairs) assert.deepEqual(Object.keys(served).sort(), ["check", "create", "delete", "diff", "read", "update"]);
  });

  it("does what the host does for an operation the resource lacks", async () => {
    // CdcReadiness has no check, read or delete.
    assert.equal(cdcReadinessProvider.read, undefined);
    assert.equal(cdcReadinessProvider.delete, undefined);
    const props = { host: "h" } as unknown as CdcReadinessOutputs;
    assert.deepEqual(await cdcReadiness.check(props, props), { inputs: props });
    assert.deepEqual(await cdcReadiness.read("id", props), { id: "id", props });
    assert.equal(await cdcReadiness.delete("id", props), undefined);
  });

  it("refuses a kind it does not know, naming the way out", () => {
    assert.throws(() => dynamicProvider("somethingNew"), {
      message:
        'This Pulumi state has a clickpipes-rds-iam resource of kind "somethingNew", which this version of clickpipes-rds-iam does not know; ' +
        "install the version that created it, or a later one, in the project directory.",
    });
    assert.throws(() => dynamicProvider("toString"), /kind "toString"/);
  });
});
