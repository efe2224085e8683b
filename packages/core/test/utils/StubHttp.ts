/**
 * A scripted `HttpClient` for unit tests: records every request it is sent
 * (method, path, query, headers) and answers from a handler.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as WorkOSClient from "../../src/WorkOSClient.js"
import * as DirectorySync from "../../src/DirectorySync.js"

/** The API key the stubs expect; tests assert it never leaks. */
export const apiKey = "sk_test_stub_0123456789abcdef"

/** What the stub saw of one request. */
export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly path: string
  readonly query: Record<string, string>
  readonly headers: Readonly<Record<string, string>>
}

/** An answer: a web `Response`, or a transport failure. */
export type Answer = Response | "transport-error"

/** A JSON response with the given status and headers. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_stub", ...headers }
  })

/** A plain-text (or HTML) response. */
export const text = (body: string, status: number, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { "content-type": "text/plain", ...headers } })

/** A stub client plus the list of requests it received. */
export const make = (handler: (request: Recorded, index: number) => Answer | Effect.Effect<Answer>) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const recorded: Recorded = {
        method: request.method,
        url,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: request.headers
      }
      requests.push(recorded)
      const answer = handler(recorded, requests.length - 1)
      return Effect.flatMap(Effect.isEffect(answer) ? answer : Effect.succeed(answer), (answer) =>
        answer === "transport-error"
          ? Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("ECONNRESET") })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(request, answer)))
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** `DirectorySync` over a stub: no retries or limits unless the options ask. */
export const directorySync = (
  handler: (request: Recorded, index: number) => Answer | Effect.Effect<Answer>,
  options: Partial<WorkOSClient.Options> = {}
) => {
  const stub = make(handler)
  const layer = DirectorySync.layer.pipe(
    Layer.provideMerge(WorkOSClient.layer({
      apiKey: Redacted.make(apiKey),
      baseUrl: "https://api.test",
      retry: false,
      rateLimit: false,
      ...options
    })),
    Layer.provide(stub.layer)
  )
  return { requests: stub.requests, layer }
}
