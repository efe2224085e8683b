import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import type * as DirectorySync from "../src/DirectorySync.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import { routes } from "./fixtures/Routes.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

// The User-Agent must name the version users install.
const { version } = Schema.decodeUnknownSync(Schema.parseJson(Schema.Struct({ version: Schema.String })))(
  readFileSync(new URL("../package.json", import.meta.url), "utf8")
)

interface Case {
  readonly name: string
  readonly call: (directorySync: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>
  readonly method: string
  readonly path: string
  readonly query: Record<string, string>
}

const cases: ReadonlyArray<Case> = [
  {
    name: "listDirectories without options",
    call: (ds) => ds.listDirectories(),
    method: "GET",
    path: "/directories",
    query: {}
  },
  {
    name: "listDirectories with organizationId, search, limit, after, order asc",
    call: (ds) =>
      ds.listDirectories({
        organizationId: "org_01EHZNVPK3SFK441A1RGBFSHRT",
        search: "Foo Corp",
        limit: 25,
        after: "directory_01A",
        order: "asc"
      }),
    method: "GET",
    path: "/directories",
    query: {
      organization_id: "org_01EHZNVPK3SFK441A1RGBFSHRT",
      search: "Foo Corp",
      limit: "25",
      after: "directory_01A",
      order: "asc"
    }
  },
  {
    name: "listDirectories with the deprecated domain, before, order desc",
    call: (ds) => ds.listDirectories({ domain: "foo-corp.com", before: "directory_01B", order: "desc" }),
    method: "GET",
    path: "/directories",
    query: { domain: "foo-corp.com", before: "directory_01B", order: "desc" }
  },
  {
    name: "getDirectory",
    call: (ds) => ds.getDirectory("directory_01ECAZ4NV9QMV47GW873HDCX74"),
    method: "GET",
    path: "/directories/directory_01ECAZ4NV9QMV47GW873HDCX74",
    query: {}
  },
  {
    name: "deleteDirectory",
    call: (ds) => ds.deleteDirectory("directory_01ECAZ4NV9QMV47GW873HDCX74"),
    method: "DELETE",
    path: "/directories/directory_01ECAZ4NV9QMV47GW873HDCX74",
    query: {}
  },
  {
    name: "listUsers by directory with idpId, email, limit, after, order normal",
    call: (ds) =>
      ds.listUsers({
        directory: "directory_01",
        idpId: "2836",
        email: "veda@foo-corp.com",
        limit: 100,
        after: "directory_user_01A",
        order: "normal"
      }),
    method: "GET",
    path: "/directory_users",
    query: {
      directory: "directory_01",
      idp_id: "2836",
      email: "veda@foo-corp.com",
      limit: "100",
      after: "directory_user_01A",
      order: "normal"
    }
  },
  {
    name: "listUsers by group with before",
    call: (ds) => ds.listUsers({ group: "directory_group_01", before: "directory_user_01B", limit: 1 }),
    method: "GET",
    path: "/directory_users",
    query: { group: "directory_group_01", before: "directory_user_01B", limit: "1" }
  },
  {
    name: "listUsers by directory and group",
    call: (ds) => ds.listUsers({ directory: "directory_01", group: "directory_group_01" }),
    method: "GET",
    path: "/directory_users",
    query: { directory: "directory_01", group: "directory_group_01" }
  },
  {
    name: "getUser",
    call: (ds) => ds.getUser("directory_user_01E1JG7J09H96KYP8HM9B0G5SJ"),
    method: "GET",
    path: "/directory_users/directory_user_01E1JG7J09H96KYP8HM9B0G5SJ",
    query: {}
  },
  {
    name: "listGroups by directory with limit, after, order desc",
    call: (ds) => ds.listGroups({ directory: "directory_01", limit: 50, after: "directory_group_01A", order: "desc" }),
    method: "GET",
    path: "/directory_groups",
    query: { directory: "directory_01", limit: "50", after: "directory_group_01A", order: "desc" }
  },
  {
    name: "listGroups by user with before, order asc",
    call: (ds) => ds.listGroups({ user: "directory_user_01", before: "directory_group_01B", order: "asc" }),
    method: "GET",
    path: "/directory_groups",
    query: { user: "directory_user_01", before: "directory_group_01B", order: "asc" }
  },
  {
    name: "getGroup",
    call: (ds) => ds.getGroup("directory_group_01E1JJS84MFPPQ3G655FHTKX6Z"),
    method: "GET",
    path: "/directory_groups/directory_group_01E1JJS84MFPPQ3G655FHTKX6Z",
    query: {}
  }
]

describe("DirectorySync requests", () => {
  for (const c of cases) {
    it.effect(`${c.name}: ${c.method} ${c.path} with wire names, nothing undefined sent`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          yield* c.call(ds)
          assert.strictEqual(requests.length, 1)
          const [request] = requests
          assert.strictEqual(request!.method, c.method)
          assert.strictEqual(request!.url.origin, Stub.baseUrl)
          assert.strictEqual(request!.path, c.path)
          assert.deepStrictEqual(request!.query, c.query)
        })))

