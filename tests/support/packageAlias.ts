/** Registered by `.mocharc.json` before any spec: the package's own names resolve to its sources (see scripts/packageAlias.ts). */
import { registerPackageAlias } from "../../scripts/packageAlias";

registerPackageAlias();
