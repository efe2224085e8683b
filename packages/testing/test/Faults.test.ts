import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import type * as WorkOSError from "@effect-workos/core/WorkOSError"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as DirectorySyncTest from "../src/DirectorySyncTest.js"
import * as FakeWorkOS from "../src/FakeWorkOS.js"
import * as Faults from "../src/Faults.js"
import * as Generators from "../src/Generators.js"
import * as Server from "../src/Server.js"
import { settle } from "./utils/Clock.js"
import { body, call, ErrorBody, layer as rawLayer } from "./utils/Raw.js"

const data = Generators.generate({ seed: 11, directories: 2, usersPerDirectory: 250, groupsPerDirectory: 2 })
const [acme, globex] = data.directories as [FakeWorkOS.DirectoryRecord, FakeWorkOS.DirectoryRecord]
const newestFirst = data.users.filter((user) => user.directoryId === acme.id).map((user) => user.id).reverse()

// Fires on the first attempt at each page of a list, so every page of a stream meets the fault once.
const firstAttemptOfEachPage = (): Faults.Rule["route"] => {
  const seen = new Set<string>()
  return (request) => {
    if (request.route !== "/directory_users") return false
    const page = request.searchParams.get("after") ?? ""
    if (seen.has(page)) return false
    seen.add(page)
    return true
  }
}

const streamAll = Effect.flatMap(
  DirectorySync.DirectorySync,
  (ds) => Stream.runCollect(ds.streamUsers({ directory: acme.id }))
).pipe(Effect.map((users) => [...users].map((user) => user.id)))

const withFake = Effect.flatMap(FakeWorkOS.FakeWorkOS, (fake) => Effect.succeed(fake))

const recoverable: ReadonlyArray<readonly [string, Faults.Fault, boolean]> = [
  ["latency", Faults.latency("5 seconds"), false],
  ["429 with Retry-After", Faults.rateLimited({ retryAfter: 2 }), true],
  ["500", Faults.status(500), true],
  ["502", Faults.status(502), true],
  ["503", Faults.status(503), true],
  ["a dropped connection", Faults.dropConnection, true],
  ["a truncated body", Faults.truncateBody, true],
  ["an HTML 502 from a proxy", Faults.html(502), true],
  ["a plain-text 429 'Ratelimited'", Faults.text(429, "Ratelimited", { retryAfter: 1 }), true]
]

describe("Faults: the core client's retries recover (in memory, TestClock)", () => {
  for (const [name, fault, retried] of recoverable) {
    it.effect(`${name} on every page: each of 250 users arrives exactly once`, () =>
      settle(Effect.gen(function*() {
        const fake = yield* withFake
        yield* fake.faults.inject({ fault, route: firstAttemptOfEachPage() })
        const streamed = yield* streamAll
        assert.deepStrictEqual(streamed, newestFirst)
        const stats = yield* fake.faults.stats
        assert.strictEqual(stats.faults[fault._tag], 3)
        assert.strictEqual(stats.byRoute["GET /directory_users"], retried ? 6 : 3)
      })).pipe(Effect.provide(DirectorySyncTest.layer(data))))
  }

  it.effect("a 429's Retry-After is waited out before the retry", () =>
    Effect.gen(function*() {
      const fake = yield* withFake
      const ds = yield* DirectorySync.DirectorySync
      yield* fake.faults.inject({ fault: Faults.rateLimited({ retryAfter: 7 }), times: 1 })
      const fiber = yield* Effect.fork(ds.getDirectory(acme.id))
      yield* TestClock.adjust("6 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      assert.strictEqual((yield* fake.faults.stats).requests, 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fiber)).id, acme.id)
      const stats = yield* fake.faults.stats
      assert.strictEqual(stats.requests, 2)
      assert.strictEqual(stats.rateLimited, 1)
    }).pipe(Effect.provide(DirectorySyncTest.layer(data))))

  it.effect("latency holds the answer back until the clock moves", () =>
    Effect.gen(function*() {
      const fake = yield* withFake
      const ds = yield* DirectorySync.DirectorySync
      yield* fake.faults.inject({ fault: Faults.latency("5 seconds"), route: "/directories/:id" })
      const fiber = yield* Effect.fork(ds.getDirectory(acme.id))
      yield* TestClock.adjust("4999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).id, acme.id)
    }).pipe(Effect.provide(DirectorySyncTest.layer(data))))
})

describe("Faults: a fault that outlasts the retries is the right tagged error", () => {
  const outlasting: ReadonlyArray<
    readonly [Faults.Fault, (error: WorkOSError.WorkOSError) => void]
  > = [
    [Faults.status(503), (error) => {
      assert.strictEqual(error._tag, "ServerError")
      if (error._tag === "ServerError") assert.strictEqual(error.status, 503)
    }],
    [Faults.rateLimited({ retryAfter: 3 }), (error) => {
      assert.strictEqual(error._tag, "RateLimitedError")
      if (error._tag !== "RateLimitedError") return
      assert.strictEqual(error.code, "rate_limit_exceeded")
      assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(3)))
    }],
    [Faults.text(429, "Ratelimited", { retryAfter: 1 }), (error) => {
      assert.strictEqual(error._tag, "RateLimitedError")
      assert.strictEqual(error.message, "Ratelimited")
    }],
    [Faults.html(502), (error) => {
      assert.strictEqual(error._tag, "ServerError")
      assert.notInclude(error.message, "<html")
    }],
    [Faults.dropConnection, (error) => {
      assert.strictEqual(error._tag, "TransportError")
      if (error._tag === "TransportError") assert.strictEqual(error.reason, "Transport")
    }],
    [Faults.truncateBody, (error) => {
      assert.strictEqual(error._tag, "TransportError")
      if (error._tag === "TransportError") assert.strictEqual(error.reason, "Transport")
    }],
    [Faults.latency("61 seconds"), (error) => {
      assert.strictEqual(error._tag, "TransportError")
      if (error._tag === "TransportError") assert.strictEqual(error.reason, "Timeout")
    }]
  ]
  for (const [fault, check] of outlasting) {
    it.effect(`${fault._tag} ${fault._tag === "Respond" ? `${fault.status} ${fault.contentType}` : ""} on every attempt`, () =>
      settle(Effect.gen(function*() {
        const fake = yield* withFake
        const ds = yield* DirectorySync.DirectorySync
        yield* fake.faults.inject({ fault })
        check(yield* Effect.flip(ds.getDirectory(acme.id)))
        assert.strictEqual((yield* fake.faults.stats).requests, 4, "one attempt and three retries")
      })).pipe(Effect.provide(DirectorySyncTest.layer(data))))
  }
})