    it.effect(`${c.name}: sends auth, accept and user-agent headers`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          yield* c.call(ds)
          const headers = requests[0]!.headers
          assert.strictEqual(headers.authorization, `Bearer ${Stub.apiKey}`)
          assert.strictEqual(headers.accept, "application/json")
          assert.strictEqual(headers["user-agent"], `effect-workos/${version}`)
        })))
  }

  it.effect("deleteDirectory accepts any 2xx, with or without a body", () =>
    Effect.forEach(
      [() => Stub.json({}, 202), () => new Response(null, { status: 204 }), () => Stub.text("OK", 200)],
      (answer) =>
        Stub.run(answer, (ds, requests) =>
          Effect.gen(function*() {
            const result = yield* ds.deleteDirectory("directory_01")
            assert.isUndefined(result)
            assert.strictEqual(requests.length, 1)
          }))
    ))
})

// Options only an untyped caller (plain JS, decoded JSON) can pass.
const untyped = <A extends object>(value: A, key: string, bad: unknown): A => {
  Reflect.set(value, key, bad)
  return value
}

// What a plain-JS caller passes when it omits the options object the types require.
const omitted = (): Record<string, never> => untyped({ options: {} }, "options", undefined).options

interface InvalidCase {
  readonly name: string
  readonly call: (directorySync: DirectorySync.Service) => Effect.Effect<unknown, WorkOSError.WorkOSError>
  readonly parameter: string
}

