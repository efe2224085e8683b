/**
 * Cursors a server hands out that no walk can follow: one it already gave
 * (the walk would page forever), and an empty string (the end of the list).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type * as DirectorySync from "../src/DirectorySync.js"
import * as Events from "../src/Events.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as Directory from "./fixtures/Directory.js"
import * as DirectoryGroup from "./fixtures/DirectoryGroup.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import * as Fixtures from "./fixtures/events.js"
import { list } from "./fixtures/List.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

type Walk = (
  ds: DirectorySync.Service,
  options: { readonly after?: string; readonly order?: "asc" | "normal" }
) => Stream.Stream<{ readonly id: string }, WorkOSError.WorkOSError>

const walks: ReadonlyArray<readonly [string, string, (id: string) => unknown, Walk]> = [
  ["streamDirectories", "/directories", Directory.make, (ds, o) => ds.streamDirectories(o)],
  [
    "streamUsers",
    "/directory_users",
    DirectoryUser.make,
    (ds, o) => ds.streamUsers({ directory: "directory_01", ...o })
  ],
  [
    "streamGroups",
    "/directory_groups",
    DirectoryGroup.make,
    (ds, o) => ds.streamGroups({ directory: "directory_01", ...o })
  ]
]

const ids = <E>(stream: Stream.Stream<{ readonly id: string }, E>) =>
  Effect.map(Stream.runCollect(stream), (items) => Chunk.toArray(items).map((item) => item.id))

describe("a server that repeats a cursor", () => {
  for (const [name, path, render, walk] of walks) {
    it.effect(`${name}: the same after on every page is a DecodeError, not an endless walk`, () =>
      Stub.run(
        () => Stub.json(list([render("item_1")], { after: "item_1" })),
        (ds, requests) =>
          Effect.gen(function*() {
            const error = tagged(yield* failure(Stream.runDrain(walk(ds, {}))), "DecodeError")
            assert.strictEqual(error.path, path)
            assert.include(error.message, "list_metadata.after")
            assert.strictEqual(requests.length, 2)
          })
      ))

    it.effect(`${name}: a cycle back to an earlier cursor is a DecodeError`, () =>
      Stub.run(
        Stub.sequence(
          () => Stub.json(list([render("a")], { after: "a" })),
          () => Stub.json(list([render("b")], { after: "b" })),
          () => Stub.json(list([render("c")], { after: "a" }))
        ),
        (ds, requests) =>
          Effect.gen(function*() {
            tagged(yield* failure(Stream.runDrain(walk(ds, {}))), "DecodeError")
            assert.strictEqual(requests.length, 3)
          })
      ))

    it.effect(`${name}: the cursor the walk started from, handed back, is a DecodeError`, () =>
      Stub.run(
        () => Stub.json(list([render("x")], { after: "start" })),
        (ds, requests) =>
          Effect.gen(function*() {
            tagged(yield* failure(Stream.runDrain(walk(ds, { after: "start" }))), "DecodeError")
            assert.strictEqual(requests.length, 1)
          })
      ))

    it.effect(`${name}: in normal order the walk follows before, and a repeated before is a DecodeError`, () =>
      Stub.run(
        () => Stub.json(list([render("item_1")], { before: "item_1", after: "item_1" })),
        (ds) =>
          Effect.gen(function*() {
            const error = tagged(yield* failure(Stream.runDrain(walk(ds, { order: "normal" }))), "DecodeError")
            assert.include(error.message, "list_metadata.before")
          })
      ))

    it.effect(`${name}: a stream run twice starts afresh each time`, () =>
      Stub.run(
        Stub.sequence(
          () => Stub.json(list([render("a")], { after: "a" })),
          () => Stub.json(list([render("b")])),
          () => Stub.json(list([render("a")], { after: "a" })),
          () => Stub.json(list([render("b")]))
        ),
        (ds) =>
          Effect.gen(function*() {
            const stream = walk(ds, {})
            assert.deepStrictEqual(yield* ids(stream), ["a", "b"])
            assert.deepStrictEqual(yield* ids(stream), ["a", "b"])
          })
      ))

    it.effect(`${name}: an empty-string after in list_metadata ends the list`, () =>
      Stub.run(
        Stub.sequence(
          () => Stub.json(list([render("a")], { after: "a" })),
          () => Stub.json({ object: "list", data: [render("b")], list_metadata: { before: "", after: "" } })
        ),
        (ds, requests) =>
          Effect.gen(function*() {
            assert.deepStrictEqual(yield* ids(walk(ds, {})), ["a", "b"])
            assert.strictEqual(requests.length, 2)
          })
      ))
  }

  it.effect("listDirectories reads an empty-string cursor as null", () =>
    Stub.run(
      () => Stub.json({ object: "list", data: [], list_metadata: { before: "", after: "" } }),
      (ds) =>
        Effect.gen(function*() {
          const page = yield* ds.listDirectories()
          assert.strictEqual(page.listMetadata.after, null)
          assert.strictEqual(page.listMetadata.before, null)
        })
    ))
})

describe("an events server that ignores after", () => {
  it.effect("streamEvents fails with a DecodeError instead of emitting the same events again", () => {
    const old = (id: string) =>
      Fixtures.event("dsync.user.created", Fixtures.dataFor("dsync.user.created"), {
        id,
        created_at: "1969-12-01T00:00:00.000Z"
      })
    const stub = Stub.make(() =>
      Stub.json({ object: "list", data: [old("event_1"), old("event_2")], list_metadata: { after: "event_2" } })
    )
    return Effect.gen(function*() {
      const events = yield* Events.Events
      const error = tagged(yield* failure(Stream.runDrain(events.streamEvents({ limit: 2 }))), "DecodeError")
      assert.strictEqual(error.path, "/events")
      assert.strictEqual(stub.requests.length, 2)
    }).pipe(Effect.provide(Events.layer.pipe(
      Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make(Stub.apiKey), retry: false, rateLimit: false })),
      Layer.provide(stub.layer)
    )))
  })
})
