/**
 * The fuzz suite (issue 13): every client operation, run through each class
 * of hostile input, must end in a success or in one typed error of the
 * documented union: never a defect. A bad parameter is rejected before
 * anything is sent, nothing goes to another origin, and the API key (also in
 * its JSON-escaped forms) never shows in an error, its `Cause.pretty`, or a
 * span attribute. Run counts are kept small so the suite takes seconds.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as TestServices from "effect/TestServices"
import * as Tracer from "effect/Tracer"
import { createHmac } from "node:crypto"
import * as DirectoryModel from "../src/Directory.js"
import * as DirectoryGroupModel from "../src/DirectoryGroup.js"
import * as DirectorySync from "../src/DirectorySync.js"
import * as DirectoryUserModel from "../src/DirectoryUser.js"
import * as Events from "../src/Events.js"
import * as Webhooks from "../src/Webhooks.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import * as WorkOSError from "../src/WorkOSError.js"
import * as Directory from "./fixtures/Directory.js"
import * as DirectoryGroup from "./fixtures/DirectoryGroup.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import * as Fixtures from "./fixtures/events.js"
import { list } from "./fixtures/List.js"
import { loose } from "./utils/Loose.js"
import * as Stub from "./utils/StubHttp.js"

// Secrets and where they may hide ---------------------------------------------------------------

const escaped = (text: string) => text.replaceAll("_", "\\u005f")
const fullyEscaped = (text: string) =>
  Array.from(text, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")

/** The key as a server may write it: plain, partly and fully JSON-escaped. */
const keyForms: ReadonlyArray<string> = [Stub.apiKey, escaped(Stub.apiKey), fullyEscaped(Stub.apiKey)]

/** Personal filters the caller passes: they must never reach a span. */
const personal = { email: "veda.personal@foo-corp.com", search: "Personal Search", idpId: "idp-personal-2836" }

const decoded = (text: string): string => {
  try {
    return decodeURIComponent(text.replaceAll("+", " "))
  } catch {
    return text
  }
}

const assertNoKey = (text: string, where: string) => {
  assert.notInclude(decoded(text), Stub.apiKey, where)
  for (const form of keyForms) assert.notInclude(text, form, where)
}

const renderings = (cause: Cause.Cause<unknown>): ReadonlyArray<readonly [string, string]> => [
  ["Cause.pretty", Cause.pretty(cause)],
  ...Cause.failures(cause).pipe((failures) => Array.from(failures)).flatMap((error) => [
    ["JSON.stringify", JSON.stringify(error) ?? ""] as const,
    ["String", String(error)] as const,
    ["stack", error instanceof Error ? error.stack ?? "" : ""] as const
  ])
]

// Running an operation -------------------------------------------------------------------------

interface Env {
  readonly ds: DirectorySync.Service
  readonly events: Events.Service
}

type Args = Readonly<Record<string, unknown>>

type Run = (env: Env, args: Args) => Effect.Effect<unknown, WorkOSError.WorkOSError, DirectorySync.DirectorySync>

interface Operation {
  readonly name: string
  /** Good arguments, as a JavaScript caller would pass them. */
  readonly valid: Args
  /** Arguments that are text sent to WorkOS: ids, filters, cursors. */
  readonly texts: ReadonlyArray<string>
  /** Arguments that are not text, each with values a careless caller may pass. */
  readonly others: ReadonlyArray<readonly [string, FastCheck.Arbitrary<unknown>]>
  /** Personal filters in `valid`, which must not reach spans. */
  readonly personal?: ReadonlyArray<string>
  readonly run: Run
  /** A stream that polls forever (`streamEvents`): still running at the end of a run is fine. */
  readonly endless?: boolean
}

const options = <O>(args: unknown): O => loose<O>(args)
const drain = <A, E, R>(stream: Stream.Stream<A, E, R>) => Stream.runDrain(stream)

