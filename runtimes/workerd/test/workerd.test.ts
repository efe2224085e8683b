/**
 * The built core inside workerd, Cloudflare's Workers runtime, through
 * miniflare: the Worker in `src/worker.ts`, bundled against
 * `packages/core/dist`, verifies webhook deliveries that the testing package's
 * `WebhookSigner` signs and posts over real HTTP, and counts the users of
 * directories served by the localhost fake, over `fetch` from inside workerd.
 *
 * Runs after `pnpm build` (`pnpm test-workerd`), not in `pnpm test`.
 */
import { FakeWorkOS, Generators, WebhookSigner } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, expect, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { Miniflare } from "miniflare"
import { bundle } from "./bundle.js"

const webhookSecret = "whsec_workerd_test"
const usersPerDirectory = 250

class Worker extends Context.Tag("@effect-workos/runtime-workerd/test/workerd.test/Worker")<Worker, {
  /** The Worker's origin on localhost, e.g. `http://127.0.0.1:8787`. */
  readonly url: string
}>() {}

// The Worker in workerd, bound to the fake's address and key, for as long as the layer lives.
const WorkerLive = Layer.scoped(
  Worker,
  Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const server = yield* Server.FakeServer
    const { code } = yield* bundle
    const apiKey = yield* fake.apiKey
    const miniflare = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new Miniflare({
          modules: true,
          script: code,
          // No `nodejs_compat` flag: a Node built-in in the bundle could not load.
          compatibilityDate: "2026-04-01",
          bindings: {
            WORKOS_API_KEY: Redacted.value(apiKey),
            WORKOS_BASE_URL: server.baseUrl,
            WORKOS_WEBHOOK_SECRET: webhookSecret
          }
        })
      ),
      (miniflare) => Effect.promise(() => miniflare.dispose())
    )
    const ready = yield* Effect.promise(() => miniflare.ready)
    return { url: ready.origin }
  })
)

const TestLayer = WorkerLive.pipe(
  Layer.provideMerge(Server.layer()),
  Layer.provideMerge(FakeWorkOS.layer(Generators.generate({ seed: 15, directories: 2, usersPerDirectory }))),
  Layer.merge(FetchHttpClient.layer)
)

const post = (url: string, body: string, headers: Readonly<Record<string, string>>) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.bodyText(body, "application/json"),
        HttpClientRequest.setHeaders(headers)
      )
    )).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
      Effect.scoped
    )

// A directory of its own, so the counting test's directories never change under it.
const recordChanges = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const directory = yield* fake.addDirectory({ name: "Webhook Co" })
  const ada = yield* fake.addUser({ directoryId: directory.id, firstName: "Ada", lastName: "Lovelace" })
  yield* fake.addUser({ directoryId: directory.id, firstName: "Alan", lastName: "Turing" })
  yield* fake.updateUser(ada.id, { state: "inactive" })
  yield* fake.removeUser(ada.id)
  const events = yield* fake.events
  return events.filter((event) => JSON.stringify(event.data).includes(directory.id))
})

const CountResponse = Schema.Struct({ users: Schema.Number })

// Live services: deliveries are signed and checked against the real clock.
describe("the built core in workerd (miniflare)", () => {
  layer(TestLayer, { timeout: 120_000, excludeTestServices: true })((it) => {
    it.effect("verifies WebhookSigner deliveries posted over HTTP and answers 204", () =>
      Effect.gen(function*() {
        const { url } = yield* Worker
        const events = yield* recordChanges
        expect(events.map((event) => event.event)).toEqual([
          "dsync.activated",
          "dsync.user.created",
          "dsync.user.created",
          "dsync.user.updated",
          "dsync.user.deleted"
        ])
        const results = yield* WebhookSigner.deliver({ url: `${url}/webhooks/workos`, events, secret: webhookSecret })
        expect(results.map((result) => result.status)).toEqual(events.map(() => 204))
      }))

    it.effect("answers 400 with the reason for a tampered, wrongly signed, stale or unsigned delivery", () =>
      Effect.gen(function*() {
        const { url } = yield* Worker
        const endpoint = `${url}/webhooks/workos`
        const events = yield* recordChanges
        const [genuine] = yield* WebhookSigner.signEvents({ events: events.slice(-1), secret: webhookSecret })
        assert(genuine !== undefined)
        const [wrongSecret] = yield* WebhookSigner.signEvents({ events: events.slice(-1), secret: "whsec_other" })
        const [stale] = yield* WebhookSigner.signEvents({
          events: events.slice(-1),
          secret: webhookSecret,
          timestamp: Date.now() - 10 * 60 * 1000
        })
        const tampered = genuine.body.replace(genuine.event.id, `${genuine.event.id.slice(0, -1)}X`)
        expect(tampered).not.toEqual(genuine.body)
        const answers = yield* Effect.all([
          post(endpoint, genuine.body, genuine.headers),
          post(endpoint, tampered, genuine.headers),
          post(endpoint, genuine.body, wrongSecret!.headers),
          post(endpoint, genuine.body, stale!.headers),
          post(endpoint, genuine.body, { "content-type": "application/json" })
        ])
        expect(answers).toEqual([
          { status: 204, text: "" },
          { status: 400, text: "SignatureMismatch" },
          { status: 400, text: "SignatureMismatch" },
          { status: 400, text: "TimestampOutOfTolerance" },
          { status: 400, text: "MissingHeader" }
        ])
      }))

    it.effect("streams every user of each directory from the localhost fake over fetch, and its typed errors", () =>
      Effect.gen(function*() {
        const { url } = yield* Worker
        const fake = yield* FakeWorkOS.FakeWorkOS
        const client = yield* HttpClient.HttpClient
        const directories = (yield* fake.directories).filter((directory) => directory.name !== "Webhook Co")
        expect(directories).toHaveLength(2)
        for (const directory of directories) {
          const expected = (yield* fake.usersOf(directory.id)).length
          expect(expected).toBe(usersPerDirectory)
          const counted = yield* client.get(`${url}/directories/${directory.id}/users/count`).pipe(
            Effect.flatMap(HttpClientResponse.filterStatusOk),
            Effect.flatMap((response) => response.json),
            Effect.flatMap(Schema.decodeUnknown(CountResponse)),
            Effect.scoped
          )
          expect(counted).toEqual({ users: expected })
        }
        // The client's typed errors come through too: the fake answers 404 for a directory it does not have.
        const unknown = yield* client.get(`${url}/directories/directory_unknown/users/count`).pipe(
          Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
          Effect.scoped
        )
        expect(unknown).toEqual({ status: 502, text: "NotFoundError" })
      }))
  })
})
