import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import type { DirectoryGroup as Group } from "../src/DirectoryGroup.js"
import type * as Retry from "../src/Retry.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as DirectoryGroup from "./fixtures/DirectoryGroup.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

// Runs `getGroup` with the given retry policy to the end, under TestClock.
const attempts = (
  handler: Stub.Handler,
  retry: Retry.Policy | undefined,
  body: (
    outcome: Fiber.RuntimeFiber<Group, WorkOSError.WorkOSError>,
    requests: ReadonlyArray<Stub.Recorded>
  ) => Effect.Effect<void, WorkOSError.WorkOSError>
) =>
  Stub.run(handler, (ds, requests) =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(ds.getGroup(DirectoryGroup.developers.id))
      yield* body(fiber, requests)
    }), { retry })

const gaps = (requests: ReadonlyArray<Stub.Recorded>) =>
  requests.slice(1).map((request, i) => request.at - requests[i]!.at)

const ok = () => Stub.json(DirectoryGroup.developers)

describe("Retry: what is retried", () => {
  const transient: ReadonlyArray<readonly [number, WorkOSError.HttpStatusError["_tag"]]> = [
    [408, "UnexpectedStatusError"],
    [429, "RateLimitedError"],
    [500, "ServerError"],
    [502, "ServerError"],
    [503, "ServerError"],
    [504, "ServerError"]
  ]
  for (const [status, tag] of transient) {
    it.effect(`${status} is retried 3 times (4 attempts), then fails with ${tag}`, () =>
      attempts(
        () => Stub.json({ message: "try again" }, status),
        undefined,
        (fiber, requests) =>
          Effect.gen(function*() {
            yield* TestClock.adjust("1 minute")
            const error = tagged(yield* failure(Fiber.join(fiber)), tag)
            assert.strictEqual(error.status, status)
            assert.strictEqual(requests.length, 4)
          })
      ))
  }

  it.effect("a transport failure is retried 3 times, then fails with TransportError", () =>
    attempts(() => "transport-error", undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(tagged(yield* failure(Fiber.join(fiber)), "TransportError").reason, "Transport")
        assert.strictEqual(requests.length, 4)
      })))

  it.effect("a timeout is retried 3 times, then fails with TransportError Timeout", () =>
    attempts(() => Effect.never, undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("10 minutes")
        assert.strictEqual(tagged(yield* failure(Fiber.join(fiber)), "TransportError").reason, "Timeout")
        assert.strictEqual(requests.length, 4)
        // Each attempt had its own 60 seconds.
        for (const gap of gaps(requests)) assert.isAtLeast(gap, 60_000)
      })))

  for (
    const [status, tag] of [[400, "BadRequestError"], [401, "UnauthorizedError"], [404, "NotFoundError"], [
      422,
      "UnprocessableEntityError"
    ]] as const
  ) {
    it.effect(`${status} is not retried`, () =>
      attempts(() => Stub.json({ message: "no" }, status), undefined, (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("1 minute")
          tagged(yield* failure(Fiber.join(fiber)), tag)
          assert.strictEqual(requests.length, 1)
        })))
  }

  it.effect("a decode failure is not retried", () =>
    attempts(() => Stub.json({ id: 42 }), undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 minute")
        tagged(yield* failure(Fiber.join(fiber)), "DecodeError")
        assert.strictEqual(requests.length, 1)
      })))

  it.effect("a transient failure followed by success yields the value", () =>
    attempts(
      Stub.sequence(() => Stub.json({}, 503), () => "transport-error", ok),
      undefined,
      (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("1 minute")
          assert.strictEqual((yield* Fiber.join(fiber)).id, DirectoryGroup.developers.id)
          assert.strictEqual(requests.length, 3)
        })
    ))
})

describe("Retry: delays", () => {
  it.effect("the first retry comes between 400 and 600 ms (500 ms, jittered)", () =>
    attempts(() => Stub.json({}, 503), undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("399 millis")
        assert.strictEqual(requests.length, 1)
        yield* TestClock.adjust("201 millis")
        assert.strictEqual(requests.length, 2)
        yield* Fiber.interrupt(fiber)
      })))

  it.effect("backs off exponentially with jitter: 500 ms, 1 s, 2 s, each within ±20%", () =>
    Effect.forEach(
      [1, 2, 3, 4, 5],
      (seed) =>
        attempts(() => Stub.json({}, 503), undefined, (fiber, requests) =>
          Effect.gen(function*() {
            yield* TestClock.adjust("1 minute")
            yield* failure(Fiber.join(fiber))
            const [first, second, third] = gaps(requests)
            assert.isTrue(first! >= 400 && first! <= 600, `first retry after ${first} ms`)
            assert.isTrue(second! >= 800 && second! <= 1200, `second retry after ${second} ms`)
            assert.isTrue(third! >= 1600 && third! <= 2400, `third retry after ${third} ms`)
            // Jitter: the delays are not the bare exponential ones.
            assert.notDeepEqual([first, second, third], [500, 1000, 2000])
          })).pipe(Effect.withRandom(Random.make(seed)))
    ))

  it.effect("base, maxDelay and times shape the default backoff", () =>
    attempts(
      () => Stub.json({}, 500),
      { times: 4, base: "100 millis", maxDelay: "300 millis" },
      (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("1 minute")
          yield* failure(Fiber.join(fiber))
          const [a, b, c, d] = gaps(requests)
          assert.strictEqual(requests.length, 5)
          assert.isTrue(a! >= 80 && a! <= 120, `${a}`)
          assert.isTrue(b! >= 160 && b! <= 240, `${b}`)
          assert.isTrue(c! >= 240 && c! <= 360, `${c}`)
          assert.isTrue(d! >= 240 && d! <= 360, `${d}`)
        })
    ))
})

