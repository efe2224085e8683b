import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Directory from "../src/Directory.js"
import * as DirectoryGroup from "../src/DirectoryGroup.js"
import * as DirectorySyncEvent from "../src/DirectorySyncEvent.js"
import * as DirectoryUser from "../src/DirectoryUser.js"
import * as Fixtures from "./fixtures/events.js"

const decode = DirectorySyncEvent.decodeUnknown

const membership = { directory_id: Fixtures.user.directory_id, user: Fixtures.user, group: Fixtures.group }

// Every typed event: its name, a realistic payload, and the member it must decode to.
const cases = [
  ["dsync.activated", Fixtures.activatedDirectory, DirectorySyncEvent.DirectoryActivated],
  ["dsync.deleted", Fixtures.deletedDirectory, DirectorySyncEvent.DirectoryDeleted],
  ["dsync.user.created", Fixtures.user, DirectorySyncEvent.UserCreated],
  ["dsync.user.updated", { ...Fixtures.user, previous_attributes: { name: "V" } }, DirectorySyncEvent.UserUpdated],
  ["dsync.user.deleted", { ...Fixtures.user, state: "inactive" }, DirectorySyncEvent.UserDeleted],
  ["dsync.group.created", Fixtures.group, DirectorySyncEvent.GroupCreated],
  [
    "dsync.group.updated",
    { ...Fixtures.group, previous_attributes: { name: "Devs" } },
    DirectorySyncEvent.GroupUpdated
  ],
  ["dsync.group.deleted", Fixtures.group, DirectorySyncEvent.GroupDeleted],
  ["dsync.group.user_added", membership, DirectorySyncEvent.GroupUserAdded],
  ["dsync.group.user_removed", membership, DirectorySyncEvent.GroupUserRemoved],
  ["dsync.token.created", Fixtures.token, DirectorySyncEvent.TokenCreated],
  ["dsync.token.revoked", Fixtures.token, DirectorySyncEvent.TokenRevoked]
] as const

