/**
 * Every way a WorkOS call can fail, as `Schema.TaggedError` classes you can
 * `catchTag`, and the one mapping from an HTTP response to those errors.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const HttpErrorFields = {
  /** HTTP status of the response. */
  status: Schema.Number,
  /** The `message` WorkOS sent, or a description of the status when it sent none. */
  message: Schema.String,
  /** WorkOS's machine-readable `code` (or OAuth-style `error`), when sent. */
  code: Schema.optional(Schema.String),
  /** The `X-Request-ID` response header, for WorkOS support. */
  requestId: Schema.optional(Schema.String),
  /** HTTP method of the request. */
  method: Schema.String,
  /** Path of the request, without base URL or query string. */
  path: Schema.String
}

/**
 * 400: WorkOS did not accept the request.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequestError extends Schema.TaggedError<BadRequestError>("@effect-workos/core/BadRequestError")(
  "BadRequestError",
  HttpErrorFields
) {}

/**
 * 401: the API key is missing or invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnauthorizedError extends Schema.TaggedError<UnauthorizedError>("@effect-workos/core/UnauthorizedError")(
  "UnauthorizedError",
  HttpErrorFields
) {}

/**
 * 403: the API key lacks the permission for this request.
 *
 * @since 0.1.0
 * @category errors
 */
export class ForbiddenError extends Schema.TaggedError<ForbiddenError>("@effect-workos/core/ForbiddenError")(
  "ForbiddenError",
  HttpErrorFields
) {}

/**
 * 404: the directory, user or group does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Schema.TaggedError<NotFoundError>("@effect-workos/core/NotFoundError")(
  "NotFoundError",
  HttpErrorFields
) {}

/**
 * 409: the request conflicts with the current state.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConflictError extends Schema.TaggedError<ConflictError>("@effect-workos/core/ConflictError")(
  "ConflictError",
  HttpErrorFields
) {}

/**
 * One failed validation WorkOS reports in a 422 body.
 *
 * @since 0.1.0
 * @category models
 */
export class ValidationIssue extends Schema.Class<ValidationIssue>("@effect-workos/core/ValidationIssue")({
  /** The parameter or field that failed. */
  field: Schema.String,
  /** Why, e.g. `"required"`. */
  code: Schema.String
}) {}

/**
 * 422: WorkOS rejected the parameters; `errors` lists them when WorkOS sent them.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnprocessableEntityError
  extends Schema.TaggedError<UnprocessableEntityError>("@effect-workos/core/UnprocessableEntityError")(
    "UnprocessableEntityError",
    { ...HttpErrorFields, errors: Schema.optional(Schema.Array(ValidationIssue)) }
  )
{}

/**
 * 429 that outlasted the retries. `retryAfter` is the server's `Retry-After`, when sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitedError extends Schema.TaggedError<RateLimitedError>("@effect-workos/core/RateLimitedError")(
  "RateLimitedError",
  { ...HttpErrorFields, retryAfter: Schema.Option(Schema.Duration) }
) {}

/**
 * 5xx that outlasted the retries.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@effect-workos/core/ServerError")(
  "ServerError",
  { ...HttpErrorFields, retryAfter: Schema.Option(Schema.Duration) }
) {}

/**
 * Any other non-2xx status (408 after retries, 3xx, unassigned 4xx).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatusError
  extends Schema.TaggedError<UnexpectedStatusError>("@effect-workos/core/UnexpectedStatusError")(
    "UnexpectedStatusError",
    HttpErrorFields
  )
{}

/**
 * The request never got a complete response: a network failure, a dropped
 * connection or a cut-off body (`"Transport"`), or the per-attempt timeout
 * (`"Timeout"`), after retries; or the request could not be encoded
 * (`"Encode"`), which is never retried since it would fail the same way.
 * `code` is the system error code when there is one (`ECONNRESET`,
 * `ENOTFOUND`), `host` the host the request went to.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@effect-workos/core/TransportError")(
  "TransportError",
  {
    /**
     * `RateLimitStore`: the shared rate-limit store (`RateLimit.Options.store`)
     * could not be reached, so the request was not sent.
     */
    reason: Schema.Literal("Transport", "Timeout", "Encode", "RateLimitStore"),
    message: Schema.String,
    method: Schema.String,
    path: Schema.String,
    /** The system error code of the cause (e.g. `ECONNRESET`), when it has one. */
    code: Schema.optional(Schema.String),
    /** The host the request was sent to. */
    host: Schema.optional(Schema.String)
  }
) {}

/**
 * A 2xx body that is not JSON or not the expected shape. `message` names the
 * field path that failed; `requestId` identifies the response.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@effect-workos/core/DecodeError")(
  "DecodeError",
  {
    status: Schema.Number,
    message: Schema.String,
    requestId: Schema.optional(Schema.String),
    method: Schema.String,
    path: Schema.String
  }
) {}

/**
 * A parameter that cannot be valid, rejected before anything was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParameterError
  extends Schema.TaggedError<InvalidParameterError>("@effect-workos/core/InvalidParameterError")(
    "InvalidParameterError",
    {
      /** The option or argument at fault, by its TypeScript name. */
      parameter: Schema.String,
      message: Schema.String
    }
  )
{}

/**
 * Schema of the `WorkOSError` union, e.g. to send errors across a worker boundary.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkOSError = Schema.Union(
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitedError,
  ServerError,
  UnexpectedStatusError,
  TransportError,
  DecodeError,
  InvalidParameterError
)

/**
 * Every failure of a WorkOS call.
 *
 * @since 0.1.0
 * @category errors
 */
export type WorkOSError = typeof WorkOSError.Type

/**
 * Errors that come from a response with an error status.
 *
 * @since 0.1.0
 * @category errors
 */
