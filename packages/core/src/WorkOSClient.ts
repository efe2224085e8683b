/**
 * The configured WorkOS client every API module sends through: base URL,
 * bearer auth with a `Redacted` key, headers, client-side rate limits, a
 * timeout per attempt, retries of transient failures, and the mapping of
 * every response to a value or a typed `WorkOSError`.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
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
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
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
}

const describe = (error: HttpClientError.HttpClientError): string => {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ""
  return error._tag === "RequestError"
    ? `${error.reason} error${cause}`
    : `The response body could not be read${cause}`
}

// `data[1].directory_id: is missing`: the wire path of each issue, readable on one line.
const formatIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error).map(({ message, path }) => {
    const at = path.reduce<string>(
      (at, key) => typeof key === "number" ? `${at}[${key}]` : at === "" ? String(key) : `${at}.${String(key)}`,
      ""
    )
    return at === "" ? message : `${at}: ${message}`
  }).join("; ")

const requestIdOf = (response: RawResponse): { readonly requestId?: string } => {
  const requestId = response.headers["x-request-id"]
  return requestId === undefined || requestId === "" ? {} : { requestId }
}

const isUrl = (value: string): boolean => {
  try {
    return /^https?:$/.test(new URL(value).protocol)
  } catch {
    return false
  }
}

/**
 * Builds the client over the `HttpClient` in context. The rate-limit budgets
 * live in the returned service, so every fiber using it shares them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const timeout = Duration.decode(options.timeout ?? "60 seconds")
    // A server or proxy may echo what it was sent: text it wrote never reaches an error with the key in it.
    const secret = Redacted.value(options.apiKey)
    const redact = (text: string): string => secret.length === 0 ? text : text.replaceAll(secret, "<redacted>")
    const schedule = Retry.toSchedule(options.retry)
    const limiter = yield* RateLimit.make(options.rateLimit)
    const http = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest(flow(
        HttpClientRequest.prependUrl(baseUrl),
        HttpClientRequest.bearerToken(options.apiKey),
        HttpClientRequest.acceptJson,
        HttpClientRequest.setHeader("user-agent", userAgent)
      )),
      options.transformClient ?? identity
    )

    const exchange = (request: HttpClientRequest.HttpClientRequest, path: string) =>
      http.execute(request).pipe(
        Effect.flatMap((response) =>
          Effect.map(
            response.text,
            (body): RawResponse => ({ status: response.status, headers: response.headers, body })
          )
        ),
        Effect.mapError((error) =>
          new WorkOSError.TransportError({
            reason: "Transport",
            message: redact(describe(error)),
            method: request.method,
            path
          })
        ),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new WorkOSError.TransportError({
              reason: "Timeout",
              message: `No complete response within ${Duration.format(timeout)}`,
              method: request.method,
              path
            })
        })
      )

    // One attempt: wait for budget, send, and turn an error status into its tagged error.
    const attempt = (request: HttpClientRequest.HttpClientRequest, path: string) =>
      limiter.limit(request, exchange(request, path)).pipe(
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300
            ? Effect.succeed(response)
            : Effect.flatMap(
              Clock.currentTimeMillis,
              (now) =>
                Effect.fail(
                  WorkOSError.fromResponse({
                    ...response,
                    body: redact(response.body),
                    method: request.method,
                    path,
                    now
                  })
                )
            )
        )
      )

    // A base URL that cannot be a URL fails every request the same way: say so once, send nothing, retry nothing.
    const badBaseUrl = isUrl(baseUrl) ? undefined : new WorkOSError.InvalidParameterError({
      parameter: "baseUrl",
      message: `baseUrl must be an http(s) URL such as ${defaultBaseUrl}, got ${JSON.stringify(baseUrl)}`
    })

    const run = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<RawResponse, WorkOSError.WorkOSError> => {
      if (badBaseUrl !== undefined) return Effect.fail(badBaseUrl)
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
      const decode = Schema.decodeUnknown(schema, { onExcessProperty: "ignore", errors: "first" })
      return Effect.flatMap(run(request), (response) => {
        let body: unknown
        try {
          body = JSON.parse(response.body)
        } catch {
          return Effect.fail(decodeFailure(request, response, "the body is not JSON"))
        }
        return decode(body).pipe(
          Effect.mapError((error) => decodeFailure(request, response, formatIssues(error)))
        )
      })
    }

    return WorkOSClient.of({
      baseUrl,
      json,
      send: (request) => Effect.asVoid(run(request))
    })
  })

/**
 * The client as a layer over an `HttpClient` (e.g. `FetchHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<WorkOSClient, never, HttpClient.HttpClient> =>
  Layer.effect(WorkOSClient, make(options))

/**
 * `layerConfig` options: the key and base URL as `Config`s, everything else as in `Options`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends Omit<Options, "apiKey" | "baseUrl"> {
  /** Default: `WORKOS_API_KEY` (required, redacted). */
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  /** Default: `WORKOS_BASE_URL` (optional, a full URL). */
  readonly baseUrl?: Config.Config<Option.Option<string>> | undefined
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

/**
 * The client as a layer, configured from `Config`: `WORKOS_API_KEY` (required)
 * and `WORKOS_BASE_URL` (optional) by default. A missing key fails the layer
 * with a `ConfigError` naming `WORKOS_API_KEY`.
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
      const { apiKey: apiKeyOption, baseUrl: baseUrlOption, ...rest } = options
      const apiKey = yield* (apiKeyOption ?? apiKeyConfig)
      const baseUrl = yield* (baseUrlOption ?? baseUrlConfig)
      return yield* make({ ...rest, apiKey, baseUrl: Option.getOrUndefined(baseUrl) })
    })
  )
