/**
 * The model-based convergence suite: random schedules of changes made through
 * FakeWorkOS, with faults (429, 5xx, dropped connections, truncated bodies),
 * crashes (an engine interrupted at a random point and started again on the
 * same store), duplicate and reordered pokes, 1 to 3 engines on one store,
 * and (every third seed) fresh events held back from listings.
 * After quiescence the store must equal WorkOS field for field, and the
 * application's change log must describe exactly that copy (every change
 * applied once).
 *
 * MIRROR_SEED=n replays one seed; MIRROR_SEEDS=n sets how many run per store
 * (defaults: 200 on SQLite, 50 on PostgreSQL, 50 in memory).
 */
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as DirectoryMirror from "../src/DirectoryMirror.js"
import * as MirrorStore from "../src/MirrorStore.js"
import * as SqlMirrorStore from "../src/SqlMirrorStore.js"
import * as Env from "./utils/env.js"
import * as Log from "./utils/log.js"
import * as Snapshot from "./utils/snapshot.js"

/** A small seeded generator (mulberry32): the same seed, the same schedule. */
const prng = (seed: number) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <A>(values: ReadonlyArray<A>): A | undefined => values[Math.floor(next() * values.length)]
  }
}

type Random = ReturnType<typeof prng>

const settleDelay = Duration.millis(0)

// One change at the fake, chosen at random among what exists now.
const change = (random: Random) =>
  Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const directories = yield* fake.directories
    const directory = random.pick(directories)
    if (directory === undefined || random.chance(0.04)) {
      const added = yield* fake.addDirectory({ name: `Dir ${random.int(1000)}` })
      yield* fake.addUser({ directoryId: added.id, firstName: "New", email: `n${random.int(1e6)}@x.test` })
      return
    }
    const users = yield* fake.usersOf(directory.id)
    const groups = yield* fake.groupsOf(directory.id)
    const user = random.pick(users)
    const group = random.pick(groups)
    const roll = random.int(100)
    if (roll < 15) {
      yield* fake.addUser({
        directoryId: directory.id,
        firstName: `U${random.int(1000)}`,
        email: `u${random.int(1e6)}@x.test`
      })
    } else if (roll < 35 && user !== undefined) {
      yield* fake.updateUser(
        user.id,
        random.chance(0.5)
          ? { state: user.state === "active" ? "inactive" : "active" }
          : { lastName: `L${random.int(1000)}`, customAttributes: { n: random.int(10) } }
      )
    } else if (roll < 45 && user !== undefined) {
      yield* fake.removeUser(user.id)
    } else if (roll < 52) {
      yield* fake.addGroup({ directoryId: directory.id, name: `G${random.int(1000)}` })
    } else if (roll < 58 && group !== undefined) {
      yield* fake.updateGroup(group.id, { name: `G${random.int(1000)}` })
    } else if (roll < 63 && group !== undefined) {
      yield* fake.removeGroup(group.id)
    } else if (roll < 80 && user !== undefined && group !== undefined) {
      yield* fake.addUserToGroup(user.id, group.id)
    } else if (roll < 93 && user !== undefined && group !== undefined) {
      yield* fake.removeUserFromGroup(user.id, group.id)
    } else if (roll < 96) {
      yield* fake.updateDirectory(
        directory.id,
        random.chance(0.5)
          ? { name: `Renamed ${random.int(1000)}` }
          : { state: directory.state === "linked" ? "unlinked" : "linked" }
      )
    } else {
      yield* fake.removeDirectory(directory.id)
    }
  }).pipe(Effect.catchTag("FakeWorkOSError", () => Effect.void))

const faultRules = (random: Random): ReadonlyArray<Faults.Rule> => {
  const p = random.chance(0.5) ? 0 : 0.03 + random.next() * 0.07
  return p === 0 ? [] : [
    { fault: Faults.status(429), probability: p },
    { fault: Faults.status(random.chance(0.5) ? 500 : 503), probability: p },
    { fault: Faults.dropConnection, probability: p / 2 },
    { fault: Faults.truncateBody, probability: p / 2 }
  ]
}

// Runs `effect`, and for a crash interrupts it after a random number of yields.
const maybeCrash = <A, E>(random: Random, effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    if (!random.chance(0.35)) return yield* Effect.exit(effect)
    const fiber = yield* Effect.fork(effect)
    const steps = random.int(400)
    for (let i = 0; i < steps; i++) yield* Effect.yieldNow()
    if (random.chance(0.3)) yield* Effect.sleep(Duration.millis(random.int(4)))
    return yield* Fiber.interrupt(fiber)
  })

