/**
 * One focused test per guarantee of the mirror's contract, each on every
 * store (memory, SQLite, and PostgreSQL when its server answers). Each test
 * builds the one situation its guarantee is about (a change in the middle of
 * a full sync, a stale page, two engines on one page, a failing hook, a month
 * without the engine) and would fail if the guard behind it were taken out.
 *
 * Time is real, plus an offset a test moves forward (`TimeTravel`): the fake
 * and the engine read the same clock, so a month passes in an instant.
 */
import * as Events from "@effect-workos/core/Events"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import { describe, expect, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as DirectoryMirror from "../src/DirectoryMirror.js"
import type { MirrorChange } from "../src/MirrorChange.js"
import * as MirrorStore from "../src/MirrorStore.js"
import * as SqlMirrorStore from "../src/SqlMirrorStore.js"
import * as Env from "./utils/env.js"
import * as Intercept from "./utils/intercept.js"
import * as Log from "./utils/log.js"
import * as Snapshot from "./utils/snapshot.js"

const seed = Generators.generate({ seed: 11, directories: 2, usersPerDirectory: 6, groupsPerDirectory: 2 })

interface StoreCase {
  readonly name: string
  /** Whether the application's log commits with the store (SQL) or not (a Ref beside the memory store). */
  readonly transactional: boolean
  readonly layer: () => Layer.Layer<MirrorStore.MirrorStore | Log.HookLog, unknown>
}

let tables = 0
const pgLayer = () => {
  const prefix = `g${Date.now().toString(36)}${(tables++).toString(36)}_`
  return Layer.mergeAll(
    SqlMirrorStore.layer({ tablePrefix: prefix }),
    Log.sqlLog(`${prefix}log`),
    Layer.scopedDiscard(Effect.addFinalizer(() => Effect.ignore(Env.dropTables(prefix))))
  ).pipe(Layer.provide(Env.pgClient))
}

const stores: ReadonlyArray<StoreCase> = [
  { name: "memory", transactional: false, layer: () => Layer.merge(MirrorStore.layerMemory, Log.memoryLog) },
  {
    name: "sqlite",
    transactional: true,
    layer: () =>
      Layer.merge(SqlMirrorStore.layer({ tablePrefix: "m_" }), Log.sqlLog("app_log")).pipe(
        Layer.provide(Env.sqliteClient)
      )
  },
  ...((await Env.runPg("guarantees")) ? [{ name: "postgres", transactional: true, layer: pgLayer }] : [])
]

type TimeTravel = Effect.Effect.Success<typeof Intercept.makeTimeTravel>

const env = (store: StoreCase, events?: FakeWorkOS.EventOptions) =>
  Layer.merge(store.layer(), Env.workosWith({ ...seed, events }, Intercept.layer))

type Env = Layer.Layer.Success<ReturnType<typeof env>>

const test = (
  store: StoreCase,
  name: string,
  body: (travel: TimeTravel) => Effect.Effect<void, unknown, Env>,
  events?: FakeWorkOS.EventOptions
) =>
  it.live(name, () =>
    Effect.gen(function*() {
      const travel = yield* Intercept.makeTimeTravel
      yield* body(travel).pipe(
        Effect.provide(env(store, events)),
        Effect.scoped,
        Effect.withClock(travel.clock),
        Logger.withMinimumLogLevel(LogLevel.None)
      )
    }), { timeout: 60_000 })

const engine = (options: DirectoryMirror.Options<unknown, Log.HookLog> = {}) =>
  DirectoryMirror.make({ settleDelay: 0, pollInterval: "20 millis", onChange: Log.onChange, ...options })

const entries = Effect.flatMap(Log.HookLog, (log) => log.entries)

/** How many times the application saw `tag` for `key`. */
const seen = (tag: MirrorChange["_tag"], key: string) =>
  Effect.map(entries, (all) => all.filter((entry) => entry.tag === tag && entry.key === key).length)

/** The store equals WorkOS, and the application's log describes exactly the store, each change once. */
const expectConverged = Effect.gen(function*() {
  const store = yield* Snapshot.ofStore
  expect(store).toEqual(yield* Snapshot.ofWorkOS())
  const folded = Log.fold(yield* entries)
  expect(folded.problems).toEqual([])
  expect(Object.fromEntries([...folded.User].sort())).toEqual(store.users)
  expect(Object.fromEntries([...folded.Group].sort())).toEqual(store.groups)
  expect([...folded.Membership.keys()].sort()).toEqual(store.memberships)
  expect(Object.fromEntries([...folded.Directory].sort())).toEqual(store.directories)
})

/** Waits (really) until `done` holds, for at most 15 seconds. */
const eventually = <E, R>(done: Effect.Effect<boolean, E, R>) =>
  Effect.gen(function*() {
    for (let waited = 0; waited < 15_000; waited += 20) {
      if (yield* done) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage("timed out waiting")
  })

const scene = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const [first, second] = yield* fake.directories
  const users = yield* fake.usersOf(first!.id)
  const groups = yield* fake.groupsOf(first!.id)
  return { fake, first: first!, second: second!, users, groups }
})

