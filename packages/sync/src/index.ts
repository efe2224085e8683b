/**
 * Keep a copy of WorkOS directories in your own database: the mirror engine,
 * its storage port and a SQL store for SQLite and PostgreSQL. The SQLite
 * client is a separate entry, `@effect-workos/sync/Sqlite`, so PostgreSQL
 * users need no libsql.
 *
 * @since 0.1.0
 */

/**
 * The mirror engine: keeps a `MirrorStore` equal to WorkOS's directories,
 * users, groups and memberships.
 *
 * - A directory is first copied whole (a full sync through the core streams,
 *   in constant memory and within the client's rate limits). The event cursor
 *   is taken before that, so every change made during the copy is replayed.
 * - Then it follows the Events API from that cursor, applying the settled
 *   events it has read (a page, or up to `eventsPerTransaction` of a
 *   backlog) in one transaction that also moves the cursor
 *   (compare-and-set): a crash resumes without loss or repeat, and several
 *   engines on one store never apply an event twice.
 * - Deletions leave tombstones and every write is guarded (`updated_at`, and
 *   for full syncs the point they started at), so nothing deleted comes back.
 * - A lost or expired cursor is recovered by a full reconcile of every
 *   directory, never by skipping; every directory is reconciled again after
 *   `reconcileEvery`.
 * - `onChange` runs inside each write transaction, with the same `SqlClient`
 *   in context: the application's own writes commit (or roll back) with the
 *   mirror's, exactly once.
 *
 * @since 0.1.0
 */
export * as DirectoryMirror from "./DirectoryMirror.js"

/**
 * What changed in the mirror: one value per directory, user, group or
 * membership added, updated or removed. `DirectoryMirror`'s `onChange` hook
 * receives each one inside the transaction that writes it.
 *
 * @since 0.1.0
 */
export * as MirrorChange from "./MirrorChange.js"

/**
 * Where the mirror keeps its copy: directories, users, groups, memberships,
 * per-directory sync state, the event cursor and tombstones. The read side
 * (Streams and lookups of the public models) is for applications; the write
 * side (`transaction` and its `Writer`) is the port `DirectoryMirror` and the
 * store implementations meet at, not for application code.
 *
 * `layerMemory` keeps everything in memory, for tests; `SqlMirrorStore.layer`
 * keeps it in SQLite or PostgreSQL.
 *
 * @since 0.1.0
 */
export * as MirrorStore from "./MirrorStore.js"

/**
 * `MirrorStore` over any `@effect/sql` `SqlClient`: embedded SQLite
 * (`@effect/sql-libsql`, see `Sqlite`) or PostgreSQL (`@effect/sql-pg`). One
 * schema for both, created by the layer through `Migrator`; every table name
 * starts with `tablePrefix`, so several mirrors (or test runs) can share a
 * database.
 *
 * @since 0.1.0
 */
export * as SqlMirrorStore from "./SqlMirrorStore.js"
