/**
 * Mirrors every directory into a SQLite file and keeps it current.
 *
 * - Without `WORKOS_API_KEY`: starts the localhost fake WorkOS from
 *   `@effect-workos/testing` with generated organizations (rate limits
 *   enforced), copies them into `.demo/mirror.db` with progress, then makes a
 *   burst of changes at the fake (hires, leavers, group moves, a directory
 *   deleted), shows the mirror catching up through the Events API, checks
 *   that the file equals the fake field for field, and prints a summary.
 * - With `WORKOS_API_KEY`: mirrors the real account into the same file.
 *
 * Run it from the repository root with `pnpm demo`.
 */
import { Directory, DirectorySync, DirectoryUser, Events, WorkOSClient } from "@effect-workos/core"
import { DirectoryMirror, MirrorStore, SqlMirrorStore } from "@effect-workos/sync"
import * as Sqlite from "@effect-workos/sync/Sqlite"
import { FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import {
  Cause,
  Chunk,
  Config,
  Console,
  Data,
  Duration,
  Effect,
  Fiber,
  Layer,
  Logger,
  LogLevel,
  Option,
  Schema,
  Stream
} from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"

const dbFile = Path.join(".demo", "mirror.db")

class NotConverged extends Data.TaggedError("NotConverged")<{ readonly problems: number }> {}
const settleDelay = Duration.seconds(1)
const seconds = (duration: Duration.Duration) => `${(Duration.toMillis(duration) / 1000).toFixed(1)} s`

// ---------------------------------------------------------------------------------------------
// Progress and status
// ---------------------------------------------------------------------------------------------

const totals = Effect.gen(function*() {
  const mirror = yield* DirectoryMirror.DirectoryMirror
  const status = yield* mirror.status
  const sum = (f: (d: DirectoryMirror.DirectoryStatus) => number) => status.directories.reduce((n, d) => n + f(d), 0)
  return {
    status,
    directories: status.directories.length,
    live: status.directories.filter((d) => d.phase === "live").length,
    users: sum((d) => d.counts.users),
    groups: sum((d) => d.counts.groups),
    memberships: sum((d) => d.counts.memberships)
  }
})

const progress = Effect.gen(function*() {
  const t = yield* totals
  yield* Console.log(
    `  ${t.live}/${t.directories} directories live, ${t.users} users, ${t.groups} groups, ${t.memberships} memberships`
  )
}).pipe(Effect.delay("1 second"), Effect.forever)

const withProgress = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const ticker = yield* Effect.fork(progress)
    const result = yield* effect
    yield* Fiber.interrupt(ticker)
    return result
  })

// ---------------------------------------------------------------------------------------------
// Is the file equal to WorkOS? (field for field, through the public models)
// ---------------------------------------------------------------------------------------------

const userJson = (user: DirectoryUser.DirectoryUser) =>
  JSON.stringify(
    Schema.encodeSync(DirectoryUser.DirectoryUser)(DirectoryUser.DirectoryUser.make({ ...user, groups: [] }))
  )
const directoryJson = (d: Directory.Directory) =>
  JSON.stringify(Schema.encodeSync(Directory.Directory)(Directory.Directory.make({ ...d, metadata: undefined })))

const all = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

