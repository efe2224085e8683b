/**
 * `mirror --db <file | postgres URL>`: the directory mirror of
 * `@effect-workos/sync`, into SQLite or PostgreSQL. stdout stays empty; the
 * status goes to stderr, so a service manager's log shows it.
 */
import { Events } from "@effect-workos/core"
import { DirectoryMirror, SqlMirrorStore } from "@effect-workos/sync"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import { UsageError } from "../../CliError.js"
import { Io } from "../../Io.js"
import * as Connection from "../connection.js"
import * as Database from "../database.js"

const whole = (name: string, description: string, fallback: number) =>
  Options.integer(name).pipe(Options.withDescription(description), Options.withDefault(fallback))

const flags = {
  ...Connection.options,
  db: Options.text("db").pipe(
    Options.withDescription(
      "Where to mirror: an SQLite file path (created if missing), or postgres://user:password@host:5432/database"
    )
  ),
  once: Options.boolean("once").pipe(
    Options.withDescription("Catch up (copy new directories, apply settled events) and exit, instead of following")
  ),
  directory: Options.text("directory").pipe(
    Options.withDescription("Mirror only this directory (directory_...); repeat for several. Default: all of them"),
    Options.repeated
  ),
  concurrency: whole("concurrency", "Directories copied at once", 4),
  settleDelay: whole(
    "settle-delay",
    "Seconds an event must age before it is applied: WorkOS holds fresh events back briefly",
    Duration.toSeconds(Events.defaultSettleDelay)
  ),
  pollInterval: whole("poll-interval", "Seconds between polls of the Events API once caught up", 5),
  reconcileEvery: whole(
    "reconcile-every",
    "Hours between full listings of each directory, which find removals events missed",
    Duration.toHours(DirectoryMirror.defaultReconcileEvery)
  ),
  statusEvery: whole("status-every", "Seconds between status lines on stderr while following", 10),
  tablePrefix: Options.text("table-prefix").pipe(
    Options.withDescription("Prefix of the mirror's tables"),
    Options.withDefault(SqlMirrorStore.defaultTablePrefix)
  )
}

type Flags = Command.Command.ParseConfig<typeof flags>

const seconds = (duration: Duration.Duration | null) =>
  duration === null ? "-" : `${(Duration.toMillis(duration) / 1000).toFixed(1)} s`

/** One line of status: phases, counts, cursor age and lag. */
export const statusLine = (status: DirectoryMirror.MirrorStatus): string => {
  const total = (f: (directory: DirectoryMirror.DirectoryStatus) => number) =>
    status.directories.reduce((sum, directory) => sum + f(directory), 0)
  const live = status.directories.filter((directory) => directory.phase === "live").length
  return `mirror: ${live}/${status.directories.length} directories live, ${total((d) => d.counts.users)} users, `
    + `${total((d) => d.counts.groups)} groups, ${total((d) => d.counts.memberships)} memberships; `
    + `cursor age ${seconds(status.cursorAge)}, lag ${seconds(status.lag)}\n`
}

const printStatus = Effect.gen(function*() {
  const mirror = yield* DirectoryMirror.DirectoryMirror
  yield* (yield* Io).err(statusLine(yield* mirror.status))
})

const once = Effect.gen(function*() {
  const report = yield* (yield* DirectoryMirror.DirectoryMirror).catchUp
  yield* printStatus
  yield* (yield* Io).err(
    `mirror: caught up; ${report.directoriesSynced} directories copied, ${report.eventsApplied} events applied\n`
  )
})

// The engine retries its own failures; the status line keeps the log alive while nothing changes.
const follow = (statusEvery: number) =>
  Effect.gen(function*() {
    const mirror = yield* DirectoryMirror.DirectoryMirror
    yield* Effect.forkScoped(
      Effect.repeat(Effect.ignore(printStatus), Schedule.spaced(Duration.seconds(statusEvery)))
    )
    return yield* mirror.run
  }).pipe(Effect.scoped)

const checkFlags = (flags: Flags) => {
  const bad = (["concurrency", "statusEvery", "pollInterval", "reconcileEvery"] as const).find((name) =>
    flags[name] < 1
  )
  if (bad !== undefined || flags.settleDelay < 0) {
    return Effect.fail(
      new UsageError({
        message: `--${bad === undefined ? "settle-delay" : kebab(bad)} is out of range`,
        hint: "use a whole number from 1 (from 0 for --settle-delay)"
      })
    )
  }
  return Effect.void
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)

const engine = (flags: Flags, database: Database.Database) =>
  DirectoryMirror.layer({
    directories: flags.directory.length === 0 ? undefined : flags.directory,
    concurrency: flags.concurrency,
    settleDelay: Duration.seconds(flags.settleDelay),
    pollInterval: Duration.seconds(flags.pollInterval),
    reconcileEvery: Duration.hours(flags.reconcileEvery)
  }).pipe(
    Layer.provide(SqlMirrorStore.layer({ tablePrefix: flags.tablePrefix })),
    Layer.provide(Database.layer(database))
  )

/** `mirror`. */
export const command = Command.make("mirror", flags, (flags) =>
  Effect.gen(function*() {
    yield* checkFlags(flags)
    const database = yield* Database.parse(flags.db)
    yield* (yield* Io).err(`mirror: into ${Database.describe(database)}\n`)
    const program = flags.once ? once : follow(flags.statusEvery)
    return yield* program.pipe(
      Effect.provide(engine(flags, database)),
      // "directory synced" lines let a user follow the first copy.
      Logger.withMinimumLogLevel(LogLevel.Info)
    )
  }).pipe((effect) => Connection.provideApi(flags, effect))).pipe(
    Command.withDescription(
      "Keep a copy of every directory, user, group and membership in SQLite or PostgreSQL, current through the "
        + "Events API (@effect-workos/sync). Runs until Ctrl-C, or with --once catches up and exits. "
        + "Status on stderr; one process per SQLite file."
    )
  )
