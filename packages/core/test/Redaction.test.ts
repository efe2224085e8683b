import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import type * as DirectorySync from "../src/DirectorySync.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import * as Stub from "./utils/StubHttp.js"

// Every way the key could be rendered.
const renderings = (value: unknown): ReadonlyArray<readonly [string, string]> => [
  ["String", String(value)],
  ["JSON.stringify", JSON.stringify(value) ?? ""],
  ["Inspectable.format", Inspectable.format(value)],
  ["Inspectable.toStringUnknown", Inspectable.toStringUnknown(value)],
  ["Cause.pretty", Cause.pretty(Cause.fail(value))]
]

const assertNoKey = (label: string, value: unknown) => {
  for (const [how, text] of renderings(value)) {
    assert.notInclude(text, Stub.apiKey, `${how} of ${label} shows the API key`)
  }
}

interface ErrorCase {
  readonly tag: WorkOSError.WorkOSError["_tag"]
  readonly handler: Stub.Handler
  readonly call: (ds: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>
}

const getUser = (ds: DirectorySync.Service) => ds.getUser("directory_user_01")

const errorCases: ReadonlyArray<ErrorCase> = [
  { tag: "BadRequestError", handler: () => Stub.json({ message: "Bad", code: "bad" }, 400), call: getUser },
  { tag: "UnauthorizedError", handler: () => Stub.json({ message: "Unauthorized" }, 401), call: getUser },
  { tag: "ForbiddenError", handler: () => Stub.json({ message: "Forbidden" }, 403), call: getUser },
  { tag: "NotFoundError", handler: () => Stub.json({ message: "Not found" }, 404), call: getUser },
  { tag: "ConflictError", handler: () => Stub.json({ message: "Conflict" }, 409), call: getUser },
  {
    tag: "UnprocessableEntityError",
    handler: () => Stub.json({ message: "Validation failed.", errors: [{ field: "limit", code: "invalid" }] }, 422),
    call: getUser
  },
  { tag: "RateLimitedError", handler: () => Stub.json("Ratelimited", 429, { "retry-after": "3" }), call: getUser },
  { tag: "ServerError", handler: () => Stub.text("<html>502</html>", 502), call: getUser },
  { tag: "UnexpectedStatusError", handler: () => Stub.text("I'm a teapot", 418), call: getUser },
  { tag: "TransportError", handler: () => "transport-error", call: getUser },
  { tag: "DecodeError", handler: () => Stub.json({ ...DirectoryUser.veda, id: 42 }), call: getUser },
  { tag: "InvalidParameterError", handler: () => "transport-error", call: (ds) => ds.listUsers({}) }
]

// The failure of `call`, with the full cause it produced (spans and all).
const failed = (handler: Stub.Handler, call: ErrorCase["call"], options: Partial<WorkOSClient.Options> = {}) =>
  Stub.run(handler, (ds) =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(call(ds))
      yield* TestClock.adjust("10 minutes")
      const exit = yield* Fiber.await(fiber)
      if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
      const error = Option.getOrElse(Cause.failureOption(exit.cause), () => assert.fail(Cause.pretty(exit.cause)))
      return { cause: exit.cause, error }
    }), options)

describe("the API key is never rendered", () => {
  for (const c of errorCases) {
    it.effect(`in a ${c.tag}`, () =>
      Effect.gen(function*() {
        const { cause, error } = yield* failed(c.handler, c.call)
        assert.strictEqual(error._tag, c.tag)
        assertNoKey(c.tag, error)
        assert.notInclude(Cause.pretty(cause), Stub.apiKey)
        assert.notInclude(error.stack ?? "", Stub.apiKey)
      }))
  }

  it.effect("in a TransportError from a timeout, after retries", () =>
    Effect.gen(function*() {
      const { cause, error } = yield* failed(() => Effect.never, getUser, { retry: undefined })
      assert.strictEqual(error._tag, "TransportError")
      assertNoKey("TransportError", error)
      assert.notInclude(Cause.pretty(cause), Stub.apiKey)
    }))

  const echoes: ReadonlyArray<readonly [string, Stub.Handler]> = [
    ["a JSON message", () => Stub.json({ message: `Invalid API key: ${Stub.apiKey}`, code: "invalid_api_key" }, 401)],
    [
      "an OAuth error_description",
      () => Stub.json({ error: "invalid_client", error_description: `Bad secret ${Stub.apiKey}` }, 400)
    ],
    ["a plain-text body", () => Stub.text(`Authorization: Bearer ${Stub.apiKey} rejected`, 503)],
    ["a 2xx body that fails to decode", () => Stub.json({ ...DirectoryUser.veda, state: { token: Stub.apiKey } })]
  ]
  for (const [name, handler] of echoes) {
    it.effect(`when the server echoes it in ${name}`, () =>
      Effect.gen(function*() {
        const { error } = yield* failed(handler, getUser)
        assert.include(error.message, "<redacted>")
        assertNoKey(error._tag, error)
      }))
  }

  it.effect("in the client's options and the service", () => {
    const options: WorkOSClient.Options = { apiKey: Redacted.make(Stub.apiKey), baseUrl: Stub.baseUrl, retry: false }
    return Effect.gen(function*() {
      assertNoKey("options", options)
      assertNoKey("options.apiKey", options.apiKey)
      assert.notInclude(`${String(options.apiKey)}`, Stub.apiKey)
      const client = yield* WorkOSClient.WorkOSClient.pipe(
        Effect.provide(WorkOSClient.layer(options).pipe(Layer.provide(Stub.make(() => "transport-error").layer)))
      )
      assertNoKey("WorkOSClient service", client)
    })
  })

  it.effect("in a ConfigError from layerConfig", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromMap(
        new Map([["WORKOS_API_KEY", Stub.apiKey], ["WORKOS_BASE_URL", "not a url"]])
      )
      const error = yield* Effect.flip(
        Layer.build(WorkOSClient.layerConfig().pipe(Layer.provide(Stub.make(() => "transport-error").layer))).pipe(
          Effect.scoped,
          Effect.withConfigProvider(provider)
        )
      )
      assertNoKey("ConfigError", error)
    }))
})
