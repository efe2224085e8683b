/**
 * `pnpm bench`: this client against the official `@workos-inc/node` SDK and
 * against the rate-limit bound, on the localhost fake from
 * `@effect-workos/testing` (per-request latency and WorkOS's real limits
 * enforced: it answers 429 to a client that exceeds them). Each measurement
 * runs in its own child process (`client.ts`). Prints the tables and writes
 * them to `BENCHMARKS.md` with the machine and the settings.
 */
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import { type Answer, answerPrefix, type Impl, type Measurement, type Target, type Task } from "./protocol.js"
import * as Report from "./report.js"

const settings = {
  latencyMs: 50,
  usersPerDirectory: 2_000,
  directories: 10,
  concurrency: 10,
  memoryUsers: [20_000, 200_000],
  memoryRuns: 3,
  loopbackSeconds: 3,
  decodeSeconds: 2
} as const

const impls: ReadonlyArray<Impl> = ["effect-workos", "workos-node"]
const sdkVersion = "8.13.0"

// ---------------------------------------------------------------------------
// Data: one organization of ten directories, and two large directories.
// ---------------------------------------------------------------------------

const organization = Generators.generate({
  seed: 1,
  directories: settings.directories,
  usersPerDirectory: settings.usersPerDirectory
})
const organizationId = organization.directories[0]!.organizationId!
const sameOrganization = <A extends { readonly organizationId: string | null }>(record: A): A => ({
  ...record,
  organizationId
})
const large = settings.memoryUsers.map((users, i) =>
  Generators.generate({ seed: 100 + i, directories: 1, usersPerDirectory: users })
)

const seed: FakeWorkOS.Seed = {
  directories: [...organization.directories.map(sameOrganization), ...large.flatMap((g) => g.directories)],
  users: [...organization.users.map(sameOrganization), ...large.flatMap((g) => g.users)],
  groups: [...organization.groups.map(sameOrganization), ...large.flatMap((g) => g.groups)],
  memberships: [...organization.memberships, ...large.flatMap((g) => g.memberships)]
}

// ---------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------

const clientPath = fileURLToPath(new URL("./client.ts", import.meta.url))

const runChild = (task: Task): Effect.Effect<Answer> =>
  Effect.async<Answer>((resume) => {
    const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", clientPath, JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
    })
    child.on("close", (code) => {
      const line = output.split("\n").find((l) => l.startsWith(answerPrefix))
      resume(Effect.succeed(
        line === undefined
          ? { _tag: "Failed", message: `the child exited with ${code} and no answer` }
          : JSON.parse(line.slice(answerPrefix.length))
      ))
    })
    return Effect.sync(() => child.kill())
  })