const runSeed = (seed: number) =>
  Effect.gen(function*() {
    const random = prng(seed)
    const fake = yield* FakeWorkOS.FakeWorkOS
    const engineCount = 1 + random.int(3)
    const options = {
      settleDelay,
      pollInterval: "5 millis",
      concurrency: 1 + random.int(3),
      pageSize: random.chance(0.5) ? 3 : 100,
      onChange: Log.onChange
    } as const
    const engines = yield* Effect.all(Array.from({ length: engineCount }, () => DirectoryMirror.make(options)))
    // Sometimes an engine runs its loop all along (polls, pokes, crashes and all).
    const runner = random.chance(0.4) ? yield* Effect.fork(engines[0]!.run) : undefined
    const steps = 8 + random.int(20)
    for (let step = 0; step < steps; step++) {
      const roll = random.int(10)
      if (roll < 5) {
        for (let n = 1 + random.int(3); n > 0; n--) yield* change(random)
      } else if (roll < 6) {
        yield* fake.faults.clear
        yield* fake.faults.inject(...faultRules(random))
      } else if (roll < 7) {
        const engine = random.pick(engines)!
        for (let n = random.int(3); n >= 0; n--) yield* engine.poke
      } else if (roll < 8) {
        const directory = random.pick(yield* fake.directories)
        if (directory !== undefined) yield* maybeCrash(random, random.pick(engines)!.sync(directory.id))
      } else {
        // Engines catch up at once, each possibly crashing.
        const chosen = engines.filter(() => random.chance(0.6))
        yield* Effect.all(chosen.map((engine) => maybeCrash(random, engine.catchUp)), { concurrency: "unbounded" })
      }
    }
    if (runner !== undefined) yield* Fiber.interrupt(runner)
    yield* fake.faults.clear
    // Quiescence: no more changes, every event visible; one engine catches up.
    yield* Effect.sleep(holdBackFor(seed))
    let exit = yield* Effect.exit(random.pick(engines)!.catchUp)
    for (let attempt = 0; attempt < 3 && Exit.isFailure(exit); attempt++) exit = yield* Effect.exit(engines[0]!.catchUp)
    expect(Exit.isSuccess(exit), `seed ${seed}: final catchUp failed: ${String(exit)}`).toBe(true)
    const store = yield* Snapshot.ofStore
    const workos = yield* Snapshot.ofWorkOS()
    expect(store, `seed ${seed}: the store differs from WorkOS`).toEqual(workos)
    const folded = Log.fold(yield* Effect.flatMap(Log.HookLog, (log) => log.entries))
    expect(folded.problems, `seed ${seed}: onChange not exactly once`).toEqual([])
    expect(Object.fromEntries([...folded.User].sort()), `seed ${seed}: log users`).toEqual(store.users)
    expect(Object.fromEntries([...folded.Group].sort()), `seed ${seed}: log groups`).toEqual(store.groups)
    expect([...folded.Membership.keys()].sort(), `seed ${seed}: log memberships`).toEqual(store.memberships)
    expect(Object.fromEntries([...folded.Directory].sort()), `seed ${seed}: log directories`).toEqual(
      store.directories
    )
  })

// Every third seed, the fake holds fresh events back (as WorkOS does) for longer than the engines' settle delay.
const holdBackFor = (seed: number) => Duration.millis(seed % 3 === 0 ? 15 : 0)

const fakeFor = (seed: number) =>
  Env.workos({
    ...Generators.generate({
      seed,
      directories: 1 + (seed % 2),
      usersPerDirectory: 4 + (seed % 5),
      groupsPerDirectory: 2
    }),
    events: { holdBack: holdBackFor(seed) }
  })

const seedsFor = (fallback: number): ReadonlyArray<number> => {
  const one = process.env.MIRROR_SEED
  if (one !== undefined && one !== "") return [Number(one)]
  const count = Number(process.env.MIRROR_SEEDS ?? fallback)
  return Array.from({ length: count }, (_, i) => i + 1)
}

const runAll = <E>(
  name: string,
  seeds: ReadonlyArray<number>,
  storeFor: (seed: number) => Layer.Layer<MirrorStore.MirrorStore | Log.HookLog, E>
) =>
  Effect.gen(function*() {
    for (const seed of seeds) {
      const result = yield* Effect.exit(
        runSeed(seed).pipe(
          Effect.provide(Layer.provideMerge(storeFor(seed), fakeFor(seed))),
          Effect.scoped,
          Logger.withMinimumLogLevel(LogLevel.None)
        )
      )
      if (Exit.isFailure(result)) {
        process.stderr.write(`\nconvergence (${name}) failed at seed ${seed}: replay with MIRROR_SEED=${seed}\n`)
        return yield* result
      }
    }
  })

describe("convergence", () => {
  it.live(
    "in memory",
    () => runAll("memory", seedsFor(50), () => Layer.merge(MirrorStore.layerMemory, Log.memoryLog)),
    { timeout: 1_200_000 }
  )

  it.live(
    "on SQLite",
    () =>
      runAll(
        "sqlite",
        seedsFor(200),
        () => Layer.merge(SqlMirrorStore.layer(), Log.sqlLog("app_log")).pipe(Layer.provide(Env.sqliteClient))
      ),
    {
      timeout: 1_200_000
    }
  )
})

if (await Env.runPg("convergence")) {
  describe("convergence on PostgreSQL", () => {
    it.live("on PostgreSQL", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const run = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}_`
        yield* runAll("postgres", seedsFor(50), (seed) =>
          Layer.mergeAll(
            SqlMirrorStore.layer({ tablePrefix: `${run}${seed}_` }),
            Log.sqlLog(`${run}${seed}_log`),
            Layer.scopedDiscard(Effect.addFinalizer(() => Effect.ignore(Env.dropTables(`${run}${seed}_`))))
          ).pipe(Layer.provide(Layer.succeed(SqlClient.SqlClient, sql))))
      }).pipe(Effect.provide(Env.pgClient)), { timeout: 1_200_000 })
  })
} else {
  it("convergence on PostgreSQL: skipped, no server (see the message above)", () => {})
}
