/**
 * The fake's state as one immutable value: records by id, indexes sorted by
 * `created_at` then id (the order WorkOS lists in), and the recorded events.
 * Every change is a pure function from a store to a new store, so
 * `Ref.modify` applies it atomically.
 *
 * @internal
 */
import * as Either from "effect/Either"
import { iso } from "./ids.js"
import type * as Records from "./records.js"
import * as Sorted from "./sorted.js"
import * as Wire from "./wire.js"

type DirectoryRecord = Records.DirectoryRecord
type UserRecord = Records.UserRecord
type GroupRecord = Records.GroupRecord
type DirectoryTokenRecord = Records.DirectoryTokenRecord

/** Sort key: `created_at` (fixed width) then id, so plain string order is WorkOS's list order. @internal */
export type Key = string

/** An index from sort key to id. @internal */
export type Index = Sorted.Sorted<string>

/** Records by id. @internal */
export type ById<A> = Sorted.Sorted<A>

/** @internal */
export const keyOf = (record: { readonly createdAt: string; readonly id: string }): Key => record.createdAt + record.id

/** @internal */
export const emptyIndex: Index = Sorted.empty()

/** A user and the ids of its groups, sorted by the groups' keys. @internal */
export interface UserEntry {
  readonly record: UserRecord
  readonly groups: ReadonlyArray<string>
}

/** An event and the organization it concerns, for the `organization_id` filter. @internal */
export interface StoredEvent {
  readonly event: Records.Event
  readonly organizationId: string | null
}

/** @internal */
export interface Store {
  readonly directories: ById<DirectoryRecord>
  readonly directoryIndex: Index
  readonly users: ById<UserEntry>
  readonly usersByDirectory: ById<Index>
  readonly groups: ById<GroupRecord>
  readonly groupsByDirectory: ById<Index>
  /** Active directory tokens (a revoked token is removed). */
  readonly tokens: ById<DirectoryTokenRecord>
  readonly events: ById<StoredEvent>
  readonly eventIndex: Index
  readonly lastEventAt: number
}

/** Why a change was refused. @internal */
export interface Failure {
  readonly reason: "NotFound" | "Conflict" | "Invalid"
  readonly message: string
}

/** The time of a change and where its new ids come from. @internal */
export interface Stamp {
  readonly now: number
  readonly id: (prefix: string, time: number) => string
}

/** @internal */
export type Change<A> = Either.Either<readonly [A, Store], Failure>

/** @internal */
export const empty: Store = {
  directories: Sorted.empty(),
  directoryIndex: emptyIndex,
  users: Sorted.empty(),
  usersByDirectory: Sorted.empty(),
  groups: Sorted.empty(),
  groupsByDirectory: Sorted.empty(),
  tokens: Sorted.empty(),
  events: Sorted.empty(),
  eventIndex: emptyIndex,
  lastEventAt: 0
}

const notFound = (kind: string, id: string): Failure => ({ reason: "NotFound", message: `${kind} not found: '${id}'.` })

const conflict = (kind: string, id: string): Failure => ({
  reason: "Conflict",
  message: `${kind} already exists: '${id}'.`
})

const apart = (userId: string, groupId: string): Failure => ({
  reason: "Invalid",
  message: `'${userId}' and '${groupId}' are in different directories.`
})

const find = <A>(map: ById<A>, kind: string, id: string): Either.Either<A, Failure> => {
  const found = Sorted.get(map, id)
  return found === undefined ? Either.left(notFound(kind, id)) : Either.right(found)
}

/** @internal */
export const directory = (store: Store, id: string) => find(store.directories, "Directory", id)

/** @internal */
export const user = (store: Store, id: string) => find(store.users, "Directory user", id)

/** @internal */
export const group = (store: Store, id: string) => find(store.groups, "Directory group", id)

/** @internal */
export const indexOf = (map: ById<Index>, id: string): Index => Sorted.get(map, id) ?? emptyIndex

const addTo = (map: ById<Index>, id: string, key: Key, value: string) =>
  Sorted.set(map, id, Sorted.set(indexOf(map, id), key, value))

const removeFrom = (map: ById<Index>, id: string, key: Key) => Sorted.set(map, id, Sorted.remove(indexOf(map, id), key))

