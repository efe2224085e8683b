/**
 * The configured WorkOS client every API module sends through: base URL,
 * bearer auth with a `Redacted` key, headers, client-side rate limits, a
 * timeout per attempt, retries of transient failures, and the mapping of
 * every response to a value or a typed `WorkOSError`.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { flow, identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Decoder from "./internal/decoder.js"
import { formatPaths } from "./internal/issues.js"
import { checkClientOptions } from "./internal/options.js"
import { userAgent } from "./internal/version.js"
import * as RateLimit from "./RateLimit.js"
import * as Retry from "./Retry.js"
import * as WorkOSError from "./WorkOSError.js"

/**
 * Where requests go unless `baseUrl` says otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.workos.com"

/**
 * How to reach WorkOS and how hard to try.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The secret API key (`sk_...`). Sent as a bearer token; never printed. */
  readonly apiKey: Redacted.Redacted<string>
  /** A full http(s) URL (default `https://api.workos.com`), so a local fake can stand in; any other value fails every call with `InvalidParameterError`. */
  readonly baseUrl?: string | undefined
  /** Retries of transient failures; `false` or `{ times: 0 }` disables (default: 3, exponential with jitter). */
  readonly retry?: Retry.Policy | undefined
  /** Time allowed for one attempt, response body included (default 60 seconds). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Client-side rate limits (default: WorkOS's documented limits); `false` disables. */
  readonly rateLimit?: RateLimit.Options | false | undefined
  /** Escape hatch: adjust the underlying `HttpClient` (e.g. add a header or tracing). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The client as API modules see it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The base URL requests are sent to. */
  readonly baseUrl: string
  /** Sends a request (path relative to the base URL) and decodes its 2xx JSON body with `schema`. */
  readonly json: <A, I, R>(
    request: HttpClientRequest.HttpClientRequest,
    schema: Schema.Schema<A, I, R>
  ) => Effect.Effect<A, WorkOSError.WorkOSError, R>
  /** Sends a request whose 2xx body does not matter (any 2xx is success). */
  readonly send: (request: HttpClientRequest.HttpClientRequest) => Effect.Effect<void, WorkOSError.WorkOSError>
  /**
   * Tells the rate limiter which directory a group belongs to, so a list of
   * the group's users counts against that directory's budget, as WorkOS
   * counts it (see `RateLimit.RateLimiter.groupInDirectory`).
   */
  readonly groupInDirectory?: ((group: string, directory: string) => Effect.Effect<void>) | undefined
}

/**
 * The configured WorkOS client.
 *
 * @since 0.1.0
 * @category tags
 */
export class WorkOSClient extends Context.Tag("@effect-workos/core/WorkOSClient")<WorkOSClient, Service>() {}

interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  readonly redirected: boolean
}