// The differences between the store and WorkOS (none when equal).
const differences = Effect.gen(function*() {
  const directorySync = yield* DirectorySync.DirectorySync
  const store = yield* MirrorStore.MirrorStore
  const problems: Array<string> = []
  const remote = yield* all(directorySync.streamDirectories())
  const local = yield* all(store.directories())
  if (remote.map(directoryJson).sort().join() !== local.map(directoryJson).sort().join()) {
    problems.push(`directories: ${remote.length} at WorkOS, ${local.length} in the store`)
  }
  for (const directory of remote) {
    const users = (yield* all(directorySync.streamUsers({ directory: directory.id }))).map(userJson).sort()
    const mirrored = (yield* all(store.users({ directoryId: directory.id }))).map(userJson).sort()
    if (users.join() !== mirrored.join()) problems.push(`${directory.name}: users differ`)
    for (const group of yield* all(directorySync.streamGroups({ directory: directory.id }))) {
      const members = (yield* all(directorySync.streamUsers({ group: group.id }))).map((u) => u.id).sort()
      const stored = (yield* all(store.users({ groupId: group.id }))).map((u) => u.id).sort()
      const mirroredGroup = yield* store.getGroup(group.id)
      if (Option.isNone(mirroredGroup) || mirroredGroup.value.name !== group.name) {
        problems.push(`${directory.name}: group ${group.name} differs`)
      }
      if (members.join() !== stored.join()) problems.push(`${directory.name}: members of ${group.name} differ`)
    }
  }
  return problems
})

// ---------------------------------------------------------------------------------------------
// The burst of changes at the fake
// ---------------------------------------------------------------------------------------------

const burst = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const directories = yield* fake.directories
  let changes = 0
  for (const [i, directory] of directories.slice(0, -1).entries()) {
    const users = yield* fake.usersOf(directory.id)
    const groups = yield* fake.groupsOf(directory.id)
    for (let n = 0; n < 20; n++) {
      const hired = yield* fake.addUser({
        directoryId: directory.id,
        firstName: `New${n}`,
        lastName: `Hire${i}`,
        email: `new${n}.hire${i}@example.com`
      })
      yield* fake.addUserToGroup(hired.id, groups[n % groups.length]!.id)
      changes += 2
    }
    for (const leaver of users.slice(0, 10)) {
      yield* fake.removeUser(leaver.id)
      changes++
    }
    for (const mover of users.slice(10, 25)) {
      const current = yield* fake.groupsOfUser(mover.id)
      for (const group of current) yield* fake.removeUserFromGroup(mover.id, group.id)
      yield* fake.addUserToGroup(mover.id, groups[(i + 1) % groups.length]!.id)
      changes += current.length + 1
    }
    for (const user of users.slice(25, 30)) {
      yield* fake.updateUser(user.id, { state: "inactive" })
      changes++
    }
  }
  const removed = directories[directories.length - 1]!
  yield* fake.removeDirectory(removed.id)
  yield* Console.log(`Made ${changes} changes at the fake, and deleted the directory ${removed.name}`)
  return changes + 1
})

// ---------------------------------------------------------------------------------------------
// The demo over the localhost fake
// ---------------------------------------------------------------------------------------------

const local = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const mirror = yield* DirectoryMirror.DirectoryMirror
  yield* Console.log(`Copying every directory into ${dbFile}`)
  const [copyTime] = yield* Effect.timed(withProgress(mirror.catchUp))
  const copied = yield* totals
  yield* Console.log(
    `Copied ${copied.directories} directories, ${copied.users} users, ${copied.groups} groups and ${copied.memberships} memberships in ${
      seconds(copyTime)
    }`
  )
  // From now on the mirror follows the Events API by itself.
  const runner = yield* Effect.fork(mirror.run)
  const changes = yield* burst
  const changedAt = Date.now()
  yield* mirror.poke // as a verified webhook would
  yield* Console.log("Waiting for the mirror to catch up through the Events API...")
  // Caught up when the mirror's cursor reaches the last event the fake recorded.
  const events = yield* fake.events
  const lastEvent = events[events.length - 1]!.id
  while ((yield* mirror.status).cursor !== lastEvent && Date.now() - changedAt < 60_000) {
    yield* Effect.sleep("50 millis")
  }
  const lag = Date.now() - changedAt
  yield* Console.log(`Caught up ${lag} ms after the burst; comparing the file with the fake...`)
  const problems = yield* differences
  yield* Fiber.interrupt(runner)
  const after = yield* totals
  const stats = yield* fake.faults.stats
  yield* Console.log(
    problems.length === 0
      ? `\nThe mirror equals the fake WorkOS, field for field (${changes} changes applied ${lag} ms after the burst; settle delay ${
        seconds(settleDelay)
      })`
      : `\nThe mirror still differs from the fake:\n  ${problems.join("\n  ")}`
  )
  yield* Console.log(
    `Store: ${after.directories} directories, ${after.users} users, ${after.groups} groups, ${after.memberships} memberships`
  )
  yield* Console.log(
    `WorkOS: ${stats.requests} requests served, ${stats.rateLimited} answered 429 (limits enforced); initial copy ${
      seconds(copyTime)
    }, catch-up ${lag} ms`
  )
  if (problems.length > 0) return yield* new NotConverged({ problems: problems.length })
})

