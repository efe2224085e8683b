/**
 * An `HttpClient` that answers from an `HttpApp` in the caller's own fiber:
 * no sockets, and the caller's `Clock` (a `TestClock` in tests) drives any
 * latency the app adds.
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { brokenBody, type Service as TransportService, Transport } from "./transport.js"

const encodeError = (request: HttpClientRequest.HttpClientRequest, description: string, cause?: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Encode", description, cause })

const bodyOf = (request: HttpClientRequest.HttpClientRequest) => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(null)
    case "Uint8Array":
      return Effect.succeed(new Uint8Array(body.body))
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Stream.toReadableStreamEffect(body.stream)
    case "Raw":
      return typeof body.body === "string"
        ? Effect.succeed(body.body)
        : Effect.fail(encodeError(request, "the in-memory client sends only string, bytes, form or stream bodies"))
  }
}

/** @internal */
export const make = (app: HttpApp.Default): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = yield* bodyOf(request)
      const webRequest = yield* Effect.try({
        try: () =>
          new Request(url, {
            method: request.method,
            headers: request.headers,
            body,
            ...(body instanceof ReadableStream ? { duplex: "half" } : {})
          }),
        catch: (cause) => encodeError(request, "the request could not be built", cause)
      })
      let dropped = false
      const transport: TransportService = {
        drop: () =>
          Effect.sync(() => {
            dropped = true
            return HttpServerResponse.empty()
          }),
        truncate: (_, response) => Effect.succeed(brokenBody(response))
      }
      const response = yield* app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(webRequest)),
        Effect.provideService(Transport, transport)
      )
      if (dropped) {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: "the connection was closed without a response"
        })
      }
      const runtime = yield* Effect.runtime<never>()
      return HttpClientResponse.fromWeb(
        request,
        HttpServerResponse.toWeb(response, { runtime, withoutBody: request.method === "HEAD" })
      )
    })
  )
