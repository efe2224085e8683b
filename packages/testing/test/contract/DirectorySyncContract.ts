/**
 * One contract for every way of running the real `DirectorySync` client on
 * the fake: each implementation must pass it unchanged, so the ready test
 * layer, the in-memory client and the localhost server cannot drift apart.
 */
import type * as Directory from "@effect-workos/core/Directory"
import type * as DirectoryGroup from "@effect-workos/core/DirectoryGroup"
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import type * as DirectoryUser from "@effect-workos/core/DirectoryUser"
import type * as Pagination from "@effect-workos/core/Pagination"
import type * as WorkOSError from "@effect-workos/core/WorkOSError"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as FakeWorkOS from "../../src/FakeWorkOS.js"
import * as Generators from "../../src/Generators.js"
import { settle } from "../utils/Clock.js"

/** A way of running the client on a fake seeded with `seed`. */
export type Implementation = (
  seed: FakeWorkOS.Seed
) => Layer.Layer<DirectorySync.DirectorySync | FakeWorkOS.FakeWorkOS, unknown>

/** The data every contract test starts from. */
export const data = Generators.generate({ seed: 7, directories: 3, usersPerDirectory: 250, groupsPerDirectory: 12 })

const [acme, globex] = data.directories as [FakeWorkOS.DirectoryRecord, FakeWorkOS.DirectoryRecord]

const ids = (items: ReadonlyArray<{ readonly id: string }>) => items.map((item) => item.id)

const failure = <A>(effect: Effect.Effect<A, WorkOSError.WorkOSError>) => Effect.flip(effect)

type Lister<A> = (options: Pagination.PageOptions) => Effect.Effect<Pagination.Page<A>, WorkOSError.WorkOSError>

/**
 * Walks a list page by page from its start, following the cursor that
 * continues the order (`after`, or `before` in `normal`), then walks back
 * from the last page with the other cursor. Returns both in display order.
 */
const walkBothWays = <A extends { readonly id: string }>(
  list: Lister<A>,
  order: Pagination.Order,
  limit: number
) =>
  Effect.gen(function*() {
    const onward = order === "normal" ? "before" : "after"
    const back = order === "normal" ? "after" : "before"
    let page = yield* list({ order, limit })
    assert.isNull(page.listMetadata[back], "nothing precedes the first page")
    let forward = ids(page.data)
    let pages = 1
    while (page.listMetadata[onward] !== null) {
      page = yield* list({ order, limit, [onward]: page.listMetadata[onward] })
      assert.strictEqual(page.listMetadata[back], page.data[0]?.id, "the way back starts at the first item")
      pages++
      forward = forward.concat(ids(page.data))
    }
    let backward: ReadonlyArray<string> = []
    let cursor = page.listMetadata[back]
    while (cursor !== null) {
      const previous = yield* list({ order, limit, [back]: cursor })
      backward = ids(previous.data).concat(backward)
      cursor = previous.listMetadata[back]
    }
    return { forward, backward, pages, lastPage: ids(page.data) }
  })

