// Runs as an ES module in the consumer project: the real client streams users over a stubbed HttpClient
// (two pages, so the cursor is followed), and the testing package's entry loads next to it.
import { DirectorySync, WorkOSClient } from "@effect-workos/core"
import * as Testing from "@effect-workos/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as assert from "node:assert/strict"

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
const StubWorkOS = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request, url) => {
    requests.push(`${request.method} ${url.pathname}?${url.searchParams}`)
    const body = pages[url.searchParams.get("after") ?? "first"]
    return Effect.succeed(
      HttpClientResponse.fromWeb(request, Response.json(body, { headers: { "x-request-id": "req_smoke" } }))
    )
  })
)

const WorkOS = DirectorySync.layer.pipe(
  Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make("sk_test_smoke"), baseUrl: "https://api.workos.test" })),
  Layer.provide(StubWorkOS)
)

const emails = await Effect.gen(function*() {
  const directorySync = yield* DirectorySync.DirectorySync
  return yield* directorySync.streamUsers({ directory: "directory_smoke" }).pipe(
    Stream.map((user) => user.email),
    Stream.runCollect
  )
}).pipe(Effect.provide(WorkOS), Effect.runPromise)

assert.deepEqual(Chunk.toReadonlyArray(emails), ["user1@example.com", "user2@example.com", "user3@example.com"])
assert.equal(requests.length, 2, `expected two page requests, got ${JSON.stringify(requests)}`)
assert.equal(typeof Testing, "object")
console.log(
  `ESM: streamed ${emails.length} users in ${requests.length} requests; testing exports: ${
    Object.keys(Testing).join(", ") || "(none yet)"
  }`
)