const isUrl = (value: string): boolean => {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

// `/directory_users/directory_user_01` is `/directory_users/{id}`: spans name the route, not the object.
const routeOf = (path: string): string =>
  path.split("/").map((part, index) => index <= 1 || part === "" ? part : "{id}").join("/")

// The system error code somewhere down a cause chain (Node puts `ECONNRESET` on `fetch`'s cause).
const codeOf = (cause: unknown, depth = 0): string | undefined => {
  if (!Predicate.isObject(cause) || depth > 4) return undefined
  const code: unknown = Reflect.get(cause, "code")
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code
  return codeOf(Reflect.get(cause, "cause"), depth + 1)
}

// Each message down a cause chain, so "fetch failed" also says why.
const messagesOf = (cause: unknown, depth = 0): ReadonlyArray<string> => {
  if (!Predicate.isObject(cause) || depth > 4) return []
  const message: unknown = Reflect.get(cause, "message")
  const own = typeof message === "string" && message !== "" ? [message] : []
  return [...own, ...messagesOf(Reflect.get(cause, "cause"), depth + 1)]
}

const describe = (error: HttpClientError.HttpClientError): string => {
  const messages = messagesOf(error.cause)
  const cause = messages.length > 0 ? `: ${messages.join(": ")}` : ""
  return error._tag === "RequestError"
    ? `${error.reason} error${cause}`
    : `The response body could not be read${cause}`
}

const sameOrigin = (url: string, origin: string): boolean => {
  // The usual case without parsing: the origin then a path (`/` ends the authority, so no `user@host` trick fits).
  if (url.startsWith(`${origin}/`)) return true
  try {
    return new URL(url).origin === origin
  } catch {
    return false
  }
}

const invalidBaseUrl = (baseUrl: unknown) =>
  new WorkOSError.InvalidParameterError({
    parameter: "baseUrl",
    message: `baseUrl must be an http(s) URL such as ${defaultBaseUrl}, got ${
      typeof baseUrl === "string" ? JSON.stringify(baseUrl) : typeof baseUrl
    }`
  })

/**
 * Builds the client over the `HttpClient` in context. The rate-limit budgets
 * live in the returned service, so every fiber using it shares them. Options
 * that cannot work (a `timeout` that is no duration, a budget of zero, a
 * `baseUrl` that is no URL) fail every call with an `InvalidParameterError`
 * naming the option, and nothing is sent.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const rawBaseUrl: unknown = Predicate.isObject(options) ? Reflect.get(options, "baseUrl") ?? defaultBaseUrl : ""
    const baseUrl = typeof rawBaseUrl === "string" ? rawBaseUrl.replace(/\/+$/, "") : ""
    const problem = checkClientOptions(options) ?? (isUrl(baseUrl) ? undefined : invalidBaseUrl(rawBaseUrl))
    if (problem !== undefined) {
      const fail = Effect.fail(problem)
      return WorkOSClient.of({ baseUrl, json: () => fail, send: () => fail })
    }
    return yield* makeChecked(options, baseUrl, http)
  })

// A JSON escape of one UTF-16 unit, in either hex case: `_` is `\u005f` or `\u005F`.
const escapedUnit = (unit: string): string =>
  "\\\\u" + unit.charCodeAt(0).toString(16).padStart(4, "0").replace(/[a-f]/g, (h) => `[${h}${h.toUpperCase()}]`)

// One UTF-16 unit as itself in a regular expression.
const literalUnit = (unit: string): string => unit.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

// Replaces the secret wherever it shows, each character as itself or JSON-escaped
// (`sk\u005ftest…`): a header or an undecoded body may carry it escaped.
const redactor = (secret: string) => {
  if (secret.length === 0) return (text: string) => text
  const units = secret.split("").map((unit) => `(?:${literalUnit(unit)}|${escapedUnit(unit)})`)
  const pattern = new RegExp(units.join(""), "g")
  return (text: string): string => text.replace(pattern, "<redacted>")
}

// `make` once every option is known to be good.
// Names the API key's windows in a shared store without putting the key there: a digest, cut short.
const scopeOf = (options: Options): Effect.Effect<string> =>
  options.rateLimit === false || options.rateLimit?.store === undefined
    ? Effect.succeed("workos")
    : Effect.map(
      Effect.promise(() =>
        globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(Redacted.value(options.apiKey)))
      ),
      (digest) =>
        `key:${Array.from(new Uint8Array(digest).slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")}`
    )

const makeChecked = (options: Options, baseUrl: string, base: HttpClient.HttpClient) =>
  Effect.gen(function*() {
    const { host, hostname, origin } = new URL(baseUrl)
    const timeout = Duration.decode(options.timeout ?? "60 seconds")
    // A server or proxy may echo what it was sent: no string taken from a response reaches an error with the key in it.
    const redact = redactor(String(Redacted.value(options.apiKey)))
    const schedule = Retry.toSchedule(options.retry)
    const limiter = yield* RateLimit.make(options.rateLimit, yield* scopeOf(options))
    const http = base.pipe(
      HttpClient.mapRequest(flow(
        HttpClientRequest.prependUrl(baseUrl),
        HttpClientRequest.bearerToken(options.apiKey),
        HttpClientRequest.acceptJson,
        HttpClientRequest.setHeader("user-agent", userAgent)
      )),
      // Every request that reaches the transport, a redirect hop made by an outer
      // `HttpClient.followRedirects` included, must go to the base URL's origin:
      // it carries the key.
      HttpClient.transform((response, request) =>
        sameOrigin(request.url, origin) ? response : Effect.fail(
          new HttpClientError.RequestError({ request, reason: "InvalidUrl", description: "another origin" })
        )
      ),
      options.transformClient ?? identity,
      // `fetch` follows redirects unless told not to; the client answers a 3xx itself.
      HttpClient.transformResponse(noFetchRedirects(yield* Effect.serviceOption(FetchHttpClient.RequestInit))),
      // The platform's span records every header and the full URL with its query
      // (personal filters): the client records its own instead (see `traced`).
      HttpClient.withTracerDisabledWhen(() => true)
    )

    const transportError =
      (request: HttpClientRequest.HttpClientRequest, path: string) => (error: HttpClientError.HttpClientError) => {
        const code = codeOf(error.cause)
        return new WorkOSError.TransportError({
          reason: error._tag === "RequestError" && error.reason !== "Transport" ? "Encode" : "Transport",
          message: redact(describe(error)),
          method: request.method,
          path,
          host,
          ...(code !== undefined ? { code } : {})
        })
      }

    const exchange = (request: HttpClientRequest.HttpClientRequest, path: string) =>
      http.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (body): RawResponse => ({
            status: response.status,
            headers: response.headers,
            body,
            // A response for another origin is a redirect an `HttpClient` followed on its own.
            redirected: !sameOrigin(response.request.url, origin)
          }))
        ),
        Effect.mapError(transportError(request, path)),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new WorkOSError.TransportError({
              reason: "Timeout",
              message: `No complete response within ${Duration.format(timeout)}`,
              method: request.method,
              path,
              host
            })
        })
      )

    const requestIdOf = (response: RawResponse): { readonly requestId?: string } => {
      const requestId = response.headers["x-request-id"]
      return requestId === undefined || requestId === "" ? {} : { requestId: redact(requestId) }
    }

    // One attempt, in its own span: wait for budget, send, and turn an error status into its tagged error.
    const attempt = (request: HttpClientRequest.HttpClientRequest, path: string) =>
      limiter.limit(request, exchange(request, path)).pipe(
        Effect.catchTag("RateLimitStoreError", (error) =>
          Effect.fail(
            new WorkOSError.TransportError({
              reason: "RateLimitStore",
              message: redact(`The shared rate-limit store failed, so the request was not sent: ${error.message}`),
              method: request.method,
              path,
              host
            })
          )),
        Effect.tap((response) => {
          const { requestId } = requestIdOf(response)
          return Effect.annotateCurrentSpan({
            "http.response.status_code": response.status,
            ...requestId !== undefined ? { "workos.request_id": requestId } : {}
          })
        }),
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300 && !response.redirected
            ? Effect.succeed(response)
            : response.redirected
            ? Effect.fail(
              new WorkOSError.UnexpectedStatusError({
                status: response.status,
                message: "The response came through a redirect to another origin, which the client never follows",
                method: request.method,
                path,
                ...requestIdOf(response)
              })
            )
            : Effect.flatMap(
              Clock.currentTimeMillis,
              (now) =>
                Effect.fail(
                  WorkOSError.fromResponse({ ...response, method: request.method, path, now, redact })
                )
            )
        ),
        Effect.withSpan(`http.client ${request.method}`, {
          kind: "client",
          captureStackTrace: false,
          attributes: {
            "http.request.method": request.method,
            "url.template": routeOf(path),
            "server.address": hostname
          }
        })
      )

    const run = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<RawResponse, WorkOSError.WorkOSError> => {
      const path = request.url
      const once = attempt(request, path)
      return schedule === undefined ? once : Effect.retry(once, { schedule, while: WorkOSError.isRetryable })
    }

    const decodeFailure = (request: HttpClientRequest.HttpClientRequest, response: RawResponse, detail: string) =>
      new WorkOSError.DecodeError({
        status: response.status,
        message: redact(`Unexpected response to ${request.method} ${request.url}: ${detail}`),
        method: request.method,
        path: request.url,
        ...requestIdOf(response)
      })

    const json = <A, I, R>(request: HttpClientRequest.HttpClientRequest, schema: Schema.Schema<A, I, R>) => {
      const decode = Decoder.decodeUnknown(schema)
      return Effect.flatMap(run(request), (response) => {
        let body: unknown
        try {
          body = JSON.parse(response.body)
        } catch {
          return Effect.fail(decodeFailure(request, response, "the body is not JSON"))
        }
        return decode(body).pipe(
          Effect.mapError((error) => decodeFailure(request, response, formatPaths(error)))
        )
      })
    }

    return WorkOSClient.of({
      baseUrl,
      json,
      send: (request) => Effect.asVoid(run(request)),
      groupInDirectory: limiter.groupInDirectory
    })
  })

// `redirect: "manual"` added to the `RequestInit` a `FetchHttpClient` reads, over the
// caller's own: the one the client was built with, and the one of the request's fiber.
const noFetchRedirects =
  (built: Option.Option<globalThis.RequestInit>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      Effect.serviceOption(FetchHttpClient.RequestInit),
      (init) =>
        Effect.provideService(effect, FetchHttpClient.RequestInit, {
          ...Option.getOrElse(built, () => ({})),
          ...Option.getOrElse(init, () => ({})),
          redirect: "manual"
        })
    )

/**
 * The client as a layer over an `HttpClient` (e.g. `FetchHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<WorkOSClient, never, HttpClient.HttpClient> =>
  Layer.effect(WorkOSClient, make(options))

/**
 * An option of `layerConfig`: the value itself, or a `Config` to read it from.
 *
 * @since 0.1.0
 * @category models
 */
export type Configurable<A> = A | Config.Config<A>

/**
 * `layerConfig` options. Every option is read from `Config` unless given:
 * the key and base URL as `Config`s, the rest as a value or a `Config`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  /** Default: `WORKOS_API_KEY` (required, redacted). */
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  /** Default: `WORKOS_BASE_URL` (optional, a full URL). */
  readonly baseUrl?: Config.Config<Option.Option<string>> | undefined
  /** Default: `timeoutConfig` (`WORKOS_TIMEOUT`, optional). */
  readonly timeout?: Configurable<Options["timeout"]>
  /** Default: `retryConfig` (`WORKOS_RETRY_TIMES`, optional). */
  readonly retry?: Configurable<Options["retry"]>
  /** Default: `rateLimitConfig` (`WORKOS_RATE_LIMIT*`, optional). */
  readonly rateLimit?: Configurable<Options["rateLimit"]>
  /** As in `Options`. */
  readonly transformClient?: Options["transformClient"]
}

