/**
 * The binary as a child process: real stdout/stderr, exit codes, signals and
 * terminals. `src/bin.ts` is bundled once (esbuild) so each run starts fast;
 * the smoke test runs the packed package's binary itself.
 */
import { ExitCode } from "@effect-workos/cli"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { build } from "esbuild"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { parseCsv } from "./utils.js"

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "workos-dsync-test-"))
// Only the workspace's TypeScript sources are bundled; the npm dependencies (libsql's native binding among them)
// stay external, so the bundle lives in the package, where Node resolves them as it does for the installed binary.
const binDir = Fs.mkdtempSync(Path.join(import.meta.dirname, "..", "node_modules", ".bin-test-"))
const bin = Path.join(binDir, "workos-dsync.mjs")

beforeAll(async () => {
  await build({
    entryPoints: [Path.join(import.meta.dirname, "..", "src", "bin.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: bin,
    external: ["effect", "@effect/*", "@libsql/*"],
    logLevel: "warning",
    // Bundled CommonJS dependencies call require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }
  })
}, 120_000)

afterAll(() => {
  Fs.rmSync(work, { recursive: true, force: true })
  Fs.rmSync(binDir, { recursive: true, force: true })
})

interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

interface Started {
  readonly child: ChildProcess.ChildProcess
  /** Resolves with stdout so far once it contains `text`. */
  readonly waitFor: (text: string) => Promise<string>
  readonly finished: Promise<Finished>
}

const start = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Started => {
  const child = ChildProcess.spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  const waiters: Array<{ text: string; resolve: (out: string) => void }> = []
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(stdout)
    }
  })
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return {
    child,
    waitFor: (text) =>
      stdout.includes(text) ? Promise.resolve(stdout) : new Promise((resolve) => waiters.push({ text, resolve })),
    finished
  }
}

const cli = (args: ReadonlyArray<string>, env?: Readonly<Record<string, string>>, stdin = "") =>
  Effect.promise(() => {
    const started = start(args, env)
    started.child.stdin!.end(stdin)
    return started.finished
  })

/** The fake on a localhost port, for the child processes to talk to. */
const served = (options: Generators.Options = { seed: 3, directories: 2, usersPerDirectory: 40 }) =>
  Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer(Generators.generate(options))))

const envOf = Effect.map(Server.FakeServer, (server) => ({
  WORKOS_API_KEY: FakeWorkOS.defaultApiKey,
  WORKOS_BASE_URL: server.baseUrl
}))

const firstDirectory = Effect.flatMap(FakeWorkOS.FakeWorkOS, (fake) => Effect.map(fake.directories, (all) => all[0]!))

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m)

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

