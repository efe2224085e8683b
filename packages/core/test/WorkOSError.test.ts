import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as WorkOSError from "../src/WorkOSError.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

const html502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>`

interface StatusCase {
  readonly status: number
  readonly tag: WorkOSError.HttpStatusError["_tag"]
}

const statuses: ReadonlyArray<StatusCase> = [
  { status: 400, tag: "BadRequestError" },
  { status: 401, tag: "UnauthorizedError" },
  { status: 403, tag: "ForbiddenError" },
  { status: 404, tag: "NotFoundError" },
  { status: 409, tag: "ConflictError" },
  { status: 422, tag: "UnprocessableEntityError" },
  { status: 429, tag: "RateLimitedError" },
  { status: 500, tag: "ServerError" },
  { status: 502, tag: "ServerError" },
  { status: 503, tag: "ServerError" },
  { status: 504, tag: "ServerError" },
  { status: 501, tag: "ServerError" },
  { status: 408, tag: "UnexpectedStatusError" },
  { status: 418, tag: "UnexpectedStatusError" },
  { status: 302, tag: "UnexpectedStatusError" }
]

interface BodyCase {
  readonly name: string
  readonly response: (status: number) => Response
  /** The message expected, or `undefined` for the status's own description. */
  readonly message: string | undefined
  readonly code: string | undefined
  readonly requestId: string | undefined
}

const bodies: ReadonlyArray<BodyCase> = [
  {
    name: "JSON {message, code}",
    response: (status) =>
      Stub.json({ message: "Directory not found: 'directory_01'.", code: "entity_not_found" }, status, {
        "x-request-id": "req_01HZ"
      }),
    message: "Directory not found: 'directory_01'.",
    code: "entity_not_found",
    requestId: "req_01HZ"
  },
  {
    name: "OAuth-style {error, error_description}",
    response: (status) =>
      Stub.json({ error: "invalid_client", error_description: "Invalid client secret." }, status, {
        "x-request-id": "req_oauth"
      }),
    message: "Invalid client secret.",
    code: "invalid_client",
    requestId: "req_oauth"
  },
  {
    name: "the bare JSON string \"Ratelimited\"",
    response: (status) => Stub.json("Ratelimited", status, { "x-request-id": "req_rl" }),
    message: "Ratelimited",
    code: undefined,
    requestId: "req_rl"
  },
  {
    name: "plain text",
    response: (status) => Stub.text("upstream connect error or disconnect/reset before headers", status),
    message: "upstream connect error or disconnect/reset before headers",
    code: undefined,
    requestId: undefined
  },
  {
    name: "an HTML error page",
    response: (status) =>
      new Response(html502, { status, headers: { "content-type": "text/html", "x-request-id": "req_html" } }),
    message: undefined,
    code: undefined,
    requestId: "req_html"
  },
  {
    name: "an empty body",
    response: (status) => new Response("", { status }),
    message: undefined,
    code: undefined,
    requestId: undefined
  },
  {
    name: "JSON that is neither an object nor a string",
    response: (status) => Stub.json(null, status),
    message: undefined,
    code: undefined,
    requestId: "req_stub"
  }
]

describe("WorkOSError from responses", () => {
  for (const { status, tag } of statuses) {
    for (const body of bodies) {
      it.effect(`${status} with ${body.name} -> ${tag}`, () =>
        Stub.run(() => body.response(status), (ds) =>
          Effect.gen(function*() {
            const error = tagged(yield* failure(ds.getUser("directory_user_01")), tag)
            assert.strictEqual(error.status, status)
            assert.strictEqual(error.method, "GET")
            assert.strictEqual(error.path, "/directory_users/directory_user_01")
            assert.strictEqual(error.code, body.code)
            assert.strictEqual(error.requestId, body.requestId)
            if (body.message === undefined) {
              assert.isNotEmpty(error.message)
              assert.notInclude(error.message, "<")
              assert.notInclude(error.message, "null")
            } else {
              assert.strictEqual(error.message, body.message)
            }
            assert.instanceOf(error, Error)
          })))
    }
  }

  it.effect("422 carries the validation errors WorkOS sent", () =>
    Stub.run(
      () =>
        Stub.json({
          message: "Validation failed.",
          code: "invalid_request_parameters",
          errors: [{ field: "limit", code: "must_be_between_1_and_100" }, { field: "order", code: "invalid" }]
        }, 422),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listDirectories()), "UnprocessableEntityError")
          assert.strictEqual(error.message, "Validation failed.")
          assert.deepStrictEqual(error.errors?.map(({ code, field }) => ({ field, code })), [
            { field: "limit", code: "must_be_between_1_and_100" },
            { field: "order", code: "invalid" }
          ])
          assert.strictEqual(error.path, "/directories")
        })
    ))

  it.effect("422 without errors leaves them absent", () =>
    Stub.run(() => Stub.json({ message: "Organization not found: 'org_01'." }, 422), (ds) =>
      Effect.gen(function*() {
        const error = tagged(
          yield* failure(ds.listDirectories({ organizationId: "org_01" })),
          "UnprocessableEntityError"
        )
        assert.isUndefined(error.errors)
        assert.strictEqual(error.message, "Organization not found: 'org_01'.")
      })))

  it.effect("429 carries Retry-After", () =>
    Stub.run(() => Stub.json("Ratelimited", 429, { "retry-after": "3" }), (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.listUsers({ directory: "directory_01" })), "RateLimitedError")
        assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(3)))
        assert.deepStrictEqual(WorkOSError.retryAfter(error), Option.some(Duration.seconds(3)))
      })))

  it.effect("429 without Retry-After has none", () =>
    Stub.run(
      () => Stub.json({ message: "Too many requests.", code: "rate_limit_exceeded" }, 429),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listDirectories()), "RateLimitedError")
          assert.isTrue(Option.isNone(error.retryAfter))
          assert.strictEqual(error.code, "rate_limit_exceeded")
        })
    ))

  it.effect("503 carries Retry-After", () =>
    Stub.run(() => Stub.text("down for maintenance", 503, { "retry-after": "120" }), (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.listDirectories()), "ServerError")
        assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(120)))
      })))
})

describe("WorkOSError without a response", () => {
  it.effect("a network failure is a TransportError with reason Transport", () =>
    Stub.run(() => "transport-error", (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.getDirectory("directory_01")), "TransportError")
        assert.strictEqual(error.reason, "Transport")
        assert.include(error.message, "ECONNRESET")
        assert.strictEqual(error.method, "GET")
        assert.strictEqual(error.path, "/directories/directory_01")
      })))

  it.effect("a body that breaks off is a TransportError with reason Transport", () =>
    Stub.run(() => Stub.brokenBody(), (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.getDirectory("directory_01")), "TransportError")
        assert.strictEqual(error.reason, "Transport")
      })))

  it.effect("no answer within the per-attempt timeout is a TransportError with reason Timeout", () =>
    Stub.run(() => Effect.never, (ds, requests) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(failure(ds.deleteDirectory("directory_01")))
        yield* TestClock.adjust("59999 millis")
        assert.isNull(fiber.unsafePoll())
        yield* TestClock.adjust("1 millis")
        const error = tagged(yield* Fiber.join(fiber), "TransportError")
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(error.method, "DELETE")
        assert.strictEqual(error.path, "/directories/directory_01")
        assert.strictEqual(requests.length, 1)
      })))

  it.effect("the timeout option sets the per-attempt limit", () =>
    Stub.run(() => Effect.never, (ds) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(failure(ds.listDirectories()))
        yield* TestClock.adjust("4999 millis")
        assert.isNull(fiber.unsafePoll())
        yield* TestClock.adjust("1 millis")
        assert.strictEqual(tagged(yield* Fiber.join(fiber), "TransportError").reason, "Timeout")
      }), { timeout: "5 seconds" }))

  it.effect("an answer inside the timeout is no error", () =>
    Stub.run(
      () => Effect.as(Effect.sleep("59 seconds"), Stub.json({ object: "list", data: [], list_metadata: {} })),
      (ds) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(ds.listDirectories())
          yield* TestClock.adjust("59 seconds")
          const page = yield* Fiber.join(fiber)
          assert.deepStrictEqual(page.data, [])
        })
    ))
})

describe("WorkOSError helpers", () => {
  it("parseRetryAfter reads delta-seconds and HTTP dates, relative to now", () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0)
    assert.deepStrictEqual(WorkOSError.parseRetryAfter("3", now), Option.some(Duration.seconds(3)))
    assert.deepStrictEqual(WorkOSError.parseRetryAfter(" 1.5 ", now), Option.some(Duration.millis(1500)))
    assert.deepStrictEqual(
      WorkOSError.parseRetryAfter("Thu, 15 Jan 2026 12:00:07 GMT", now),
      Option.some(Duration.seconds(7))
    )
    assert.deepStrictEqual(
      WorkOSError.parseRetryAfter("Thu, 15 Jan 2026 11:00:00 GMT", now),
      Option.some(Duration.zero)
    )
    assert.isTrue(Option.isNone(WorkOSError.parseRetryAfter("soon", now)))
    assert.isTrue(Option.isNone(WorkOSError.parseRetryAfter("-3", now)))
    assert.isTrue(Option.isNone(WorkOSError.parseRetryAfter(undefined, now)))
  })

  it("isRetryable: transient statuses and transport failures only", () => {
    const fields = { message: "m", method: "GET", path: "/directories" }
    const retryable = [
      new WorkOSError.RateLimitedError({ ...fields, status: 429, retryAfter: Option.none() }),
      new WorkOSError.ServerError({ ...fields, status: 503, retryAfter: Option.none() }),
      new WorkOSError.UnexpectedStatusError({ ...fields, status: 408 }),
      new WorkOSError.TransportError({ ...fields, reason: "Timeout" })
    ]
    const final = [
      new WorkOSError.ServerError({ ...fields, status: 501, retryAfter: Option.none() }),
      new WorkOSError.NotFoundError({ ...fields, status: 404 }),
      new WorkOSError.UnexpectedStatusError({ ...fields, status: 418 }),
      new WorkOSError.DecodeError({ ...fields, status: 200 }),
      new WorkOSError.InvalidParameterError({ parameter: "limit", message: "m" })
    ]
    assert.deepStrictEqual(retryable.map(WorkOSError.isRetryable), [true, true, true, true])
    assert.deepStrictEqual(final.map(WorkOSError.isRetryable), [false, false, false, false, false])
  })
})

describe("WorkOSError schema", () => {
  const http = { message: "m", method: "GET", path: "/directory_users", requestId: "req_01", code: "c" }
  const errors: ReadonlyArray<WorkOSError.WorkOSError> = [
    new WorkOSError.BadRequestError({ ...http, status: 400 }),
    new WorkOSError.UnauthorizedError({ ...http, status: 401 }),
    new WorkOSError.ForbiddenError({ ...http, status: 403 }),
    new WorkOSError.NotFoundError({ ...http, status: 404 }),
    new WorkOSError.ConflictError({ ...http, status: 409 }),
    new WorkOSError.UnprocessableEntityError({
      ...http,
      status: 422,
      errors: [new WorkOSError.ValidationIssue({ field: "limit", code: "invalid" })]
    }),
    new WorkOSError.RateLimitedError({ ...http, status: 429, retryAfter: Option.some(Duration.seconds(3)) }),
    new WorkOSError.ServerError({ ...http, status: 503, retryAfter: Option.none() }),
    new WorkOSError.UnexpectedStatusError({ ...http, status: 418 }),
    new WorkOSError.TransportError({ reason: "Timeout", message: "m", method: "GET", path: "/directories" }),
    new WorkOSError.DecodeError({
      status: 200,
      message: "m",
      method: "GET",
      path: "/directories",
      requestId: "req_02"
    }),
    new WorkOSError.InvalidParameterError({ parameter: "limit", message: "m" })
  ]
  const json = Schema.parseJson(WorkOSError.WorkOSError)

  for (const error of errors) {
    it(`${error._tag} survives a JSON round trip (e.g. across a worker boundary)`, () => {
      const back = Schema.decodeUnknownSync(json)(Schema.encodeSync(json)(error))
      assert.strictEqual(back._tag, error._tag)
      assert.strictEqual(Object.getPrototypeOf(back), Object.getPrototypeOf(error))
      assert.deepStrictEqual(back, error)
    })
  }
})