/** Active and inactive users and the groups of a directory, as REST `metadata` reports them. @internal */
export const metadataOf = (store: Store, directoryId: string) => {
  let active = 0
  let inactive = 0
  for (const id of Sorted.values(indexOf(store.usersByDirectory, directoryId))) {
    if (Sorted.get(store.users, id)?.record.state === "active") active++
    else inactive++
  }
  return { users: { active, inactive }, groups: indexOf(store.groupsByDirectory, directoryId).size }
}

/** The groups of a user, oldest first. @internal */
export const groupsOf = (store: Store, entry: UserEntry): ReadonlyArray<GroupRecord> =>
  entry.groups.flatMap((id) => Sorted.get(store.groups, id) ?? [])

const recordEvent = (
  store: Store,
  stamp: Stamp,
  event: string,
  data: Readonly<Record<string, unknown>>,
  organizationId: string | null
): Store => {
  // Events are listed by time; keep that order equal to the order they happened in.
  const time = Math.max(stamp.now, store.lastEventAt)
  const wire: Records.Event = { object: "event", id: stamp.id("event_", time), event, data, created_at: iso(time) }
  return {
    ...store,
    events: Sorted.set(store.events, wire.id, { event: wire, organizationId }),
    eventIndex: Sorted.set(store.eventIndex, keyOf({ createdAt: wire.created_at, id: wire.id }), wire.id),
    lastEventAt: time
  }
}

// Seeding ---------------------------------------------------------------------------------------

/** A store holding `data` as if it had always been there: no events. @internal */
export const seed = (data: Records.Data): Either.Either<Store, Failure> => {
  const directories = new Map<string, DirectoryRecord>()
  for (const record of data.directories ?? []) {
    if (directories.has(record.id)) return Either.left(conflict("Directory", record.id))
    directories.set(record.id, record)
  }
  const groups = new Map<string, GroupRecord>()
  for (const record of data.groups ?? []) {
    if (groups.has(record.id)) return Either.left(conflict("Directory group", record.id))
    if (!directories.has(record.directoryId)) return Either.left(notFound("Directory", record.directoryId))
    groups.set(record.id, record)
  }
  const users = new Map<string, { readonly record: UserRecord; readonly groups: Array<string> }>()
  for (const record of data.users ?? []) {
    if (users.has(record.id)) return Either.left(conflict("Directory user", record.id))
    if (!directories.has(record.directoryId)) return Either.left(notFound("Directory", record.directoryId))
    users.set(record.id, { record, groups: [] })
  }
  for (const { groupId, userId } of data.memberships ?? []) {
    const entry = users.get(userId)
    const target = groups.get(groupId)
    if (entry === undefined) return Either.left(notFound("Directory user", userId))
    if (target === undefined) return Either.left(notFound("Directory group", groupId))
    if (target.directoryId !== entry.record.directoryId) return Either.left(apart(userId, groupId))
    if (!entry.groups.includes(groupId)) entry.groups.push(groupId)
  }
  const groupKey = (id: string) => keyOf(groups.get(id)!)
  const byDirectory = (
    records: Iterable<{ readonly createdAt: string; readonly id: string; readonly directoryId: string }>
  ) => {
    const entries = new Map<string, Array<Sorted.Entry<string>>>()
    for (const record of records) {
      let list = entries.get(record.directoryId)
      if (list === undefined) entries.set(record.directoryId, list = [])
      list.push([keyOf(record), record.id])
    }
    return Sorted.fromEntries(Array.from(entries, ([id, list]) => [id, Sorted.fromEntries(list)] as const))
  }
  return Either.right({
    ...empty,
    directories: Sorted.fromEntries(Array.from(directories)),
    directoryIndex: Sorted.fromEntries(Array.from(directories.values(), (d) => [keyOf(d), d.id] as const)),
    groups: Sorted.fromEntries(Array.from(groups)),
    groupsByDirectory: byDirectory(groups.values()),
    users: Sorted.fromEntries(Array.from(users, ([id, { groups: ids, record }]) => {
      const sorted = ids.length < 2
        ? ids
        : ids.map((g) => [groupKey(g), g] as const).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g)
      return [id, { record, groups: sorted }] as const
    })),
    usersByDirectory: byDirectory(Array.from(users.values(), (entry) => entry.record))
  })
}

// Changes ---------------------------------------------------------------------------------------

const succeed = <A>(value: A, store: Store): Change<A> => Either.right([value, store] as const)

