/**
 * `--db`: the mirror's database, an SQLite file or a PostgreSQL URL, as a
 * `SqlClient` layer. The URL can hold a password, so it stays `Redacted` and
 * only a credential-free description of it is ever printed.
 *
 * The drivers are imported when `mirror` opens a database, not when the
 * command line starts: libsql loads a native binding on import, which every
 * other command (and `--help`) would pay for, and would break them all on a
 * platform without a prebuilt binding.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { DatabaseError } from "../CliError.js"

/** Where the mirror writes. */
export type Database =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted<string>; readonly description: string }

const postgresScheme = /^postgres(ql)?:\/\//i

// host:port/database, never the user or password.
const describePostgres = (url: string): string | undefined => {
  try {
    const parsed = new URL(url)
    return `PostgreSQL at ${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname || "/"}`
  } catch {
    return undefined
  }
}

/** Reads `--db`: a `postgres://` or `postgresql://` URL, else an SQLite file path. */
export const parse = (db: string): Effect.Effect<Database, DatabaseError> => {
  if (!postgresScheme.test(db)) {
    return db.trim() === ""
      ? Effect.fail(new DatabaseError({ database: "(empty)", reason: "--db is empty" }))
      : Effect.succeed({ _tag: "Sqlite", filename: db })
  }
  const description = describePostgres(db)
  return description === undefined
    ? Effect.fail(new DatabaseError({ database: "PostgreSQL", reason: "the URL does not parse" }))
    : Effect.succeed({ _tag: "Postgres", url: Redacted.make(db), description })
}

/** How a database is named in messages. */
export const describe = (database: Database): string =>
  database._tag === "Sqlite" ? `SQLite file ${database.filename}` : database.description

// The driver's error code (e.g. ECONNREFUSED, or PostgreSQL's 28P01) says why without any data.
const reasonOf = (error: SqlError.SqlError): string => {
  const cause = error.cause
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? ` (${cause.code})`
    : ""
  return `cannot connect${code}`
}

const load = <A>(database: string, driver: string, module: () => Promise<A>) =>
  Effect.tryPromise({
    try: module,
    catch: () => new DatabaseError({ database, reason: `the ${driver} driver did not load (is it installed?)` })
  })

const postgres = (database: Extract<Database, { _tag: "Postgres" }>) =>
  Layer.unwrapEffect(Effect.map(
    load(database.description, "PostgreSQL", () => import("@effect/sql-pg/PgClient")),
    (PgClient) =>
      PgClient.layer({ url: database.url, connectTimeout: "5 seconds" }).pipe(
        Layer.catchAll((error) =>
          Layer.fail(new DatabaseError({ database: database.description, reason: reasonOf(error) }))
        )
      )
  ))

// libsql creates the file but not its folder: say so instead of failing inside the driver.
const sqlite = (database: Extract<Database, { _tag: "Sqlite" }>) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const folder = path.dirname(path.resolve(database.filename))
    const exists = yield* Effect.orElseSucceed(fs.exists(folder), () => false)
    if (!exists) {
      return yield* new DatabaseError({ database: describe(database), reason: `the folder ${folder} does not exist` })
    }
    const Sqlite = yield* load(describe(database), "SQLite", () => import("@effect-workos/sync/Sqlite"))
    return Sqlite.layer({ filename: database.filename })
  }))

/** The `SqlClient` of a database. */
export const layer = (
  database: Database
): Layer.Layer<SqlClient.SqlClient, DatabaseError, FileSystem.FileSystem | Path.Path> =>
  database._tag === "Sqlite" ? sqlite(database) : postgres(database)
