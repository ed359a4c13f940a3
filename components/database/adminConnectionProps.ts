/**
 * The admin connection as the resources that log in as the admin register it (`MariaDbIamUser`,
 * `CdcReadiness`, `PostgresPublication`): the password a secret, in the inputs and, through
 * `additionalSecretOutputs`, in the outputs; TLS always on (`checkedTls`). Apart from
 * `adminConnectionArgs.ts` because it loads the Pulumi SDK, which the operations never do.
 */
import * as pulumi from "@pulumi/pulumi";
import { withSecretOutputs } from "../dynamicProvider";
import { checkedTls } from "../validation";
import type { AdminConnectionArgs } from "./adminConnectionArgs";

/** The connection's part of a resource's property bag. */
export function adminConnectionProps(args: AdminConnectionArgs): pulumi.Inputs {
  return {
    host: args.host,
    port: args.port,
    adminUsername: args.adminUsername,
    adminPassword: pulumi.secret(args.adminPassword),
    tls: checkedTls(args.tls),
    tlsVerify: args.tlsVerify,
    tlsCa: args.tlsCa,
  };
}

/** The caller's options, with the admin password added to the secret outputs. */
export function adminConnectionOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return withSecretOutputs(opts, "adminPassword");
}
