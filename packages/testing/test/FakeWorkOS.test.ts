import * as DirectorySyncEvent from "@effect-workos/core/DirectorySyncEvent"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import * as FakeWorkOS from "../src/FakeWorkOS.js"
import { body, call, ErrorBody, EventsBody, ids, layer } from "./utils/Raw.js"

// A value outside the types, as a JavaScript caller may pass it.
const loose = <T>(value: unknown): T => value as T

const run = <A, E>(effect: Effect.Effect<A, E, FakeWorkOS.FakeWorkOS | HttpClient.HttpClient>) =>
  Effect.provide(effect, layer())

// A directory with two users and a group, made through the fake's changes.
const scene = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const directory = yield* fake.addDirectory({ name: "Foo Corp", domain: "foo-corp.com", organizationId: "org_foo" })
  const ada = yield* fake.addUser({
    directoryId: directory.id,
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@foo-corp.com",
    role: { slug: "member" },
    customAttributes: { department: "Engineering" }
  })
  const bob = yield* fake.addUser({ directoryId: directory.id, firstName: "Bob", email: "bob@foo-corp.com" })
  const group = yield* fake.addGroup({ directoryId: directory.id, name: "Engineering" })
  return { fake, directory, ada, bob, group }
})

describe("FakeWorkOS: changes record dsync events", () => {
  it.effect("adding a directory, users and a group records dsync.activated, dsync.user.created, dsync.group.created", () =>
    run(Effect.gen(function*() {
      const { ada, bob, directory, fake, group } = yield* scene
      const events = yield* fake.events
      assert.deepStrictEqual(events.map((event) => event.event), [
        "dsync.activated",
        "dsync.user.created",
        "dsync.user.created",
        "dsync.group.created"
      ])
      assert.deepStrictEqual(events[0]!.data, {
        object: "directory",
        id: directory.id,
        organization_id: "org_foo",
        type: "okta scim v2.0",
        state: "active",
        name: "Foo Corp",
        created_at: directory.createdAt,
        updated_at: directory.updatedAt,
        external_key: directory.externalKey,
        domains: [{ object: "organization_domain", id: `org_domain_${directory.id.slice(10)}`, domain: "foo-corp.com" }]
      })
      assert.deepStrictEqual(events[1]!.data, {
        object: "directory_user",
        id: ada.id,
        directory_id: directory.id,
        organization_id: "org_foo",
        idp_id: ada.idpId,
        email: "ada@foo-corp.com",
        first_name: "Ada",
        last_name: "Lovelace",
        name: "Ada Lovelace",
        state: "active",
        custom_attributes: { department: "Engineering" },
        raw_attributes: {},
        role: { slug: "member" },
        created_at: ada.createdAt,
        updated_at: ada.updatedAt
      })
      assert.strictEqual(events[2]!.data["id"], bob.id)
      assert.isFalse("groups" in events[2]!.data, "event users carry no groups")
      assert.deepStrictEqual(events[3]!.data["object"], "directory_group")
      assert.deepStrictEqual(events[3]!.data["id"], group.id)
      for (const event of events) {
        assert.strictEqual(event.object, "event")
        assert.match(event.id, /^event_[0-9A-HJKMNP-TV-Z]{26}$/)
      }
    })))

  it.effect("updates record *.updated with previous_attributes: the old values of the changed fields, by wire name", () =>
    run(Effect.gen(function*() {
      const { ada, fake, group } = yield* scene
      yield* TestClock.adjust("1 minute")
      const updated = yield* fake.updateUser(ada.id, {
        firstName: "Augusta",
        role: { slug: "admin" },
        email: undefined
      })
      assert.strictEqual(updated.firstName, "Augusta")
      assert.strictEqual(updated.email, "ada@foo-corp.com")
      assert.strictEqual(updated.updatedAt, "1970-01-01T00:01:00.000Z")
      yield* fake.updateUser(ada.id, { state: "inactive", customAttributes: { department: "Research" } })
      yield* fake.updateGroup(group.id, { name: "Research" })
      const events = (yield* fake.events).slice(4)
      assert.deepStrictEqual(events.map((event) => event.event), [
        "dsync.user.updated",
        "dsync.user.updated",
        "dsync.group.updated"
      ])
      assert.deepStrictEqual(events[0]!.data["previous_attributes"], { first_name: "Ada", role: { slug: "member" } })
      assert.strictEqual(events[0]!.data["first_name"], "Augusta")
      assert.deepStrictEqual(events[1]!.data["previous_attributes"], {
        state: "active",
        custom_attributes: { department: "Engineering" }
      })
      assert.deepStrictEqual(events[2]!.data["previous_attributes"], { name: "Engineering" })
      assert.strictEqual(events[2]!.data["name"], "Research")
      assert.strictEqual(events[2]!.created_at, "1970-01-01T00:01:00.000Z")
    })))

  it.effect("memberships record dsync.group.user_added and user_removed with { directory_id, user, group }", () =>
    run(Effect.gen(function*() {
      const { ada, directory, fake, group } = yield* scene
      yield* fake.addUserToGroup(ada.id, group.id)
      yield* fake.addUserToGroup(ada.id, group.id)
      assert.deepStrictEqual((yield* fake.groupsOfUser(ada.id)).map((g) => g.id), [group.id])
      yield* fake.removeUserFromGroup(ada.id, group.id)
      yield* fake.removeUserFromGroup(ada.id, group.id)
      const events = (yield* fake.events).slice(4)
      assert.deepStrictEqual(events.map((event) => event.event), ["dsync.group.user_added", "dsync.group.user_removed"])
      assert.deepStrictEqual(Object.keys(events[0]!.data), ["directory_id", "user", "group"])
      assert.strictEqual(events[0]!.data["directory_id"], directory.id)
      assert.deepStrictEqual(events[1]!.data, events[0]!.data)
      assert.deepStrictEqual(yield* fake.groupsOfUser(ada.id), [])
    })))

  it.effect("removals record *.deleted; removing a directory removes its users and groups and records only dsync.deleted", () =>
    run(Effect.gen(function*() {
      const { ada, bob, directory, fake, group } = yield* scene
      yield* fake.addUserToGroup(bob.id, group.id)
      yield* fake.removeUser(ada.id)
      yield* fake.removeGroup(group.id)
      assert.deepStrictEqual(yield* fake.groupsOfUser(bob.id), [])
      yield* fake.removeDirectory(directory.id)
      const events = (yield* fake.events).slice(5)
      assert.deepStrictEqual(events.map((event) => event.event), [
        "dsync.user.deleted",
        "dsync.group.deleted",
        "dsync.deleted"
      ])
      assert.deepStrictEqual(events[2]!.data, {
        object: "directory",
        id: directory.id,
        organization_id: "org_foo",
        type: "okta scim v2.0",
        state: "active",
        name: "Foo Corp",
        created_at: directory.createdAt,
        updated_at: directory.updatedAt
      })
      const missing = yield* Effect.flip(fake.getUser(bob.id))
      assert.strictEqual(missing.reason, "NotFound")
      assert.deepStrictEqual(yield* fake.directories, [])
    })))

  it.effect("a directory becoming linked again records dsync.activated; other directory changes record nothing", () =>
    run(Effect.gen(function*() {
      const { directory, fake } = yield* scene
      yield* fake.updateDirectory(directory.id, { state: "unlinked", name: "Foo" })
      assert.strictEqual((yield* fake.getDirectory(directory.id)).state, "unlinked")
      yield* fake.updateDirectory(directory.id, { state: "linked" })
      const events = (yield* fake.events).slice(4)
      assert.deepStrictEqual(events.map((event) => [event.event, event.data["state"], event.data["name"]]), [
        ["dsync.activated", "active", "Foo"]
      ])
    })))

  it.effect("refused changes fail with FakeWorkOSError and record nothing", () =>
    run(Effect.gen(function*() {
      const { ada, fake, group } = yield* scene
      const other = yield* fake.addDirectory({ name: "Other" })
      const stranger = yield* fake.addUser({ directoryId: other.id })
      const before = (yield* fake.events).length
      const errors = yield* Effect.all([
        Effect.flip(fake.updateUser("directory_user_missing", { state: "inactive" })),
        Effect.flip(fake.addUser({ directoryId: "directory_missing" })),
        Effect.flip(fake.addUser({ directoryId: other.id, id: ada.id })),
        Effect.flip(fake.addUserToGroup(stranger.id, group.id)),
        Effect.flip(fake.addGroup({ directoryId: other.id, name: "x", createdAt: "not a date" }))
      ])
      assert.deepStrictEqual(errors.map((error) => [error._tag, error.reason]), [
        ["FakeWorkOSError", "NotFound"],
        ["FakeWorkOSError", "NotFound"],
        ["FakeWorkOSError", "Conflict"],
        ["FakeWorkOSError", "Invalid"],
        ["FakeWorkOSError", "Invalid"]
      ])
      assert.strictEqual((yield* fake.events).length, before)
    })))

  it.effect("a directory without an organization (organizationId: null) is refused: WorkOS always sends one", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* fake.addDirectory({ name: "Foo", organizationId: "org_foo" })
      const before = (yield* fake.events).length
      const errors = yield* Effect.all([
        Effect.flip(fake.addDirectory({ name: "Orphan", organizationId: loose(null) })),
        Effect.flip(fake.addDirectory({ name: "Orphan", organizationId: "" })),
        Effect.flip(fake.updateDirectory(directory.id, { organizationId: loose(null) }))
      ])
      assert.deepStrictEqual(errors.map((error) => error.reason), ["Invalid", "Invalid", "Invalid"])
      assert.strictEqual((yield* fake.getDirectory(directory.id)).organizationId, "org_foo")
      assert.strictEqual((yield* fake.directories).length, 1)
      assert.strictEqual((yield* fake.events).length, before)
    })))

  it.effect("directory tokens record dsync.token.created and dsync.token.revoked, at most 2 active", () =>
    run(Effect.gen(function*() {
      const { directory, fake } = yield* scene
      const before = (yield* fake.events).length
      const first = yield* fake.addDirectoryToken(directory.id)
      const second = yield* fake.addDirectoryToken(directory.id)
      const third = yield* Effect.flip(fake.addDirectoryToken(directory.id))
      assert.strictEqual(third.reason, "Invalid")
      yield* fake.revokeDirectoryToken(first.id)
      assert.strictEqual((yield* Effect.flip(fake.revokeDirectoryToken(first.id))).reason, "NotFound")
      assert.strictEqual((yield* Effect.flip(fake.addDirectoryToken("directory_missing"))).reason, "NotFound")
      const events = (yield* fake.events).slice(before)
      assert.deepStrictEqual(events.map((event) => event.event), [
        "dsync.token.created",
        "dsync.token.created",
        "dsync.token.revoked"
      ])
      assert.deepStrictEqual(events[0]!.data, {
        object: "directory_token",
        id: first.id,
        directory_id: directory.id,
        organization_id: "org_foo",
        token_suffix: first.tokenSuffix,
        created_at: first.createdAt
      })
      // The client decodes them as its token events.
      const decoded = yield* Effect.forEach(events, (event) => DirectorySyncEvent.decodeUnknown(event))
      assert.deepStrictEqual(decoded.map((event) => event._tag), ["TokenCreated", "TokenCreated", "TokenRevoked"])
      const created = decoded[1]!
      assert.strictEqual(created._tag === "TokenCreated" ? created.data.id : undefined, second.id)
      // Removing the directory drops its tokens (and records only dsync.deleted).
      yield* fake.removeDirectory(directory.id)
      assert.strictEqual((yield* Effect.flip(fake.revokeDirectoryToken(second.id))).reason, "NotFound")
    })))

  it.effect("an inconsistent seed fails the layer with FakeWorkOSError", () =>
    Effect.gen(function*() {
      const group: FakeWorkOS.GroupRecord = {
        id: "directory_group_1",
        idpId: "1",
        directoryId: "directory_missing",
        organizationId: null,
        name: "Orphans",
        rawAttributes: {},
        createdAt: "2024-01-01T00:00:00.000Z",
        updatedAt: "2024-01-01T00:00:00.000Z"
      }
      const build = (seed: FakeWorkOS.Seed) => Effect.flip(Effect.scoped(Layer.build(FakeWorkOS.layer(seed))))
      assert.strictEqual((yield* build({ groups: [group] })).reason, "NotFound")
      const directory: FakeWorkOS.DirectoryRecord = {
        id: "directory_1",
        organizationId: null,
        externalKey: "key",
        type: "okta scim v2.0",
        state: "linked",
        name: "Twice",
        domain: null,
        createdAt: "2024-01-01T00:00:00.000Z",
        updatedAt: "2024-01-01T00:00:00.000Z"
      }
      assert.strictEqual((yield* build({ directories: [directory, directory] })).reason, "Conflict")
    }))

  it.effect("concurrent changes are all applied and each recorded once", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* fake.addDirectory({ name: "Busy" })
      const users = yield* Effect.forEach(
        Array.from({ length: 100 }, (_, i) => i),
        (i) => fake.addUser({ directoryId: directory.id, firstName: `User ${i}` }),
        { concurrency: "unbounded" }
      )
      yield* Effect.forEach(users, (user) => fake.updateUser(user.id, { state: "inactive" }), {
        concurrency: "unbounded"
      })
      const stored = yield* fake.usersOf(directory.id)
      assert.strictEqual(stored.length, 100)
      assert.isTrue(stored.every((user) => user.state === "inactive"))
      const events = yield* fake.events
      assert.strictEqual(events.length, 201)
      assert.strictEqual(new Set(events.map((event) => event.id)).size, 201)
      const ordered = events.map((event) => event.created_at + event.id)
      assert.deepStrictEqual(ordered, [...ordered].sort())
    })))
})

