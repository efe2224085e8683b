/**
 * Keep a copy of WorkOS directories in your own database: the mirror engine,
 * its storage port and a SQL store for SQLite and PostgreSQL. The SQLite
 * client is a separate entry, `@effect-workos/sync/Sqlite`, so PostgreSQL
 * users need no libsql.
 *
 * @since 0.1.0
 */

/**
 * The mirror engine: full syncs, events, reconciliation, `onChange`, `poke` and `status`.
 *
 * @since 0.1.0
 */
export * as DirectoryMirror from "./DirectoryMirror.js"

/**
 * The changes `onChange` receives.
 *
 * @since 0.1.0
 */
export * as MirrorChange from "./MirrorChange.js"

/**
 * The storage port (read side for applications) and the in-memory store.
 *
 * @since 0.1.0
 */
export * as MirrorStore from "./MirrorStore.js"

/**
 * The store over any `@effect/sql` `SqlClient` (SQLite, PostgreSQL), with its migrations.
 *
 * @since 0.1.0
 */
export * as SqlMirrorStore from "./SqlMirrorStore.js"
