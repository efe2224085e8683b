import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type * as DirectorySync from "../src/DirectorySync.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import { ids, paginate } from "./fixtures/List.js"
import { routes } from "./fixtures/Routes.js"
import * as Stub from "./utils/StubHttp.js"

// Runs `effect` with a tracer that records every span it starts (on top of the current one).
const traced = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const current = yield* Effect.tracer
    const spans: Array<Tracer.Span> = []
    const recording = Tracer.make({
      span: (...args) => {
        const span = current.span(...args)
        spans.push(span)
        return span
      },
      context: current.context
    })
    yield* Effect.withTracer(Effect.exit(effect), recording)
    return spans
  })

const decoded = (text: string): string => {
  const spaced = text.replaceAll("+", " ")
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

const named = (spans: ReadonlyArray<Tracer.Span>, name: string) => spans.filter((span) => span.name === name)

const attributes = (span: Tracer.Span) => Object.fromEntries(span.attributes)

const descendsFrom = (span: Tracer.AnySpan, ancestor: Tracer.Span): boolean =>
  span._tag === "Span" &&
  Option.exists(span.parent, (parent) => parent.spanId === ancestor.spanId || descendsFrom(parent, ancestor))

interface SpanCase {
  readonly span: string
  readonly call: (ds: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>
  readonly attributes: Record<string, unknown>
}

const cases: ReadonlyArray<SpanCase> = [
  {
    span: "DirectorySync.listDirectories",
    call: (ds) => ds.listDirectories({ organizationId: "org_01", search: "Foo", after: "directory_01A", limit: 5 }),
    attributes: { "workos.organization.id": "org_01", "workos.page.after": "directory_01A", "workos.page.limit": 5 }
  },
  {
    span: "DirectorySync.getDirectory",
    call: (ds) => ds.getDirectory("directory_01"),
    attributes: { "workos.directory.id": "directory_01" }
  },
  {
    span: "DirectorySync.deleteDirectory",
    call: (ds) => ds.deleteDirectory("directory_01"),
    attributes: { "workos.directory.id": "directory_01" }
  },
  {
    span: "DirectorySync.listUsers",
    call: (ds) =>
      ds.listUsers({
        directory: "directory_01",
        group: "directory_group_01",
        email: "veda@foo-corp.com",
        before: "directory_user_01B"
      }),
    attributes: {
      "workos.directory.id": "directory_01",
      "workos.group.id": "directory_group_01",
      "workos.page.before": "directory_user_01B"
    }
  },
  {
    span: "DirectorySync.getUser",
    call: (ds) => ds.getUser("directory_user_01"),
    attributes: { "workos.directory_user.id": "directory_user_01" }
  },
  {
    span: "DirectorySync.listGroups",
    call: (ds) => ds.listGroups({ directory: "directory_01", user: "directory_user_01", order: "asc" }),
    attributes: {
      "workos.directory.id": "directory_01",
      "workos.directory_user.id": "directory_user_01",
      "workos.page.order": "asc"
    }
  },
  {
    span: "DirectorySync.getGroup",
    call: (ds) => ds.getGroup("directory_group_01"),
    attributes: { "workos.directory_group.id": "directory_group_01" }
  },
  {
    span: "DirectorySync.streamDirectories",
    call: (ds) => Stream.runDrain(ds.streamDirectories({ organizationId: "org_01" })),
    attributes: { "workos.organization.id": "org_01" }
  },
  {
    span: "DirectorySync.streamUsers",
    call: (ds) => Stream.runDrain(ds.streamUsers({ directory: "directory_01", idpId: "2836" })),
    attributes: { "workos.directory.id": "directory_01" }
  },
  {
    span: "DirectorySync.streamGroups",
    call: (ds) => Stream.runDrain(ds.streamGroups({ user: "directory_user_01" })),
    attributes: { "workos.directory_user.id": "directory_user_01" }
  }
]

describe("spans", () => {
  for (const c of cases) {
    it.effect(`${c.span} runs in its span with ids and cursors as attributes`, () =>
      Stub.run(routes, (ds) =>
        Effect.gen(function*() {
          const spans = yield* traced(c.call(ds))
          const [span] = named(spans, c.span)
          assert.isDefined(span, `no ${c.span} span among ${spans.map((s) => s.name).join(", ")}`)
          assert.deepStrictEqual(attributes(span!), c.attributes)
          assert.strictEqual(span!.status._tag, "Ended")
          // The HTTP request runs inside the operation's span.
          const http = spans.filter((s) => s.name.startsWith("http.client"))
          assert.strictEqual(http.length, 1)
          assert.isTrue(descendsFrom(http[0]!, span!))
        })))
  }

  it.effect("a failed call still runs in its span", () =>
    Stub.run(routes, (ds) =>
      Effect.gen(function*() {
        const spans = yield* traced(ds.getUser(""))
        const [span] = named(spans, "DirectorySync.getUser")
        assert.isDefined(span)
        assert.strictEqual(span!.status._tag, "Ended")
      })))

  it.effect("each page of a stream is a listUsers span carrying its cursor, under the stream's span", () =>
    Stub.run(paginate(ids("directory_user", 250), (id) => DirectoryUser.make(id)), (ds) =>
      Effect.gen(function*() {
        const spans = yield* traced(Stream.runDrain(ds.streamUsers({ directory: "directory_01" })))
        const [stream] = named(spans, "DirectorySync.streamUsers")
        const pages = named(spans, "DirectorySync.listUsers")
        assert.deepStrictEqual(pages.map((page) => page.attributes.get("workos.page.after")), [
          undefined,
          "directory_user_99",
          "directory_user_199"
        ])
        for (const page of pages) {
          assert.strictEqual(page.attributes.get("workos.directory.id"), "directory_01")
          assert.strictEqual(page.attributes.get("workos.page.limit"), 100)
          assert.isTrue(descendsFrom(page, stream!))
        }
      })))

  it.effect("no span attribute carries the API key or a personal filter", () =>
    Stub.run(routes, (ds) =>
      Effect.gen(function*() {
        const spans = yield* traced(Effect.all([
          ds.listUsers({ directory: "directory_01", email: "veda@foo-corp.com", idpId: "2836" }),
          ds.listDirectories({ search: "Foo Corp" }),
          ds.getUser("directory_user_01"),
          ds.deleteDirectory("directory_01"),
          Stream.runDrain(ds.streamGroups({ directory: "directory_01" }))
        ]))
        assert.isAbove(spans.length, 10)
        for (const span of spans) {
          for (const [key, value] of span.attributes) {
            // Decoded as a reader would: a percent- or plus-encoded value is still the value.
            const rendered = decoded(`${key}=${String(value)}`)
            assert.notInclude(rendered, Stub.apiKey)
            assert.notInclude(rendered, "veda@foo-corp.com")
            assert.notInclude(rendered, "Foo Corp")
            assert.notInclude(rendered, "2836")
          }
        }
        // No span records a header or the query, whatever their values.
        const keys = spans.flatMap((span) => [...span.attributes.keys()])
        assert.isEmpty(keys.filter((key) => /header|query|url\.full/.test(key)))
      })))

  it.effect("each attempt is one client span with the method, route template, status and request id only", () =>
    Stub.run(() => Stub.json({ message: "down" }, 503, { "x-request-id": "req_span" }), (ds) =>
      Effect.gen(function*() {
        const spans = yield* traced(ds.getUser("directory_user_01"))
        const http = spans.filter((span) => span.name.startsWith("http.client"))
        assert.strictEqual(http.length, 1)
        assert.strictEqual(http[0]!.kind, "client")
        assert.deepStrictEqual(attributes(http[0]!), {
          "http.request.method": "GET",
          "url.template": "/directory_users/{id}",
          "server.address": "api.test",
          "http.response.status_code": 503,
          "workos.request_id": "req_span"
        })
      })))

  it.effect("a request id that echoes the API key is recorded redacted", () =>
    Stub.run(() => Stub.json({}, 404, { "x-request-id": `req_${Stub.apiKey}` }), (ds) =>
      Effect.gen(function*() {
        const spans = yield* traced(ds.getDirectory("directory_01"))
        const [http] = spans.filter((span) => span.name.startsWith("http.client"))
        assert.strictEqual(http?.attributes.get("workos.request_id"), "req_<redacted>")
      })))
})