/** The contract, run against `implementation`; `live` for implementations that need real time (sockets). */
export const suite = (name: string, implementation: Implementation, options: { readonly live: boolean }) =>
  describe(name, () => {
    const test = (
      title: string,
      body: () => Effect.Effect<void, unknown, DirectorySync.DirectorySync | FakeWorkOS.FakeWorkOS>
    ) => {
      const run = () => Effect.provide(body(), implementation(data))
      return options.live ? it.live(title, run) : it.effect(title, () => settle(run()))
    }
    const services = Effect.all([DirectorySync.DirectorySync, FakeWorkOS.FakeWorkOS])

    describe("directories", () => {
      test("listDirectories: newest first, 10 a page, decoded with REST states and counts", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const page = yield* ds.listDirectories()
          assert.deepStrictEqual(ids(page.data), ids(data.directories).reverse())
          assert.deepStrictEqual(page.listMetadata, { before: null, after: null })
          const first = page.data[2]!
          assert.strictEqual(first.state, "active")
          assert.strictEqual(first.name, acme.name)
          assert.strictEqual(first.organizationId, acme.organizationId)
          assert.strictEqual(first.domain, acme.domain)
          assert.strictEqual(DateTime.formatIso(first.createdAt), acme.createdAt)
          const users = yield* fake.usersOf(acme.id)
          assert.deepStrictEqual(first.metadata?.users, {
            active: users.filter((user) => user.state === "active").length,
            inactive: users.filter((user) => user.state !== "active").length
          })
          assert.strictEqual(first.metadata?.groups, 12)
        }))

      test("listDirectories filters by organizationId, search (case-insensitive) and domain", () =>
        Effect.gen(function*() {
          const [ds] = yield* services
          const byOrganization = yield* ds.listDirectories({ organizationId: globex.organizationId! })
          assert.deepStrictEqual(ids(byOrganization.data), [globex.id])
          const bySearch = yield* ds.listDirectories({ search: acme.name.slice(0, 3).toUpperCase() })
          assert.deepStrictEqual(ids(bySearch.data), [acme.id])
          const byDomain = yield* ds.listDirectories({ domain: globex.domain! })
          assert.deepStrictEqual(ids(byDomain.data), [globex.id])
          const none = yield* ds.listDirectories({ search: "no such directory" })
          assert.deepStrictEqual(none.data, [])
        }))

      test("getDirectory returns the directory; an unknown id is a NotFoundError", () =>
        Effect.gen(function*() {
          const [ds] = yield* services
          const directory: Directory.Directory = yield* ds.getDirectory(globex.id)
          assert.strictEqual(directory.id, globex.id)
          assert.strictEqual(directory.externalKey, globex.externalKey)
          const error = yield* failure(ds.getDirectory("directory_01ABSENT000000000000000000"))
          assert.strictEqual(error._tag, "NotFoundError")
          if (error._tag !== "NotFoundError") return
          assert.strictEqual(error.status, 404)
          assert.strictEqual(error.code, "not_found")
          assert.strictEqual(error.method, "GET")
          assert.match(error.requestId ?? "", /^req_/)
        }))

      test("deleteDirectory removes the directory, its users and its groups", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const user = (yield* fake.usersOf(acme.id))[0]!
          const group = (yield* fake.groupsOf(acme.id))[0]!
          yield* ds.deleteDirectory(acme.id)
          assert.strictEqual((yield* failure(ds.getDirectory(acme.id)))._tag, "NotFoundError")
          assert.strictEqual((yield* failure(ds.getUser(user.id)))._tag, "NotFoundError")
          assert.strictEqual((yield* failure(ds.getGroup(group.id)))._tag, "NotFoundError")
          assert.strictEqual((yield* failure(ds.listUsers({ directory: acme.id })))._tag, "NotFoundError")
          assert.strictEqual((yield* failure(ds.deleteDirectory(acme.id)))._tag, "NotFoundError")
          assert.deepStrictEqual(ids((yield* ds.listDirectories()).data), [data.directories[2]!.id, globex.id])
          const deleted = (yield* fake.events).filter((event) => event.event === "dsync.deleted")
          assert.deepStrictEqual(deleted.map((event) => event.data["id"]), [acme.id])
        }))

      test("streamDirectories streams every directory once", () =>
        Effect.gen(function*() {
          const [ds] = yield* services
          const streamed = yield* ds.streamDirectories({ limit: 1 }).pipe(Stream.runCollect)
          assert.deepStrictEqual(ids([...streamed]), ids(data.directories).reverse())
        }))
    })

    describe("users", () => {
      test("listUsers by directory: newest first, 10 a page, with their groups", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const page = yield* ds.listUsers({ directory: acme.id })
          const users = yield* fake.usersOf(acme.id)
          assert.deepStrictEqual(ids(page.data), ids(users).reverse().slice(0, 10))
          assert.deepStrictEqual(page.listMetadata, { before: null, after: page.data[9]!.id })
          for (const user of page.data) {
            const stored = users.find((candidate) => candidate.id === user.id)!
            assert.strictEqual(user.email, stored.email)
            assert.strictEqual(user.state, stored.state)
            assert.deepStrictEqual(user.customAttributes, stored.customAttributes)
            assert.deepStrictEqual(ids(user.groups), ids(yield* fake.groupsOfUser(user.id)))
          }
        }))

      test("listUsers by group lists its members only", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const group = (yield* fake.groupsOf(globex.id))[1]!
          const members = data.memberships.filter((m) => m.groupId === group.id).map((m) => m.userId)
          const page = yield* ds.listUsers({ group: group.id, limit: 100, order: "asc" })
          const expected = ids(yield* fake.usersOf(globex.id)).filter((id) => members.includes(id))
          assert.isAbove(expected.length, 0)
          assert.deepStrictEqual(ids(page.data), expected.slice(0, 100))
          for (const user of page.data) assert.include(ids(user.groups), group.id)
        }))

      test("listUsers filters by idpId and by email (case-insensitive) within a directory", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const user = (yield* fake.usersOf(globex.id))[42]!
          const byIdp = yield* ds.listUsers({ directory: globex.id, idpId: user.idpId })
          assert.deepStrictEqual(ids(byIdp.data), [user.id])
          const byEmail = yield* ds.listUsers({ directory: globex.id, email: user.email!.toUpperCase() })
          assert.deepStrictEqual(ids(byEmail.data), [user.id])
          const elsewhere = yield* ds.listUsers({ directory: acme.id, email: user.email! })
          assert.deepStrictEqual(elsewhere.data, [])
        }))

      test("getUser returns the user; unknown user, directory or group ids are NotFoundErrors", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const stored = (yield* fake.usersOf(globex.id))[3]!
          const user: DirectoryUser.DirectoryUser = yield* ds.getUser(stored.id)
          assert.strictEqual(user.idpId, stored.idpId)
          assert.strictEqual(user.directoryId, globex.id)
          assert.strictEqual(DateTime.formatIso(user.updatedAt), stored.updatedAt)
          const lookups: ReadonlyArray<Effect.Effect<unknown, WorkOSError.WorkOSError>> = [
            ds.getUser("directory_user_01ABSENT000000000000000000"),
            ds.listUsers({ directory: "directory_01ABSENT000000000000000000" }),
            ds.listUsers({ group: "directory_group_01ABSENT000000000000000000" })
          ]
          for (const lookup of lookups) assert.strictEqual((yield* failure(lookup))._tag, "NotFoundError")
        }))

      test("streamUsers delivers every user of a directory exactly once, in order", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const streamed = ids([...yield* ds.streamUsers({ directory: globex.id }).pipe(Stream.runCollect)])
          assert.strictEqual(streamed.length, 250)
          assert.strictEqual(new Set(streamed).size, 250)
          assert.deepStrictEqual(streamed, ids(yield* fake.usersOf(globex.id)).reverse())
        }))

      test("listUsers pages forward and back in asc order", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const expected = ids(yield* fake.usersOf(data.directories[2]!.id))
          const walk = yield* walkBothWays(
            (page) => ds.listUsers({ ...page, directory: data.directories[2]!.id }),
            "asc",
            100
          )
          assert.deepStrictEqual(walk.forward, expected)
          assert.strictEqual(walk.pages, 3)
          assert.deepStrictEqual(walk.backward, expected.slice(0, expected.length - walk.lastPage.length))
        }))
    })

    describe("groups", () => {
      test("listGroups by directory and by user; getGroup; unknown ids are NotFoundErrors", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const groups = yield* fake.groupsOf(globex.id)
          const page = yield* ds.listGroups({ directory: globex.id })
          assert.deepStrictEqual(ids(page.data), ids(groups).reverse().slice(0, 10))
          const user = (yield* fake.usersOf(globex.id)).find((u) =>
            data.memberships.filter((m) => m.userId === u.id).length === 2
          )!
          const ofUser = yield* ds.listGroups({ user: user.id, order: "asc" })
          assert.deepStrictEqual(ids(ofUser.data), ids(yield* fake.groupsOfUser(user.id)))
          assert.strictEqual(ofUser.data.length, 2)
          const group: DirectoryGroup.DirectoryGroup = yield* ds.getGroup(groups[0]!.id)
          assert.strictEqual(group.name, groups[0]!.name)
          assert.strictEqual(group.idpId, groups[0]!.idpId)
          assert.strictEqual(
            (yield* failure(ds.getGroup("directory_group_01ABSENT000000000000000000")))._tag,
            "NotFoundError"
          )
          assert.strictEqual(
            (yield* failure(ds.listGroups({ user: "directory_user_01ABSENT000000000000000000" })))._tag,
            "NotFoundError"
          )
        }))

      for (const order of ["desc", "asc", "normal"] as const) {
        test(`listGroups pages forward and back in ${order} order`, () =>
          Effect.gen(function*() {
            const [ds, fake] = yield* services
            const oldestFirst = ids(yield* fake.groupsOf(acme.id))
            const expected = order === "asc" ? oldestFirst : [...oldestFirst].reverse()
            const walk = yield* walkBothWays((page) => ds.listGroups({ ...page, directory: acme.id }), order, 5)
            assert.deepStrictEqual(walk.forward, expected)
            assert.strictEqual(walk.pages, 3)
            assert.deepStrictEqual(walk.backward, expected.slice(0, 10))
          }))

        test(`streamGroups streams every group once in ${order} order`, () =>
          Effect.gen(function*() {
            const [ds, fake] = yield* services
            const oldestFirst = ids(yield* fake.groupsOf(acme.id))
            const expected = order === "asc" ? oldestFirst : [...oldestFirst].reverse()
            const streamed = yield* ds.streamGroups({ directory: acme.id, order, limit: 5 }).pipe(Stream.runCollect)
            assert.deepStrictEqual(ids([...streamed]), expected)
          }))
      }

      test("streamGroups streams a user's groups and a directory's groups once each", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const all = yield* ds.streamGroups({ directory: globex.id, limit: 5 }).pipe(Stream.runCollect)
          assert.deepStrictEqual(ids([...all]), ids(yield* fake.groupsOf(globex.id)).reverse())
          const user = data.memberships.find((m) => m.groupId === all.pipe((c) => [...c][0]!.id))!.userId
          const ofUser = yield* ds.streamGroups({ user, limit: 1 }).pipe(Stream.runCollect)
          assert.deepStrictEqual(ids([...ofUser]), ids(yield* fake.groupsOfUser(user)).reverse())
        }))
    })

    describe("errors", () => {
      test("a cursor that is not an object id is an UnprocessableEntityError naming it", () =>
        Effect.gen(function*() {
          const [ds] = yield* services
          const error = yield* failure(ds.listGroups({ directory: acme.id, after: "not-an-id" }))
          assert.strictEqual(error._tag, "UnprocessableEntityError")
          if (error._tag !== "UnprocessableEntityError") return
          assert.strictEqual(error.status, 422)
          assert.deepStrictEqual(error.errors?.map((issue) => [issue.field, issue.code]), [["after", "invalid"]])
        }))

      test("a rotated API key is an UnauthorizedError", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          yield* fake.setApiKey("sk_test_rotated")
          const error = yield* failure(ds.listDirectories())
          assert.strictEqual(error._tag, "UnauthorizedError")
          if (error._tag !== "UnauthorizedError") return
          assert.strictEqual(error.status, 401)
          assert.strictEqual(error.code, "unauthorized")
        }))

      test("parameters that cannot be valid fail before sending, with InvalidParameterError", () =>
        Effect.gen(function*() {
          const [ds, fake] = yield* services
          const before = (yield* fake.faults.stats).requests
          const invalid: ReadonlyArray<Effect.Effect<unknown, WorkOSError.WorkOSError>> = [
            ds.listUsers({}),
            ds.listUsers({ group: "directory_group_x", email: "a@b.c" }),
            ds.listGroups({}),
            ds.listDirectories({ limit: 101 }),
            ds.getUser("")
          ]
          const errors = yield* Effect.forEach(invalid, failure)
          assert.deepStrictEqual(errors.map((error) => error._tag), Array(5).fill("InvalidParameterError"))
          assert.strictEqual((yield* fake.faults.stats).requests, before)
        }))
    })
  })
