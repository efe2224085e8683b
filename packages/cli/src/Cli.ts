/**
 * The `workos-dsync` command tree, and `run`, which parses a command line,
 * runs it and returns its exit code: every failure is printed as one line
 * with a hint on stderr, never as a stack trace.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as ExitCode from "./ExitCode.js"
import * as Directories from "./internal/commands/directories.js"
import * as Events from "./internal/commands/events.js"
import * as Fake from "./internal/commands/fake.js"
import * as Groups from "./internal/commands/groups.js"
import * as Mirror from "./internal/commands/mirror.js"
import * as Users from "./internal/commands/users.js"
import * as Verify from "./internal/commands/verify.js"
import * as Failure from "./internal/failure.js"
import { Io } from "./Io.js"

/**
 * The version printed by `--version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.0.0"

/**
 * The root command with every subcommand.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("workos-dsync").pipe(
  Command.withDescription(
    "WorkOS Directory Sync from the command line. The API key comes from --api-key or WORKOS_API_KEY, "
      + "the base URL from --base-url or WORKOS_BASE_URL. Exit codes: 0 ok, 1 internal error, 2 usage, "
      + "3 configuration, 4 key rejected or not allowed, 5 not found, 6 request rejected, 7 WorkOS unavailable, "
      + "8 network, 9 unexpected response, 10 verify failed, 11 not confirmed, 12 database, 130 interrupted."
  ),
  Command.withSubcommands([
    Verify.command,
    Directories.command,
    Users.command,
    Groups.command,
    Events.command,
    Mirror.command,
    Fake.command
  ])
)

const cli = Command.run(command, { name: "workos-dsync", version })

/**
 * Runs one command line (`argv` as `process.argv`: the first two entries are
 * skipped) and returns its exit code. Interruption (Ctrl-C) is not caught:
 * the caller maps it to `ExitCode.interrupted`.
 *
 * @example
 * ```ts
 * import { Cli, Io } from "@effect-workos/cli"
 * import { NodeContext, NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 *
 * const code = Cli.run(["node", "workos-dsync", "--help"]).pipe(
 *   Effect.provide(Layer.mergeAll(Io.layerNode, NodeContext.layer, NodeHttpClient.layerUndici))
 * )
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<
  number,
  never,
  Io | HttpClient.HttpClient | CliApp.CliApp.Environment
> =>
  Effect.gen(function*() {
    const io = yield* Io
    const fail = (rendered: Failure.Rendered) => Effect.as(io.err(Failure.line(rendered)), rendered.code)
    return yield* cli(argv).pipe(
      Effect.as(ExitCode.success),
      // @effect/cli has printed the usage problem already.
      Effect.catchIf(ValidationError.isValidationError, () => Effect.succeed(ExitCode.usage)),
      Effect.catchAll((error) => fail(Failure.render(error))),
      Effect.catchAllDefect((defect) =>
        fail({ code: ExitCode.internal, message: `internal error: ${String(defect)}`, hint: "please report this" })
      ),
      Effect.provide(CliConfig.layer({ showBuiltIns: false }))
    )
  })
