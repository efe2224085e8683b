/**
 * Webhook verification: checks the `WorkOS-Signature` header of a delivery
 * (HMAC-SHA256 through Web Crypto, compared in constant time, timestamp within
 * a tolerance both ways, read from `Clock`), then decodes the body into a
 * `DirectorySyncEvent`. Every failure is a `WebhookVerificationError` whose
 * `reason` says why; the secret never appears in any of them.
 *
 * @since 0.1.0
 */
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerRespondable from "@effect/platform/HttpServerRespondable"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as DirectorySyncEvent from "./DirectorySyncEvent.js"
import { formatTree } from "./internal/issues.js"

/**
 * The header WorkOS signs deliveries with, lower-cased as HTTP servers present it.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "workos-signature"

/**
 * How far a signature's timestamp may lie from now, in the past or the future, unless `tolerance` says otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTolerance: Duration.Duration = Duration.seconds(180)

/**
 * Why a delivery was rejected.
 *
 * - `MissingHeader`: no `WorkOS-Signature` header, or an empty one.
 * - `MalformedHeader`: the header is not `t=<unix ms>, v1=<hex>` (order and spacing free).
 * - `TimestampOutOfTolerance`: the signed timestamp is too old or too far in the future (a replay or a skewed clock).
 * - `SignatureMismatch`: no `v1` signature matches the body under the secret (wrong secret or altered body).
 * - `InvalidPayload`: the signature holds but the body is not UTF-8 JSON of an event, or the payload is neither a string nor bytes.
 * - `InvalidOptions`: the call itself is wrong (a secret that is not `Redacted`, a `tolerance` that is no duration).
 * - `CryptoFailure`: Web Crypto (`globalThis.crypto.subtle`) is missing or failed, so nothing could be checked.
 *
 * @since 0.1.0
 * @category models
 */
export const WebhookVerificationReason = Schema.Literal(
  "MissingHeader",
  "MalformedHeader",
  "TimestampOutOfTolerance",
  "SignatureMismatch",
  "InvalidPayload",
  "InvalidOptions",
  "CryptoFailure"
)

/**
 * Why a delivery was rejected.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookVerificationReason = typeof WebhookVerificationReason.Type

/**
 * A webhook delivery that cannot be trusted or read. Left unhandled in an
 * `@effect/platform` HTTP route, it answers `400 Bad Request`, so WorkOS
 * retries; `InvalidOptions` and `CryptoFailure`, which are the receiver's
 * fault, answer `500 Internal Server Error`.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookVerificationError
  extends Schema.TaggedError<WebhookVerificationError>("@effect-workos/core/WebhookVerificationError")(
    "WebhookVerificationError",
    {
      reason: WebhookVerificationReason,
      message: Schema.String
    }
  )
  implements HttpServerRespondable.Respondable
{
  /**
   * The answer an HTTP route gives when it leaves this error unhandled: `400
   * Bad Request`, or `500` when the receiver is at fault.
   *
   * @since 0.1.0
   */
  [HttpServerRespondable.symbol]() {
    return HttpServerResponse.empty({
      status: this.reason === "InvalidOptions" || this.reason === "CryptoFailure" ? 500 : 400
    })
  }
}

/**
 * A webhook secret, or several while you rotate it (a signature made with any of them passes).
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = Redacted.Redacted<string> | Arr.NonEmptyReadonlyArray<Redacted.Redacted<string>>

/**
 * What `verify` needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** The raw request body, exactly as received: a string or its bytes (never re-serialized JSON). */
  readonly payload: string | Uint8Array
  /** The `WorkOS-Signature` header value (`undefined` when the request had none). */
  readonly signature: string | undefined
  /** The endpoint's secret from the WorkOS dashboard. */
  readonly secret: Secret
  /** How far the signed timestamp may lie from now, both ways (default 180 seconds). */
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * What `verifyRequest` needs: the body and header come from the request.
 *
 * @since 0.1.0
 * @category models
 */
export type VerifyRequestOptions = Omit<VerifyOptions, "payload" | "signature">

const fail = (reason: WebhookVerificationReason, message: string) =>
  Effect.fail(new WebhookVerificationError({ reason, message }))

interface ParsedHeader {
  /** The timestamp exactly as sent: it is part of what was signed. */
  readonly timestamp: string
  readonly signatures: ReadonlyArray<string>
}

const show = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)

