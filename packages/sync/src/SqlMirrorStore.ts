/**
 * `MirrorStore` over any `@effect/sql` `SqlClient`: embedded SQLite
 * (`@effect/sql-libsql`, see `Sqlite`) or PostgreSQL (`@effect/sql-pg`). One
 * schema for both, created by the layer through `Migrator`; every table name
 * starts with `tablePrefix`, so several mirrors (or test runs) can share a
 * database.
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Codec from "./internal/codec.js"
import * as Migrations from "./internal/migrations.js"
import * as MirrorStore from "./MirrorStore.js"

/**
 * Options of `layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Prepended to every table and index name (default `workos_mirror_`). */
  readonly tablePrefix?: string | undefined
}

/**
 * The table prefix unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTablePrefix = "workos_mirror_"

type SqlRow = Readonly<Record<string, unknown>>

const text = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "" : JSON.stringify(value)
const nullable = (value: unknown): string | null => (value === null || value === undefined ? null : text(value))
const number = (value: unknown): number => Number(value)

const toRow = {
  directory: (r: SqlRow): MirrorStore.DirectoryRow => ({
    id: text(r.id),
    organizationId: nullable(r.organization_id),
    data: text(r.data),
    updatedAt: text(r.updated_at),
    seq: number(r.seq),
    seen: number(r.seen ?? 0),
    phase: r.phase === "live" ? "live" : "pending",
    pendingSeq: number(r.pending_seq),
    lastFullSyncAt: nullable(r.last_full_sync_at)
  }),
  user: (r: SqlRow): MirrorStore.UserRow => ({
    id: text(r.id),
    directoryId: text(r.directory_id),
    organizationId: nullable(r.organization_id),
    email: nullable(r.email),
    state: text(r.state),
    data: text(r.data),
    updatedAt: text(r.updated_at),
    seq: number(r.seq),
    seen: number(r.seen ?? 0)
  }),
  group: (r: SqlRow): MirrorStore.GroupRow => ({
    id: text(r.id),
    directoryId: text(r.directory_id),
    organizationId: nullable(r.organization_id),
    data: text(r.data),
    updatedAt: text(r.updated_at),
    seq: number(r.seq),
    seen: number(r.seen ?? 0)
  }),
  membership: (r: SqlRow): MirrorStore.MembershipRow => ({
    id: text(r.id),
    userId: text(r.user_id),
    groupId: text(r.group_id),
    directoryId: text(r.directory_id),
    present: number(r.present) === 1,
    seq: number(r.seq),
    seen: number(r.seen ?? 0)
  })
}

const fromRow = {
  directory: (r: MirrorStore.DirectoryRow) => ({
    id: r.id,
    organization_id: r.organizationId,
    data: r.data,
    updated_at: r.updatedAt,
    seq: r.seq,
    seen: r.seen,
    phase: r.phase,
    pending_seq: r.pendingSeq,
    last_full_sync_at: r.lastFullSyncAt
  }),
  user: (r: MirrorStore.UserRow) => ({
    id: r.id,
    directory_id: r.directoryId,
    organization_id: r.organizationId,
    email: r.email,
    state: r.state,
    data: r.data,
    updated_at: r.updatedAt,
    seq: r.seq,
    seen: r.seen
  }),
  group: (r: MirrorStore.GroupRow) => ({
    id: r.id,
    directory_id: r.directoryId,
    organization_id: r.organizationId,
    data: r.data,
    updated_at: r.updatedAt,
    seq: r.seq,
    seen: r.seen
  }),
  membership: (r: MirrorStore.MembershipRow) => ({
    id: r.id,
    user_id: r.userId,
    group_id: r.groupId,
    directory_id: r.directoryId,
    present: r.present ? 1 : 0,
    seq: r.seq,
    seen: r.seen
  })
}

interface Converter<K extends MirrorStore.Kind> {
  readonly toRow: (row: SqlRow) => MirrorStore.Rows[K]
  readonly fromRow: (row: MirrorStore.Rows[K]) => Record<string, unknown>
}

const convert: { readonly [K in MirrorStore.Kind]: Converter<K> } = {
  directory: { toRow: toRow.directory, fromRow: fromRow.directory },
  user: { toRow: toRow.user, fromRow: fromRow.user },
  group: { toRow: toRow.group, fromRow: fromRow.group },
  membership: { toRow: toRow.membership, fromRow: fromRow.membership }
}

const columns: { readonly [K in MirrorStore.Kind]: ReadonlyArray<string> } = {
  directory: ["organization_id", "data", "updated_at", "seq", "seen", "phase", "pending_seq", "last_full_sync_at"],
  user: ["directory_id", "organization_id", "email", "state", "data", "updated_at", "seq", "seen"],
  group: ["directory_id", "organization_id", "data", "updated_at", "seq", "seen"],
  membership: ["user_id", "group_id", "directory_id", "present", "seq", "seen"]
}

const sqlFailure = (cause: SqlError.SqlError) =>
  new MirrorStore.MirrorStoreError({ reason: "Sql", message: "a mirror store query failed", cause })

const pageSize = 500

/**
 * Builds the store over the `SqlClient` in context, after running its migrations.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<MirrorStore.Service, MirrorStore.MirrorStoreError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const prefix = options.tablePrefix ?? defaultTablePrefix
    const names = Migrations.tables(prefix)
    // Concurrent first runs on PostgreSQL can race while creating the migrations table.
    yield* Migrations.run(prefix).pipe(
      Effect.retry({ times: 3, schedule: Schedule.spaced("100 millis") }),
      Effect.mapError((cause) =>
        new MirrorStore.MirrorStoreError({ reason: "Sql", message: "the mirror store migrations failed", cause })
      )
    )
    const table = (kind: MirrorStore.Kind | "head" | "tombstone" | "lease") => sql(names[kind])
    const q = <A>(effect: Effect.Effect<A, SqlError.SqlError>) => Effect.mapError(effect, sqlFailure)

    const headOf = (r: SqlRow): MirrorStore.Head => ({
      seq: number(r.seq),
      after: nullable(r.after_id),
      afterAt: nullable(r.after_at),
      rangeStart: nullable(r.range_start),
      caughtUpAt: nullable(r.caught_up_at)
    })
    const head = q(
      Effect.map(sql<SqlRow>`SELECT * FROM ${table("head")} WHERE id = 'main'`, (rows) => headOf(rows[0]!))
    )

    const scanWhere = (scan: MirrorStore.Scan, kind: MirrorStore.Kind): Fragment =>
      sql.and([
        ...(scan.directoryId === undefined ? [] : [
          kind === "directory" ? sql`id = ${scan.directoryId}` : sql`directory_id = ${scan.directoryId}`
        ]),
        ...(scan.userId === undefined ? [] : [sql`user_id = ${scan.userId}`]),
        ...(scan.groupId === undefined ? [] : [sql`group_id = ${scan.groupId}`]),
        ...(scan.presentOnly === true && kind === "membership" ? [sql`present = 1`] : []),
        ...(scan.unseen === undefined ? [] : [
          sql`seen <= ${scan.unseen.maxSeq}`,
          sql`seq <= ${scan.unseen.maxSeq}`
        ])
      ])

    const writer: MirrorStore.Writer = {
      lock: q(Effect.map(
        sql<SqlRow>`UPDATE ${table("head")} SET seq = seq + 1 WHERE id = 'main' RETURNING *`,
        (rows) => headOf(rows[0]!)
      )),
      setHead: (patch) => {
        const values: Record<string, string | null> = {}
        if (patch.after !== undefined) values.after_id = patch.after
        if (patch.afterAt !== undefined) values.after_at = patch.afterAt
        if (patch.rangeStart !== undefined) values.range_start = patch.rangeStart
        if (patch.caughtUpAt !== undefined) values.caught_up_at = patch.caughtUpAt
        return Object.keys(values).length === 0
          ? Effect.void
          : q(Effect.asVoid(sql`UPDATE ${table("head")} SET ${sql.update(values)} WHERE id = 'main'`))
      },
      get: <K extends MirrorStore.Kind>(kind: K, ids: ReadonlyArray<string>) => {
        const { toRow }: Converter<K> = convert[kind]
        return ids.length === 0 ? Effect.succeed(new Map<string, MirrorStore.Rows[K]>()) : q(Effect.map(
          sql<SqlRow>`SELECT * FROM ${table(kind)} WHERE ${sql.in("id", ids)}`,
          (rows) => new Map(rows.map((r) => [text(r.id), toRow(r)] as const))
        ))
      },
      put: <K extends MirrorStore.Kind>(kind: K, rows: ReadonlyArray<MirrorStore.Rows[K]>) => {
        if (rows.length === 0) return Effect.void
        const { fromRow }: Converter<K> = convert[kind]
        // Sorted by key, so concurrent writers on PostgreSQL lock rows in one order.
        const records = [...rows].sort((a, b) => (a.id < b.id ? -1 : 1)).map(fromRow)
        const set = columns[kind].map((column) => `${column} = excluded.${column}`).join(", ")
        return q(Effect.asVoid(
          sql`INSERT INTO ${table(kind)} ${sql.insert(records)} ON CONFLICT (id) DO UPDATE SET ${sql.literal(set)}`
        ))
      },
      remove: (kind, ids) =>
        ids.length === 0 ? Effect.void : q(Effect.asVoid(sql`DELETE FROM ${table(kind)} WHERE ${sql.in("id", ids)}`)),
      see: (kind, ids, seq) =>
        ids.length === 0
          ? Effect.void
          : q(Effect.asVoid(sql`UPDATE ${table(kind)} SET seen = ${seq} WHERE ${sql.in("id", ids)}`)),
      scan: <K extends MirrorStore.Kind>(kind: K, scan: MirrorStore.Scan, limit: number) => {
        const { toRow }: Converter<K> = convert[kind]
        return q(Effect.map(
          sql<SqlRow>`SELECT * FROM ${table(kind)} WHERE ${scanWhere(scan, kind)} ORDER BY id LIMIT ${limit}`,
          (rows) => rows.map(toRow)
        ))
      },
      tombstoned: (kind, ids) =>
        ids.length === 0 ? Effect.succeed(new Set()) : q(Effect.map(
          sql<SqlRow>`SELECT id FROM ${table("tombstone")} WHERE kind = ${kind} AND ${sql.in("id", ids)}`,
          (rows) => new Set(rows.map((r) => text(r.id)))
        )),
      tombstone: (kind, entries, seq) =>
        entries.length === 0 ? Effect.void : q(Effect.asVoid(
          sql`INSERT INTO ${table("tombstone")} ${
            sql.insert(entries.map((entry) => ({ kind, id: entry.id, directory_id: entry.directoryId, seq })))
          } ON CONFLICT (kind, id) DO NOTHING`
        )),
      markAllPending: (seq) =>
        q(Effect.asVoid(sql`UPDATE ${table("directory")} SET phase = 'pending', pending_seq = ${seq}`))
    }

    // Keyset pages of `data`, in id order.
    const pages = (
      query: (after: string) => Effect.Effect<ReadonlyArray<SqlRow>, SqlError.SqlError>
    ): Stream.Stream<string, MirrorStore.MirrorStoreError> =>
      Stream.paginateChunkEffect("", (after: string) =>
        q(Effect.map(query(after), (rows) => {
          const last = rows[rows.length - 1]
          return [
            Chunk.fromIterable(rows.map((r) => text(r.data))),
            rows.length < pageSize || last === undefined ? Option.none() : Option.some(text(last.id))
          ] as const
        })))

    const users = (filter: MirrorStore.UserFilter = {}) => {
      const where = (after: string) =>
        sql.and([
          sql`u.id > ${after}`,
          ...(filter.directoryId === undefined ? [] : [sql`u.directory_id = ${filter.directoryId}`]),
          ...(filter.organizationId === undefined ? [] : [sql`u.organization_id = ${filter.organizationId}`]),
          ...(filter.state === undefined ? [] : [sql`u.state = ${filter.state}`]),
          ...(filter.email === undefined ? [] : [sql`u.email = ${filter.email}`])
        ])
      const join = filter.groupId === undefined
        ? sql``
        : sql`JOIN ${table("membership")} m ON m.user_id = u.id AND m.group_id = ${filter.groupId} AND m.present = 1`
      return Stream.mapEffect(
        pages((after) =>
          sql<SqlRow>`SELECT u.id, u.data FROM ${table("user")} u ${join} WHERE ${
            where(after)
          } ORDER BY u.id LIMIT ${pageSize}`
        ),
        Codec.user.decode
      )
    }

    const groups = (filter: MirrorStore.GroupFilter = {}) => {
      const where = (after: string) =>
        sql.and([
          sql`g.id > ${after}`,
          ...(filter.directoryId === undefined ? [] : [sql`g.directory_id = ${filter.directoryId}`])
        ])
      const join = filter.userId === undefined
        ? sql``
        : sql`JOIN ${table("membership")} m ON m.group_id = g.id AND m.user_id = ${filter.userId} AND m.present = 1`
      return Stream.mapEffect(
        pages((after) =>
          sql<SqlRow>`SELECT g.id, g.data FROM ${table("group")} g ${join} WHERE ${
            where(after)
          } ORDER BY g.id LIMIT ${pageSize}`
        ),
        Codec.group.decode
      )
    }

    const one = <A>(
      kind: "directory" | "user" | "group",
      decode: (data: string) => Effect.Effect<A, MirrorStore.MirrorStoreError>
    ) =>
    (id: string) =>
      Effect.flatMap(
        q(sql<SqlRow>`SELECT data FROM ${table(kind)} WHERE id = ${id}`),
        (rows) => rows.length === 0 ? Effect.succeedNone : Effect.asSome(decode(text(rows[0]!.data)))
      )

    const count = (kind: "user" | "group" | "membership", directoryId: string) =>
      q(Effect.map(
        kind === "membership"
          ? sql<SqlRow>`SELECT count(*) AS n FROM ${table(kind)} WHERE directory_id = ${directoryId} AND present = 1`
          : sql<SqlRow>`SELECT count(*) AS n FROM ${table(kind)} WHERE directory_id = ${directoryId}`,
        (rows) => number(rows[0]?.n ?? 0)
      ))

    const service: MirrorStore.Service = {
      users,
      getUser: one("user", Codec.user.decode),
      groups,
      getGroup: one("group", Codec.group.decode),
      directories: () =>
        Stream.mapEffect(
          pages((after) =>
            sql<SqlRow>`SELECT id, data FROM ${table("directory")} WHERE id > ${after} ORDER BY id LIMIT ${pageSize}`
          ),
          Codec.directory.decode
        ),
      getDirectory: one("directory", Codec.directory.decode),
      syncStates: q(Effect.map(
        sql<SqlRow>`SELECT id, phase, last_full_sync_at FROM ${table("directory")} ORDER BY id`,
        (rows) =>
          rows.map((r) => ({
            directoryId: text(r.id),
            phase: r.phase === "live" ? "live" as const : "pending" as const,
            lastFullSyncAt: nullable(r.last_full_sync_at)
          }))
      )),
      counts: (directoryId) =>
        Effect.map(
          Effect.all([count("user", directoryId), count("group", directoryId), count("membership", directoryId)]),
          ([users, groups, memberships]) => ({ users, groups, memberships })
        ),
      head,
      transaction: (body) =>
        sql.withTransaction(body(writer)).pipe(
          Effect.catchIf(
            (error): error is SqlError.SqlError =>
              typeof error === "object" && error !== null && "_tag" in error && error._tag === "SqlError",
            (error) => Effect.fail(sqlFailure(error))
          )
        ),
      // One statement, so two claimers can never both win: the row is inserted, or taken over only when it is
      // the claimer's own or has lapsed; RETURNING says which (SQLite 3.35+ and PostgreSQL).
      lease: ({ name, now, owner, until }) =>
        q(Effect.map(
          sql<SqlRow>`INSERT INTO ${table("lease")} (name, owner, until_ms) VALUES (${name}, ${owner}, ${until})
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms
            WHERE ${table("lease")}.owner = excluded.owner OR ${table("lease")}.until_ms < ${now}
            RETURNING owner`,
          (rows) => rows.length === 1
        )),
      release: (name, owner) =>
        q(Effect.asVoid(sql`DELETE FROM ${table("lease")} WHERE name = ${name} AND owner = ${owner}`))
    }
    return service
  })

/**
 * The store as a layer over the `SqlClient` in context; fails if its migrations fail.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<MirrorStore.MirrorStore, MirrorStore.MirrorStoreError, SqlClient.SqlClient> =>
  Layer.effect(MirrorStore.MirrorStore, make(options))
