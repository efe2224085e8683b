/**
 * Deterministic, realistic directory data for the fake: directories with
 * groups and users (names, emails, provider ids, custom and raw attributes,
 * roles, some inactive users, group memberships), prefixed ULID-like ids that
 * sort by creation, and `created_at` rising in creation order. The same seed
 * always gives the same data.
 *
 * @since 0.1.0
 */
import type * as FakeWorkOS from "./FakeWorkOS.js"
import * as Ids from "./internal/ids.js"
import * as Prng from "./internal/prng.js"

/**
 * What to generate.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Same seed, same data (default 0). */
  readonly seed?: number | undefined
  /** Default 1. */
  readonly directories?: number | undefined
  /** Default 10. */
  readonly usersPerDirectory?: number | undefined
  /** Default 3. */
  readonly groupsPerDirectory?: number | undefined
  /** Share of users that are `inactive` (default 0.08). */
  readonly inactiveShare?: number | undefined
  /** When the first record was created, epoch milliseconds (default 2024-01-15T09:00:00.000Z). */
  readonly startAt?: number | undefined
}

/**
 * Generated records, ready to seed `FakeWorkOS.layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Generated {
  readonly directories: ReadonlyArray<FakeWorkOS.DirectoryRecord>
  readonly groups: ReadonlyArray<FakeWorkOS.GroupRecord>
  readonly users: ReadonlyArray<FakeWorkOS.UserRecord>
  readonly memberships: ReadonlyArray<FakeWorkOS.Membership>
}

const companies = [
  "Acme",
  "Globex",
  "Initech",
  "Umbrella",
  "Hooli",
  "Stark Industries",
  "Wayne Enterprises",
  "Cyberdyne",
  "Tyrell",
  "Soylent",
  "Wonka Industries",
  "Vandelay Industries",
  "Massive Dynamic",
  "Aperture Science",
  "Oscorp",
  "Pied Piper"
]

const directoryTypes = [
  "okta scim v2.0",
  "azure scim v2.0",
  "gsuite directory",
  "generic scim v2.0",
  "onelogin scim v2.0",
  "jump cloud scim v2.0",
  "rippling scim v2.0",
  "workday",
  "bamboohr"
]

const departments: ReadonlyArray<readonly [name: string, titles: ReadonlyArray<string>]> = [
  ["Engineering", ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"]],
  ["Sales", ["Account Executive", "Sales Development Representative", "Sales Manager"]],
  ["Marketing", ["Marketing Manager", "Content Strategist", "Growth Analyst"]],
  ["Finance", ["Accountant", "Financial Analyst", "Controller"]],
  ["Support", ["Support Engineer", "Customer Success Manager"]],
  ["People", ["Recruiter", "People Partner"]],
  ["Design", ["Product Designer", "Design Lead"]],
  ["Product", ["Product Manager", "Senior Product Manager"]],
  ["Operations", ["Operations Manager", "Business Analyst"]],
  ["Security", ["Security Engineer", "Security Analyst"]],
  ["Legal", ["Counsel", "Paralegal"]],
  ["Data", ["Data Scientist", "Data Engineer"]]
]

const firstNames = [
  "Ada",
  "Alan",
  "Amara",
  "Ana",
  "Arjun",
  "Beatriz",
  "Blair",
  "Carlos",
  "Chen",
  "Chloe",
  "Dmitri",
  "Elena",
  "Emeka",
  "Fatima",
  "Grace",
  "Hana",
  "Hugo",
  "Ines",
  "Ivan",
  "Jamal",
  "Julia",
  "Kai",
  "Kenji",
  "Lara",
  "Leila",
  "Lucas",
  "Maya",
  "Mateo",
  "Mei",
  "Nadia",
  "Noah",
  "Olu",
  "Omar",
  "Priya",
  "Rafael",
  "Ravi",
  "Rosa",
  "Sam",
  "Sara",
  "Sofia",
  "Tariq",
  "Thea",
  "Tomas",
  "Valentina",
  "Wei",
  "Yara",
  "Yusuf",
  "Zoe"
]

const lastNames = [
  "Abara",
  "Alvarez",
  "Andersen",
  "Bianchi",
  "Chapman",
  "Chowdhury",
  "Costa",
  "Dubois",
  "Eriksson",
  "Fernandes",
  "Fischer",
  "Garcia",
  "Haddad",
  "Hansen",
  "Ito",
  "Ivanova",
  "Johnson",
  "Kim",
  "Kowalski",
  "Lunchford",
  "Mensah",
  "Moreau",
  "Nakamura",
  "Nguyen",
  "Novak",
  "Okafor",
  "Olsen",
  "Patel",
  "Petrov",
  "Quinn",
  "Rossi",
  "Santos",
  "Schmidt",
  "Silva",
  "Singh",
  "Tanaka",
  "Torp",
  "Usman",
  "Varga",
  "Wang",
  "Williams",
  "Yilmaz",
  "Zhang"
]

const cities = ["San Francisco", "New York", "London", "Berlin", "Lisbon", "Toronto", "Singapore", "Sydney", "Austin"]

const member = { slug: "member" }
const admin = { slug: "admin" }
// Shared and never mutated: hundreds of thousands of users need not each carry a copy.
const roleSets = { member: [member], admin: [admin] }

const scimSchemas = [
  "urn:ietf:params:scim:schemas:core:2.0:User",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
]

const alphanumeric = Array.from("abcdefghijklmnopqrstuvwxyz0123456789", (char) => char.charCodeAt(0))

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-")

/**
 * Generates `directories` directories, each with `groupsPerDirectory` groups
 * and `usersPerDirectory` users. Each user belongs to the group of its
 * department and sometimes to a second one. Fast enough for hundreds of
 * thousands of users.
 *
 * @example
 * ```ts
 * import { FakeWorkOS, Generators } from "@effect-workos/testing"
 *
 * const seed = Generators.generate({ seed: 42, directories: 3, usersPerDirectory: 1000, groupsPerDirectory: 8 })
 * const Fake = FakeWorkOS.layer({ ...seed, apiKey: "sk_test_mine" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (options: Options = {}): Generated => {
  const random = Prng.make(options.seed ?? 0)
  const ids = Ids.make(random)
  const inactiveShare = options.inactiveShare ?? 0.08
  const token = (prefix: string, length: number) => {
    const chars = Array.from({ length }, () => alphanumeric[random.int(alphanumeric.length)]!)
    return prefix + String.fromCharCode.apply(null, chars)
  }
  let time = options.startAt ?? Date.UTC(2024, 0, 15, 9)
  // Strictly rising, so ids and `created_at` both follow creation order.
  const tick = (maxStep: number) => (time += 1 + random.int(maxStep))

  const directories: Array<FakeWorkOS.DirectoryRecord> = []
  const groups: Array<FakeWorkOS.GroupRecord> = []
  const users: Array<FakeWorkOS.UserRecord> = []
  const memberships: Array<FakeWorkOS.Membership> = []

  for (let d = 0; d < (options.directories ?? 1); d++) {
    const company = companies[d % companies.length]! +
      (d < companies.length ? "" : ` ${Math.floor(d / companies.length) + 1}`)
    const domain = `${slug(company)}.example.com`
    const created = Ids.iso(tick(3_600_000))
    const directory: FakeWorkOS.DirectoryRecord = {
      id: ids.next("directory_", time),
      organizationId: ids.next("org_", time),
      externalKey: token("", 16),
      type: random.pick(directoryTypes),
      state: "linked",
      name: company,
      domain,
      createdAt: created,
      updatedAt: created
    }
    directories.push(directory)

    const directoryGroups = Array.from({ length: options.groupsPerDirectory ?? 3 }, (_, g) => {
      const [department] = departments[g % departments.length]!
      const name = g < departments.length ? department : `${department} ${Math.floor(g / departments.length) + 1}`
      const createdAt = Ids.iso(tick(60_000))
      const idpId = token("00g", 17)
      const group: FakeWorkOS.GroupRecord = {
        id: ids.next("directory_group_", time),
        idpId,
        directoryId: directory.id,
        organizationId: directory.organizationId,
        name,
        rawAttributes: { id: idpId, displayName: name },
        createdAt,
        updatedAt: createdAt
      }
      groups.push(group)
      return group
    })

    const emails = new Map<string, number>()
    for (let u = 0; u < (options.usersPerDirectory ?? 10); u++) {
      const firstName = random.pick(firstNames)
      const lastName = random.pick(lastNames)
      const local = `${firstName}.${lastName}`.toLowerCase()
      // A repeated name gets a number, as mail systems do: jane.doe, jane.doe2, ...
      const seen = (emails.get(local) ?? 0) + 1
      emails.set(local, seen)
      const email = `${local}${seen === 1 ? "" : seen}@${domain}`
      const groupIndex = directoryGroups.length === 0 ? -1 : random.int(directoryGroups.length)
      const [department, titles] =
        departments[groupIndex === -1 ? random.int(departments.length) : groupIndex % departments.length]!
      const title = random.pick(titles)
      const active = random.next() >= inactiveShare
      const idpId = token("00u", 17)
      const employeeNumber = String(100000 + d * 1_000_000 + u)
      const isAdmin = random.next() < 0.05
      const createdAt = Ids.iso(tick(60_000))
      const user: FakeWorkOS.UserRecord = {
        id: ids.next("directory_user_", time),
        directoryId: directory.id,
        organizationId: directory.organizationId,
        idpId,
        email,
        firstName,
        lastName,
        name: `${firstName} ${lastName}`,
        state: active ? "active" : "inactive",
        customAttributes: { department, job_title: title, employee_id: employeeNumber },
        rawAttributes: {
          schemas: scimSchemas,
          id: idpId,
          userName: email,
          active,
          name: { givenName: firstName, familyName: lastName },
          title,
          locale: "en-US",
          city: random.pick(cities),
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department, employeeNumber }
        },
        role: isAdmin ? admin : member,
        roles: isAdmin ? roleSets.admin : roleSets.member,
        createdAt,
        updatedAt: createdAt
      }
      users.push(user)
      if (groupIndex !== -1) {
        memberships.push({ userId: user.id, groupId: directoryGroups[groupIndex]!.id })
        const second = random.int(directoryGroups.length * 5)
        if (second < directoryGroups.length && second !== groupIndex) {
          memberships.push({ userId: user.id, groupId: directoryGroups[second]!.id })
        }
      }
    }
  }
  return { directories, groups, users, memberships }
}
