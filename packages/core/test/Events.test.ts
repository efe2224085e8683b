import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as DirectorySyncEvent from "../src/DirectorySyncEvent.js"
import * as Events from "../src/Events.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as Fixtures from "./fixtures/events.js"
import * as Stub from "./utils/StubHttp.js"

/** `Events` over a stub answering with `handler`; no retries or limits unless asked. */
const eventsOver = (handler: Parameters<typeof Stub.make>[0], options: Partial<WorkOSClient.Options> = {}) => {
  const stub = Stub.make(handler)
  const layer = Events.layer.pipe(
    Layer.provide(WorkOSClient.layer({
      apiKey: Redacted.make(Stub.apiKey),
      baseUrl: "https://api.test",
      retry: false,
      rateLimit: false,
      ...options
    })),
    Layer.provide(stub.layer)
  )
  return { requests: stub.requests, layer }
}

interface Logged {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  /** When a cursor read can first see it: WorkOS holds fresh events back for a while. */
  readonly visibleAt: number
}

/**
 * A scripted `/events` endpoint over a mutable log, in the clock's time:
 * filters by name and `range_start`, follows `after`, pages by `limit`
 * (ascending only, as the stream asks), and hides events not yet visible.
 */
const eventLog = () => {
  const log: Array<Logged> = []
  let counter = 0
  const append = (name: string, options: { readonly at: number; readonly visibleAt?: number }) => {
    counter++
    const id = `event_${String(counter).padStart(5, "0")}`
    log.push({ id, name, createdAt: options.at, visibleAt: options.visibleAt ?? options.at })
    log.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    return id
  }
  const handler = (request: Stub.Recorded) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const { after, events, limit, order, range_start } = request.query
      assert.strictEqual(order, "asc")
      const names = (events ?? "").split(",")
      let items = log.filter((e) => names.includes(e.name) && e.visibleAt <= now)
      if (range_start !== undefined) items = items.filter((e) => e.createdAt >= Date.parse(range_start))
      if (after !== undefined) {
        const index = log.findIndex((e) => e.id === after)
        items = items.filter((e) => log.indexOf(e) > index)
      }
      const page = items.slice(0, Number(limit ?? 10))
      return Stub.json({
        object: "list",
        data: page.map((e) =>
          Fixtures.event(e.name, Fixtures.dataFor(e.name), {
            id: e.id,
            created_at: new Date(e.createdAt).toISOString()
          })
        ),
        list_metadata: { after: page.at(-1)?.id ?? null }
      })
    })
  return { log, append, handler }
}

const ids = (events: Iterable<DirectorySyncEvent.DirectorySyncEvent>) => Array.from(events, (e) => e.id)

const invalidParameter = <A>(effect: Effect.Effect<A, WorkOSError.WorkOSError>) =>
  Effect.map(Effect.flip(effect), (error) => {
    if (error._tag !== "InvalidParameterError") return assert.fail(`expected InvalidParameterError, got ${error._tag}`)
    return error.parameter
  })