/** @internal */
export const addDirectory = (store: Store, stamp: Stamp, record: DirectoryRecord): Change<DirectoryRecord> => {
  if (Sorted.has(store.directories, record.id)) return Either.left(conflict("Directory", record.id))
  const next: Store = {
    ...store,
    directories: Sorted.set(store.directories, record.id, record),
    directoryIndex: Sorted.set(store.directoryIndex, keyOf(record), record.id)
  }
  return succeed(
    record,
    recordEvent(next, stamp, "dsync.activated", Wire.activatedDirectory(record), record.organizationId)
  )
}

/** @internal */
export const updateDirectory = (
  store: Store,
  stamp: Stamp,
  id: string,
  update: (record: DirectoryRecord) => DirectoryRecord
): Change<DirectoryRecord> =>
  Either.map(directory(store, id), (previous) => {
    const updated = update(previous)
    const next: Store = { ...store, directories: Sorted.set(store.directories, id, updated) }
    // WorkOS announces a directory becoming linked; other directory changes have no event.
    const linked = updated.state === "linked" && previous.state !== "linked"
    return [
      updated,
      linked
        ? recordEvent(next, stamp, "dsync.activated", Wire.activatedDirectory(updated), updated.organizationId)
        : next
    ] as const
  })

/** Removes a directory with its users and groups; only `dsync.deleted` is recorded, as WorkOS does. @internal */
export const removeDirectory = (store: Store, stamp: Stamp, id: string): Change<DirectoryRecord> =>
  Either.map(directory(store, id), (removed) => {
    const next: Store = {
      ...store,
      directories: Sorted.remove(store.directories, id),
      directoryIndex: Sorted.remove(store.directoryIndex, keyOf(removed)),
      users: Sorted.filter(store.users, (entry) => entry.record.directoryId !== id),
      usersByDirectory: Sorted.remove(store.usersByDirectory, id),
      groups: Sorted.filter(store.groups, (group) => group.directoryId !== id),
      groupsByDirectory: Sorted.remove(store.groupsByDirectory, id),
      tokens: Sorted.filter(store.tokens, (token) => token.directoryId !== id)
    }
    return [
      removed,
      recordEvent(next, stamp, "dsync.deleted", Wire.deletedDirectory(removed), removed.organizationId)
    ] as const
  })

/** The most active tokens WorkOS keeps for a directory (one to rotate to). @internal */
export const maxActiveTokens = 2

/** Adds an active token to its directory; records `dsync.token.created`. @internal */
export const addToken = (store: Store, stamp: Stamp, added: DirectoryTokenRecord): Change<DirectoryTokenRecord> =>
  Either.flatMap(directory(store, added.directoryId), (): Change<DirectoryTokenRecord> => {
    if (Sorted.has(store.tokens, added.id)) return Either.left(conflict("Directory token", added.id))
    const active = Array.from(Sorted.values(store.tokens)).filter((token) =>
      token.directoryId === added.directoryId
    ).length
    if (active >= maxActiveTokens) {
      return Either.left({
        reason: "Invalid",
        message: `Directory '${added.directoryId}' already has ${maxActiveTokens} active tokens: revoke one first.`
      })
    }
    const next: Store = { ...store, tokens: Sorted.set(store.tokens, added.id, added) }
    return succeed(
      added,
      recordEvent(next, stamp, "dsync.token.created", Wire.directoryToken(added), added.organizationId)
    )
  })

/** Revokes (removes) an active token; records `dsync.token.revoked`. @internal */
export const revokeToken = (store: Store, stamp: Stamp, id: string): Change<DirectoryTokenRecord> =>
  Either.map(find(store.tokens, "Directory token", id), (revoked) => {
    const next: Store = { ...store, tokens: Sorted.remove(store.tokens, id) }
    return [
      revoked,
      recordEvent(next, stamp, "dsync.token.revoked", Wire.directoryToken(revoked), revoked.organizationId)
    ] as const
  })

/** @internal */
export const addUser = (store: Store, stamp: Stamp, added: UserRecord): Change<UserRecord> => {
  if (Sorted.has(store.users, added.id)) return Either.left(conflict("Directory user", added.id))
  return Either.map(directory(store, added.directoryId), () => {
    const next: Store = {
      ...store,
      users: Sorted.set(store.users, added.id, { record: added, groups: [] }),
      usersByDirectory: addTo(store.usersByDirectory, added.directoryId, keyOf(added), added.id)
    }
    return [added, recordEvent(next, stamp, "dsync.user.created", Wire.user(added), added.organizationId)] as const
  })
}