const Store = (file: string) => SqlMirrorStore.layer().pipe(Layer.provideMerge(Sqlite.layer({ filename: file })))

// The fake shows every event at once, so the demo can settle fast; WorkOS holds fresh events back for a few
// seconds, so against the real API the mirror keeps the client's default settle delay.
const Mirror = DirectoryMirror.layer({ settleDelay, pollInterval: "500 millis", concurrency: 4 })
const RealMirror = DirectoryMirror.layer({ concurrency: 4 })

const LocalWorkOS = Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
  Layer.provide(Layer.unwrapEffect(Effect.gen(function*() {
    const server = yield* Server.FakeServer
    const fake = yield* FakeWorkOS.FakeWorkOS
    yield* Console.log(`Fake WorkOS listening on ${server.baseUrl}`)
    return WorkOSClient.layer({ apiKey: yield* fake.apiKey, baseUrl: server.baseUrl })
  }))),
  Layer.provide(NodeHttpClient.layerUndici),
  Layer.provideMerge(Server.layer()),
  Layer.provideMerge(FakeWorkOS.layer({
    ...Generators.generate({ seed: 2024, directories: 6, usersPerDirectory: 400, groupsPerDirectory: 6 }),
    faults: { rateLimits: true }
  }))
)

const RealWorkOS = Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(
  Layer.provide(WorkOSClient.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)

const real = Effect.gen(function*() {
  const mirror = yield* DirectoryMirror.DirectoryMirror
  yield* Console.log(`Mirroring the WorkOS account into ${dbFile}`)
  const [time, report] = yield* Effect.timed(withProgress(mirror.catchUp))
  const t = yield* totals
  yield* Console.log(
    `${t.directories} directories, ${t.users} users, ${t.groups} groups, ${t.memberships} memberships; ${report.eventsApplied} events applied, in ${
      seconds(time)
    }`
  )
})

const main = Effect.gen(function*() {
  Fs.mkdirSync(Path.dirname(dbFile), { recursive: true })
  for (const suffix of ["", "-wal", "-shm"]) Fs.rmSync(`${dbFile}${suffix}`, { force: true })
  const apiKey = yield* Config.option(Config.string("WORKOS_API_KEY"))
  if (Option.isSome(apiKey)) {
    yield* Console.log("WORKOS_API_KEY is set: mirroring the WorkOS API")
    return yield* Effect.provide(
      real,
      RealMirror.pipe(Layer.provideMerge(Store(dbFile)), Layer.provideMerge(RealWorkOS))
    )
  }
  yield* Console.log("WORKOS_API_KEY is not set: starting a local fake WorkOS (set it to use the real API)")
  return yield* Effect.provide(local, Mirror.pipe(Layer.provideMerge(Store(dbFile)), Layer.provideMerge(LocalWorkOS)))
}).pipe(
  Effect.tapError((error) => Console.error(`\n${String(error)}`)),
  Effect.tapDefect((defect) => Console.error(Cause.pretty(defect)))
)

NodeRuntime.runMain(main.pipe(Logger.withMinimumLogLevel(LogLevel.Warning)), { disableErrorReporting: true })
