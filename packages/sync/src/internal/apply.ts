/**
 * How the mirror changes its store, inside one write transaction: upserts
 * guarded by tombstones, `updated_at` and (for full syncs) the `seq` the sync
 * started at; removals that cascade and leave tombstones; and the `onChange`
 * hook called for every change that was written.
 *
 * @internal
 */
import type { Directory } from "@effect-workos/core/Directory"
import type { DirectoryGroup } from "@effect-workos/core/DirectoryGroup"
import type { DirectoryUser } from "@effect-workos/core/DirectoryUser"
import * as Effect from "effect/Effect"
import { MirrorChange } from "../MirrorChange.js"
import type * as MirrorStore from "../MirrorStore.js"
import * as Codec from "./codec.js"
import type { MirrorStoreError } from "./errors.js"

/** A write transaction in progress. @internal */
export interface Tx<E, R> {
  readonly writer: MirrorStore.Writer
  /** This transaction's `seq` (from `lock`). */
  readonly seq: number
  readonly hook: (change: MirrorChange) => Effect.Effect<void, E, R>
  /** Whether `hook` reads changes: without one, stored rows are not decoded to describe them. */
  readonly observed: boolean
}

/**
 * Where data comes from. Events are applied in log order; a full sync's
 * listing may be older than what events already wrote since it started
 * (`seq0`), so it never overwrites those rows.
 *
 * @internal
 */
export type Source =
  | { readonly _tag: "Event" }
  | { readonly _tag: "Listing"; readonly seq0: number }

/** @internal */
export const event: Source = { _tag: "Event" }

type Step<E, R> = Effect.Effect<void, E | MirrorStoreError, R>

const runHooks = <E, R>(tx: Tx<E, R>, changes: ReadonlyArray<MirrorChange>): Step<E, R> =>
  tx.observed ? Effect.forEach(changes, tx.hook, { discard: true }) : Effect.void

// Calls the hook with a change made from a stored row, decoding the row only when a hook reads it.
const notify = <A, E, R>(
  tx: Tx<E, R>,
  stored: Effect.Effect<A, MirrorStoreError>,
  change: (value: A) => MirrorChange
): Step<E, R> => (tx.observed ? Effect.flatMap(stored, (value) => tx.hook(change(value))) : Effect.void)

const lastById = <A extends { readonly id: string }>(values: ReadonlyArray<A>): ReadonlyArray<A> =>
  Array.from(new Map(values.map((value) => [value.id, value] as const)).values())

type Row = MirrorStore.UserRow | MirrorStore.GroupRow

interface Entity<A extends { readonly id: string }> {
  readonly kind: "user" | "group"
  readonly normalize: (value: A) => A
  readonly codec: {
    readonly encode: (value: A) => Effect.Effect<string, MirrorStoreError>
    readonly decode: (data: string) => Effect.Effect<A, MirrorStoreError>
  }
  readonly row: (value: A, data: string, seq: number, seen: number) => Row
  readonly added: (value: A) => MirrorChange
  readonly updated: (before: A, after: A) => MirrorChange
}

const userEntity: Entity<DirectoryUser> = {
  kind: "user",
  normalize: Codec.normalizeUser,
  codec: Codec.user,
  row: (user, data, seq, seen) => ({
    id: user.id,
    directoryId: user.directoryId,
    organizationId: user.organizationId,
    email: user.email,
    state: user.state,
    data,
    updatedAt: Codec.iso(user.updatedAt),
    seq,
    seen
  }),
  added: (user) => MirrorChange.UserAdded({ user }),
  updated: (before, after) => MirrorChange.UserUpdated({ before, after })
}

const groupEntity: Entity<DirectoryGroup> = {
  kind: "group",
  normalize: (group) => group,
  codec: Codec.group,
  row: (group, data, seq, seen) => ({
    id: group.id,
    directoryId: group.directoryId,
    organizationId: group.organizationId,
    data,
    updatedAt: Codec.iso(group.updatedAt),
    seq,
    seen
  }),
  added: (group) => MirrorChange.GroupAdded({ group }),
  updated: (before, after) => MirrorChange.GroupUpdated({ before, after })
}