// Values of the wrong type for any parameter.
const wrongType: FastCheck.Arbitrary<unknown> = FastCheck.oneof(
  FastCheck.constant(null),
  FastCheck.integer(),
  FastCheck.boolean(),
  FastCheck.constant({}),
  FastCheck.dictionary(FastCheck.string(), FastCheck.string()),
  FastCheck.array(FastCheck.string(), { minLength: 1, maxLength: 3 }),
  FastCheck.constant(() => "id")
)

const badLimit = FastCheck.oneof(
  wrongType.filter((value) => typeof value !== "number"),
  FastCheck.integer({ min: 101 }),
  FastCheck.integer({ max: 0 }),
  FastCheck.double({ min: 1.01, max: 99.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
  FastCheck.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, "10")
)
const badOrder = FastCheck.oneof(
  wrongType,
  FastCheck.string().filter((s) => s !== "asc" && s !== "desc" && s !== "normal")
)
const badCount = (min: number, max?: number) =>
  FastCheck.oneof(
    wrongType.filter((value) => typeof value !== "number"),
    FastCheck.integer({ max: min - 1 }),
    max === undefined ? FastCheck.integer({ max: min - 1 }) : FastCheck.integer({ min: max + 1 }),
    FastCheck.constantFrom(1.5, Number.NaN, Number.POSITIVE_INFINITY, "2")
  )
const badSchema = wrongType
const badTime = FastCheck.oneof(wrongType, FastCheck.constantFrom("yesterday", "2026-13-45", "", "soon"))
const badDuration = FastCheck.oneof(
  FastCheck.constant(null),
  FastCheck.boolean(),
  FastCheck.constant({}),
  FastCheck.constantFrom("soon", "5 parsecs", "")
)
const badEvents = FastCheck.oneof(
  wrongType.filter((value) => !Array.isArray(value)),
  FastCheck.constantFrom([], [""], ["dsync.user.created,dsync.deleted"], [42], [null], ["dsync.\uD800"])
)

const pageOthers = [["limit", badLimit], ["order", badOrder]] as const
const streamOthers = [...pageOthers, ["prefetch", badCount(0, 1000)]] as const

const operations: ReadonlyArray<Operation> = [
  {
    name: "listDirectories",
    valid: { search: personal.search },
    texts: ["organizationId", "search", "domain", "before", "after"],
    others: pageOthers,
    personal: ["search"],
    run: ({ ds }, args) => ds.listDirectories(options(args))
  },
  {
    name: "getDirectory",
    valid: { id: "directory_01" },
    texts: ["id"],
    others: [],
    run: ({ ds }, args) => ds.getDirectory(loose(args.id))
  },
  {
    name: "deleteDirectory",
    valid: { id: "directory_01" },
    texts: ["id"],
    others: [],
    run: ({ ds }, args) => ds.deleteDirectory(loose(args.id))
  },
  {
    name: "listUsers",
    valid: { directory: "directory_01", email: personal.email, idpId: personal.idpId },
    texts: ["directory", "group", "idpId", "email", "before", "after"],
    others: [...pageOthers, ["customAttributes", badSchema]],
    personal: ["email", "idpId"],
    run: ({ ds }, args) => ds.listUsers(options(args))
  },
  {
    name: "getUser",
    valid: { id: "directory_user_01" },
    texts: ["id"],
    others: [["options", wrongType.filter((value) => value === null || typeof value !== "object")]],
    run: ({ ds }, args) =>
      "options" in args
        ? ds.getUser(loose(args.id), options<DirectorySync.CustomAttributesOption<unknown, unknown>>(args.options))
        : ds.getUser(loose(args.id))
  },
  {
    name: "listGroups",
    valid: { directory: "directory_01" },
    texts: ["directory", "user", "before", "after"],
    others: pageOthers,
    run: ({ ds }, args) => ds.listGroups(options(args))
  },
  {
    name: "getGroup",
    valid: { id: "directory_group_01" },
    texts: ["id"],
    others: [],
    run: ({ ds }, args) => ds.getGroup(loose(args.id))
  },
  {
    name: "streamDirectories",
    valid: { search: personal.search },
    texts: ["organizationId", "search", "domain", "before", "after"],
    others: streamOthers,
    personal: ["search"],
    run: ({ ds }, args) => drain(ds.streamDirectories(options(args)))
  },
  {
    name: "streamUsers",
    valid: { directory: "directory_01", email: personal.email },
    texts: ["directory", "group", "idpId", "email", "before", "after"],
    others: [...streamOthers, ["customAttributes", badSchema]],
    personal: ["email"],
    run: ({ ds }, args) => drain(ds.streamUsers(options(args)))
  },
  {
    name: "streamGroups",
    valid: { directory: "directory_01" },
    texts: ["directory", "user", "before", "after"],
    others: streamOthers,
    run: ({ ds }, args) => drain(ds.streamGroups(options(args)))
  },
  {
    name: "streamOrganizationUsers",
    valid: { organizationId: "org_01" },
    texts: ["organizationId"],
    others: [["prefetch", badCount(0, 1000)], ["concurrency", badCount(1)]],
    run: (_, args) => drain(DirectorySync.streamOrganizationUsers(options(args)))
  },
  {
    name: "listEvents",
    valid: { events: ["dsync.user.created"] },
    texts: ["organizationId", "after", "before"],
    others: [...pageOthers, ["events", badEvents], ["rangeStart", badTime], ["rangeEnd", badTime]],
    run: ({ events }, args) => events.listEvents(options(args))
  },
  {
    name: "streamEvents",
    valid: { events: ["dsync.user.created"] },
    texts: ["organizationId", "after"],
    others: [
      ["limit", badLimit],
      ["events", badEvents],
      ["rangeStart", badTime],
      ["pollInterval", badDuration],
      ["settleDelay", badDuration]
    ],
    run: ({ events }, args) => drain(Stream.take(events.streamEvents(options(args)), 3)),
    endless: true
  }
]

// The whole options argument (or id) of the wrong type.
const wholeArgument = (operation: Operation): FastCheck.Arbitrary<Args> =>
  "id" in operation.valid
    ? wrongType.map((id) => ({ ...operation.valid, id }))
    : wrongType.filter((value) => value === null || typeof value !== "object" || Array.isArray(value)).map((
      value
    ) => loose<Args>(value))

/**
 * One stub and one set of services per property (built on its first run), so
 * a run costs a call rather than a layer: each run sets the stub's answer and
 * starts with no requests recorded.
 */
const makeHarness = () => {
  let serving: Stub.Handler = () => Stub.json({}, 500)
  const stub = Stub.make((request, index) => serving(request, index))
  const client = WorkOSClient.layer({
    apiKey: Redacted.make(Stub.apiKey),
    baseUrl: Stub.baseUrl,
    retry: false,
    rateLimit: false
  })
  const services = Layer.merge(DirectorySync.layer, Events.layer).pipe(Layer.provide(client), Layer.provide(stub.layer))
  let built: Context.Context<DirectorySync.DirectorySync | Events.Events> | undefined
  const context = Effect.suspend(() =>
    built !== undefined ? Effect.succeed(built) : Effect.tap(Effect.scoped(Layer.build(services)), (c) => {
      built = c
    })
  )

  // Runs an operation, recording its spans; an endless stream is stopped after a short live wait.
  const execute = (operation: Operation, args: Args, handler: Stub.Handler) =>
    Effect.flatMap(context, (services) => Effect.provide(run(operation, args, handler), services))
  const run = (operation: Operation, args: Args, handler: Stub.Handler) =>
    Effect.gen(function*() {
      serving = handler
      stub.requests.length = 0
      const current = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const recording = Tracer.make({
        span: (...spanArgs) => {
          const span = current.span(...spanArgs)
          spans.push(span)
          return span
        },
        context: current.context
      })
      const env: Env = { ds: yield* DirectorySync.DirectorySync, events: yield* Events.Events }
      const fiber = yield* Effect.fork(Effect.withTracer(Effect.exit(operation.run(env, args)), recording))
      const wait = operation.endless === true ? "200 millis" : "20 seconds"
      const done = yield* TestServices.provideLive(Effect.timeoutOption(Fiber.join(fiber), wait))
      if (Option.isNone(done)) {
        yield* Fiber.interrupt(fiber)
        if (operation.endless !== true) assert.fail(`${operation.name} did not settle`)
      }
      return { exit: Option.getOrUndefined(done), requests: [...stub.requests], spans }
    })
  return { execute }
}

type Outcome = Effect.Effect.Success<ReturnType<ReturnType<typeof makeHarness>["execute"]>>

// What holds for every run, whatever the input.
const assertSafe = (operation: Operation, args: Args, outcome: Outcome) => {
  const { exit, requests, spans } = outcome
  if (exit !== undefined && Exit.isFailure(exit)) {
    assert.isTrue(Option.isNone(Cause.dieOption(exit.cause)), `a defect:\n${Cause.pretty(exit.cause)}`)
    assert.isFalse(Cause.isInterruptedOnly(exit.cause), "interrupted")
    for (const error of Cause.failures(exit.cause)) {
      assert.isTrue(Schema.is(WorkOSError.WorkOSError)(error), `not a WorkOSError: ${String(error)}`)
    }
    for (const [where, text] of renderings(exit.cause)) assertNoKey(text, where)
  }
  for (const request of requests) assert.strictEqual(request.url.origin, Stub.baseUrl)
  for (const span of spans) {
    for (const [name, value] of span.attributes) {
      const text = typeof value === "string" ? value : JSON.stringify(value) ?? ""
      assertNoKey(text, `span ${span.name} ${name}`)
      for (const parameter of operation.personal ?? []) {
        const given: unknown = typeof args === "object" && args !== null ? args[parameter] : undefined
        if (typeof given === "string") assert.notInclude(decoded(text), given, `span ${span.name} ${name}`)
      }
    }
  }
}

const typedFailure = (outcome: Outcome): WorkOSError.WorkOSError => {
  const exit = outcome.exit
  if (exit === undefined || Exit.isSuccess(exit)) return assert.fail("expected a typed failure")
  return Option.getOrElse(Cause.failureOption(exit.cause), () => assert.fail(Cause.pretty(exit.cause)))
}

// Rejected before anything was sent, naming the parameter.
const assertRejected = (outcome: Outcome, parameter: string) => {
  const error = typedFailure(outcome)
  assert.strictEqual(error._tag, "InvalidParameterError", String(error))
  if (error._tag === "InvalidParameterError") assert.strictEqual(error.parameter, parameter, error.message)
  assert.strictEqual(outcome.requests.length, 0, "nothing is sent for an invalid parameter")
}

// A realistic answer for every route, for inputs that are rejected before a request anyway.
const answer: Stub.Handler = (request) => {
  if (request.method === "DELETE") return Stub.json({}, 202)
  if (request.path === "/directories") return Stub.json(list([Directory.linked]))
  if (request.path === "/directory_users") return Stub.json(list([DirectoryUser.veda]))
  if (request.path === "/directory_groups") return Stub.json(list([DirectoryGroup.developers]))
  if (request.path === "/events") return Stub.json({ object: "list", data: [], list_metadata: { after: null } })
  if (request.path.startsWith("/directories/")) return Stub.json(Directory.linked)
  if (request.path.startsWith("/directory_users/")) return Stub.json(DirectoryUser.veda)
  return Stub.json(DirectoryGroup.developers)
}

type Harness = ReturnType<typeof makeHarness>

/**
 * A property as one test: `FastCheck` draws the values and each run goes
 * through the test's own runtime (so `TestClock` applies) and its own harness.
 * Cheaper than `it.effect.prop`, which builds the test services for every run.
 */
const fuzz = <V extends Record<string, unknown>>(
  name: string,
  arbitraries: { readonly [K in keyof V]: FastCheck.Arbitrary<V[K]> },
  body: (values: V, harness: Harness) => Effect.Effect<void>,
  numRuns = 12
) =>
  it.effect(name, () =>
    Effect.gen(function*() {
      const harness = makeHarness()
      const runtime = yield* Effect.runtime<never>()
      const property = FastCheck.asyncProperty(
        FastCheck.record<V>(arbitraries),
        (values) => Runtime.runPromise(runtime)(body(values, harness))
      )
      yield* Effect.promise(() => FastCheck.assert(property, { numRuns }))
    }))

// Input classes ---------------------------------------------------------------------------------

/** Text that is not well-formed Unicode: printable text around a lone surrogate. */
const notUnicode: FastCheck.Arbitrary<string> = FastCheck.tuple(
  FastCheck.string({ maxLength: 8 }),
  FastCheck.integer({ min: 0xD800, max: 0xDFFF }),
  FastCheck.string({ maxLength: 8 })
).map(([before, surrogate, after]) => before + String.fromCharCode(surrogate) + after)

describe("text that is not valid Unicode, in every id, filter and cursor", () => {
  for (const operation of operations) {
    fuzz(
      `${operation.name}: an InvalidParameterError naming the parameter, nothing sent`,
      { parameter: FastCheck.constantFrom(...operation.texts), text: notUnicode },
      ({ parameter, text }, harness) =>
        Effect.gen(function*() {
          const args = { ...operation.valid, [parameter]: text }
          const outcome = yield* harness.execute(operation, args, answer)
          assertSafe(operation, args, outcome)
          assertRejected(outcome, parameter)
        })
    )
  }
})

describe("JavaScript callers outside the types", () => {
  for (const operation of operations) {
    fuzz(
      `${operation.name}: a wrong-typed id, filter or cursor is an InvalidParameterError, nothing sent`,
      { parameter: FastCheck.constantFrom(...operation.texts), value: wrongType },
      ({ parameter, value }, harness) =>
        Effect.gen(function*() {
          const args = { ...operation.valid, [parameter]: value }
          const outcome = yield* harness.execute(operation, args, answer)
          assertSafe(operation, args, outcome)
          assertRejected(outcome, parameter)
        })
    )

    if (operation.others.length > 0) {
      fuzz(
        `${operation.name}: a bad ${operation.others.map(([name]) => name).join(", ")} is rejected, nothing sent`,
        {
          bad: FastCheck.oneof(
            ...operation.others.map(([name, values]) => values.map((value) => [name, value] as const))
          )
        },
        ({ bad: [parameter, value] }, harness) =>
          Effect.gen(function*() {
            const args = { ...operation.valid, [parameter]: value }
            const outcome = yield* harness.execute(operation, args, answer)
            assertSafe(operation, args, outcome)
            assertRejected(outcome, parameter)
          })
      )
    }

    fuzz(
      `${operation.name}: options (or id) of the wrong type are an InvalidParameterError, nothing sent`,
      { args: wholeArgument(operation) },
      ({ args }, harness) =>
        Effect.gen(function*() {
          const outcome = yield* harness.execute(operation, args, answer)
          assertSafe(operation, args, outcome)
          const error = typedFailure(outcome)
          assert.strictEqual(error._tag, "InvalidParameterError", String(error))
          assert.strictEqual(outcome.requests.length, 0)
        })
    )
  }
})

// Hostile answers ------------------------------------------------------------------------------

const deep = (levels: number, open: "[" | "{") =>
  open === "[" ? "[".repeat(levels) + "]".repeat(levels) : "{\"a\":".repeat(levels) + "1" + "}".repeat(levels)

interface Hostile {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  /** The body nests deeper than any model: a 2xx must be a DecodeError. */
  readonly deep: boolean
}

const asciiHeader = FastCheck.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)
const requestIds = FastCheck.oneof(asciiHeader, FastCheck.constantFrom(...keyForms))
const keyOrSecret = (forms: ReadonlyArray<string>) => FastCheck.constantFrom(...forms)
const keyForm = keyOrSecret(keyForms)

