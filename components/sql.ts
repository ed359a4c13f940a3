/**
 * SQL text for the IAM database user and its grants, per engine. Pure functions.
 *
 * The statements here are the single description of "what the user gets": they are the
 * `setupSql` output (what to run by hand when `createDbUser` is false), the plan printout,
 * and, for MariaDB, exactly what the MariaDB user resource executes.
 */

/** Quotes a PostgreSQL identifier: `"name"`, with embedded `"` doubled. */
export function quotePgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A PostgreSQL identifier for a `--` comment line. A line break ends the comment and would turn the
 * rest of the name into SQL, so a name holding one is written in the Unicode-escape form
 * (`U&"a\\000ab"`), which is also how to type that name in SQL.
 */
export function quotePgIdentForComment(name: string): string {
  if (!/[\r\n]/.test(name)) return quotePgIdent(name);
  const escaped = name.replace(/[\\"\r\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '""' : `\\${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return `U&"${escaped}"`;
}

/** Quotes a MySQL/MariaDB identifier: `` `name` ``, with embedded backticks doubled. */
export function quoteMyIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/**
 * Quotes a MySQL/MariaDB string literal so that it means the same text whether or not
 * `NO_BACKSLASH_ESCAPES` is set: backslashes and quotes are both doubled/escaped.
 */
export function quoteMyString(value: string): string {
  if (value.includes("\\")) {
    throw new Error(`Value "${value}" contains a backslash, which cannot be quoted the same way in every SQL mode.`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A database name for the `db.*` level of a MySQL GRANT. `_` and `%` are wildcards there, so a
 * grant on `my_db` would also cover `myxdb`: escape them (and the escape character itself) so the
 * grant names exactly one database.
 * @see https://dev.mysql.com/doc/refman/8.0/en/grant.html#grant-quoting
 */
export function escapeMyGrantDatabase(name: string): string {
  // The backslash is the escape character there too: a lone `\b` would grant on `b`.
  return name.replace(/([\\_%])/g, "\\$1");
}

/** The account ClickPipes logs in as: any host, since IAM auth cannot use `localhost`. */
export function myAccount(user: string): string {
  return `${quoteMyString(user)}@'%'`;
}

/** Inputs that decide the PostgreSQL user and its grants. */
export interface PostgresUserSql {
  username: string;
  database: string;
  schemas: readonly string[];
  /** Role that creates tables in the schemas: default privileges are set for its future tables. */
  tableOwner?: string;
  cdc: boolean;
  /** CDC: the `CREATE PUBLICATION` statement of the publication the component creates, if it does. */
  publicationStatement?: string;
}

/**
 * The PostgreSQL statements: a login role granted `rds_iam` (and `rds_replication` for CDC),
 * read access to each schema now and for future tables, and for CDC the publication.
 */
export function postgresSetupStatements(p: PostgresUserSql): string[] {
  const user = quotePgIdent(p.username);
  const out = [`-- connect to database ${quotePgIdentForComment(p.database)}`, `CREATE ROLE ${user} WITH LOGIN;`, `GRANT rds_iam TO ${user};`];
  if (p.cdc) out.push(`GRANT rds_replication TO ${user};`);
  for (const schema of p.schemas) {
    const s = quotePgIdent(schema);
    out.push(`GRANT USAGE ON SCHEMA ${s} TO ${user};`);
    out.push(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${user};`);
    const forRole = p.tableOwner === undefined ? "" : `FOR ROLE ${quotePgIdent(p.tableOwner)} `;
    out.push(`ALTER DEFAULT PRIVILEGES ${forRole}IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${user};`);
  }
  if (p.cdc && p.publicationStatement !== undefined) {
    if (p.publicationStatement.includes("publish_via_partition_root")) out.push("-- PostgreSQL 12 has no publish_via_partition_root: leave the WITH (...) clause out there");
    out.push(p.publicationStatement);
  }
  return out;
}

/** Inputs that decide the MySQL or MariaDB user and its grants. */
export interface MySqlUserSql {
  flavor: "mysql" | "mariadb";
  username: string;
  databases: readonly string[];
  cdc: boolean;
  /** CDC on RDS/Aurora: the `binlog retention hours` to make sure of (never lowered). */
  binlogRetentionHours?: number;
}

/** The authentication clause for an IAM user, in each server's own syntax. */
export function myIamAuthClause(flavor: "mysql" | "mariadb"): string {
  return flavor === "mariadb" ? "IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'" : "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'";
}

/** `CREATE USER` for the IAM user; TLS required, as AWS recommends for IAM authentication. */
export function myCreateUserStatement(flavor: "mysql" | "mariadb", username: string): string {
  return `CREATE USER ${myAccount(username)} ${myIamAuthClause(flavor)} REQUIRE SSL;`;
}

/** Privileges on `*.*` that CDC needs (binlog position and streaming). */
export const MY_CDC_PRIVILEGES: readonly string[] = ["REPLICATION CLIENT", "REPLICATION SLAVE"];

/** `GRANT` statements for the IAM user: SELECT per database, replication privileges for CDC. */
export function myGrantStatements(p: MySqlUserSql): string[] {
  const account = myAccount(p.username);
  const out = p.databases.map((db) => `GRANT SELECT ON ${quoteMyIdent(escapeMyGrantDatabase(db))}.* TO ${account};`);
  if (p.cdc) out.push(`GRANT ${MY_CDC_PRIVILEGES.join(", ")} ON *.* TO ${account};`);
  return out;
}

/**
 * `CALL mysql.rds_set_configuration('binlog retention hours', N);`: how long RDS and Aurora keep
 * binary logs. The component runs it only when the current value is lower (or NULL).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-stored-proc-configuring.html
 */
export function myBinlogRetentionStatement(hours: number): string {
  if (!Number.isInteger(hours) || hours < 1) throw new Error(`Binlog retention hours ${hours} is not a positive whole number.`);
  return `CALL mysql.rds_set_configuration('binlog retention hours', ${hours});`;
}

/** The MySQL/MariaDB statements: the IAM user and its grants, and for CDC the binlog retention. */
export function mySetupStatements(p: MySqlUserSql): string[] {
  const out = [myCreateUserStatement(p.flavor, p.username), ...myGrantStatements(p)];
  if (p.cdc && p.binlogRetentionHours !== undefined) {
    out.push(`-- RDS and Aurora: keep binary logs ${p.binlogRetentionHours} hours (skip it if the value is already higher)`, myBinlogRetentionStatement(p.binlogRetentionHours));
  }
  return out;
}

/** `REVOKE` statements that undo `myGrantStatements` for the same input, statement for statement. */
export function myRevokeStatements(p: MySqlUserSql): string[] {
  const account = myAccount(p.username);
  const out = p.databases.map((db) => `REVOKE SELECT ON ${quoteMyIdent(escapeMyGrantDatabase(db))}.* FROM ${account};`);
  if (p.cdc) out.push(`REVOKE ${MY_CDC_PRIVILEGES.join(", ")} ON *.* FROM ${account};`);
  return out;
}

/** `DROP USER` for the IAM user; `IF EXISTS`, so dropping a user that is already gone succeeds. */
export function myDropUserStatement(username: string): string {
  return `DROP USER IF EXISTS ${myAccount(username)};`;
}
