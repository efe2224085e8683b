import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Directory from "./fixtures/Directory.js"
import * as DirectoryGroup from "./fixtures/DirectoryGroup.js"
import * as DirectoryUser from "./fixtures/DirectoryUser.js"
import { list } from "./fixtures/List.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

const epoch = (dateTime: DateTime.DateTime) => DateTime.toEpochMillis(dateTime)

describe("Directory", () => {
  it.effect("decodes REST directories: linked -> active, unlinked -> inactive, metadata, optional domain", () =>
    Stub.run(
      () => Stub.json(list([Directory.linked, Directory.unlinked], { after: Directory.unlinked.id })),
      (ds) =>
        Effect.gen(function*() {
          const page = yield* ds.listDirectories()
          const [linked, unlinked] = page.data
          assert.strictEqual(linked!.id, "directory_01ECAZ4NV9QMV47GW873HDCX74")
          assert.strictEqual(linked!.organizationId, "org_01EHZNVPK3SFK441A1RGBFSHRT")
          assert.strictEqual(linked!.externalKey, "sPa12dwRQ")
          assert.strictEqual(linked!.type, "gsuite directory")
          assert.strictEqual(linked!.state, "active")
          assert.strictEqual(linked!.name, "Foo Corp")
          assert.strictEqual(linked!.domain, "foo-corp.com")
          assert.deepStrictEqual(linked!.metadata?.users, { active: 42, inactive: 3 })
          assert.strictEqual(linked!.metadata?.groups, 5)
          assert.strictEqual(epoch(linked!.createdAt), Date.UTC(2026, 0, 15, 12))
          assert.strictEqual(unlinked!.state, "inactive")
          assert.strictEqual(unlinked!.type, "okta scim v2.0")
          assert.isUndefined(unlinked!.domain)
          assert.isUndefined(unlinked!.metadata)
          assert.deepStrictEqual(page.listMetadata, { before: null, after: Directory.unlinked.id })
        })
    ))

  it.effect("keeps an unknown type and state as their strings and ignores unknown fields", () =>
    Stub.run(() => Stub.json(Directory.fromTheFuture), (ds) =>
      Effect.gen(function*() {
        const directory = yield* ds.getDirectory(Directory.fromTheFuture.id)
        assert.strictEqual(directory.type, "acme hris v3")
        assert.strictEqual(directory.state, "paused_by_admin")
        assert.isFalse("provider_settings" in directory)
        assert.isFalse("providerSettings" in directory)
        assert.isFalse("domains" in directory)
        assert.isFalse("object" in directory)
      })))

  it.effect("passes the other REST states through unchanged", () =>
    Stub.run(
      () =>
        Stub.json(
          list(["validating", "invalid_credentials", "deleting"].map((state) => ({ ...Directory.linked, state })))
        ),
      (ds) =>
        Effect.gen(function*() {
          const page = yield* ds.listDirectories()
          assert.deepStrictEqual(page.data.map((d) => d.state), ["validating", "invalid_credentials", "deleting"])
        })
    ))

  it.effect("reads a null domain, organization or metadata as absent", () =>
    Stub.run(
      () => Stub.json({ ...Directory.linked, domain: null, metadata: null, organization_id: null }),
      (ds) =>
        Effect.gen(function*() {
          const directory = yield* ds.getDirectory(Directory.linked.id)
          assert.isUndefined(directory.domain)
          assert.isUndefined(directory.metadata)
          assert.isNull(directory.organizationId)
        })
    ))
})

