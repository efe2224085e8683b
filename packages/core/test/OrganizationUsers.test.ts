import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as DirectorySync from "../src/DirectorySync.js"
import * as WorkOSError from "../src/WorkOSError.js"
import * as Directory from "./fixtures/Directory.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import * as StubHttp from "./utils/StubHttp.js"

// The fixtures' payloads, placed in the directory under test.
const wireUser = (directory: string, id: string) => ({ ...DirectoryUser.make(id), directory_id: directory })

/**
 * An organization whose directories each hold `pages` pages of `size` users,
 * every page answering after 100 ms. `listed` is the directory list as
 * WorkOS returns it, in pages of two.
 */
const organization = (listed: ReadonlyArray<string>, pages: number, size: number) => {
  // Per directory: [time of its first user request, time its last page was answered].
  const spans = new Map<string, [number, number]>()
  const stub = StubHttp.directorySync((request) =>
    Effect.gen(function*() {
      if (request.path === "/directories") {
        const start = request.query.after === undefined ? 0 : Number(request.query.after)
        const data = listed.slice(start, start + 2).map((id) => Directory.make(id))
        const after = start + 2 < listed.length ? String(start + 2) : null
        return StubHttp.json({ object: "list", data, list_metadata: { before: null, after } })
      }
      const directory = request.query.directory!
      const page = request.query.after === undefined ? 1 : Number(request.query.after) + 1
      const start = yield* Clock.currentTimeMillis
      yield* Effect.sleep("100 millis")
      spans.set(directory, [spans.get(directory)?.[0] ?? start, start + 100])
      return StubHttp.json({
        object: "list",
        data: Array.from({ length: size }, (_, i) => wireUser(directory, `${directory}_user_${page}_${i}`)),
        list_metadata: { before: null, after: page < pages ? String(page) : null }
      })
    })
  )
  return { ...stub, spans }
}

/** The most directories being streamed at one time. */
const mostAtOnce = (spans: ReadonlyArray<readonly [number, number]>) =>
  Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length))

describe("DirectorySync.streamOrganizationUsers", () => {
  for (const concurrency of [1, 2, 3]) {
    it.effect(`concurrency ${concurrency}: every user of every directory once, at most ${concurrency} directories at a time`, () =>
      Effect.gen(function*() {
        const directories = ["directory_a", "directory_b", "directory_c", "directory_d", "directory_e"]
        const { layer, requests, spans } = organization(directories, 3, 4)
        const fiber = yield* DirectorySync.streamOrganizationUsers({ organizationId: "org_1", concurrency }).pipe(
          Stream.map((user) => user.id),
          Stream.runCollect,
          Effect.provide(layer),
          Effect.fork
        )
        yield* TestClock.adjust("1 minute")
        const ids = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
        const expected = directories.flatMap((d) =>
          [1, 2, 3].flatMap((page) => [0, 1, 2, 3].map((i) => `${d}_user_${page}_${i}`))
        )
        assert.strictEqual(ids.length, expected.length)
        assert.deepStrictEqual([...ids].sort(), [...expected].sort())
        // Within a directory, the list order is kept.
        for (const d of directories) {
          assert.deepStrictEqual(ids.filter((id) => id.startsWith(d)), expected.filter((id) => id.startsWith(d)))
        }
        assert.strictEqual(mostAtOnce([...spans.values()]), concurrency)
        assert.deepStrictEqual(
          requests.filter((r) => r.path === "/directories").map((r) => r.query.organization_id),
          ["org_1", "org_1", "org_1"]
        )
      }))
  }

  it.effect("a directory listed twice is streamed once", () =>
    Effect.gen(function*() {
      const { layer, requests } = organization(["directory_a", "directory_b", "directory_a"], 1, 2)
      const fiber = yield* DirectorySync.streamOrganizationUsers({ organizationId: "org_1" }).pipe(
        Stream.map((user) => user.id),
        Stream.runCollect,
        Effect.provide(layer),
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      const ids = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      assert.deepStrictEqual([...ids].sort(), [
        "directory_a_user_1_0",
        "directory_a_user_1_1",
        "directory_b_user_1_0",
        "directory_b_user_1_1"
      ])
      assert.strictEqual(requests.filter((r) => r.path === "/directory_users").length, 2)
    }))

  for (
    const [name, options, parameter] of [
      ["an empty organizationId", { organizationId: "" }, "organizationId"],
      ["concurrency 0", { organizationId: "org_1", concurrency: 0 }, "concurrency"],
      ["concurrency 1.5", { organizationId: "org_1", concurrency: 1.5 }, "concurrency"]
    ] as const
  ) {
    it.effect(`${name}: InvalidParameterError naming ${parameter}, nothing sent`, () =>
      Effect.gen(function*() {
        const { layer, requests } = organization(["directory_a"], 1, 1)
        const error = yield* DirectorySync.streamOrganizationUsers(options).pipe(
          Stream.runDrain,
          Effect.flip,
          Effect.provide(layer)
        )
        assert.instanceOf(error, WorkOSError.InvalidParameterError)
        assert.strictEqual(error.parameter, parameter)
        assert.strictEqual(requests.length, 0)
      }))
  }
})
