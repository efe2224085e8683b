/**
 * Signed webhooks as WorkOS sends them: the `WorkOS-Signature` header
 * (`t=<ms>, v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, Web Crypto), and
 * delivery of recorded events to a URL or straight to a handler.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as FakeWorkOS from "./FakeWorkOS.js"

/**
 * The header that carries the signature.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "WorkOS-Signature"

/**
 * What to sign: the exact body, the endpoint's secret, and the time of
 * signing in epoch milliseconds (default: now, from `Clock`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SignOptions {
  readonly payload: string | Uint8Array
  readonly secret: string | Redacted.Redacted<string>
  readonly timestamp?: number | undefined
}

const encoder = new TextEncoder()

const concat = (head: Uint8Array, tail: Uint8Array): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("")

const hmac = (secret: string, message: Uint8Array<ArrayBuffer>) =>
  Effect.promise(async () => {
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    return hex(await crypto.subtle.sign("HMAC", key, message))
  })

/**
 * The `WorkOS-Signature` value for a payload: `t=<ms>, v1=<hex>` (comma and space, as every SDK expects).
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (options: SignOptions): Effect.Effect<string> =>
  Effect.gen(function*() {
    const timestamp = options.timestamp ?? (yield* Clock.currentTimeMillis)
    const secret = Redacted.isRedacted(options.secret) ? Redacted.value(options.secret) : options.secret
    const body = typeof options.payload === "string" ? encoder.encode(options.payload) : options.payload
    const signature = yield* hmac(secret, concat(encoder.encode(`${timestamp}.`), body))
    return `t=${timestamp}, v1=${signature}`
  })

/**
 * The webhook body of an event: `{ id, event, data, created_at }`, as WorkOS posts it.
 *
 * @since 0.1.0
 * @category signing
 */
export const payloadOf = (event: FakeWorkOS.Event): string =>
  JSON.stringify({ id: event.id, event: event.event, data: event.data, created_at: event.created_at })

/**
 * A signed webhook request, as a handler receives it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignedWebhook {
  readonly event: FakeWorkOS.Event
  /** The raw body. */
  readonly body: string
  /** `content-type` and `workos-signature` (lower-case, as servers see them). */
  readonly headers: Readonly<Record<string, string>>
}

/**
 * What to deliver: events (e.g. `yield* fake.events`) signed with `secret`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryOptions {
  readonly events: ReadonlyArray<FakeWorkOS.Event>
  readonly secret: string | Redacted.Redacted<string>
  /** Signing time in epoch milliseconds (default: now, from `Clock`). */
  readonly timestamp?: number | undefined
}

/**
 * Signs each event as a webhook, in order.
 *
 * @since 0.1.0
 * @category signing
 */
export const signEvents = (options: DeliveryOptions): Effect.Effect<ReadonlyArray<SignedWebhook>> =>
  Effect.forEach(options.events, (event) => {
    const body = payloadOf(event)
    return Effect.map(
      sign({ payload: body, secret: options.secret, timestamp: options.timestamp }),
      (signature): SignedWebhook => ({
        event,
        body,
        headers: { "content-type": "application/json", "workos-signature": signature }
      })
    )
  })

/**
 * Delivers signed webhooks straight to a handler, in order, and collects its answers.
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliverTo = <A, E, R>(
  handler: (webhook: SignedWebhook) => Effect.Effect<A, E, R>,
  options: DeliveryOptions
): Effect.Effect<ReadonlyArray<A>, E, R> => Effect.flatMap(signEvents(options), Effect.forEach(handler))

/**
 * The endpoint's answer to one delivery.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeliveryResult {
  readonly eventId: string
  readonly status: number
}

/**
 * A webhook that could not be posted (network failure).
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookDeliveryError extends Schema.TaggedError<WebhookDeliveryError>(
  "@effect-workos/testing/WebhookDeliveryError"
)("WebhookDeliveryError", {
  eventId: Schema.String,
  message: Schema.String
}) {}

/**
 * POSTs signed webhooks to `url` in order (`Content-Type: application/json`,
 * `WorkOS-Signature`), reporting each answer's status; any status is a result,
 * a network failure is a `WebhookDeliveryError`.
 *
 * @example
 * ```ts
 * import { FakeWorkOS, WebhookSigner } from "@effect-workos/testing"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * // Every change recorded so far, to your webhook route.
 * const deliverAll = Effect.gen(function*() {
 *   const fake = yield* FakeWorkOS.FakeWorkOS
 *   return yield* WebhookSigner.deliver({
 *     url: "http://localhost:3000/webhooks/workos",
 *     events: yield* fake.events,
 *     secret: "whsec_test"
 *   })
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliver = (
  options: DeliveryOptions & { readonly url: string }
): Effect.Effect<ReadonlyArray<DeliveryResult>, WebhookDeliveryError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    deliverTo(
      (webhook) =>
        client.execute(
          HttpClientRequest.post(options.url).pipe(
            HttpClientRequest.bodyText(webhook.body, "application/json"),
            HttpClientRequest.setHeader(signatureHeader, webhook.headers["workos-signature"]!)
          )
        ).pipe(
          // Read the answer so the connection is free for the next delivery.
          Effect.flatMap((response) =>
            Effect.as(Effect.ignore(response.text), { eventId: webhook.event.id, status: response.status })
          ),
          Effect.mapError((error) => new WebhookDeliveryError({ eventId: webhook.event.id, message: error.message }))
        ),
      options
    ))
