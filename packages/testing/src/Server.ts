/**
 * The fake WorkOS on a localhost port, serving the same `HttpApp` as the
 * in-memory client, so any HTTP client (the official SDKs included) can use
 * it. The only module that needs `@effect/platform-node`.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createServer } from "node:http"
import * as FakeWorkOS from "./FakeWorkOS.js"
import { type Service as TransportService, Transport } from "./internal/transport.js"

/**
 * Where the server listens.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>`: the base URL to give a client. */
  readonly baseUrl: string
  readonly port: number
}

/**
 * The running fake server.
 *
 * @since 0.1.0
 * @category tags
 */
export class FakeServer extends Context.Tag("@effect-workos/testing/Server/FakeServer")<FakeServer, Service>() {}

/**
 * Where to listen.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: an ephemeral port (read it from `FakeServer`). */
  readonly port?: number | undefined
}

// Faults below HTTP act on the socket itself.
const nodeTransport: TransportService = {
  drop: (request) =>
    Effect.sync(() => {
      NodeHttpServerRequest.toServerResponse(request).destroy()
      return HttpServerResponse.empty()
    }),
  truncate: (request, response) =>
    Effect.sync(() => {
      const nodeResponse = NodeHttpServerRequest.toServerResponse(request)
      const half = response.body.subarray(0, Math.floor(response.body.length / 2))
      // Content-Length promises the whole body; once half of it has left, the socket closes.
      const cut = Effect.async<void>((resume) => {
        nodeResponse.write(new Uint8Array(0), () => {
          nodeResponse.destroy()
          resume(Effect.void)
        })
      })
      return HttpServerResponse.stream(Stream.concat(Stream.make(half), Stream.drain(Stream.fromEffect(cut))), {
        status: response.status,
        headers: response.headers,
        contentType: "application/json",
        contentLength: response.body.length
      })
    })
}

/**
 * Serves the `FakeWorkOS` in context on `127.0.0.1` for as long as the layer
 * lives, and provides its address as `FakeServer`.
 *
 * @example
 * ```ts
 * import { DirectorySync, WorkOSClient } from "@effect-workos/core"
 * import { FakeWorkOS, Generators } from "@effect-workos/testing"
 * import * as Server from "@effect-workos/testing/Server"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * // The real client, over fetch, against the fake on an ephemeral port.
 * const LocalWorkOS = Layer.unwrapEffect(Effect.gen(function*() {
 *   const fake = yield* FakeWorkOS.FakeWorkOS
 *   const server = yield* Server.FakeServer
 *   return DirectorySync.layer.pipe(
 *     Layer.provide(WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl: server.baseUrl })),
 *     Layer.provide(FetchHttpClient.layer)
 *   )
 * })).pipe(
 *   Layer.provideMerge(Server.layer()),
 *   Layer.provideMerge(FakeWorkOS.layer(Generators.generate({ directories: 2, usersPerDirectory: 500 })))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<FakeServer, HttpServerError.ServeError, FakeWorkOS.FakeWorkOS> =>
  Layer.merge(
    HttpServer.serve(Effect.provideService(FakeWorkOS.httpApp, Transport, nodeTransport)),
    Layer.effect(
      FakeServer,
      HttpServer.addressWith((address) =>
        Effect.succeed(
          address._tag === "TcpAddress"
            ? { baseUrl: `http://127.0.0.1:${address.port}`, port: address.port }
            : { baseUrl: `http://localhost`, port: 0 }
        )
      )
    )
  ).pipe(Layer.provide(NodeHttpServer.layer(createServer, { port: options.port ?? 0, host: "127.0.0.1" })))
