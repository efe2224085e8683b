/**
 * The core `Events.streamEvents` over the fake WorkOS: changes made while
 * the stream runs arrive exactly once and in order, under injected faults,
 * and across restarts from a saved cursor.
 */
import type { DirectorySyncEvent, Retry } from "@effect-workos/core"
import { Events, Webhooks, WorkOSClient } from "@effect-workos/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as FakeWorkOS from "../src/FakeWorkOS.js"
import * as Faults from "../src/Faults.js"
import * as WebhookSigner from "../src/WebhookSigner.js"

const pollInterval = "1 second"
const settleDelay = "3 seconds"

/** The real `Events` service over the fake, through the real client (retries on, client-side limits off). */
const layer = (retry: Retry.Policy = { times: 3, base: "100 millis", maxDelay: "2 seconds" }) =>
  Events.layer.pipe(
    Layer.provide(
      WorkOSClient.layer({
        apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
        baseUrl: "https://api.workos.test",
        rateLimit: false,
        retry
      }).pipe(Layer.provide(FakeWorkOS.layerHttpClient))
    ),
    Layer.provideMerge(FakeWorkOS.layer())
  )

/**
 * A consumer as an application writes one: follows the stream from its saved
 * cursor, handles each event and saves its id in one step. A failure that
 * outlasts the client's retries ends the stream; the consumer notes it and
 * starts again from the saved cursor.
 */
const consumer = Effect.gen(function*() {
  const events = yield* Events.Events
  const cursor = yield* Ref.make<string | undefined>(undefined)
  const received: Array<DirectorySyncEvent.DirectorySyncEvent> = []
  const failures: Array<string> = []
  const run = Effect.gen(function*() {
    const after = yield* Ref.get(cursor)
    yield* events.streamEvents({ after, pollInterval, settleDelay }).pipe(
      Stream.runForEach((event) => Effect.zipRight(Effect.sync(() => received.push(event)), Ref.set(cursor, event.id)))
    )
  }).pipe(
    Effect.tapError((error) => Effect.sync(() => failures.push(error._tag))),
    Effect.retry(Schedule.spaced("5 seconds"))
  )
  return { cursor, received, failures, run }
})

/**
 * What a directory provider does over a while: a directory connects, people
 * and groups come and go, memberships change. `pause` runs between changes,
 * so the clock moves (sometimes not at all, sometimes across several polls).
 */
const churn = (fake: FakeWorkOS.Service, rounds: number, pause: (step: number) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    let step = 0
    const next = <A, E>(change: Effect.Effect<A, E>) => Effect.zipLeft(change, Effect.suspend(() => pause(step++)))
    const directory = yield* next(fake.addDirectory({ name: "Foo Corp" }))
    for (let round = 0; round < rounds; round++) {
      const group = yield* next(fake.addGroup({ directoryId: directory.id, name: `Team ${round}` }))
      const ada = yield* next(
        fake.addUser({
          directoryId: directory.id,
          firstName: "Ada",
          lastName: `L${round}`,
          email: `ada${round}@foo.test`
        })
      )
      const bob = yield* next(fake.addUser({ directoryId: directory.id, firstName: "Bob", lastName: `K${round}` }))
      yield* next(fake.addUserToGroup(ada.id, group.id))
      yield* next(fake.addUserToGroup(bob.id, group.id))
      yield* next(fake.updateUser(ada.id, { firstName: "Augusta", role: { slug: "admin" } }))
      yield* next(fake.updateGroup(group.id, { name: `Team ${round} (renamed)` }))
      yield* next(fake.removeUserFromGroup(bob.id, group.id))
      yield* next(fake.removeUser(bob.id))
      if (round % 2 === 1) yield* next(fake.removeGroup(group.id))
    }
  })

// Irregular pauses: bursts inside one millisecond, gaps shorter and longer than a poll.
const pauses = [0, 0, 250, 1100, 40, 3300, 700, 0, 2100, 90]
const irregular = (step: number) => TestClock.adjust(pauses[step % pauses.length]!)

// Lets every poll catch up: past the settle delay, then a few poll intervals.
const drain = TestClock.adjust("30 seconds")

const summary = (events: ReadonlyArray<{ readonly id: string; readonly event: string }>) =>
  events.map(({ event, id }) => `${event} ${id}`)

