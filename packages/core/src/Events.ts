/**
 * The Events API: read one page of events (`GET /events`), or follow the
 * event log as a `Stream` that catches up from a cursor, keeps polling, emits
 * each event once and in order, and resumes from the id of the last event you
 * processed.
 *
 * @since 0.1.0
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Arr from "effect/Array"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as DirectorySyncEvent from "./DirectorySyncEvent.js"
import { required } from "./internal/fields.js"
import type { UnknownString } from "./internal/openEnum.js"
import { checkFilter, checkOptions, checkPage, describe, isWellFormed, validate } from "./internal/params.js"
import { parseTimestamp } from "./internal/timestamp.js"
import type * as Pagination from "./Pagination.js"
import { WorkOSClient } from "./WorkOSClient.js"
import * as WorkOSError from "./WorkOSError.js"

/**
 * A point in time: a `DateTime`, or an ISO 8601 string (no zone means UTC).
 *
 * @since 0.1.0
 * @category models
 */
export type TimeInput = DateTime.DateTime | string

/**
 * Which events to read and where.
 *
 * @since 0.1.0
 * @category models
 */
export interface FilterOptions {
  /**
   * Event names, sent comma-separated (default: every `dsync.*` event in
   * `DirectorySyncEvent.eventNames`). Names this library does not type arrive
   * as `UnknownEvent`.
   */
  readonly events?: Arr.NonEmptyReadonlyArray<DirectorySyncEvent.EventName | UnknownString> | undefined
  /** Only events of this organization. */
  readonly organizationId?: string | undefined
}

/**
 * Options of `listEvents`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListEventsOptions extends FilterOptions {
  /** Only events created after this time. */
  readonly rangeStart?: TimeInput | undefined
  /** Only events created before this time. */
  readonly rangeEnd?: TimeInput | undefined
  /** An event id: the page of events after it. */
  readonly after?: string | undefined
  /** An event id: the page of events before it (not with `after`). */
  readonly before?: string | undefined
  /** Events per page, 1 to 100 (WorkOS default 10). */
  readonly limit?: number | undefined
  /** Order by creation time (WorkOS default `desc`). */
  readonly order?: Pagination.Order | undefined
}

/**
 * Options of `streamEvents`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamEventsOptions extends FilterOptions {
  /**
   * Resume after this event: the `id` of the last event you finished
   * processing. Persist it after each event and pass it back on restart.
   */
  readonly after?: string | undefined
  /**
   * Where to start when there is no `after` cursor. Without either, the
   * stream starts at the oldest event WorkOS still keeps (30 days).
   */
  readonly rangeStart?: TimeInput | undefined
  /** Events per request, 1 to 100 (default 100). */
  readonly limit?: number | undefined
  /** The wait between polls once the stream has caught up (default 5 seconds). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /**
   * How old an event must be, by the local `Clock`, before the stream emits
   * it (default 5 seconds). WorkOS holds fresh events back from cursor reads
   * for a few seconds, so reading past a fresh event could step over an older
   * one that is not visible yet and lose it for good. The stream stops at the
   * first unsettled event and reads again from the last emitted one. Keep it
   * above the clock skew between you and WorkOS.
   */
  readonly settleDelay?: Duration.DurationInput | undefined
}

/**
 * Cursor after a page of events. WorkOS sets it to the page's last event id;
 * to follow the log, pass the id of the last event you processed as `after`.
 *
 * @since 0.1.0
 * @category models
 */
export class EventListMetadata extends Schema.Class<EventListMetadata>("@effect-workos/core/EventListMetadata")({
  after: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
}) {}