describe("Events.listEvents", () => {
  it.effect("sends one comma-separated events param and the filters with their wire names", () => {
    const stub = eventsOver(() => Stub.json(Fixtures.eventsApiPage))
    return Effect.gen(function*() {
      const events = yield* Events.Events
      const page = yield* events.listEvents({
        events: ["dsync.user.created", "dsync.user.updated"],
        organizationId: "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
        rangeStart: "2026-01-15 12:00:00",
        rangeEnd: DateTime.unsafeMake("2026-01-16T00:00:00.000Z"),
        after: "event_01",
        limit: 50,
        order: "asc"
      })
      assert.strictEqual(stub.requests.length, 1)
      const request = stub.requests[0]!
      assert.strictEqual(request.method, "GET")
      assert.strictEqual(request.path, "/events")
      assert.deepStrictEqual(request.query, {
        events: "dsync.user.created,dsync.user.updated",
        organization_id: "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
        range_start: "2026-01-15T12:00:00.000Z",
        range_end: "2026-01-16T00:00:00.000Z",
        after: "event_01",
        limit: "50",
        order: "asc"
      })
      assert.deepStrictEqual(request.url.searchParams.getAll("events"), ["dsync.user.created,dsync.user.updated"])
      assert.strictEqual(request.headers.authorization, `Bearer ${Stub.apiKey}`)
      assert.deepStrictEqual(ids(page.data), ["event_01EHZNVPK3SFK441A1RGBFSHRT"])
      assert.instanceOf(page.data[0], DirectorySyncEvent.UserCreated)
      assert.strictEqual(page.listMetadata.after, "event_01EHZNVPK3SFK441A1RGBFSHRT")
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("asks for every dsync event by default and sends nothing undefined", () => {
    const stub = eventsOver(() => Stub.json({ object: "list", data: [], list_metadata: { after: null } }))
    return Effect.gen(function*() {
      const page = yield* Effect.flatMap(Events.Events, (events) => events.listEvents())
      assert.deepStrictEqual(stub.requests[0]!.query, { events: DirectorySyncEvent.eventNames.join(",") })
      assert.deepStrictEqual(page.data, [])
      assert.strictEqual(page.listMetadata.after, null)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("rejects bad options before sending anything, naming the parameter", () => {
    const stub = eventsOver(() => Stub.json(Fixtures.eventsApiPage))
    return Effect.gen(function*() {
      const events = yield* Events.Events
      const cases: ReadonlyArray<readonly [Events.ListEventsOptions, string]> = [
        // Casts stand for JavaScript callers, whom the types do not stop.
        [{ events: [] as unknown as readonly ["x"] }, "events"],
        [{ events: ["dsync.user.created,dsync.user.deleted"] }, "events"],
        [{ events: [""] }, "events"],
        [{ limit: 0 }, "limit"],
        [{ limit: 101 }, "limit"],
        [{ limit: 2.5 }, "limit"],
        [{ after: "" }, "after"],
        [{ organizationId: "" }, "organizationId"],
        [{ rangeStart: "yesterday" }, "rangeStart"],
        [{ rangeEnd: "2026-13-45" }, "rangeEnd"],
        [{ rangeStart: "2026-01-02T00:00:00Z", rangeEnd: "2026-01-01T00:00:00Z" }, "rangeStart"]
      ]
      for (const [options, parameter] of cases) {
        assert.strictEqual(yield* invalidParameter(events.listEvents(options)), parameter, JSON.stringify(options))
      }
      assert.strictEqual(stub.requests.length, 0)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("maps API errors and malformed events to WorkOSError", () => {
    const stub = eventsOver(Stub.sequence(
      () =>
        Stub.json(
          { message: "Validation failed.", errors: [{ code: "required", field: "events" }] },
          422
        ),
      () =>
        Stub.json({
          object: "list",
          data: [Fixtures.event("dsync.user.created", { id: "directory_user_1" })],
          list_metadata: { after: null }
        })
    ))
    return Effect.gen(function*() {
      const events = yield* Events.Events
      const unprocessable = yield* Effect.flip(events.listEvents())
      assert.strictEqual(unprocessable._tag, "UnprocessableEntityError")
      const decode = yield* Effect.flip(events.listEvents())
      assert.strictEqual(decode._tag, "DecodeError")
      assert.include(decode.message, "directory_id")
    }).pipe(Effect.provide(stub.layer))
  })
})

describe("Events.streamEvents", () => {
  const start = Date.parse("2026-03-01T00:00:00.000Z")
  const second = 1000

  it.effect("catches up across pages in order, asking for asc after the last emitted id", () => {
    const log = eventLog()
    for (let i = 0; i < 250; i++) log.append("dsync.user.created", { at: start + i })
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 60 * second)
      const events = yield* Events.Events
      const received = yield* Stream.runCollect(events.streamEvents().pipe(Stream.take(250)))
      assert.deepStrictEqual(ids(received), log.log.map((e) => e.id))
      assert.deepStrictEqual(
        stub.requests.map((r) => [r.query.after, r.query.limit, r.query.order]),
        [[undefined, "100", "asc"], ["event_00100", "100", "asc"], ["event_00200", "100", "asc"]]
      )
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("keeps polling at the interval and picks up new events, each once", () => {
    const log = eventLog()
    log.append("dsync.group.created", { at: start })
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 10 * second)
      const events = yield* Events.Events
      const received: Array<string> = []
      const fiber = yield* events.streamEvents({ pollInterval: "30 seconds", settleDelay: "2 seconds" }).pipe(
        Stream.runForEach((event) => Effect.sync(() => received.push(event.id))),
        Effect.fork
      )
      yield* TestClock.adjust(0)
      assert.deepStrictEqual(received, ["event_00001"])
      assert.strictEqual(stub.requests.length, 1)

      const now = yield* Clock.currentTimeMillis
      log.append("dsync.group.updated", { at: now + 1 * second })
      log.append("dsync.group.deleted", { at: now + 2 * second })
      yield* TestClock.adjust("29 seconds")
      assert.strictEqual(stub.requests.length, 1)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(received, ["event_00001", "event_00002", "event_00003"])
      assert.strictEqual(stub.requests.length, 2)
      assert.strictEqual(stub.requests[1]!.query.after, "event_00001")

      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(stub.requests.length, 3)
      assert.strictEqual(stub.requests[2]!.query.after, "event_00003")
      assert.deepStrictEqual(received, ["event_00001", "event_00002", "event_00003"])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("holds back events younger than the settle delay, and emits them once they settle", () => {
    const log = eventLog()
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start)
      log.append("dsync.user.created", { at: start - 60 * second })
      log.append("dsync.user.updated", { at: start - 1 * second })
      log.append("dsync.user.deleted", { at: start - 10 * second + 500 })
      const events = yield* Events.Events
      const received: Array<string> = []
      const fiber = yield* events.streamEvents({ pollInterval: "1 second", settleDelay: "5 seconds" }).pipe(
        Stream.runForEach((event) => Effect.sync(() => received.push(`${event.id}@${event.createdAt.epochMillis}`))),
        Effect.fork
      )
      yield* TestClock.adjust(0)
      // Two settled events come out; the fresh one stops the page and the cursor stays before it.
      assert.deepStrictEqual(received, [`event_00001@${start - 60 * second}`, `event_00003@${start - 9500}`])
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(received.length, 2)
      assert.deepStrictEqual(stub.requests.slice(1).map((r) => r.query.after), [
        "event_00003",
        "event_00003",
        "event_00003"
      ])
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(received.slice(2), [`event_00002@${start - 1 * second}`])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("does not skip an event WorkOS shows late: with the settle delay it arrives in order, without it is lost", () => {
    // e1 is created first but its cursor read lags; e2 is visible at once.
    const scenario = (settleDelay: Duration.DurationInput) => {
      const log = eventLog()
      log.append("dsync.user.created", { at: start + 100, visibleAt: start + 3 * second })
      log.append("dsync.user.updated", { at: start + 200 })
      const stub = eventsOver(log.handler)
      return Effect.gen(function*() {
        yield* TestClock.setTime(start + 1 * second)
        const events = yield* Events.Events
        const received: Array<string> = []
        const fiber = yield* events.streamEvents({ pollInterval: "1 second", settleDelay }).pipe(
          Stream.runForEach((event) => Effect.sync(() => received.push(event.id))),
          Effect.fork
        )
        yield* TestClock.adjust("20 seconds")
        yield* Fiber.interrupt(fiber)
        return received
      }).pipe(Effect.provide(stub.layer))
    }
    return Effect.gen(function*() {
      assert.deepStrictEqual(yield* scenario("5 seconds"), ["event_00001", "event_00002"])
      assert.deepStrictEqual(yield* scenario("0 seconds"), ["event_00002"])
    })
  })

  it.effect("resumes from a saved id without repeating or losing anything", () => {
    const log = eventLog()
    for (let i = 0; i < 7; i++) log.append("dsync.group.user_added", { at: start + i * second })
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 60 * second)
      const events = yield* Events.Events
      let saved: string | undefined
      yield* events.streamEvents({ limit: 3, rangeStart: "2026-03-01T00:00:00Z" }).pipe(
        Stream.take(4),
        Stream.runForEach((event) => Effect.sync(() => (saved = event.id)))
      )
      assert.strictEqual(saved, "event_00004")
      const first = stub.requests.length
      const rest = yield* events.streamEvents({ limit: 3, after: saved, rangeStart: "2026-03-01T00:00:00Z" }).pipe(
        Stream.take(3),
        Stream.runCollect
      )
      assert.deepStrictEqual(ids(rest), ["event_00005", "event_00006", "event_00007"])
      // rangeStart only starts a walk that has no cursor yet.
      assert.strictEqual(stub.requests[0]!.query.range_start, "2026-03-01T00:00:00.000Z")
      assert.strictEqual(stub.requests[0]!.query.after, undefined)
      assert.deepStrictEqual(
        stub.requests.slice(first).map((r) => [r.query.after, r.query.range_start]),
        [["event_00004", undefined]]
      )
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("keeps rangeStart while nothing has been emitted", () => {
    const log = eventLog()
    log.append("dsync.user.created", { at: start - 3600 * second })
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const events = yield* Events.Events
      const fiber = yield* events.streamEvents({ rangeStart: DateTime.unsafeMake(start), pollInterval: "1 second" })
        .pipe(
          Stream.runCollect,
          Effect.fork
        )
      yield* TestClock.adjust("2 seconds")
      const sent = stub.requests.map((r) => [r.query.after, r.query.range_start])
      assert.strictEqual(sent.length, 3)
      for (const query of sent) assert.deepStrictEqual(query, [undefined, "2026-03-01T00:00:00.000Z"])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("retries a failed poll through the client without repeating events", () => {
    const log = eventLog()
    for (let i = 0; i < 4; i++) log.append("dsync.user.created", { at: start + i })
    let calls = 0
    const stub = eventsOver(
      (request) => {
        calls++
        return calls === 2 || calls === 3 ? Effect.succeed(Stub.json({ message: "busy" }, 503)) : log.handler(request)
      },
      { retry: Schedule.recurs(3) }
    )
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 60 * second)
      const events = yield* Events.Events
      const received = yield* events.streamEvents({ limit: 2 }).pipe(Stream.take(4), Stream.runCollect)
      assert.deepStrictEqual(ids(received), ["event_00001", "event_00002", "event_00003", "event_00004"])
      assert.deepStrictEqual(stub.requests.map((r) => r.query.after), [
        undefined,
        "event_00002",
        "event_00002",
        "event_00002"
      ])
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("ends with the error once a failure outlasts the retries, after emitting what came before", () => {
    const log = eventLog()
    for (let i = 0; i < 3; i++) log.append("dsync.user.created", { at: start + i })
    const stub = eventsOver((request, index) =>
      index === 0 ? log.handler(request) : Effect.succeed(Stub.json({ message: "down" }, 500))
    )
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 60 * second)
      const events = yield* Events.Events
      const received: Array<string> = []
      const error = yield* events.streamEvents({ limit: 2 }).pipe(
        Stream.runForEach((event) => Effect.sync(() => received.push(event.id))),
        Effect.flip
      )
      assert.strictEqual(error._tag, "ServerError")
      assert.deepStrictEqual(received, ["event_00001", "event_00002"])
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("rejects bad stream options before polling", () => {
    const stub = eventsOver(() => Stub.json(Fixtures.eventsApiPage))
    return Effect.gen(function*() {
      const events = yield* Events.Events
      const parameter = (options: Events.StreamEventsOptions) =>
        invalidParameter(Stream.runDrain(events.streamEvents(options)))
      assert.strictEqual(yield* parameter({ pollInterval: 0 }), "pollInterval")
      // Casts stand for JavaScript callers, whom the types do not stop.
      assert.strictEqual(yield* parameter({ pollInterval: "soon" as "1 second" }), "pollInterval")
      assert.strictEqual(yield* parameter({ settleDelay: "later" as "1 second" }), "settleDelay")
      assert.strictEqual(yield* parameter({ limit: 500 }), "limit")
      assert.strictEqual(yield* parameter({ after: "" }), "after")
      assert.strictEqual(yield* parameter({ rangeStart: "not a time" }), "rangeStart")
      assert.strictEqual(yield* parameter({ events: ["a,b"] }), "events")
      assert.strictEqual(stub.requests.length, 0)
    }).pipe(Effect.provide(stub.layer))
  })

  it.effect("fetches lazily: a consumer that takes one page makes one request", () => {
    const log = eventLog()
    for (let i = 0; i < 30; i++) log.append("dsync.user.created", { at: start + i })
    const stub = eventsOver(log.handler)
    return Effect.gen(function*() {
      yield* TestClock.setTime(start + 60 * second)
      const events = yield* Events.Events
      const first = yield* events.streamEvents({ limit: 10 }).pipe(Stream.take(10), Stream.runCollect)
      assert.strictEqual(Chunk.size(first), 10)
      assert.strictEqual(stub.requests.length, 1)
    }).pipe(Effect.provide(stub.layer))
  })
})
