/**
 * One worker of the fleet test, as a process of its own: a `DirectoryMirror`
 * on the shared PostgreSQL store, its client's windows in the shared Redis,
 * the test application's change log committed with the mirror. It runs
 * until killed; its log lines (stderr) tell the parent what it is doing.
 *
 * Environment: BASE_URL, API_KEY, PG_URL, TABLE_PREFIX, REDIS_URL,
 * REDIS_PREFIX, WORKER_ID, LEASE_TTL_MS, PER_KEY_PER_SECOND (the key's budget, scaled down as in the fake),
 * SHARED (`false`: each worker keeps its own windows, to show that they overrun the key together).
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import * as Events from "@effect-workos/core/Events"
import * as WorkOSClient from "@effect-workos/core/WorkOSClient"
import { RedisRateLimitStore } from "@effect-workos/redis"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { Config, Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as DirectoryMirror from "../../src/DirectoryMirror.js"
import * as SqlMirrorStore from "../../src/SqlMirrorStore.js"
import * as Log from "../utils/log.js"

const WorkOS = Layer.unwrapScoped(Effect.gen(function*() {
  const store = yield* RedisRateLimitStore.make({
    url: yield* Config.string("REDIS_URL"),
    prefix: yield* Config.string("REDIS_PREFIX")
  })
  return Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
    Layer.provide(WorkOSClient.layer({
      apiKey: yield* Config.redacted("API_KEY"),
      baseUrl: yield* Config.string("BASE_URL"),
      rateLimit: {
        perKey: { limit: yield* Config.integer("PER_KEY_PER_SECOND"), interval: "1 second" },
        store: (yield* Config.boolean("SHARED").pipe(Config.withDefault(true))) ? store : undefined
      }
    })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
}))

const Store = Layer.unwrapEffect(Effect.gen(function*() {
  const prefix = yield* Config.string("TABLE_PREFIX")
  return Layer.merge(SqlMirrorStore.layer({ tablePrefix: prefix }), Log.sqlLog(`${prefix}log`)).pipe(
    Layer.provide(PgClient.layer({ url: Redacted.make(yield* Config.string("PG_URL")), maxConnections: 4 }))
  )
}))

const main = Effect.gen(function*() {
  const mirror = yield* DirectoryMirror.make({
    settleDelay: 0,
    pollInterval: "100 millis",
    concurrency: 2,
    leaseTtl: Duration.millis(yield* Config.integer("LEASE_TTL_MS")),
    workerId: yield* Config.string("WORKER_ID"),
    onChange: Log.onChange
  })
  return yield* mirror.run
}).pipe(Effect.provide(Layer.merge(Store, WorkOS)))

NodeRuntime.runMain(
  main.pipe(
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.logfmtLogger.pipe(Logger.withConsoleError))),
    Logger.withMinimumLogLevel(LogLevel.Info)
  )
)
