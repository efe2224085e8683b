/**
 * Streams every user of a directory through the real client, over an
 * in-memory HttpClient that answers like WorkOS. (Replaced by the localhost
 * fake demo once the testing package lands.)
 */
import { DirectorySync, WorkOSClient } from "@effect-workos/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

const users = Array.from({ length: 250 }, (_, i) => ({
  object: "directory_user",
  id: `directory_user_${String(i).padStart(4, "0")}`,
  directory_id: "directory_demo",
  organization_id: "org_demo",
  idp_id: `idp_${i}`,
  email: `user${i}@example.com`,
  first_name: "Demo",
  last_name: `User ${i}`,
  state: i % 10 === 0 ? "inactive" : "active",
  custom_attributes: {},
  raw_attributes: {},
  created_at: "2024-01-15T10:30:00.000Z",
  updated_at: "2024-01-15T10:30:00.000Z"
}))

const InMemoryWorkOS = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request, url) => {
    const limit = Number(url.searchParams.get("limit") ?? 10)
    const after = url.searchParams.get("after")
    const start = after === null ? 0 : users.findIndex((u) => u.id === after) + 1
    const data = users.slice(start, start + limit)
    const more = start + data.length < users.length
    const body = { object: "list", data, list_metadata: { before: null, after: more ? data.at(-1)!.id : null } }
    return Effect.succeed(HttpClientResponse.fromWeb(request, Response.json(body)))
  })
)

const program = Effect.gen(function*() {
  const directorySync = yield* DirectorySync.DirectorySync
  const count = yield* directorySync.streamUsers({ directory: "directory_demo" }).pipe(
    Stream.runFold({ active: 0, inactive: 0 }, (acc, user) =>
      user.state === "active" ? { ...acc, active: acc.active + 1 } : { ...acc, inactive: acc.inactive + 1 })
  )
  yield* Console.log(`Streamed ${count.active + count.inactive} users: ${count.active} active, ${count.inactive} inactive`)
})

program.pipe(
  Effect.provide(DirectorySync.layer.pipe(
    Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make("sk_test_demo"), baseUrl: "https://api.workos.test" })),
    Layer.provide(InMemoryWorkOS)
  )),
  Effect.runPromise
)
