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
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Errors from "./internal/errors.js"
import * as Memory from "./internal/memory.js"

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
  /** Id of the last full sync that saw it. */
  readonly seen: string | null
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
  readonly seen: string | null
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
  readonly seen: string | null
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
  readonly seen: string | null
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
 * rows the full sync `seen` did not see and no transaction after `maxSeq` wrote.
 *
 * @since 0.1.0
 * @category write side
 */
export interface Scan {
  readonly directoryId?: string | undefined
  readonly userId?: string | undefined
  readonly groupId?: string | undefined
  readonly presentOnly?: boolean | undefined
  readonly unseen?: { readonly seen: string; readonly maxSeq: number } | undefined
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
  /** Marks rows as seen by the full sync `seen`. */
  readonly see: (kind: Kind, ids: ReadonlyArray<string>, seen: string) => Effect.Effect<void, MirrorStoreError>
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
}

/**
 * The mirror's store.
 *
 * @since 0.1.0
 * @category tags
 */
export class MirrorStore extends Context.Tag("@effect-workos/sync/MirrorStore")<MirrorStore, Service>() {}

/**
 * A store in memory, for tests. A transaction runs to its end once started
 * (it is not interrupted half way), so an interrupted mirror leaves no
 * partial write here either.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<MirrorStore> = Layer.effect(MirrorStore, Memory.make)