// A model of the kind the route returns, from its Schema's Arbitrary, encoded to the wire.
const encoded = <A, I>(schema: Schema.Schema<A, I>) =>
  Arbitrary.make(schema).map((value) => JSON.stringify(Schema.encodeSync(schema)(value)))

const models = FastCheck.oneof(
  encoded(DirectoryModel.Directory),
  encoded(DirectoryGroupModel.DirectoryGroup),
  encoded(DirectoryUserModel.DirectoryUser)
)

const bodies: FastCheck.Arbitrary<readonly [body: string, deep: boolean]> = FastCheck.oneof(
  // Deep nesting, as the whole body or in a field.
  FastCheck.tuple(FastCheck.integer({ min: 1000, max: 6000 }), FastCheck.constantFrom<"[" | "{">("[", "{"))
    .chain(([levels, open]) =>
      FastCheck.constantFrom(
        deep(levels, open),
        `{"object":"list","data":${deep(levels, open)},"list_metadata":{}}`,
        `{"id":${deep(levels, open)}}`,
        `{"object":"list","data":[],"list_metadata":{"after":${deep(levels, open)}}}`
      ).map((body) => [body, true] as const)
    ),
  // Any JSON, of any shape.
  FastCheck.jsonValue({ maxDepth: 4 }).map((value) => [JSON.stringify(value), false] as const),
  // Not JSON at all.
  FastCheck.constantFrom("", "<html>502 Bad Gateway</html>", "{\"id\":", "null", "\uFEFF{}").map((body) =>
    [body, false] as const
  ),
  // Huge strings where ids and messages go.
  FastCheck.integer({ min: 50_000, max: 200_000 }).chain((size) =>
    FastCheck.constantFrom(
      `{"id":"${"x".repeat(size)}"}`,
      `{"message":"${"m".repeat(size)}","code":"${"c".repeat(size)}"}`,
      `{"object":"list","data":[{"id":${size}}],"list_metadata":{"after":"${"a".repeat(size)}"}}`
    ).map((body) => [body, false] as const)
  ),
  // The key echoed, raw or JSON-escaped, in messages, codes, fields and wrong-shaped values.
  keyForm.chain((key) =>
    FastCheck.constantFrom(
      `{"message":"invalid key ${key}","code":"${key}"}`,
      `{"message":"bad","errors":[{"field":"${key}","code":"${key}"}]}`,
      `{"error":"${key}","error_description":"${key}"}`,
      `{"id":{"token":"${key}"}}`,
      `{"object":"list","data":[{"id":"${key}","object":7}],"list_metadata":{"after":"${key}"}}`
    ).map((body) => [body, false] as const)
  ),
  // Well-formed models from the Schemas' Arbitrary (a list route gets a lone item, which must not decode).
  models.map((body) => [body, false] as const)
)