/**
 * The API key from `WORKOS_API_KEY`: required, non-empty, redacted.
 *
 * @since 0.1.0
 * @category config
 */
export const apiKeyConfig: Config.Config<Redacted.Redacted<string>> = Config.string("WORKOS_API_KEY").pipe(
  // Validated before redacting: a check on the redacted value loses the variable's name from the error.
  Config.validate({ message: "Expected a non-empty API key", validation: (key) => key.length > 0 }),
  Config.map(Redacted.make)
)

/**
 * The base URL from `WORKOS_BASE_URL`, when set: an `http` or `https` URL.
 *
 * @since 0.1.0
 * @category config
 */
export const baseUrlConfig: Config.Config<Option.Option<string>> = Config.option(
  Config.string("WORKOS_BASE_URL").pipe(
    Config.validate({ message: "Expected an http(s) URL such as https://api.workos.com", validation: isUrl })
  )
)

const positive = (duration: Duration.Duration) =>
  Duration.isFinite(duration) && Duration.greaterThan(duration, Duration.zero)

const optionalDuration = (name: string) =>
  Config.option(
    Config.duration(name).pipe(
      Config.validate({ message: "Expected a positive duration such as \"30 seconds\"", validation: positive })
    )
  )

const optionalCount = (name: string, minimum: number) =>
  Config.option(
    Config.integer(name).pipe(
      Config.validate({ message: `Expected an integer of at least ${minimum}`, validation: (n) => n >= minimum })
    )
  )

