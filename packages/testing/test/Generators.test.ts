import { assert, describe, it } from "@effect/vitest"
import * as Generators from "../src/Generators.js"

const ulid = /^[0-9A-HJKMNP-TV-Z]{26}$/

describe("Generators.generate", () => {
  const options = { seed: 42, directories: 3, usersPerDirectory: 40, groupsPerDirectory: 5 }

  it("gives the same data for the same seed and different data for another", () => {
    assert.deepStrictEqual(Generators.generate(options), Generators.generate(options))
    const other = Generators.generate({ ...options, seed: 43 })
    const first = Generators.generate(options)
    assert.notDeepEqual(other.users.map((user) => user.email), first.users.map((user) => user.email))
    assert.notDeepEqual(other.users.map((user) => user.id), first.users.map((user) => user.id))
  })

  it("makes the counts asked for, every user and group in a directory of the set", () => {
    const generated = Generators.generate(options)
    assert.strictEqual(generated.directories.length, 3)
    assert.strictEqual(generated.groups.length, 15)
    assert.strictEqual(generated.users.length, 120)
    const directories = new Set(generated.directories.map((directory) => directory.id))
    for (const directory of generated.directories) {
      assert.strictEqual(generated.users.filter((user) => user.directoryId === directory.id).length, 40)
      assert.strictEqual(generated.groups.filter((group) => group.directoryId === directory.id).length, 5)
    }
    for (const record of [...generated.users, ...generated.groups]) assert.isTrue(directories.has(record.directoryId))
    const empty = Generators.generate({ directories: 0 })
    assert.deepStrictEqual(empty, { directories: [], groups: [], users: [], memberships: [] })
  })

  it("uses prefixed ULID ids that sort by creation, with created_at rising", () => {
    const generated = Generators.generate(options)
    for (
      const [prefix, records] of [
        ["directory_", generated.directories],
        ["directory_group_", generated.groups],
        ["directory_user_", generated.users]
      ] as const
    ) {
      const ids = records.map((record) => record.id)
      for (const id of ids) {
        assert.isTrue(id.startsWith(prefix), id)
        assert.match(id.slice(prefix.length), ulid)
      }
      assert.deepStrictEqual(ids, [...ids].sort())
      assert.strictEqual(new Set(ids).size, ids.length)
      const times = records.map((record) => record.createdAt)
      assert.deepStrictEqual(times, [...times].sort())
      assert.strictEqual(new Set(times).size, times.length)
    }
  })

  it("makes realistic users: unique emails on the directory's domain, attributes, roles, some inactive", () => {
    const generated = Generators.generate({ ...options, usersPerDirectory: 400 })
    const emails = generated.users.map((user) => user.email)
    assert.strictEqual(new Set(emails).size, emails.length)
    for (const user of generated.users) {
      const directory = generated.directories.find((d) => d.id === user.directoryId)!
      assert.isTrue(user.email!.endsWith(`@${directory.domain}`))
      assert.strictEqual(user.organizationId, directory.organizationId)
      assert.strictEqual(user.name, `${user.firstName} ${user.lastName}`)
      assert.isString(user.customAttributes["department"])
      assert.strictEqual(user.rawAttributes["userName"], user.email)
      assert.include(["member", "admin"], user.role?.slug)
    }
    const inactive = generated.users.filter((user) => user.state === "inactive").length
    assert.isAbove(inactive, 0)
    assert.isBelow(inactive, generated.users.length / 4)
  })

  it("puts every user in a group of its own directory, some in two", () => {
    const generated = Generators.generate(options)
    const groups = new Map(generated.groups.map((group) => [group.id, group]))
    const perUser = new Map<string, number>()
    for (const { groupId, userId } of generated.memberships) {
      const user = generated.users.find((u) => u.id === userId)!
      assert.strictEqual(groups.get(groupId)!.directoryId, user.directoryId)
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1)
    }
    assert.strictEqual(perUser.size, generated.users.length)
    assert.include([...perUser.values()], 2)
  })

  it("generates 200,000 users in one call", () => {
    const generated = Generators.generate({
      seed: 1,
      directories: 10,
      usersPerDirectory: 20_000,
      groupsPerDirectory: 10
    })
    assert.strictEqual(generated.users.length, 200_000)
    assert.strictEqual(new Set(generated.users.map((user) => user.id)).size, 200_000)
  })
})
