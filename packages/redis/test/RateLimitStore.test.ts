/**
 * One contract, two stores: the in-process `RateLimitStore.makeMemory` and
 * `RedisRateLimitStore` (several connections, as several processes would
 * have). Then the Redis store under `WorkOSClient` against the fake with
 * WorkOS's limits enforced, and with Redis away.
 */
import { DirectorySync, RateLimitStore, WorkOSClient, WorkOSError } from "@effect-workos/core"
import { RedisRateLimitStore } from "@effect-workos/redis"
import { FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Redis } from "ioredis"
import { redisUrl, runRedis, uniquePrefix } from "./utils.js"

interface Subject {
  readonly name: string
  /** Runs `f` with `n` handles on one fresh store (for Redis: `n` connections, as `n` processes would have). */
  readonly with: <A, E>(
    n: number,
    f: (stores: ReadonlyArray<RateLimitStore.RateLimitStore>) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | RateLimitStore.RateLimitStoreError>
}

const memory: Subject = {
  name: "memory",
  with: (n, f) =>
    Effect.suspend(() => {
      const store = RateLimitStore.makeMemory()
      return f(Array.from({ length: n }, () => store))
    })
}

const redis: Subject = {
  name: "Redis",
  with: (n, f) =>
    Effect.scoped(Effect.gen(function*() {
      const prefix = uniquePrefix()
      return yield* f(
        yield* Effect.all(Array.from({ length: n }, () => RedisRateLimitStore.make({ url: redisUrl, prefix })))
      )
    }))
}

// 0 when admitted, else the wait.
const waitOf = <E>(take: Effect.Effect<RateLimitStore.Take, E>) =>
  Effect.map(take, (t) => t._tag === "Admitted" ? 0 : t.millis)

const window = (key: string, limit: number, intervalMs: number): RateLimitStore.Window => ({ key, limit, intervalMs })

const contract = (subject: Subject) =>
  describe(`RateLimitStore contract: ${subject.name}`, () => {
    it.live("admits `limit` requests; a pending one holds the next back only until its arrival is known", () =>
      subject.with(1, ([store]) =>
        Effect.gen(function*() {
          const w = [window("a", 3, 1000)]
          const taken = yield* Effect.all([store!.take(w), store!.take(w), store!.take(w)])
          const tickets = taken.flatMap((t) => t._tag === "Admitted" ? [t.ticket] : [])
          expect(tickets).toHaveLength(3)
          expect(new Set(tickets.map((t) => t.member)).size).toBe(3)
          // All three may arrive at any moment: ask again soon.
          const pending = yield* waitOf(store!.take(w))
          expect(pending).toBeGreaterThan(0)
          expect(pending).toBeLessThanOrEqual(RateLimitStore.pendingPoll)
          // They arrived at once: room when the oldest leaves the window.
          yield* Effect.forEach(tickets, (ticket) => store!.arrived(w, ticket, 0))
          const wait = yield* waitOf(store!.take(w))
          expect(wait).toBeGreaterThan(900)
          expect(wait).toBeLessThanOrEqual(1000)
        })))

    it.live("all or nothing: a full window admits the request into none of its windows", () =>
      subject.with(1, ([store]) =>
        Effect.gen(function*() {
          const full = window("full", 1, 60_000)
          const roomy = window("roomy", 2, 60_000)
          expect(yield* waitOf(store!.take([full]))).toBe(0)
          expect(yield* waitOf(store!.take([roomy, full]))).toBeGreaterThan(0)
          expect(yield* waitOf(store!.take([roomy, full]))).toBeGreaterThan(0)
          // Neither refused request took a place in `roomy`.
          expect(yield* waitOf(store!.take([roomy]))).toBe(0)
          expect(yield* waitOf(store!.take([roomy]))).toBe(0)
          expect(yield* waitOf(store!.take([roomy]))).toBeGreaterThan(0)
        })))

    it.live("arrived: a late arrival holds its place longer, and an entry gone from the window stays gone", () =>
      subject.with(1, ([store]) =>
        Effect.gen(function*() {
          const slow = [window("slow", 1, 1000)]
          const taken = yield* store!.take(slow)
          if (taken._tag !== "Admitted") return expect.fail("not admitted")
          yield* Effect.sleep("300 millis")
          // It reached WorkOS just now: its place lasts a full interval from now, not from its admission.
          yield* store!.arrived(slow, taken.ticket, 300)
          const wait = yield* waitOf(store!.take(slow))
          expect(wait).toBeGreaterThan(900)
          expect(wait).toBeLessThanOrEqual(1000)
          const quick = [window("quick", 1, 100)]
          const first = yield* store!.take(quick)
          if (first._tag !== "Admitted") return expect.fail("not admitted")
          yield* store!.arrived(quick, first.ticket, 0)
          yield* Effect.sleep("150 millis")
          const second = yield* store!.take(quick)
          expect(second._tag).toBe("Admitted")
          // The first entry left the window before this late report: it does not come back.
          yield* store!.arrived(quick, first.ticket, 149)
          if (second._tag === "Admitted") yield* store!.arrived(quick, second.ticket, 0)
          const third = yield* waitOf(store!.take(quick))
          expect(third).toBeGreaterThan(0)
          expect(third).toBeLessThanOrEqual(100)
        })))

    it.live("windows are independent: another key has its own room", () =>
      subject.with(1, ([store]) =>
        Effect.gen(function*() {
          expect(yield* waitOf(store!.take([window("x", 1, 60_000)]))).toBe(0)
          expect(yield* waitOf(store!.take([window("y", 1, 60_000)]))).toBe(0)
          expect(yield* waitOf(store!.take([window("x", 1, 60_000)]))).toBeGreaterThan(0)
        })))

    it.live("three clients hammering one window: never more than `limit` admitted in any interval", () =>
      subject.with(3, (stores) =>
        Effect.gen(function*() {
          const w = [window("hammer", 4, 300)]
          const admitted: Array<number> = []
          const worker = (store: RateLimitStore.RateLimitStore) =>
            Effect.gen(function*() {
              while (admitted.length < 16) {
                const take = yield* store.take(w)
                if (take._tag === "Admitted") {
                  admitted.push(performance.now())
                  yield* store.arrived(w, take.ticket, 0)
                } else yield* Effect.sleep(`${Math.max(1, Math.ceil(take.millis))} millis`)
              }
            })
          yield* Effect.all(stores.flatMap((store) => [worker(store), worker(store)]), { concurrency: "unbounded" })
          admitted.sort((a, b) =>
            a - b
          )
          // Seen from here, a round trip after the store's clock: allow the jitter of a busy machine (50 ms).
          // A store that broke the rule would admit requests about 0 ms apart.
          for (let i = 4; i < admitted.length; i++) expect(admitted[i]! - admitted[i - 4]!).toBeGreaterThan(250)
          // ...and it does not hold back more than it must: 16 admissions need 3 full intervals.
          expect(admitted[admitted.length - 1]! - admitted[0]!).toBeLessThan(3 * 300 + 250)
        })), 20_000)
  })

contract(memory)

if (await runRedis("RedisRateLimitStore")) {
  contract(redis)

  describe("WorkOSClient with a RedisRateLimitStore", () => {
    it.live(
      "two clients (two pools, one key) stream every user of four directories: zero 429s",
      () =>
        Effect.scoped(Effect.gen(function*() {
          const fake = yield* FakeWorkOS.FakeWorkOS
          const server = yield* Server.FakeServer
          const prefix = uniquePrefix()
          const client = Effect.gen(function*() {
            const store = yield* RedisRateLimitStore.make({ url: redisUrl, prefix })
            return yield* Layer.build(
              DirectorySync.layer.pipe(
                Layer.provide(
                  WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl: server.baseUrl, rateLimit: { store } })
                ),
                Layer.provide(NodeHttpClient.layerUndici)
              )
            )
          })
          const directories = yield* fake.directories
          const [one, two] = yield* Effect.all([client, client])
          const stream = (context: typeof one, directory: string) =>
            Stream.runCollect(
              Effect.map(DirectorySync.DirectorySync, (ds) => ds.streamUsers({ directory, limit: 10 })).pipe(
                Stream.unwrap,
                Stream.provideContext(context)
              )
            )
          // Both clients read every directory at once: 2 × 4 × 5 pages against 4 per second per directory.
          const counts = yield* Effect.all(
            directories.flatMap((d) => [stream(one, d.id), stream(two, d.id)]),
            { concurrency: "unbounded" }
          )
          expect(counts.map(Chunk.size)).toEqual(directories.flatMap(() => [50, 50]))
          const stats = yield* fake.faults.stats
          expect(stats.rateLimited).toBe(0)
        })).pipe(Effect.provide(
          Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer({
            ...Generators.generate({ seed: 11, directories: 4, usersPerDirectory: 50, groupsPerDirectory: 0 }),
            faults: { rateLimits: true }
          })))
        )),
      60_000
    )

    it.live("Redis away: a typed, retryable TransportError (reason RateLimitStore), nothing sent", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        // Configured as `make` configures its own client, then cut off as in an outage.
        const client = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true })
        client.on("error", () => undefined)
        yield* Effect.promise(() => client.connect())
        client.disconnect()
        const store = RedisRateLimitStore.fromClient(client, { prefix: uniquePrefix() })
        const error = yield* Effect.flip(
          Effect.flatMap(DirectorySync.DirectorySync, (ds) => ds.listDirectories()).pipe(
            Effect.provide(DirectorySync.layer.pipe(
              Layer.provide(WorkOSClient.layer({
                apiKey: yield* fake.apiKey,
                baseUrl: "https://api.workos.test",
                retry: { times: 2, base: "1 millis" },
                rateLimit: { store }
              })),
              Layer.provide(FakeWorkOS.layerHttpClient)
            ))
          )
        )
        expect(error._tag).toBe("TransportError")
        expect(error._tag === "TransportError" && error.reason).toBe("RateLimitStore")
        expect(WorkOSError.isRetryable(error)).toBe(true)
        expect((yield* fake.faults.stats).requests).toBe(0)
      }).pipe(Effect.provide(FakeWorkOS.layer())))

    it.live("a Redis that does not answer fails make with RateLimitStoreError, quickly", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          RedisRateLimitStore.make({ url: "redis://127.0.0.1:1", commandTimeout: "500 millis" })
        )
        expect(error._tag).toBe("RateLimitStoreError")
      }).pipe(Effect.scoped))
  })
} else {
  it("RedisRateLimitStore: skipped, no Redis (see the message above)", () => {})
}
