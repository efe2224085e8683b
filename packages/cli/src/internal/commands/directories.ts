/**
 * `directories list|get|delete`.
 */
import { DirectorySync } from "@effect-workos/core"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { AbortedError } from "../../CliError.js"
import { Io } from "../../Io.js"
import * as Connection from "../connection.js"
import * as Flags from "../flags.js"
import * as Output from "../output.js"
import { directoryLayout, encodeDirectories } from "../records.js"
import { checkLimit, limited, printOne } from "./common.js"

const id = Args.text({ name: "directory-id" }).pipe(Args.withDescription("A directory id (directory_...)"))

const list = Command.make(
  "list",
  {
    ...Connection.options,
    ...Flags.paging,
    limit: Flags.limit,
    format: Flags.format,
    organization: Flags.filter("organization", "Only the directories of this organization (organization_id)"),
    search: Flags.filter("search", "Only directories whose name contains this text"),
    domain: Flags.filter("domain", "Only the directories of this domain (deprecated by WorkOS)")
  },
  (flags) =>
    Effect.gen(function*() {
      yield* checkLimit(flags.limit)
      const directorySync = yield* DirectorySync.DirectorySync
      yield* Output.exportStream({
        stream: limited(
          directorySync.streamDirectories({
            ...Flags.pageOptions(flags, false),
            organizationId: Option.getOrUndefined(flags.organization),
            search: Option.getOrUndefined(flags.search),
            domain: Option.getOrUndefined(flags.domain)
          }),
          flags.limit
        ),
        encode: encodeDirectories,
        layout: directoryLayout,
        format: flags.format,
        noun: "directories"
      })
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("List directories, page by page (GET /directories)"))

const get = Command.make(
  "get",
  { ...Connection.options, format: Flags.format, id },
  (flags) =>
    Effect.gen(function*() {
      const directory = yield* (yield* DirectorySync.DirectorySync).getDirectory(flags.id)
      yield* printOne(directory, encodeDirectories, directoryLayout, flags.format)
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("Show one directory (GET /directories/{id})"))

const confirm = (directoryId: string) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (!io.inIsTTY) {
      return yield* new AbortedError({
        message: `not deleting ${directoryId}: no terminal to confirm on`,
        hint: "pass --yes to delete without asking"
      })
    }
    yield* io.err(`Delete directory ${directoryId} with all its users and groups? This cannot be undone. [y/N] `)
    const answer = (yield* io.readLine).trim().toLowerCase()
    if (answer !== "y" && answer !== "yes") {
      return yield* new AbortedError({
        message: `not deleting ${directoryId}`,
        hint: "answer y to delete, or pass --yes"
      })
    }
  })

const remove = Command.make(
  "delete",
  {
    ...Connection.options,
    id,
    yes: Options.boolean("yes").pipe(
      Options.withAlias("y"),
      Options.withDescription("Delete without asking (needed when stdin is not a terminal)")
    )
  },
  (flags) =>
    Effect.gen(function*() {
      if (!flags.yes) yield* confirm(flags.id)
      yield* (yield* DirectorySync.DirectorySync).deleteDirectory(flags.id)
      yield* (yield* Io).err(`Deleted directory ${flags.id}\n`)
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("Delete a directory for good (DELETE /directories/{id}); asks first unless --yes"))

/** `directories`. */
export const command = Command.make("directories").pipe(
  Command.withDescription("Directories: list, get, delete"),
  Command.withSubcommands([list, get, remove])
)
