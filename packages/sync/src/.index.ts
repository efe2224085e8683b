/**
 * Keep a copy of WorkOS directories in your own database: the mirror engine,
 * its storage port and a SQL store for SQLite and PostgreSQL. The SQLite
 * client is a separate entry, `@effect-workos/sync/Sqlite`, so PostgreSQL
 * users need no libsql.
 *
 * @since 0.1.0
 */
