import { strict as assert } from "assert";
import { clickPipeSourceType, engineFromRdsEngine, formatChoices, pipeModes } from "../components/engines";

describe("engines", () => {
  it("maps RDS engine names to ours", () => {
    assert.deepEqual(
      ["postgres", "aurora-postgresql", "mysql", "aurora-mysql", "aurora", "mariadb", "oracle-ee", "sqlserver-se"].map(engineFromRdsEngine),
      ["postgres", "postgres", "mysql", "mysql", "mysql", "mariadb", undefined, undefined],
    );
  });
  it("gives the ClickPipes source type per engine and deployment", () => {
    assert.deepEqual(
      [clickPipeSourceType("postgres", "rds"), clickPipeSourceType("postgres", "aurora"), clickPipeSourceType("mysql", "rds"), clickPipeSourceType("mysql", "aurora"), clickPipeSourceType("mariadb", "rds")],
      ["rdspostgres", "aurorapostgres", "rdsmysql", "auroramysql", "rdsmariadb"],
    );
  });
  it("supports snapshot always and cdc when asked", () => {
    assert.deepEqual(pipeModes(false), ["snapshot"]);
    assert.deepEqual(pipeModes(true), ["snapshot", "cdc"]);
  });
  it("formats allowed values as a quoted list", () => {
    assert.equal(formatChoices(["a", "b", "c"]), '"a", "b" or "c"');
    assert.equal(formatChoices(["a"]), '"a"');
  });
});
