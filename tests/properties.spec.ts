import { strict as assert } from "assert";
import fc from "fast-check";
import { DatabaseLocation, dbUserArn, locationFromRdsArn, tryParseArn } from "../components/arn";
import { ENGINES, Engine } from "../components/engines";
import { connectPolicy, trustPolicy } from "../components/policy";
import { escapeMyGrantDatabase, quoteMyIdent, quoteMyString, quotePgIdent } from "../components/sql";
import {
  DB_USERNAME_PATTERN,
  MAX_DB_USERNAME_LENGTH,
  MAX_PG_IDENTIFIER_BYTES,
  ValidationError,
  validateClickhouseRoleArn,
  validateDbUsername,
  validateMyDatabases,
  validatePgIdentifier,
} from "../components/validation";

/** Runs per property: enough to hit the edges, small enough to keep the file well under a second. */
const RUNS = { numRuns: 300 };

/** Characters that mean something in SQL, IAM ARNs, shells or terminals. */
const HOSTILE = ["'", '"', "`", "\\", " ", "\t", "\n", "\r", "\0", "*", "?", "%", "_", "/", ":", ";", "-", ".", "$", "é", "ß", "İ", "\u200b", "\u202e", "😀", "\uffff"];

/** Strings of every kind: printable unicode, any code point, hostile characters mixed with valid ones, and long ones. */
const anyString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...HOSTILE, "a", "Z", "0", "_"), maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("a", "b", "_"), minLength: 60, maxLength: 300 }),
);

/** Names built to be accepted, so that the round-trip properties see many accepted values. */
const plausibleName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,70}$/);

const engine: fc.Arbitrary<Engine> = fc.constantFrom(...ENGINES);
const location: fc.Arbitrary<DatabaseLocation> = fc.record({
  partition: fc.constantFrom("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc"),
  region: fc.stringMatching(/^[a-z]{2}(-[a-z]+)+-\d$/),
  account: fc.stringMatching(/^\d{12}$/),
});
const resourceId = fc.oneof(fc.stringMatching(/^db-[A-Z0-9]{1,30}$/), fc.stringMatching(/^cluster-[A-Z0-9]{1,30}$/));

/** Values accepted and refused in the current property, so that no property passes vacuously. */
const seen = { accepted: 0, refused: 0 };

/** True when `f` accepts the value; false when it refuses it with a ValidationError (any other error fails the property). */
function accepts(f: () => void): boolean {
  try {
    f();
    seen.accepted++;
    return true;
  } catch (e) {
    if (e instanceof ValidationError) {
      seen.refused++;
      return false;
    }
    throw e;
  }
}

/**
 * Reads a quoted SQL token the way the server does: `open`, then characters where a doubled
 * `close` stands for one, up to the first single `close`. Returns the value and where the token ended.
 */
function readQuoted(sql: string, open: string, close: string): { value: string; end: number } {
  assert.equal(sql[0], open);
  let value = "";
  for (let i = 1; i < sql.length; i++) {
    if (sql[i] !== close) {
      value += sql[i];
    } else if (sql[i + 1] === close) {
      value += close;
      i++;
    } else {
      return { value, end: i };
    }
  }
  throw new Error(`unterminated quoted token ${sql}`);
}