const hostile: FastCheck.Arbitrary<Hostile> = FastCheck.record({
  status: FastCheck.constantFrom(200, 201, 202, 203, 206, 400, 401, 403, 404, 409, 418, 422, 429, 500, 503),
  body: bodies,
  requestId: requestIds,
  echo: FastCheck.option(keyForm, { nil: undefined }),
  contentType: FastCheck.constantFrom("application/json", "text/html", "application/json; charset=utf-8")
}).map(({ body: [body, isDeep], contentType, echo, requestId, status }) => ({
  status,
  body,
  deep: isDeep,
  headers: {
    "content-type": contentType,
    "x-request-id": requestId,
    ...(echo === undefined ? {} : { "www-authenticate": `Bearer ${echo}`, "x-echo": echo })
  }
}))

const serve = (answer: Hostile): Stub.Handler => () =>
  new Response(answer.body, { status: answer.status, headers: answer.headers })

describe("hostile answers to good requests", () => {
  for (const operation of operations) {
    fuzz(
      `${operation.name}: deep, wrong, huge or key-echoing bodies end typed, with no key in errors or spans`,
      { answer: hostile },
      ({ answer }, harness) =>
        Effect.gen(function*() {
          const outcome = yield* harness.execute(operation, operation.valid, serve(answer))
          assertSafe(operation, operation.valid, outcome)
          const ok = answer.status >= 200 && answer.status < 300
          if (ok && answer.deep && operation.name !== "deleteDirectory") {
            assert.strictEqual(typedFailure(outcome)._tag, "DecodeError")
          }
          if (!ok) assert.notStrictEqual(typedFailure(outcome)._tag, "DecodeError")
        })
    )
  }

  const redirects = FastCheck.record({
    status: FastCheck.constantFrom(300, 301, 302, 303, 307, 308),
    location: FastCheck.constantFrom(
      "https://elsewhere.test/steal",
      "//elsewhere.test/",
      "/directories",
      `https://api.test.elsewhere.test/?key=${Stub.apiKey}`
    ),
    requestId: requestIds
  })
  for (const operation of operations.filter((operation) => operation.endless !== true)) {
    fuzz(
      `${operation.name}: a redirect is an UnexpectedStatusError, never followed`,
      { redirect: redirects },
      ({ redirect }, harness) =>
        Effect.gen(function*() {
          const outcome = yield* harness.execute(
            operation,
            operation.valid,
            () =>
              new Response(null, {
                status: redirect.status,
                headers: { location: redirect.location, "x-request-id": redirect.requestId }
              })
          )
          assertSafe(operation, operation.valid, outcome)
          const error = typedFailure(outcome)
          assert.strictEqual(error._tag, "UnexpectedStatusError")
          if (error._tag === "UnexpectedStatusError") assert.strictEqual(error.status, redirect.status)
          assert.strictEqual(outcome.requests.length, 1)
        })
    )
  }
})

