import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import { inspect } from "node:util"
import * as DirectorySyncEvent from "../src/DirectorySyncEvent.js"
import * as Webhooks from "../src/Webhooks.js"
import * as Fixtures from "./fixtures/events.js"

const vector = Fixtures.signatureVector
const secret = Redacted.make(vector.secret)
const t = vector.timestamp

// An independent signer (node:crypto), so the verifier is not checked against itself.
const hmacHex = (key: string, timestamp: number | string, body: string | Uint8Array) =>
  createHmac("sha256", key).update(`${timestamp}.`).update(body).digest("hex")

const header = (key: string, timestamp: number, body: string | Uint8Array) =>
  `t=${timestamp}, v1=${hmacHex(key, timestamp, body)}`

// Runs `verify` with the clock at `now` (default: the vector's timestamp).
const verifyAt = (options: Partial<Webhooks.VerifyOptions>, now: number = t) =>
  Effect.zipRight(
    TestClock.setTime(now),
    Webhooks.verify({ payload: vector.body, signature: vector.header, secret, ...options })
  )

// The typed failure of a verification: a defect or a success fails the test.
const rejection = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return assert.fail("expected the delivery to be rejected")
    if (!Cause.isFailType(exit.cause)) return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
    const error = exit.cause.error
    return error instanceof Webhooks.WebhookVerificationError
      ? error
      : assert.fail(`expected a WebhookVerificationError, got ${String(error)}`)
  })

const reasonOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(rejection(effect), (error) => error.reason)

