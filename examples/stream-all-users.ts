/**
 * Streams every user of every directory through the real client, printing
 * progress and a summary.
 *
 * - Without `WORKOS_API_KEY`: starts the localhost fake WorkOS from
 *   `@effect-workos/testing`, seeded with generated directories, and talks to
 *   it over real HTTP.
 * - With `WORKOS_API_KEY` (and optionally `WORKOS_BASE_URL`): the same
 *   application runs against the real WorkOS API.
 *
 * Run it from the repository root with `pnpm demo`.
 */
import type { Directory } from "@effect-workos/core"
import { DirectorySync, WorkOSClient } from "@effect-workos/core"
import { FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Cause, Config, Console, Duration, Effect, Layer, Option, Stream } from "effect"

// ---------------------------------------------------------------------------------------------
// The application: what you would write against WorkOS.
// ---------------------------------------------------------------------------------------------

interface DirectorySummary {
  readonly name: string
  readonly users: Readonly<Record<string, number>>
  readonly groups: number
}

const progressEvery = 250
const noUsers: Readonly<Record<string, number>> = {}

// Every user and group of one directory, counted by state, with a progress line every few hundred users.
const summarize = (directory: Directory.Directory) =>
  Effect.gen(function*() {
    const directorySync = yield* DirectorySync.DirectorySync
    const expected = directory.metadata
      ? String(directory.metadata.users.active + directory.metadata.users.inactive)
      : "?"
    const users = yield* directorySync.streamUsers({ directory: directory.id }).pipe(
      Stream.zipWithIndex,
      Stream.tap(([, index]) =>
        (index + 1) % progressEvery === 0
          ? Console.log(`  ${directory.name}: ${index + 1} of ${expected} users`)
          : Effect.void
      ),
      Stream.runFold(noUsers, (byState, [user]) => ({
        ...byState,
        [user.state]: (byState[user.state] ?? 0) + 1
      }))
    )
    const groups = yield* Stream.runCount(directorySync.streamGroups({ directory: directory.id }))
    return { name: directory.name, users, groups } satisfies DirectorySummary
  })

// Every directory, streamed three at a time: each directory has its own rate limit
// (4 requests a second on /directory_users), so directories in parallel go faster.
const syncAllUsers = Effect.gen(function*() {
  const directorySync = yield* DirectorySync.DirectorySync
  const directories = yield* Stream.runCollect(directorySync.streamDirectories())
  yield* Console.log(`Found ${directories.length} directories; streaming their users, 3 at a time`)
  return yield* Effect.forEach(directories, summarize, { concurrency: 3 })
})

const printSummary = (summaries: ReadonlyArray<DirectorySummary>, elapsed: Duration.Duration) =>
  Effect.gen(function*() {
    yield* Console.log("\nDirectory                 Users  Active  Inactive  Groups")
    for (const { groups, name, users } of summaries) {
      const total = Object.values(users).reduce((sum, count) => sum + count, 0)
      const row = [
        name.padEnd(24),
        String(total).padStart(6),
        String(users["active"] ?? 0).padStart(7),
        String(total - (users["active"] ?? 0)).padStart(9),
        String(groups).padStart(7)
      ]
      yield* Console.log(row.join(" "))
    }
    const totalUsers = summaries.reduce((sum, s) => sum + Object.values(s.users).reduce((a, b) => a + b, 0), 0)
    const seconds = (Duration.toMillis(elapsed) / 1000).toFixed(1)
    yield* Console.log(`\n${totalUsers} users in ${summaries.length} directories, in ${seconds} s`)
  })

const program = Effect.timed(syncAllUsers).pipe(
  Effect.flatMap(([elapsed, summaries]) => printSummary(summaries, elapsed))
)

// ---------------------------------------------------------------------------------------------
// Wiring: the same program over the real API or over the localhost fake.
// ---------------------------------------------------------------------------------------------

// The real API: the key (and optional base URL) come from the environment.
const RealWorkOS = DirectorySync.layer.pipe(
  Layer.provide(WorkOSClient.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)

// The localhost fake, seeded with a few thousand generated users, and the real client pointed at it.
const LocalWorkOS = DirectorySync.layer.pipe(
  Layer.provide(Layer.unwrapEffect(Effect.gen(function*() {
    const server = yield* Server.FakeServer
    const fake = yield* FakeWorkOS.FakeWorkOS
    yield* Console.log(`Fake WorkOS listening on ${server.baseUrl}`)
    return WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl: server.baseUrl })
  }))),
  Layer.provide(NodeHttpClient.layerUndici),
  Layer.provideMerge(Server.layer()),
  Layer.provideMerge(FakeWorkOS.layer(
    Generators.generate({ seed: 2024, directories: 5, usersPerDirectory: 800, groupsPerDirectory: 8 })
  ))
)

// What the fake served, from its own counters.
const printRequests = Effect.gen(function*() {
  const stats = yield* (yield* FakeWorkOS.FakeWorkOS).faults.stats
  const routes = Object.entries(stats.byRoute).map(([route, count]) => `${route}: ${count}`).join(", ")
  yield* Console.log(`${stats.requests} requests served by the fake (${routes}); ${stats.rateLimited} answered 429`)
})

const main = Effect.gen(function*() {
  const apiKey = yield* Config.option(Config.string("WORKOS_API_KEY"))
  if (Option.isSome(apiKey)) {
    yield* Console.log("WORKOS_API_KEY is set: streaming from the WorkOS API")
    return yield* Effect.provide(program, RealWorkOS)
  }
  yield* Console.log("WORKOS_API_KEY is not set: starting a local fake WorkOS (set it to use the real API)")
  return yield* Effect.provide(Effect.zipRight(program, printRequests), LocalWorkOS)
}).pipe(
  // A failure (a wrong key, an unknown directory, the network) is one line, e.g. `UnauthorizedError: ...`.
  Effect.tapError((error) => Console.error(`\n${String(error)}`)),
  Effect.tapDefect((defect) => Console.error(Cause.pretty(defect)))
)

NodeRuntime.runMain(main, { disableErrorReporting: true })