describe("Retry: Retry-After", () => {
  const retryAfterThenOk = (status: number, value: string) =>
    Stub.sequence(() => Stub.json("Ratelimited", status, { "retry-after": value }), ok)

  it.effect("Retry-After: 3 waits exactly 3 seconds", () =>
    attempts(retryAfterThenOk(429, "3"), undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("2999 millis")
        assert.strictEqual(requests.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(requests.length, 2)
        assert.strictEqual((yield* Fiber.join(fiber)).id, DirectoryGroup.developers.id)
        assert.deepStrictEqual(gaps(requests), [3000])
      })))

  it.effect("Retry-After on a 503 is honoured too", () =>
    attempts(retryAfterThenOk(503, "7"), undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 minute")
        yield* Fiber.join(fiber)
        assert.deepStrictEqual(gaps(requests), [7000])
      })))

  it.effect("an HTTP-date Retry-After waits until that date", () =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const date = new Date(Math.floor(now / 1000) * 1000 + 5000).toUTCString()
      yield* attempts(retryAfterThenOk(429, date), undefined, (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("4999 millis")
          assert.strictEqual(requests.length, 1)
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(requests.length, 2)
          yield* Fiber.join(fiber)
        }))
    }))

  it.effect("a Retry-After above 60 seconds is capped at 60 seconds", () =>
    attempts(retryAfterThenOk(429, "3600"), undefined, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("59999 millis")
        assert.strictEqual(requests.length, 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(requests.length, 2)
        yield* Fiber.join(fiber)
      })))

  it.effect("Retry-After still counts against the retry budget", () =>
    attempts(
      () => Stub.json("Ratelimited", 429, { "retry-after": "1" }),
      undefined,
      (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("1 minute")
          tagged(yield* failure(Fiber.join(fiber)), "RateLimitedError")
          assert.deepStrictEqual(gaps(requests), [1000, 1000, 1000])
        })
    ))
})

describe("Retry: policies", () => {
  const policies: ReadonlyArray<readonly [string, Retry.Policy, number]> = [
    ["retry: false", false, 1],
    ["{ times: 0 }", { times: 0 }, 1],
    ["{ times: 1 }", { times: 1 }, 2],
    ["{ times: 5 }", { times: 5 }, 6]
  ]
  for (const [name, policy, count] of policies) {
    it.effect(`${name} makes ${count} attempt(s)`, () =>
      attempts(() => Stub.json({}, 503), policy, (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("10 minutes")
          tagged(yield* failure(Fiber.join(fiber)), "ServerError")
          assert.strictEqual(requests.length, count)
        })))
  }

  it.effect("a custom Schedule decides the delays and the count", () =>
    attempts(
      () => "transport-error",
      Schedule.spaced("10 seconds").pipe(Schedule.intersect(Schedule.recurs(2))),
      (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("10 minutes")
          tagged(yield* failure(Fiber.join(fiber)), "TransportError")
          assert.deepStrictEqual(gaps(requests), [10_000, 10_000])
        })
    ))

  it.effect("a custom Schedule still retries only transient failures", () =>
    attempts(() => Stub.json({ message: "gone" }, 404), Schedule.forever, (fiber, requests) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 minute")
        tagged(yield* failure(Fiber.join(fiber)), "NotFoundError")
        assert.strictEqual(requests.length, 1)
      })))

  it.effect("a custom Schedule honours Retry-After", () =>
    attempts(
      Stub.sequence(() => Stub.json("Ratelimited", 429, { "retry-after": "2" }), ok),
      Schedule.spaced("10 seconds"),
      (fiber, requests) =>
        Effect.gen(function*() {
          yield* TestClock.adjust("1 minute")
          yield* Fiber.join(fiber)
          assert.deepStrictEqual(gaps(requests), [2000])
        })
    ))
})
