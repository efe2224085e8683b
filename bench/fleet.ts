/**
 * `pnpm bench` rows for a fleet (after the mirror's rows): 1, 2 and 4
 * worker processes, each a `DirectoryMirror` running `catchUp` on one
 * PostgreSQL store, copy 40 directories from the localhost fake with the
 * key's budget scaled down to 20 requests a second (in the fake and in every
 * client). Each run is measured with the windows shared through Redis and
 * with each process keeping its own, the contrast the shared store exists
 * for. Rows: aggregate requests a second against the key's bound, 429s, and
 * how the directories split between the workers. Written into
 * `BENCHMARKS.md` ("## Fleet"); skipped, with the reason, without
 * PostgreSQL or Redis.
 */
import { DirectorySync, Events, WorkOSClient } from "@effect-workos/core"
import { RedisRateLimitStore } from "@effect-workos/redis"
import { DirectoryMirror, SqlMirrorStore } from "@effect-workos/sync"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Logger, Redacted } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const settings = {
  directories: 40,
  usersPerDirectory: 500,
  groupsPerDirectory: 2,
  latencyMs: 50,
  perKeyPerSecond: 20,
  workers: [1, 2, 4],
  // Directories a worker copies at once: enough to keep the key's budget busy through 50 ms round trips.
  concurrency: 8
} as const

const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"
const perKey = { limit: settings.perKeyPerSecond, interval: "1 second" } as const

interface Task {
  readonly baseUrl: string
  readonly tablePrefix: string
  readonly redisPrefix: string
  readonly shared: boolean
  readonly workerId: string
}

const answerPrefix = "FLEET_BENCH "

// ---------------------------------------------------------------------------
// A worker (this file with a task argument)
// ---------------------------------------------------------------------------

const client = (task: Task) =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const store = task.shared
      ? yield* RedisRateLimitStore.make({ url: redisUrl, prefix: task.redisPrefix })
      : undefined
    return Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
      Layer.provide(WorkOSClient.layer({
        apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
        baseUrl: task.baseUrl,
        rateLimit: { perKey, store }
      })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
  }))

// Copies what it can lease, then answers how many directories it copied (its "directory synced" log lines).
const worker = (task: Task) =>
  Effect.gen(function*() {
    let synced = 0
    const counting = Logger.make(({ message }) => {
      if (String(message).includes("directory synced")) synced++
    })
    const mirror = yield* DirectoryMirror.DirectoryMirror
    yield* mirror.catchUp.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, counting)))
    return { workerId: task.workerId, synced }
  }).pipe(
    Effect.provide(
      DirectoryMirror.layer({ settleDelay: 0, concurrency: settings.concurrency, workerId: task.workerId }).pipe(
        Layer.provideMerge(SqlMirrorStore.layer({ tablePrefix: task.tablePrefix })),
        Layer.provideMerge(PgClient.layer({ url: Redacted.make(pgUrl), maxConnections: 4 })),
        Layer.provideMerge(client(task))
      )
    )
  )

const child = (task: Task) =>
  NodeRuntime.runMain(
    worker(task).pipe(
      Effect.tap((answer) => Effect.sync(() => process.stdout.write(`${answerPrefix}${JSON.stringify(answer)}\n`))),
      Effect.catchAllCause((cause) =>
        Effect.sync(() => process.stdout.write(`${answerPrefix}${JSON.stringify({ failed: String(cause) })}\n`))
      )
    ),
    { disableErrorReporting: true }
  )

// ---------------------------------------------------------------------------
// The parent
// ---------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url)

const runWorker = (task: Task) =>
  Effect.async<Record<string, unknown>>((resume) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      const line = output.split("\n").find((l) => l.startsWith(answerPrefix))
      if (line !== undefined) resume(Effect.succeed(JSON.parse(line.slice(answerPrefix.length))))
    })
    proc.on("close", (code) => resume(Effect.succeed({ failed: `exited with ${code}` })))
    return Effect.sync(() => proc.kill("SIGKILL"))
  })