export type HttpStatusError = Exclude<WorkOSError, TransportError | DecodeError | InvalidParameterError>

/**
 * Statuses worth another attempt: timeouts, rate limits and server-side failures.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504

/**
 * Whether a failure is transient: retrying the same request may succeed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: WorkOSError): boolean => {
  switch (error._tag) {
    case "TransportError":
      return error.reason !== "Encode"
    case "RateLimitedError":
    case "ServerError":
    case "UnexpectedStatusError":
      return isTransientStatus(error.status)
    default:
      return false
  }
}

/**
 * The `Retry-After` a failure carries, if any.
 *
 * @since 0.1.0
 * @category getters
 */
export const retryAfter = (error: WorkOSError): Option.Option<Duration.Duration> =>
  error._tag === "RateLimitedError" || error._tag === "ServerError" ? error.retryAfter : Option.none()

/**
 * Parses `Retry-After` as delta-seconds or an HTTP date (relative to `now`, in
 * epoch milliseconds). A date in the past means "now".
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseRetryAfter = (header: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (header === undefined) return Option.none()
  const value = header.trim()
  if (/^\d+(\.\d+)?$/.test(value)) return Option.some(Duration.millis(Math.round(Number(value) * 1000)))
  // HTTP dates open with a day name; `Date.parse` alone would read "-3" or "2" as a year.
  if (!/^[A-Za-z]{3,9},?\s/.test(value)) return Option.none()
  const date = Date.parse(value)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

/**
 * What is needed of a non-2xx response to build its error.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorResponse {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly method: string
  readonly path: string
  /** Current time in epoch milliseconds, for an HTTP-date `Retry-After`. */
  readonly now: number
  /**
   * Applied to every string taken from the response (message, code, issues,
   * request id) after the body is decoded, so text the server wrote with JSON
   * escapes is redacted too.
   */
  readonly redact?: ((text: string) => string) | undefined
}

interface ParsedBody {
  readonly message?: string
  readonly code?: string
  readonly errors?: ReadonlyArray<ValidationIssue>
}

const stringField = (record: object, key: string): string | undefined => {
  const value: unknown = Predicate.hasProperty(record, key) ? record[key] : undefined
  return typeof value === "string" && value.length > 0 ? value : undefined
}

const parseIssues = (value: unknown): ReadonlyArray<ValidationIssue> | undefined => {
  if (!Array.isArray(value)) return undefined
  return value.flatMap((item: unknown) => {
    if (!Predicate.isObject(item)) return []
    const field = stringField(item, "field") ?? stringField(item, "param") ?? ""
    const code = stringField(item, "code") ?? stringField(item, "message") ?? ""
    return field === "" && code === "" ? [] : [new ValidationIssue({ field, code })]
  })
}

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

// Error bodies come as `{message, code, errors}`, OAuth-style `{error, error_description}`,
// a bare JSON string ("Ratelimited") or not JSON at all (a proxy's HTML page).
const parseBody = (text: string): ParsedBody => {
  const json = tryJson(text)
  if (typeof json === "string") return json.length > 0 ? { message: json } : {}
  if (Predicate.isObject(json) && !Array.isArray(json)) {
    const message = stringField(json, "message") ?? stringField(json, "error_description") ?? stringField(json, "error")
    const code = stringField(json, "code") ?? stringField(json, "error")
    const errors = parseIssues(Predicate.hasProperty(json, "errors") ? json.errors : undefined)
    return {
      ...(message !== undefined ? { message } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(errors !== undefined ? { errors } : {})
    }
  }
  // Other JSON (`null`, a number, an array) says nothing a person could read.
  if (json !== undefined) return {}
  const plain = text.trim()
  // A short plain-text body is WorkOS speaking; an HTML page is a proxy's and says nothing useful.
  return plain.length > 0 && plain.length <= 200 && !plain.startsWith("<") ? { message: plain } : {}
}

const statusText: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized: the API key is missing or invalid",
  403: "Forbidden: the API key lacks permission for this request",
  404: "Not found",
  408: "Request timeout",
  409: "Conflict",
  422: "Unprocessable entity",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout"
}

/**
 * Maps a non-2xx response to its tagged error, by status. Never fails, whatever the body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromResponse = (response: ErrorResponse): HttpStatusError => {
  const redact = response.redact ?? ((text: string) => text)
  const body = parseBody(redact(response.body))
  const requestId = response.headers["x-request-id"]
  const fields = {
    status: response.status,
    message: redact(body.message ?? statusText[response.status] ?? `HTTP ${response.status}`),
    method: response.method,
    path: response.path,
    ...(body.code !== undefined ? { code: redact(body.code) } : {}),
    ...(requestId !== undefined && requestId !== "" ? { requestId: redact(requestId) } : {})
  }
  const status = response.status
  switch (status) {
    case 400:
      return new BadRequestError(fields)
    case 401:
      return new UnauthorizedError(fields)
    case 403:
      return new ForbiddenError(fields)
    case 404:
      return new NotFoundError(fields)
    case 409:
      return new ConflictError(fields)
    case 422:
      return new UnprocessableEntityError({
        ...fields,
        ...(body.errors !== undefined
          ? {
            errors: body.errors.map((issue) =>
              new ValidationIssue({ field: redact(issue.field), code: redact(issue.code) })
            )
          }
          : {})
      })
    case 429:
      return new RateLimitedError({
        ...fields,
        retryAfter: parseRetryAfter(response.headers["retry-after"], response.now)
      })
  }
  if (status >= 500 && status <= 599) {
    return new ServerError({ ...fields, retryAfter: parseRetryAfter(response.headers["retry-after"], response.now) })
  }
  return new UnexpectedStatusError(fields)
}