/**
 * One page of events.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventPage {
  readonly data: ReadonlyArray<DirectorySyncEvent.DirectorySyncEvent>
  readonly listMetadata: EventListMetadata
}

/**
 * Schema of a `GET /events` response.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventPage = Schema.Struct({
  data: Schema.Array(DirectorySyncEvent.DirectorySyncEvent),
  listMetadata: required(EventListMetadata, "list_metadata")
})

/**
 * The Events API operations. Both fail only with `WorkOSError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /events`: one page. */
  readonly listEvents: (options?: ListEventsOptions) => Effect.Effect<EventPage, WorkOSError.WorkOSError>
  /**
   * Every event from a cursor on, then new ones as they settle, polling
   * forever: each event once, oldest first. A request failure that outlasts
   * the client's retries ends the stream; restart it from your saved cursor.
   */
  readonly streamEvents: (
    options?: StreamEventsOptions
  ) => Stream.Stream<DirectorySyncEvent.DirectorySyncEvent, WorkOSError.WorkOSError>
}

/**
 * The Events API service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Events extends Context.Tag("@effect-workos/core/Events")<Events, Service>() {}

/**
 * How long `streamEvents` waits between polls once caught up, unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPollInterval: Duration.Duration = Duration.seconds(5)

/**
 * How old an event must be before `streamEvents` emits it, unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSettleDelay: Duration.Duration = Duration.seconds(5)

const invalid = (parameter: string, message: string) => new WorkOSError.InvalidParameterError({ parameter, message })

const checkEvents = (events: unknown): WorkOSError.InvalidParameterError | undefined => {
  if (events === undefined) return undefined
  if (!Array.isArray(events) || events.length === 0) {
    return invalid("events", "events must be a non-empty array of event names")
  }
  const bad: unknown = events.find((name: unknown) =>
    typeof name !== "string" || name === "" || name.includes(",") || !isWellFormed(name)
  )
  return bad === undefined
    ? undefined
    : invalid("events", `events must be non-empty names without commas, got ${describe(bad)}`)
}

// An optional time option as UTC; a string that is no timestamp is an InvalidParameterError.
const toTime = (
  parameter: string,
  input: TimeInput | undefined
): Effect.Effect<Option.Option<DateTime.Utc>, WorkOSError.InvalidParameterError> => {
  if (input === undefined) return Effect.succeedNone
  if (DateTime.isDateTime(input)) return Effect.succeedSome(DateTime.toUtc(input))
  if (typeof input !== "string") {
    return Effect.fail(invalid(parameter, `${parameter} must be a DateTime or an ISO 8601 timestamp`))
  }
  return Option.match(parseTimestamp(input), {
    onNone: () => Effect.fail(invalid(parameter, `${parameter} must be a DateTime or an ISO 8601 timestamp`)),
    onSome: Effect.succeedSome
  })
}

const formatTime = (time: Option.Option<DateTime.Utc>): string | undefined =>
  Option.getOrUndefined(Option.map(time, DateTime.formatIso))

const toDuration = (parameter: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) =>
  input === undefined ? Effect.succeed(fallback) : Option.match(Duration.decodeUnknown(input), {
    onNone: () => Effect.fail(invalid(parameter, `${parameter} must be a duration such as "5 seconds"`)),
    onSome: Effect.succeed
  })

const annotate = (attributes: Record<string, string | number | undefined>) =>
  Effect.annotateCurrentSpan(Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)))

/**
 * Builds the service over the `WorkOSClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, WorkOSClient> = Effect.gen(function*() {
  const client = yield* WorkOSClient

  const listEvents = Effect.fn("Events.listEvents")(function*(options: ListEventsOptions = {}) {
    yield* validate(checkOptions("options", options))
    yield* annotate({
      "workos.organization.id": options.organizationId,
      "workos.page.after": options.after,
      "workos.page.before": options.before,
      "workos.page.limit": options.limit,
      "workos.page.order": options.order
    })
    yield* validate(
      checkEvents(options.events),
      checkFilter("organizationId", options.organizationId),
      checkPage(options),
      options.before !== undefined && options.after !== undefined
        ? invalid("before", "before and after cannot be used together")
        : undefined
    )
    const rangeStart = yield* toTime("rangeStart", options.rangeStart)
    const rangeEnd = yield* toTime("rangeEnd", options.rangeEnd)
    if (
      Option.isSome(rangeStart) && Option.isSome(rangeEnd) && DateTime.greaterThan(rangeStart.value, rangeEnd.value)
    ) {
      return yield* invalid("rangeStart", "rangeStart must not be after rangeEnd")
    }
    const request = HttpClientRequest.get("/events").pipe(HttpClientRequest.setUrlParams({
      events: (options.events ?? DirectorySyncEvent.eventNames).join(","),
      organization_id: options.organizationId,
      range_start: formatTime(rangeStart),
      range_end: formatTime(rangeEnd),
      after: options.after,
      before: options.before,
      limit: options.limit,
      order: options.order
    }))
    return yield* client.json(request, EventPage)
  })

  const streamEvents = (
    options: StreamEventsOptions = {}
  ): Stream.Stream<DirectorySyncEvent.DirectorySyncEvent, WorkOSError.WorkOSError> =>
    Stream.unwrap(Effect.gen(function*() {
      yield* validate(checkOptions("options", options))
      const pollInterval = yield* toDuration("pollInterval", options.pollInterval, defaultPollInterval)
      const settleDelay = yield* toDuration("settleDelay", options.settleDelay, defaultSettleDelay)
      if (!Duration.greaterThan(pollInterval, Duration.zero)) {
        return yield* invalid("pollInterval", "pollInterval must be longer than zero")
      }
      // Only a missing limit takes the default: `null` is rejected by listEvents.
      const limit = options.limit === undefined ? 100 : options.limit
      const filters = { events: options.events, organizationId: options.organizationId, limit, order: "asc" } as const
      // listEvents checks the rest on the first poll; rangeStart is not sent once resuming from a cursor.
      yield* toTime("rangeStart", options.rangeStart)

      // One poll: read after the cursor (or from rangeStart until there is one), emit the
      // settled prefix, and move the cursor only over what was emitted.
      const poll = Effect.fn("Events.streamEvents.poll")(function*(cursor: string | undefined) {
        yield* annotate({ "workos.page.after": cursor })
        const page = yield* listEvents(
          cursor === undefined ? { ...filters, rangeStart: options.rangeStart } : { ...filters, after: cursor }
        )
        // A page after the cursor that holds the cursor's own event: the server ignored
        // `after`, and following it would emit the same events again forever.
        if (cursor !== undefined && page.data.some((event) => event.id === cursor)) {
          return yield* new WorkOSError.DecodeError({
            status: 200,
            method: "GET",
            path: "/events",
            message: "the page after an event holds that event again: the server repeats the cursor"
          })
        }
        const settledBefore = (yield* Clock.currentTimeMillis) - Duration.toMillis(settleDelay)
        const settled = Arr.takeWhile(page.data, (event) => DateTime.toEpochMillis(event.createdAt) <= settledBefore)
        yield* annotate({ "workos.events.received": page.data.length, "workos.events.emitted": settled.length })
        // Caught up: the log has nothing more to give now (a short page, or a fresh event ahead).
        const caughtUp = page.data.length < limit || settled.length < page.data.length
        return {
          settled,
          cursor: Option.match(Arr.last(settled), { onNone: () => cursor, onSome: (event) => event.id }),
          caughtUp
        }
      })

      return Stream.unfoldChunkEffect(
        { cursor: options.after, wait: false },
        (state) =>
          Effect.gen(function*() {
            if (state.wait) yield* Effect.sleep(pollInterval)
            const result = yield* poll(state.cursor)
            return Option.some(
              [
                Chunk.unsafeFromArray(result.settled),
                { cursor: result.cursor, wait: result.caughtUp }
              ] as const
            )
          })
      )
    }))

  return Events.of({ listEvents, streamEvents })
})

/**
 * The service as a layer over `WorkOSClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Events, never, WorkOSClient> = Layer.effect(Events, make)
