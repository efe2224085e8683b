/**
 * `pnpm bench` rows for `@effect-workos/sync` (after the client's rows): the
 * mirror's full sync against the rate-limit bound, events applied per second
 * into SQLite and PostgreSQL, end-to-end lag, and the memory a full sync
 * takes. Each measurement runs in a child process (this file with a task
 * argument); the section is written into `BENCHMARKS.md`.
 */
import { DirectorySync, Events, WorkOSClient } from "@effect-workos/core"
import { DirectoryMirror, MirrorStore, SqlMirrorStore } from "@effect-workos/sync"
import * as Sqlite from "@effect-workos/sync/Sqlite"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Duration, Effect, Layer, Option, Redacted } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const settings = {
  latencyMs: 50,
  directories: 10,
  usersPerDirectory: 2_000,
  groupsPerDirectory: 8,
  events: 10_000,
  lagSamples: 8,
  settleDelayMs: 1000,
  pollIntervalMs: 1000,
  memoryUsers: [20_000, 200_000]
} as const

const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const pgClient = PgClient.layer({ url: Redacted.make(pgUrl) })

type Task =
  | { readonly kind: "backfill"; readonly baseUrl: string }
  | { readonly kind: "events"; readonly db: "sqlite" | "postgres"; readonly hook?: boolean }
  | { readonly kind: "lag"; readonly baseUrl: string }
  | { readonly kind: "memory"; readonly baseUrl: string; readonly directory: string }

const answerPrefix = "MIRROR_BENCH "

const client = (baseUrl: string) =>
  Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
    Layer.provide(WorkOSClient.layer({ apiKey: Redacted.make(FakeWorkOS.defaultApiKey), baseUrl })),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const tempDb = () => Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "mirror-bench-")), "mirror.db")

const sqliteStore = (file: string) => SqlMirrorStore.layer().pipe(Layer.provideMerge(Sqlite.layer({ filename: file })))

// ---------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------

const backfill = (baseUrl: string) =>
  Effect.gen(function*() {
    const mirror = yield* DirectoryMirror.DirectoryMirror
    const started = Date.now()
    yield* mirror.catchUp
    const elapsedMs = Date.now() - started
    const status = yield* mirror.status
    return { elapsedMs, users: status.directories.reduce((n, d) => n + d.counts.users, 0) }
  }).pipe(
    Effect.provide(
      DirectoryMirror.layer({ settleDelay: 0, concurrency: settings.directories }).pipe(
        Layer.provideMerge(sqliteStore(tempDb())),
        Layer.provideMerge(client(baseUrl))
      )
    )
  )