describe("Faults: rules", () => {
  const statuses = (paths: ReadonlyArray<string>, method: "GET" | "DELETE" = "GET") =>
    Effect.forEach(paths, (path) => Effect.map(call(path, { method }), (raw) => raw.status))
  const run = <A, E>(effect: Effect.Effect<A, E, FakeWorkOS.FakeWorkOS | HttpClient.HttpClient>, seed = 0) =>
    Effect.provide(effect, rawLayer({ ...data, faults: { seed } }))

  it.effect("a route pattern, a method, or a predicate picks the requests; times limits them", () =>
    run(Effect.gen(function*() {
      const fake = yield* withFake
      yield* fake.faults.inject(
        { fault: Faults.status(500), route: "/directory_groups", times: 2 },
        { fault: Faults.status(503), route: "DELETE /directories/:id" },
        { fault: Faults.status(502), route: (request) => request.searchParams.get("search") === "boom" }
      )
      const group = `/directory_groups?directory=${acme.id}`
      assert.deepStrictEqual(yield* statuses([group, `/directories/${acme.id}`, group, group]), [500, 200, 500, 200])
      assert.deepStrictEqual(yield* statuses([`/directories/${acme.id}`], "DELETE"), [503])
      assert.deepStrictEqual(yield* statuses(["/directories?search=boom", "/directories?search=fine"]), [502, 200])
      yield* fake.faults.clear
      assert.deepStrictEqual(yield* statuses([`/directories/${globex.id}`], "DELETE"), [202])
      const stats = yield* fake.faults.stats
      assert.strictEqual(stats.requests, 8)
      assert.strictEqual(stats.faults.Respond, 4)
      assert.deepStrictEqual(stats.byStatus, { "200": 3, "202": 1, "500": 2, "502": 1, "503": 1 })
      assert.strictEqual(stats.byRoute["GET /directory_groups"], 3)
      yield* fake.faults.resetStats
      assert.strictEqual((yield* fake.faults.stats).requests, 0)
    })))

  it.effect("latency adds up with the fault that answers", () =>
    run(Effect.gen(function*() {
      const fake = yield* withFake
      yield* fake.faults.inject(
        { fault: Faults.latency("1 second"), times: 1 },
        { fault: Faults.latency("2 seconds"), times: 1 },
        { fault: Faults.status(503), times: 1 }
      )
      const fiber = yield* Effect.fork(call("/directories"))
      yield* TestClock.adjust("2999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).status, 503)
    })))

  it.effect("probability draws from a seeded generator: the same seed faults the same requests", () =>
    Effect.gen(function*() {
      const pattern = (seed: number) =>
        run(
          Effect.gen(function*() {
            const fake = yield* withFake
            yield* fake.faults.inject({ fault: Faults.status(503), probability: 0.3 })
            return (yield* statuses(Array.from({ length: 60 }, () => "/directories"))).join("")
          }),
          seed
        )
      const first = yield* pattern(1)
      assert.strictEqual(yield* pattern(1), first)
      assert.notStrictEqual(yield* pattern(2), first)
      const faulted = first.match(/503/g)?.length ?? 0
      assert.isAbove(faulted, 5)
      assert.isBelow(faulted, 35)
    }))
})

describe("Faults: enforced rate limits", () => {
  const users = (query: string) => call(`/directory_users?${query}`)
  const run = <A, E>(
    effect: Effect.Effect<A, E, FakeWorkOS.FakeWorkOS | HttpClient.HttpClient>,
    rateLimits: Faults.Options["rateLimits"] = true
  ) => Effect.provide(effect, rawLayer({ ...data, faults: { rateLimits } }))

  it.effect("4 requests a second per directory on /directory_users: the 5th gets 429 with Retry-After", () =>
    run(Effect.gen(function*() {
      const fake = yield* withFake
      const answers = yield* Effect.forEach(Array.from({ length: 5 }), () => users(`directory=${acme.id}`))
      assert.deepStrictEqual(answers.map((raw) => raw.status), [200, 200, 200, 200, 429])
      const limited = answers[4]!
      assert.strictEqual(limited.headers["retry-after"], "1")
      assert.strictEqual((yield* body(ErrorBody, limited)).code, "rate_limit_exceeded")
      assert.strictEqual((yield* users(`directory=${globex.id}`)).status, 200, "another directory has its own budget")
      assert.strictEqual((yield* call(`/directory_groups?directory=${acme.id}`)).status, 200, "other routes are free")
      yield* TestClock.adjust("999 millis")
      assert.strictEqual((yield* users(`directory=${acme.id}`)).status, 429)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* users(`directory=${acme.id}`)).status, 200)
      const stats = yield* fake.faults.stats
      assert.strictEqual(stats.rateLimitEnforced, 2)
      assert.strictEqual(stats.rateLimited, 2)
    })))

  it.effect("a group-only list counts against its group's directory, as WorkOS counts it", () =>
    run(Effect.gen(function*() {
      const group = data.groups.find((group) => group.directoryId === acme.id)!.id
      const queries = [`group=${group}`, `directory=${acme.id}`, `group=${group}`, `directory=${acme.id}`]
      const answers = yield* Effect.forEach([...queries, `group=${group}`], users)
      assert.deepStrictEqual(answers.map((raw) => raw.status), [200, 200, 200, 200, 429])
      assert.strictEqual((yield* users(`directory=${acme.id}`)).status, 429)
      assert.strictEqual((yield* users(`directory=${globex.id}`)).status, 200, "another directory has its own budget")
    })))

  it.effect("an unknown group is counted against itself (and is not found)", () =>
    run(Effect.gen(function*() {
      const answers = yield* Effect.forEach(Array.from({ length: 5 }), () => users("group=directory_group_unknown"))
      assert.deepStrictEqual(answers.map((raw) => raw.status), [404, 404, 404, 404, 429])
      assert.strictEqual((yield* users(`directory=${acme.id}`)).status, 200)
    })))

  it.effect("the per-key budget covers every route; Retry-After is the wait, rounded up", () =>
    run(
      Effect.gen(function*() {
        const fake = yield* withFake
        const paths = ["/directories", `/directory_groups?directory=${acme.id}`, `/directories/${acme.id}`]
        assert.deepStrictEqual((yield* Effect.forEach(paths, (path) => call(path))).map((raw) => raw.status), [
          200,
          200,
          200
        ])
        yield* TestClock.adjust("4500 millis")
        const limited = yield* call("/directories")
        assert.strictEqual(limited.status, 429)
        assert.strictEqual(limited.headers["retry-after"], "6")
        yield* fake.faults.setRateLimits(false)
        assert.strictEqual((yield* call("/directories")).status, 200)
      }),
      { perKey: { limit: 3, interval: "10 seconds" }, directoryUsers: false }
    ))

  it.effect("the core client with its default limits never trips them; without them, retries absorb the 429s", () =>
    Effect.gen(function*() {
      const page = { directory: acme.id, limit: 25 }
      const withLimits = yield* settle(
        Effect.gen(function*() {
          const fake = yield* withFake
          const ds = yield* DirectorySync.DirectorySync
          const streamed = yield* Stream.runCollect(ds.streamUsers(page))
          return { streamed: streamed.length, stats: yield* fake.faults.stats }
        }).pipe(Effect.provide(DirectorySyncTest.layer({ ...data, faults: { rateLimits: true } })))
      )
      assert.strictEqual(withLimits.streamed, 250)
      assert.strictEqual(withLimits.stats.rateLimitEnforced, 0)
      assert.strictEqual(withLimits.stats.requests, 10)

      const unlimited = DirectorySync.layer.pipe(
        Layer.provide(
          WorkOSClient.layer({
            apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
            baseUrl: DirectorySyncTest.baseUrl,
            rateLimit: false
          }).pipe(Layer.provide(FakeWorkOS.layerHttpClient))
        ),
        Layer.provideMerge(FakeWorkOS.layer({ ...data, faults: { rateLimits: true } }))
      )
      const withoutLimits = yield* settle(
        Effect.gen(function*() {
          const fake = yield* withFake
          const ds = yield* DirectorySync.DirectorySync
          const streamed = yield* Stream.runCollect(ds.streamUsers({ ...page, prefetch: 4 }))
          return { streamed: [...streamed].map((user) => user.id), stats: yield* fake.faults.stats }
        }).pipe(Effect.provide(unlimited))
      )
      assert.deepStrictEqual(withoutLimits.streamed, newestFirst)
      assert.isAbove(withoutLimits.stats.rateLimitEnforced, 0)
    }))
})

