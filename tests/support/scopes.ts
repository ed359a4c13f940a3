/** Publication scopes as the specs write them: `schemas("a", "b")`, `tables("a.t1", "b.t2")`. */
import type { PublicationScope } from "../../components/checks/readiness";

export const schemas = (...s: string[]): PublicationScope => ({ kind: "schemas", schemas: s });

/** Tables as "schema.table". */
export const tables = (...names: string[]): PublicationScope => ({
  kind: "tables",
  tables: names.map((n) => {
    const [schema, table] = n.split(".");
    return { schema, table };
  }),
});