const invalidCases: ReadonlyArray<InvalidCase> = [
  { name: "limit 0", call: (ds) => ds.listDirectories({ limit: 0 }), parameter: "limit" },
  { name: "limit 101", call: (ds) => ds.listUsers({ directory: "directory_01", limit: 101 }), parameter: "limit" },
  { name: "limit 1.5", call: (ds) => ds.listGroups({ directory: "directory_01", limit: 1.5 }), parameter: "limit" },
  { name: "limit NaN", call: (ds) => ds.listDirectories({ limit: Number.NaN }), parameter: "limit" },
  {
    name: "an order outside asc/desc/normal",
    call: (ds) => ds.listUsers(untyped({ directory: "directory_01" }, "order", "sideways")),
    parameter: "order"
  },
  {
    name: "idpId without directory",
    call: (ds) => ds.listUsers({ group: "directory_group_01", idpId: "2836" }),
    parameter: "directory"
  },
  {
    name: "email without directory",
    call: (ds) => ds.listUsers({ group: "directory_group_01", email: "veda@foo-corp.com" }),
    parameter: "directory"
  },
  { name: "listUsers without directory or group", call: (ds) => ds.listUsers({ limit: 10 }), parameter: "directory" },
  {
    name: "listGroups without directory or user",
    call: (ds) => ds.listGroups({ order: "asc" }),
    parameter: "directory"
  },
  { name: "an empty filter", call: (ds) => ds.listDirectories({ organizationId: "" }), parameter: "organizationId" },
  {
    name: "an empty cursor",
    call: (ds) => ds.listGroups({ directory: "directory_01", after: "" }),
    parameter: "after"
  },
  { name: "getDirectory with an empty id", call: (ds) => ds.getDirectory(""), parameter: "id" },
  {
    name: "getDirectory with a non-string id",
    call: (ds) => ds.getDirectory(untyped({ id: "" }, "id", 42).id),
    parameter: "id"
  },
  { name: "deleteDirectory with id '.'", call: (ds) => ds.deleteDirectory("."), parameter: "id" },
  { name: "getUser with id '..'", call: (ds) => ds.getUser(".."), parameter: "id" },
  { name: "getGroup with an empty id", call: (ds) => ds.getGroup(""), parameter: "id" },
  { name: "listUsers called without options", call: (ds) => ds.listUsers(omitted()), parameter: "directory" },
  { name: "listGroups called without options", call: (ds) => ds.listGroups(omitted()), parameter: "directory" },
  {
    name: "streamUsers called without options",
    call: (ds) => Stream.runDrain(ds.streamUsers(omitted())),
    parameter: "directory"
  },
  {
    name: "streamGroups called without options",
    call: (ds) => Stream.runDrain(ds.streamGroups(omitted())),
    parameter: "directory"
  },
  {
    name: "streamUsers without directory or group",
    call: (ds) => Stream.runDrain(ds.streamUsers({})),
    parameter: "directory"
  },
  {
    name: "streamGroups with limit 0",
    call: (ds) => Stream.runDrain(ds.streamGroups({ user: "u", limit: 0 })),
    parameter: "limit"
  },
  {
    name: "streamDirectories with limit 101",
    call: (ds) => Stream.runDrain(ds.streamDirectories({ limit: 101 })),
    parameter: "limit"
  }
]

describe("DirectorySync parameter checks", () => {
  for (const c of invalidCases) {
    it.effect(`${c.name}: InvalidParameterError naming ${c.parameter}, nothing sent`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(c.call(ds)), "InvalidParameterError")
          assert.strictEqual(error.parameter, c.parameter)
          assert.include(error.message, c.parameter)
          assert.strictEqual(requests.length, 0)
        })))
  }
})

describe("DirectorySync path ids", () => {
  const hostile = [
    "../directories",
    "../../organizations/org_01",
    "a/b",
    "dir?limit=1&after=x",
    "dir#fragment",
    "%2e%2e",
    "a b"
  ]
  const getters: ReadonlyArray<
    readonly [
      string,
      string,
      (ds: DirectorySync.Service, id: string) => Effect.Effect<unknown, WorkOSError.WorkOSError>
    ]
  > = [
    ["getDirectory", "/directories/", (ds, id) => ds.getDirectory(id)],
    ["deleteDirectory", "/directories/", (ds, id) => ds.deleteDirectory(id)],
    ["getUser", "/directory_users/", (ds, id) => ds.getUser(id)],
    ["getGroup", "/directory_groups/", (ds, id) => ds.getGroup(id)]
  ]
  for (const [name, prefix, call] of getters) {
    it.effect(`${name} percent-encodes the id into one path segment`, () =>
      Stub.run(routes, (ds, requests) =>
        Effect.forEach(hostile, (id, i) =>
          Effect.gen(function*() {
            yield* call(ds, id)
            const request = requests[i]!
            assert.strictEqual(request.path, `${prefix}${encodeURIComponent(id)}`)
            assert.strictEqual(decodeURIComponent(request.path.slice(prefix.length)), id)
            assert.deepStrictEqual(request.query, {})
            assert.strictEqual(request.url.hash, "")
          }))))
  }
})
