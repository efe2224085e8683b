/**
 * `Webhooks.verify` under careless callers and hostile deliveries: every
 * failure is a `WebhookVerificationError` whose reason says what happened.
 */
import * as HttpServerRespondable from "@effect/platform/HttpServerRespondable"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import * as Webhooks from "../src/Webhooks.js"
import * as Fixtures from "./fixtures/events.js"
import { loose } from "./utils/Loose.js"

const vector = Fixtures.signatureVector
const secret = Redacted.make(vector.secret)
const t = vector.timestamp

const sign = (key: string, body: string) =>
  `t=${t}, v1=${createHmac("sha256", key).update(`${t}.`).update(body).digest("hex")}`

const rejection = (options: unknown) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(t)
    const exit = yield* Effect.exit(Webhooks.verify(loose<Webhooks.VerifyOptions>(options)))
    if (Exit.isSuccess(exit)) return assert.fail("expected the delivery to be rejected")
    if (!Cause.isFailType(exit.cause)) return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
    return exit.cause.error
  })

const valid = { payload: vector.body, signature: vector.header, secret }

describe("Webhooks.verify, called outside the types", () => {
  const cases: ReadonlyArray<readonly [string, unknown, Webhooks.WebhookVerificationReason]> = [
    ["a plain-string secret", { ...valid, secret: vector.secret }, "InvalidOptions"],
    ["an array of plain-string secrets", { ...valid, secret: [vector.secret] }, "InvalidOptions"],
    ["an empty array of secrets", { ...valid, secret: [] }, "InvalidOptions"],
    ["a null secret", { ...valid, secret: null }, "InvalidOptions"],
    ["a non-string signature", { ...valid, signature: 42 }, "MalformedHeader"],
    ["an array signature (a repeated header)", { ...valid, signature: [vector.header] }, "MalformedHeader"],
    ["a null signature", { ...valid, signature: null }, "MissingHeader"],
    ["a null payload", { ...valid, payload: null }, "InvalidPayload"],
    ["an object payload (already parsed JSON)", { ...valid, payload: JSON.parse(vector.body) }, "InvalidPayload"],
    ["a tolerance of \"soon\"", { ...valid, tolerance: "soon" }, "InvalidOptions"],
    ["an infinite tolerance", { ...valid, tolerance: "Infinity" }, "InvalidOptions"],
    ["no options at all", null, "InvalidOptions"],
    ["a string for options", "t=1", "InvalidOptions"]
  ]
  for (const [name, options, reason] of cases) {
    it.effect(`${name} is ${reason}`, () =>
      Effect.gen(function*() {
        const error = yield* rejection(options)
        assert.strictEqual(error.reason, reason, error.message)
      }))
  }

  it.effect("a signed payload nesting thousands of levels is InvalidPayload", () =>
    Effect.gen(function*() {
      for (
        const body of [
          "[".repeat(5000) + "]".repeat(5000),
          `{"id":"wh_1","event":"dsync.user.created","created_at":"2026-01-15T12:00:00Z","data":${
            "[".repeat(5000) + "]".repeat(5000)
          }}`
        ]
      ) {
        const error = yield* rejection({ payload: body, signature: sign(vector.secret, body), secret })
        assert.strictEqual(error.reason, "InvalidPayload")
        assert.isBelow(error.message.length, 4000)
      }
    }))

  it.effect("InvalidOptions and CryptoFailure answer 500 in a route, delivery problems 400", () =>
    Effect.gen(function*() {
      const status = (reason: Webhooks.WebhookVerificationReason) =>
        Effect.map(
          HttpServerRespondable.toResponse(new Webhooks.WebhookVerificationError({ reason, message: "x" })),
          (response) => response.status
        )
      assert.strictEqual(yield* status("InvalidOptions"), 500)
      assert.strictEqual(yield* status("CryptoFailure"), 500)
      assert.strictEqual(yield* status("SignatureMismatch"), 400)
      assert.strictEqual(yield* status("InvalidPayload"), 400)
    }))
})
