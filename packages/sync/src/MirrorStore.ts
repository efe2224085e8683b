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
import type { Directory } from "@effect-workos/core/Directory"
import type { DirectoryGroup } from "@effect-workos/core/DirectoryGroup"
import type { DirectoryUser } from "@effect-workos/core/DirectoryUser"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Codec from "./internal/codec.js"
import * as Errors from "./internal/errors.js"

/**
 * A store operation failed: the database (`reason: "Sql"`, the driver's error
 * as `cause`) or a stored value that no longer decodes (`"Decode"`).
 *
 * @since 0.1.0
 * @category errors
 */
export const MirrorStoreError = Errors.MirrorStoreError

/**
 * A store operation failed.
 *
 * @since 0.1.0
 * @category errors
 */
export type MirrorStoreError = Errors.MirrorStoreError

/**
 * Which users to read; every given field must match.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserFilter {
  readonly directoryId?: string | undefined
  readonly organizationId?: string | undefined
  /** Members of this group. */
  readonly groupId?: string | undefined
  readonly state?: string | undefined
  /** The primary email, exactly. */
  readonly email?: string | undefined
}

/**
 * Which groups to read; every given field must match.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupFilter {
  readonly directoryId?: string | undefined
  /** Groups this user belongs to. */
  readonly userId?: string | undefined
}

/**
 * Where a directory is: `pending` until its full sync (backfill) completes,
 * then `live` (kept current by events).
 *
 * @since 0.1.0
 * @category models
 */
export type Phase = "pending" | "live"

/**
 * The store's head: a sequence number every write transaction increments, and
 * the event cursor (the last applied event and its time, or the time to read
 * from when there is no event yet).
 *
 * @since 0.1.0
 * @category write side
 */
export interface Head {
  readonly seq: number
  /** Id of the last event applied. */
  readonly after: string | null
  /** `created_at` of that event. */
  readonly afterAt: string | null
  /** Where to start reading events when `after` is null. */
  readonly rangeStart: string | null
  /** When the mirror last read every settled event. */
  readonly caughtUpAt: string | null
}

/**
 * A stored directory and its sync state. `data` is the model's wire JSON.
 *
 * @since 0.1.0
 * @category write side
 */
export interface DirectoryRow {
  readonly id: string
  readonly organizationId: string | null
  readonly data: string
  readonly updatedAt: string
  /** `seq` of the transaction that last wrote it. */
  readonly seq: number
  /** `seq` of the last transaction of a listing (full sync) that saw it. */
  readonly seen: number
  readonly phase: Phase
  /** `seq` of the transaction that last made it `pending`. */
  readonly pendingSeq: number
  readonly lastFullSyncAt: string | null
}

/**
 * A stored user.
 *
 * @since 0.1.0
 * @category write side
 */
export interface UserRow {
  readonly id: string
  readonly directoryId: string
  readonly organizationId: string | null
  readonly email: string | null
  readonly state: string
  readonly data: string
  readonly updatedAt: string
  readonly seq: number
  /** `seq` of the last listing transaction that saw it. */
  readonly seen: number
}

/**
 * A stored group.
 *
 * @since 0.1.0
 * @category write side
 */
export interface GroupRow {
  readonly id: string
  readonly directoryId: string
  readonly organizationId: string | null
  readonly data: string
  readonly updatedAt: string
  readonly seq: number
  /** `seq` of the last listing transaction that saw it. */
  readonly seen: number
}

/**
 * A membership; `present: false` keeps the `seq` of its removal, so a stale
 * listing cannot bring it back. `id` is `userId/groupId`.
 *
 * @since 0.1.0
 * @category write side
 */
export interface MembershipRow {
  readonly id: string
  readonly userId: string
  readonly groupId: string
  readonly directoryId: string
  readonly present: boolean
  readonly seq: number
  /** `seq` of the last listing transaction that saw it. */
  readonly seen: number
}

/**
 * The kinds of rows, by name.
 *
 * @since 0.1.0
 * @category write side
 */
export interface Rows {
  readonly directory: DirectoryRow
  readonly user: UserRow
  readonly group: GroupRow
  readonly membership: MembershipRow
}

/**
 * A kind of row.
 *
 * @since 0.1.0
 * @category write side
 */
export type Kind = keyof Rows

/**
 * What a tombstone can stand for.
 *
 * @since 0.1.0
 * @category write side
 */
export type TombstoneKind = "directory" | "user" | "group"

