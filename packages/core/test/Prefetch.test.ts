import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as DirectorySync from "../src/DirectorySync.js"
import * as WorkOSError from "../src/WorkOSError.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import * as StubHttp from "./utils/StubHttp.js"

const userId = (page: number, index: number) => `directory_user_${page}_${index}`

/**
 * `pages` pages of `size` users; page `n` (1-based) is served for `after=page_{n-1}`.
 * `latency` is how long each answer takes, on the Clock.
 */
const directory = (pages: number, size: number, latency: (page: number) => Duration.DurationInput = () => 0) => {
  const expected = Array.from({ length: pages }, (_, p) => Array.from({ length: size }, (_, i) => userId(p + 1, i)))
    .flat()
  const stub = StubHttp.directorySync((request) => {
    const page = request.query.after === undefined ? 1 : Number(request.query.after.slice("page_".length)) + 1
    const body = {
      object: "list",
      data: Array.from({ length: size }, (_, i) => DirectoryUser.make(userId(page, i))),
      list_metadata: { before: null, after: page < pages ? `page_${page}` : null }
    }
    return Effect.as(Effect.sleep(latency(page)), StubHttp.json(body))
  })
  return { ...stub, expected }
}

const pageOf = (id: string) => Number(id.split("_")[2])

const streamUsers = (options: DirectorySync.ListUsersOptions & { readonly prefetch?: number | undefined }) =>
  Stream.unwrap(Effect.map(DirectorySync.DirectorySync, (ds) => ds.streamUsers(options)))

describe("Pagination prefetch", () => {
  for (const prefetch of [0, 1, 3]) {
    it.effect(`prefetch ${prefetch}: never more than ${prefetch} pages ahead of a slow consumer`, () =>
      Effect.gen(function*() {
        const pages = 8
        const { layer, requests } = directory(pages, 5)
        // [pages the consumer has taken, requests sent] at the start and end of each page.
        const seen: Array<readonly [number, number]> = []
        const fiber = yield* streamUsers({ directory: "directory_1", prefetch }).pipe(
          Stream.tap((user) =>
            Effect.gen(function*() {
              const page = pageOf(user.id)
              const first = user.id.endsWith("_0")
              if (first) seen.push([page, requests.length])
              yield* Effect.sleep("1 second")
              if (user.id.endsWith("_4")) seen.push([page, requests.length])
            })
          ),
          Stream.runDrain,
          Effect.provide(layer),
          Effect.fork
        )
        yield* TestClock.adjust("1 minute")
        yield* Fiber.join(fiber)
        assert.strictEqual(requests.length, pages)
        assert.strictEqual(seen.length, 2 * pages)
        for (const [taken, sent] of seen) {
          assert.isAtMost(sent, taken + prefetch, `page ${taken}: ${sent} requests`)
        }
        // And it does run ahead: by the end of each page, the pages ahead are on their way.
        for (const [taken, sent] of seen.filter((_, i) => i % 2 === 1)) {
          assert.strictEqual(sent, Math.min(pages, taken + prefetch), `end of page ${taken}`)
        }
        // Pages are asked for one after the other, each with the previous cursor.
        assert.deepStrictEqual(
          requests.map((r) => r.query.after),
          [undefined, ...Array.from({ length: pages - 1 }, (_, i) => `page_${i + 1}`)]
        )
      }))
  }

  for (const prefetch of [0, 1, 3]) {
    it.effect(`prefetch ${prefetch}: a slow, uneven consumer gets every item once, in order`, () =>
      Effect.gen(function*() {
        const pages = 7
        const { expected, layer } = directory(pages, 4, (page) => Duration.millis((page * 37) % 150))
        let seen = 0
        const fiber = yield* streamUsers({ directory: "directory_1", prefetch }).pipe(
          Stream.mapEffect((user) => Effect.as(Effect.sleep(Duration.millis((seen++ * 53) % 200)), user.id)),
          Stream.runCollect,
          Effect.provide(layer),
          Effect.fork
        )
        yield* TestClock.adjust("1 minute")
        const ids = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
        assert.deepStrictEqual(ids, expected)
      }))
  }

  // Network 100 ms a page, consumer 100 ms a page, 10 pages.
  for (const [prefetch, elapsed] of [[0, 2000], [1, 1100], [3, 1100]] as const) {
    it.effect(`prefetch ${prefetch}: 10 pages take ${elapsed} ms of network plus consumer time`, () =>
      Effect.gen(function*() {
        const { layer } = directory(10, 10, () => "100 millis")
        const fiber = yield* streamUsers({ directory: "directory_1", prefetch }).pipe(
          Stream.tap(() => Effect.sleep("10 millis")),
          Stream.runCount,
          Effect.zipRight(Clock.currentTimeMillis),
          Effect.provide(layer),
          Effect.fork
        )
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(yield* Fiber.join(fiber), elapsed)
      }))
  }

  for (const prefetch of [undefined, 1, 3]) {
    it.effect(`prefetch ${prefetch ?? "default"}: take(5) on a 100-item page makes one request`, () =>
      Effect.gen(function*() {
        const { layer, requests } = directory(5, 100)
        const users = yield* streamUsers({ directory: "directory_1", prefetch }).pipe(
          Stream.take(5),
          Stream.runCollect,
          Effect.provide(layer)
        )
        assert.deepStrictEqual(
          Chunk.toReadonlyArray(Chunk.map(users, (user) => user.id)),
          [0, 1, 2, 3, 4].map((i) => userId(1, i))
        )
        assert.strictEqual(requests.length, 1)
      }))
  }
})

describe("Pagination prefetch option", () => {
  for (const prefetch of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it.effect(`prefetch ${prefetch}: InvalidParameterError naming prefetch, nothing sent`, () =>
      Effect.gen(function*() {
        const { layer, requests } = directory(2, 5)
        const error = yield* streamUsers({ directory: "directory_1", prefetch }).pipe(
          Stream.runDrain,
          Effect.flip,
          Effect.provide(layer)
        )
        assert.instanceOf(error, WorkOSError.InvalidParameterError)
        assert.strictEqual(error.parameter, "prefetch")
        assert.strictEqual(requests.length, 0)
      }))
  }
})
