/**
 * The ready application-test layer: the real core `DirectorySync` client over
 * the in-memory fake, with the fake itself in the output so a test can seed,
 * change and inspect it.
 *
 * @since 0.1.0
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FakeWorkOS from "./FakeWorkOS.js"

/**
 * The base URL the client is configured with; the in-memory client ignores the host.
 *
 * @since 0.1.0
 * @category constants
 */
export const baseUrl = "https://api.workos.test"

/**
 * `DirectorySync` (and the `WorkOSClient` under it) on a fake seeded with
 * `seed`. The client is the real one, with the core defaults: retries on (so
 * injected faults recover) and WorkOS's rate limits. Both wait with
 * `Effect.sleep`, so under `TestClock` advance the clock for them.
 *
 * @example
 * ```ts
 * import { DirectorySync } from "@effect-workos/core"
 * import { DirectorySyncTest, FakeWorkOS } from "@effect-workos/testing"
 * import { Effect, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* FakeWorkOS.FakeWorkOS
 *   const directory = yield* fake.addDirectory({ name: "Foo Corp" })
 *   yield* fake.addUser({ directoryId: directory.id, firstName: "Ada", email: "ada@foo-corp.com" })
 *   const directorySync = yield* DirectorySync.DirectorySync
 *   return yield* Stream.runCollect(directorySync.streamUsers({ directory: directory.id }))
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(DirectorySyncTest.layer())))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  seed?: FakeWorkOS.Seed
): Layer.Layer<
  DirectorySync.DirectorySync | WorkOSClient.WorkOSClient | FakeWorkOS.FakeWorkOS,
  FakeWorkOS.FakeWorkOSError
> =>
  DirectorySync.layer.pipe(
    Layer.provideMerge(
      Layer.unwrapEffect(
        Effect.gen(function*() {
          const fake = yield* FakeWorkOS.FakeWorkOS
          return WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl })
        })
      )
    ),
    Layer.provide(FakeWorkOS.layerHttpClient),
    Layer.provideMerge(FakeWorkOS.layer(seed))
  )
