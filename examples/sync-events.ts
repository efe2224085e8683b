/**
 * Learning what changed in a directory, both ways at once: a webhook
 * endpoint that verifies each delivery's signature, and a loop that follows
 * the Events API from a cursor saved in a file, so a restart neither loses
 * nor repeats an event. Each handled event prints one line.
 *
 * Environment: `WORKOS_API_KEY` (and optionally `WORKOS_BASE_URL`),
 * `WORKOS_WEBHOOK_SECRET`, `PORT` (default 3000; webhooks go to
 * `POST /webhooks/workos`) and `CURSOR_FILE` (default `.workos-events-cursor`).
 *
 * Offline: start the fake with `pnpm fake`, export what it prints, set any
 * `WORKOS_WEBHOOK_SECRET`, then run `pnpm example examples/sync-events.ts`.
 */
import { type DirectorySyncEvent, Events, Webhooks, WorkOSClient } from "@effect-workos/core"
import { FileSystem, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeContext, NodeHttpClient, NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Schedule, Stream } from "effect"
import { createServer } from "node:http"

// What your application does with an event. Deliveries can come out of order: upsert by `updatedAt`.
const handle = (source: "webhook" | "events", event: DirectorySyncEvent.DirectorySyncEvent) => {
  switch (event._tag) {
    case "UserCreated":
    case "UserUpdated":
    case "UserDeleted":
      return Console.log(`${source}: ${event._tag} ${event.data.id} ${event.data.state}`)
    case "GroupUserAdded":
    case "GroupUserRemoved":
      return Console.log(`${source}: ${event._tag} ${event.data.user.id} ${event.data.group.id}`)
    default:
      return Console.log(`${source}: ${event._tag} ${event.event} ${event.id}`)
  }
}

// By webhook: WorkOS POSTs each event; a delivery that fails verification gets a 400.
const WebhookServer = Layer.unwrapEffect(Effect.gen(function*() {
  const secret = yield* Config.redacted("WORKOS_WEBHOOK_SECRET")
  const port = yield* Config.port("PORT").pipe(Config.withDefault(3000))
  yield* Console.log(`webhooks: listening on http://localhost:${port}/webhooks/workos`)
  return HttpServer.serve(HttpRouter.empty.pipe(
    HttpRouter.post(
      "/webhooks/workos",
      Effect.gen(function*() {
        const event = yield* Webhooks.verifyRequest({ secret })
        yield* handle("webhook", event)
        return HttpServerResponse.empty({ status: 204 })
      })
    )
  )).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port })))
}))

// The cursor: the id of the last event handled, in a file.
const cursorFile = Config.string("CURSOR_FILE").pipe(Config.withDefault(".workos-events-cursor"))

const loadCursor = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const file = yield* cursorFile
  if (!(yield* fs.exists(file))) return undefined
  const saved = (yield* fs.readFileString(file)).trim()
  return saved === "" ? undefined : saved
})

const saveCursor = (id: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    yield* fs.writeFileString(yield* cursorFile, id)
  })

// By stream: catch up from the saved cursor, then poll; save each event's id once it is handled.
const follow = Effect.gen(function*() {
  const events = yield* Events.Events
  const after = yield* loadCursor
  yield* Console.log(`events: following from ${after ?? "the start"}`)
  yield* events.streamEvents({ after }).pipe(
    Stream.runForEach((event) => Effect.zipRight(handle("events", event), saveCursor(event.id)))
  )
}).pipe(
  // A failure that outlasts the client's retries ends the stream: start again from the saved cursor.
  Effect.tapError((error) => Console.error(`events: ${String(error)}; following again in a minute`)),
  Effect.retry(Schedule.spaced("1 minute")),
  Effect.provide(
    Events.layer.pipe(Layer.provide(WorkOSClient.layerConfig()), Layer.provide(NodeHttpClient.layerUndici))
  )
)

const main = Effect.all([Layer.launch(WebhookServer), follow], { concurrency: "unbounded", discard: true }).pipe(
  Effect.provide(NodeContext.layer),
  // A missing variable, a wrong key or a port in use: one line, and exit code 1.
  Effect.tapError((error) => Console.error(String(error)))
)

NodeRuntime.runMain(main, { disableErrorReporting: true })