// Key-based: `t=<ms>, v1=<hex>[, v1=<hex>...]` in any order with any spacing. Unknown
// schemes (v0, a future v2) are ignored so WorkOS can add one without breaking this.
const parseHeader = (header: unknown): Effect.Effect<ParsedHeader, WebhookVerificationError> => {
  if (header === undefined || header === null || (typeof header === "string" && header.trim() === "")) {
    return fail("MissingHeader", "The request has no WorkOS-Signature header")
  }
  if (typeof header !== "string") {
    return fail("MalformedHeader", `The WorkOS-Signature header must be a string, got ${typeof header}`)
  }
  const timestamps: Array<string> = []
  const signatures: Array<string> = []
  for (const part of header.split(",")) {
    const item = part.trim()
    if (item === "") continue
    const equals = item.indexOf("=")
    if (equals === -1) {
      return fail("MalformedHeader", `The WorkOS-Signature header has ${show(item)} where a key=value pair belongs`)
    }
    const key = item.slice(0, equals).trim()
    const value = item.slice(equals + 1).trim()
    if (key === "t") timestamps.push(value)
    else if (key === "v1") signatures.push(value)
  }
  if (timestamps.length !== 1) {
    return fail(
      "MalformedHeader",
      timestamps.length === 0
        ? "The WorkOS-Signature header has no timestamp (t=...)"
        : "The WorkOS-Signature header has more than one timestamp (t=...)"
    )
  }
  const timestamp = timestamps[0]!
  if (!/^\d{1,16}$/.test(timestamp)) {
    return fail(
      "MalformedHeader",
      `The WorkOS-Signature timestamp ${show(timestamp)} is not a Unix time in milliseconds`
    )
  }
  const nonEmpty = signatures.filter((signature) => signature !== "")
  if (nonEmpty.length === 0) {
    return fail("MalformedHeader", "The WorkOS-Signature header has no v1 signature (v1=...)")
  }
  return Effect.succeed({ timestamp, signatures: nonEmpty })
}

const encoder = new TextEncoder()

const fromHex = (hex: string): Uint8Array | undefined => {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return undefined
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

// Time depends only on the (public) lengths, never on where the bytes differ.
const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

const signedContent = (timestamp: string, payload: string | Uint8Array): Uint8Array<ArrayBuffer> => {
  const prefix = encoder.encode(`${timestamp}.`)
  const body = typeof payload === "string" ? encoder.encode(payload) : payload
  const content = new Uint8Array(prefix.length + body.length)
  content.set(prefix, 0)
  content.set(body, prefix.length)
  return content
}

const hmac = (secret: string, content: Uint8Array<ArrayBuffer>) =>
  Effect.tryPromise({
    try: async () => {
      const key = await globalThis.crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"]
      )
      return new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", key, content))
    },
    // The cause is dropped on purpose: it could quote key material.
    catch: () =>
      new WebhookVerificationError({
        reason: "CryptoFailure",
        message: "The signature could not be computed: Web Crypto (globalThis.crypto.subtle) failed"
      })
  })

// A plain string secret (a JavaScript caller) is refused rather than used: it would
// show up wherever the options are logged.
const secretsOf = (secret: unknown): Effect.Effect<ReadonlyArray<string>, WebhookVerificationError> => {
  const secrets: ReadonlyArray<unknown> = Array.isArray(secret) ? secret : [secret]
  const values = secrets.flatMap((one) => {
    if (!Redacted.isRedacted(one)) return []
    const value: unknown = Redacted.value(one)
    return typeof value === "string" ? [value] : []
  })
  return values.length === secrets.length && values.length > 0
    ? Effect.succeed(values)
    : fail("InvalidOptions", "secret must be a Redacted string (Redacted.make(secret)) or a non-empty array of them")
}

const checkTolerance = (tolerance: unknown): Effect.Effect<Duration.Duration, WebhookVerificationError> =>
  tolerance === undefined ? Effect.succeed(defaultTolerance) : Option.match(
    Option.filter(
      Duration.decodeUnknown(tolerance),
      (duration) => Duration.isFinite(duration) && !Duration.lessThan(duration, Duration.zero)
    ),
    {
      onNone: () => fail("InvalidOptions", `tolerance must be a non-negative duration such as "180 seconds"`),
      onSome: Effect.succeed
    }
  )

const checkPayload = (payload: unknown): Effect.Effect<string | Uint8Array, WebhookVerificationError> =>
  typeof payload === "string" || payload instanceof Uint8Array
    ? Effect.succeed(payload)
    : fail("InvalidPayload", `The webhook body must be the raw body as a string or bytes, got ${typeof payload}`)

const decoder = new TextDecoder("utf-8", { fatal: true })

const parsePayload = (payload: string | Uint8Array): Either.Either<unknown, string> => {
  let text: string
  try {
    text = typeof payload === "string" ? payload : decoder.decode(payload)
  } catch {
    return Either.left("The webhook body is not UTF-8 text")
  }
  try {
    return Either.right(JSON.parse(text))
  } catch {
    return Either.left("The webhook body is not JSON")
  }
}

