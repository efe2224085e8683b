import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as DirectorySync from "../src/DirectorySync.js"
import type * as RateLimit from "../src/RateLimit.js"
import * as RateLimitStore from "../src/RateLimitStore.js"
import type * as WorkOSClient from "../src/WorkOSClient.js"
import * as StubHttp from "./utils/StubHttp.js"

const emptyPage = { object: "list", data: [], list_metadata: { before: null, after: null } }

/**
 * The real client over a stub that stamps each request with the `Clock` time
 * it arrived, `forward(index)` after it was sent, then answers at once.
 */
const recording = (
  options: Partial<WorkOSClient.Options> = {},
  answer: (index: number) => Response = () => StubHttp.json(emptyPage),
  forward: (index: number) => number = () => 0
) => {
  const sent: Array<{ readonly at: number; readonly key: string }> = []
  const stub = StubHttp.directorySync(
    (request, index) =>
      Effect.sleep(forward(index)).pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.map((at) => {
          sent.push({ at, key: `${request.path} ${request.query.directory ?? ""}/${request.query.group ?? ""}` })
          return answer(index)
        })
      ),
    { rateLimit: {}, ...options }
  )
  return { ...stub, sent }
}

/** The most requests in any window of `interval` ms (a window holds sends at `t` up to `t + interval`, exclusive). */
const busiestWindow = (times: ReadonlyArray<number>, interval = 1000): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= interval) j++
    best = Math.max(best, i - j + 1)
  }
  return best
}

const listUsers = (options: DirectorySync.ListUsersOptions) =>
  Effect.flatMap(DirectorySync.DirectorySync, (ds) => ds.listUsers(options))

const burst = (count: number, options: DirectorySync.ListUsersOptions) =>
  Effect.forEach(Array.from({ length: count }), () => listUsers(options), { concurrency: "unbounded", discard: true })

/** Arrival times, in order, of a burst of 8 lists of one directory, each `forward(index)` on its way. */
const arrivalsOfBurst = (options: Partial<WorkOSClient.Options>, forward: (index: number) => number) => {
  const { layer, sent } = recording(options, undefined, forward)
  // The client is built before the clock moves: with a shared store, building it digests the API key (Web
  // Crypto, a real promise), and a burst that started while the clock moved would be timed from wherever it was.
  return Effect.gen(function*() {
    const fiber = yield* Effect.fork(burst(8, { directory: "directory_a" }))
    yield* TestClock.adjust("1 minute")
    yield* Fiber.join(fiber)
    return sent.map((s) => s.at).sort((a, b) => a - b)
  }).pipe(Effect.provide(layer))
}

const timesOf = (sent: ReadonlyArray<{ readonly at: number; readonly key: string }>, key: string) =>
  sent.filter((s) => s.key === key).map((s) => s.at)

