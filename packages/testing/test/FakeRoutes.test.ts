import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as FakeWorkOS from "../src/FakeWorkOS.js"
import * as Faults from "../src/Faults.js"
import * as Generators from "../src/Generators.js"
import { body, call, ErrorBody, ids, Json, layer, ListBody } from "./utils/Raw.js"

const data = Generators.generate({ seed: 3, directories: 2, usersPerDirectory: 30, groupsPerDirectory: 12 })
const [acme, globex] = data.directories as [FakeWorkOS.DirectoryRecord, FakeWorkOS.DirectoryRecord]
const acmeUsers = data.users.filter((user) => user.directoryId === acme.id)
const acmeGroups = data.groups.filter((group) => group.directoryId === acme.id)
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

const run = <A, E>(effect: Effect.Effect<A, E, FakeWorkOS.FakeWorkOS | HttpClient.HttpClient>) =>
  Effect.provide(effect, layer(data))

describe("FakeRoutes: wire format", () => {
  it.effect("a list is exactly { object: 'list', data, list_metadata: { before, after } }, 10 a page, newest first", () =>
    run(Effect.gen(function*() {
      const list = yield* body(ListBody, yield* call(`/directory_groups?directory=${acme.id}`))
      const newestFirst = acmeGroups.map((group) => group.id).reverse()
      assert.deepStrictEqual(ids(list), newestFirst.slice(0, 10))
      assert.deepStrictEqual(list.list_metadata, { before: null, after: newestFirst[9]! })
    })))

  it.effect("directories are snake_case with object, REST states linked/unlinked and metadata", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const unlinked = yield* fake.addDirectory({
        name: "Dormant",
        state: "unlinked",
        domain: null,
        createdAt: "2030-01-01T00:00:00.000Z"
      })
      const list = yield* body(ListBody, yield* call("/directories"))
      assert.deepStrictEqual(list.data.map((d) => d["state"]), ["unlinked", "linked", "linked"])
      const [first, , last] = list.data
      assert.deepStrictEqual(Object.keys(last!).sort(), [
        "created_at",
        "domain",
        "external_key",
        "id",
        "metadata",
        "name",
        "object",
        "organization_id",
        "state",
        "type",
        "updated_at"
      ])
      assert.strictEqual(last!["object"], "directory")
      assert.strictEqual(last!["id"], acme.id)
      assert.strictEqual(last!["organization_id"], acme.organizationId)
      assert.match(String(last!["created_at"]), timestamp)
      const active = acmeUsers.filter((user) => user.state === "active").length
      assert.deepStrictEqual(last!["metadata"], { users: { active, inactive: 30 - active }, groups: 12 })
      assert.strictEqual(first!["id"], unlinked.id)
      assert.isFalse("domain" in first!, "a directory without a domain has no domain key")
    })))

  it.effect("users carry object, snake_case fields, roles and their groups embedded", () =>
    run(Effect.gen(function*() {
      const user = acmeUsers.find((u) => data.memberships.filter((m) => m.userId === u.id).length === 2)!
      const raw = yield* call(`/directory_users/${user.id}`)
      assert.strictEqual(raw.status, 200)
      const wire = yield* body(Json, raw)
      assert.strictEqual(wire["object"], "directory_user")
      assert.strictEqual(wire["directory_id"], acme.id)
      assert.strictEqual(wire["idp_id"], user.idpId)
      assert.strictEqual(wire["first_name"], user.firstName)
      assert.strictEqual(wire["email"], user.email)
      assert.deepStrictEqual(wire["custom_attributes"], user.customAttributes)
      assert.deepStrictEqual(wire["role"], user.role)
      assert.deepStrictEqual(wire["roles"], user.roles)
      assert.match(String(wire["updated_at"]), timestamp)
      const groups = yield* Schema.decodeUnknown(Schema.Array(Json))(wire["groups"])
      const expected = data.memberships.filter((m) => m.userId === user.id).map((m) => m.groupId)
      assert.sameMembers(groups.map((g) => String(g["id"])), expected)
      assert.deepStrictEqual(groups.map((g) => g["object"]), ["directory_group", "directory_group"])
    })))

  it.effect("groups carry object and snake_case fields", () =>
    run(Effect.gen(function*() {
      const wire = yield* body(Json, yield* call(`/directory_groups/${acmeGroups[0]!.id}`))
      assert.deepStrictEqual(wire, {
        object: "directory_group",
        id: acmeGroups[0]!.id,
        idp_id: acmeGroups[0]!.idpId,
        directory_id: acme.id,
        organization_id: acme.organizationId,
        name: acmeGroups[0]!.name,
        raw_attributes: acmeGroups[0]!.rawAttributes,
        created_at: acmeGroups[0]!.createdAt,
        updated_at: acmeGroups[0]!.updatedAt
      })
    })))
})