describe("FakeWorkOS: GET /events", () => {
  const events = (query: string) => Effect.flatMap(call(`/events?${query}`), (raw) => body(EventsBody, raw))

  it.effect("lists recorded events oldest first as { object: 'list', data, list_metadata: { after } }", () =>
    run(Effect.gen(function*() {
      const { fake } = yield* scene
      const recorded = yield* fake.events
      const page = yield* events("limit=3")
      assert.deepStrictEqual<unknown>(page.data, recorded.slice(0, 3))
      assert.deepStrictEqual(page.list_metadata, { after: recorded[2]!.id })
      const rest = yield* events(`after=${recorded[2]!.id}`)
      assert.deepStrictEqual(ids(rest), [recorded[3]!.id])
      assert.deepStrictEqual(rest.list_metadata, { after: null })
      const newestFirst = yield* events("order=desc")
      assert.deepStrictEqual(ids(newestFirst), recorded.map((event) => event.id).reverse())
    })))

  it.effect("the events filter accepts events=a,b, repeated events=, and events[]=", () =>
    run(Effect.gen(function*() {
      const { fake } = yield* scene
      const expected = (yield* fake.events)
        .filter((event) => event.event === "dsync.activated" || event.event === "dsync.group.created")
        .map((event) => event.id)
      for (
        const query of [
          "events=dsync.activated,dsync.group.created",
          "events=dsync.activated%2Cdsync.group.created",
          "events=dsync.activated&events=dsync.group.created",
          "events[]=dsync.activated&events[]=dsync.group.created",
          "events%5B%5D=dsync.activated&events%5B%5D=dsync.group.created"
        ]
      ) {
        assert.deepStrictEqual(ids(yield* events(query)), expected, query)
      }
      assert.deepStrictEqual(ids(yield* events("events=dsync.token.created")), [])
    })))

  it.effect("organization_id, range_start and range_end filter events", () =>
    run(Effect.gen(function*() {
      const { ada, fake } = yield* scene
      yield* TestClock.adjust("10 seconds")
      const other = yield* fake.addDirectory({ name: "Other", organizationId: "org_other" })
      yield* TestClock.adjust("10 seconds")
      yield* fake.updateUser(ada.id, { lastName: "King" })
      const all = yield* fake.events
      assert.deepStrictEqual(ids(yield* events("organization_id=org_other")), [all[4]!.id])
      assert.strictEqual(all[4]!.data["id"], other.id)
      assert.deepStrictEqual(ids(yield* events("range_start=1970-01-01T00:00:10.000Z")), [all[4]!.id, all[5]!.id])
      assert.deepStrictEqual(
        ids(yield* events("range_start=1970-01-01T00:00:05Z&range_end=1970-01-01T00:00:20.000Z")),
        [all[4]!.id]
      )
    })))

  it.effect("events older than 30 days are no longer listed, by the fake's clock", () =>
    run(Effect.gen(function*() {
      const { ada, fake } = yield* scene
      yield* TestClock.adjust("20 days")
      yield* fake.updateUser(ada.id, { lastName: "King" })
      const recorded = yield* fake.events
      assert.strictEqual(ids(yield* events("")).length, 5)
      yield* TestClock.adjust("10 days")
      assert.strictEqual(ids(yield* events("")).length, 5, "exactly 30 days old: still kept")
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(ids(yield* events("")), [recorded[4]!.id])
      assert.deepStrictEqual(ids(yield* events("range_start=1970-01-01T00:00:00.000Z")), [recorded[4]!.id])
      assert.strictEqual((yield* fake.events).length, 5, "fake.events keeps every recorded event")
      yield* TestClock.adjust("20 days")
      assert.deepStrictEqual(ids(yield* events("")), [])
    })))

  it.effect("a cursor on an expired or unknown event is 400 { message, code: 'invalid_events_request' }", () =>
    run(Effect.gen(function*() {
      const { ada, fake } = yield* scene
      yield* TestClock.adjust("31 days")
      yield* fake.updateUser(ada.id, { lastName: "King" })
      const recorded = yield* fake.events
      const live = recorded[4]!.id
      assert.deepStrictEqual(ids(yield* events(`after=${live}`)), [])
      const unknown = live.slice(0, -1) + (live.endsWith("0") ? "1" : "0")
      for (const cursor of [`after=${recorded[0]!.id}`, `before=${recorded[3]!.id}`, `after=${unknown}`, "after=x"]) {
        const raw = yield* call(`/events?${cursor}`)
        assert.strictEqual(raw.status, 400, cursor)
        const error = yield* body(ErrorBody, raw)
        assert.strictEqual(error.code, "invalid_events_request", cursor)
        assert.include(error.message, "cursor", cursor)
      }
    })))

  it.effect("with events.holdBack, a fresh event is listed only once it is that old", () =>
    Effect.gen(function*() {
      const { ada, fake } = yield* scene
      yield* TestClock.adjust("1 minute")
      yield* fake.updateUser(ada.id, { lastName: "King" })
      const recorded = yield* fake.events
      assert.strictEqual(ids(yield* events("")).length, 4)
      assert.deepStrictEqual(ids(yield* events(`after=${recorded[3]!.id}`)), [])
      yield* TestClock.adjust("2999 millis")
      assert.deepStrictEqual(ids(yield* events(`after=${recorded[3]!.id}`)), [])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(ids(yield* events(`after=${recorded[3]!.id}`)), [recorded[4]!.id])
      yield* fake.updateUser(ada.id, { lastName: "Byron" })
      const fresh = (yield* fake.events)[5]!.id
      assert.deepStrictEqual(ids(yield* events(`after=${fresh}`)), [], "a held-back event is a valid cursor")
    }).pipe(Effect.provide(layer({ events: { holdBack: "3 seconds" } }))))
})
