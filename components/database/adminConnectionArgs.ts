/**
 * The arguments every resource that connects to the database as the admin takes (the MariaDB
 * user, the CDC readiness check, the PostgreSQL publication): where, as whom, and how the server
 * is verified before it receives the admin password.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TlsSettings } from "./tls";

export interface AdminConnectionArgs {
  /** Endpoint address of the database; the server's certificate must name it. */
  readonly host: pulumi.Input<string>;
  /** Endpoint port. */
  readonly port: pulumi.Input<number>;
  /** Admin (master) user. */
  readonly adminUsername: pulumi.Input<string>;
  /** Password of the admin user; kept secret in the state. */
  readonly adminPassword: pulumi.Input<string>;
  /**
   * TLS on the admin connection: always on. `false` is refused, since it would send the admin
   * password in clear text (the argument remains for states written by earlier versions).
   * @default true
   */
  readonly tls?: pulumi.Input<boolean>;
  /**
   * Verify the server before sending it the admin password: its certificate must chain to an
   * Amazon RDS certificate authority (or to `tlsCa`) and name `host`. `false` still encrypts but
   * is insecure: a server impersonating the endpoint receives the admin password.
   * @default true
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsVerify?: pulumi.Input<boolean>;
  /**
   * PEM of the certificate authorities to verify the server against, instead of the Amazon RDS
   * ones this package ships (say, a region the bundle lacks).
   * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  readonly tlsCa?: pulumi.Input<string>;
}

/** @internal `AdminConnectionArgs` as a provider holds them: resolved, `tls` perhaps absent from older state. */
export type AdminConnectionInputs = { [K in keyof AdminConnectionArgs]: pulumi.Unwrap<AdminConnectionArgs[K]> };

/** @internal Where and how to connect as the admin, from a provider's inputs: `tls` defaults to true; no undefined values. */
export function adminConnectionSettings(i: AdminConnectionInputs): { host: string; port: number; adminUsername: string; adminPassword: string } & TlsSettings {
  return {
    host: i.host,
    port: i.port,
    adminUsername: i.adminUsername,
    adminPassword: i.adminPassword,
    tls: i.tls ?? true,
    ...(i.tlsVerify === undefined ? {} : { tlsVerify: i.tlsVerify }),
    ...(i.tlsCa === undefined ? {} : { tlsCa: i.tlsCa }),
  };
}