describe("DirectorySyncEvent", () => {
  it("types every dsync event name", () => {
    assert.deepStrictEqual(cases.map(([name]) => name), [...DirectorySyncEvent.eventNames])
  })

  it.effect("decodes every event type to its member, with the envelope", () =>
    Effect.gen(function*() {
      for (const [name, data, Member] of cases) {
        const event = yield* decode(Fixtures.event(name, data))
        assert.isTrue(event instanceof Member, name)
        assert.strictEqual(event.event, name)
        assert.strictEqual(event._tag, Member.name)
        assert.strictEqual(event.id, "event_01HXYZ0000000000000000000A")
        assert.strictEqual(DateTime.formatIso(event.createdAt), "2026-01-15T12:00:01.000Z")
      }
    }))

  it.effect("decodes the old webhook body that misses email, custom_attributes and organization_id", () =>
    Effect.gen(function*() {
      const event = yield* decode(JSON.parse(Fixtures.webhookJson))
      assert.instanceOf(event, DirectorySyncEvent.UserCreated)
      if (event._tag !== "UserCreated") return
      assert.strictEqual(event.id, "wh_123")
      assert.isUndefined(event.context)
      assert.instanceOf(event.data, DirectoryUser.DirectoryUser)
      assert.strictEqual(event.data.email, null)
      assert.strictEqual(event.data.organizationId, null)
      assert.deepStrictEqual(event.data.customAttributes, {})
      assert.deepStrictEqual(event.data.groups, [])
      assert.strictEqual(event.data.firstName, "Blair")
      assert.strictEqual(event.data.rawAttributes.displayName, "Blair Lunchford")
      assert.strictEqual(DateTime.formatIso(event.createdAt), "2021-06-25T19:07:33.155Z")
    }))

  it.effect("decodes the REST-shaped Events API item, deprecated fields and context included", () =>
    Effect.gen(function*() {
      const event = yield* decode(Fixtures.eventsApiPage.data[0])
      assert.strictEqual(event._tag, "UserCreated")
      if (event._tag !== "UserCreated") return
      assert.strictEqual(event.id, "event_01EHZNVPK3SFK441A1RGBFSHRT")
      assert.deepStrictEqual(event.context, {})
      assert.strictEqual(event.data.email, "veda@foo-corp.com")
      assert.strictEqual(event.data.username, "veda@foo-corp.com")
      assert.strictEqual(event.data.emails?.[0]?.value, "veda@foo-corp.com")
      assert.strictEqual(event.data.organizationId, "org_01EZTR6WYX1A0DSE2CYMGXQ24Y")
    }))

  it.effect("dsync.activated carries a Directory with domains, in the event state vocabulary", () =>
    Effect.gen(function*() {
      const event = yield* decode(Fixtures.event("dsync.activated", Fixtures.activatedDirectory))
      if (event._tag !== "DirectoryActivated") return assert.fail(event._tag)
      assert.instanceOf(event.data, Directory.Directory)
      assert.strictEqual(event.data.state, "active")
      assert.strictEqual(event.data.externalKey, "sPa12dwRQ")
      assert.strictEqual(event.data.type, "gsuite directory")
      assert.deepStrictEqual(
        event.data.domains.map(({ domain, id }) => ({ id, domain })),
        [{ id: "org_domain_01EZTR5Y2BFCRXK7GAG0DS4HY1", domain: "foo-corp.com" }]
      )
      // REST words map the same way, should WorkOS ever send them here.
      const linked = yield* decode(
        Fixtures.event("dsync.activated", { ...Fixtures.activatedDirectory, state: "linked" })
      )
      assert.strictEqual(linked._tag === "DirectoryActivated" && linked.data.state, "active")
    }))

  it.effect("dsync.deleted has no external key or domains, and reads an old timestamp shape", () =>
    Effect.gen(function*() {
      const event = yield* decode(Fixtures.event("dsync.deleted", Fixtures.deletedDirectory))
      if (event._tag !== "DirectoryDeleted") return assert.fail(event._tag)
      assert.strictEqual(event.data.state, "deleting")
      assert.strictEqual(event.data.name, "Foo Corp")
      assert.isFalse("externalKey" in event.data)
      assert.isFalse("domains" in event.data)
      assert.strictEqual(DateTime.formatIso(event.data.createdAt), "2023-04-28T20:05:31.093Z")
      const unlinked = yield* decode(
        Fixtures.event("dsync.deleted", { ...Fixtures.deletedDirectory, state: "unlinked" })
      )
      assert.strictEqual(unlinked._tag === "DirectoryDeleted" && unlinked.data.state, "inactive")
    }))

  it.effect("*.updated events carry previousAttributes keyed by wire name, and the context", () =>
    Effect.gen(function*() {
      const event = yield* decode(Fixtures.userUpdated)
      if (event._tag !== "UserUpdated") return assert.fail(event._tag)
      assert.instanceOf(event.data, DirectoryUser.DirectoryUser)
      assert.deepStrictEqual(event.data.role?.slug, "admin")
      assert.deepStrictEqual(event.data.previousAttributes, { role: { slug: "member" }, first_name: "Vee" })
      assert.deepStrictEqual(event.context, { actor: { id: "user_01", source: "dashboard", name: "Ada" } })

      const group = yield* decode(
        Fixtures.event("dsync.group.updated", { ...Fixtures.group, previous_attributes: { name: "Devs" } })
      )
      if (group._tag !== "GroupUpdated") return assert.fail(group._tag)
      assert.instanceOf(group.data, DirectoryGroup.DirectoryGroup)
      assert.strictEqual(group.data.name, "Developers")
      assert.deepStrictEqual(group.data.previousAttributes, { name: "Devs" })

      const bare = yield* decode(Fixtures.event("dsync.user.updated", Fixtures.user))
      assert.deepStrictEqual(bare._tag === "UserUpdated" && bare.data.previousAttributes, {})
    }))

  it.effect("membership events carry the directory id, the user and the group", () =>
    Effect.gen(function*() {
      for (const name of ["dsync.group.user_added", "dsync.group.user_removed"] as const) {
        const event = yield* decode(Fixtures.event(name, membership))
        if (event._tag !== "GroupUserAdded" && event._tag !== "GroupUserRemoved") return assert.fail(event._tag)
        assert.instanceOf(event.data, DirectorySyncEvent.GroupMembership)
        assert.strictEqual(event.data.directoryId, "directory_01ECAZ4NV9QMV47GW873HDCX74")
        assert.instanceOf(event.data.user, DirectoryUser.DirectoryUser)
        assert.strictEqual(event.data.user.email, "veda@foo-corp.com")
        assert.instanceOf(event.data.group, DirectoryGroup.DirectoryGroup)
        assert.strictEqual(event.data.group.name, "Developers")
      }
    }))

  it.effect("token events carry the token suffix; organization_id is optional", () =>
    Effect.gen(function*() {
      const created = yield* decode(Fixtures.event("dsync.token.created", Fixtures.token))
      if (created._tag !== "TokenCreated") return assert.fail(created._tag)
      assert.deepStrictEqual(
        {
          id: created.data.id,
          directoryId: created.data.directoryId,
          organizationId: created.data.organizationId,
          tokenSuffix: created.data.tokenSuffix,
          createdAt: DateTime.formatIso(created.data.createdAt)
        },
        {
          id: "directory_token_01HF8DA1YBCQ6V5XQ7ZGGMZ2T4",
          directoryId: "directory_01ECAZ4NV9QMV47GW873HDCX74",
          organizationId: "org_01EZTR6WYX1A0DSE2CYMGXQ24Y",
          tokenSuffix: "x7Qz",
          createdAt: "2026-01-15T12:00:00.000Z"
        }
      )
      const { organization_id: _, ...withoutOrganization } = Fixtures.token
      const revoked = yield* decode(Fixtures.event("dsync.token.revoked", withoutOrganization))
      if (revoked._tag !== "TokenRevoked") return assert.fail(revoked._tag)
      assert.strictEqual(revoked.data.organizationId, null)
    }))

  it.effect("an unknown event name decodes to UnknownEvent and keeps its raw data", () =>
    Effect.gen(function*() {
      const data = { object: "directory", id: "directory_01", some_new_field: [1, { nested: true }] }
      for (const name of ["dsync.deactivated", "connection.activated", "dsync.user.renamed"]) {
        const event = yield* decode(Fixtures.event(name, data, { context: { client_id: "client_01" } }))
        assert.instanceOf(event, DirectorySyncEvent.UnknownEvent)
        assert.strictEqual(event._tag, "UnknownEvent")
        assert.strictEqual(event.event, name)
        assert.deepStrictEqual(event.data, data)
        assert.deepStrictEqual(event.context, { client_id: "client_01" })
      }
      const scalar = yield* decode(Fixtures.event("future.thing", "just a string"))
      assert.strictEqual(scalar._tag === "UnknownEvent" && scalar.data, "just a string")
    }))

  it.effect("a known event whose data has the wrong shape fails, naming the field, rather than passing as unknown", () =>
    Effect.gen(function*() {
      const { idp_id: _, ...withoutIdpId } = Fixtures.user
      const error = yield* Effect.flip(decode(Fixtures.event("dsync.user.created", withoutIdpId)))
      const message = ParseResult.TreeFormatter.formatErrorSync(error)
      assert.include(message, `["idp_id"]`)
      assert.include(message, "is missing")
      const badTime = yield* Effect.flip(
        decode(Fixtures.event("dsync.group.created", Fixtures.group, { created_at: "soon" }))
      )
      assert.include(ParseResult.TreeFormatter.formatErrorSync(badTime), `Expected an ISO 8601 timestamp, got "soon"`)
      const noId = yield* Effect.flip(
        decode({ event: "connection.activated", data: {}, created_at: "2026-01-15T12:00:00Z" })
      )
      assert.include(ParseResult.TreeFormatter.formatErrorSync(noId), `["id"]`)
    }))

  it.effect("encodes back to the wire shape, which decodes to an equal event", () =>
    Effect.gen(function*() {
      for (const [name, data] of cases) {
        const event = yield* decode(Fixtures.event(name, data))
        const wire = yield* Schema.encode(DirectorySyncEvent.DirectorySyncEvent)(event)
        assert.strictEqual(wire.event, name)
        assert.strictEqual(wire.created_at, "2026-01-15T12:00:01.000Z")
        assert.isFalse("_tag" in wire)
        assert.deepStrictEqual(yield* decode(wire), event)
      }
    }))

  it("constructors fill in the event name", () => {
    const createdAt = DateTime.unsafeMake("2026-01-15T12:00:00.000Z")
    const event = DirectorySyncEvent.TokenRevoked.make({
      id: "event_1",
      createdAt,
      data: DirectorySyncEvent.DirectoryToken.make({
        id: "directory_token_1",
        directoryId: "directory_1",
        organizationId: null,
        tokenSuffix: "abcd",
        createdAt
      })
    })
    assert.strictEqual(event.event, "dsync.token.revoked")
    assert.strictEqual(event._tag, "TokenRevoked")
    assert.isTrue(Schema.is(DirectorySyncEvent.DirectorySyncEvent)(event))
  })

  it("decodeUnknownEither reports a non-object", () => {
    assert.isTrue(DirectorySyncEvent.decodeUnknownEither("nope")._tag === "Left")
    assert.isTrue(DirectorySyncEvent.decodeUnknownEither(Fixtures.eventsApiPage.data[0])._tag === "Right")
  })
})
