/**
 * The fleet, as real processes: three workers (test/fleet/worker.ts) on one
 * PostgreSQL store and one Redis, against the localhost fake with WorkOS's
 * limits enforced. One worker is killed (SIGKILL) in the middle of a
 * directory's full sync, another while it follows a burst of events. The
 * store must still converge to the fake, the application's change log must
 * hold every change exactly once, and the fake must not have sent a 429.
 *
 * Runs when PostgreSQL and Redis answer; under `CI=true` it always runs.
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import { RedisRateLimitStore } from "@effect-workos/redis"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Ref, Runtime, Schedule } from "effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as MirrorStore from "../src/MirrorStore.js"
import * as SqlMirrorStore from "../src/SqlMirrorStore.js"
import * as Env from "./utils/env.js"
import * as Log from "./utils/log.js"
import * as Snapshot from "./utils/snapshot.js"

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"

const redisAvailable = await Effect.runPromise(
  RedisRateLimitStore.make({ url: redisUrl }).pipe(Effect.scoped, Effect.as(true), Effect.orElseSucceed(() => false))
)

const runFleet = async () => {
  const pg = await Env.runPg("the fleet")
  if (process.env.CI === "true") return true
  if (!redisAvailable) process.stderr.write(`SKIPPED: the fleet: no Redis at ${redisUrl} (CI=true fails instead)\n`)
  return pg && redisAvailable
}

const worker = Path.join(import.meta.dirname, "fleet", "worker.ts")
const root = Path.join(import.meta.dirname, "..", "..", "..")
const leaseTtlMs = 2000
// The key's budget, scaled down (in the fake and in every client) so that three workers can overrun it.
const perKey = { limit: 25, interval: "1 second" } as const

interface Worker {
  readonly id: string
  readonly child: ChildProcess.ChildProcess
}

// Every worker's log lines, as `[workerId, line]`, in the order they came.
const spawnWorkers = (env: Record<string, string>, ids: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lines = yield* Ref.make(Chunk.empty<readonly [string, string]>())
    const runSync = Runtime.runSync(yield* Effect.runtime<never>())
    const workers = yield* Effect.forEach(ids, (id) =>
      Effect.acquireRelease(
        Effect.sync((): Worker => {
          const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", worker], {
            cwd: root,
            env: { ...process.env, ...env, WORKER_ID: id },
            stdio: ["ignore", "ignore", "pipe"]
          })
          child.stderr!.on("data", (chunk: Buffer) =>
            runSync(Ref.update(lines, (all) =>
              Chunk.appendAll(
                all,
                Chunk.fromIterable(chunk.toString().split("\n").filter((l) => l !== "").map((l) => [id, l] as const))
              ))))
          return { id, child }
        }),
        ({ child }) => Effect.sync(() => child.kill("SIGKILL"))
      ))
    // The first line matching `pattern` from a worker still alive.
    const waitFor = (pattern: RegExp, alive: (id: string) => boolean = () => true) =>
      Ref.get(lines).pipe(
        Effect.flatMap((all) =>
          Chunk.findFirst(all, ([id, line]) => alive(id) && pattern.test(line)).pipe(
            Effect.mapError(() =>
              `no line matching ${pattern} yet:\n${Chunk.join(Chunk.map(all, (l) => l.join(" ")), "\n")}`
            )
          )
        ),
        Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("90 seconds")))
      )
    return { workers, lines, waitFor }
  })

const attribute = (line: string, name: string) => new RegExp(`${name}=(\\S+)`).exec(line)?.[1]

// The fake's data, read through a client that shares the workers' windows in Redis (no 429 for anyone).
const workosSnapshot = (baseUrl: string, redisPrefix: string) =>
  Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const store = yield* RedisRateLimitStore.make({ url: redisUrl, prefix: redisPrefix })
    return yield* Snapshot.ofWorkOS().pipe(
      Effect.provide(DirectorySync.layer.pipe(
        Layer.provide(WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl, rateLimit: { store, perKey } })),
        Layer.provide(NodeHttpClient.layerUndici)
      ))
    )
  }).pipe(Effect.scoped)

const burst = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  for (const directory of yield* fake.directories) {
    const users = yield* fake.usersOf(directory.id)
    const groups = yield* fake.groupsOf(directory.id)
    for (let n = 0; n < 15; n++) {
      const hired = yield* fake.addUser({ directoryId: directory.id, firstName: `Hire${n}` })
      yield* fake.addUserToGroup(hired.id, groups[n % groups.length]!.id)
    }
    for (const leaver of users.slice(0, 5)) yield* fake.removeUser(leaver.id)
    for (const user of users.slice(5, 10)) yield* fake.updateUser(user.id, { lastName: "Moved" })
  }
})

// `run` prefixes the tables; the store and the log in context were built on them before the workers start
// (concurrent first migrations race on PostgreSQL).
const fleet = (run: string) =>
  Effect.gen(function*() {
    const server = yield* Server.FakeServer
    const fake = yield* FakeWorkOS.FakeWorkOS
    const redisPrefix = `test:${run}`
    // Slow enough that a full sync takes a while to kill in the middle of.
    yield* fake.faults.inject({ route: "*", fault: Faults.latency("20 millis") })

    const { waitFor, workers } = yield* spawnWorkers({
      BASE_URL: server.baseUrl,
      API_KEY: FakeWorkOS.defaultApiKey,
      PG_URL: Env.pgUrl,
      TABLE_PREFIX: run,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      LEASE_TTL_MS: String(leaseTtlMs),
      PER_KEY_PER_SECOND: String(perKey.limit),
      SHARED: process.env.FLEET_SHARED ?? "true"
    }, ["w1", "w2", "w3"])
    const dead = new Set<string>()
    const kill = (id: string) => {
      dead.add(id)
      workers.find((w) => w.id === id)!.child.kill("SIGKILL")
    }
    const alive = (id: string) => !dead.has(id)

    // 1. Killed in the middle of a full sync: the first worker to start one.
    const [backfiller, started] = yield* waitFor(/syncing directory/)
    kill(backfiller)
    const directory = attribute(started, "directoryId")!

    // Every directory, the killed worker's too (its lease lapses), becomes live.
    const mirror = yield* MirrorStore.MirrorStore
    yield* Effect.flatMap(mirror.syncStates, (states) =>
      states.length === 3 && states.every((s) => s.phase === "live") ? Effect.void : Effect.fail("not yet")).pipe(
        Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("90 seconds")))
      )
    const [, takenOver] = yield* waitFor(new RegExp(`directory synced.*directoryId=${directory}`), alive)
    expect(attribute(takenOver, "workerId")).not.toBe(backfiller)

    // 2. Killed while following a burst of events: the worker following the Events API now.
    const [leader] = yield* waitFor(/following the Events API/, alive)
    yield* burst
    yield* Effect.sleep("150 millis")
    kill(leader)
    yield* waitFor(/following the Events API/, alive)

    // 3. The last worker brings the store to the fake's state.
    const expected = yield* workosSnapshot(server.baseUrl, redisPrefix)
    yield* Effect.flatMap(Snapshot.ofStore, (stored) =>
      JSON.stringify(stored) === JSON.stringify(expected) ? Effect.void : Effect.fail("not yet")).pipe(
        Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo("90 seconds"))),
        Effect.catchAll(() =>
          Effect.void
        )
      )
    const stored = yield* Snapshot.ofStore
    expect(stored).toEqual(expected)
    const folded = Log.fold(
      yield* Effect.flatMap(Log.HookLog, (log) =>
        log.entries)
    )
    expect(folded.problems).toEqual([])
    expect(Object.fromEntries([...folded.User].sort())).toEqual(stored.users)
    expect([...folded.Membership.keys()].sort()).toEqual(stored.memberships)
    expect((yield* fake.faults.stats).rateLimited).toBe(0)
  }).pipe(Effect.scoped)

if (await runFleet()) {
  describe("the fleet: three worker processes on one PostgreSQL store and one Redis", () => {
    it.live(
      "SIGKILL mid full sync and mid events: the store converges, every onChange once, zero 429s",
      () =>
        Effect.gen(function*() {
          const run = `f${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}_`
          yield* fleet(run).pipe(
            Effect.provide(
              Layer.mergeAll(
                SqlMirrorStore.layer({ tablePrefix: run }),
                Log.sqlLog(`${run}log`),
                Layer.scopedDiscard(Effect.addFinalizer(() => Effect.ignore(Env.dropTables(run))))
              ).pipe(Layer.provideMerge(Env.pgClient))
            )
          )
        }).pipe(
          Effect.provide(
            Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer({
              ...Generators.generate({ seed: 21, directories: 3, usersPerDirectory: 250, groupsPerDirectory: 3 }),
              faults: { rateLimits: { perKey } }
            })))
          )
        ),
      { timeout: 240_000 }
    )
  })
} else {
  it("the fleet: skipped, no PostgreSQL or no Redis (see the message above)", () => {})
}
