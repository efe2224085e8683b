/**
 * Test environments: the core client over the in-memory fake, and the stores
 * (memory, a SQLite file, PostgreSQL under a unique table prefix).
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as Events from "@effect-workos/core/Events"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import { FakeWorkOS } from "@effect-workos/testing"
import type * as HttpClient from "@effect/platform/HttpClient"
import { PgClient } from "@effect/sql-pg"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Sqlite from "../../src/Sqlite.js"
import * as SqlMirrorStore from "../../src/SqlMirrorStore.js"

const client = Layer.unwrapEffect(Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  return WorkOSClient.layer({
    apiKey: yield* fake.apiKey,
    baseUrl: "https://api.workos.test",
    retry: { times: 6, base: "1 millis", maxDelay: "4 millis" },
    rateLimit: false
  })
}))

/** The core client over a fake, through `http` (e.g. one with test hooks), which stays in the output. */
export const workosWith = <A>(
  seed: FakeWorkOS.Seed | undefined,
  http: Layer.Layer<HttpClient.HttpClient | A, never, FakeWorkOS.FakeWorkOS>
) =>
  Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
    Layer.provideMerge(client),
    Layer.provideMerge(http),
    Layer.provideMerge(FakeWorkOS.layer(seed))
  )

/** The core client over a fake, with quick retries and no client-side limits. */
export const workos = (seed?: FakeWorkOS.Seed) =>
  Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
    Layer.provideMerge(
      Layer.unwrapEffect(Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        return WorkOSClient.layer({
          apiKey: yield* fake.apiKey,
          baseUrl: "https://api.workos.test",
          retry: { times: 6, base: "1 millis", maxDelay: "4 millis" },
          rateLimit: false
        })
      }))
    ),
    Layer.provide(FakeWorkOS.layerHttpClient),
    Layer.provideMerge(FakeWorkOS.layer(seed))
  )

const unique = () => `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}_`

/** A fresh SQLite file in the temp directory, removed with the layer. */
export const sqliteClient = Layer.unwrapScoped(Effect.gen(function*() {
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "mirror-test-"))),
    (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
  )
  return Sqlite.layer({ filename: Path.join(dir, "mirror.db") })
}))

/** The PostgreSQL test server (trust auth), from PG_URL or the default. */
export const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"

/** A pool on the test server; several per process are fine. */
export const pgClient = PgClient.layer({ url: Redacted.make(pgUrl), maxConnections: 4 })

/** Drops every table whose name starts with `prefix` (PostgreSQL). */
export const dropTables = (prefix: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name LIKE ${`${prefix}%`}`
    for (const row of rows) yield* sql`DROP TABLE IF EXISTS ${sql(row.table_name)} CASCADE`
  })

/** A store over PostgreSQL under a fresh table prefix, dropped with the layer. */
export const pgStore = Layer.unwrapScoped(Effect.gen(function*() {
  const prefix = `mirror_${unique()}`
  yield* Effect.addFinalizer(() => Effect.ignore(dropTables(prefix)))
  return SqlMirrorStore.layer({ tablePrefix: prefix })
}))

/**
 * Whether the PostgreSQL test server answers a query. Without it the
 * PostgreSQL suites are skipped with a message, except under `CI=true`,
 * where they run (and fail).
 */
export const pgAvailable: Promise<boolean> = Effect.runPromise(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT 1`
    return true
  }).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl), connectTimeout: "2 seconds" })),
    Effect.scoped,
    Effect.timeout("5 seconds"),
    Effect.orElseSucceed(() => false)
  )
)

/** Runs the PostgreSQL suites? Prints why not when they are skipped. */
export const runPg = async (suite: string): Promise<boolean> => {
  if (process.env.CI === "true") return true
  const available = await pgAvailable
  if (!available) {
    process.stderr.write(
      `SKIPPED: ${suite} on PostgreSQL: no server at ${
        pgUrl.replace(/\/\/[^@]*@/, "//")
      } (set PG_URL; CI=true fails instead)\n`
    )
  }
  return available
}