// A PostgreSQL store under a fresh table prefix; its tables are dropped when the run ends.
const pgStore = Layer.unwrapScoped(Effect.gen(function*() {
  const prefix = `bench_${Date.now().toString(36)}_`
  yield* Effect.addFinalizer(() =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_name LIKE ${`${prefix}%`}`
      for (const { table_name } of tables) yield* sql`DROP TABLE IF EXISTS ${sql(table_name)} CASCADE`
    }).pipe(Effect.provide(pgClient), Effect.scoped, Effect.ignore)
  )
  return SqlMirrorStore.layer({ tablePrefix: prefix })
})).pipe(Layer.provideMerge(pgClient))

// Events applied per second: a synced mirror, then `events` changes at an in-memory fake, then one catchUp.
const eventsRate = (db: "sqlite" | "postgres", hook: boolean) =>
  Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const mirror = yield* DirectoryMirror.DirectoryMirror
    yield* mirror.catchUp
    const [directory] = yield* fake.directories
    const users = yield* fake.usersOf(directory!.id)
    const groups = yield* fake.groupsOf(directory!.id)
    for (let i = 0; i < settings.events; i++) {
      const user = users[i % users.length]!
      const kind = i % 4
      if (kind === 0) yield* fake.updateUser(user.id, { lastName: `L${i}` })
      else if (kind === 1) {
        yield* fake.addUser({ directoryId: directory!.id, firstName: `N${i}`, email: `n${i}@x.test` })
      } else if (kind === 2) yield* Effect.ignore(fake.addUserToGroup(user.id, groups[i % groups.length]!.id))
      else yield* Effect.ignore(fake.removeUserFromGroup(user.id, groups[(i + 1) % groups.length]!.id))
    }
    const started = Date.now()
    const report = yield* mirror.catchUp
    return { elapsedMs: Date.now() - started, events: report.eventsApplied, changes: settings.events }
  }).pipe(
    Effect.provide(
      // A hook makes the engine describe every change, the stored row before an update included.
      DirectoryMirror.layer({ settleDelay: 0, ...(hook ? { onChange: () => Effect.void } : {}) }).pipe(
        Layer.provideMerge(db === "sqlite" ? sqliteStore(tempDb()) : pgStore),
        Layer.provideMerge(
          Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
            Layer.provide(WorkOSClient.layer({
              apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
              baseUrl: "https://api.workos.test",
              rateLimit: false
            })),
            Layer.provide(FakeWorkOS.layerHttpClient),
            Layer.provideMerge(
              FakeWorkOS.layer(Generators.generate({ seed: 5, directories: 1, usersPerDirectory: 500 }))
            )
          )
        )
      )
    )
  )

// End-to-end lag: a change at the localhost fake (over HTTP), until the running mirror has it.
const lag = (baseUrl: string) =>
  Effect.gen(function*() {
    const mirror = yield* DirectoryMirror.DirectoryMirror
    const store = yield* MirrorStore.MirrorStore
    const directorySync = yield* DirectorySync.DirectorySync
    yield* mirror.catchUp
    yield* Effect.forkScoped(mirror.run)
    const samples: Array<number> = []
    const page = yield* directorySync.listUsers({ directory: process.env.MIRROR_BENCH_LAG_DIRECTORY!, limit: 1 })
    const user = page.data[0]!
    for (let i = 0; i < settings.lagSamples; i++) {
      const name = `Lag ${i}`
      // The parent makes the change when asked on stdout, and answers on stdin.
      process.stdout.write(`CHANGE ${user.id} ${name}\n`)
      const changedAt = yield* waitLine
      while (true) {
        const stored = yield* store.getUser(user.id)
        if (Option.isSome(stored) && stored.value.lastName === name) break
        yield* Effect.sleep("20 millis")
      }
      samples.push(Date.now() - Number(changedAt))
    }
    return { samples }
  }).pipe(
    Effect.scoped,
    Effect.provide(
      DirectoryMirror.layer({
        settleDelay: Duration.millis(settings.settleDelayMs),
        pollInterval: Duration.millis(settings.pollIntervalMs)
      }).pipe(Layer.provideMerge(sqliteStore(tempDb())), Layer.provideMerge(client(baseUrl)))
    )
  )

let stdinBuffer = ""
const waitLine = Effect.async<string>((resume) => {
  const tryLine = () => {
    const index = stdinBuffer.indexOf("\n")
    if (index < 0) return false
    const line = stdinBuffer.slice(0, index)
    stdinBuffer = stdinBuffer.slice(index + 1)
    process.stdin.off("data", onData)
    resume(Effect.succeed(line))
    return true
  }
  const onData = (chunk: string) => {
    stdinBuffer += chunk
    tryLine()
  }
  if (!tryLine()) process.stdin.setEncoding("utf8").on("data", onData)
})

// Peak RSS of a full sync of one directory (no latency, no limits).
const memory = (baseUrl: string, directory: string) =>
  Effect.gen(function*() {
    let peak = process.memoryUsage().rss
    const base = peak
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 20)
    const mirror = yield* DirectoryMirror.DirectoryMirror
    const started = Date.now()
    const report = yield* mirror.sync(directory)
    clearInterval(timer)
    return { baseRss: base, peakRss: peak, users: report.counts.users, elapsedMs: Date.now() - started }
  }).pipe(
    Effect.provide(
      DirectoryMirror.layer({ settleDelay: 0 }).pipe(
        Layer.provideMerge(sqliteStore(tempDb())),
        Layer.provideMerge(
          Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
            Layer.provide(WorkOSClient.layer({
              apiKey: Redacted.make(FakeWorkOS.defaultApiKey),
              baseUrl,
              rateLimit: false
            })),
            Layer.provide(NodeHttpClient.layerUndici)
          )
        )
      )
    )
  )

const child = (task: Task) => {
  const effect: Effect.Effect<unknown, unknown> = task.kind === "backfill"
    ? backfill(task.baseUrl)
    : task.kind === "events"
    ? eventsRate(task.db, task.hook === true)
    : task.kind === "lag"
    ? lag(task.baseUrl)
    : memory(task.baseUrl, task.directory)
  NodeRuntime.runMain(
    effect.pipe(
      Effect.tap((answer) => Effect.sync(() => process.stdout.write(`${answerPrefix}${JSON.stringify(answer)}\n`))),
      Effect.catchAllCause((cause) =>
        Effect.sync(() => process.stdout.write(`${answerPrefix}${JSON.stringify({ failed: String(cause) })}\n`))
      ),
      Effect.ensuring(Effect.sync(() => process.stdin.destroy()))
    ),
    { disableErrorReporting: true }
  )
}

// ---------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url)

const runChild = (task: Task, env: Record<string, string> = {}, onLine?: (line: string) => Effect.Effect<string>) =>
  Effect.async<Record<string, unknown>>((resume) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, JSON.stringify(task)], {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, ...env }
    })
    let output = ""
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      let index: number
      while ((index = output.indexOf("\n")) >= 0) {
        const line = output.slice(0, index)
        output = output.slice(index + 1)
        if (line.startsWith(answerPrefix)) {
          resume(Effect.succeed(JSON.parse(line.slice(answerPrefix.length))))
        } else if (onLine !== undefined && line.startsWith("CHANGE ")) {
          Effect.runPromise(onLine(line)).then((reply) => proc.stdin.write(`${reply}\n`))
        }
      }
    })
    proc.on("close", (code) => resume(Effect.succeed({ failed: `exited with ${code}` })))
  })

const pages = (size: number) => Math.max(1, Math.ceil(size / 100))

const requestsFor = (directory: { readonly users: number; readonly groupSizes: ReadonlyArray<number> }) =>
  pages(directory.users) + directory.groupSizes.reduce((n, size) => n + pages(size), 0)

// The least time the limits allow for `requests` pages of one list under one 4-per-second budget: one after
// another (each page needs the previous cursor), 4 in any second.
const chainMs = (requests: number, latencyMs: number) =>
  Math.floor((requests - 1) / 4) * 1000 + (((requests - 1) % 4) + 1) * latencyMs

// A directory's least time: WorkOS counts every /directory_users list against its directory, a members list
// by `group` alone included (the client and the fake count it there too), so the users list and the groups'
// members lists share one 4-per-second budget; each list is a chain (every page needs the previous cursor),
// and the groups list comes before the members lists.
const directoryBoundMs = (
  directory: { readonly users: number; readonly groupSizes: ReadonlyArray<number> },
  latencyMs: number
) =>
  Math.max(
    chainMs(pages(directory.users), latencyMs),
    latencyMs + Math.max(0, ...directory.groupSizes.map((size) => chainMs(pages(size), latencyMs))),
    Math.floor((requestsFor(directory) - 1) / 4) * 1000 + latencyMs
  )

const pgReachable = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`SELECT 1`
  return true
}).pipe(
  Effect.provide(PgClient.layer({ url: Redacted.make(pgUrl), connectTimeout: "2 seconds" })),
  Effect.scoped,
  Effect.timeout("5 seconds"),
  Effect.orElseSucceed(() => false)
)

const parent = Effect.gen(function*() {
  const loadAtStart = Os.loadavg()[0]!
  const organization = Generators.generate({
    seed: 11,
    directories: settings.directories,
    usersPerDirectory: settings.usersPerDirectory,
    groupsPerDirectory: settings.groupsPerDirectory
  })
  const large = settings.memoryUsers.map((users, i) =>
    Generators.generate({ seed: 300 + i, directories: 1, usersPerDirectory: users, groupsPerDirectory: 4 })
  )
  const lines: Array<string> = []
  const log = (line: string) => Effect.sync(() => process.stderr.write(`mirror bench: ${line}\n`))

  // 1. Full sync of the organization under the enforced limits.
  const backfillRow = yield* Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const server = yield* Server.FakeServer
    yield* fake.faults.inject({ fault: Faults.latency(`${settings.latencyMs} millis`) })
    yield* fake.faults.resetStats
    const answer = yield* runChild({ kind: "backfill", baseUrl: server.baseUrl })
    const stats = yield* fake.faults.stats
    const directories = organization.directories.map((d) => {
      const groups = organization.groups.filter((g) => g.directoryId === d.id)
      return {
        users: organization.users.filter((u) => u.directoryId === d.id).length,
        groupSizes: groups.map((g) => organization.memberships.filter((m) => m.groupId === g.id).length)
      }
    })
    // Directories run side by side (6,000 requests per 60 s per key is far away); before and after a
    // directory's lists: the directories list, the directory itself and the events page.
    const bound = Math.max(...directories.map((d) => directoryBoundMs(d, settings.latencyMs))) +
      3 * settings.latencyMs
    return { answer, stats, bound, requests: directories.reduce((n, d) => n + requestsFor(d), 0) }
  }).pipe(
    Effect.provide(
      Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer({ ...organization, faults: { rateLimits: true } })))
    )
  )
  yield* log(JSON.stringify(backfillRow.answer))

  // 2. Events per second, SQLite and PostgreSQL.
  const sqliteEvents = yield* runChild({ kind: "events", db: "sqlite" })
  yield* log(`events sqlite ${JSON.stringify(sqliteEvents)}`)
  const hookedEvents = yield* runChild({ kind: "events", db: "sqlite", hook: true })
  yield* log(`events sqlite with a hook ${JSON.stringify(hookedEvents)}`)
  const pgEvents = (yield* pgReachable) ? yield* runChild({ kind: "events", db: "postgres" }) : { failed: "no server" }
  yield* log(`events postgres ${JSON.stringify(pgEvents)}`)

  // 3. Lag, over HTTP with a running mirror.
  const lagRow = yield* Effect.gen(function*() {
    const fake = yield* FakeWorkOS.FakeWorkOS
    const server = yield* Server.FakeServer
    const [directory] = yield* fake.directories
    return yield* runChild(
      { kind: "lag", baseUrl: server.baseUrl },
      { MIRROR_BENCH_LAG_DIRECTORY: directory!.id },
      (line) =>
        Effect.gen(function*() {
          const [, userId, ...name] = line.split(" ")
          yield* Effect.orDie(fake.updateUser(userId!, { lastName: name.join(" ") }))
          return String(Date.now())
        })
    )
  }).pipe(
    Effect.provide(
      Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer(
        Generators.generate({ seed: 12, directories: 2, usersPerDirectory: 200 })
      )))
    )
  )
  yield* log(`lag ${JSON.stringify(lagRow)}`)

  // 4. Memory of a full sync, 20,000 and 200,000 users.
  const memoryRows = yield* Effect.gen(function*() {
    const server = yield* Server.FakeServer
    const rows: Array<Record<string, unknown>> = []
    for (const data of large) {
      rows.push(yield* runChild({ kind: "memory", baseUrl: server.baseUrl, directory: data.directories[0]!.id }))
    }
    return rows
  }).pipe(
    Effect.provide(
      Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer({
        directories: large.flatMap((g) => g.directories),
        users: large.flatMap((g) => g.users),
        groups: large.flatMap((g) => g.groups),
        memberships: large.flatMap((g) => g.memberships)
      })))
    )
  )
  yield* log(`memory ${JSON.stringify(memoryRows)}`)

  const num = (value: unknown) => (typeof value === "number" ? value : Number.NaN)
  const backfillMs = num(backfillRow.answer.elapsedMs)
  const ofBound = backfillRow.bound / backfillMs
  lines.push(
    "## Mirror (`@effect-workos/sync`)",
    "",
    `Measured by \`pnpm bench\` (bench/mirror.ts) on ${Os.cpus().length} CPUs (load average ${
      loadAtStart.toFixed(1)
    } when it started), Node ${process.version}, ${
      new Date().toISOString().slice(0, 10)
    }; SQLite file store unless said.`,
    "",
    "| measurement | result | target | verdict |",
    "|---|---|---|---|",
    `| full sync, ${settings.directories} directories × ${settings.usersPerDirectory} users, ${settings.groupsPerDirectory} groups each, ${settings.latencyMs} ms latency, limits enforced | ${
      (backfillMs / 1000).toFixed(2)
    } s for ${num(backfillRow.answer.users)} users; least time the limits allow ${
      (backfillRow.bound / 1000).toFixed(2)
    } s (${backfillRow.requests} /directory_users requests) = ${
      (ofBound * 100).toFixed(1)
    }% of the bound; ${backfillRow.stats.requests} requests, ${backfillRow.stats.rateLimited} answered 429 | ≥ 85% of the bound, no 429 | ${
      ofBound >= 0.85 && backfillRow.stats.rateLimited === 0 ? "met" : "**missed**"
    } |`
  )
  const boundNote =
    "The full-sync bound counts every `/directory_users` list against its directory, a members list by `group` alone included, as WorkOS, the client and the fake do: the largest directory's lists at 4 pages a second plus three round trips. One run on 2026-12-01 divided by a bound that counted each group's members list as its own budget (4.35 s), as the client and the fake then wrongly did. Where the time goes (measured on 2026-12-02 with the requests logged): a memory store takes as long as SQLite, so the writes are not what limits; the first second reaches 28 of its 40 requests (the directory listing, the leases and the first round trips come first); after it the rate holds at 34-38 a second of 40, as each place in a directory's window is held its round trip plus the 25 ms margin longer than WorkOS holds it (from the request's sending until a window after its answer, the latest moment WorkOS can have counted it), and a directory's user pages, one after another, wait for each other's round trip (about 250 ms with ten directories decoding on one thread)."
  const rate = (row: Record<string, unknown>) => num(row.events) / (num(row.elapsedMs) / 1000)
  lines.push(
    `| events applied into SQLite (no onChange hook; pages of 100, up to 1,000 events a transaction) | ${
      "failed" in sqliteEvents
        ? String(sqliteEvents.failed)
        : `${rate(sqliteEvents).toFixed(0)} events/s (${num(sqliteEvents.events)} events from ${
          num(sqliteEvents.changes)
        } changes, ${(num(sqliteEvents.elapsedMs) / 1000).toFixed(2)} s)`
    } | ≥ 5,000/s | ${"failed" in sqliteEvents ? "**missed**" : rate(sqliteEvents) >= 5000 ? "met" : "**missed**"} |`,
    `| the same with an \`onChange\` hook (it does nothing) | ${
      "failed" in hookedEvents ? String(hookedEvents.failed) : `${rate(hookedEvents).toFixed(0)} events/s`
    } | — | — |`,
    `| events applied into PostgreSQL | ${
      "failed" in pgEvents ? `not measured: ${String(pgEvents.failed)}` : `${rate(pgEvents).toFixed(0)} events/s`
    } | ≥ 2,000/s | ${"failed" in pgEvents ? "—" : rate(pgEvents) >= 2000 ? "met" : "**missed**"} |`
  )
  const samples = Array.isArray(lagRow.samples) ? lagRow.samples.map(num).sort((a, b) => a - b) : []
  const lagLimit = settings.settleDelayMs + settings.pollIntervalMs + 1000
  const worstLag = samples.length === 0 ? Number.NaN : samples[samples.length - 1]!
  lines.push(
    `| end-to-end lag, change at the fake to the store (settle ${settings.settleDelayMs} ms, poll ${settings.pollIntervalMs} ms, ${samples.length} samples) | median ${
      samples[Math.floor(samples.length / 2)] ?? "?"
    } ms, worst ${worstLag} ms | ≤ ${lagLimit} ms | ${worstLag <= lagLimit ? "met" : "**missed**"} |`
  )
  const growth = (row: Record<string, unknown> | undefined) =>
    row === undefined ? Number.NaN : (num(row.peakRss) - num(row.baseRss)) / 1024 / 1024
  const small = growth(memoryRows[0])
  const big = growth(memoryRows[1])
  lines.push(
    `| peak RSS growth of a full sync: ${settings.memoryUsers[1]} users vs ${settings.memoryUsers[0]} | ${
      big.toFixed(1)
    } MB vs ${small.toFixed(1)} MB above each process's RSS before the sync: ${
      (big - small).toFixed(1)
    } MB more | < 50 MB more | ${big - small < 50 ? "met" : "**missed**"} |`,
    "",
    boundNote,
    ""
  )
  const section = lines.join("\n")
  process.stdout.write(`\n${section}\n`)
  const file = Path.join(Path.dirname(self), "..", "BENCHMARKS.md")
  const current = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8") : ""
  // Replaces its own section, keeping the ones after it (the fleet's).
  const start = current.indexOf("## Mirror (`@effect-workos/sync`)")
  const end = start < 0 ? -1 : current.indexOf("\n## ", start + 1)
  const before = start < 0 ? current.trimEnd() : current.slice(0, start).trimEnd()
  const after = end < 0 ? "" : `\n\n${current.slice(end + 1).trimEnd()}\n`
  Fs.writeFileSync(file, `${before}\n\n${section}${after}`)
})

const task = process.argv[2]
if (task === undefined) NodeRuntime.runMain(parent)
else child(JSON.parse(task))