const upsert = <A extends { readonly id: string }, E, R>(
  entity: Entity<A>,
  tx: Tx<E, R>,
  values: ReadonlyArray<A>,
  source: Source
): Step<E, R> =>
  Effect.gen(function*() {
    const { writer } = tx
    const latest = lastById(values.map(entity.normalize))
    const ids = latest.map((value) => value.id)
    const tombstoned = yield* writer.tombstoned(entity.kind, ids)
    const existing: ReadonlyMap<string, Row> = yield* writer.get(entity.kind, ids)
    const writes: Array<Row> = []
    const changes: Array<MirrorChange> = []
    const listing = source._tag === "Listing"
    for (const value of latest) {
      if (tombstoned.has(value.id)) continue
      const data = yield* entity.codec.encode(value)
      const candidate = entity.row(value, data, tx.seq, listing ? tx.seq : 0)
      const row = existing.get(value.id)
      if (row !== undefined) {
        const older = candidate.updatedAt < row.updatedAt
        if (source._tag === "Listing" && (row.seq > source.seq0 || older || row.data === data)) continue
        if (source._tag === "Event" && (older || row.data === data)) {
          // Nothing to write, but a full sync that started before this event must not overwrite the row.
          writes.push({ ...row, seq: tx.seq })
          continue
        }
        writes.push(source._tag === "Event" ? entity.row(value, data, tx.seq, row.seen) : candidate)
        if (tx.observed) changes.push(entity.updated(yield* entity.codec.decode(row.data), value))
      } else {
        writes.push(candidate)
        changes.push(entity.added(value))
      }
    }
    yield* writer.put(entity.kind, writes)
    // Rows a listing wrote carry its seq in `seen` already.
    const written = new Set(writes.map((row) => row.id))
    if (listing) yield* writer.see(entity.kind, ids.filter((id) => !tombstoned.has(id) && !written.has(id)), tx.seq)
    yield* runHooks(tx, changes)
  })

/** Writes users (guarded); calls the hook for each one added or changed. @internal */
export const upsertUsers = <E, R>(tx: Tx<E, R>, users: ReadonlyArray<DirectoryUser>, source: Source) =>
  upsert(userEntity, tx, users, source)

/** Writes groups (guarded); calls the hook for each one added or changed. @internal */
export const upsertGroups = <E, R>(tx: Tx<E, R>, groups: ReadonlyArray<DirectoryGroup>, source: Source) =>
  upsert(groupEntity, tx, groups, source)

const batch = 500

// Marks the memberships a scan selects as removed, a batch at a time, calling the hook for each.
const removeMemberships = <E, R>(tx: Tx<E, R>, scan: MirrorStore.Scan): Step<E, R> =>
  Effect.gen(function*() {
    while (true) {
      const rows = yield* tx.writer.scan("membership", { ...scan, presentOnly: true }, batch)
      if (rows.length === 0) return
      yield* tx.writer.put("membership", rows.map((row) => ({ ...row, present: false, seq: tx.seq })))
      yield* runHooks(
        tx,
        rows.map((row) =>
          MirrorChange.MembershipRemoved({ directoryId: row.directoryId, userId: row.userId, groupId: row.groupId })
        )
      )
    }
  })

/** Removes users with their memberships, and leaves tombstones. @internal */
export const removeUsers = <E, R>(tx: Tx<E, R>, rows: ReadonlyArray<MirrorStore.UserRow>): Step<E, R> =>
  Effect.gen(function*() {
    for (const row of rows) {
      yield* removeMemberships(tx, { userId: row.id })
      yield* tx.writer.remove("user", [row.id])
      yield* notify(tx, Codec.user.decode(row.data), (user) => MirrorChange.UserRemoved({ user }))
    }
    yield* tx.writer.tombstone("user", rows, tx.seq)
  })