describe("Webhooks.verify", () => {
  it.effect("accepts the reference vector and decodes the event", () =>
    Effect.gen(function*() {
      const event = yield* verifyAt({})
      assert.instanceOf(event, DirectorySyncEvent.UserCreated)
      assert.strictEqual(event.id, "wh_123")
      assert.strictEqual(event._tag === "UserCreated" && event.data.firstName, "Blair")
    }))

  it.effect("accepts the payload as bytes", () =>
    Effect.gen(function*() {
      const event = yield* verifyAt({ payload: new TextEncoder().encode(vector.body) })
      assert.strictEqual(event.id, "wh_123")
    }))

  it.effect("verifies the exact bytes: non-ASCII bodies as string and as bytes", () =>
    Effect.gen(function*() {
      const body = JSON.stringify(JSON.parse(Fixtures.webhookJson.replace("Lunchford", "Løvgren 😀")))
      const signature = header("whsec_rotated", t, body)
      const fromString = yield* verifyAt({ payload: body, signature, secret: Redacted.make("whsec_rotated") })
      const fromBytes = yield* verifyAt({
        payload: new TextEncoder().encode(body),
        signature,
        secret: Redacted.make("whsec_rotated")
      })
      assert.strictEqual(fromString._tag === "UserCreated" && fromString.data.lastName, "Løvgren 😀")
      assert.deepStrictEqual(fromBytes, fromString)
    }))

  it.effect("rejects a wrong secret and a tampered body", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* reasonOf(verifyAt({ secret: Redacted.make("secret2") })), "SignatureMismatch")
      assert.strictEqual(
        yield* reasonOf(verifyAt({ payload: vector.body.replace("Blair", "Clair") })),
        "SignatureMismatch"
      )
      // Re-serialized JSON is not the signed body.
      assert.strictEqual(
        yield* reasonOf(verifyAt({ payload: JSON.stringify(JSON.parse(vector.body), null, 2) })),
        "SignatureMismatch"
      )
      // A tampered body is rejected for its signature before anything reads it.
      assert.strictEqual(yield* reasonOf(verifyAt({ payload: "not json at all" })), "SignatureMismatch")
    }))

  it.effect("parses the header by key: order, spacing and unknown schemes are free", () =>
    Effect.gen(function*() {
      const v1 = vector.signature
      for (
        const signature of [
          `t=${t},v1=${v1}`,
          `v1=${v1}, t=${t}`,
          `  v1 = ${v1} ,   t= ${t}  `,
          `t=${t}, v0=ignored, v1=${v1}, v2=future`,
          `t=${t}, v1=${v1.toUpperCase()}`,
          `t=${t},, v1=${v1},`
        ]
      ) {
        const event = yield* verifyAt({ signature })
        assert.strictEqual(event.id, "wh_123", signature)
      }
    }))

  it.effect("accepts several v1 signatures when one matches (secret rotation), and rejects when none does", () =>
    Effect.gen(function*() {
      const other = hmacHex("old_secret", t, vector.body)
      assert.strictEqual((yield* verifyAt({ signature: `t=${t}, v1=${other}, v1=${vector.signature}` })).id, "wh_123")
      assert.strictEqual((yield* verifyAt({ signature: `t=${t}, v1=${vector.signature}, v1=${other}` })).id, "wh_123")
      assert.strictEqual((yield* verifyAt({ signature: `t=${t}, v1=zz, v1=${vector.signature}` })).id, "wh_123")
      assert.strictEqual(
        yield* reasonOf(verifyAt({ signature: `t=${t}, v1=${other}, v1=${"0".repeat(64)}` })),
        "SignatureMismatch"
      )
      assert.strictEqual(yield* reasonOf(verifyAt({ signature: `t=${t}, v1=zz` })), "SignatureMismatch")
    }))

  it.effect("accepts any of several secrets", () =>
    Effect.gen(function*() {
      const secrets = [Redacted.make("whsec_new"), secret] as const
      assert.strictEqual((yield* verifyAt({ secret: secrets })).id, "wh_123")
      assert.strictEqual(
        yield* reasonOf(verifyAt({ secret: [Redacted.make("a"), Redacted.make("b")] })),
        "SignatureMismatch"
      )
    }))

  it.effect("applies the tolerance both ways, inclusive at the edge", () =>
    Effect.gen(function*() {
      const edge = 180_000
      assert.strictEqual((yield* verifyAt({}, t + edge)).id, "wh_123")
      assert.strictEqual((yield* verifyAt({}, t - edge)).id, "wh_123")
      const old = yield* rejection(verifyAt({}, t + edge + 1))
      assert.strictEqual(old.reason, "TimestampOutOfTolerance")
      assert.include(old.message, "old")
      const future = yield* rejection(verifyAt({}, t - edge - 1))
      assert.strictEqual(future.reason, "TimestampOutOfTolerance")
      assert.include(future.message, "in the future")
      // An hour ahead is rejected (workos-node accepts it).
      assert.strictEqual(yield* reasonOf(verifyAt({}, t - 3_600_000)), "TimestampOutOfTolerance")
    }))

  it.effect("takes a custom tolerance", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* verifyAt({ tolerance: "10 seconds" }, t + 10_000)).id, "wh_123")
      assert.strictEqual(yield* reasonOf(verifyAt({ tolerance: "10 seconds" }, t + 10_001)), "TimestampOutOfTolerance")
      assert.strictEqual(yield* reasonOf(verifyAt({ tolerance: "10 seconds" }, t - 10_001)), "TimestampOutOfTolerance")
      assert.strictEqual((yield* verifyAt({ tolerance: "1 hour" }, t + 3_600_000)).id, "wh_123")
    }))

  it.effect("reads now from the Clock, so time passing expires a delivery", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t)
      const verify = Webhooks.verify({ payload: vector.body, signature: vector.header, secret })
      assert.strictEqual((yield* verify).id, "wh_123")
      yield* TestClock.adjust("181 seconds")
      assert.strictEqual(yield* reasonOf(verify), "TimestampOutOfTolerance")
    }))

  it.effect("rejects a missing header", () =>
    Effect.gen(function*() {
      for (const signature of [undefined, "", "   "]) {
        const error = yield* rejection(verifyAt({ signature }))
        assert.strictEqual(error.reason, "MissingHeader", String(signature))
        assert.include(error.message, "WorkOS-Signature")
      }
    }))

  it.effect("rejects garbage headers as malformed, never as a defect", () =>
    Effect.gen(function*() {
      const v1 = vector.signature
      const garbage = [
        "t=",
        "v1=abc",
        "nonsense",
        `t=abc, v1=${v1}`,
        `t=${t}`,
        `t=${t}, v1=`,
        `t=${t}, t=${t}, v1=${v1}`,
        `t=-${t}, v1=${v1}`,
        `t=1.626e12, v1=${v1}`,
        `t=${t}; v1=${v1}`,
        `${t}, ${v1}`,
        "=,=,=",
        "t=99999999999999999999999999, v1=00"
      ]
      for (const signature of garbage) {
        assert.strictEqual(yield* reasonOf(verifyAt({ signature })), "MalformedHeader", signature)
      }
    }))

  it.effect("decodes only after the signature holds: a signed body that is not an event is InvalidPayload", () =>
    Effect.gen(function*() {
      const key = "whsec_test"
      const signed = (body: string | Uint8Array) =>
        verifyAt({ payload: body, signature: header(key, t, body), secret: Redacted.make(key) })
      const notJson = yield* rejection(signed("{not json"))
      assert.deepStrictEqual([notJson.reason, notJson.message], ["InvalidPayload", "The webhook body is not JSON"])
      const notUtf8 = yield* rejection(signed(new Uint8Array([0x7b, 0xff, 0x7d])))
      assert.strictEqual(notUtf8.reason, "InvalidPayload")
      assert.include(notUtf8.message, "UTF-8")
      const notEvent = yield* rejection(signed(JSON.stringify({ id: "wh_1", event: "dsync.user.created", data: {} })))
      assert.strictEqual(notEvent.reason, "InvalidPayload")
      assert.include(notEvent.message, `["created_at"]`)
      const unknown = yield* signed(
        JSON.stringify({
          id: "wh_2",
          event: "user.created",
          data: { id: "user_1" },
          created_at: "2026-01-15T12:00:00Z"
        })
      )
      assert.instanceOf(unknown, DirectorySyncEvent.UnknownEvent)
      assert.deepStrictEqual(unknown.data, { id: "user_1" })
    }))

  it.effect("an empty secret matches nothing", () =>
    Effect.gen(function*() {
      const error = yield* rejection(verifyAt({ secret: Redacted.make(""), signature: header("", t, vector.body) }))
      assert.strictEqual(error.reason, "SignatureMismatch")
      assert.include(error.message, "secret is empty")
    }))

  it.effect("never shows the secret, in any rendering of any failure", () =>
    Effect.gen(function*() {
      const key = "whsec_DO_NOT_LEAK_0FWAiVGkEfGBqqsJH4aNAGBJ4"
      const failures = [
        verifyAt({ secret: Redacted.make(key), signature: undefined }),
        verifyAt({ secret: Redacted.make(key), signature: "t=x" }),
        verifyAt({ secret: Redacted.make(key) }, t + 999_999),
        verifyAt({ secret: Redacted.make(key) }),
        verifyAt({ secret: Redacted.make(key), payload: "{", signature: header(key, t, "{") })
      ]
      const reasons = []
      for (const failure of failures) {
        const exit = yield* Effect.exit(failure)
        const error = yield* rejection(failure)
        reasons.push(error.reason)
        for (
          const rendered of [
            String(error),
            error.message,
            JSON.stringify(error),
            inspect(error, { depth: 10 }),
            Cause.pretty(Exit.isFailure(exit) ? exit.cause : Cause.empty)
          ]
        ) {
          assert.notInclude(rendered, key)
          assert.notInclude(rendered, "DO_NOT_LEAK")
        }
      }
      assert.deepStrictEqual(reasons, [
        "MissingHeader",
        "MalformedHeader",
        "TimestampOutOfTolerance",
        "SignatureMismatch",
        "InvalidPayload"
      ])
    }))
})