// Cursors a server hands out --------------------------------------------------------------------

const walks: ReadonlyArray<readonly [Operation, (id: string) => unknown]> = [
  [operations.find((operation) => operation.name === "streamDirectories")!, Directory.make],
  [operations.find((operation) => operation.name === "streamUsers")!, (id) => DirectoryUser.make(id)],
  [operations.find((operation) => operation.name === "streamGroups")!, DirectoryGroup.make]
]

describe("cursors in list_metadata", () => {
  // Each page's `after`: an id, an empty string, or null (the end).
  const cursors = FastCheck.array(FastCheck.constantFrom("a", "b", "c", "d", ""), { minLength: 1, maxLength: 6 })

  for (const [operation, render] of walks) {
    fuzz(
      `${operation.name}: a repeated cursor is a DecodeError, an empty one the end, and the walk always ends`,
      { cursors, prefetch: FastCheck.constantFrom(0, 1, 3) },
      ({ cursors, prefetch }, harness) =>
        Effect.gen(function*() {
          const args = { ...operation.valid, prefetch }
          const pages = [...cursors, null]
          const outcome = yield* harness.execute(
            operation,
            args,
            (_, index) => Stub.json(list([render(`item_${index}`)], { after: pages[index] ?? null }))
          )
          assertSafe(operation, args, outcome)
          // The walk the client must take: stop at the end, fail at the first cursor seen twice.
          const seen = new Set<string>()
          let expected: "end" | "repeat" = "end"
          let fetched = pages.length
          for (const [index, cursor] of pages.entries()) {
            if (cursor === null || cursor === "") {
              fetched = index + 1
              break
            }
            if (seen.has(cursor)) {
              expected = "repeat"
              fetched = index + 1
              break
            }
            seen.add(cursor)
          }
          if (expected === "end") assert.isTrue(outcome.exit !== undefined && Exit.isSuccess(outcome.exit))
          else assert.strictEqual(typedFailure(outcome)._tag, "DecodeError")
          assert.strictEqual(outcome.requests.length, fetched)
        })
    )
  }
})

