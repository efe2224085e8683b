/**
 * The README's quick start: every user of one directory, through the real
 * client. `WORKOS_API_KEY` (and optionally `WORKOS_BASE_URL`) come from the
 * environment: the real API, or the localhost fake that `pnpm fake` starts.
 *
 * Run it from the repository root with `pnpm example examples/quick-start.ts`.
 */
import { DirectorySync, WorkOSClient } from "@effect-workos/core"
import { FetchHttpClient } from "@effect/platform"
import { Console, Effect, Layer, Stream } from "effect"

const WorkOS = DirectorySync.layer.pipe(
  Layer.provide(WorkOSClient.layerConfig()), // WORKOS_API_KEY, optional WORKOS_BASE_URL
  Layer.provide(FetchHttpClient.layer)
)

const program = Effect.gen(function*() {
  const directorySync = yield* DirectorySync.DirectorySync
  yield* directorySync.streamUsers({ directory: "directory_01ECAZ4NV9QMV47GW873HDCX74" }).pipe(
    Stream.runForEach((user) => Console.log(user.email, user.state))
  )
}).pipe(
  Effect.catchTag("NotFoundError", (error) => Console.error(`No such directory (request ${error.requestId})`))
)

program.pipe(
  Effect.provide(WorkOS),
  // Any other failure, e.g. a missing WORKOS_API_KEY, in one line instead of a stack trace.
  Effect.catchAll((error) => Console.error(String(error))),
  Effect.runPromise
)
