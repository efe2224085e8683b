/**
 * The fake WorkOS from `@effect-workos/testing` on a localhost port, for
 * running the examples (or your own code) offline: it prints the
 * `WORKOS_BASE_URL` and `WORKOS_API_KEY` to use, and runs until Ctrl-C. Its
 * data is generated, plus the directory the README's quick start reads; every
 * 10 seconds a user of that directory changes state, as a directory provider
 * would, which records a `dsync.user.updated` event for
 * `examples/sync-events.ts` to follow.
 *
 * Run it from the repository root with `pnpm fake` (`PORT` sets the port, default 4010).
 */
import { FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import { NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Redacted, Schedule } from "effect"

// The directory id of the README's quick start.
const quickStartDirectory = "directory_01ECAZ4NV9QMV47GW873HDCX74"

const addQuickStartDirectory = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const directory = yield* fake.addDirectory({ id: quickStartDirectory, name: "Foo Corp", domain: "foo-corp.com" })
  for (const [firstName, lastName] of [["Ada", "Lovelace"], ["Alan", "Turing"], ["Grace", "Hopper"]] as const) {
    const email = `${firstName.toLowerCase()}@foo-corp.com`
    yield* fake.addUser({ directoryId: directory.id, firstName, lastName, email })
  }
})

// A provider at work: the next user of the quick start's directory turns inactive, or active again.
const providerActivity = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  let turn = 0
  const step = Effect.gen(function*() {
    const users = yield* fake.usersOf(quickStartDirectory)
    const user = users[turn++ % users.length]!
    const updated = yield* fake.updateUser(user.id, { state: user.state === "active" ? "inactive" : "active" })
    yield* Console.log(`provider: ${updated.email} is now ${updated.state} (recorded dsync.user.updated)`)
  })
  return yield* step.pipe(Effect.delay("10 seconds"), Effect.repeat(Schedule.forever))
})

const announce = Effect.gen(function*() {
  const server = yield* Server.FakeServer
  const fake = yield* FakeWorkOS.FakeWorkOS
  yield* Console.log(`Fake WorkOS listening on ${server.baseUrl}. To use it, in another terminal:\n`)
  yield* Console.log(`  export WORKOS_BASE_URL=${server.baseUrl}`)
  // The fake's key is a test key that opens nothing but this fake: printing it is the point.
  yield* Console.log(`  export WORKOS_API_KEY=${Redacted.value(yield* fake.apiKey)}\n`)
  yield* Console.log("Directories:")
  for (const directory of yield* fake.directories) {
    const users = yield* fake.usersOf(directory.id)
    yield* Console.log(`  ${directory.id}  ${directory.name} (${users.length} users)`)
  }
  yield* Console.log("\nCtrl-C to stop.")
})

const Fake = Layer.unwrapEffect(Effect.gen(function*() {
  const port = yield* Config.integer("PORT").pipe(Config.withDefault(4010))
  return Server.layer({ port }).pipe(
    Layer.provideMerge(FakeWorkOS.layer(
      Generators.generate({ seed: 2024, directories: 3, usersPerDirectory: 50, groupsPerDirectory: 3 })
    ))
  )
}))

const main = Effect.all([addQuickStartDirectory, announce, providerActivity], { discard: true }).pipe(
  Effect.provide(Fake),
  Effect.tapError((error) => Console.error(String(error)))
)

NodeRuntime.runMain(main, { disableErrorReporting: true })
