/**
 * `users list|get`.
 */
import { DirectorySync } from "@effect-workos/core"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../connection.js"
import * as Flags from "../flags.js"
import * as Output from "../output.js"
import { encodeUsers, userLayout } from "../records.js"
import { checkLimit, clientSide, limited, printOne } from "./common.js"

const list = Command.make(
  "list",
  {
    ...Connection.options,
    ...Flags.paging,
    limit: Flags.limit,
    format: Flags.format,
    directory: Flags.filter("directory", "Users of this directory (directory_...); this or --group is required"),
    group: Flags.filter("group", "Users of this group (directory_group_...)"),
    email: Flags.filter("email", "Only the user with this primary email (needs --directory)"),
    idpId: Flags.filter("idp-id", "Only the user with this identity-provider id (needs --directory)"),
    state: Options.choice("state", ["active", "inactive", "suspended"]).pipe(
      Options.withDescription(`Only users in this state. ${clientSide}`),
      Options.optional
    )
  },
  (flags) =>
    Effect.gen(function*() {
      yield* checkLimit(flags.limit)
      const directorySync = yield* DirectorySync.DirectorySync
      const users = directorySync.streamUsers({
        ...Flags.pageOptions(flags, Option.isSome(flags.state)),
        directory: Option.getOrUndefined(flags.directory),
        group: Option.getOrUndefined(flags.group),
        email: Option.getOrUndefined(flags.email),
        idpId: Option.getOrUndefined(flags.idpId)
      })
      const filtered = Option.match(flags.state, {
        onNone: () => users,
        onSome: (state) => Stream.filter(users, (user) => user.state === state)
      })
      yield* Output.exportStream({
        stream: limited(filtered, flags.limit),
        encode: encodeUsers,
        layout: userLayout,
        format: flags.format,
        noun: "users"
      })
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("List the users of a directory or group, page by page (GET /directory_users)"))

const get = Command.make(
  "get",
  {
    ...Connection.options,
    format: Flags.format,
    id: Args.text({ name: "user-id" }).pipe(Args.withDescription("A directory user id (directory_user_...)"))
  },
  (flags) =>
    Effect.gen(function*() {
      const user = yield* (yield* DirectorySync.DirectorySync).getUser(flags.id)
      yield* printOne(user, encodeUsers, userLayout, flags.format)
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(Command.withDescription("Show one directory user (GET /directory_users/{id})"))

/** `users`. */
export const command = Command.make("users").pipe(
  Command.withDescription("Directory users: list, get"),
  Command.withSubcommands([list, get])
)
