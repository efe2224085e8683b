// Runs as an ES module in the consumer project. The real client streams users three ways:
//   1. over a stubbed HttpClient (only the core and @effect/platform involved; two pages, so the cursor is followed);
//   2. through the testing package's DirectorySyncTest.layer, on a generated fake;
//   3. over fetch, against the testing package's localhost server (`@effect-workos/testing/Server`, platform-node).
import { DirectorySync, WorkOSClient } from "@effect-workos/core"
import { DirectorySyncTest, FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as assert from "node:assert/strict"

const emailsOf = (directory) =>
  Effect.gen(function*() {
    const directorySync = yield* DirectorySync.DirectorySync
    const emails = yield* directorySync.streamUsers({ directory }).pipe(Stream.map((u) => u.email), Stream.runCollect)
    return Chunk.toReadonlyArray(emails)
  })

// 1. stubbed HttpClient
const user = (i) => ({
  object: "directory_user",
  id: `directory_user_${i}`,
  directory_id: "directory_smoke",
  organization_id: "org_smoke",
  idp_id: `idp_${i}`,
  email: `user${i}@example.com`,
  first_name: "Smoke",
  last_name: `User ${i}`,
  state: "active",
  custom_attributes: {},
  raw_attributes: {},
  created_at: "2024-01-15T10:30:00.000Z",
  updated_at: "2024-01-15T10:30:00.000Z"
})
const pages = {
  first: { object: "list", data: [user(1), user(2)], list_metadata: { before: null, after: "directory_user_2" } },
  directory_user_2: { object: "list", data: [user(3)], list_metadata: { before: "directory_user_3", after: null } }
}
const requests = []
const StubHttpClient = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request, url) => {
    requests.push(`${request.method} ${url.pathname}?${url.searchParams}`)
    const body = pages[url.searchParams.get("after") ?? "first"]
    return Effect.succeed(HttpClientResponse.fromWeb(request, Response.json(body)))
  })
)
const stubbed = await emailsOf("directory_smoke").pipe(
  Effect.provide(DirectorySync.layer.pipe(
    Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make("sk_test_smoke"), baseUrl: "https://api.workos.test" })),
    Layer.provide(StubHttpClient)
  )),
  Effect.runPromise
)
assert.deepEqual(stubbed, ["user1@example.com", "user2@example.com", "user3@example.com"])
assert.equal(requests.length, 2, `expected two page requests, got ${JSON.stringify(requests)}`)
console.log(`ESM, stubbed HttpClient: ${stubbed.length} users in ${requests.length} requests`)

// 2. and 3. on a generated fake
const seed = Generators.generate({ directories: 2, usersPerDirectory: 120 })
const directory = seed.directories[1].id
const expected = seed.users.filter((u) => u.directoryId === directory).map((u) => u.email).sort()
assert.equal(expected.length, 120)

const inMemory = await emailsOf(directory).pipe(Effect.provide(DirectorySyncTest.layer(seed)), Effect.runPromise)
assert.deepEqual([...inMemory].sort(), expected)
console.log(`ESM, DirectorySyncTest.layer: ${inMemory.length} users of ${directory}`)

const OverHttp = Layer.unwrapEffect(Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const server = yield* Server.FakeServer
  return DirectorySync.layer.pipe(
    Layer.provide(WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl: server.baseUrl })),
    Layer.provide(FetchHttpClient.layer)
  )
})).pipe(Layer.provide(Server.layer()), Layer.provide(FakeWorkOS.layer(seed)))
const overHttp = await emailsOf(directory).pipe(Effect.provide(OverHttp), Effect.runPromise)
assert.deepEqual([...overHttp].sort(), expected)
console.log(`ESM, fetch against the localhost server: ${overHttp.length} users`)

// 4. the mirror: the same fake copied into a SQLite file, then compared
const { DirectoryMirror, SqlMirrorStore } = await import("@effect-workos/sync")
const Sqlite = await import("@effect-workos/sync/Sqlite")
const { Events } = await import("@effect-workos/core")
const Os = await import("node:os")
const Fs = await import("node:fs")
const Path = await import("node:path")
const dbDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "smoke-mirror-"))
const Mirror = DirectoryMirror.layer({ settleDelay: 0 }).pipe(
  Layer.provideMerge(SqlMirrorStore.layer()),
  Layer.provide(Sqlite.layer({ filename: Path.join(dbDir, "mirror.db") })),
  Layer.provideMerge(Events.layer),
  Layer.provideMerge(DirectorySyncTest.layer(seed))
)
const mirrored = await Effect.gen(function*() {
  const mirror = yield* DirectoryMirror.DirectoryMirror
  yield* mirror.catchUp
  const status = yield* mirror.status
  return status.directories.map((d) => d.counts.users)
}).pipe(Effect.provide(Mirror), Effect.runPromise)
Fs.rmSync(dbDir, { recursive: true, force: true })
assert.deepEqual(mirrored, [120, 120])
console.log(`ESM, @effect-workos/sync into SQLite: ${mirrored.join(" + ")} users mirrored`)