/**
 * The per-attempt timeout from `WORKOS_TIMEOUT` (e.g. `30 seconds`), when set.
 *
 * @since 0.1.0
 * @category config
 */
export const timeoutConfig: Config.Config<Duration.Duration | undefined> = Config.map(
  optionalDuration("WORKOS_TIMEOUT"),
  Option.getOrUndefined
)

/**
 * Retries from `WORKOS_RETRY_TIMES` (a non-negative integer; `0` disables), when set.
 *
 * @since 0.1.0
 * @category config
 */
export const retryConfig: Config.Config<Retry.Options | undefined> = Config.map(
  optionalCount("WORKOS_RETRY_TIMES", 0),
  Option.match({ onNone: () => undefined, onSome: (times) => ({ times }) })
)

const budgetConfig = (prefix: string, fallback: RateLimit.Budget) =>
  Config.map(
    Config.all([optionalCount(`${prefix}_LIMIT`, 1), optionalDuration(`${prefix}_INTERVAL`)]),
    ([limit, interval]): RateLimit.Budget | undefined =>
      Option.isNone(limit) && Option.isNone(interval) ? undefined : {
        limit: Option.getOrElse(limit, () => fallback.limit),
        interval: Option.getOrElse(interval, () => Duration.decode(fallback.interval))
      }
  )

