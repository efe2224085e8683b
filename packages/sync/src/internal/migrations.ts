/**
 * The store's schema: one set of migrations for SQLite and PostgreSQL, with
 * every table and index name under a prefix.
 *
 * @internal
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/** @internal */
export const tables = (prefix: string) => ({
  head: `${prefix}head`,
  directory: `${prefix}directories`,
  user: `${prefix}users`,
  group: `${prefix}groups`,
  membership: `${prefix}memberships`,
  tombstone: `${prefix}tombstones`,
  lease: `${prefix}leases`,
  migrations: `${prefix}migrations`
})

const init = (prefix: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const t = tables(prefix)
    // JSON text kept verbatim (PostgreSQL `json`, not `jsonb`): stored values compare as strings.
    const json = sql.onDialectOrElse({ pg: () => sql.literal("json"), orElse: () => sql.literal("text") })
    const id = (name: string) => sql(name)
    yield* sql`CREATE TABLE ${id(t.head)} (id text PRIMARY KEY, seq bigint NOT NULL, after_id text,
      after_at text, range_start text, caught_up_at text)`
    yield* sql`INSERT INTO ${id(t.head)} (id, seq) VALUES ('main', 0)`
    yield* sql`CREATE TABLE ${id(t.directory)} (id text PRIMARY KEY, organization_id text, data ${json} NOT NULL,
      updated_at text NOT NULL, seq bigint NOT NULL, seen bigint NOT NULL DEFAULT 0, phase text NOT NULL, pending_seq bigint NOT NULL,
      last_full_sync_at text)`
    yield* sql`CREATE TABLE ${id(t.user)} (id text PRIMARY KEY, directory_id text NOT NULL, organization_id text,
      email text, state text NOT NULL, data ${json} NOT NULL, updated_at text NOT NULL, seq bigint NOT NULL, seen bigint NOT NULL DEFAULT 0)`
    yield* sql`CREATE INDEX ${id(`${t.user}_directory`)} ON ${id(t.user)} (directory_id, id)`
    yield* sql`CREATE INDEX ${id(`${t.user}_organization`)} ON ${id(t.user)} (organization_id, id)`
    yield* sql`CREATE INDEX ${id(`${t.user}_email`)} ON ${id(t.user)} (email)`
    yield* sql`CREATE TABLE ${id(t.group)} (id text PRIMARY KEY, directory_id text NOT NULL, organization_id text,
      data ${json} NOT NULL, updated_at text NOT NULL, seq bigint NOT NULL, seen bigint NOT NULL DEFAULT 0)`
    yield* sql`CREATE INDEX ${id(`${t.group}_directory`)} ON ${id(t.group)} (directory_id, id)`
    yield* sql`CREATE TABLE ${id(t.membership)} (id text PRIMARY KEY, user_id text NOT NULL, group_id text NOT NULL,
      directory_id text NOT NULL, present integer NOT NULL, seq bigint NOT NULL, seen bigint NOT NULL DEFAULT 0)`
    yield* sql`CREATE INDEX ${id(`${t.membership}_user`)} ON ${id(t.membership)} (user_id, group_id)`
    yield* sql`CREATE INDEX ${id(`${t.membership}_group`)} ON ${id(t.membership)} (group_id, user_id)`
    yield* sql`CREATE INDEX ${id(`${t.membership}_directory`)} ON ${id(t.membership)} (directory_id, id)`
    yield* sql`CREATE TABLE ${id(t.tombstone)} (kind text NOT NULL, id text NOT NULL, directory_id text,
      seq bigint NOT NULL, PRIMARY KEY (kind, id))`
  })

// Several engines on one store share the work through leases (see `MirrorStore.Service.lease`).
const leases = (prefix: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql`CREATE TABLE ${sql(tables(prefix).lease)} (name text PRIMARY KEY, owner text NOT NULL,
      until_ms bigint NOT NULL)`
  )

/** @internal */
export const run = (prefix: string) =>
  Migrator.make({})({
    loader: Migrator.fromRecord({ "1_init": init(prefix), "2_leases": leases(prefix) }),
    table: tables(prefix).migrations
  })