/** @internal */
export const updateUser = (
  store: Store,
  stamp: Stamp,
  id: string,
  update: (record: UserRecord) => UserRecord
): Change<UserRecord> =>
  Either.map(user(store, id), (entry) => {
    const updated = update(entry.record)
    const next: Store = { ...store, users: Sorted.set(store.users, id, { ...entry, record: updated }) }
    const data = Wire.withPreviousAttributes(Wire.user(updated), Wire.user(entry.record))
    return [updated, recordEvent(next, stamp, "dsync.user.updated", data, updated.organizationId)] as const
  })

/** Removes a user and its memberships; only `dsync.user.deleted` is recorded. @internal */
export const removeUser = (store: Store, stamp: Stamp, id: string): Change<UserRecord> =>
  Either.map(user(store, id), ({ record: removed }) => {
    const next: Store = {
      ...store,
      users: Sorted.remove(store.users, id),
      usersByDirectory: removeFrom(store.usersByDirectory, removed.directoryId, keyOf(removed))
    }
    return [
      removed,
      recordEvent(next, stamp, "dsync.user.deleted", Wire.user(removed), removed.organizationId)
    ] as const
  })

/** @internal */
export const addGroup = (store: Store, stamp: Stamp, added: GroupRecord): Change<GroupRecord> => {
  if (Sorted.has(store.groups, added.id)) return Either.left(conflict("Directory group", added.id))
  return Either.map(directory(store, added.directoryId), () => {
    const next: Store = {
      ...store,
      groups: Sorted.set(store.groups, added.id, added),
      groupsByDirectory: addTo(store.groupsByDirectory, added.directoryId, keyOf(added), added.id)
    }
    return [added, recordEvent(next, stamp, "dsync.group.created", Wire.group(added), added.organizationId)] as const
  })
}

/** @internal */
export const updateGroup = (
  store: Store,
  stamp: Stamp,
  id: string,
  update: (record: GroupRecord) => GroupRecord
): Change<GroupRecord> =>
  Either.map(group(store, id), (previous) => {
    const updated = update(previous)
    const next: Store = { ...store, groups: Sorted.set(store.groups, id, updated) }
    const data = Wire.withPreviousAttributes(Wire.group(updated), Wire.group(previous))
    return [updated, recordEvent(next, stamp, "dsync.group.updated", data, updated.organizationId)] as const
  })

/** Removes a group and its memberships; only `dsync.group.deleted` is recorded. @internal */
export const removeGroup = (store: Store, stamp: Stamp, id: string): Change<GroupRecord> =>
  Either.map(group(store, id), (removed) => {
    const members = Array.from(Sorted.values(indexOf(store.usersByDirectory, removed.directoryId)))
      .flatMap((userId) => Sorted.get(store.users, userId) ?? [])
      .filter((entry) => entry.groups.includes(id))
    const next: Store = {
      ...store,
      groups: Sorted.remove(store.groups, id),
      groupsByDirectory: removeFrom(store.groupsByDirectory, removed.directoryId, keyOf(removed)),
      users: members.reduce(
        (users, entry) =>
          Sorted.set(users, entry.record.id, { ...entry, groups: entry.groups.filter((g) => g !== id) }),
        store.users
      )
    }
    return [
      removed,
      recordEvent(next, stamp, "dsync.group.deleted", Wire.group(removed), removed.organizationId)
    ] as const
  })

/** Adds or removes a membership; a change that is already so records nothing. @internal */
export const setMembership = (
  store: Store,
  stamp: Stamp,
  membership: Records.Membership,
  member: boolean
): Change<boolean> =>
  Either.flatMap(Either.all([user(store, membership.userId), group(store, membership.groupId)]), ([entry, target]) => {
    if (entry.record.directoryId !== target.directoryId) return Either.left(apart(entry.record.id, target.id))
    if (entry.groups.includes(target.id) === member) return succeed(false, store)
    const key = keyOf(target)
    const groupKey = (id: string) => keyOf(Sorted.get(store.groups, id) ?? target)
    const groups = member
      ? [
        ...entry.groups.filter((id) => groupKey(id) < key),
        target.id,
        ...entry.groups.filter((id) => groupKey(id) > key)
      ]
      : entry.groups.filter((id) => id !== target.id)
    const next: Store = { ...store, users: Sorted.set(store.users, entry.record.id, { ...entry, groups }) }
    const data = { directory_id: target.directoryId, user: Wire.user(entry.record), group: Wire.group(target) }
    const event = member ? "dsync.group.user_added" : "dsync.group.user_removed"
    return succeed(true, recordEvent(next, stamp, event, data, target.organizationId))
  })
