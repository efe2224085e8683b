/**
 * A Web Crypto that fails (alone in its file: it replaces a global).
 */
import { afterEach, assert, describe, it, vi } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Webhooks from "../src/Webhooks.js"
import * as Fixtures from "./fixtures/events.js"

const vector = Fixtures.signatureVector

afterEach(() => {
  vi.restoreAllMocks()
})

describe("Webhooks.verify when Web Crypto fails", () => {
  it.effect("is CryptoFailure, not SignatureMismatch", () =>
    Effect.gen(function*() {
      vi.spyOn(globalThis.crypto.subtle, "importKey").mockRejectedValue(new Error("no HMAC here"))
      yield* TestClock.setTime(vector.timestamp)
      const exit = yield* Effect.exit(
        Webhooks.verify({ payload: vector.body, signature: vector.header, secret: Redacted.make(vector.secret) })
      )
      if (Exit.isSuccess(exit) || !Cause.isFailType(exit.cause)) return assert.fail("expected a typed failure")
      assert.strictEqual(exit.cause.error.reason, "CryptoFailure")
    }))
})