const userOf = (id: string) => Effect.flatMap(MirrorStore.MirrorStore, (store) => store.getUser(id))

const allLive = (mirror: DirectoryMirror.Service) =>
  Effect.map(
    mirror.status,
    (status) => status.directories.length > 0 && status.directories.every((d) => d.phase === "live")
  )

for (const store of stores) {
  describe(`mirror guarantees (${store.name})`, () => {
    test(
      store,
      "the cursor is taken before the full sync: a change made during it is not lost",
      (travel) =>
        Effect.gen(function*() {
          const { fake, first, users } = yield* scene
          const intercept = yield* Intercept.Intercept
          const mirror = yield* engine()
          // Once the users are listed (groups are next), a user changes and one is hired; then time moves on,
          // so a cursor taken after the full sync would start past both changes.
          yield* intercept.once(
            (request) => request.path === "/directory_groups" && request.param("directory") === first.id,
            Effect.gen(function*() {
              yield* fake.updateUser(users[0]!.id, { lastName: "Changed" })
              yield* fake.addUser({ directoryId: first.id, id: "directory_user_hired", firstName: "Hired" })
              yield* travel.advance("10 minutes")
            })
          )
          yield* mirror.catchUp
          yield* expectConverged
          expect(Option.map(yield* userOf(users[0]!.id), (user) => user.lastName)).toEqual(Option.some("Changed"))
          expect(yield* seen("UserAdded", "directory_user_hired")).toBe(1)
        })
    )

    test(
      store,
      "tombstones: a listing page read before a delete does not bring the user back",
      () =>
        Effect.gen(function*() {
          const { fake, first, users } = yield* scene
          const intercept = yield* Intercept.Intercept
          const [a, b] = [yield* engine(), yield* engine()]
          const victim = users[0]!.id
          // Engine a has read a page holding the victim; before a writes it, the victim is deleted at WorkOS
          // and engine b, fully synced, applies the deletion.
          yield* intercept.once(
            (request) => request.path === "/directory_users" && request.param("directory") === first.id,
            Effect.zipRight(fake.removeUser(victim), b.catchUp)
          )
          yield* a.catchUp
          expect(Option.isNone(yield* userOf(victim))).toBe(true)
          yield* expectConverged
        })
    )

    test(
      store,
      "the cursor moves by compare-and-set in the write: overlapping engines apply a page once",
      () =>
        Effect.gen(function*() {
          const { fake, groups, users } = yield* scene
          const intercept = yield* Intercept.Intercept
          const [a, b] = [yield* engine(), yield* engine()]
          const user = users[1]!.id
          const group = groups[0]!.id
          yield* fake.removeUserFromGroup(user, group)
          yield* a.catchUp
          yield* fake.addUserToGroup(user, group)
          yield* fake.removeUserFromGroup(user, group)
          yield* fake.addUserToGroup(user, group)
          yield* fake.updateUser(users[2]!.id, { lastName: "Once" })
          const before = (yield* entries).length
          // Engine a reads the page of events; engine b reads and applies the same page before a writes.
          const applied = yield* Ref.make(0)
          yield* intercept.once(
            (request) => request.path === "/events",
            Effect.flatMap(b.catchUp, (report) => Ref.set(applied, report.eventsApplied))
          )
          const report = yield* a.catchUp
          expect(report.eventsApplied + (yield* Ref.get(applied))).toBe(4)
          const added = yield* seen("MembershipAdded", `${user}/${group}`)
          const removed = yield* seen("MembershipRemoved", `${user}/${group}`)
          expect({ added, removed, total: (yield* entries).length - before }).toEqual({
            added: 2,
            removed: 1,
            total: 4
          })
          yield* expectConverged
        })
    )

    test(
      store,
      "a backlog is read a page at a time into one write; a page that fails is read again, nothing is skipped",
      () =>
        Effect.gen(function*() {
          const { fake, users } = yield* scene
          const intercept = yield* Intercept.Intercept
          const mirror = yield* engine({ pageSize: 2 })
          yield* mirror.catchUp
          for (const [i, user] of users.entries()) yield* fake.updateUser(user.id, { lastName: `Backlog ${i}` })
          // The backlog's second page fails (a 400 is not retried): the first page is applied, and the
          // next poll reads from there.
          let reads = 0
          yield* intercept.failOnce((request) => request.path === "/events" && ++reads === 2, 400)
          const report = yield* mirror.catchUp
          expect(report.eventsApplied).toBe(users.length)
          for (const user of users) expect(yield* seen("UserUpdated", user.id)).toBe(1)
          yield* expectConverged
        })
    )

    test(
      store,
      "without onChange, updates and removals reach the store all the same",
      () =>
        Effect.gen(function*() {
          const { fake, first, groups, second, users } = yield* scene
          const mirror = yield* engine({ onChange: undefined })
          yield* mirror.catchUp
          yield* fake.updateUser(users[0]!.id, { lastName: "Quiet" })
          yield* fake.removeUser(users[1]!.id)
          yield* fake.updateGroup(groups[0]!.id, { name: "Renamed quietly" })
          yield* fake.removeGroup(groups[1]!.id)
          yield* fake.addUser({ directoryId: first.id, firstName: "Hired" })
          yield* fake.removeDirectory(second.id)
          yield* mirror.catchUp
          expect(yield* Snapshot.ofStore).toEqual(yield* Snapshot.ofWorkOS())
          expect(Option.map(yield* userOf(users[0]!.id), (user) => user.lastName)).toEqual(Option.some("Quiet"))
        })
    )

    if (store.transactional) {
      test(
        store,
        "onChange runs in the write: a failing hook rolls back the change, its log and the cursor",
        () =>
          Effect.gen(function*() {
            const { fake, first, users } = yield* scene
            const failing = yield* Ref.make(false)
            const onChange = (change: MirrorChange) =>
              Effect.zipRight(
                Log.onChange(change),
                Effect.flatMap(
                  Ref.get(failing),
                  (fail) => fail && change._tag === "UserAdded" ? Effect.fail("the application refused") : Effect.void
                )
              )
            const mirror = yield* engine({ onChange })
            yield* mirror.catchUp
            const head = yield* Effect.flatMap(MirrorStore.MirrorStore, (s) => s.head)
            const logged = (yield* entries).length
            yield* fake.updateUser(users[0]!.id, { lastName: "Rolled" })
            const hired = yield* fake.addUser({ directoryId: first.id, firstName: "Hired" })
            yield* Ref.set(failing, true)
            const failed = yield* Effect.either(mirror.catchUp)
            expect(Either.isLeft(failed) && failed.left._tag).toBe("OnChangeError")
            // The update came first in the same page: it is rolled back with the hook's own log line.
            expect((yield* Effect.flatMap(MirrorStore.MirrorStore, (s) => s.head)).after).toBe(head.after)
            expect((yield* entries).length).toBe(logged)
            expect(Option.map(yield* userOf(users[0]!.id), (user) => user.lastName)).toEqual(
              Option.some(users[0]!.lastName)
            )
            expect(Option.isNone(yield* userOf(hired.id))).toBe(true)
            yield* Ref.set(failing, false)
            yield* mirror.catchUp
            expect(yield* seen("UserUpdated", users[0]!.id)).toBe(1)
            expect(yield* seen("UserAdded", hired.id)).toBe(1)
            yield* expectConverged
          })
      )
    }

    test(store, "dsync.deleted removes the directory's users, groups and memberships", () =>
      Effect.gen(function*() {
        const { fake, second } = yield* scene
        const mirror = yield* engine()
        const running = yield* Effect.fork(mirror.run)
        yield* eventually(allLive(mirror))
        const users = yield* fake.usersOf(second.id)
        // `run` lists directories only at its start and every `reconcileEvery`: the event must do it.
        yield* fake.removeDirectory(second.id)
        const store = yield* MirrorStore.MirrorStore
        yield* eventually(Effect.map(store.getDirectory(second.id), Option.isNone))
        yield* Fiber.interrupt(running)
        expect(yield* store.counts(second.id)).toEqual({ users: 0, groups: 0, memberships: 0 })
        expect(Option.isNone(yield* store.getUser(users[0]!.id))).toBe(true)
        expect(yield* seen("DirectoryRemoved", second.id)).toBe(1)
        yield* expectConverged
      }))

    test(store, "poke reads now, and again while WorkOS still holds the change back", () =>
      Effect.gen(function*() {
        const { fake, users } = yield* scene
        const mirror = yield* engine({ pollInterval: "1 hour" })
        const running = yield* Effect.fork(mirror.run)
        yield* eventually(allLive(mirror))
        yield* Effect.sleep("1600 millis")
        yield* fake.updateUser(users[0]!.id, { lastName: "Poked" })
        yield* mirror.poke
        yield* eventually(
          Effect.map(userOf(users[0]!.id), (user) => Option.exists(user, (u) => u.lastName === "Poked"))
        )
        yield* Fiber.interrupt(running)
        yield* expectConverged
      }), { holdBack: "1500 millis" })

    test(store, "a periodic reconcile finds a removal whose event never arrived", (travel) =>
      Effect.gen(function*() {
        const { fake, users } = yield* scene
        const intercept = yield* Intercept.Intercept
        const victim = users[0]!.id
        yield* intercept.hideEvents((event) =>
          event["event"] === "dsync.user.deleted" &&
          typeof event["data"] === "object" && event["data"] !== null && "id" in event["data"] &&
          event["data"].id === victim
        )
        const mirror = yield* engine({ reconcileEvery: "1 hour" })
        const running = yield* Effect.fork(mirror.run)
        yield* eventually(allLive(mirror))
        yield* fake.removeUser(victim)
        yield* fake.updateUser(users[1]!.id, { lastName: "After" })
        yield* eventually(
          Effect.map(userOf(users[1]!.id), (user) => Option.exists(user, (u) => u.lastName === "After"))
        )
        expect(Option.isSome(yield* userOf(victim)), "the deletion was not seen through events").toBe(true)
        yield* travel.advance("61 minutes")
        yield* eventually(Effect.map(userOf(victim), Option.isNone))
        yield* Fiber.interrupt(running)
        expect(yield* seen("UserRemoved", victim)).toBe(1)
        yield* expectConverged
      }))

    // A month without the engine: every change in between, some of whose events are gone.
    const monthAway = (travel: TimeTravel, gap: Duration.DurationInput, withCursor = true) =>
      Effect.gen(function*() {
        const { fake, first, groups, second, users } = yield* scene
        const first1 = yield* engine()
        yield* first1.catchUp
        if (withCursor) {
          yield* fake.updateUser(users[5]!.id, { lastName: "Cursor" })
          yield* first1.catchUp
        }
        expect((yield* first1.status).cursor === null).toBe(!withCursor)
        yield* fake.updateUser(users[0]!.id, { lastName: "Before" })
        yield* fake.removeUser(users[1]!.id)
        const early = yield* fake.addUser({ directoryId: first.id, firstName: "Early" })
        yield* fake.addUserToGroup(early.id, groups[0]!.id)
        yield* fake.removeDirectory(second.id)
        yield* travel.advance(gap)
        yield* fake.updateUser(users[2]!.id, { lastName: "After" })
        const late = yield* fake.addUser({ directoryId: first.id, firstName: "Late" })
        const restarted = yield* engine()
        const report = yield* restarted.catchUp
        expect(report.directoriesSynced).toBe(1)
        yield* expectConverged
        const counts = {
          updatedBefore: yield* seen("UserUpdated", users[0]!.id),
          removed: yield* seen("UserRemoved", users[1]!.id),
          early: yield* seen("UserAdded", early.id),
          membership: yield* seen("MembershipAdded", `${early.id}/${groups[0]!.id}`),
          directoryRemoved: yield* seen("DirectoryRemoved", second.id),
          updatedAfter: yield* seen("UserUpdated", users[2]!.id),
          late: yield* seen("UserAdded", late.id)
        }
        expect(counts).toEqual({
          updatedBefore: 1,
          removed: 1,
          early: 1,
          membership: 1,
          directoryRemoved: 1,
          updatedAfter: 1,
          late: 1
        })
      })

    test(
      store,
      "a cursor older than WorkOS keeps events: a full reconcile of every directory",
      (travel) => monthAway(travel, "31 days")
    )

    test(
      store,
      "no event applied yet and a start point older than WorkOS keeps events: a full reconcile",
      (travel) => monthAway(travel, "31 days", false)
    )

    test(
      store,
      "a cursor WorkOS rejects (400): a full reconcile of every directory",
      (travel) =>
        Effect.gen(function*() {
          yield* monthAway(travel, "2 hours")
          const events = yield* Events.Events
          const fake = yield* FakeWorkOS.FakeWorkOS
          const [oldest] = yield* fake.events
          const rejected = yield* Effect.flip(events.listEvents({ events: ["dsync.activated"], after: oldest!.id }))
          expect([rejected._tag, "code" in rejected ? rejected.code : undefined]).toEqual([
            "BadRequestError",
            "invalid_events_request"
          ])
        }),
      { retention: "1 hour" }
    )

    test(
      store,
      "several engines share the directories: each directory is listed by one engine only",
      () =>
        Effect.gen(function*() {
          const fake = yield* FakeWorkOS.FakeWorkOS
          const listings = new Map<string, number>()
          yield* fake.faults.inject({
            route: (request) => {
              const directory = request.searchParams.get("directory")
              if (request.path === "/directory_users" && directory !== null) {
                listings.set(directory, (listings.get(directory) ?? 0) + 1)
              }
              return false
            },
            fault: Faults.latency("30 millis")
          })
          const engines = [yield* engine(), yield* engine(), yield* engine()]
          const running = yield* Effect.forEach(engines, (mirror) => Effect.fork(mirror.run))
          yield* eventually(Effect.map(Effect.forEach(engines, allLive), (live) => live.every(Boolean)))
          yield* Effect.forEach(running, Fiber.interrupt)
          const directories = yield* fake.directories
          expect(directories.map((d) => listings.get(d.id))).toEqual(directories.map(() => 1))
          yield* expectConverged
        })
    )

    test(
      store,
      "a directory another engine synced after this one listed it as due is not synced again",
      () =>
        Effect.gen(function*() {
          const { fake, first, second } = yield* scene
          const firstPages = new Map<string, number>()
          yield* fake.faults.inject({
            // First pages of every /directory_users list, by directory (a group's list counts for its directory).
            route: (request) => {
              if (request.path === "/directory_users" && request.searchParams.get("after") === null) {
                const key = request.searchParams.get("directory") ?? request.searchParams.get("group") ?? ""
                firstPages.set(key, (firstPages.get(key) ?? 0) + 1)
              }
              return false
            },
            fault: Faults.latency("0 millis")
          }, {
            // The first directory's lists are slow, so the second is synced elsewhere while they run.
            route: (request) =>
              request.path === "/directory_users" && request.searchParams.get("directory") === first.id,
            fault: Faults.latency("400 millis")
          })
          const slow = yield* engine({ concurrency: 1 })
          const fast = yield* engine({ concurrency: 2 })
          // `slow` reads both directories as due, then spends a while on the first.
          const slowRun = yield* Effect.fork(slow.catchUp)
          yield* eventually(Effect.sync(() => firstPages.has(first.id)))
          const fastReport = yield* fast.catchUp
          const slowReport = yield* Fiber.join(slowRun)
          expect(fastReport.directoriesSynced).toBe(1)
          expect(slowReport.directoriesSynced).toBe(1)
          expect(firstPages.get(second.id)).toBe(1)
          yield* expectConverged
        })
    )

    test(
      store,
      "a dead engine's directory is taken over once its lease lapses",
      () =>
        Effect.gen(function*() {
          const { first } = yield* scene
          const mirrorStore = yield* MirrorStore.MirrorStore
          // A worker claimed the directory and died without giving it back.
          const now = Date.now()
          expect(yield* mirrorStore.lease({ name: `directory:${first.id}`, owner: "dead", now, until: now + 400 }))
            .toBe(true)
          const mirror = yield* engine({ leaseTtl: "400 millis" })
          const caughtUp = yield* mirror.catchUp
          // catchUp leaves a directory being synced elsewhere to that engine...
          expect(caughtUp.directoriesSynced).toBe(1)
          // ...and `run` takes it over when the lease lapses.
          const running = yield* Effect.fork(mirror.run)
          yield* eventually(allLive(mirror))
          yield* Fiber.interrupt(running)
          yield* expectConverged
        })
    )
  })
}
