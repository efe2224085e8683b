import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DirectorySyncTest from "../src/DirectorySyncTest.js"
import * as FakeWorkOS from "../src/FakeWorkOS.js"
import * as Server from "../src/Server.js"
import { suite } from "./contract/DirectorySyncContract.js"

// The real client on a `WorkOSClient` built from the fake's key and `baseUrl`.
const client = <R>(baseUrl: Effect.Effect<string, never, R>) =>
  DirectorySync.layer.pipe(
    Layer.provide(Layer.unwrapEffect(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      return WorkOSClient.layer({
        apiKey: yield* fake.apiKey,
        baseUrl: yield* baseUrl
      })
    })))
  )

suite("DirectorySyncTest.layer", DirectorySyncTest.layer, { live: false })

suite(
  "core client over FakeWorkOS.layerHttpClient",
  (seed) =>
    client(Effect.succeed("https://fake.workos.invalid")).pipe(
      Layer.provide(FakeWorkOS.layerHttpClient),
      Layer.provideMerge(FakeWorkOS.layer(seed))
    ),
  { live: false }
)

suite(
  "core client over the localhost server (undici)",
  (seed) =>
    client(Effect.map(Server.FakeServer, (server) => server.baseUrl)).pipe(
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provide(Server.layer()),
      Layer.provideMerge(FakeWorkOS.layer(seed))
    ),
  { live: true }
)