// Webhooks ---------------------------------------------------------------------------------------

describe("Webhooks.verify", () => {
  const secret = "whsec_fuzz_0123456789abcdef"
  const secretForms = [secret, escaped(secret), fullyEscaped(secret)]
  const t = 1_700_000_000_000
  const sign = (body: string) => `t=${t}, v1=${createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex")}`
  const valid = { payload: Fixtures.signatureVector.body, secret: Redacted.make(secret) }

  // Verifies at the signed time; the outcome must be an event or one WebhookVerificationError, never
  // carrying the secret in any rendering or span attribute.
  const verified = (options: unknown) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t)
      const current = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const recording = Tracer.make({
        span: (...spanArgs) => {
          const span = current.span(...spanArgs)
          spans.push(span)
          return span
        },
        context: current.context
      })
      const exit = yield* Effect.withTracer(Effect.exit(Webhooks.verify(loose(options))), recording)
      const texts = [
        ...(Exit.isFailure(exit) ? renderings(exit.cause) : []),
        ...spans.flatMap((span) =>
          Array.from(span.attributes, ([name, value]) => [name, JSON.stringify(value) ?? ""] as const)
        )
      ]
      for (const [where, text] of texts) {
        for (const form of secretForms) assert.notInclude(text, form, where)
      }
      if (Exit.isFailure(exit)) {
        assert.isTrue(Option.isNone(Cause.dieOption(exit.cause)), `a defect:\n${Cause.pretty(exit.cause)}`)
        for (const error of Cause.failures(exit.cause)) {
          assert.isTrue(Schema.is(Webhooks.WebhookVerificationError)(error), String(error))
        }
      }
      return exit
    })

  const rejected = (exit: Exit.Exit<unknown, Webhooks.WebhookVerificationError>) =>
    Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined

  fuzz(
    "options outside the types (any field, or the whole) are a WebhookVerificationError",
    {
      options: FastCheck.oneof(
        wrongType,
        FastCheck.tuple(
          FastCheck.constantFrom("payload", "signature", "secret", "tolerance"),
          // A number is a tolerance in milliseconds.
          wrongType.filter((value) => typeof value !== "number")
        ).map((
          [field, value]
        ) => ({ ...valid, signature: sign(valid.payload), [field]: value })),
        FastCheck.constantFrom("payload", "signature").chain((field) =>
          notUnicode.map((text) => ({ ...valid, signature: sign(valid.payload), [field]: text }))
        ),
        keyOrSecret(secretForms).map((form) => ({ ...valid, signature: `t=${t}, v1=${form}` }))
      )
    },
    ({ options }) =>
      Effect.gen(function*() {
        const exit = yield* verified(options)
        assert.isDefined(rejected(exit))
      }),
    30
  )

  fuzz(
    "signed hostile payloads (deep, any JSON, huge, echoing the secret) decode or are InvalidPayload",
    {
      payload: FastCheck.oneof(
        bodies.map(([body]) => body),
        keyOrSecret(secretForms).map((form) =>
          `{"id":"wh_1","event":"dsync.user.created","created_at":"2026-01-15T12:00:00Z","data":{"id":"${form}"}}`
        )
      )
    },
    ({ payload }) =>
      Effect.gen(function*() {
        const exit = yield* verified({ ...valid, payload, signature: sign(payload) })
        const error = rejected(exit)
        if (error !== undefined) assert.strictEqual(error.reason, "InvalidPayload", error.message)
      }),
    30
  )
})
