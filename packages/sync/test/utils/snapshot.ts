/**
 * The whole copy as plain data, from the store or from the fake (through the
 * core client), in the store's canonical JSON: equal snapshots mean equal
 * directories, users, groups and memberships, field for field.
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Codec from "../../src/internal/codec.js"
import * as MirrorStore from "../../src/MirrorStore.js"

export interface Snapshot {
  readonly directories: Record<string, string>
  readonly users: Record<string, string>
  readonly groups: Record<string, string>
  readonly memberships: ReadonlyArray<string>
}

const sortedRecord = (entries: Iterable<readonly [string, string]>) =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1)))

const all = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), (c) => Array.from(c))

export const ofStore = Effect.gen(function*() {
  const store = yield* MirrorStore.MirrorStore
  const directories = yield* all(store.directories())
  const users: Array<readonly [string, string]> = []
  const groups: Array<readonly [string, string]> = []
  const memberships: Array<string> = []
  for (const user of yield* all(store.users())) users.push([user.id, yield* Codec.user.encode(user)])
  for (const group of yield* all(store.groups())) {
    groups.push([group.id, yield* Codec.group.encode(group)])
    for (const member of yield* all(store.users({ groupId: group.id }))) memberships.push(`${member.id}/${group.id}`)
  }
  const dirs: Array<readonly [string, string]> = []
  for (const d of directories) dirs.push([d.id, yield* Codec.directory.encode(d)])
  return {
    directories: sortedRecord(dirs),
    users: sortedRecord(users),
    groups: sortedRecord(groups),
    memberships: memberships.sort()
  } satisfies Snapshot
})

export const ofWorkOS = (only?: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const ds = yield* DirectorySync.DirectorySync
    const dirs: Array<readonly [string, string]> = []
    const users: Array<readonly [string, string]> = []
    const groups: Array<readonly [string, string]> = []
    const memberships: Array<string> = []
    for (const d of yield* all(ds.streamDirectories())) {
      if (only !== undefined && !only.includes(d.id)) continue
      dirs.push([d.id, yield* Codec.directory.encode(Codec.normalizeDirectory(d))])
      for (const u of yield* all(ds.streamUsers({ directory: d.id }))) {
        users.push([u.id, yield* Codec.user.encode(Codec.normalizeUser(u))])
      }
      for (const g of yield* all(ds.streamGroups({ directory: d.id }))) {
        groups.push([g.id, yield* Codec.group.encode(g)])
        for (const m of yield* all(ds.streamUsers({ group: g.id }))) memberships.push(`${m.id}/${g.id}`)
      }
    }
    return {
      directories: sortedRecord(dirs),
      users: sortedRecord(users),
      groups: sortedRecord(groups),
      memberships: memberships.sort()
    } satisfies Snapshot
  })