describe("FakeRoutes: ordering and cursors", () => {
  const newestFirst = acmeGroups.map((group) => group.id).reverse()
  const oldestFirst = acmeGroups.map((group) => group.id)
  const groups = (query: string) =>
    Effect.flatMap(call(`/directory_groups?directory=${acme.id}&${query}`), (raw) => body(ListBody, raw))

  it.effect("desc (the default): after continues to older items, before comes back", () =>
    run(Effect.gen(function*() {
      const second = yield* groups(`limit=4&after=${newestFirst[3]}`)
      assert.deepStrictEqual(ids(second), newestFirst.slice(4, 8))
      assert.deepStrictEqual(second.list_metadata, { before: newestFirst[4]!, after: newestFirst[7]! })
      const back = yield* groups(`limit=4&before=${newestFirst[4]}`)
      assert.deepStrictEqual(ids(back), newestFirst.slice(0, 4))
      assert.deepStrictEqual(back.list_metadata, { before: null, after: newestFirst[3]! })
      const last = yield* groups(`limit=4&after=${newestFirst[7]}`)
      assert.deepStrictEqual(last.list_metadata, { before: newestFirst[8]!, after: null })
    })))

  it.effect("asc: oldest first; after continues to newer items", () =>
    run(Effect.gen(function*() {
      const first = yield* groups("limit=5&order=asc")
      assert.deepStrictEqual(ids(first), oldestFirst.slice(0, 5))
      const next = yield* groups(`limit=5&order=asc&after=${oldestFirst[4]}`)
      assert.deepStrictEqual(ids(next), oldestFirst.slice(5, 10))
      const back = yield* groups(`limit=3&order=asc&before=${oldestFirst[5]}`)
      assert.deepStrictEqual(ids(back), oldestFirst.slice(2, 5))
      assert.deepStrictEqual(back.list_metadata, { before: oldestFirst[2]!, after: oldestFirst[4]! })
    })))

  it.effect("normal: newest first; before fetches older records, after newer ones", () =>
    run(Effect.gen(function*() {
      const first = yield* groups("limit=5&order=normal")
      assert.deepStrictEqual(ids(first), newestFirst.slice(0, 5))
      assert.deepStrictEqual(first.list_metadata, { before: newestFirst[4]!, after: null })
      const older = yield* groups(`limit=5&order=normal&before=${newestFirst[4]}`)
      assert.deepStrictEqual(ids(older), newestFirst.slice(5, 10))
      assert.deepStrictEqual(older.list_metadata, { before: newestFirst[9]!, after: newestFirst[5]! })
      const newer = yield* groups(`limit=5&order=normal&after=${newestFirst[5]}`)
      assert.deepStrictEqual(ids(newer), newestFirst.slice(0, 5))
    })))

  it.effect("items created in the same millisecond are ordered by id", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const createdAt = "2030-01-01T00:00:00.000Z"
      for (const id of ["directory_group_b", "directory_group_c", "directory_group_a"]) {
        yield* fake.addGroup({ directoryId: globex.id, name: id, id, createdAt })
      }
      const list = yield* body(ListBody, yield* call(`/directory_groups?directory=${globex.id}&limit=3`))
      assert.deepStrictEqual(ids(list), ["directory_group_c", "directory_group_b", "directory_group_a"])
    })))

  it.effect("a cursor whose object was deleted still marks its place (ids encode their time)", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      yield* fake.removeGroup(newestFirst[3]!)
      const after = yield* groups(`limit=3&after=${newestFirst[3]}`)
      assert.deepStrictEqual(ids(after), newestFirst.slice(4, 7))
    })))

  it.effect("limit accepts 1 to 100", () =>
    run(Effect.gen(function*() {
      assert.strictEqual((yield* groups("limit=1")).data.length, 1)
      assert.strictEqual((yield* groups("limit=100")).data.length, 12)
    })))
})