describe("properties", () => {
  beforeEach(() => {
    seen.accepted = 0;
    seen.refused = 0;
  });

  /** Both branches of a filtering property ran often enough to mean something (refused: -1 when nothing is refused by design). */
  function bothBranches(minRefused = 20): void {
    assert.ok(seen.accepted >= 20, `only ${seen.accepted} values accepted`);
    if (minRefused >= 0) assert.ok(seen.refused >= minRefused, `only ${seen.refused} values refused`);
  }

  describe("validateDbUsername", () => {
    it("accepts only names that are safe in SQL and in an IAM ARN, within the engine's limit", () => {
      fc.assert(
        fc.property(engine, fc.oneof(anyString, plausibleName), (e, name) => {
          if (!accepts(() => validateDbUsername(e, name))) return;
          assert.match(name, DB_USERNAME_PATTERN);
          assert.ok(!/[*?'"`\\\s\0%]/.test(name), `accepted ${JSON.stringify(name)}`);
          assert.ok(Buffer.byteLength(name, "utf8") <= MAX_DB_USERNAME_LENGTH[e]);
        }),
        RUNS,
      );
      bothBranches();
    });

    it("puts every accepted name verbatim into the dbuser ARN and the policy, with no IAM wildcard", () => {
      fc.assert(
        fc.property(engine, fc.oneof(anyString, plausibleName), location, resourceId, (e, name, loc, id) => {
          if (!accepts(() => validateDbUsername(e, name))) return;
          const arn = dbUserArn(loc, id, name);
          assert.equal(arn, `arn:${loc.partition}:rds-db:${loc.region}:${loc.account}:dbuser:${id}/${name}`);
          assert.ok(!/[*?]/.test(arn));
          assert.deepEqual(connectPolicy(arn).Statement, [{ Sid: "ConnectAsClickPipesUser", Effect: "Allow", Action: "rds-db:connect", Resource: arn }]);
        }),
        RUNS,
      );
      bothBranches();
    });
  });

  describe("ARNs", () => {
    it("round-trips every accepted user into the exact ARN parts", () => {
      fc.assert(
        fc.property(engine, plausibleName, location, resourceId, (e, name, loc, id) => {
          if (!accepts(() => validateDbUsername(e, name))) return;
          assert.deepEqual(tryParseArn(dbUserArn(loc, id, name)), { ...loc, service: "rds-db", resource: `dbuser:${id}/${name}` });
        }),
        RUNS,
      );
      bothBranches(-1);
    });

    it("reads back the location of any RDS instance or cluster ARN", () => {
      fc.assert(
        fc.property(location, fc.constantFrom("db", "cluster"), fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/), (loc, kind, name) => {
          assert.deepEqual(locationFromRdsArn(`arn:${loc.partition}:rds:${loc.region}:${loc.account}:${kind}:${name}`), { ...loc });
        }),
        RUNS,
      );
    });

    it("parses ARN-like strings, hostile parts included, back into the parts they were built from, or not at all", () => {
      /** Mostly a plausible value for the position, sometimes anything. */
      const part = (...plausible: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...plausible), weight: 4 }, { arbitrary: anyString, weight: 1 });
      let parsed = 0;
      fc.assert(
        fc.property(
          part("aws", "aws-cn", "aws-us-gov", "aws-iso-f"),
          part("rds-db", "iam", "rds"),
          part("", "eu-west-1", "us-gov-west-1"),
          part("", "aws", "123456789012"),
          part("dbuser:db-ABC/u", "role/x", "cluster:c"),
          (partition, service, region, account, resource) => {
          const s = `arn:${partition}:${service}:${region}:${account}:${resource}`;
          const arn = tryParseArn(s);
          if (arn === undefined) return;
          parsed++;
          assert.equal(`arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`, s);
          assert.ok(!`${arn.partition}${arn.service}${arn.region}${arn.account}`.includes(":"));
          assert.match(arn.account, /^(\d{12}|aws|)$/);
          },
        ),
        RUNS,
      );
      assert.ok(parsed >= 20, `only ${parsed} strings parsed`);
    });

    it("accepts as clickhouseRoleArn only exact role ARNs, which go verbatim into the trust policy", () => {
      const roleArn = fc
        .tuple(location, fc.oneof(fc.constant(""), fc.stringMatching(/^[a-z-]{1,10}\/$/)), fc.oneof(plausibleName, anyString))
        .map(([loc, path, name]) => `arn:${loc.partition}:iam::${loc.account}:role/${path}${name}`);
      fc.assert(
        fc.property(fc.oneof(roleArn, anyString), (arn) => {
          if (!accepts(() => validateClickhouseRoleArn(arn))) return;
          const parsed = tryParseArn(arn);
          assert.ok(parsed !== undefined && parsed.service === "iam" && /^\d{12}$/.test(parsed.account) && parsed.resource.startsWith("role/"));
          assert.ok(!/[*?\s]/.test(arn), `accepted ${JSON.stringify(arn)}`);
          assert.deepEqual(trustPolicy(arn).Statement[0].Principal, { AWS: arn });
        }),
        RUNS,
      );
      bothBranches();
    });
  });

  describe("SQL quoting", () => {
    it("keeps any value inside a PostgreSQL identifier's quotes", () => {
      fc.assert(
        fc.property(anyString, (value) => {
          const sql = quotePgIdent(value);
          const token = readQuoted(sql, '"', '"');
          assert.equal(token.end, sql.length - 1);
          assert.equal(token.value, value);
        }),
        RUNS,
      );
    });

    it("keeps any value inside a MySQL identifier's backticks", () => {
      fc.assert(
        fc.property(anyString, (value) => {
          const sql = quoteMyIdent(value);
          const token = readQuoted(sql, "`", "`");
          assert.equal(token.end, sql.length - 1);
          assert.equal(token.value, value);
        }),
        RUNS,
      );
    });

    it("keeps any value without a backslash inside a MySQL string's quotes, and refuses backslashes", () => {
      fc.assert(
        fc.property(anyString, (value) => {
          if (value.includes("\\")) {
            assert.throws(() => quoteMyString(value), /contains a backslash/);
            return;
          }
          const sql = quoteMyString(value);
          const token = readQuoted(sql, "'", "'");
          assert.equal(token.end, sql.length - 1);
          assert.equal(token.value, value);
        }),
        RUNS,
      );
    });

    it("turns every accepted MySQL database into a grant pattern that matches that database only", () => {
      fc.assert(
        fc.property(fc.constantFrom("mysql" as const, "mariadb" as const), anyString, (e, db) => {
          if (!accepts(() => validateMyDatabases(e, [db]))) return;
          const pattern = escapeMyGrantDatabase(db);
          // Read the pattern as MySQL does: `\` escapes the next character; a bare `_` or `%` is a wildcard.
          let literal = "";
          for (let i = 0; i < pattern.length; i++) {
            if (pattern[i] === "\\") {
              literal += pattern[++i];
            } else {
              assert.ok(pattern[i] !== "_" && pattern[i] !== "%", `wildcard left in ${JSON.stringify(pattern)}`);
              literal += pattern[i];
            }
          }
          assert.equal(literal, db);
        }),
        RUNS,
      );
      bothBranches();
    });

    it("accepts only PostgreSQL names of at most 63 bytes without NUL", () => {
      fc.assert(
        fc.property(fc.oneof(anyString, fc.string({ unit: "grapheme", minLength: 20, maxLength: 70 })), (name) => {
          if (!accepts(() => validatePgIdentifier("schemas", name))) return;
          assert.ok(name.length > 0 && !name.includes("\0") && Buffer.byteLength(name, "utf8") <= MAX_PG_IDENTIFIER_BYTES);
        }),
        RUNS,
      );
      bothBranches();
    });
  });
});