// A second process spinning on one core until the scope closes.
const busyCore = Effect.acquireRelease(
  Effect.sync(() => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" })),
  (child) => Effect.sync(() => child.kill())
)

interface Run {
  readonly measurement: Measurement | string
  readonly stats: Faults.Stats
}

/** One child run against the fake set up with `limits` and `latencyMs`, with fresh counters and windows. */
const measure = (
  fake: FakeWorkOS.Service,
  task: Task,
  setup: { readonly limits: boolean; readonly latencyMs: number }
): Effect.Effect<Run> =>
  Effect.gen(function*() {
    yield* fake.faults.clear
    yield* fake.faults.setRateLimits(setup.limits)
    if (setup.latencyMs > 0) yield* fake.faults.inject({ fault: Faults.latency(`${setup.latencyMs} millis`) })
    yield* fake.faults.resetStats
    const answer = yield* runChild(task)
    const stats = yield* fake.faults.stats
    const measurement = answer._tag === "Measurement"
      ? answer.value
      : answer._tag === "Failed"
      ? answer.message.split("\n")[0]!
      : "unexpected answer"
    yield* Effect.logInfo(`${task.kind} ${"impl" in task ? task.impl : ""}: ${
      typeof measurement === "string"
        ? measurement
        : `${measurement.count} in ${(measurement.elapsedMs / 1000).toFixed(2)} s`
    }`)
    return { measurement, stats }
  })

// ---------------------------------------------------------------------------

const program = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const server = yield* Server.FakeServer
  const target: Target = { baseUrl: server.baseUrl, port: server.port, apiKey: FakeWorkOS.defaultApiKey }
  const started = Date.now()
  const limited = { limits: true, latencyMs: settings.latencyMs }
  const free = { limits: false, latencyMs: 0 }

  const oneDirectory = organization.directories[0]!.id
  const directory: Report.RateRows = { rows: [], pages: settings.usersPerDirectory / 100, directories: 1 }
  for (const impl of impls) {
    const run = yield* measure(fake, {
      kind: "directory",
      impl,
      target,
      directory: oneDirectory,
      rateLimit: true,
      skipSdkPause: false
    }, limited)
    directory.rows.push({ impl, ...run })
  }

  const org: Report.RateRows = {
    rows: [],
    pages: settings.usersPerDirectory / 100,
    directories: settings.directories
  }
  for (const impl of impls) {
    const run = yield* measure(fake, {
      kind: "organization",
      impl,
      target,
      organizationId,
      concurrency: settings.concurrency
    }, limited)
    org.rows.push({ impl, ...run })
  }

  // Scenario 2 again with another process busy on one core for the whole run.
  const contention: Report.RateRows = {
    rows: [],
    pages: settings.usersPerDirectory / 100,
    directories: settings.directories
  }
  for (const impl of impls) {
    const run = yield* Effect.scoped(Effect.zipRight(
      busyCore,
      measure(fake, { kind: "organization", impl, target, organizationId, concurrency: settings.concurrency }, limited)
    ))
    contention.rows.push({ impl, ...run })
  }

  const memory: Array<Report.MemoryRow> = []
  for (const impl of impls) {
    for (const [i, users] of settings.memoryUsers.entries()) {
      const task: Task = {
        kind: "directory",
        impl,
        target,
        directory: large[i]!.directories[0]!.id,
        rateLimit: false,
        skipSdkPause: true
      }
      // Peak RSS depends on when V8 happens to collect: the median of a few runs.
      const runs: Array<Run> = []
      for (let run = 0; run < settings.memoryRuns; run++) runs.push(yield* measure(fake, task, free))
      const peak = (r: Run) => typeof r.measurement === "string" ? Number.POSITIVE_INFINITY : r.measurement.peakRssBytes
      const sorted = [...runs].sort((a, b) => peak(a) - peak(b))
      memory.push({ impl, users, ...sorted[Math.floor(sorted.length / 2)]!, peaks: sorted.map(peak) })
    }
  }

  const loopback: Array<Report.LoopbackRow> = []
  for (const impl of impls) {
    const task: Task = { kind: "loopback", impl, target, directory: oneDirectory, seconds: settings.loopbackSeconds }
    loopback.push({ impl, ...(yield* measure(fake, task, free)) })
  }

  const decodeAnswer = yield* runChild({
    kind: "decode",
    target,
    directory: oneDirectory,
    seconds: settings.decodeSeconds
  })
  const decode = decodeAnswer._tag === "DecodeMeasurement"
    ? decodeAnswer.value
    : decodeAnswer._tag === "Failed"
    ? decodeAnswer.message
    : "unexpected answer"

  const report = Report.render({
    machine: {
      cpus: Os.cpus().length,
      cpuModel: Os.cpus()[0]?.model.trim() ?? "unknown",
      memoryBytes: Os.totalmem(),
      node: process.version,
      platform: `${Os.platform()} ${Os.release()}`,
      date: new Date().toISOString()
    },
    settings: { ...settings, sdkVersion, durationSeconds: (Date.now() - started) / 1000 },
    directory,
    organization: org,
    contention,
    memory,
    loopback,
    decode
  })
  yield* Effect.sync(() => {
    process.stdout.write(`\n${report.console}\n`)
    writeFileSync(new URL("../BENCHMARKS.md", import.meta.url), report.markdown)
  })
  yield* Effect.logInfo("wrote BENCHMARKS.md")
})

program.pipe(
  Effect.provide(Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer(seed)))),
  NodeRuntime.runMain
)