describe("RateLimit (through WorkOSClient)", () => {
  it.effect("a burst of 20 for one directory: 4 per second, done in the minimum time", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      const fiber = yield* burst(20, { directory: "directory_a" }).pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.provide(layer),
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      const done = yield* Fiber.join(fiber)
      const times = sent.map((s) => s.at)
      assert.strictEqual(times.length, 20)
      assert.strictEqual(busiestWindow(times), 4)
      // Four at once, then four as soon as each window (1 s plus the 25 ms margin) has passed.
      assert.deepStrictEqual(times, [0, 1025, 2050, 3075, 4100].flatMap((t) => [t, t, t, t]))
      assert.strictEqual(done, 4100)
    }))

  it.effect("the margin is configurable: 0 gives exactly one second between batches", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording({ rateLimit: { margin: 0 } })
      const fiber = yield* burst(12, { directory: "directory_a" }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(sent.map((s) => s.at), [0, 1000, 2000].flatMap((t) => [t, t, t, t]))
    }))

  it.effect("an idle client sends at once, without sleeping", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      // No TestClock.adjust: any wait would hang this test.
      yield* burst(4, { directory: "directory_a" }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(sent.map((s) => s.at), [0, 0, 0, 0])
    }))

  it.effect("another directory is not delayed by a burst on the first", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      const fiber = yield* Effect.gen(function*() {
        const first = yield* Effect.fork(burst(20, { directory: "directory_a" }))
        yield* Effect.sleep("500 millis")
        yield* burst(4, { directory: "directory_b" })
        yield* Fiber.join(first)
      }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(timesOf(sent, "/directory_users directory_b/"), [500, 500, 500, 500])
      assert.strictEqual(busiestWindow(timesOf(sent, "/directory_users directory_a/")), 4)
      assert.strictEqual(Math.max(...timesOf(sent, "/directory_users directory_a/")), 4100)
    }))

  it.effect("a request slow to arrive holds its place longer: WorkOS never sees 5 in a second", () =>
    Effect.gen(function*() {
      // The first request spends 300 ms on its way (a new connection); the others arrive at once.
      const arrivals = yield* arrivalsOfBurst({}, (index) => index === 0 ? 300 : 0)
      assert.strictEqual(busiestWindow(arrivals), 4)
      // Three more as soon as the fast ones leave their window, the last once the slow one does.
      assert.deepStrictEqual(arrivals, [0, 0, 0, 300, 1025, 1025, 1025, 1325])
    }))

  for (
    const [name, store] of [["in process", undefined], ["in a shared store", RateLimitStore.makeMemory()]] as const
  ) {
    it.effect(`${name}: requests slow on the way there and quick on the way back: WorkOS never sees 5 in a second`, () =>
      Effect.gen(function*() {
        // The first four spend their whole 100 ms round trip on the way there (a busy server counts them late)
        // and answer at once; the next four arrive at once. Placing an arrival half the round trip before its
        // answer would let the fifth in 50 ms early.
        const arrivals = yield* arrivalsOfBurst({ rateLimit: { store } }, (index) => index < 4 ? 100 : 0)
        assert.strictEqual(busiestWindow(arrivals), 4)
        assert.deepStrictEqual(arrivals, [100, 100, 100, 100, 1125, 1125, 1125, 1125])
      }))
  }

  it.effect("the per-key budget holds across directories", () =>
    Effect.gen(function*() {
      const perKey: RateLimit.Budget = { limit: 6, interval: "1 second" }
      const { layer, sent } = recording({ rateLimit: { perKey } })
      const directories = ["directory_a", "directory_b", "directory_c", "directory_d"]
      const fiber = yield* Effect.forEach(directories, (directory) => burst(6, { directory }), {
        concurrency: "unbounded",
        discard: true
      }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const times = sent.map((s) => s.at)
      assert.strictEqual(times.length, 24)
      assert.strictEqual(busiestWindow(times), 6)
      for (const directory of directories) {
        assert.isAtMost(busiestWindow(timesOf(sent, `/directory_users ${directory}/`)), 4, directory)
      }
      // 24 requests at 6 per window: the last four go out in the fourth window.
      assert.strictEqual(Math.max(...times), 3075)
    }))

  it.effect("the per-key budget counts every endpoint, not only /directory_users", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording({ rateLimit: { perKey: { limit: 3, interval: "1 second" } } }, () =>
        StubHttp.json({ ...emptyPage }))
      const fiber = yield* Effect.flatMap(DirectorySync.DirectorySync, (ds) =>
        Effect.forEach(Array.from({ length: 7 }), () =>
          ds.listDirectories(), { concurrency: "unbounded" })).pipe(
          Effect.provide(layer),
          Effect.fork
        )
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        sent.map((s) =>
          s.at
        ),
        [0, 0, 0, 1025, 1025, 1025, 2050]
      )
    }))

  it.effect("a group-only list of an unknown group is limited per group, apart from directories", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      const fiber = yield* Effect.all([
        burst(8, { group: "shared_id" }),
        burst(4, { directory: "shared_id" }),
        burst(4, { group: "group_b" })
      ], { concurrency: "unbounded" }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(timesOf(sent, "/directory_users /shared_id"), [0, 0, 0, 0, 1025, 1025, 1025, 1025])
      assert.deepStrictEqual(timesOf(sent, "/directory_users shared_id/"), [0, 0, 0, 0])
      assert.deepStrictEqual(timesOf(sent, "/directory_users /group_b"), [0, 0, 0, 0])
    }))

  const group = (id: string, directory: string) => ({
    object: "directory_group",
    id,
    idp_id: `idp_${id}`,
    directory_id: directory,
    organization_id: "org_a",
    name: id,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z"
  })
  const user = (directory: string) => ({
    object: "directory_user",
    id: "directory_user_a",
    directory_id: directory,
    organization_id: "org_a",
    idp_id: "idp_user_a",
    first_name: null,
    last_name: null,
    state: "active",
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z"
  })
  const page = (data: ReadonlyArray<unknown>) => ({ ...emptyPage, data })

  for (
    const [how, learn, answer] of [
      [
        "a listed group",
        Effect.flatMap(DirectorySync.DirectorySync, (ds) => Effect.asVoid(ds.listGroups({ directory: "directory_a" }))),
        page([group("group_a", "directory_a"), group("group_b", "directory_a")])
      ],
      [
        "a group got by id",
        Effect.flatMap(DirectorySync.DirectorySync, (ds) => Effect.asVoid(ds.getGroup("group_a"))),
        group("group_a", "directory_a")
      ],
      [
        "a group whose users were listed",
        Effect.asVoid(listUsers({ group: "group_a" })),
        page([user("directory_a")])
      ]
    ] as const
  ) {
    it.effect(`once the client has seen ${how}, its group-only lists count against its directory, as WorkOS counts them`, () =>
      Effect.gen(function*() {
        const { layer, sent } = recording({}, (index) => StubHttp.json(index === 0 ? answer : emptyPage))
        const fiber = yield* Effect.zipRight(
          learn,
          Effect.all([burst(4, { group: "group_a" }), burst(3, { directory: "directory_a" })], {
            concurrency: "unbounded"
          })
        ).pipe(Effect.provide(layer), Effect.fork)
        yield* TestClock.adjust("1 minute")
        yield* Fiber.join(fiber)
        // Seven lists of one directory's users after the lesson: 4 in the first second, 3 in the next.
        const users = sent.slice(1).map((s) => s.at).sort((a, b) => a - b)
        assert.deepStrictEqual(users, [0, 0, 0, 0, 1025, 1025, 1025])
      }))
  }

  it.effect("a list with both directory and group counts against the directory", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording()
      const fiber = yield* Effect.all([
        burst(2, { directory: "directory_a", group: "group_a" }),
        burst(4, { directory: "directory_a" })
      ], { concurrency: "unbounded" }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(sent.map((s) => s.at).sort((a, b) => a - b), [0, 0, 0, 0, 1025, 1025])
    }))

  for (
    const [name, rateLimit] of [
      ["rateLimit: false", false],
      ["both budgets false", { perKey: false, directoryUsers: false }]
    ] as const
  ) {
    it.effect(`${name}: never waits`, () =>
      Effect.gen(function*() {
        const { layer, sent } = recording({ rateLimit })
        yield* burst(50, { directory: "directory_a" }).pipe(Effect.provide(layer))
        assert.strictEqual(sent.length, 50)
        assert.isTrue(sent.every((s) => s.at === 0))
      }))
  }

  it.effect("directoryUsers: false keeps only the per-key budget", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording({
        rateLimit: { directoryUsers: false, perKey: { limit: 10, interval: "1 second" } }
      })
      const fiber = yield* burst(12, { directory: "directory_a" }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(sent.map((s) => s.at), [...Array.from({ length: 10 }, () => 0), 1025, 1025])
    }))

  it.effect("a 429 that still happens is retried after Retry-After, and the retry takes budget too", () =>
    Effect.gen(function*() {
      const { layer, sent } = recording(
        { retry: { times: 2 } },
        (index) =>
          index === 0
            ? StubHttp.json({ message: "Too many requests" }, 429, { "retry-after": "2" })
            : StubHttp.json(emptyPage)
      )
      const fiber = yield* burst(5, { directory: "directory_a" }).pipe(Effect.provide(layer), Effect.fork)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      // Four go at once (the first gets a 429), the fifth waits for the window;
      // the retry waits the 2 seconds asked, when the directory has budget.
      assert.deepStrictEqual(sent.map((s) => s.at), [0, 0, 0, 0, 1025, 2000])
    }))

  it.effect("a budget that can never let a request through is a defect at construction", () =>
    Effect.gen(function*() {
      const { layer } = recording({ rateLimit: { directoryUsers: { limit: 0, interval: "1 second" } } })
      const exit = yield* listUsers({ directory: "directory_a" }).pipe(Effect.provide(layer), Effect.exit)
      assert.isTrue(exit._tag === "Failure" && String(exit.cause).includes("rateLimit.directoryUsers.limit"))
    }))
})
