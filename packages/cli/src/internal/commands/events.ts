/**
 * `events tail`: Directory Sync events as NDJSON, oldest first, resumable
 * from the id of the last event printed.
 */
import { DirectorySyncEvent, Events } from "@effect-workos/core"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Arr from "effect/Array"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { UsageError } from "../../CliError.js"
import { Io } from "../../Io.js"
import * as Connection from "../connection.js"
import * as Flags from "../flags.js"

const pageSize = 100

// Events were decoded from their wire form a moment ago: encoding them back cannot fail.
const encode = (events: ReadonlyArray<DirectorySyncEvent.DirectorySyncEvent>) =>
  Effect.orDie(Effect.forEach(events, (event) => Schema.encode(DirectorySyncEvent.DirectorySyncEvent)(event)))

interface Filters {
  readonly events: Arr.NonEmptyReadonlyArray<string> | undefined
  readonly organizationId: string | undefined
}

// Every event visible now, page after page, then the end (no waiting for more).
const catchUp = (events: Events.Service, filters: Filters, after: string | undefined, rangeStart: string | undefined) =>
  Stream.paginateChunkEffect(after, (cursor) =>
    Effect.map(
      events.listEvents({
        ...filters,
        limit: pageSize,
        order: "asc",
        ...(cursor === undefined ? { rangeStart } : { after: cursor })
      }),
      (page) => {
        const last = Arr.last(page.data)
        const more = page.data.length === pageSize && Option.isSome(last)
        return [
          Chunk.unsafeFromArray(page.data),
          more ? Option.map(last, (event) => event.id) : Option.none<string>()
        ] as const
      }
    ))

const tail = Command.make(
  "tail",
  {
    ...Connection.options,
    after: Flags.filter("after", "Start after this event id: the id of the last event you handled"),
    follow: Options.boolean("follow").pipe(
      Options.withAlias("F"),
      Options.withDescription("Keep polling for new events until Ctrl-C")
    ),
    events: Options.text("events").pipe(
      Options.withDescription("Only these event names, comma-separated (default: every dsync.* event)"),
      Options.optional
    ),
    organization: Flags.filter("organization", "Only the events of this organization (organization_id)"),
    rangeStart: Flags.filter("range-start", "Start at this ISO 8601 time (not with --after)"),
    pollInterval: Options.integer("poll-interval").pipe(
      Options.withDescription("Seconds between polls with --follow"),
      Options.withDefault(5)
    )
  },
  (flags) =>
    Effect.gen(function*() {
      const io = yield* Io
      if (Option.isSome(flags.after) && Option.isSome(flags.rangeStart)) {
        return yield* new UsageError({
          message: "--after and --range-start cannot be used together",
          hint: "resume with --after alone"
        })
      }
      const names = Option.flatMap(flags.events, (text) =>
        Arr.match(
          text.split(",").map((name) => name.trim()).filter((name) => name !== ""),
          {
            onEmpty: () => Option.none(),
            onNonEmpty: Option.some
          }
        ))
      const filters: Filters = {
        events: Option.getOrUndefined(names),
        organizationId: Option.getOrUndefined(flags.organization)
      }
      const events = yield* Events.Events
      const after = Option.getOrUndefined(flags.after)
      const rangeStart = Option.getOrUndefined(flags.rangeStart)
      const stream = flags.follow
        ? events.streamEvents({
          ...filters,
          after,
          rangeStart,
          pollInterval: Duration.seconds(Math.max(1, flags.pollInterval))
        })
        : catchUp(events, filters, after, rangeStart)
      const last = yield* Ref.make(Option.none<string>())
      yield* Stream.runForEachChunk(stream, (chunk) =>
        Effect.gen(function*() {
          const wire = yield* encode(Chunk.toReadonlyArray(chunk))
          yield* io.out(wire.map((event) => `${JSON.stringify(event)}\n`).join(""))
          yield* Ref.set(last, Option.map(Chunk.last(chunk), (event) => event.id))
        })).pipe(
          Effect.ensuring(
            Effect.flatMap(Ref.get(last), (id) =>
              Option.match(id, {
                onNone: () => Effect.void,
                onSome: (id) => io.err(`resume with: --after ${id}\n`)
              }))
          )
        )
    }).pipe((effect) => Connection.provideApi(flags, effect))
).pipe(
  Command.withDescription(
    "Print Directory Sync events as NDJSON, oldest first (GET /events); --follow keeps polling. "
      + "The last event's id is printed on stderr at the end: pass it as --after to resume."
  )
)

/** `events`. */
export const command = Command.make("events").pipe(
  Command.withDescription("Directory Sync events: tail"),
  Command.withSubcommands([tail])
)
