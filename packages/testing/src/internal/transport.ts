/**
 * Faults below HTTP (a dropped connection, a body cut short) need the
 * transport's help: the in-memory client and the localhost server each
 * provide their own `Transport` for every request they serve.
 *
 * @internal
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** @internal */
export interface TruncatedResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The whole body; only part of it is delivered. */
  readonly body: Uint8Array
}

/** @internal */
export interface Service {
  /** Ends the exchange of `request` without a response. */
  readonly drop: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<HttpServerResponse.HttpServerResponse>
  /** Announces the whole body's length, then delivers only its first half. */
  readonly truncate: (
    request: HttpServerRequest.HttpServerRequest,
    response: TruncatedResponse
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse>
}

/** The body of a response ended before its announced length. @internal */
export class BodyCut extends Data.TaggedError("BodyCut")<{ readonly delivered: number; readonly announced: number }> {}

/** A body stream that breaks after its first half. @internal */
export const brokenBody = (response: TruncatedResponse): HttpServerResponse.HttpServerResponse => {
  const half = Math.floor(response.body.length / 2)
  return HttpServerResponse.stream(
    Stream.make(response.body.subarray(0, half)).pipe(
      Stream.concat(Stream.fail(new BodyCut({ delivered: half, announced: response.body.length })))
    ),
    {
      status: response.status,
      headers: response.headers,
      contentType: "application/json",
      contentLength: response.body.length
    }
  )
}

/** @internal */
export class Transport extends Context.Reference<Transport>()("@effect-workos/testing/internal/Transport", {
  // Served by something that provides no transport: the best an HttpApp can do on its own.
  defaultValue: (): Service => ({
    drop: () => Effect.succeed(HttpServerResponse.empty({ status: 502 })),
    truncate: (_, response) => Effect.succeed(brokenBody(response))
  })
}) {}