describe("workos-dsync as a child process", { timeout: 120_000 }, () => {
  it.live("--help and --version", () =>
    Effect.gen(function*() {
      const help = yield* cli(["--help"])
      expect(help.code).toBe(0)
      for (const command of ["verify", "directories list", "users list", "groups list", "events tail", "fake serve"]) {
        expect(help.stdout).toContain(command)
      }
      expect((yield* cli(["--version"])).stdout.trim()).toBe("0.0.0")
    }))

  it.live("verify passes against the fake, and fails with hints against a faulty one", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const ok = yield* cli(["verify"], env)
      expect(ok.code).toBe(ExitCode.success)
      expect(ok.stdout.match(/ pass /g)).toHaveLength(5)
      const fake = yield* FakeWorkOS.FakeWorkOS
      yield* fake.faults.inject({ route: "/directory_users/:id", fault: Faults.html(502) })
      const faulty = yield* cli(["verify", "--json"], env)
      expect(faulty.code).toBe(ExitCode.verificationFailed)
      const report = JSON.parse(faulty.stdout)
      expect(report.checks.map((c: { result: string }) => c.result)).toEqual(["pass", "pass", "fail", "pass", "fail"])
      expect(faulty.stderr).toBe("error: 2 of 5 checks failed. Hint: the table above says which and why\n")
      const badKey = yield* cli(["verify"], { ...env, WORKOS_API_KEY: "sk_test_not_this_one" })
      expect(badKey.code).toBe(ExitCode.verificationFailed)
      expect(badKey.stdout).toContain("hint: check --api-key or WORKOS_API_KEY")
      expect(badKey.stdout + badKey.stderr).not.toContain("sk_test_not_this_one")
    }).pipe(Effect.provide(served())))

  it.live("a CSV export to a pipe: RFC 4180 escaping, no progress on stderr", () =>
    Effect.gen(function*() {
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* firstDirectory
      const tricky = { firstName: `O"Brien, "Pat"`, lastName: "multi\nline\r\nname" }
      yield* fake.addUser({ directoryId: directory.id, email: "pat@example.com", ...tricky })
      const out = yield* cli(["users", "list", "--directory", directory.id, "--format", "csv"], yield* envOf)
      expect(out.code).toBe(0)
      expect(out.stderr).toBe("")
      const rows = parseCsv(out.stdout)
      expect(rows).toHaveLength(42)
      const pat = rows.find((row) => row[4] === "pat@example.com")!
      expect([pat[5], pat[6]]).toEqual([tricky.firstName, tricky.lastName])
    }).pipe(Effect.provide(served())))

  it.live("exit codes per class of failure, each one line on stderr without a stack trace", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const noKey = yield* cli(["directories", "list"], { WORKOS_BASE_URL: env.WORKOS_BASE_URL })
      expect(noKey.code).toBe(ExitCode.configuration)
      expect(noKey.stdout).toBe("")
      expect(noKey.stderr).toBe("error: no API key. Hint: pass --api-key or set WORKOS_API_KEY\n")
      const badKey = yield* cli(["directories", "list"], { ...env, WORKOS_API_KEY: "sk_test_nope" })
      expect(badKey.code).toBe(ExitCode.authentication)
      const missing = yield* cli(["users", "get", "directory_user_nope"], env)
      expect(missing.code).toBe(ExitCode.notFound)
      const usage = yield* cli(["users", "list", "--format", "xml"], env)
      expect(usage.code).toBe(ExitCode.usage)
      expect(usage.stdout).toBe("")
      const offline = yield* cli(["directories", "list"], { ...env, WORKOS_BASE_URL: "http://127.0.0.1:9" })
      expect(offline.code).toBe(ExitCode.network)
      expect(offline.stderr).toContain("Hint: check --base-url or WORKOS_BASE_URL")
      for (const run of [noKey, badKey, missing, offline]) {
        expect(run.stderr.trim().split("\n")).toHaveLength(1)
        noStackTrace(run.stderr)
      }
    }).pipe(Effect.provide(served())))

  it.live("delete: refused without a terminal or --yes (exit 11), done with --yes", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* firstDirectory
      const refused = yield* cli(["directories", "delete", directory.id], env, "y\n")
      expect(refused.code).toBe(ExitCode.aborted)
      expect((yield* fake.directories).map((d) => d.id)).toContain(directory.id)
      const done = yield* cli(["directories", "delete", "--yes", directory.id], env)
      expect(done.code).toBe(0)
      expect((yield* fake.directories).map((d) => d.id)).not.toContain(directory.id)
    }).pipe(Effect.provide(served())))

  it.live("events tail prints NDJSON and the cursor to resume from", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* fake.addDirectory({ name: "Tail Co" })
      yield* fake.addUser({ directoryId: directory.id, email: "t@tail.example" })
      const out = yield* cli(["events", "tail"], env)
      expect(out.code).toBe(0)
      const events = out.stdout.trim().split("\n").map((line) => JSON.parse(line))
      expect(events.map((e) => e.event)).toEqual(["dsync.activated", "dsync.user.created"])
      expect(out.stderr).toBe(`resume with: --after ${events[1].id}\n`)
    }).pipe(Effect.provide(served())))

  it.live("events tail --follow prints new events as they come, and Ctrl-C ends it with the cursor (exit 130)", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* fake.addDirectory({ name: "Follow Co" })
      const started = start(["events", "tail", "--follow", "--poll-interval", "1"], env)
      yield* Effect.promise(() => started.waitFor("dsync.activated"))
      const user = yield* fake.addUser({ directoryId: directory.id, email: "f@follow.example" })
      // streamEvents holds events back for its settle delay (5 s) before printing them.
      const seen = yield* Effect.promise(() => started.waitFor(user.id))
      started.child.kill("SIGINT")
      const done = yield* Effect.promise(() => started.finished)
      expect(done.code).toBe(ExitCode.interrupted)
      noStackTrace(done.stderr)
      const events = seen.trim().split("\n").map((line) => JSON.parse(line))
      expect(events.map((e) => e.event)).toEqual(["dsync.activated", "dsync.user.created"])
      expect(done.stderr).toContain(`resume with: --after ${events[1].id}`)
    }).pipe(Effect.provide(served({ seed: 4, directories: 0, usersPerDirectory: 0 }))))

  it.live("mirror --once copies the fake into an SQLite file; following mode stops on Ctrl-C with exit 130", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const db = Path.join(work, "mirror.db")
      const once = yield* cli(["mirror", "--db", db, "--once", "--settle-delay", "0"], env)
      expect(once.code).toBe(0)
      expect(once.stdout).toBe("")
      expect(once.stderr).toContain("mirror: 2/2 directories live, 80 users")
      expect(Fs.statSync(db).size).toBeGreaterThan(0)
      const started = start(["mirror", "--db", db, "--settle-delay", "0", "--status-every", "1"], env)
      yield* Effect.promise(() =>
        new Promise<void>((resolve) =>
          started.child.stderr!.on("data", (chunk: Buffer) => {
            if (chunk.toString("utf8").includes("directories live")) resolve()
          })
        )
      )
      started.child.kill("SIGINT")
      const done = yield* Effect.promise(() => started.finished)
      expect(done.code).toBe(ExitCode.interrupted)
      noStackTrace(done.stderr)
    }).pipe(Effect.provide(served())))

  it.live("progress (count, rate) on stderr when it is a terminal, never in the file", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const directory = yield* firstDirectory
      const file = Path.join(work, `progress-${directory.id}.csv`)
      const command = [process.execPath, bin, "users", "list", "--directory", directory.id, "-f", "csv"]
        .map(shellQuote).join(" ") + ` > ${shellQuote(file)}`
      const terminal = yield* Effect.promise(() =>
        new Promise<{ code: number | null; transcript: string }>((resolve) => {
          const child = ChildProcess.spawn("script", ["-qec", command, "/dev/null"], {
            env: { PATH: process.env.PATH ?? "", TERM: "dumb", ...env },
            stdio: ["ignore", "pipe", "pipe"]
          })
          let transcript = ""
          child.stdout.on("data", (chunk: Buffer) => void (transcript += chunk.toString("utf8")))
          child.on("close", (code) => resolve({ code, transcript }))
        })
      )
      expect(terminal.code).toBe(0)
      expect(terminal.transcript).toMatch(/40 users · [\d,]+\/s/)
      const written = Fs.readFileSync(file, "utf8")
      expect(parseCsv(written)).toHaveLength(41)
      expect(written).not.toContain("users ·")
    }).pipe(Effect.provide(served())))

  it.live("Ctrl-C stops an export with exit 130 and the output intact", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const fake = yield* FakeWorkOS.FakeWorkOS
      const directory = yield* firstDirectory
      yield* fake.faults.inject({ route: "/directory_users", fault: Faults.latency("400 millis") })
      for (const format of ["json", "csv"] as const) {
        const started = start(["users", "list", "--directory", directory.id, "-f", format, "--limit", "350"], env)
        yield* Effect.promise(() => started.waitFor(format === "json" ? "}" : "\r\n"))
        started.child.kill("SIGINT")
        const done = yield* Effect.promise(() => started.finished)
        expect(done.code).toBe(ExitCode.interrupted)
        noStackTrace(done.stderr)
        if (format === "json") {
          const users = JSON.parse(done.stdout)
          expect(users.length).toBeGreaterThan(0)
          expect(users.length).toBeLessThan(350)
          for (const user of users) expect(user.directory_id).toBe(directory.id)
        } else {
          expect(done.stdout.endsWith("\r\n")).toBe(true)
          const rows = parseCsv(done.stdout)
          for (const row of rows) expect(row).toHaveLength(14)
          expect(rows.length).toBeLessThan(351)
        }
      }
    }).pipe(Effect.provide(served({ seed: 5, directories: 1, usersPerDirectory: 400 }))))

  it.live("a reader that stops early (| head) ends the export quietly", () =>
    Effect.gen(function*() {
      const env = yield* envOf
      const directory = yield* firstDirectory
      const command = `set -o pipefail; ${
        [process.execPath, bin, "users", "list", "--directory", directory.id, "-f", "ndjson"].map(shellQuote).join(" ")
      } | head -n 1`
      const out = yield* Effect.promise(() =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
          ChildProcess.execFile("bash", ["--norc", "--noprofile", "-c", command], {
            env: { PATH: process.env.PATH ?? "", ...env }
          }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }))
        )
      )
      expect(out.code).toBe(0)
      expect(out.stdout.trim().split("\n")).toHaveLength(1)
      expect(out.stderr).toBe("")
    }).pipe(Effect.provide(served({ seed: 9, directories: 1, usersPerDirectory: 1000 }))))

  it.live("fake serve prints its base URL and key; other commands use them; Ctrl-C exits 130", () =>
    Effect.gen(function*() {
      const server = start(["fake", "serve", "--port", "0", "--seed", "4", "--organizations", "2", "--users", "12"])
      const banner = yield* Effect.promise(() => server.waitFor("Ctrl-C"))
      const baseUrl = /export WORKOS_BASE_URL=(\S+)/.exec(banner)![1]!
      const apiKey = /export WORKOS_API_KEY=(\S+)/.exec(banner)![1]!
      expect(banner).toContain("2 directories, 24 users")
      const verify = yield* cli(["verify"], { WORKOS_BASE_URL: baseUrl, WORKOS_API_KEY: apiKey })
      expect(verify.code).toBe(0)
      const csv = yield* cli(["directories", "list", "-f", "csv"], { WORKOS_BASE_URL: baseUrl, WORKOS_API_KEY: apiKey })
      expect(parseCsv(csv.stdout)).toHaveLength(3)
      server.child.kill("SIGINT")
      const done = yield* Effect.promise(() => server.finished)
      expect(done.code).toBe(ExitCode.interrupted)
      noStackTrace(done.stderr)
    }))
})
