/**
 * `groups list|get`.
 */
import { DirectorySync } from "@effect-workos/core"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../connection.js"
import * as Flags from "../flags.js"
import * as Output from "../output.js"
import { encodeGroups, groupLayout } from "../records.js"
import { checkLimit, clientSide, limited, printOne } from "./common.js"

const list = Command.make(
  "list",
  {
    ...Connection.options,
    ...Flags.paging,
    limit: Flags.limit,
    format: Flags.format,
    directory: Flags.filter("directory", "Groups of this directory (directory_...); this or --user is required"),
    user: Flags.filter("user", "Groups of this directory user (directory_user_...)"),
    name: Flags.filter("name", `Only groups with this name, ignoring case. ${clientSide}`)
  },
  (flags) =>
    Effect.gen(function*() {
      yield* checkLimit(flags.limit)
      const directorySync = yield* DirectorySync.DirectorySync
      const groups = directorySync.streamGroups({
        ...Flags.pageOptions(flags, Option.isSome(flags.name)),
        directory: Option.getOrUndefined(flags.directory),
        user: Option.getOrUndefined(flags.user)
      })
      const filtered = Option.match(flags.name, {
        onNone: () => groups,
        onSome: (name) => {
          const wanted = name.toLowerCase()
          return Stream.filter(groups, (group) => group.name.toLowerCase() === wanted)
        }
      })
      yield* Output.exportStream({
        stream: limited(filtered, flags.limit),
        encode: encodeGroups,
        layout: groupLayout,
        format: flags.format,
        noun: "groups"
      })
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("List the groups of a directory or user, page by page (GET /directory_groups)"))

const get = Command.make(
  "get",
  {
    ...Connection.options,
    format: Flags.format,
    id: Args.text({ name: "group-id" }).pipe(Args.withDescription("A directory group id (directory_group_...)"))
  },
  (flags) =>
    Effect.gen(function*() {
      const group = yield* (yield* DirectorySync.DirectorySync).getGroup(flags.id)
      yield* printOne(group, encodeGroups, groupLayout, flags.format)
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("Show one directory group (GET /directory_groups/{id})"))

/** `groups`. */
export const command = Command.make("groups").pipe(
  Command.withDescription("Directory groups: list, get"),
  Command.withSubcommands([list, get])
)
