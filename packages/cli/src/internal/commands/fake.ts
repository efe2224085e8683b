/**
 * `fake serve`: the testing package's fake WorkOS on localhost, seeded with
 * generated directories, so every command can be tried offline.
 */
import { FakeWorkOS, Generators } from "@effect-workos/testing"
import * as Server from "@effect-workos/testing/Server"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ListenError, UsageError } from "../../CliError.js"
import { Io } from "../../Io.js"

/** The port `fake serve` listens on by default. */
export const defaultPort = 7373

const count = (name: string, description: string, fallback: number) =>
  Options.integer(name).pipe(Options.withDescription(description), Options.withDefault(fallback))

const reason = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "EADDRINUSE"
    ? "the port is in use"
    : cause instanceof Error
    ? cause.message
    : String(cause)

const serve = Command.make(
  "serve",
  {
    port: count("port", "Port on 127.0.0.1 (0 picks a free one)", defaultPort),
    seed: count("seed", "Seed of the generated data: the same seed gives the same ids and names", 1),
    organizations: count("organizations", "Organizations to generate, each with one directory", 3),
    users: count("users", "Users per directory", 50),
    groups: count("groups", "Groups per directory", 5)
  },
  (flags) =>
    Effect.gen(function*() {
      const io = yield* Io
      const bad = Object.entries(flags).find(([name, value]) => value < 0 || (name === "port" && value > 65535))
      if (bad !== undefined) {
        return yield* new UsageError({ message: `--${bad[0]} is out of range`, hint: "use a whole number from 0" })
      }
      const data = Generators.generate({
        seed: flags.seed,
        directories: flags.organizations,
        usersPerDirectory: flags.users,
        groupsPerDirectory: flags.groups
      })
      const running = Layer.provideMerge(Server.layer({ port: flags.port }), FakeWorkOS.layer(data))
      return yield* Effect.gen(function*() {
        const server = yield* Server.FakeServer
        const apiKey = Redacted.value(yield* (yield* FakeWorkOS.FakeWorkOS).apiKey)
        yield* io.out(
          [
            `Fake WorkOS on ${server.baseUrl}: ${data.directories.length} directories, ${data.users.length} users, `
            + `${data.groups.length} groups (seed ${flags.seed})`,
            "Use it from another terminal:",
            `  export WORKOS_BASE_URL=${server.baseUrl}`,
            `  export WORKOS_API_KEY=${apiKey}`,
            "Stop with Ctrl-C.",
            ""
          ].join("\n")
        )
        return yield* Effect.never
      }).pipe(
        Effect.provide(running),
        Effect.catchTag("ServeError", (error) => new ListenError({ port: flags.port, reason: reason(error.cause) })),
        Effect.catchTag("FakeWorkOSError", (error) =>
          new UsageError({ message: `cannot seed the fake: ${error.message}`, hint: "try other --seed or counts" }))
      )
    })
).pipe(Command.withDescription("Run the fake WorkOS on localhost with generated data, until Ctrl-C"))

/** `fake`. */
export const command = Command.make("fake").pipe(
  Command.withDescription("The fake WorkOS from @effect-workos/testing, for trying everything offline"),
  Command.withSubcommands([serve])
)