describe("Events.streamEvents over FakeWorkOS", () => {
  it.effect("changes made while the stream runs arrive exactly once, in order, typed", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const { failures, received, run } = yield* consumer
      const fiber = yield* Effect.fork(run)
      yield* churn(fake, 6, irregular)
      yield* drain
      const recorded = yield* fake.events
      assert.strictEqual(recorded.length, 1 + 6 * 9 + 3)
      assert.deepStrictEqual(summary(received), summary(recorded))
      assert.strictEqual(new Set(received.map((event) => event.id)).size, received.length)
      assert.isFalse(received.some((event) => event._tag === "UnknownEvent"))
      assert.deepStrictEqual(failures, [])
      // Nothing arrives twice on later polls either.
      yield* drain
      assert.strictEqual(received.length, recorded.length)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(layer())))

  it.effect("5xx, 429, dropped connections and cut bodies on /events change nothing for the consumer", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      yield* fake.faults.inject(
        { fault: Faults.status(503), route: "/events", probability: 0.2 },
        { fault: Faults.rateLimited({ retryAfter: 1 }), route: "/events", probability: 0.15 },
        { fault: Faults.dropConnection, route: "/events", probability: 0.1 },
        { fault: Faults.truncateBody, route: "/events", probability: 0.1 },
        { fault: Faults.latency("300 millis"), route: "/events", probability: 0.3 }
      )
      const { failures, received, run } = yield* consumer
      const fiber = yield* Effect.fork(run)
      yield* churn(fake, 6, irregular)
      yield* drain
      yield* drain
      const recorded = yield* fake.events
      assert.deepStrictEqual(summary(received), summary(recorded))
      assert.strictEqual(new Set(received.map((event) => event.id)).size, received.length)
      const stats = yield* fake.faults.stats
      assert.isAbove(stats.faults.Respond, 5)
      assert.isAbove(stats.faults.DropConnection, 0)
      assert.isAbove(stats.faults.TruncateBody, 0)
      // Whatever outlasted the retries ended a stream that the consumer restarted from its cursor.
      for (const tag of failures) {
        assert.oneOf(tag, ["ServerError", "RateLimitedError", "TransportError", "DecodeError"])
      }
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(layer({ times: 4, base: "200 millis", maxDelay: "2 seconds" }))))

  it.effect("an outage that outlasts the retries ends the stream; restarting from the saved cursor loses and repeats nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const { failures, received, run } = yield* consumer
      const fiber = yield* Effect.fork(run)
      yield* churn(fake, 2, irregular)
      yield* drain
      const before = received.length
      yield* fake.faults.inject({ fault: Faults.status(500), route: "/events", times: 12 })
      yield* churn(fake, 2, irregular)
      yield* drain
      yield* drain
      const recorded = yield* fake.events
      assert.isAbove(failures.length, 0)
      assert.isTrue(failures.every((tag) => tag === "ServerError"), failures.join(", "))
      assert.isAbove(received.length, before)
      assert.deepStrictEqual(summary(received), summary(recorded))
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(layer({ times: 2, base: "100 millis", maxDelay: "1 second" }))))

  it.effect("a consumer stopped at any point and restarted from its saved cursor loses and repeats nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const first = yield* consumer
      const running = yield* Effect.fork(first.run)
      yield* churn(fake, 2, irregular)
      // Stopped mid-way: some recorded events are not consumed yet, some not even settled.
      yield* TestClock.adjust("1500 millis")
      yield* Fiber.interrupt(running)
      const saved = yield* Ref.get(first.cursor)
      assert.isDefined(saved)
      assert.strictEqual(saved, first.received.at(-1)?.id)
      const consumedBefore = first.received.length
      assert.isBelow(consumedBefore, (yield* fake.events).length)

      // Changes keep coming while the consumer is down.
      yield* churn(fake, 2, irregular)

      const second = yield* consumer
      yield* Ref.set(second.cursor, saved)
      const resumed = yield* Effect.fork(second.run)
      yield* churn(fake, 1, irregular)
      yield* drain
      const recorded = yield* fake.events
      assert.strictEqual(first.received.length, consumedBefore)
      assert.deepStrictEqual(summary([...first.received, ...second.received]), summary(recorded))
      assert.isFalse(second.received.some((event) => first.received.some((seen) => seen.id === event.id)))
      yield* Fiber.interrupt(resumed)
    }).pipe(Effect.provide(layer())))

  it.effect("webhook deliveries of the same changes verify and decode to the very events the stream emits", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const { received, run } = yield* consumer
      const fiber = yield* Effect.fork(run)
      yield* churn(fake, 2, irregular)
      yield* drain
      const secret = Redacted.make("whsec_fake_endpoint")
      const deliveries = yield* WebhookSigner.signEvents({ events: yield* fake.events, secret })
      const verified = yield* Effect.forEach(
        deliveries,
        (delivery) =>
          Webhooks.verify({ payload: delivery.body, signature: delivery.headers["workos-signature"], secret })
      )
      assert.strictEqual(verified.length, received.length)
      assert.deepStrictEqual(verified, received)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(layer())))
})
