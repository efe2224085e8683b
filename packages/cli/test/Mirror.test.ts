import { ExitCode } from "@effect-workos/cli"
import { MirrorStore, SqlMirrorStore } from "@effect-workos/sync"
import * as Sqlite from "@effect-workos/sync/Sqlite"
import { FakeWorkOS } from "@effect-workos/testing"
import { PgClient } from "@effect/sql-pg"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Redacted, Schedule, Stream } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { run, seeded, start } from "./utils.js"

const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"

// PostgreSQL runs under CI=true always (a missing server fails there); elsewhere only when it answers.
const pgAvailable = await Effect.runPromise(
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`SELECT 1`).pipe(
    Effect.as(true),
    Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl), connectTimeout: "2 seconds" })),
    Effect.timeout("5 seconds"),
    Effect.orElseSucceed(() => process.env.CI === "true")
  )
)
if (!pgAvailable) {
  process.stderr.write(`SKIPPED: workos-dsync mirror on PostgreSQL: no server (set PG_URL; CI=true fails instead)\n`)
}

interface Target {
  readonly name: string
  /** A fresh database: the flags that point the command at it, and the store reading it. */
  readonly fresh: () => {
    readonly flags: ReadonlyArray<string>
    readonly store: Layer.Layer<MirrorStore.MirrorStore, unknown>
    readonly cleanup: Effect.Effect<void>
  }
}

const sqlite: Target = {
  name: "SQLite",
  fresh: () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "cli-mirror-"))
    const db = Path.join(dir, "mirror.db")
    return {
      flags: ["--db", db],
      store: SqlMirrorStore.layer().pipe(Layer.provide(Sqlite.layer({ filename: db }))),
      cleanup: Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
    }
  }
}

const pg = PgClient.layer({ url: Redacted.make(pgUrl) })

const postgres: Target = {
  name: "PostgreSQL",
  fresh: () => {
    const prefix = `cli${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}_`
    return {
      flags: ["--db", pgUrl, "--table-prefix", prefix],
      store: SqlMirrorStore.layer({ tablePrefix: prefix }).pipe(Layer.provide(pg)),
      cleanup: Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name LIKE ${`${prefix}%`}`
        for (const { table_name } of tables) yield* sql`DROP TABLE IF EXISTS ${sql(table_name)} CASCADE`
      }).pipe(Effect.provide(pg), Effect.ignore)
    }
  }
}

// The user ids the database holds, per the store's own read side.
const storedUserIds = (store: Layer.Layer<MirrorStore.MirrorStore, unknown>) =>
  Effect.gen(function*() {
    const users = yield* Stream.runCollect((yield* MirrorStore.MirrorStore).users({}))
    return Chunk.toReadonlyArray(users).map((user) => user.id).sort()
  }).pipe(Effect.provide(store))

const fakeUserIds = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const ids: Array<string> = []
  for (const directory of yield* fake.directories) {
    for (const user of yield* fake.usersOf(directory.id)) ids.push(user.id)
  }
  return ids.sort()
})

const suite = (target: Target) =>
  describe(`workos-dsync mirror on ${target.name}`, () => {
    it.live("--once copies every directory and exits 0; status on stderr, nothing on stdout", () =>
      Effect.gen(function*() {
        const fresh = target.fresh()
        yield* Effect.addFinalizer(() =>
          fresh.cleanup
        )
        const args = ["mirror", ...fresh.flags, "--once", "--settle-delay", "0"]
        const { code, stderr, stdout } = yield* run(args)
        expect(code).toBe(ExitCode.success)
        expect(stdout).toBe("")
        expect(stderr).toMatch(/mirror: 2\/2 directories live, 60 users, 8 groups/)
        expect(stderr).toContain("caught up; 2 directories copied")
        expect(yield* storedUserIds(fresh.store)).toEqual(yield* fakeUserIds)
      }).pipe(Effect.provide(seeded()), Effect.scoped), 60_000)

    it.live("following: a change at WorkOS reaches the database through the Events API", () =>
      Effect.gen(function*() {
        const fresh = target.fresh()
        yield* Effect.addFinalizer(() =>
          fresh.cleanup
        )
        const { captured, fiber } = yield* start([
          "mirror",
          ...fresh.flags,
          "--settle-delay",
          "0",
          "--poll-interval",
          "1",
          "--status-every",
          "1"
        ])
        const converged = Effect.gen(function*() {
          const [stored, remote] = [yield* storedUserIds(fresh.store), yield* fakeUserIds]
          if (stored.join() !== remote.join()) return yield* Effect.fail("not yet")
        }).pipe(Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("30 seconds"))))
        yield* converged
        const fake = yield* FakeWorkOS.FakeWorkOS
        const [directory] = yield* fake.directories
        yield* fake.addUser({ directoryId: directory!.id, firstName: "Ada", lastName: "New", email: "ada@example.com" })
        yield* converged
        // The next status line counts the new user.
        yield* captured.stderr.pipe(
          Effect.filterOrFail((stderr) => /mirror: 2\/2 directories live, 61 users/.test(stderr)),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("10 seconds")))
        )
        yield* Fiber.interrupt(fiber)
        expect(yield* captured.stdout).toBe("")
      }).pipe(Effect.provide(seeded()), Effect.scoped), 60_000)
  })

suite(sqlite)
if (pgAvailable) suite(postgres)

describe("workos-dsync mirror failures", () => {
  it.live("a database folder that does not exist: exit 12, one line with a hint", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* run(["mirror", "--db", "/nonexistent-folder/mirror.db", "--once"])
      expect(code).toBe(ExitCode.database)
      expect(stderr).toContain("error: database SQLite file /nonexistent-folder/mirror.db: the folder")
      expect(stderr).toContain("Hint: check --db")
    }).pipe(Effect.provide(seeded())))

  it.live("an unreachable PostgreSQL: exit 12, and the URL's password is never printed", () =>
    Effect.gen(function*() {
      const db = "postgres://someone:hunter2secret@127.0.0.1:1/test"
      const { code, stderr, stdout } = yield* run(["mirror", "--db", db, "--once"])
      expect(code).toBe(ExitCode.database)
      expect(stderr).toContain("PostgreSQL at 127.0.0.1:1/test: cannot connect")
      expect(stdout + stderr).not.toContain("hunter2secret")
      expect(stdout + stderr).not.toContain("someone")
    }).pipe(Effect.provide(seeded())), 30_000)

  it.live("out-of-range flags are a usage error before anything is opened", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* run(["mirror", "--db", "/nonexistent-folder/x.db", "--concurrency", "0"])
      expect(code).toBe(ExitCode.usage)
      expect(stderr).toContain("--concurrency is out of range")
    }).pipe(Effect.provide(seeded())))
})
