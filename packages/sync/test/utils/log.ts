/**
 * The test application's `onChange`: it appends every change to a log that
 * commits with the mirror's transaction (a table over SQL, a Ref in memory),
 * then folds the log back into a copy, failing on any change applied twice.
 */
import { Directory } from "@effect-workos/core/Directory"
import { DirectoryGroup } from "@effect-workos/core/DirectoryGroup"
import { DirectoryUser } from "@effect-workos/core/DirectoryUser"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type { MirrorChange } from "../../src/MirrorChange.js"

/** A change as one line: tag, key, and the model's wire JSON. */
export interface Entry {
  readonly tag: string
  readonly key: string
  readonly data: string
}

const json = <A, I>(schema: Schema.Schema<A, I>) => (value: A) => JSON.stringify(Schema.encodeSync(schema)(value))
const user = json(DirectoryUser)
const group = json(DirectoryGroup)
const directory = json(Directory)

export const entryOf = (change: MirrorChange): Entry => {
  switch (change._tag) {
    case "DirectoryAdded":
    case "DirectoryRemoved":
      return { tag: change._tag, key: change.directory.id, data: directory(change.directory) }
    case "DirectoryUpdated":
      return { tag: change._tag, key: change.after.id, data: directory(change.after) }
    case "UserAdded":
    case "UserRemoved":
      return { tag: change._tag, key: change.user.id, data: user(change.user) }
    case "UserUpdated":
      return { tag: change._tag, key: change.after.id, data: user(change.after) }
    case "GroupAdded":
    case "GroupRemoved":
      return { tag: change._tag, key: change.group.id, data: group(change.group) }
    case "GroupUpdated":
      return { tag: change._tag, key: change.after.id, data: group(change.after) }
    case "MembershipAdded":
    case "MembershipRemoved":
      return { tag: change._tag, key: `${change.userId}/${change.groupId}`, data: change.directoryId }
  }
}

export class HookLog extends Context.Tag("@effect-workos/sync/test/utils/log/HookLog")<HookLog, {
  readonly record: (change: MirrorChange) => Effect.Effect<void, unknown>
  readonly entries: Effect.Effect<ReadonlyArray<Entry>, unknown>
}>() {}

/** The hook to pass as `onChange`. */
export const onChange = (change: MirrorChange) => Effect.flatMap(HookLog, (log) => log.record(change))

export const memoryLog = Layer.effect(
  HookLog,
  Effect.map(Ref.make<ReadonlyArray<Entry>>([]), (ref) => ({
    record: (change: MirrorChange) => Ref.update(ref, (entries) => [...entries, entryOf(change)]),
    entries: Ref.get(ref)
  }))
)

/** A log table in the same database, written with the transaction's connection. */
export const sqlLog = (table: string) =>
  Layer.effect(
    HookLog,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const key = sql.onDialectOrElse({
        pg: () => sql.literal("bigserial PRIMARY KEY"),
        orElse: () => sql.literal("INTEGER PRIMARY KEY AUTOINCREMENT")
      })
      yield* sql`CREATE TABLE IF NOT EXISTS ${
        sql(table)
      } (n ${key}, tag text NOT NULL, key text NOT NULL, data text NOT NULL)`
      return {
        record: (change: MirrorChange) => sql`INSERT INTO ${sql(table)} ${sql.insert({ ...entryOf(change) })}`,
        entries: Effect.map(
          sql<Entry>`SELECT tag, key, data FROM ${sql(table)} ORDER BY n`,
          (rows) => rows.map((row) => ({ tag: row.tag, key: row.key, data: row.data }))
        )
      }
    })
  )

/** The copy the log describes, and every change that contradicts what came before it. */
export const fold = (entries: ReadonlyArray<Entry>) => {
  const maps = {
    Directory: new Map<string, string>(),
    User: new Map<string, string>(),
    Group: new Map<string, string>(),
    Membership: new Map<string, string>()
  }
  const problems: Array<string> = []
  for (const entry of entries) {
    const [, kind, verb] = /^(Directory|User|Group|Membership)(Added|Updated|Removed)$/.exec(entry.tag)!
    const map = kind === "Directory"
      ? maps.Directory
      : kind === "User"
      ? maps.User
      : kind === "Group"
      ? maps.Group
      : maps.Membership
    const has = map.has(entry.key)
    if (verb === "Added" && has) problems.push(`${entry.tag} ${entry.key}: already there`)
    if (verb !== "Added" && !has) problems.push(`${entry.tag} ${entry.key}: not there`)
    if (verb === "Updated" && map.get(entry.key) === entry.data) problems.push(`${entry.tag} ${entry.key}: no change`)
    if (verb === "Removed") map.delete(entry.key)
    else map.set(entry.key, entry.data)
  }
  return { ...maps, problems }
}
