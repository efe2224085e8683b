/**
 * A scripted `HttpClient` for unit tests: records every request it is sent
 * (method, path, query, headers, and the clock time it arrived) and answers
 * from a handler.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as DirectorySync from "../../src/DirectorySync.js"
import * as WorkOSClient from "../../src/WorkOSClient.js"

/** The API key the stubs are configured with; tests assert it never leaks. */
export const apiKey = "sk_test_stub_0123456789abcdef"

/** The base URL the stubs are configured with. */
export const baseUrl = "https://api.test"

/** What the stub saw of one request. */
export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  /** `Clock` time (epoch millis) the request arrived: under `TestClock`, exact. */
  readonly at: number
}

/** An answer: a web `Response`, or a transport failure. */
export type Answer = Response | "transport-error"

/** Answers a request; an effect may take its time (or never answer, for timeouts). */
export type Handler = (request: Recorded, index: number) => Answer | Effect.Effect<Answer>

/** A JSON response with the given status and headers (and an `X-Request-ID`). */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_stub", ...headers }
  })

/** A plain-text (or HTML) response. */
export const text = (body: string, status: number, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { "content-type": "text/plain", ...headers } })

/** A 2xx response whose body breaks off after the headers arrived. */
export const brokenBody = (): Response =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.error(new Error("socket hang up"))
      }
    }),
    { status: 200, headers: { "content-type": "application/json" } }
  )

/** Answers in turn, the last answer repeating (the n-th request gets the n-th answer). */
export const sequence = (...answers: ReadonlyArray<() => Answer>): Handler => (_, index) =>
  answers[Math.min(index, answers.length - 1)]!()

/** A stub client plus the list of requests it received. */
export const make = (handler: Handler) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.flatMap(Clock.currentTimeMillis, (at) => {
      const recorded: Recorded = {
        method: request.method,
        url,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams.entries()),
        headers: request.headers,
        at
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

/**
 * `DirectorySync` and `WorkOSClient` over a stub. No retries or rate limits
 * unless the options ask (pass `retry: undefined` for the default policy).
 */
export const directorySync = (handler: Handler, options: Partial<WorkOSClient.Options> = {}) => {
  const stub = make(handler)
  const layer = DirectorySync.layer.pipe(
    Layer.provideMerge(WorkOSClient.layer({
      apiKey: Redacted.make(apiKey),
      baseUrl,
      retry: false,
      rateLimit: false,
      ...options
    })),
    Layer.provide(stub.layer)
  )
  return { requests: stub.requests, layer }
}

/**
 * Runs `body` with `DirectorySync` over a stub answering with `handler`;
 * `requests` fills up as the stub is called.
 */
export const run = <A, E>(
  handler: Handler,
  body: (
    directorySync: DirectorySync.Service,
    requests: ReadonlyArray<Recorded>
  ) => Effect.Effect<A, E, WorkOSClient.WorkOSClient>,
  options: Partial<WorkOSClient.Options> = {}
): Effect.Effect<A, E> => {
  const stub = directorySync(handler, options)
  return Effect.flatMap(DirectorySync.DirectorySync, (service) => body(service, stub.requests)).pipe(
    Effect.provide(stub.layer)
  )
}
