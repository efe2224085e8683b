/**
 * Runs `examples/sync-events.ts` as a user would (its own process, its
 * environment) against the localhost fake: events recorded by the fake are
 * followed and their cursor saved, a signed webhook is accepted and a forged
 * one refused, and a restart resumes after the saved cursor.
 */
import { FakeWorkOS } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import * as WebhookSigner from "@effect-workos/testing/WebhookSigner"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Ref, Runtime, Schedule } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

const example = new URL("./sync-events.ts", import.meta.url).pathname
const secret = "whsec_example_test"

const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

// The example in its own process; its output lines collect in a Ref. Killed when the scope closes.
const start = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const lines = yield* Ref.make(Chunk.empty<string>())
    const runSync = Runtime.runSync(yield* Effect.runtime<never>())
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        ChildProcess.spawn(process.execPath, ["--import", "tsx", example], {
          cwd: Path.dirname(example),
          env: { ...process.env, ...env },
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      (child) => Effect.sync(() => child.kill())
    )
    const collect = (chunk: Buffer) =>
      runSync(Ref.update(lines, (all) => Chunk.appendAll(all, Chunk.fromIterable(chunk.toString().split("\n")))))
    child.stdout.on("data", collect)
    child.stderr.on("data", collect)
    // Until a line matches (polled; the example's own startup and the Events API's settle delay take seconds).
    const waitFor = (pattern: RegExp) =>
      Ref.get(lines).pipe(
        Effect.flatMap((all) =>
          Chunk.findFirst(all, (line) => pattern.test(line)).pipe(
            Effect.mapError(() => `no line matching ${pattern} yet; output so far:\n${Chunk.join(all, "\n")}`)
          )
        ),
        Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("90 seconds")))
      )
    return { lines, waitFor }
  })

const Fake = Server.layer().pipe(Layer.provideMerge(FakeWorkOS.layer()))

describe("examples/sync-events.ts", () => {
  it.live(
    "follows the fake's events from a saved cursor and accepts only signed webhooks",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeWorkOS.FakeWorkOS
        const server = yield* Server.FakeServer
        const directory = yield* fake.addDirectory({ name: "Foo Corp" })
        const ada = yield* fake.addUser({ directoryId: directory.id, firstName: "Ada", email: "ada@foo-corp.com" })
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sync-events-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
        const port = yield* freePort
        const env = {
          WORKOS_BASE_URL: server.baseUrl,
          WORKOS_API_KEY: Redacted.value(yield* fake.apiKey),
          WORKOS_WEBHOOK_SECRET: secret,
          PORT: String(port),
          CURSOR_FILE: Path.join(dir, "cursor")
        }

        const first = yield* Effect.scoped(Effect.gen(function*() {
          const run = yield* start(env)
          yield* run.waitFor(/^events: following from the start$/)
          yield* run.waitFor(new RegExp(`^events: UserCreated ${ada.id} active$`))

          // A webhook signed with the secret is handled; a forged one is refused.
          yield* run.waitFor(/^webhooks: listening/)
          const events = yield* fake.events
          const url = `http://127.0.0.1:${port}/webhooks/workos`
          const delivered = yield* WebhookSigner.deliver({ url, events, secret })
          assert.deepStrictEqual(delivered.map((result) => result.status), events.map(() => 204))
          yield* run.waitFor(new RegExp(`^webhook: UserCreated ${ada.id} active$`))
          const forged = yield* HttpClient.execute(
            HttpClientRequest.post(url).pipe(
              HttpClientRequest.bodyText(WebhookSigner.payloadOf(events[0]!), "application/json"),
              HttpClientRequest.setHeader(WebhookSigner.signatureHeader, `t=${Date.now()}, v1=${"0".repeat(64)}`)
            )
          )
          assert.strictEqual(forged.status, 400)
          return events
        }))
        const last = first[first.length - 1]!
        assert.strictEqual(Fs.readFileSync(env.CURSOR_FILE, "utf8"), last.id)

        // Restarted, it resumes after the saved cursor: only the new change comes through.
        yield* fake.updateUser(ada.id, { state: "inactive" })
        yield* Effect.scoped(Effect.gen(function*() {
          const run = yield* start(env)
          yield* run.waitFor(new RegExp(`^events: following from ${last.id}$`))
          yield* run.waitFor(new RegExp(`^events: UserUpdated ${ada.id} inactive$`))
          const lines = yield* Ref.get(run.lines)
          assert.isFalse(Chunk.some(lines, (line) => line.startsWith("events: UserCreated")))
        }))
      }).pipe(Effect.scoped, Effect.provide(Layer.merge(Fake, FetchHttpClient.layer))),
    180_000
  )
})