/**
 * Client-side rate limits from the environment, when set: `WORKOS_RATE_LIMIT`
 * (`false` turns them off), `WORKOS_RATE_LIMIT_PER_KEY_LIMIT` and
 * `_INTERVAL`, `WORKOS_RATE_LIMIT_DIRECTORY_USERS_LIMIT` and `_INTERVAL`
 * (WorkOS's limits for whatever is unset).
 *
 * @since 0.1.0
 * @category config
 */
export const rateLimitConfig: Config.Config<RateLimit.Options | false | undefined> = Config.map(
  Config.all([
    Config.option(Config.boolean("WORKOS_RATE_LIMIT")),
    budgetConfig("WORKOS_RATE_LIMIT_PER_KEY", RateLimit.workosLimits.perKey),
    budgetConfig("WORKOS_RATE_LIMIT_DIRECTORY_USERS", RateLimit.workosLimits.directoryUsers)
  ]),
  ([enabled, perKey, directoryUsers]) => {
    if (Option.contains(enabled, false)) return false
    return perKey === undefined && directoryUsers === undefined ? undefined : { perKey, directoryUsers }
  }
)

const read = <A>(
  value: Configurable<A> | undefined,
  fallback: Config.Config<A>
): Effect.Effect<A, ConfigError.ConfigError> =>
  value === undefined ? fallback : Config.isConfig(value) ? value : Effect.succeed(value)

/**
 * The client as a layer, configured from `Config`: `WORKOS_API_KEY` (required)
 * and, when set, `WORKOS_BASE_URL`, `WORKOS_TIMEOUT`, `WORKOS_RETRY_TIMES` and
 * the `WORKOS_RATE_LIMIT*` variables, unless `options` gives them. A missing
 * key, or a value that cannot work, fails the layer with a `ConfigError`
 * naming the variable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<WorkOSClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    WorkOSClient,
    Effect.gen(function*() {
      const apiKey = yield* (options.apiKey ?? apiKeyConfig)
      const baseUrl = yield* (options.baseUrl ?? baseUrlConfig)
      const timeout = yield* read(options.timeout, timeoutConfig)
      const retry = yield* read(options.retry, retryConfig)
      const rateLimit = yield* read(options.rateLimit, rateLimitConfig)
      return yield* make({
        apiKey,
        baseUrl: Option.getOrUndefined(baseUrl),
        timeout,
        retry,
        rateLimit,
        transformClient: options.transformClient
      })
    })
  )