describe("FakeRoutes: filters", () => {
  const users = (query: string) => Effect.flatMap(call(`/directory_users?${query}`), (raw) => body(ListBody, raw))

  it.effect("directories: organization_id, search (case-insensitive substring), domain", () =>
    run(Effect.gen(function*() {
      const list = (query: string) => Effect.flatMap(call(`/directories?${query}`), (raw) => body(ListBody, raw))
      assert.deepStrictEqual(ids(yield* list(`organization_id=${acme.organizationId}`)), [acme.id])
      assert.deepStrictEqual(ids(yield* list(`search=${globex.name.slice(1, 4).toUpperCase()}`)), [globex.id])
      assert.deepStrictEqual(ids(yield* list(`domain=${acme.domain}`)), [acme.id])
      assert.deepStrictEqual(ids(yield* list("search=nothing-like-it")), [])
    })))

  it.effect("users: directory, group, idp_id, email (case-insensitive), and directory with group", () =>
    run(Effect.gen(function*() {
      const user = acmeUsers[7]!
      assert.deepStrictEqual(ids(yield* users(`directory=${acme.id}&idp_id=${user.idpId}`)), [user.id])
      assert.deepStrictEqual(ids(yield* users(`directory=${acme.id}&email=${user.email!.toUpperCase()}`)), [user.id])
      const group = acmeGroups[0]!
      const members = data.memberships.filter((m) => m.groupId === group.id).map((m) => m.userId)
      assert.sameMembers(ids(yield* users(`group=${group.id}&limit=100`)), members)
      assert.sameMembers(ids(yield* users(`group=${group.id}&directory=${acme.id}&limit=100`)), members)
      assert.deepStrictEqual(ids(yield* users(`group=${group.id}&directory=${globex.id}`)), [])
    })))

  it.effect("groups: directory and user", () =>
    run(Effect.gen(function*() {
      const user = acmeUsers[3]!
      const expected = data.memberships.filter((m) => m.userId === user.id).map((m) => m.groupId)
      const list = yield* body(ListBody, yield* call(`/directory_groups?user=${user.id}`))
      assert.sameMembers(ids(list), expected)
    })))
})