const dropTables = (prefix: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name LIKE ${`${prefix}%`}`
    for (const { table_name } of tables) yield* sql`DROP TABLE IF EXISTS ${sql(table_name)} CASCADE`
  }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl) })), Effect.scoped, Effect.ignore)

// Why the bench cannot run here, if it cannot.
const unavailable = Effect.gen(function*() {
  const pg = yield* Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`SELECT 1`
  }).pipe(
    Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl), connectTimeout: "2 seconds" })),
    Effect.scoped,
    Effect.timeout("5 seconds"),
    Effect.as(true),
    Effect.orElseSucceed(() => false)
  )
  const redis = yield* RedisRateLimitStore.make({ url: redisUrl }).pipe(
    Effect.scoped,
    Effect.as(true),
    Effect.orElseSucceed(() => false)
  )
  return !pg ? `no PostgreSQL at ${pgUrl}` : !redis ? `no Redis at ${redisUrl}` : undefined
})

interface Row {
  readonly workers: number
  readonly shared: boolean
  readonly requests: number
  readonly spanMs: number
  readonly rateLimited: number
  readonly split: ReadonlyArray<number>
  readonly failed: ReadonlyArray<string>
}

// One run: `workers` processes at once; the fake's first and last request bound the time they took.
const measure = (workers: number, shared: boolean, arrivals: Array<number>) =>
  Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const server = yield* Server.FakeServer
    yield* fake.faults.resetStats
    arrivals.length = 0
    const run = `${Date.now().toString(36)}_${workers}${shared ? "s" : "l"}`
    const tablePrefix = `fleet_bench_${run}_`
    const answers = yield* Effect.forEach(
      Array.from({ length: workers }, (_, i) => i),
      (i) =>
        runWorker({
          baseUrl: server.baseUrl,
          tablePrefix,
          redisPrefix: `fleet-bench:${run}:`,
          shared,
          workerId: `worker-${i + 1}`
        }),
      { concurrency: "unbounded" }
    ).pipe(Effect.ensuring(dropTables(tablePrefix)))
    const stats = yield* fake.faults.stats
    const row: Row = {
      workers,
      shared,
      requests: stats.requests,
      spanMs: arrivals.length < 2 ? Number.NaN : arrivals[arrivals.length - 1]! - arrivals[0]!,
      rateLimited: stats.rateLimited,
      split: answers.map((a) => (typeof a.synced === "number" ? a.synced : Number.NaN)),
      // The first line of each failure (a stack trace says nothing a table needs).
      failed: answers.flatMap((a) => ("failed" in a ? [String(a.failed).split("\n")[0]!.split(":")[0]!] : []))
    }
    process.stderr.write(`fleet bench: ${JSON.stringify(row)}\n`)
    return row
  })

const rowLine = (row: Row) => {
  const rate = (row.requests - 1) / (row.spanMs / 1000)
  const ofBound = rate / settings.perKeyPerSecond
  const even = settings.directories / row.workers
  const spread = Math.max(...row.split.map((n) => Math.abs(n - even) / even))
  const splitOk = row.split.reduce((a, b) => a + b, 0) === settings.directories && spread <= 0.25
  const target = row.shared && row.workers > 1
    ? "≥ 90% of the bound, no 429, split within ±25%"
    : row.shared
    ? "no 429"
    : "(the contrast)"
  const met = row.shared && row.workers > 1
    ? ofBound >= 0.9 && row.rateLimited === 0 && splitOk
    : row.shared
    ? row.rateLimited === 0
    : undefined
  const gaveUp = row.failed.length === 0
    ? ""
    : `${row.failed.length} of ${row.workers} workers gave up (${
      [...new Set(row.failed)].join(", ")
    } after the retries)`
  const verdict = met === undefined
    ? gaveUp || "—"
    : met && gaveUp === ""
    ? "met"
    : `**missed**${gaveUp && `: ${gaveUp}`}`
  const syncs = row.split.reduce((a, b) => a + b, 0)
  const split = row.failed.length > 0
    ? row.split.map((n) => (Number.isNaN(n) ? "gave up" : String(n))).join(" / ")
    : `${row.split.join(" / ")} (${(spread * 100).toFixed(0)}% off even${
      syncs === settings.directories ? "" : `; ${syncs} full syncs of ${settings.directories} directories`
    })`
  return `| ${row.workers} | ${row.shared ? "shared (Redis)" : "per process"} | ${row.requests} in ${
    (row.spanMs / 1000).toFixed(2)
  } s = ${rate.toFixed(1)}/s | ${
    (ofBound * 100).toFixed(1)
  }% | ${row.rateLimited} | ${split} | ${target} | ${verdict} |`
}

const section = (body: ReadonlyArray<string>) =>
  [
    "## Fleet (several worker processes, one API key)",
    "",
    `Measured by \`pnpm bench\` (bench/fleet.ts) on ${Os.cpus().length} CPUs (load average ${
      Os.loadavg()[0]!.toFixed(1)
    }), Node ${process.version}, ${
      new Date().toISOString().slice(0, 10)
    }. Worker processes, each a \`DirectoryMirror\` running \`catchUp\` on one PostgreSQL store (leases share the directories), copy ${settings.directories} directories × ${settings.usersPerDirectory} users (${settings.groupsPerDirectory} groups each) from the localhost fake, ${settings.latencyMs} ms latency, with the key's budget scaled down to ${settings.perKeyPerSecond} requests a second in the fake and in every client (and WorkOS's 4 a second per directory on \`/directory_users\`). The rate is the fake's requests between its first and its last; the split is the directories each worker copied.`,
    "",
    ...body,
    ""
  ].join("\n")

