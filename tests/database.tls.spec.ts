import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { RDS_CA_PACKAGE, mysqlSslOption, pgSslOption, rdsCertificateAuthorities, tlsFailureHint, tlsMode } from "../components/database/tls";

/** The subject CN of each certificate authority in the bundle. */
function commonNames(pems: readonly string[]): string[] {
  return pems.map((pem) => /CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1] ?? "");
}

describe("rdsCertificateAuthorities", () => {
  const names = commonNames(rdsCertificateAuthorities());

  it("holds each current RDS root generation (rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1) and rds-ca-2019", () => {
    for (const cn of [
      "Amazon RDS us-east-1 Root CA RSA2048 G1",
      "Amazon RDS us-east-1 Root CA RSA4096 G1",
      "Amazon RDS us-east-1 Root CA ECC384 G1",
      "Amazon RDS eu-west-1 Root CA RSA2048 G1",
      "Amazon RDS ap-southeast-4 Root CA ECC384 G1",
      "Amazon RDS Root 2019 CA",
    ]) {
      assert.ok(names.includes(cn), `missing ${cn}`);
    }
  });

  it("covers 27 commercial regions per G1 generation (regions it lacks need `tlsCa`)", () => {
    for (const generation of ["RSA2048 G1", "RSA4096 G1", "ECC384 G1"]) {
      const regions = names.filter((n) => new RegExp(`^Amazon RDS [a-z]{2}(-[a-z]+)+-\\d Root CA ${generation}$`).test(n));
      assert.equal(regions.length, 27, generation);
    }
    assert.equal(names.some((n) => /il-central-1|ca-west-1|us-gov-|cn-north/.test(n)), false);
  });

  it("is a fresh copy each time (callers may not change the package's list)", () => {
    const a = rdsCertificateAuthorities();
    a.length = 0;
    assert.ok(rdsCertificateAuthorities().length > 100);
  });
});

describe("tlsMode", () => {
  it("verifies against the RDS certificate authorities by default", () => {
    assert.deepEqual(tlsMode({ tls: true }), { kind: "verified", ca: rdsCertificateAuthorities(), authority: "rds" });
    assert.deepEqual(tlsMode({ tls: true, tlsVerify: true }), { kind: "verified", ca: rdsCertificateAuthorities(), authority: "rds" });
  });
  it("verifies against `tlsCa` when given", () => {
    assert.deepEqual(tlsMode({ tls: true, tlsCa: "PEM" }), { kind: "verified", ca: "PEM", authority: "tlsCa" });
  });
  it("skips verification only for `tlsVerify: false`, and is off only for `tls: false`", () => {
    assert.deepEqual(tlsMode({ tls: true, tlsVerify: false }), { kind: "unverified" });
    assert.deepEqual(tlsMode({ tls: false }), { kind: "off" });
    assert.deepEqual(tlsMode({ tls: false, tlsVerify: false }), { kind: "off" });
  });
  it("refuses settings that contradict each other", () => {
    assert.throws(() => tlsMode({ tls: true, tlsCa: "\n" }), { message: '`tlsCa` is ""; pass the PEM of the CA that signed the server certificate, or leave it unset.' });
    assert.throws(() => tlsMode({ tls: true, tlsVerify: false, tlsCa: "PEM" }), {
      message: "`tlsCa` is set but `tlsVerify` is false; remove `tlsVerify: false` to verify the server against `tlsCa`, or remove `tlsCa`.",
    });
    assert.throws(() => tlsMode({ tls: false, tlsCa: "PEM" }), { message: "`tlsCa` is set but `tls` is false; remove `tlsCa`, or turn `tls` back on to verify the server against it." });
  });
});

describe("driver options", () => {
  it("mysql2: verifyIdentity on whenever the certificate is verified (mysql2 skips the name check without it)", () => {
    assert.deepEqual(mysqlSslOption({ kind: "verified", ca: "PEM", authority: "tlsCa" }), { ca: "PEM", rejectUnauthorized: true, verifyIdentity: true });
    assert.deepEqual(mysqlSslOption({ kind: "unverified" }), { rejectUnauthorized: false });
    assert.equal(mysqlSslOption({ kind: "off" }), undefined);
  });
  it("pg: the CA and rejectUnauthorized (Node checks the name by default)", () => {
    assert.deepEqual(pgSslOption({ kind: "verified", ca: "PEM", authority: "tlsCa" }), { ca: "PEM", rejectUnauthorized: true });
    assert.deepEqual(pgSslOption({ kind: "unverified" }), { rejectUnauthorized: false });
    assert.equal(pgSslOption({ kind: "off" }), false);
  });
});

describe("tlsFailureHint", () => {
  const rds = { tls: true };
  const own = { tls: true, tlsCa: "PEM" };
  const notRds =
    `the server's certificate is not signed by an Amazon RDS certificate authority (the ${RDS_CA_PACKAGE} bundle), so the admin password was not sent; ` +
    "for a genuine RDS endpoint whose region that bundle lacks, pass the region's RDS CA bundle as `tlsCa`";

  it("explains an untrusted certificate, whichever way Node words it", () => {
    for (const message of ["self-signed certificate", "self-signed certificate in certificate chain", "unable to verify the first certificate", "unable to get local issuer certificate"]) {
      assert.equal(tlsFailureHint(new Error(message), rds, "db.example"), notRds, message);
    }
    assert.equal(tlsFailureHint(new Error("unable to verify the first certificate"), own, "db.example"), "the server's certificate is not signed by the CA in `tlsCa`; pass the CA that signed it");
  });
  it("explains a certificate for another name", () => {
    assert.equal(
      tlsFailureHint(new Error("Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list: "), rds, "10.0.0.5"),
      `the server's certificate is not issued for "10.0.0.5"; connect to the RDS endpoint address itself (not a CNAME, a load balancer or an IP address)`,
    );
  });
  it("says nothing for other failures, or when nothing was verified", () => {
    assert.equal(tlsFailureHint(new Error("connect ECONNREFUSED 127.0.0.1:1"), rds, "h"), undefined);
    assert.equal(tlsFailureHint(new Error("self-signed certificate"), { tls: true, tlsVerify: false }, "h"), undefined);
    assert.equal(tlsFailureHint(new Error("self-signed certificate"), { tls: false }, "h"), undefined);
  });
});