describe("DirectoryUser", () => {
  it.effect("decodes every field of a full user, deprecated ones included", () =>
    Stub.run(() => Stub.json(DirectoryUser.veda), (ds) =>
      Effect.gen(function*() {
        const user = yield* ds.getUser(DirectoryUser.veda.id)
        assert.strictEqual(user.id, "directory_user_01E1JG7J09H96KYP8HM9B0G5SJ")
        assert.strictEqual(user.directoryId, "directory_01ECAZ4NV9QMV47GW873HDCX74")
        assert.strictEqual(user.organizationId, "org_01EZTR6WYX1A0DSE2CYMGXQ24Y")
        assert.strictEqual(user.idpId, "2836")
        assert.strictEqual(user.email, "veda@foo-corp.com")
        assert.strictEqual(user.firstName, "Veda")
        assert.strictEqual(user.lastName, "Torp")
        assert.strictEqual(user.name, "Veda Torp")
        assert.strictEqual(user.state, "active")
        assert.deepStrictEqual(user.customAttributes, DirectoryUser.veda.custom_attributes)
        assert.deepStrictEqual(user.rawAttributes, DirectoryUser.scimRawAttributes)
        assert.strictEqual(user.role?.slug, "admin")
        assert.deepStrictEqual(user.roles?.map((role) => role.slug), ["admin", "member"])
        assert.strictEqual(user.username, "veda@foo-corp.com")
        assert.strictEqual(user.jobTitle, "Software Engineer")
        assert.deepStrictEqual(
          user.emails?.map((email) => [email.primary, email.type, email.value]),
          [[true, "work", "veda@foo-corp.com"], [false, "home", null]]
        )
        assert.strictEqual(epoch(user.createdAt), Date.UTC(2021, 5, 25, 19, 7, 33, 155))
      })))

  it.effect("decodes embedded groups, trimmed or full", () =>
    Stub.run(() => Stub.json(DirectoryUser.veda), (ds) =>
      Effect.gen(function*() {
        const [trimmed, full] = (yield* ds.getUser(DirectoryUser.veda.id)).groups
        assert.strictEqual(trimmed!.id, DirectoryGroup.developers.id)
        assert.strictEqual(trimmed!.name, "Developers")
        assert.strictEqual(trimmed!.directoryId, DirectoryGroup.developers.directory_id)
        assert.isUndefined(trimmed!.idpId)
        assert.isUndefined(trimmed!.createdAt)
        assert.strictEqual(full!.idpId, DirectoryGroup.legacy.idp_id)
        assert.strictEqual(full!.organizationId, DirectoryGroup.legacy.organization_id)
        assert.strictEqual(epoch(full!.createdAt!), Date.UTC(2023, 3, 28, 20, 5, 31, 93))
      })))

  it.effect("decodes a user with no optional or deprecated field", () =>
    Stub.run(() => Stub.json(DirectoryUser.minimal), (ds) =>
      Effect.gen(function*() {
        const user = yield* ds.getUser(DirectoryUser.minimal.id)
        assert.isNull(user.email)
        assert.isNull(user.firstName)
        assert.isNull(user.lastName)
        assert.isNull(user.name)
        assert.strictEqual(user.state, "inactive")
        assert.deepStrictEqual(user.groups, [])
        assert.isUndefined(user.role)
        assert.isUndefined(user.roles)
        assert.isUndefined(user.emails)
        assert.isUndefined(user.username)
        assert.isUndefined(user.jobTitle)
      })))

  it.effect("tolerates older payloads without organization, email or attributes", () => {
    const { custom_attributes: _, email: __, organization_id: ___, raw_attributes: ____, ...old } =
      DirectoryUser.minimal
    return Stub.run(() => Stub.json(old), (ds) =>
      Effect.gen(function*() {
        const user = yield* ds.getUser(old.id)
        assert.isNull(user.organizationId)
        assert.isNull(user.email)
        assert.deepStrictEqual(user.customAttributes, {})
        assert.deepStrictEqual(user.rawAttributes, {})
      }))
  })

  it.effect("keeps an unknown user state as its string", () =>
    Stub.run(
      () =>
        Stub.json(
          list([{ ...DirectoryUser.minimal, state: "suspended" }, { ...DirectoryUser.minimal, state: "deprovisioned" }])
        ),
      (ds) =>
        Effect.gen(function*() {
          const page = yield* ds.listUsers({ directory: "directory_01" })
          assert.deepStrictEqual(page.data.map((user) => user.state), ["suspended", "deprovisioned"])
        })
    ))
})