/** Removes groups with their memberships, and leaves tombstones. @internal */
export const removeGroups = <E, R>(tx: Tx<E, R>, rows: ReadonlyArray<MirrorStore.GroupRow>): Step<E, R> =>
  Effect.gen(function*() {
    for (const row of rows) {
      yield* removeMemberships(tx, { groupId: row.id })
      yield* tx.writer.remove("group", [row.id])
      yield* notify(tx, Codec.group.decode(row.data), (group) => MirrorChange.GroupRemoved({ group }))
    }
    yield* tx.writer.tombstone("group", rows, tx.seq)
  })

/** A membership as WorkOS states it. @internal */
export interface Membership {
  readonly directoryId: string
  readonly userId: string
  readonly groupId: string
  readonly present: boolean
}

/**
 * Sets memberships. Events apply in log order (membership changes do not move
 * `updated_at`); a listing only adds, never over a row written since it began.
 * A membership is added only while its user and group are in the store.
 *
 * @internal
 */
export const setMemberships = <E, R>(tx: Tx<E, R>, memberships: ReadonlyArray<Membership>, source: Source) =>
  Effect.gen(function*() {
    const { writer } = tx
    const keyed = lastById(memberships.map((m) => ({ ...m, id: `${m.userId}/${m.groupId}` })))
    if (keyed.length === 0) return
    const existing = yield* writer.get("membership", keyed.map((m) => m.id))
    const users = yield* writer.get("user", Array.from(new Set(keyed.map((m) => m.userId))))
    const groups = yield* writer.get("group", Array.from(new Set(keyed.map((m) => m.groupId))))
    const listing = source._tag === "Listing"
    const writes: Array<MirrorStore.MembershipRow> = []
    const seenIds: Array<string> = []
    const changes: Array<MirrorChange> = []
    for (const m of keyed) {
      const row = existing.get(m.id)
      const exists = users.has(m.userId) && groups.has(m.groupId)
      if (source._tag === "Listing") {
        if (!exists) continue
        seenIds.push(m.id)
        if (row !== undefined && (row.seq > source.seq0 || row.present)) continue
      } else if ((row?.present ?? false) === m.present || (m.present && !exists)) {
        if (row !== undefined) writes.push({ ...row, seq: tx.seq })
        continue
      }
      writes.push({
        id: m.id,
        userId: m.userId,
        groupId: m.groupId,
        directoryId: m.directoryId,
        present: m.present,
        seq: tx.seq,
        seen: listing ? tx.seq : row?.seen ?? 0
      })
      const change = { directoryId: m.directoryId, userId: m.userId, groupId: m.groupId }
      changes.push(m.present ? MirrorChange.MembershipAdded(change) : MirrorChange.MembershipRemoved(change))
    }
    yield* writer.put("membership", writes)
    const written = new Set(writes.map((row) => row.id))
    if (listing) yield* writer.see("membership", seenIds.filter((id) => !written.has(id)), tx.seq)
    yield* runHooks(tx, changes)
  })

/**
 * Writes a directory (guarded like users). A new or newer directory from an
 * event becomes `pending`: a full sync follows. A directory from an event
 * keeps the stored `domain` when the event has none (`dsync.activated` sends
 * `domains` instead). Only the directory listing (`mark`) marks rows as seen.
 *
 * @internal
 */
