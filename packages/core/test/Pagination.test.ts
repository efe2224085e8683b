import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import type * as DirectorySync from "../src/DirectorySync.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as Directory from "./fixtures/Directory.js"
import * as DirectoryGroup from "./fixtures/DirectoryGroup.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import { ids, list, paginate } from "./fixtures/List.js"
import { tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

const collectIds = <E>(stream: Stream.Stream<{ readonly id: string }, E>) =>
  Effect.map(Stream.runCollect(stream), (items) => Chunk.toArray(items).map((item) => item.id))

// The cursor each request asked for.
const cursors = (requests: ReadonlyArray<Stub.Recorded>) =>
  requests.map(({ query }) =>
    query.after !== undefined ? `after:${query.after}` : query.before !== undefined ? `before:${query.before}` : "start"
  )

interface Walk {
  readonly name: string
  readonly render: (id: string) => unknown
  readonly stream: (
    ds: DirectorySync.Service,
    options: { readonly limit?: number; readonly before?: string; readonly after?: string }
  ) => Stream.Stream<{ readonly id: string }, WorkOSError.WorkOSError>
  /** The filters the stream is given, as sent on the wire. */
  readonly filters: Record<string, string>
}

// The same walk behaviour, run against each of the three streams.
const walks: ReadonlyArray<Walk> = [
  {
    name: "streamUsers",
    render: (id) => DirectoryUser.make(id),
    stream: (ds, options) =>
      ds.streamUsers({ directory: "directory_01", group: "directory_group_01", order: "asc", ...options }),
    filters: { directory: "directory_01", group: "directory_group_01", order: "asc" }
  },
  {
    name: "streamDirectories",
    render: Directory.make,
    stream: (ds, options) =>
      ds.streamDirectories({ organizationId: "org_01", search: "Foo", order: "desc", ...options }),
    filters: { organization_id: "org_01", search: "Foo", order: "desc" }
  },
  {
    name: "streamGroups",
    render: DirectoryGroup.make,
    stream: (ds, options) => ds.streamGroups({ user: "directory_user_01", order: "desc", ...options }),
    filters: { user: "directory_user_01", order: "desc" }
  }
]

describe("Pagination through DirectorySync streams", () => {
  for (const walk of walks) {
    describe(walk.name, () => {
      it.effect("walks forward by after, 100 a page, until the cursor is null", () => {
        const all = ids("item", 250)
        return Stub.run(paginate(all, walk.render), (ds, requests) =>
          Effect.gen(function*() {
            assert.deepStrictEqual(yield* collectIds(walk.stream(ds, {})), all)
            assert.deepStrictEqual(cursors(requests), ["start", "after:item_99", "after:item_199"])
            for (const request of requests) assert.strictEqual(request.query.limit, "100")
          }))
      })

      it.effect("repeats the filters on every page", () =>
        Stub.run(paginate(ids("item", 25), walk.render), (ds, requests) =>
          Effect.gen(function*() {
            yield* Stream.runDrain(walk.stream(ds, { limit: 10 }))
            assert.strictEqual(requests.length, 3)
            for (const request of requests) {
              const { after: _, ...rest } = request.query
              assert.deepStrictEqual(rest, { ...walk.filters, limit: "10" })
            }
          })))

      it.effect("asks for `limit` a page when given", () =>
        Stub.run(paginate(ids("item", 20), walk.render), (ds, requests) =>
          Effect.gen(function*() {
            assert.strictEqual((yield* collectIds(walk.stream(ds, { limit: 7 }))).length, 20)
            assert.deepStrictEqual(requests.map((r) => r.query.limit), ["7", "7", "7"])
          })))

      it.effect("starts after the given cursor", () =>
        Stub.run(paginate(ids("item", 30), walk.render), (ds, requests) =>
          Effect.gen(function*() {
            assert.deepStrictEqual(yield* collectIds(walk.stream(ds, { after: "item_24" })), ids("item", 30).slice(25))
            assert.deepStrictEqual(cursors(requests), ["after:item_24"])
          })))

      it.effect("walks backward by before when started with before", () => {
        const all = ids("item", 300)
        return Stub.run(paginate(all, walk.render), (ds, requests) =>
          Effect.gen(function*() {
            const items = yield* collectIds(walk.stream(ds, { before: "item_250" }))
            assert.deepStrictEqual(items, [...all.slice(150, 250), ...all.slice(50, 150), ...all.slice(0, 50)])
            assert.deepStrictEqual(cursors(requests), ["before:item_250", "before:item_150", "before:item_50"])
            for (const request of requests) assert.isUndefined(request.query.after)
          }))
      })

      it.effect("is lazy: nothing is sent before the stream runs, take(5) of a 100-item page makes one request", () =>
        Stub.run(paginate(ids("item", 1000), walk.render), (ds, requests) =>
          Effect.gen(function*() {
            const stream = walk.stream(ds, {})
            yield* TestClock.adjust("1 second")
            assert.strictEqual(requests.length, 0)
            const items = yield* collectIds(Stream.take(stream, 5))
            assert.deepStrictEqual(items, ids("item", 5))
            // Give anything left behind time to run before counting.
            yield* TestClock.adjust("1 minute")
            assert.strictEqual(requests.length, 1)
          })))

      it.effect("an empty list is one request and no items", () =>
        Stub.run(() => Stub.json(list([])), (ds, requests) =>
          Effect.gen(function*() {
            assert.deepStrictEqual(yield* collectIds(walk.stream(ds, {})), [])
            assert.strictEqual(requests.length, 1)
          })))
    })
  }

  it.effect("a page failing twice (503) mid-stream is retried alone: every item once, in order, no restart", () => {
    const all = ids("directory_user", 250)
    const serve = paginate(all, (id) => DirectoryUser.make(id))
    let failures = 0
    const handler: Stub.Handler = (request) =>
      request.query.after === "directory_user_99" && failures++ < 2
        ? Stub.json({ message: "unavailable" }, 503)
        : serve(request)
    return Stub.run(handler, (ds, requests) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(collectIds(ds.streamUsers({ directory: "directory_01" })))
        yield* TestClock.adjust("1 minute")
        const items = yield* Fiber.join(fiber)
        assert.deepStrictEqual(items, all)
        assert.strictEqual(new Set(items).size, 250)
        assert.deepStrictEqual(cursors(requests), [
          "start",
          "after:directory_user_99",
          "after:directory_user_99",
          "after:directory_user_99",
          "after:directory_user_199"
        ])
      }), { retry: undefined })
  })

  it.effect("a page that keeps failing ends the stream with its error after the items before it", () => {
    const serve = paginate(ids("directory_group", 150), DirectoryGroup.make)
    const handler: Stub.Handler = (request) =>
      request.query.after === undefined ? serve(request) : Stub.json({ message: "Directory not found" }, 404)
    return Stub.run(handler, (ds, requests) =>
      Effect.gen(function*() {
        const results = Chunk.toArray(
          yield* Stream.runCollect(Stream.either(ds.streamGroups({ directory: "directory_01" })))
        )
        assert.strictEqual(results.filter(Either.isRight).length, 100)
        const last = results[results.length - 1]!
        assert.isTrue(Either.isLeft(last))
        if (Either.isLeft(last)) tagged(last.left, "NotFoundError")
        assert.strictEqual(requests.length, 2)
      }))
  })

  describe("in normal order (newest first, reversed cursors)", () => {
    // `before=X` gives the older records that follow X in the list, `after=X` the newer ones preceding it.
    const serveNormal = (all: ReadonlyArray<string>) => (request: Stub.Recorded): Response => {
      const limit = Number(request.query.limit ?? "10")
      const { after, before } = request.query
      const start = before !== undefined
        ? all.indexOf(before) + 1
        : after !== undefined
        ? Math.max(0, all.indexOf(after) - limit)
        : 0
      const end = after !== undefined ? all.indexOf(after) : start + limit
      const page = all.slice(start, Math.min(end, start + limit))
      return Stub.json(list(page.map(DirectoryGroup.make), {
        before: start + page.length < all.length ? page[page.length - 1]! : null,
        after: start > 0 ? page[0]! : null
      }))
    }

    it.effect("walks onward by before, the cursor that leads to older records", () => {
      const all = ids("directory_group", 25)
      return Stub.run(serveNormal(all), (ds, requests) =>
        Effect.gen(function*() {
          assert.deepStrictEqual(
            yield* collectIds(ds.streamGroups({ directory: "directory_01", order: "normal", limit: 10 })),
            all
          )
          assert.deepStrictEqual(cursors(requests), ["start", "before:directory_group_9", "before:directory_group_19"])
        }))
    })

    it.effect("walks toward newer records by after when started with after", () => {
      const all = ids("directory_group", 25)
      return Stub.run(serveNormal(all), (ds, requests) =>
        Effect.gen(function*() {
          const items = yield* collectIds(
            ds.streamGroups({ directory: "directory_01", order: "normal", limit: 10, after: "directory_group_20" })
          )
          assert.deepStrictEqual(items, [...all.slice(10, 20), ...all.slice(0, 10)])
          assert.deepStrictEqual(cursors(requests), ["after:directory_group_20", "after:directory_group_10"])
        }))
    })
  })
})