describe("DirectoryGroup", () => {
  it.effect("decodes a group with and without raw attributes", () =>
    Stub.run(() => Stub.json(list([DirectoryGroup.developers, DirectoryGroup.legacy])), (ds) =>
      Effect.gen(function*() {
        const [developers, legacy] = (yield* ds.listGroups({ directory: "directory_01" })).data
        assert.strictEqual(developers!.id, "directory_group_01E1JJS84MFPPQ3G655FHTKX6Z")
        assert.strictEqual(developers!.idpId, "02grqrue4294w24")
        assert.strictEqual(developers!.directoryId, "directory_01ECAZ4NV9QMV47GW873HDCX74")
        assert.strictEqual(developers!.organizationId, "org_01EZTR6WYX1A0DSE2CYMGXQ24Y")
        assert.strictEqual(developers!.name, "Developers")
        assert.deepStrictEqual(developers!.rawAttributes, DirectoryGroup.developers.raw_attributes)
        assert.isUndefined(legacy!.rawAttributes)
        assert.strictEqual(epoch(legacy!.updatedAt), Date.UTC(2023, 3, 28, 20, 5, 31, 93))
      })))
})

describe("timestamps", () => {
  const shapes: ReadonlyArray<readonly [string, number]> = [
    ["2026-01-15T12:00:00.000Z", Date.UTC(2026, 0, 15, 12, 0, 0, 0)],
    ["2021-06-25T19:07:33Z", Date.UTC(2021, 5, 25, 19, 7, 33)],
    ["2023-04-28 20:05:31.093", Date.UTC(2023, 3, 28, 20, 5, 31, 93)],
    ["2020-05-06 04:21:48.649164", Date.UTC(2020, 4, 6, 4, 21, 48, 649)],
    ["2020-05-06T04:21:48.649164Z", Date.UTC(2020, 4, 6, 4, 21, 48, 649)],
    ["2021-06-25T19:07:33", Date.UTC(2021, 5, 25, 19, 7, 33)],
    ["2021-06-25 19:07:33+02:00", Date.UTC(2021, 5, 25, 17, 7, 33)],
    ["2021-06-25T19:07:33.5-0130", Date.UTC(2021, 5, 25, 20, 37, 33, 500)]
  ]
  for (const [wire, millis] of shapes) {
    it.effect(`reads ${JSON.stringify(wire)} as a UTC DateTime`, () =>
      Stub.run(() => Stub.json({ ...DirectoryGroup.developers, created_at: wire }), (ds) =>
        Effect.gen(function*() {
          const group = yield* ds.getGroup(DirectoryGroup.developers.id)
          assert.isTrue(DateTime.isUtc(group.createdAt))
          assert.strictEqual(epoch(group.createdAt), millis)
        })))
  }

  it.effect("rejects a timestamp that is not one, naming the field", () =>
    Stub.run(
      () => Stub.json({ ...DirectoryGroup.developers, updated_at: "yesterday" }),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.getGroup(DirectoryGroup.developers.id)), "DecodeError")
          assert.include(error.message, "updated_at")
          assert.include(error.message, "yesterday")
        })
    ))
})

describe("DecodeError", () => {
  it.effect("names the field path of a wrong required field and carries the request id", () => {
    const { directory_id: _, ...withoutDirectory } = DirectoryUser.make("directory_user_2")
    return Stub.run(
      () =>
        Stub.json(list([DirectoryUser.make("directory_user_1"), withoutDirectory]), 200, {
          "x-request-id": "req_decode"
        }),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listUsers({ directory: "directory_01" })), "DecodeError")
          assert.include(error.message, "data[1].directory_id")
          assert.include(error.message, "is missing")
          assert.strictEqual(error.requestId, "req_decode")
          assert.strictEqual(error.status, 200)
          assert.strictEqual(error.method, "GET")
          assert.strictEqual(error.path, "/directory_users")
        })
    )
  })

  it.effect("names a wrong type and the value found", () =>
    Stub.run(() => Stub.json({ ...Directory.linked, name: 42 }), (ds) =>
      Effect.gen(function*() {
        const error = tagged(yield* failure(ds.getDirectory(Directory.linked.id)), "DecodeError")
        assert.include(error.message, "name")
        assert.include(error.message, "42")
        assert.strictEqual(error.path, `/directories/${Directory.linked.id}`)
      })))

  it.effect("a 2xx body that is not JSON is a DecodeError", () =>
    Stub.run(
      () => Stub.text("<html>maintenance</html>", 200, { "x-request-id": "req_html" }),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listGroups({ user: "directory_user_01" })), "DecodeError")
          assert.include(error.message, "not JSON")
          assert.strictEqual(error.requestId, "req_html")
        })
    ))

  it.effect("a list without data is a DecodeError naming data", () =>
    Stub.run(
      () => Stub.json({ object: "list", list_metadata: { before: null, after: null } }),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(yield* failure(ds.listDirectories()), "DecodeError")
          assert.include(error.message, "data")
        })
    ))
})