/**
 * Rows to scan, in id order: every given field must match. `unseen` selects
 * rows that no transaction after `maxSeq` wrote or saw (a listing that began
 * at `maxSeq` did not see them).
 *
 * @since 0.1.0
 * @category write side
 */
export interface Scan {
  readonly directoryId?: string | undefined
  readonly userId?: string | undefined
  readonly groupId?: string | undefined
  readonly presentOnly?: boolean | undefined
  readonly unseen?: { readonly maxSeq: number } | undefined
}

/**
 * The write side, valid inside one `transaction`. `lock` comes first: it
 * serializes writers (the store's head row is the lock) and returns the head
 * with its new `seq`.
 *
 * @since 0.1.0
 * @category write side
 */
export interface Writer {
  readonly lock: Effect.Effect<Head, MirrorStoreError>
  readonly setHead: (patch: Partial<Omit<Head, "seq">>) => Effect.Effect<void, MirrorStoreError>
  readonly get: <K extends Kind>(
    kind: K,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyMap<string, Rows[K]>, MirrorStoreError>
  readonly put: <K extends Kind>(kind: K, rows: ReadonlyArray<Rows[K]>) => Effect.Effect<void, MirrorStoreError>
  readonly remove: (kind: Kind, ids: ReadonlyArray<string>) => Effect.Effect<void, MirrorStoreError>
  /** Marks rows as seen by a listing, in the transaction `seq`. */
  readonly see: (kind: Kind, ids: ReadonlyArray<string>, seq: number) => Effect.Effect<void, MirrorStoreError>
  /** The first `limit` rows matching, in id order. */
  readonly scan: <K extends Kind>(
    kind: K,
    scan: Scan,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Rows[K]>, MirrorStoreError>
  readonly tombstoned: (
    kind: TombstoneKind,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlySet<string>, MirrorStoreError>
  readonly tombstone: (
    kind: TombstoneKind,
    entries: ReadonlyArray<{ readonly id: string; readonly directoryId: string }>,
    seq: number
  ) => Effect.Effect<void, MirrorStoreError>
  /** Every directory back to `pending` (after a lost cursor), as of `seq`. */
  readonly markAllPending: (seq: number) => Effect.Effect<void, MirrorStoreError>
}

/**
 * How many users, groups and memberships the store holds for a directory.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  readonly users: number
  readonly groups: number
  readonly memberships: number
}

/**
 * A directory's sync state.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncState {
  readonly directoryId: string
  readonly phase: Phase
  readonly lastFullSyncAt: string | null
}

/**
 * The store.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Users matching `filter`, in id order, a page at a time (constant memory). */
  readonly users: (filter?: UserFilter) => Stream.Stream<DirectoryUser, MirrorStoreError>
  readonly getUser: (id: string) => Effect.Effect<Option.Option<DirectoryUser>, MirrorStoreError>
  /** Groups matching `filter`, in id order. */
  readonly groups: (filter?: GroupFilter) => Stream.Stream<DirectoryGroup, MirrorStoreError>
  readonly getGroup: (id: string) => Effect.Effect<Option.Option<DirectoryGroup>, MirrorStoreError>
  /** Every mirrored directory, in id order. */
  readonly directories: () => Stream.Stream<Directory, MirrorStoreError>
  readonly getDirectory: (id: string) => Effect.Effect<Option.Option<Directory>, MirrorStoreError>
  /** Every directory's phase and last full sync. */
  readonly syncStates: Effect.Effect<ReadonlyArray<SyncState>, MirrorStoreError>
  readonly counts: (directoryId: string) => Effect.Effect<Counts, MirrorStoreError>
  readonly head: Effect.Effect<Head, MirrorStoreError>
  /**
   * Runs `body` in one transaction: all of it is written or none. With a SQL
   * store the `SqlClient` in context is in that transaction too.
   */
  readonly transaction: <A, E, R>(
    body: (writer: Writer) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | MirrorStoreError, R>
  /**
   * Claims the lease `name` for `owner` until `until` (epoch millis), if it
   * is free, expired at `now`, or already `owner`'s; `false` if another
   * owner holds it. How several engines share the work.
   */
  readonly lease: (lease: Lease) => Effect.Effect<boolean, MirrorStoreError>
  /** Gives the lease up, if `owner` still holds it. */
  readonly release: (name: string, owner: string) => Effect.Effect<void, MirrorStoreError>
}

/**
 * A claim on shared work (a directory's full sync, the event feed).
 *
 * @since 0.1.0
 * @category models
 */
export interface Lease {
  readonly name: string
  readonly owner: string
  /** The claimer's clock, epoch millis. */
  readonly now: number
  /** When the claim lapses unless renewed, epoch millis. */
  readonly until: number
}

/**
 * The mirror's store.
 *
 * @since 0.1.0
 * @category tags
 */
export class MirrorStore extends Context.Tag("@effect-workos/sync/MirrorStore")<MirrorStore, Service>() {}

// The in-memory store: immutable maps in a Ref, one writer at a time, each transaction working on its own
// copy that replaces the state on success.

type AnyRow = Rows[Kind]

const matches = (row: AnyRow, scan: Scan): boolean => {
  const directoryId = "directoryId" in row ? row.directoryId : row.id
  if (scan.directoryId !== undefined && directoryId !== scan.directoryId) return false
  if (scan.userId !== undefined && (!("userId" in row) || row.userId !== scan.userId)) return false
  if (scan.groupId !== undefined && (!("groupId" in row) || row.groupId !== scan.groupId)) return false
  if (scan.presentOnly === true && "present" in row && !row.present) return false
  if (scan.unseen !== undefined && (row.seen > scan.unseen.maxSeq || row.seq > scan.unseen.maxSeq)) return false
  return true
}

type Tables = { readonly [K in Kind]: HashMap.HashMap<string, Rows[K]> }

interface State {
  readonly head: Head
  readonly tables: Tables
  readonly tombstones: HashMap.HashMap<string, number>
}

const initial: State = {
  head: { seq: 0, after: null, afterAt: null, rangeStart: null, caughtUpAt: null },
  tables: {
    directory: HashMap.empty(),
    user: HashMap.empty(),
    group: HashMap.empty(),
    membership: HashMap.empty()
  },
  tombstones: HashMap.empty()
}

const sorted = <A extends { readonly id: string }>(rows: Iterable<A>): Array<A> =>
  Array.from(rows).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

const writer = (ref: Ref.Ref<State>): Writer => {
  const update = (f: (state: State) => State) => Ref.update(ref, f)
  const table = <K extends Kind>(kind: K) => Effect.map(Ref.get(ref), (state) => state.tables[kind])
  const setTable = <K extends Kind>(
    kind: K,
    f: (rows: HashMap.HashMap<string, Rows[K]>) => HashMap.HashMap<string, Rows[K]>
  ) => update((state) => ({ ...state, tables: { ...state.tables, [kind]: f(state.tables[kind]) } }))
  return {
    lock: Effect.map(
      Ref.updateAndGet(ref, (state) => ({ ...state, head: { ...state.head, seq: state.head.seq + 1 } })),
      (state) => state.head
    ),
    setHead: (patch) => update((state) => ({ ...state, head: { ...state.head, ...patch } })),
    get: (kind, ids) =>
      Effect.map(table(kind), (rows) => {
        const found = new Map<string, Rows[typeof kind]>()
        for (const id of ids) Option.map(HashMap.get(rows, id), (row) => found.set(id, row))
        return found
      }),
    put: (kind, rows) => setTable(kind, (table) => rows.reduce((acc, row) => HashMap.set(acc, row.id, row), table)),
    remove: (kind, ids) => setTable(kind, (table) => ids.reduce((acc, id) => HashMap.remove(acc, id), table)),
    see: (kind, ids, seen) =>
      setTable(kind, (table) =>
        ids.reduce(
          (acc, id) => HashMap.modify(acc, id, (row) => ({ ...row, seen })),
          table
        )),
    scan: (kind, scan, limit) =>
      Effect.map(
        table(kind),
        (rows) => sorted(Array.from(HashMap.values(rows)).filter((row) => matches(row, scan))).slice(0, limit)
      ),
    tombstoned: (kind, ids) =>
      Effect.map(Ref.get(ref), (state) => new Set(ids.filter((id) => HashMap.has(state.tombstones, `${kind}:${id}`)))),
    tombstone: (kind, entries, seq) =>
      update((state) => ({
        ...state,
        tombstones: entries.reduce((acc, entry) => HashMap.set(acc, `${kind}:${entry.id}`, seq), state.tombstones)
      })),
    markAllPending: (seq) =>
      setTable(
        "directory",
        (table) => HashMap.map(table, (row): DirectoryRow => ({ ...row, phase: "pending", pendingSeq: seq }))
      )
  }
}

const makeMemory: Effect.Effect<Service> = Effect.gen(function*() {
  const state = yield* Ref.make(initial)
  const leases = yield* Ref.make(HashMap.empty<string, { readonly owner: string; readonly until: number }>())
  const lock = yield* Effect.makeSemaphore(1)
  const rowsOf = <K extends Kind>(kind: K) =>
    Effect.map(Ref.get(state), (current) => sorted(HashMap.values(current.tables[kind])))
  const memberships = (scan: Scan) =>
    Effect.map(rowsOf("membership"), (rows) => rows.filter((row) => matches(row, { ...scan, presentOnly: true })))
  const one = <K extends "directory" | "user" | "group", A>(
    kind: K,
    decode: (data: string) => Effect.Effect<A, MirrorStoreError>
  ) =>
  (id: string) =>
    Effect.flatMap(
      Ref.get(state),
      (current) =>
        Option.match(HashMap.get(current.tables[kind], id), {
          onNone: () => Effect.succeedNone,
          onSome: (row) => Effect.asSome(decode(row.data))
        })
    )
  const users = (filter: UserFilter = {}) =>
    Stream.unwrap(Effect.gen(function*() {
      const members = filter.groupId === undefined
        ? undefined
        : new Set((yield* memberships({ groupId: filter.groupId })).map((row) => row.userId))
      const rows = (yield* rowsOf("user")).filter((row) =>
        (filter.directoryId === undefined || row.directoryId === filter.directoryId) &&
        (filter.organizationId === undefined || row.organizationId === filter.organizationId) &&
        (filter.state === undefined || row.state === filter.state) &&
        (filter.email === undefined || row.email === filter.email) &&
        (members === undefined || members.has(row.id))
      )
      return Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.user.decode(row.data))
    }))
  const groups = (filter: GroupFilter = {}) =>
    Stream.unwrap(Effect.gen(function*() {
      const of = filter.userId === undefined
        ? undefined
        : new Set((yield* memberships({ userId: filter.userId })).map((row) => row.groupId))
      const rows = (yield* rowsOf("group")).filter((row) =>
        (filter.directoryId === undefined || row.directoryId === filter.directoryId) &&
        (of === undefined || of.has(row.id))
      )
      return Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.group.decode(row.data))
    }))
  const service: Service = {
    users,
    getUser: one("user", Codec.user.decode),
    groups,
    getGroup: one("group", Codec.group.decode),
    directories: () =>
      Stream.unwrap(
        Effect.map(rowsOf("directory"), (rows) =>
          Stream.mapEffect(Stream.fromIterable(rows), (row) => Codec.directory.decode(row.data)))
      ),
    getDirectory: one("directory", Codec.directory.decode),
    syncStates: Effect.map(
      rowsOf("directory"),
      (rows) => rows.map((row) => ({ directoryId: row.id, phase: row.phase, lastFullSyncAt: row.lastFullSyncAt }))
    ),
    counts: (directoryId) =>
      Effect.map(Ref.get(state), (current) => {
        const count = <K extends "user" | "group" | "membership">(kind: K) =>
          Array.from(HashMap.values(current.tables[kind])).filter((row) =>
            matches(row, { directoryId, presentOnly: true })
          ).length
        return { users: count("user"), groups: count("group"), memberships: count("membership") }
      }),
    head: Effect.map(Ref.get(state), (current) => current.head),
    transaction: (body) =>
      lock.withPermits(1)(Effect.uninterruptible(Effect.gen(function*() {
        const working = yield* Ref.make(yield* Ref.get(state))
        const result = yield* body(writer(working))
        yield* Ref.set(state, yield* Ref.get(working))
        return result
      }))),
    lease: ({ name, now, owner, until }) =>
      Ref.modify(leases, (held) => {
        const current = HashMap.get(held, name)
        const free = Option.match(current, { onNone: () => true, onSome: (l) => l.owner === owner || l.until < now })
        return [free, free ? HashMap.set(held, name, { owner, until }) : held]
      }),
    release: (name, owner) =>
      Ref.update(leases, (held) =>
        Option.match(HashMap.get(held, name), {
          onNone: () => held,
          onSome: (lease) => lease.owner === owner ? HashMap.remove(held, name) : held
        }))
  }
  return service
})

/**
 * A store in memory, for tests. A transaction runs to its end once started
 * (it is not interrupted half way), so an interrupted mirror leaves no
 * partial write here either.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<MirrorStore> = Layer.effect(MirrorStore, makeMemory)
