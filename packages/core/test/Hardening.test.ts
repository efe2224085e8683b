/**
 * Hostile and careless input, item by item (issue 13): every failure is typed,
 * nothing is sent for a bad parameter, and nothing taken from a response
 * carries the API key.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as DirectorySync from "../src/DirectorySync.js"
import * as Events from "../src/Events.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import { routes } from "./fixtures/Routes.js"
import { failure, tagged } from "./utils/Assertions.js"
import { loose } from "./utils/Loose.js"
import * as Stub from "./utils/StubHttp.js"

const invalidParameter = (error: WorkOSError.WorkOSError, parameter: string) => {
  const invalid = tagged(error, "InvalidParameterError")
  assert.strictEqual(invalid.parameter, parameter, invalid.message)
  return invalid
}

const lone = "\uD800"

// What a client that follows redirects itself returns: the answer of another origin.
const answeredElsewhere = (request: HttpClientRequest.HttpClientRequest, url: string) =>
  HttpClientResponse.fromWeb(
    HttpClientRequest.setUrl(request, url),
    new Response(JSON.stringify(DirectoryUser.veda), { status: 200, headers: { "content-type": "application/json" } })
  )
const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels)

describe("ids, filters and cursors that are not valid Unicode", () => {
  const ids: ReadonlyArray<
    readonly [string, (ds: DirectorySync.Service, id: string) => Effect.Effect<unknown, WorkOSError.WorkOSError>]
  > = [
    ["getUser", (ds, id) => ds.getUser(id)],
    ["getDirectory", (ds, id) => ds.getDirectory(id)],
    ["getGroup", (ds, id) => ds.getGroup(id)],
    ["deleteDirectory", (ds, id) => ds.deleteDirectory(id)]
  ]
  for (const [name, call] of ids) {
    for (const id of [lone, `directory_${lone}x`, "\uDC00abc", `a\uDBFF`]) {
      it.effect(`${name}(${JSON.stringify(id)}) is an InvalidParameterError naming id, nothing sent`, () =>
        Stub.run(routes, (ds, requests) =>
          Effect.gen(function*() {
            invalidParameter(yield* failure(call(ds, id)), "id")
            assert.strictEqual(requests.length, 0)
          })))
    }
  }

  const options: ReadonlyArray<
    readonly [string, (ds: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>]
  > = [
    ["email", (ds) => ds.listUsers({ directory: "directory_01", email: `veda${lone}@foo-corp.com` })],
    ["directory", (ds) => ds.listUsers({ directory: `directory_${lone}` })],
    ["idpId", (ds) => ds.listUsers({ directory: "directory_01", idpId: lone })],
    ["search", (ds) => ds.listDirectories({ search: `Foo ${lone}` })],
    ["organizationId", (ds) => ds.listDirectories({ organizationId: lone })],
    ["user", (ds) => ds.listGroups({ user: lone })],
    ["after", (ds) => ds.listGroups({ directory: "directory_01", after: lone })],
    ["before", (ds) => ds.listUsers({ directory: "directory_01", before: `x${lone}` })],
    ["after", (ds) => Stream.runDrain(ds.streamUsers({ directory: "directory_01", after: lone }))]
  ]
  for (const [parameter, call] of options) {
    it.effect(`a lone surrogate in ${parameter} is an InvalidParameterError naming it, nothing sent`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          invalidParameter(yield* failure(call(ds)), parameter)
          assert.strictEqual(requests.length, 0)
        })))
  }

  it.effect("well-formed astral characters (a surrogate pair) are sent as they are", () =>
    Stub.run(routes, (ds, requests) =>
      Effect.gen(function*() {
        yield* ds.listDirectories({ search: "Foo \uD83D\uDE00" })
        assert.strictEqual(requests[0]!.query.search, "Foo \uD83D\uDE00")
      })))
})

describe("deeply nested JSON", () => {
  it.effect("a 2xx list body nesting thousands of levels is a DecodeError", () =>
    Stub.run(
      () => new Response(`{"object":"list","data":${deep(4000)},"list_metadata":{}}`),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listUsers({ directory: "directory_01" })), "DecodeError")
          assert.isBelow(error.message.length, 2000)
        })
    ))

  it.effect("a deep value in a field is a DecodeError naming the field", () =>
    Stub.run(() => new Response(`{"id":${deep(5000)}}`), (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.getUser("directory_user_01")), "DecodeError")
        assert.include(error.message, "id")
      })))

  it.effect("a deep error body maps by status", () =>
    Stub.run(() => new Response(`{"message":${deep(5000)}}`, { status: 400 }), (ds) =>
      Effect.gen(function*() {
        tagged(yield* failure(ds.getUser("directory_user_01")), "BadRequestError")
      })))
})

describe("JavaScript callers outside the types", () => {
  const cases: ReadonlyArray<
    readonly [string, string, (ds: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>]
  > = [
    ["listUsers(null)", "options", (ds) => ds.listUsers(loose(null))],
    ["listUsers({ limit: null })", "limit", (ds) => ds.listUsers(loose({ directory: "directory_01", limit: null }))],
    ["listUsers({ order: null })", "order", (ds) => ds.listUsers(loose({ directory: "directory_01", order: null }))],
    ["listUsers({ email: 42 })", "email", (ds) => ds.listUsers(loose({ directory: "directory_01", email: 42 }))],
    [
      "listUsers({ customAttributes: \"x\" })",
      "customAttributes",
      (ds) => ds.listUsers(loose({ directory: "directory_01", customAttributes: "x" }))
    ],
    ["listDirectories(null)", "options", (ds) => ds.listDirectories(loose(null))],
    ["listDirectories(\"x\")", "options", (ds) => ds.listDirectories(loose("x"))],
    ["listDirectories({ search: {} })", "search", (ds) => ds.listDirectories(loose({ search: {} }))],
    ["listGroups(null)", "options", (ds) => ds.listGroups(loose(null))],
    [
      "getUser(id, null)",
      "options",
      (ds) => ds.getUser("directory_user_01", loose<DirectorySync.CustomAttributesOption<unknown, unknown>>(null))
    ],
    ["getUser(42)", "id", (ds) => ds.getUser(loose(42))],
    ["getDirectory(null)", "id", (ds) => ds.getDirectory(loose(null))],
    ["streamDirectories(null)", "options", (ds) => Stream.runDrain(ds.streamDirectories(loose(null)))],
    ["streamUsers(null)", "options", (ds) => Stream.runDrain(ds.streamUsers(loose(null)))],
    ["streamGroups(null)", "options", (ds) => Stream.runDrain(ds.streamGroups(loose(null)))]
  ]
  for (const [name, parameter, call] of cases) {
    it.effect(`${name} is an InvalidParameterError naming ${parameter}, nothing sent`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          invalidParameter(yield* failure(call(ds)), parameter)
          assert.strictEqual(requests.length, 0)
        })))
  }

  const events: ReadonlyArray<
    readonly [string, string, (events: Events.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>]
  > = [
    ["listEvents(null)", "options", (e) => e.listEvents(loose(null))],
    [
      "listEvents({ events: \"dsync.activated\" })",
      "events",
      (e) => e.listEvents(loose({ events: "dsync.activated" }))
    ],
    ["listEvents({ rangeStart: 42 })", "rangeStart", (e) => e.listEvents(loose({ rangeStart: 42 }))],
    ["listEvents({ after: lone surrogate })", "after", (e) => e.listEvents({ after: lone })],
    ["streamEvents(null)", "options", (e) => Stream.runDrain(e.streamEvents(loose(null)))]
  ]
  for (const [name, parameter, call] of events) {
    it.effect(`${name} is an InvalidParameterError naming ${parameter}, nothing sent`, () => {
      const stub = Stub.make(() => Stub.json({ data: [], list_metadata: { after: null } }))
      return Effect.gen(function*() {
        invalidParameter(yield* failure(call(yield* Events.Events)), parameter)
        assert.strictEqual(stub.requests.length, 0)
      }).pipe(Effect.provide(Events.layer.pipe(
        Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make(Stub.apiKey), retry: false, rateLimit: false })),
        Layer.provide(stub.layer)
      )))
    })
  }
})

describe("streamOrganizationUsers", () => {
  const bad: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["prefetch", { prefetch: -1 }],
    ["prefetch", { prefetch: 1.5 }],
    ["prefetch", { prefetch: "2" }],
    ["concurrency", { concurrency: 0 }],
    ["concurrency", { concurrency: "4" }]
  ]
  for (const [parameter, options] of bad) {
    it.effect(`${parameter}: ${JSON.stringify(options[parameter])} fails before any request`, () =>
      Stub.run(routes, (_, requests) =>
        Effect.gen(function*() {
          const stream = DirectorySync.streamOrganizationUsers(loose({ organizationId: "org_01", ...options }))
          invalidParameter(yield* failure(Stream.runDrain(stream)), parameter)
          assert.strictEqual(requests.length, 0)
        }).pipe(Effect.provide(DirectorySync.layer))))
  }
})

describe("redirects", () => {
  const redirect = (status: number) => () =>
    new Response(null, { status, headers: { location: "https://elsewhere.test/steal", "x-request-id": "req_3xx" } })

  for (const status of [301, 302, 303, 307, 308]) {
    it.effect(`a ${status} is an UnexpectedStatusError, not followed`, () =>
      Stub.run(redirect(status), (ds, requests) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.getUser("directory_user_01")), "UnexpectedStatusError")
          assert.strictEqual(error.status, status)
          assert.strictEqual(requests.length, 1)
        })))
  }

  it.effect("an HttpClient.followRedirects added by transformClient never sends to another origin", () =>
    Stub.run(redirect(302), (ds, requests) =>
      Effect.gen(function*() {
        const error = yield* failure(ds.getUser("directory_user_01"))
        assert.notStrictEqual(error._tag, "DecodeError")
        assert.deepStrictEqual(requests.map((r) => r.url.origin), [Stub.baseUrl])
      }), { transformClient: HttpClient.followRedirects(5) }))

  it.effect("a response a client fetched from another origin on its own is never a success", () => {
    const elsewhere = HttpClient.make((request) =>
      Effect.succeed(answeredElsewhere(request, "https://elsewhere.test/steal"))
    )
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      tagged(yield* failure(ds.getUser("directory_user_01")), "UnexpectedStatusError")
    }).pipe(Effect.provide(DirectorySync.layer.pipe(
      Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make(Stub.apiKey), retry: false, rateLimit: false })),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, elsewhere))
    )))
  })

  it.effect("FetchHttpClient is told not to follow redirects, keeping the caller's RequestInit", () => {
    const inits: Array<RequestInit | undefined> = []
    const fetch: typeof globalThis.fetch = (_, init) => {
      inits.push(init)
      return Promise.resolve(
        init?.redirect === "manual"
          ? new Response(null, { status: 302, headers: { location: "https://elsewhere.test/" } })
          : new Response(JSON.stringify(DirectoryUser.veda), { status: 200 })
      )
    }
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const error = tagged(yield* failure(ds.getUser("directory_user_01")), "UnexpectedStatusError")
      assert.strictEqual(error.status, 302)
      assert.strictEqual(inits[0]?.redirect, "manual")
      assert.strictEqual(inits[0]?.cache, "no-store")
    }).pipe(
      Effect.provide(DirectorySync.layer.pipe(
        Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make(Stub.apiKey), retry: false, rateLimit: false })),
        Layer.provideMerge(FetchHttpClient.layer),
        Layer.provideMerge(Layer.succeed(FetchHttpClient.Fetch, fetch)),
        Layer.provideMerge(Layer.succeed(FetchHttpClient.RequestInit, { cache: "no-store" }))
      ))
    )
  })
})

describe("the API key in what a server sends back", () => {
  const escaped = (text: string) => text.replaceAll("_", "\\u005f")
  const fullyEscaped = (text: string) =>
    Array.from(text, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
  const raw = (body: string, status: number, headers: Record<string, string> = {}) => () =>
    new Response(body, { status, headers: { "content-type": "application/json", ...headers } })

  const renderings = (error: unknown) => [
    JSON.stringify(error),
    String(error),
    Cause.pretty(Cause.fail(error))
  ]

  const cases: ReadonlyArray<readonly [string, Stub.Handler]> = [
    ["an X-Request-ID header", () => Stub.json({ message: "Not found" }, 404, { "x-request-id": Stub.apiKey })],
    ["an X-Request-ID header of a 2xx that fails to decode", () => Stub.json({}, 200, { "x-request-id": Stub.apiKey })],
    ["a JSON-escaped message", raw(`{"message":"bad key ${escaped(Stub.apiKey)}"}`, 401)],
    ["a fully escaped code", raw(`{"message":"bad","code":"${fullyEscaped(Stub.apiKey)}"}`, 400)],
    [
      "an escaped field of a 422",
      raw(`{"message":"bad","errors":[{"field":"${escaped(Stub.apiKey)}","code":"x"}]}`, 422)
    ],
    ["an escaped OAuth error", raw(`{"error":"${fullyEscaped(Stub.apiKey)}"}`, 400)],
    ["an escaped value of a 2xx that fails to decode", raw(`{"id":{"token":"${fullyEscaped(Stub.apiKey)}"}}`, 200)]
  ]
  for (const [name, handler] of cases) {
    it.effect(`is redacted from ${name}`, () =>
      Stub.run(handler, (ds) =>
        Effect.gen(function*() {
          const error = yield* failure(ds.getUser("directory_user_01"))
          for (const text of renderings(error)) assert.notInclude(text, Stub.apiKey)
          assert.include(JSON.stringify(error), "<redacted>")
        })))
  }
})

describe("errors that say what happened", () => {
  const failWith = (reason: "Transport" | "Encode" | "InvalidUrl", cause: unknown) =>
    HttpClient.make((request) => Effect.fail(new HttpClientError.RequestError({ request, reason, cause })))

  const withClient = (client: HttpClient.HttpClient, options: Partial<WorkOSClient.Options> = {}) =>
    DirectorySync.layer.pipe(
      Layer.provide(
        WorkOSClient.layer({
          apiKey: Redacted.make(Stub.apiKey),
          baseUrl: Stub.baseUrl,
          retry: false,
          rateLimit: false,
          ...options
        })
      ),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
    )

  it.effect("a TransportError keeps the cause's code and the host, redacted", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error(`read ECONNRESET ${Stub.apiKey}`), { code: "ECONNRESET" })
    })
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const error = tagged(yield* failure(ds.getUser("directory_user_01")), "TransportError")
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.code, "ECONNRESET")
      assert.strictEqual(error.host, "api.test")
      assert.include(error.message, "read ECONNRESET")
      assert.notInclude(JSON.stringify(error), Stub.apiKey)
    }).pipe(Effect.provide(withClient(failWith("Transport", cause))))
  })

  it.effect("an Encode failure is not retried and says so", () => {
    let attempts = 0
    const client = HttpClient.make((request) =>
      Effect.suspend(() => {
        attempts++
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Encode", cause: new Error("bad body") })
        )
      })
    )
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const error = tagged(yield* failure(ds.getUser("directory_user_01")), "TransportError")
      assert.strictEqual(error.reason, "Encode")
      assert.strictEqual(attempts, 1)
    }).pipe(Effect.provide(withClient(client, { retry: { times: 3, base: "1 millis" } })))
  })
})

describe("settings that cannot work", () => {
  const cases: ReadonlyArray<readonly [string, Partial<WorkOSClient.Options>]> = [
    ["timeout", { timeout: loose("soon") }],
    ["timeout", { timeout: 0 }],
    ["rateLimit.perKey.limit", { rateLimit: { perKey: { limit: 0, interval: "1 second" } } }],
    ["rateLimit.directoryUsers.interval", { rateLimit: { directoryUsers: { limit: 4, interval: loose("never") } } }],
    ["rateLimit.directoryUsers.interval", { rateLimit: { directoryUsers: { limit: 4, interval: 0 } } }],
    ["rateLimit.margin", { rateLimit: { margin: loose("a bit") } }],
    ["retry.times", { retry: { times: -1 } }],
    ["retry.base", { retry: { base: loose("fast") } }],
    ["apiKey", { apiKey: loose(Stub.apiKey) }],
    ["transformClient", { transformClient: loose("yes") }]
  ]
  for (const [parameter, options] of cases) {
    it.effect(`${parameter}: the layer builds, and every call fails with an InvalidParameterError naming it`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          invalidParameter(yield* failure(ds.getUser("directory_user_01")), parameter)
          assert.strictEqual(requests.length, 0)
          const error = yield* failure(ds.getUser("directory_user_01"))
          assert.notInclude(JSON.stringify(error), Stub.apiKey)
        }), options))
  }
})

describe("WorkOSClient.layerConfig reads every option", () => {
  const configured = (env: Record<string, string>, handler: Stub.Handler = routes) => {
    const stub = Stub.make(handler)
    const layer = DirectorySync.layer.pipe(
      Layer.provide(WorkOSClient.layerConfig()),
      Layer.provide(stub.layer),
      Layer.provide(
        Layer.setConfigProvider(
          ConfigProvider.fromMap(new Map(Object.entries({ WORKOS_API_KEY: Stub.apiKey, ...env })))
        )
      )
    )
    return { requests: stub.requests, layer }
  }

  it.effect("WORKOS_RETRY_TIMES", () => {
    const { layer, requests } = configured(
      { WORKOS_RETRY_TIMES: "2", WORKOS_RATE_LIMIT: "false" },
      () => Stub.json({}, 503)
    )
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const fiber = yield* Effect.fork(Effect.exit(ds.getUser("directory_user_01")))
      yield* TestClock.adjust("10 minutes")
      yield* fiber.await
      assert.strictEqual(requests.length, 3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("WORKOS_TIMEOUT", () => {
    const { layer } = configured({ WORKOS_TIMEOUT: "2 seconds", WORKOS_RETRY_TIMES: "0" }, () => Effect.never)
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const fiber = yield* Effect.fork(failure(ds.getUser("directory_user_01")))
      yield* TestClock.adjust("10 minutes")
      const error = tagged(yield* fiber.await.pipe(Effect.flatten), "TransportError")
      assert.strictEqual(error.reason, "Timeout")
      assert.include(error.message, "2s")
    }).pipe(Effect.provide(layer))
  })

  it.effect("WORKOS_RATE_LIMIT_DIRECTORY_USERS_LIMIT and _INTERVAL", () => {
    const { layer, requests } = configured({
      WORKOS_RATE_LIMIT_DIRECTORY_USERS_LIMIT: "1",
      WORKOS_RATE_LIMIT_DIRECTORY_USERS_INTERVAL: "10 seconds"
    })
    return Effect.gen(function*() {
      const ds = yield* DirectorySync.DirectorySync
      const fiber = yield* Effect.fork(
        Effect.all([ds.listUsers({ directory: "directory_01" }), ds.listUsers({ directory: "directory_01" })])
      )
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(requests.length, 1)
      yield* TestClock.adjust("10 minutes")
      yield* fiber.await
      assert.strictEqual(requests.length, 2)
      assert.isAtLeast(requests[1]!.at - requests[0]!.at, 10_000)
    }).pipe(Effect.provide(layer))
  })

  for (
    const [name, env] of [
      ["WORKOS_TIMEOUT", { WORKOS_TIMEOUT: "soon" }],
      ["WORKOS_RETRY_TIMES", { WORKOS_RETRY_TIMES: "-1" }],
      ["WORKOS_RATE_LIMIT_PER_KEY_LIMIT", { WORKOS_RATE_LIMIT_PER_KEY_LIMIT: "0" }]
    ] as const
  ) {
    it.effect(`a bad ${name} fails the layer with a ConfigError naming it`, () => {
      const { layer } = configured(env)
      return Effect.gen(function*() {
        const exit = yield* Effect.exit(Layer.build(layer).pipe(Effect.scoped))
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          assert.isTrue(Cause.isFailType(exit.cause), Cause.pretty(exit.cause))
          assert.include(Cause.pretty(exit.cause), name)
        }
      })
    })
  }

  it.effect("options given to layerConfig win over the environment", () => {
    const { requests } = configured({})
    const stub = Stub.make(() => Stub.json({}, 503))
    const layer = DirectorySync.layer.pipe(
      Layer.provide(WorkOSClient.layerConfig({ retry: false, rateLimit: false })),
      Layer.provide(stub.layer),
      Layer.provide(
        Layer.setConfigProvider(
          ConfigProvider.fromMap(new Map([["WORKOS_API_KEY", Stub.apiKey], ["WORKOS_RETRY_TIMES", "5"]]))
        )
      )
    )
    return Effect.gen(function*() {
      yield* failure((yield* DirectorySync.DirectorySync).getUser("directory_user_01"))
      assert.strictEqual(stub.requests.length, 1)
      assert.strictEqual(requests.length, 0)
    }).pipe(Effect.provide(layer))
  })
})

describe("found by the fuzz suite", () => {
  it.effect("getUser(id, {}) reads as no options, and getUser(id, a function) is an InvalidParameterError", () =>
    Stub.run(routes, (ds, requests) =>
      Effect.gen(function*() {
        yield* ds.getUser("directory_user_01", loose<DirectorySync.CustomAttributesOption<unknown, unknown>>({}))
        assert.strictEqual(requests.length, 1)
        const fn = loose<DirectorySync.CustomAttributesOption<unknown, unknown>>(() => "x")
        invalidParameter(yield* failure(ds.getUser("directory_user_01", fn)), "options")
        invalidParameter(yield* failure(ds.listDirectories(loose(() => "x"))), "options")
        assert.strictEqual(requests.length, 1)
      })))

  const streams: ReadonlyArray<readonly [string, string, Record<string, unknown>]> = [
    ["streamDirectories", "prefetch", { prefetch: null }],
    ["streamUsers", "prefetch", { directory: "directory_01", prefetch: 1001 }],
    ["streamGroups", "limit", { directory: "directory_01", limit: null }],
    ["streamUsers", "limit", { directory: "directory_01", limit: null }]
  ]
  for (const [name, parameter, options] of streams) {
    it.effect(`${name}(${JSON.stringify(options)}) is an InvalidParameterError naming ${parameter}, nothing sent`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          const drained = name === "streamDirectories"
            ? Stream.runDrain(ds.streamDirectories(loose(options)))
            : name === "streamUsers"
            ? Stream.runDrain(ds.streamUsers(loose(options)))
            : Stream.runDrain(ds.streamGroups(loose(options)))
          invalidParameter(yield* failure(drained), parameter)
          assert.strictEqual(requests.length, 0)
        })))
  }

  it.effect("a request id that carries the key JSON-escaped is redacted too", () =>
    Stub.run(
      () => Stub.json({ message: "nope" }, 404, { "x-request-id": Stub.apiKey.replaceAll("_", "\\u005F") }),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.getUser("directory_user_01")), "NotFoundError")
          assert.strictEqual(error.requestId, "<redacted>")
        })
    ))
})