describe("typed custom attributes", () => {
  const Employee = Schema.Struct({ department: Schema.String, start_date: Schema.Date })
  const employee = (id: string) =>
    DirectoryUser.make(id, { department: "Engineering", start_date: "2021-03-01", extra: true })

  it.effect("listUsers decodes custom_attributes with the caller's Schema", () =>
    Stub.run(() => Stub.json(list([employee("directory_user_1")])), (ds) =>
      Effect.gen(function*() {
        const page = yield* ds.listUsers({ directory: "directory_01", customAttributes: Employee })
        const attributes = page.data[0]!.customAttributes
        const department: string = attributes.department
        assert.strictEqual(department, "Engineering")
        assert.instanceOf(attributes.start_date, Date)
        assert.strictEqual(attributes.start_date.getTime(), Date.UTC(2021, 2, 1))
        assert.isFalse("extra" in attributes)
      })))

  it.effect("getUser decodes custom_attributes with the caller's Schema", () =>
    Stub.run(() => Stub.json(employee("directory_user_1")), (ds) =>
      Effect.gen(function*() {
        const user = yield* ds.getUser("directory_user_1", { customAttributes: Employee })
        assert.strictEqual(user.customAttributes.department, "Engineering")
        assert.strictEqual(user.email, "directory_user_1@foo-corp.com")
      })))

  it.effect("streamUsers decodes custom_attributes with the caller's Schema", () =>
    Stub.run(
      () => Stub.json(list([employee("directory_user_1"), employee("directory_user_2")])),
      (ds) =>
        Effect.gen(function*() {
          const users = yield* Stream.runCollect(
            ds.streamUsers({ directory: "directory_01", customAttributes: Employee })
          )
          assert.deepStrictEqual(Chunk.toArray(users).map((user) => user.customAttributes.department), [
            "Engineering",
            "Engineering"
          ])
        })
    ))

  it.effect("each caller's Schema decodes with itself, however often and in whatever order they are used", () =>
    Stub.run(() => Stub.json(list([employee("directory_user_1")])), (ds) =>
      Effect.gen(function*() {
        const Department = Schema.Struct({ department: Schema.String })
        const CostCenter = Schema.Struct({ cost_center: Schema.String })
        for (let round = 0; round < 2; round++) {
          const employees = yield* ds.listUsers({ directory: "directory_01", customAttributes: Employee })
          assert.instanceOf(employees.data[0]!.customAttributes.start_date, Date)
          const departments = yield* ds.listUsers({ directory: "directory_01", customAttributes: Department })
          assert.deepStrictEqual(departments.data[0]!.customAttributes, { department: "Engineering" })
          tagged(
            yield* failure(ds.listUsers({ directory: "directory_01", customAttributes: CostCenter })),
            "DecodeError"
          )
        }
      })))

  it.effect("a mismatch is a DecodeError naming the attribute", () =>
    Stub.run(() => Stub.json(DirectoryUser.veda), (ds) =>
      Effect.gen(function*() {
        const error = tagged(
          yield* failure(
            ds.getUser(DirectoryUser.veda.id, { customAttributes: Schema.Struct({ cost_center: Schema.String }) })
          ),
          "DecodeError"
        )
        assert.include(error.message, "custom_attributes.cost_center")
        assert.include(error.message, "4021")
      })))

  it.effect("a mismatch in a stream fails the stream with a DecodeError", () =>
    Stub.run(
      () => Stub.json(list([DirectoryUser.make("directory_user_1", { department: 7 })])),
      (ds) =>
        Effect.gen(function*() {
          const error = tagged(
            yield* failure(Stream.runDrain(ds.streamUsers({ directory: "directory_01", customAttributes: Employee }))),
            "DecodeError"
          )
          assert.include(error.message, "data[0].custom_attributes.department")
        })
    ))
})
