import { ExitCode } from "@effect-workos/cli"
import { FakeWorkOS, Faults } from "@effect-workos/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { fakeEnv, parseCsv, recordRequests, run, seeded } from "./utils.js"

const firstDirectory = Effect.flatMap(FakeWorkOS.FakeWorkOS, (fake) => Effect.map(fake.directories, (all) => all[0]!))

const lines = (text: string) => text.split("\n").filter((line) => line !== "")

describe("workos-dsync in process", () => {
  describe("verify", () => {
    it.live("passes the five checks on the fake, as a table", () =>
      Effect.gen(function*() {
        const { code, stderr, stdout } = yield* run(["verify"])
        expect(code).toBe(ExitCode.success)
        expect(stderr).toBe("")
        const rows = lines(stdout)
        expect(rows[0]).toMatch(/^CHECK\s+RESULT\s+TIME\s+REQUEST ID\s+DETAIL$/)
        expect(rows.slice(1).map((row) => row.split(/\s{2,}/)[1])).toEqual(["pass", "pass", "pass", "pass", "pass"])
        expect(rows[5]).toContain("404 as expected")
        for (const row of rows.slice(1)) expect(row).toMatch(/\d+ ms\s+req_/)
      }).pipe(Effect.provide(seeded())))

    it.live("--json gives the same checks with request ids", () =>
      Effect.gen(function*() {
        const { code, stdout } = yield* run(["verify", "--json"])
        expect(code).toBe(0)
        const report = JSON.parse(stdout)
        expect(report.ok).toBe(true)
        expect(report.baseUrl).toBe(fakeEnv.WORKOS_BASE_URL)
        expect(report.checks).toHaveLength(5)
        for (const check of report.checks) {
          expect(check.result).toBe("pass")
          expect(check.requestId).toMatch(/^req_/)
          expect(typeof check.ms).toBe("number")
        }
      }).pipe(Effect.provide(seeded())))

    it.live("a rejected key fails with the key hint (exit 10), and the key is never printed", () =>
      Effect.gen(function*() {
        const env = { ...fakeEnv, WORKOS_API_KEY: "sk_test_wrong_key_123" }
        const { code, stderr, stdout } = yield* run(["verify"], { env })
        expect(code).toBe(ExitCode.verificationFailed)
        expect(stdout).toMatch(/1\. list directories\s+fail/)
        expect(stdout).toContain("401")
        expect(stdout).toContain("hint: check --api-key or WORKOS_API_KEY")
        expect(stderr).toContain("checks failed")
        expect(stdout + stderr).not.toContain("sk_test_wrong_key_123")
      }).pipe(Effect.provide(seeded())))

    it.live("a key without permission fails with the permissions hint", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        yield* fake.faults.inject({ route: "*", fault: Faults.status(403, { message: "Forbidden" }) })
        const { code, stdout } = yield* run(["verify", "--json"])
        expect(code).toBe(ExitCode.verificationFailed)
        const report = JSON.parse(stdout)
        expect(report.ok).toBe(false)
        expect(report.checks[0].result).toBe("fail")
        expect(report.checks[0].hint).toContain("permissions")
        expect(report.checks[4].result).toBe("fail")
      }).pipe(Effect.provide(seeded())))

    it.live("a server error on one route fails only that check (no retries hide it)", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        yield* fake.faults.inject({ route: "/directory_groups", fault: Faults.status(503), times: 1 })
        const { code, stdout } = yield* run(["verify", "--json"])
        expect(code).toBe(ExitCode.verificationFailed)
        const results = JSON.parse(stdout).checks.map((check: { result: string }) => check.result)
        expect(results).toEqual(["pass", "pass", "pass", "fail", "pass"])
        expect(JSON.parse(stdout).checks[3].detail).toContain("503")
      }).pipe(Effect.provide(seeded())))

    it.live("a dropped connection fails with the base URL hint", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        yield* fake.faults.inject({ route: "*", fault: Faults.dropConnection })
        const { code, stdout } = yield* run(["verify"])
        expect(code).toBe(ExitCode.verificationFailed)
        expect(stdout).toContain("hint: check --base-url or WORKOS_BASE_URL")
      }).pipe(Effect.provide(seeded())))

    it.live("a directory without users skips the user checks and still passes", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const empty = yield* fake.addDirectory({ name: "Empty Inc" })
        const { code, stdout } = yield* run(["verify", "--json", "--directory", empty.id])
        expect(code).toBe(0)
        const results = JSON.parse(stdout).checks.map((check: { result: string }) => check.result)
        expect(results).toEqual(["pass", "pass", "skip", "pass", "pass"])
      }).pipe(Effect.provide(seeded())))
  })

  describe("directories", () => {
    it.live("list in every format", () =>
      Effect.gen(function*() {
        const csv = yield* run(["directories", "list", "--format", "csv"])
        expect(csv.code).toBe(0)
        const rows = parseCsv(csv.stdout)
        expect(rows[0]).toEqual([
          "id",
          "organization_id",
          "name",
          "type",
          "state",
          "domain",
          "external_key",
          "created_at",
          "updated_at"
        ])
        expect(rows).toHaveLength(3)
        expect(csv.stdout.endsWith("\r\n")).toBe(true)
        const json = JSON.parse((yield* run(["directories", "list", "--format", "json"])).stdout)
        expect(json).toHaveLength(2)
        expect(json[0].state).toBe("linked")
        const ndjson = lines((yield* run(["directories", "list", "-f", "ndjson"])).stdout).map((l) => JSON.parse(l))
        expect(ndjson.map((d) => d.id)).toEqual(json.map((d: { id: string }) => d.id))
        const table = lines((yield* run(["directories", "list"])).stdout)
        expect(table[0]).toMatch(/^ID\s+NAME\s+TYPE\s+STATE\s+ORGANIZATION_ID$/)
        expect(table).toHaveLength(3)
      }).pipe(Effect.provide(seeded())))

    it.live("list sends the real filters with their wire names", () =>
      Effect.gen(function*() {
        const directory = yield* firstDirectory
        const seen = yield* recordRequests
        const { code, stdout } = yield* run([
          "directories",
          "list",
          "--organization",
          directory.organizationId!,
          "--search",
          directory.name,
          "-f",
          "ndjson"
        ])
        expect(code).toBe(0)
        expect(lines(stdout).map((l) => JSON.parse(l).id)).toEqual([directory.id])
        expect(seen[0]!.query.get("organization_id")).toBe(directory.organizationId)
        expect(seen[0]!.query.get("search")).toBe(directory.name)
      }).pipe(Effect.provide(seeded())))

    it.live("get prints one object; an unknown id exits 5 with a hint", () =>
      Effect.gen(function*() {
        const directory = yield* firstDirectory
        const found = yield* run(["directories", "get", directory.id, "--format", "json"])
        expect(found.code).toBe(0)
        expect(JSON.parse(found.stdout).id).toBe(directory.id)
        const table = yield* run(["directories", "get", directory.id])
        expect(table.stdout).toMatch(new RegExp(`^id\\s+${directory.id}$`, "m"))
        const missing = yield* run(["directories", "get", "directory_missing"])
        expect(missing.code).toBe(ExitCode.notFound)
        expect(missing.stdout).toBe("")
        expect(lines(missing.stderr)).toHaveLength(1)
        expect(missing.stderr).toMatch(/^error: not found \(404 on GET \/directories\/directory_missing\).*Hint: /)
      }).pipe(Effect.provide(seeded())))

    it.live("delete asks first: no terminal or no 'y' keeps the directory (exit 11)", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* firstDirectory
        const piped = yield* run(["directories", "delete", directory.id])
        expect(piped.code).toBe(ExitCode.aborted)
        expect(piped.stderr).toContain("--yes")
        const declined = yield* run(["directories", "delete", directory.id], { input: ["n"] })
        expect(declined.code).toBe(ExitCode.aborted)
        expect(declined.stderr).toContain("[y/N]")
        expect((yield* fake.directories).map((d) => d.id)).toContain(directory.id)
        const confirmed = yield* run(["directories", "delete", directory.id], { input: ["y"] })
        expect(confirmed.code).toBe(0)
        expect((yield* fake.directories).map((d) => d.id)).not.toContain(directory.id)
      }).pipe(Effect.provide(seeded())))

    it.live("delete --yes deletes without asking", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* firstDirectory
        const { code, stderr } = yield* run(["directories", "delete", "--yes", directory.id])
        expect(code).toBe(0)
        expect(stderr).toContain(`Deleted directory ${directory.id}`)
        expect((yield* fake.directories).map((d) => d.id)).not.toContain(directory.id)
      }).pipe(Effect.provide(seeded())))
  })

  describe("users", () => {
    it.live("CSV escapes commas, quotes and newlines (RFC 4180) and keeps stable columns", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* fake.addDirectory({ name: "Quotes, Inc." })
        const tricky = {
          firstName: `Jane "JJ"`,
          lastName: "Doe, Jr.",
          name: "line one\nline two\r\nline three",
          customAttributes: { note: `a,b "c"\n` }
        }
        yield* fake.addUser({ directoryId: directory.id, email: "jane@quotes.example", ...tricky })
        yield* fake.addUser({ directoryId: directory.id, email: "plain@quotes.example", firstName: "Plain" })
        const { code, stdout } = yield* run(["users", "list", "--directory", directory.id, "--format", "csv"])
        expect(code).toBe(0)
        const rows = parseCsv(stdout)
        const header = rows[0]!
        expect(header).toEqual([
          "id",
          "directory_id",
          "organization_id",
          "idp_id",
          "email",
          "first_name",
          "last_name",
          "name",
          "state",
          "role",
          "roles",
          "created_at",
          "updated_at",
          "custom_attributes"
        ])
        expect(rows).toHaveLength(3)
        for (const row of rows) expect(row).toHaveLength(header.length)
        const jane = rows.find((row) => row[4] === "jane@quotes.example")!
        expect(jane[5]).toBe(tricky.firstName)
        expect(jane[6]).toBe(tricky.lastName)
        expect(jane[7]).toBe(tricky.name)
        expect(JSON.parse(jane[13]!)).toEqual(tricky.customAttributes)
        const plain = rows.find((row) => row[4] === "plain@quotes.example")!
        expect(plain[13]).toBe("{}")
      }).pipe(Effect.provide(seeded())))

    it.live("--state and --name filter here, and are never sent to WorkOS", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* firstDirectory
        const seen = yield* recordRequests
        const active = yield* run(["users", "list", "--directory", directory.id, "--state", "active", "-f", "ndjson"])
        expect(active.code).toBe(0)
        const expected = (yield* fake.usersOf(directory.id)).filter((user) => user.state === "active")
        expect(lines(active.stdout).map((l) => JSON.parse(l).id).sort()).toEqual(expected.map((u) => u.id).sort())
        const groups = yield* run([
          "groups",
          "list",
          "--directory",
          directory.id,
          "--name",
          "ENGINEERING",
          "-f",
          "ndjson"
        ])
        expect(lines(groups.stdout).map((l) => JSON.parse(l).name)).toEqual(["Engineering"])
        expect(seen.length).toBeGreaterThan(0)
        for (const request of seen) {
          expect(request.query.has("state")).toBe(false)
          expect(request.query.has("name")).toBe(false)
        }
      }).pipe(Effect.provide(seeded())))

    it.live("--help says which filters are applied on this machine", () =>
      Effect.gen(function*() {
        // @effect/cli prints help through Console: capture it there.
        const printed: Array<string> = []
        const capture = (...args: ReadonlyArray<unknown>) => Effect.sync(() => void printed.push(args.join(" ")))
        const console = yield* Effect.console
        yield* Effect.withConsole(
          Effect.zipRight(run(["users", "list", "--help"]), run(["groups", "list", "--help"])),
          { ...console, log: capture, error: capture }
        )
        const help = printed.join("\n")
        expect(help).toContain("--state")
        expect(help.match(/Filtered on this machine: WorkOS has no such filter/g)).toHaveLength(2)
      }).pipe(Effect.provide(seeded())))

    it.live("--email, --limit and get", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* firstDirectory
        const user = (yield* fake.usersOf(directory.id))[3]!
        const seen = yield* recordRequests
        const byEmail = yield* run(["users", "list", "--directory", directory.id, "--email", user.email!, "-f", "json"])
        expect(JSON.parse(byEmail.stdout).map((u: { id: string }) => u.id)).toEqual([user.id])
        expect(seen[0]!.query.get("email")).toBe(user.email)
        const three = yield* run(["users", "list", "--directory", directory.id, "--limit", "3", "-f", "ndjson"])
        expect(lines(three.stdout)).toHaveLength(3)
        expect(seen[1]!.query.get("limit")).toBe("3")
        const got = yield* run(["users", "get", user.id, "-f", "json"])
        expect(JSON.parse(got.stdout)).toMatchObject({ id: user.id, email: user.email, directory_id: directory.id })
      }).pipe(Effect.provide(seeded())))

    it.live("every user of a directory, across pages", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* fake.addDirectory({ name: "Big" })
        yield* Effect.forEach(
          Array.from({ length: 230 }, (_, i) => i),
          (i) => fake.addUser({ directoryId: directory.id, email: `u${i}@big.example` }),
          { discard: true }
        )
        const { code, stdout } = yield* run(["users", "list", "--directory", directory.id, "-f", "csv"])
        expect(code).toBe(0)
        expect(parseCsv(stdout)).toHaveLength(231)
      }).pipe(Effect.provide(seeded())))

    it.live("progress goes to stderr only when it is a terminal", () =>
      Effect.gen(function*() {
        const directory = yield* firstDirectory
        const args = ["users", "list", "--directory", directory.id, "-f", "csv"]
        const quiet = yield* run(args)
        expect(quiet.stderr).toBe("")
        const shown = yield* run(args, { errIsTTY: true })
        expect(shown.stderr).toMatch(/30 users · [\d,]+\/s/)
        expect(shown.stdout).toBe(quiet.stdout)
      }).pipe(Effect.provide(seeded())))
  })

  describe("groups", () => {
    it.live("list and get", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* firstDirectory
        const groups = yield* fake.groupsOf(directory.id)
        const listed = yield* run(["groups", "list", "--directory", directory.id, "-f", "csv"])
        expect(parseCsv(listed.stdout)[0]).toEqual([
          "id",
          "directory_id",
          "organization_id",
          "idp_id",
          "name",
          "created_at",
          "updated_at"
        ])
        expect(parseCsv(listed.stdout)).toHaveLength(groups.length + 1)
        const got = yield* run(["groups", "get", groups[0]!.id, "-f", "ndjson"])
        expect(JSON.parse(got.stdout).name).toBe(groups[0]!.name)
      }).pipe(Effect.provide(seeded())))
  })

  describe("events tail", () => {
    it.live("prints every event as NDJSON, oldest first, and resumes after an id", () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const directory = yield* fake.addDirectory({ name: "Eventful" })
        for (let i = 0; i < 5; i++) yield* fake.addUser({ directoryId: directory.id, email: `e${i}@ev.example` })
        const all = yield* run(["events", "tail"])
        expect(all.code).toBe(0)
        const events = lines(all.stdout).map((l) => JSON.parse(l))
        expect(events.map((e) => e.event)).toEqual(["dsync.activated", ...Array(5).fill("dsync.user.created")])
        expect(events[1].data.email).toBe("e0@ev.example")
        expect(all.stderr).toBe(`resume with: --after ${events[5].id}\n`)
        const rest = yield* run(["events", "tail", "--after", events[2].id])
        expect(lines(rest.stdout).map((l) => JSON.parse(l).id)).toEqual(events.slice(3).map((e) => e.id))
        const none = yield* run(["events", "tail", "--after", events[5].id])
        expect(none.stdout).toBe("")
        const users = yield* run(["events", "tail", "--events", "dsync.activated"])
        expect(lines(users.stdout)).toHaveLength(1)
      }).pipe(Effect.provide(seeded())))
  })

  describe("usage and configuration", () => {
    it.live("bad flags exit 2, a missing key exits 3 with one line", () =>
      Effect.gen(function*() {
        expect((yield* run(["users", "list", "--format", "xml"])).code).toBe(ExitCode.usage)
        expect((yield* run(["nope"])).code).toBe(ExitCode.usage)
        const zero = yield* run(["users", "list", "--directory", "d", "--limit", "0"])
        expect(zero.code).toBe(ExitCode.usage)
        const noKey = yield* run(["directories", "list"], { env: {} })
        expect(noKey.code).toBe(ExitCode.configuration)
        expect(noKey.stderr).toBe("error: no API key. Hint: pass --api-key or set WORKOS_API_KEY\n")
        const flagKey = yield* run(["directories", "list", "--api-key", FakeWorkOS.defaultApiKey, "-f", "ndjson"], {
          env: {}
        })
        expect(flagKey.code).toBe(0)
        const badUrl = yield* run(["directories", "list", "--base-url", "not a url"])
        expect(badUrl.code).toBe(ExitCode.configuration)
        const noDirectory = yield* run(["users", "list"])
        expect(noDirectory.code).toBe(ExitCode.rejected)
      }).pipe(Effect.provide(seeded())))
  })
})
