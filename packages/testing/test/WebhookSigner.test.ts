import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import type * as FakeWorkOS from "../src/FakeWorkOS.js"
import * as WebhookSigner from "../src/WebhookSigner.js"

// workos/workos-node src/webhooks/fixtures/webhook.json, as the reference quotes it.
const fixture = {
  id: "wh_123",
  data: {
    id: "directory_user_01FAEAJCR3ZBZ30D8BD1924TVG",
    state: "active",
    idp_id: "00u1e8mutl6wlH3lL4x7",
    object: "directory_user",
    last_name: "Lunchford",
    first_name: "Blair",
    directory_id: "directory_01F9M7F68PZP8QXP8G7X5QRHS7",
    created_at: "2021-06-25T19:07:33.155Z",
    updated_at: "2021-06-25T19:07:33.155Z",
    raw_attributes: {
      name: { givenName: "Blair", familyName: "Lunchford", middleName: "Elizabeth", honorificPrefix: "Ms." },
      title: "Software Engineer",
      active: true,
      groups: [],
      locale: "en-US",
      schemas: [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
      ],
      addresses: [{ region: "CA", primary: true, locality: "San Francisco", postalCode: "94016" }],
      externalId: "00u1e8mutl6wlH3lL4x7",
      displayName: "Blair Lunchford",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
        manager: { value: "2", displayName: "Kate Chapman" },
        division: "Engineering",
        department: "Customer Success"
      }
    }
  },
  event: "dsync.user.created",
  created_at: "2021-06-25T19:07:33.155Z"
}
const payload = JSON.stringify(fixture)
const expected = "t=1626125972272, v1=627b94eef5e9aee6f8dc596ec68ed64a13c80613a1b79b6df8241d202387b882"

const event: FakeWorkOS.Event = {
  object: "event",
  id: "event_01EHZNVPK3SFK441A1RGBFSHRT",
  event: "dsync.group.created",
  data: { object: "directory_group", id: "directory_group_1", name: "Engineering" },
  created_at: "2026-01-15T12:00:00.000Z"
}

describe("WebhookSigner", () => {
  it.effect("signs the reference vector: the Node fixture, secret 'secret', t=1626125972272", () =>
    Effect.gen(function*() {
      assert.strictEqual(Buffer.byteLength(payload), 1041)
      assert.strictEqual(yield* WebhookSigner.sign({ payload, secret: "secret", timestamp: 1626125972272 }), expected)
      const bytes = new TextEncoder().encode(payload)
      const fromBytes = yield* WebhookSigner.sign({
        payload: bytes,
        secret: Redacted.make("secret"),
        timestamp: 1626125972272
      })
      assert.strictEqual(fromBytes, expected)
    }))

  it.effect("signs HMAC-SHA256 over '<t>.<body>' in lower-case hex, at the Clock's time by default", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_123)
      const header = yield* WebhookSigner.sign({ payload: "", secret: "test_secret" })
      assert.match(header, /^t=1700000000123, v1=[0-9a-f]{64}$/)
      const other = yield* WebhookSigner.sign({ payload: " ", secret: "test_secret" })
      assert.notStrictEqual(other, header)
      const otherSecret = yield* WebhookSigner.sign({ payload: "", secret: "other" })
      assert.notStrictEqual(otherSecret, header)
    }))

  it.effect("signs recorded events as WorkOS posts them: { id, event, data, created_at }", () =>
    Effect.gen(function*() {
      const [webhook] = yield* WebhookSigner.signEvents({ events: [event], secret: "whsec_test", timestamp: 5 })
      assert.strictEqual(
        webhook!.body,
        JSON.stringify({ id: event.id, event: event.event, data: event.data, created_at: event.created_at })
      )
      assert.strictEqual(webhook!.headers["content-type"], "application/json")
      assert.strictEqual(
        webhook!.headers["workos-signature"],
        yield* WebhookSigner.sign({ payload: webhook!.body, secret: "whsec_test", timestamp: 5 })
      )
    }))

  it.effect("delivers to a handler in order and collects its answers", () =>
    Effect.gen(function*() {
      const second = { ...event, id: "event_2", event: "dsync.group.deleted" }
      const seen = yield* WebhookSigner.deliverTo(
        (webhook) => Effect.succeed(`${webhook.event.id}:${JSON.parse(webhook.body).event}`),
        { events: [event, second], secret: "whsec_test" }
      )
      assert.deepStrictEqual(seen, [`${event.id}:dsync.group.created`, "event_2:dsync.group.deleted"])
    }))

  it.effect("POSTs to a URL with Content-Type and WorkOS-Signature, reporting each status", () =>
    Effect.gen(function*() {
      const received: Array<{ url: string; method: string; headers: Record<string, string>; body: string }> = []
      const client = HttpClient.make((request, url) =>
        Effect.sync(() => {
          const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
          received.push({ url: url.href, method: request.method, headers: request.headers, body })
          return HttpClientResponse.fromWeb(request, new Response("ok", { status: received.length === 1 ? 200 : 500 }))
        })
      )
      const results = yield* WebhookSigner.deliver({
        url: "https://app.example.com/webhooks/workos",
        events: [event, { ...event, id: "event_2" }],
        secret: "whsec_test",
        timestamp: 1
      }).pipe(Effect.provide(Layer.succeed(HttpClient.HttpClient, client)))
      assert.deepStrictEqual(results, [{ eventId: event.id, status: 200 }, { eventId: "event_2", status: 500 }])
      assert.strictEqual(received[0]!.method, "POST")
      assert.strictEqual(received[0]!.url, "https://app.example.com/webhooks/workos")
      assert.strictEqual(received[0]!.headers["content-type"], "application/json")
      assert.strictEqual(received[0]!.body, WebhookSigner.payloadOf(event))
      assert.strictEqual(
        received[0]!.headers["workos-signature"],
        yield* WebhookSigner.sign({ payload: received[0]!.body, secret: "whsec_test", timestamp: 1 })
      )
    }))

  it.effect("a delivery that cannot reach the URL is a WebhookDeliveryError naming the event", () =>
    Effect.gen(function*() {
      const down = HttpClient.make((request) =>
        Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "ECONNREFUSED" }))
      )
      const error = yield* Effect.flip(
        WebhookSigner.deliver({ url: "http://127.0.0.1:9/hook", events: [event], secret: "whsec_test" }).pipe(
          Effect.provide(Layer.succeed(HttpClient.HttpClient, down))
        )
      )
      assert.strictEqual(error._tag, "WebhookDeliveryError")
      assert.strictEqual(error.eventId, event.id)
    }))
})