export const upsertDirectory = <E, R>(tx: Tx<E, R>, directory: Directory, source: Source, mark = false) =>
  Effect.gen(function*() {
    const { writer } = tx
    if ((yield* writer.tombstoned("directory", [directory.id])).size > 0) return
    const row = (yield* writer.get("directory", [directory.id])).get(directory.id)
    const before = row === undefined ? undefined : yield* Codec.directory.decode(row.data)
    const value = Codec.normalizeDirectory(
      source._tag === "Event" && directory.domain === undefined && before?.domain !== undefined
        ? { ...directory, domain: before.domain }
        : directory
    )
    const data = yield* Codec.directory.encode(value)
    const updatedAt = Codec.iso(value.updatedAt)
    const seen = source._tag === "Listing" && mark ? tx.seq : row?.seen ?? 0
    if (row === undefined) {
      yield* writer.put("directory", [{
        id: value.id,
        organizationId: value.organizationId,
        data,
        updatedAt,
        seq: tx.seq,
        seen,
        phase: "pending",
        pendingSeq: tx.seq,
        lastFullSyncAt: null
      }])
      return yield* tx.hook(MirrorChange.DirectoryAdded({ directory: value }))
    }
    if (source._tag === "Listing" && mark) yield* writer.see("directory", [row.id], tx.seq)
    // Directory changes without events (a rename) reach the store only through listings: an event is
    // applied over a stored directory only when strictly newer, so a replayed one cannot undo a listing.
    const stale = source._tag === "Event"
      ? updatedAt <= row.updatedAt
      : updatedAt < row.updatedAt || row.seq > source.seq0
    if (stale || row.data === data) return
    const newer = source._tag === "Event"
    yield* writer.put("directory", [{
      ...row,
      organizationId: value.organizationId,
      data,
      updatedAt,
      seq: tx.seq,
      seen,
      ...(newer ? { phase: "pending" as const, pendingSeq: tx.seq } : {})
    }])
    yield* tx.hook(MirrorChange.DirectoryUpdated({ before: before!, after: value }))
  })

/**
 * Removes a directory and everything in it (memberships, then groups, then
 * users, then the directory), and tombstones it. WorkOS sends only
 * `dsync.deleted` when a directory goes.
 *
 * @internal
 */
export const removeDirectory = <E, R>(tx: Tx<E, R>, directoryId: string) =>
  Effect.gen(function*() {
    const { writer } = tx
    while (true) {
      const rows = yield* writer.scan("membership", { directoryId }, batch)
      if (rows.length === 0) break
      yield* writer.remove("membership", rows.map((row) => row.id))
      yield* runHooks(
        tx,
        rows.filter((row) => row.present).map((row) =>
          MirrorChange.MembershipRemoved({ directoryId, userId: row.userId, groupId: row.groupId })
        )
      )
    }
    while (true) {
      const rows = yield* writer.scan("group", { directoryId }, batch)
      if (rows.length === 0) break
      yield* writer.remove("group", rows.map((row) => row.id))
      for (const row of rows) {
        yield* notify(tx, Codec.group.decode(row.data), (group) => MirrorChange.GroupRemoved({ group }))
      }
    }
    while (true) {
      const rows = yield* writer.scan("user", { directoryId }, batch)
      if (rows.length === 0) break
      yield* writer.remove("user", rows.map((row) => row.id))
      for (const row of rows) {
        yield* notify(tx, Codec.user.decode(row.data), (user) => MirrorChange.UserRemoved({ user }))
      }
    }
    const row = (yield* writer.get("directory", [directoryId])).get(directoryId)
    if (row !== undefined) {
      yield* writer.remove("directory", [directoryId])
      yield* notify(tx, Codec.directory.decode(row.data), (directory) => MirrorChange.DirectoryRemoved({ directory }))
    }
    yield* writer.tombstone("directory", [{ id: directoryId, directoryId }], tx.seq)
  })

/**
 * After a full listing of a directory that began at `seq0`: removes what no
 * transaction since then wrote or saw.
 *
 * @internal
 */
export const sweep = <E, R>(tx: Tx<E, R>, directoryId: string, seq0: number) =>
  Effect.gen(function*() {
    const unseen = { directoryId, unseen: { maxSeq: seq0 } }
    yield* removeMemberships(tx, unseen)
    while (true) {
      const rows = yield* tx.writer.scan("group", unseen, batch)
      if (rows.length === 0) break
      yield* removeGroups(tx, rows)
    }
    while (true) {
      const rows = yield* tx.writer.scan("user", unseen, batch)
      if (rows.length === 0) break
      yield* removeUsers(tx, rows)
    }
  })
