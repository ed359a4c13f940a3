/**
 * The plugin's entry (`main` of provider/package.json, built to bin/provider/index.js): serves
 * `ClickPipesRdsIamProvider` over gRPC. Pulumi's Node.js language host runs it as
 * `node <@pulumi/pulumi/cmd/run-plugin> <pluginDir> <engineAddr>`; run-plugin `require`s this
 * module, and because its exports hold no `ComponentResource` subclass, it does not start the
 * component-only auto host: this module's own `pulumi.provider.main` call is the server (it prints
 * the port on stdout, as the engine expects). Exports nothing on purpose.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClickPipesRdsIamProvider } from "./provider";

void pulumi.provider.main(new ClickPipesRdsIamProvider(), process.argv.slice(2));
