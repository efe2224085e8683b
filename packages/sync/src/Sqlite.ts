/**
 * An embedded SQLite database in a file, for `SqlMirrorStore`: a `SqlClient`
 * over `@effect/sql-libsql` (no server, no compiler: libsql ships prebuilt).
 *
 * It keeps one native connection for the client's life, because
 * `@libsql/client` 0.12 leaks a connection per transaction (losing
 * `busy_timeout` with it) and `@effect/sql-libsql` 0.42 wedges after a failed
 * `BEGIN`. Statements outside a transaction wait for the open one to end, so
 * they read committed data only. SQLite allows one writer: run one mirror
 * process per file (use PostgreSQL for several).
 *
 * Needs the optional peers `@effect/sql-libsql` and `@libsql/client`.
 *
 * @since 0.1.0
 */
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import {
  type Client,
  createClient,
  type InStatement,
  type ResultSet,
  type Transaction,
  type TransactionMode
} from "@libsql/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * Options of `layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The database file (created if missing), or a `file:` URL. */
  readonly filename: string
  /** How long a write waits for another process's lock before failing (default 5 seconds). */
  readonly busyTimeout?: Duration.DurationInput | undefined
}

const urlOf = (filename: string) => (filename.startsWith("file:") ? filename : `file:${filename}`)

/**
 * A `@libsql/client` `Client` on one native connection, whose transactions
 * never reject on `BEGIN` (a failed `BEGIN` reopens the connection and fails
 * the transaction's statements instead, so the caller rolls back cleanly).
 *
 * @since 0.1.0
 * @category constructors
 */
export const singleConnectionClient = (url: string, busyTimeoutMs = 5000): Client => {
  const open = () => {
    const client = createClient({ url })
    void client.execute(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`)
    return client
  }
  let conn = open()
  // Settled while no transaction is open.
  let idle: Promise<void> = Promise.resolve()
  let open_ = false
  const outside = async <A>(f: () => Promise<A>): Promise<A> => {
    while (open_) await idle
    return f()
  }
  const failed = (error: unknown): Transaction => {
    const fail = () => Promise.reject(error)
    return {
      execute: fail,
      batch: fail,
      executeMultiple: fail,
      rollback: async () => {},
      commit: async () => {},
      close: () => {},
      closed: true
    }
  }
  const transaction = async (): Promise<Transaction> => {
    while (open_) await idle
    let done = () => {}
    open_ = true
    idle = new Promise<void>((resolve) => {
      done = () => {
        open_ = false
        resolve()
      }
    })
    try {
      await conn.execute("BEGIN IMMEDIATE")
    } catch (error) {
      // The failed BEGIN would poison later COMMITs on this connection.
      conn.close()
      conn = open()
      done()
      return failed(error)
    }
    const tx: Transaction = {
      execute: (stmt: InStatement) => conn.execute(stmt),
      batch: (stmts: Array<InStatement>) => Promise.all(stmts.map((stmt) => conn.execute(stmt))),
      executeMultiple: (sql: string) => conn.executeMultiple(sql),
      commit: async () => {
        try {
          await conn.execute("COMMIT")
        } finally {
          tx.closed = true
          done()
        }
      },
      rollback: async () => {
        if (tx.closed) return
        tx.closed = true
        await conn.execute("ROLLBACK").catch(() => undefined)
        done()
      },
      close: () => {},
      closed: false
    }
    return tx
  }
  const client: Client = {
    execute: (stmt: InStatement): Promise<ResultSet> => outside(() => conn.execute(stmt)),
    batch: (stmts: Array<InStatement>, mode?: TransactionMode) => outside(() => conn.batch(stmts, mode)),
    migrate: (stmts: Array<InStatement>) => outside(() => conn.migrate(stmts)),
    transaction,
    executeMultiple: (sql: string) => outside(() => conn.executeMultiple(sql)),
    sync: () => conn.sync(),
    close: () => conn.close(),
    get closed() {
      return conn.closed
    },
    get protocol() {
      return conn.protocol
    }
  }
  return client
}

/**
 * A `SqlClient` (and `LibsqlClient`) on a SQLite file, in WAL mode, closed
 * with the layer's scope.
 *
 * @example
 * ```ts
 * import { DirectoryMirror, SqlMirrorStore } from "@effect-workos/sync"
 * import * as Sqlite from "@effect-workos/sync/Sqlite"
 * import { Layer } from "effect"
 *
 * const Store = SqlMirrorStore.layer().pipe(Layer.provide(Sqlite.layer({ filename: "mirror.db" })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<SqlClient.SqlClient | LibsqlClient.LibsqlClient> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const busyTimeout = Duration.toMillis(Duration.decode(options.busyTimeout ?? Duration.seconds(5)))
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => singleConnectionClient(urlOf(options.filename), busyTimeout)),
      (client) => Effect.sync(() => client.close())
    )
    const live = LibsqlClient.layer({ liveClient: client })
    const wal = Layer.effectDiscard(
      Effect.flatMap(LibsqlClient.LibsqlClient, (sql) => Effect.ignore(sql`PRAGMA journal_mode = WAL`))
    )
    return Layer.provideMerge(wal, live)
  }))