const parent = Effect.gen(function*() {
  const missing = yield* unavailable
  let body: ReadonlyArray<string>
  if (missing !== undefined) {
    process.stderr.write(`fleet bench: SKIPPED: ${missing}\n`)
    body = [`Not measured in the last run: ${missing}.`]
  } else {
    const organization = Generators.generate({
      seed: 7,
      directories: settings.directories,
      usersPerDirectory: settings.usersPerDirectory,
      groupsPerDirectory: settings.groupsPerDirectory
    })
    const arrivals: Array<number> = []
    const rows = yield* Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      // Never fires: stamps every request's arrival, before the enforced limits look at it.
      yield* fake.faults.inject({
        route: () => {
          arrivals.push(performance.now())
          return false
        },
        fault: Faults.latency("0 millis")
      }, { fault: Faults.latency(`${settings.latencyMs} millis`) })
      const rows: Array<Row> = []
      for (const workers of settings.workers) {
        for (const shared of [true, false]) rows.push(yield* measure(workers, shared, arrivals))
      }
      return rows
    }).pipe(
      Effect.provide(
        Server.layer().pipe(
          Layer.provideMerge(FakeWorkOS.layer({ ...organization, faults: { rateLimits: { perKey } } }))
        )
      )
    )
    body = [
      "| workers | rate-limit windows | requests | of the key's bound | 429s | directories per worker | target | verdict |",
      "|---|---|---|---|---|---|---|---|",
      ...rows.map(rowLine),
      "",
      `A request holds its place in a window from its admission until a window after its answer, the latest moment WorkOS can have counted it, and each window is \`RateLimit.sharedMargin\` (25 ms) longer than WorkOS's (the in-process margin too). So each place is held its round trip (here about 55 ms: 50 ms of latency, the fake, and for the shared rows Redis's hop) plus 25 ms longer than WorkOS holds it, which caps every row near ${
        (100 / 1.08).toFixed(0)
      }% of a ${settings.perKeyPerSecond}-per-second budget; on WorkOS's real 6,000 per 60 s the same costs 0.13%. `
      + `The rest is the start and the end of a run (the last directories go at 4 requests a second each) and, with 4 workers, seven busy processes (workers, fake, PostgreSQL, Redis) on ${Os.cpus().length} cores. Without the shared store, each process keeps its own windows, so N processes send up to N times the key's budget: the fake answers 429, the clients retry, and workers give up once their retries run out.`
    ]
  }
  const text = section(body)
  process.stdout.write(`\n${text}\n`)
  const file = Path.join(Path.dirname(self), "..", "BENCHMARKS.md")
  const current = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8") : ""
  const start = current.indexOf("## Fleet (")
  const end = start < 0 ? -1 : current.indexOf("\n## ", start + 1)
  const kept = start < 0 ? current.trimEnd() : `${current.slice(0, start)}${end < 0 ? "" : current.slice(end + 1)}`
  Fs.writeFileSync(file, `${kept.trimEnd()}\n\n${text}`)
})

const task = process.argv[2]
if (task === undefined) NodeRuntime.runMain(parent)
else child(JSON.parse(task))