/**
 * Verifies a webhook delivery and decodes it.
 *
 * The header is parsed by key (`t` and `v1`, any order, any spacing; several
 * `v1` signatures pass if one matches). The timestamp must lie within
 * `tolerance` of now (from `Clock`) in either direction. The signature is
 * HMAC-SHA256 over `"<t>.<raw body>"` and is compared in constant time. Only
 * then is the body parsed and decoded, so nothing of an unsigned body is read.
 *
 * @example
 * ```ts
 * import { Webhooks } from "@effect-workos/core"
 * import { Console, Effect, Redacted } from "effect"
 *
 * declare const rawBody: string
 * declare const signature: string | undefined
 *
 * const program = Effect.gen(function*() {
 *   const event = yield* Webhooks.verify({ payload: rawBody, signature, secret: Redacted.make("whsec_...") })
 *   yield* Console.log(event.event, event.id)
 * }).pipe(
 *   Effect.catchTag("WebhookVerificationError", (error) => Console.error(error.reason, error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = Effect.fn("Webhooks.verify")(function*(options: VerifyOptions) {
  // Everything is checked as `unknown`: a JavaScript caller can pass anything.
  const given: unknown = options
  if (!Predicate.isObject(given)) return yield* fail("InvalidOptions", "verify takes { payload, signature, secret }")
  const tolerance = yield* checkTolerance(Reflect.get(given, "tolerance"))
  const secrets = yield* secretsOf(Reflect.get(given, "secret"))
  const payload = yield* checkPayload(Reflect.get(given, "payload"))
  const header = yield* parseHeader(Reflect.get(given, "signature"))
  const now = yield* Clock.currentTimeMillis
  const skew = now - Number(header.timestamp)
  if (Math.abs(skew) > Duration.toMillis(tolerance)) {
    const off = Duration.format(Duration.millis(Math.abs(skew)))
    return yield* fail(
      "TimestampOutOfTolerance",
      `The signature timestamp is ${off} ${skew > 0 ? "old" : "in the future"}; at most ${
        Duration.format(tolerance)
      } either way is accepted`
    )
  }
  if (secrets.some((secret) => secret === "")) {
    return yield* fail("SignatureMismatch", "The webhook secret is empty: configure the endpoint's secret")
  }
  const received = header.signatures.flatMap((signature) => {
    const bytes = fromHex(signature)
    return bytes === undefined ? [] : [bytes]
  })
  const content = signedContent(header.timestamp, payload)
  let matched = false
  for (const secret of secrets) {
    const expected = yield* hmac(secret, content)
    // Every candidate is compared, so timing does not tell which one matched.
    for (const signature of received) matched = constantTimeEqual(expected, signature) || matched
  }
  if (!matched) {
    return yield* fail(
      "SignatureMismatch",
      "No v1 signature matches the body: the secret is wrong, or the body was altered (verify the raw bytes, not re-serialized JSON)"
    )
  }
  const json = parsePayload(payload)
  if (Either.isLeft(json)) return yield* fail("InvalidPayload", json.left)
  return yield* DirectorySyncEvent.decodeUnknown(json.right, { onExcessProperty: "ignore" }).pipe(
    Effect.mapError((error) =>
      new WebhookVerificationError({
        reason: "InvalidPayload",
        message: `The webhook body is not a WorkOS event: ${formatTree(error)}`
      })
    )
  )
})

/**
 * Verifies the webhook delivery of the current `@effect/platform` HTTP server
 * request: reads the raw body once, as bytes, and the `WorkOS-Signature`
 * header, then `verify`. A body that cannot be read fails with the platform's
 * `RequestError`; both errors answer `400` when a route leaves them unhandled.
 *
 * @example
 * ```ts
 * import { Webhooks } from "@effect-workos/core"
 * import { HttpRouter, HttpServerResponse } from "@effect/platform"
 * import { Config, Console, Effect } from "effect"
 *
 * const router = HttpRouter.empty.pipe(
 *   HttpRouter.post(
 *     "/webhooks/workos",
 *     Effect.gen(function*() {
 *       const secret = yield* Config.redacted("WORKOS_WEBHOOK_SECRET")
 *       const event = yield* Webhooks.verifyRequest({ secret })
 *       yield* Console.log(event.event, event.id)
 *       return HttpServerResponse.empty({ status: 204 })
 *     })
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyRequest: (
  options: VerifyRequestOptions
) => Effect.Effect<
  DirectorySyncEvent.DirectorySyncEvent,
  WebhookVerificationError | HttpServerError.RequestError,
  HttpServerRequest.HttpServerRequest
> = Effect.fn("Webhooks.verifyRequest")(function*(options: VerifyRequestOptions) {
  const request = yield* HttpServerRequest.HttpServerRequest
  const body = yield* request.arrayBuffer
  return yield* verify({ ...options, payload: new Uint8Array(body), signature: request.headers[signatureHeader] })
})