describe("FakeRoutes: errors", () => {
  const problem = (path: string, options?: Parameters<typeof call>[1]) =>
    Effect.gen(function*() {
      const raw = yield* call(path, options)
      return { status: raw.status, body: yield* body(ErrorBody, raw), raw }
    })

  it.effect("limit outside 1..100 or not an integer is a 422 naming limit", () =>
    run(Effect.gen(function*() {
      for (const limit of ["0", "101", "1.5", "ten", "-3"]) {
        const { body, status } = yield* problem(`/directories?limit=${limit}`)
        assert.strictEqual(status, 422, limit)
        assert.deepStrictEqual(body.errors, [{ field: "limit", code: "invalid" }])
        assert.isString(body.message)
      }
    })))

  it.effect("parameter combinations the API rejects are 422s naming the parameter", () =>
    run(Effect.gen(function*() {
      const group = acmeGroups[0]!.id
      const cases: ReadonlyArray<readonly [string, string]> = [
        ["/directory_users", "directory"],
        [`/directory_users?idp_id=x&group=${group}`, "directory"],
        [`/directory_users?email=a@b.c&group=${group}`, "directory"],
        ["/directory_groups", "directory"],
        [`/directory_groups?directory=${acme.id}&order=sideways`, "order"],
        [`/directory_groups?directory=${acme.id}&before=${group}&after=${group}`, "before"],
        [`/directory_groups?directory=${acme.id}&after=not-an-id`, "after"],
        ["/events?range_start=yesterday", "range_start"]
      ]
      for (const [path, field] of cases) {
        const { body, status } = yield* problem(path)
        assert.strictEqual(status, 422, path)
        assert.strictEqual(body.code, "invalid_request_parameters")
        assert.deepStrictEqual(body.errors?.map((e) => e.field), [field], path)
      }
    })))

  it.effect("unknown ids are 404 { message, code: 'not_found' } on every route", () =>
    run(Effect.gen(function*() {
      const paths: ReadonlyArray<readonly [string, "GET" | "DELETE"]> = [
        ["/directories/directory_missing", "GET"],
        ["/directories/directory_missing", "DELETE"],
        ["/directory_users/directory_user_missing", "GET"],
        ["/directory_groups/directory_group_missing", "GET"],
        ["/directory_users?directory=directory_missing", "GET"],
        ["/directory_users?group=directory_group_missing", "GET"],
        ["/directory_groups?directory=directory_missing", "GET"],
        ["/directory_groups?user=directory_user_missing", "GET"],
        ["/organizations", "GET"]
      ]
      for (const [path, method] of paths) {
        const { body, status } = yield* problem(path, { method })
        assert.strictEqual(status, 404, path)
        assert.strictEqual(body.code, "not_found")
        assert.isUndefined(body.errors)
      }
      const { body: message } = yield* problem("/directories/directory_missing")
      assert.strictEqual(message.message, "Directory not found: 'directory_missing'.")
    })))

  it.effect("a missing or wrong bearer key is a 401 that never echoes the key", () =>
    run(Effect.gen(function*() {
      const attempts = [
        { key: null },
        { key: "sk_test_wrong_key_123" },
        { key: null, headers: { authorization: `Basic ${FakeWorkOS.defaultApiKey}` } }
      ]
      for (const options of attempts) {
        const { body, raw, status } = yield* problem("/directories", options)
        assert.strictEqual(status, 401)
        assert.strictEqual(body.code, "unauthorized")
        assert.notInclude(raw.text, "sk_test")
      }
    })))
})

describe("FakeRoutes: headers and deletion", () => {
  it.effect("every answer carries X-Request-ID: the caller's, or a new req_ id", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const echoed = yield* call("/directories", { headers: { "x-request-id": "req_from_caller" } })
      assert.strictEqual(echoed.headers["x-request-id"], "req_from_caller")
      yield* fake.faults.inject({ fault: Faults.status(503), times: 1 })
      const answers = [
        yield* call("/directories"),
        yield* call("/directories"),
        yield* call("/directories/directory_missing"),
        yield* call("/directories?limit=0"),
        yield* call("/directories", { key: null })
      ]
      assert.deepStrictEqual(answers.map((raw) => raw.status), [503, 200, 404, 422, 401])
      const requestIds = answers.map((raw) => raw.headers["x-request-id"] ?? "")
      for (const id of requestIds) assert.match(id, /^req_[0-9A-HJKMNP-TV-Z]{26}$/)
      assert.strictEqual(new Set(requestIds).size, requestIds.length)
    })))

  it.effect("DELETE /directories/{id} answers 202 {}, removes its users and groups, and records dsync.deleted", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const raw = yield* call(`/directories/${acme.id}`, { method: "DELETE" })
      assert.strictEqual(raw.status, 202)
      assert.deepStrictEqual(raw.body, {})
      assert.strictEqual((yield* call(`/directories/${acme.id}`)).status, 404)
      assert.strictEqual((yield* call(`/directory_users/${acmeUsers[0]!.id}`)).status, 404)
      assert.strictEqual((yield* call(`/directory_groups/${acmeGroups[0]!.id}`)).status, 404)
      assert.strictEqual((yield* call(`/directory_users?directory=${acme.id}`)).status, 404)
      const events = yield* fake.events
      assert.deepStrictEqual(events.map((event) => [event.event, event.data["id"]]), [["dsync.deleted", acme.id]])
      const remaining = yield* body(ListBody, yield* call(`/directory_users?directory=${globex.id}&limit=100`))
      assert.strictEqual(remaining.data.length, 30)
    })))
})
