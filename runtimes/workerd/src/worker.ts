/**
 * A Cloudflare Worker written against `@effect-workos/core` as a user would:
 *
 * - `POST /webhooks/workos` verifies a signed delivery with `Webhooks.verifyRequest`
 *   (Web Crypto) and answers 204, or 400 naming the reason.
 * - `GET /directories/:id/users/count` streams every user of the directory
 *   through `DirectorySync` over `FetchHttpClient` and answers `{ "users": n }`.
 *
 * Configuration comes from the Worker's bindings (`WORKOS_API_KEY`,
 * `WORKOS_BASE_URL`, `WORKOS_WEBHOOK_SECRET`) through the usual `Config`, so
 * `WorkOSClient.layerConfig` works unchanged. The test bundles this file with
 * esbuild against the built package and runs it in workerd.
 */
import { DirectorySync, Webhooks, WorkOSClient } from "@effect-workos/core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/** The Worker's bindings (all plain-text variables or secrets). */
export interface Env {
  readonly WORKOS_API_KEY: string
  readonly WORKOS_BASE_URL?: string
  readonly WORKOS_WEBHOOK_SECRET: string
}

const webhook = Effect.gen(function*() {
  const secret = yield* Config.redacted("WORKOS_WEBHOOK_SECRET")
  yield* Webhooks.verifyRequest({ secret })
  return HttpServerResponse.empty({ status: 204 })
}).pipe(
  Effect.catchTags({
    WebhookVerificationError: (error) => Effect.succeed(HttpServerResponse.text(error.reason, { status: 400 })),
    RequestError: () => Effect.succeed(HttpServerResponse.text("Unreadable body", { status: 400 }))
  })
)

const countUsers = Effect.gen(function*() {
  const { id } = yield* HttpRouter.schemaPathParams(Schema.Struct({ id: Schema.String }))
  const directorySync = yield* DirectorySync.DirectorySync
  const users = yield* Effect.either(Stream.runCount(directorySync.streamUsers({ directory: id })))
  // The tag only: a WorkOS error message may name what the caller asked for.
  if (Either.isLeft(users)) return HttpServerResponse.text(users.left._tag, { status: 502 })
  return yield* HttpServerResponse.json({ users: users.right })
})

const app = HttpRouter.empty.pipe(
  HttpRouter.post("/webhooks/workos", webhook),
  HttpRouter.get("/directories/:id/users/count", countUsers)
)

// One client per isolate: its rate limits span requests, as they do on a server.
const handlerFor = (env: Env) =>
  HttpApp.toWebHandlerLayer(
    app,
    DirectorySync.layer.pipe(
      Layer.provide(WorkOSClient.layerConfig()),
      Layer.provide(FetchHttpClient.layer),
      Layer.provideMerge(Layer.setConfigProvider(ConfigProvider.fromJson(env)))
    )
  ).handler

let handler: ((request: Request) => Promise<Response>) | undefined

export default {
  fetch: (request: Request, env: Env): Promise<Response> => {
    handler ??= handlerFor(env)
    return handler(request)
  }
}