describe("Webhooks.verifyRequest", () => {
  const request = (signature: string | undefined, body: string) =>
    HttpServerRequest.fromWeb(
      new Request("http://localhost/webhooks/workos", {
        method: "POST",
        headers: signature === undefined
          ? { "content-type": "application/json" }
          : { "content-type": "application/json", "WorkOS-Signature": signature },
        body
      })
    )

  it.effect("reads the header and the raw body from the server request", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t)
      const event = yield* Webhooks.verifyRequest({ secret }).pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, request(vector.header, vector.body))
      )
      assert.strictEqual(event.id, "wh_123")
      const missing = yield* reasonOf(
        Webhooks.verifyRequest({ secret }).pipe(
          Effect.provideService(HttpServerRequest.HttpServerRequest, request(undefined, vector.body))
        )
      )
      assert.strictEqual(missing, "MissingHeader")
    }))

  it.effect("in a router: a verified delivery reaches the handler, a rejected one answers 400", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t)
      const received: Array<string> = []
      const router = HttpRouter.empty.pipe(
        HttpRouter.post(
          "/webhooks/workos",
          Effect.gen(function*() {
            const event = yield* Webhooks.verifyRequest({ secret })
            received.push(event.id)
            return HttpServerResponse.empty({ status: 204 })
          })
        )
      )
      const handler = HttpApp.toWebHandlerRuntime(yield* Effect.runtime<never>())(router)
      const send = (signature: string | undefined, body: string) =>
        Effect.promise(() =>
          handler(
            new Request("http://localhost/webhooks/workos", {
              method: "POST",
              headers: signature === undefined ? {} : { "workos-signature": signature },
              body
            })
          )
        )
      assert.strictEqual((yield* send(vector.header, vector.body)).status, 204)
      assert.strictEqual((yield* send(vector.header, vector.body.replace("wh_123", "wh_999"))).status, 400)
      assert.strictEqual((yield* send(undefined, vector.body)).status, 400)
      assert.strictEqual((yield* send("garbage", vector.body)).status, 400)
      assert.deepStrictEqual(received, ["wh_123"])
    }))
})
