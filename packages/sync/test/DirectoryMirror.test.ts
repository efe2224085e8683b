import { FakeWorkOS, Generators } from "@effect-workos/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DirectoryMirror from "../src/DirectoryMirror.js"
import * as MirrorStore from "../src/MirrorStore.js"
import * as SqlMirrorStore from "../src/SqlMirrorStore.js"
import * as Env from "./utils/env.js"
import * as Log from "./utils/log.js"
import * as Snapshot from "./utils/snapshot.js"

const seed = Generators.generate({ seed: 7, directories: 2, usersPerDirectory: 12, groupsPerDirectory: 3 })

const stores = [
  { name: "memory", layer: Layer.merge(MirrorStore.layerMemory, Log.memoryLog) },
  {
    name: "sqlite",
    layer: Layer.merge(SqlMirrorStore.layer({ tablePrefix: "m_" }), Log.sqlLog("app_log")).pipe(
      Layer.provideMerge(Env.sqliteClient)
    )
  }
] as const

const env = (store: typeof stores[number]["layer"]) =>
  DirectoryMirror.layer({ settleDelay: 0, pollInterval: "10 millis", onChange: Log.onChange }).pipe(
    Layer.provideMerge(store),
    Layer.provideMerge(Env.workos(seed))
  )

const expectConverged = Effect.gen(function*() {
  const store = yield* Snapshot.ofStore
  const workos = yield* Snapshot.ofWorkOS()
  expect(store).toEqual(workos)
  const log = yield* Effect.flatMap(Log.HookLog, (l) => l.entries)
  const folded = Log.fold(log)
  expect(folded.problems).toEqual([])
  expect(Object.fromEntries([...folded.User].sort())).toEqual(store.users)
  expect(Object.fromEntries([...folded.Group].sort())).toEqual(store.groups)
  expect([...folded.Membership.keys()].sort()).toEqual(store.memberships)
  expect(Object.fromEntries([...folded.Directory].sort())).toEqual(store.directories)
})

for (const { layer, name } of stores) {
  describe(`DirectoryMirror (${name})`, () => {
    it.effect("a first catchUp copies every directory", () =>
      Effect.gen(function*() {
        const mirror = yield* DirectoryMirror.DirectoryMirror
        const report = yield* mirror.catchUp
        expect(report.directoriesSynced).toBe(2)
        yield* expectConverged
        const status = yield* mirror.status
        expect(status.directories.map((d) => d.phase)).toEqual(["live", "live"])
        expect(status.directories.map((d) => d.counts.users)).toEqual([12, 12])
      }).pipe(Effect.provide(env(layer))))

    it.effect("changes at WorkOS reach the store through events", () =>
      Effect.gen(function*() {
        const mirror = yield* DirectoryMirror.DirectoryMirror
        const fake = yield* FakeWorkOS.FakeWorkOS
        yield* mirror.catchUp
        const [first, second] = yield* fake.directories
        const users = yield* fake.usersOf(first!.id)
        const groups = yield* fake.groupsOf(first!.id)
        const hired = yield* fake.addUser({
          directoryId: first!.id,
          firstName: "Ada",
          lastName: "L",
          email: "a@x.test"
        })
        yield* fake.addUserToGroup(hired.id, groups[0]!.id)
        yield* fake.updateUser(users[0]!.id, { state: "inactive" })
        yield* fake.removeUser(users[1]!.id)
        yield* fake.removeUserFromGroup(users[2]!.id, groups[1]!.id).pipe(Effect.ignore)
        yield* fake.addUserToGroup(users[3]!.id, groups[1]!.id).pipe(Effect.ignore)
        yield* fake.removeGroup(groups[2]!.id)
        const group = yield* fake.addGroup({ directoryId: first!.id, name: "New" })
        yield* fake.updateGroup(group.id, { name: "Renamed" })
        yield* fake.removeDirectory(second!.id)
        const third = yield* fake.addDirectory({ name: "Third" })
        yield* fake.addUser({ directoryId: third.id, firstName: "Bo" })
        const report = yield* mirror.catchUp
        expect(report.eventsApplied).toBeGreaterThan(5)
        yield* expectConverged
      }).pipe(Effect.provide(env(layer))))
  })
}