describe("Faults: on the localhost server (real sockets)", () => {
  const client = (retry: WorkOSClient.Options["retry"]) =>
    DirectorySync.layer.pipe(
      Layer.provide(Layer.unwrapEffect(Effect.map(Server.FakeServer, (server) =>
        WorkOSClient.layer({
          apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
          baseUrl: server.baseUrl,
          retry,
          rateLimit: false
        })))),
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provideMerge(Server.layer()),
      Layer.provideMerge(FakeWorkOS.layer(data))
    )
  const quickRetries = { times: 3, base: "5 millis" } as const

  for (const fault of [Faults.dropConnection, Faults.truncateBody]) {
    it.live(`${fault._tag} on every page: the client retries and each user arrives once`, () =>
      Effect.gen(function*() {
        const fake = yield* withFake
        yield* fake.faults.inject({ fault, route: firstAttemptOfEachPage() })
        assert.deepStrictEqual(yield* streamAll, newestFirst)
        assert.strictEqual((yield* fake.faults.stats).faults[fault._tag], 3)
      }).pipe(Effect.provide(client(quickRetries))))

    it.live(`${fault._tag} on every attempt is a TransportError`, () =>
      Effect.gen(function*() {
        const fake = yield* withFake
        const ds = yield* DirectorySync.DirectorySync
        yield* fake.faults.inject({ fault })
        const error = yield* Effect.flip(ds.getDirectory(acme.id))
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual((yield* fake.faults.stats).requests, 4)
      }).pipe(Effect.provide(client(quickRetries))))
  }

  it.live("a truncated body announces its full length, delivers half, and breaks the connection", () =>
    Effect.gen(function*() {
      const fake = yield* withFake
      const { baseUrl } = yield* Server.FakeServer
      const headers = { authorization: `Bearer ${FakeWorkOS.defaultApiKey}` }
      const whole = yield* Effect.promise(() => fetch(`${baseUrl}/directories/${acme.id}`, { headers }))
      const length = (yield* Effect.promise(() => whole.arrayBuffer())).byteLength
      yield* fake.faults.inject({ fault: Faults.truncateBody, times: 1 })
      const cut = yield* Effect.promise(() => fetch(`${baseUrl}/directories/${acme.id}`, { headers }))
      assert.strictEqual(cut.status, 200)
      assert.strictEqual(cut.headers.get("content-length"), String(length))
      const read = yield* Effect.either(Effect.tryPromise(() => cut.text()))
      assert.strictEqual(read._tag, "Left")
    }).pipe(Effect.provide(client(false))))

  it.live("enforced limits answer 429 with Retry-After on the server too", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* Server.FakeServer
      const headers = { authorization: `Bearer ${FakeWorkOS.defaultApiKey}` }
      const answers = yield* Effect.promise(() =>
        Promise.all(
          Array.from({ length: 5 }, () => fetch(`${baseUrl}/directory_users?directory=${acme.id}`, { headers }))
        )
      )
      const limited = answers.filter((response) => response.status === 429)
      assert.strictEqual(limited.length, 1)
      assert.strictEqual(limited[0]!.headers.get("retry-after"), "1")
      yield* Effect.promise(() => Promise.all(answers.map((response) => response.arrayBuffer())))
    }).pipe(
      Effect.provide(
        Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer({ ...data, faults: { rateLimits: true } })))
      )
    ))
})
