/**
 * The mirror engine: keeps a `MirrorStore` equal to WorkOS's directories,
 * users, groups and memberships.
 *
 * - A directory is first copied whole (a full sync through the core streams,
 *   in constant memory and within the client's rate limits). The event cursor
 *   is taken before that, so every change made during the copy is replayed.
 * - Then it follows the Events API from that cursor, applying the settled
 *   events it has read (a page, or up to `eventsPerTransaction` of a
 *   backlog) in one transaction that also moves the cursor
 *   (compare-and-set): a crash resumes without loss or repeat, and several
 *   engines on one store never apply an event twice.
 * - Deletions leave tombstones and every write is guarded (`updated_at`, and
 *   for full syncs the point they started at), so nothing deleted comes back.
 * - A lost or expired cursor is recovered by a full reconcile of every
 *   directory, never by skipping; every directory is reconciled again after
 *   `reconcileEvery`.
 * - `onChange` runs inside each write transaction, with the same `SqlClient`
 *   in context: the application's own writes commit (or roll back) with the
 *   mirror's, exactly once.
 *
 * @since 0.1.0
 */
import * as DirectorySync from "@effect-workos/core/DirectorySync"
import type * as DirectorySyncEvent from "@effect-workos/core/DirectorySyncEvent"
import * as Events from "@effect-workos/core/Events"
import type * as WorkOSError from "@effect-workos/core/WorkOSError"
import * as Arr from "effect/Array"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Apply from "./internal/apply.js"
import * as Buffer from "./internal/buffer.js"
import * as Codec from "./internal/codec.js"
import type { MirrorChange } from "./MirrorChange.js"
import * as MirrorStore from "./MirrorStore.js"

/**
 * Options of `layer`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E = never, R = never> {
  /** Mirror only these directories (default: every directory the API key sees). */
  readonly directories?: ReadonlyArray<string> | undefined
  /**
   * How old an event must be before it is applied (default
   * `Events.defaultSettleDelay`): WorkOS holds fresh events back from cursor
   * reads for a few seconds, and stepping over one would lose it.
   */
  readonly settleDelay?: Duration.DurationInput | undefined
  /** The wait between polls of the Events API once caught up (default 5 seconds). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** How often each directory is reconciled with a full listing (default 6 hours). */
  readonly reconcileEvery?: Duration.DurationInput | undefined
  /** Directories synced at once (default 4). */
  readonly concurrency?: number | undefined
  /** Events read per request, 1 to 100 (default 100). */
  readonly pageSize?: number | undefined
  /**
   * At most this many events are applied in one transaction (default 1,000):
   * the pages read since the last write go in together, with the cursor's
   * move, so a backlog is applied with few commits. At least one page is.
   */
  readonly eventsPerTransaction?: number | undefined
  /**
   * The application's hook: runs inside the transaction that writes `change`,
   * with the same `SqlClient` in context. A failure rolls the transaction
   * back; the change is applied (and the hook run) again on the next attempt.
   */
  readonly onChange?: ((change: MirrorChange) => Effect.Effect<void, E, R>) | undefined
  /**
   * Several engines (processes) on one store share the work through leases:
   * a directory's full sync is done by one engine at a time, and one engine
   * follows the Events API in `run`. A lease lasts this long unless renewed
   * (default 30 seconds), so a crashed engine's share is taken over after
   * it. The engines' clocks must agree to well within it (NTP does).
   */
  readonly leaseTtl?: Duration.DurationInput | undefined
  /** This engine's name in the leases (default: a random one); two live engines must not share one. */
  readonly workerId?: string | undefined
}

/**
 * The `onChange` hook failed; the transaction was rolled back.
 *
 * @since 0.1.0
 * @category errors
 */
export class OnChangeError extends Schema.TaggedError<OnChangeError>("@effect-workos/sync/OnChangeError")(
  "OnChangeError",
  {
    /** The change's tag (e.g. `UserAdded`). */
    change: Schema.String,
    cause: Schema.Defect
  }
) {}

/**
 * What can stop a mirror operation: WorkOS (after the client's retries), the
 * store, or the application's hook.
 *
 * @since 0.1.0
 * @category errors
 */
export type MirrorError = WorkOSError.WorkOSError | MirrorStore.MirrorStoreError | OnChangeError

/**
 * A directory's state in the mirror: `pending` (a full sync is due),
 * `backfilling` (this engine is copying it now) or `live`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DirectoryStatus {
  readonly directoryId: string
  readonly phase: "pending" | "backfilling" | "live"
  readonly lastFullSyncAt: string | null
  readonly counts: MirrorStore.Counts
}

/**
 * The mirror's state.
 *
 * @since 0.1.0
 * @category models
 */
export interface MirrorStatus {
  readonly directories: ReadonlyArray<DirectoryStatus>
  /** The last applied event's id. */
  readonly cursor: string | null
  /** Age of the last applied event. */
  readonly cursorAge: Duration.Duration | null
  /**
   * How far behind WorkOS the store may be: the time since the last poll
   * that found nothing more to apply, plus the settle delay.
   */
  readonly lag: Duration.Duration | null
}

/**
 * What `catchUp` did.
 *
 * @since 0.1.0
 * @category models
 */
export interface CatchUpReport {
  readonly eventsApplied: number
  readonly directoriesSynced: number
}

/**
 * What a full sync of one directory found.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncReport {
  readonly directoryId: string
  /** `false` when WorkOS no longer has the directory (it was removed from the store). */
  readonly found: boolean
  readonly counts: MirrorStore.Counts
}

/**
 * The engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Runs forever: syncs new and due directories, follows events, reconciles
   * on schedule. Failures are logged and retried with backoff.
   */
  readonly run: Effect.Effect<never>
  /**
   * Applies everything available now (settled events, pending directories),
   * then returns. A directory another engine is syncing at that moment is
   * left to it.
   */
  readonly catchUp: Effect.Effect<CatchUpReport, MirrorError>
  /** A full sync (backfill and reconcile) of one directory, now. */
  readonly sync: (directoryId: string) => Effect.Effect<SyncReport, MirrorError>
  /**
   * Polls now (e.g. from a verified webhook). The payload is only a hint: the
   * mirror reads the Events API, and the cursor never moves to a webhook's id.
   * WorkOS holds fresh events back for a few seconds, so `run` polls again
   * three times after a poke (after `max(settleDelay, 1 second)`, then twice
   * and four times that, each capped by `pollInterval`).
   */
  readonly poke: Effect.Effect<void>
  readonly status: Effect.Effect<MirrorStatus, MirrorError>
}

/**
 * The mirror engine.
 *
 * @since 0.1.0
 * @category tags
 */
export class DirectoryMirror extends Context.Tag("@effect-workos/sync/DirectoryMirror")<DirectoryMirror, Service>() {}

/**
 * The reconciliation period unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultReconcileEvery: Duration.Duration = Duration.hours(6)

/**
 * How long WorkOS keeps events: a cursor older than this (less a day) is
 * treated as lost before WorkOS says so.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventRetention: Duration.Duration = Duration.days(30)

// Everything the mirror applies: every dsync event but the token ones.
const mirroredEvents = [
  "dsync.activated",
  "dsync.deleted",
  "dsync.user.created",
  "dsync.user.updated",
  "dsync.user.deleted",
  "dsync.group.created",
  "dsync.group.updated",
  "dsync.group.deleted",
  "dsync.group.user_added",
  "dsync.group.user_removed"
] as const

// Polls made after a poke even when the first finds nothing new (WorkOS may still hold the change back).
const pokeFollowUps = 3

/**
 * How long a lease lasts unless renewed, unless `leaseTtl` says otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLeaseTtl: Duration.Duration = Duration.seconds(30)

// Groups whose members a full sync lists at once. Every list shares its directory's `/directory_users` budget
// (the client counts a list by group against the group's directory, learnt from the groups list), so more at
// once only keeps the budget busy while earlier pages are in flight.
const groupConcurrency = 4

// How far before the first full sync events are replayed: covers clock skew with WorkOS.
const bootstrapMargin = Duration.minutes(1)

class CursorMoved extends Data.TaggedError("CursorMoved")<{}> {}
class DirectoryGone extends Data.TaggedError("DirectoryGone")<{}> {}

const isCursorRejection = (error: WorkOSError.WorkOSError) =>
  error._tag === "BadRequestError" || error._tag === "UnprocessableEntityError" || error._tag === "NotFoundError"

interface PollResult {
  readonly applied: number
  readonly caughtUp: boolean
  /** When the first held-back event settles. */
  readonly retryIn: Duration.Duration | undefined
}

// Moves a page's settled events into `into`: the page ends the read when it is short (the log's end)
// or holds an event back (`held`, the first not yet settled).
const take = (
  data: ReadonlyArray<DirectorySyncEvent.DirectorySyncEvent>,
  pageSize: number,
  settledBefore: number,
  into: Array<DirectorySyncEvent.DirectorySyncEvent>
) => {
  const settled = Arr.takeWhile(data, (event) => DateTime.toEpochMillis(event.createdAt) <= settledBefore)
  for (const event of settled) into.push(event)
  return { caughtUp: data.length < pageSize || settled.length < data.length, held: data[settled.length] }
}

// Every row and tombstone a page of events reads (see `applyEvent`).
const touched = (page: ReadonlyArray<DirectorySyncEvent.DirectorySyncEvent>): Buffer.Touched => {
  const directories: Array<string> = []
  const users: Array<string> = []
  const groups: Array<string> = []
  const memberships: Array<string> = []
  for (const event of page) {
    switch (event._tag) {
      case "DirectoryActivated":
      case "DirectoryDeleted":
        directories.push(event.data.id)
        break
      case "UserCreated":
      case "UserUpdated":
      case "UserDeleted":
        directories.push(event.data.directoryId)
        users.push(event.data.id)
        break
      case "GroupCreated":
      case "GroupUpdated":
      case "GroupDeleted":
        directories.push(event.data.directoryId)
        groups.push(event.data.id)
        break
      case "GroupUserAdded":
      case "GroupUserRemoved":
        directories.push(event.data.directoryId)
        users.push(event.data.user.id)
        groups.push(event.data.group.id)
        memberships.push(`${event.data.user.id}/${event.data.group.id}`)
        break
    }
  }
  return {
    rows: { directory: directories, user: users, group: groups, membership: memberships },
    tombstones: { directory: directories, user: users, group: groups }
  }
}

/**
 * Builds the engine over the `MirrorStore`, `DirectorySync` and `Events` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E = never, R = never>(
  options: Options<E, R> = {}
): Effect.Effect<Service, never, MirrorStore.MirrorStore | DirectorySync.DirectorySync | Events.Events | R> =>
  Effect.gen(function*() {
    const store = yield* MirrorStore.MirrorStore
    const directorySync = yield* DirectorySync.DirectorySync
    const events = yield* Events.Events
    const context = yield* Effect.context<R>()
    const settleDelay = Duration.decode(options.settleDelay ?? Events.defaultSettleDelay)
    const pollInterval = Duration.decode(options.pollInterval ?? Events.defaultPollInterval)
    const reconcileEvery = Duration.decode(options.reconcileEvery ?? defaultReconcileEvery)
    const concurrency = options.concurrency ?? 4
    const pageSize = options.pageSize ?? 100
    const eventsPerTransaction = options.eventsPerTransaction ?? 1000
    const included = options.directories === undefined ? undefined : new Set(options.directories)
    const include = (directoryId: string) => included === undefined || included.has(directoryId)
    const leaseTtl = Duration.toMillis(Duration.decode(options.leaseTtl ?? defaultLeaseTtl))
    const owner = options.workerId ?? `worker-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
    // How long to wait for a lease another engine holds before looking again.
    const leaseWait = Duration.millis(Math.min(1000, Math.max(10, leaseTtl / 10)))
    const pokes = yield* Queue.sliding<void>(1)
    const backfilling = yield* Ref.make(HashSet.empty<string>())
    const lastRefresh = yield* Ref.make(Option.none<number>())

    const onChange = options.onChange
    const hook = (change: MirrorChange): Effect.Effect<void, OnChangeError> =>
      onChange === undefined ? Effect.void : onChange(change).pipe(
        Effect.provide(context),
        Effect.mapError((cause) => new OnChangeError({ change: change._tag, cause }))
      )

    const now = Clock.currentTimeMillis
    const isoAt = (millis: number) => Codec.iso(DateTime.unsafeMake(Math.max(0, millis)))

    // One write transaction: lock first, then `body` with the transaction's seq.
    const write = <A, E2>(body: (tx: Apply.Tx<OnChangeError, never>, head: MirrorStore.Head) => Effect.Effect<A, E2>) =>
      store.transaction((writer) =>
        Effect.flatMap(
          writer.lock,
          (head) => body({ writer, seq: head.seq, hook, observed: onChange !== undefined }, head)
        )
      )

    // Writes for one directory, only while it is still in the store.
    const writeTo = <A, E2>(directoryId: string, body: (tx: Apply.Tx<OnChangeError, never>) => Effect.Effect<A, E2>) =>
      write((tx) =>
        Effect.flatMap(
          tx.writer.get("directory", [directoryId]),
          (rows): Effect.Effect<A, E2 | DirectoryGone> =>
            rows.has(directoryId) ? body(tx) : Effect.fail(new DirectoryGone())
        )
      )

    // Events ------------------------------------------------------------------------------------

    const whenDirectory = <E2>(
      tx: Apply.Tx<OnChangeError, never>,
      directoryId: string,
      body: Effect.Effect<void, E2>
    ) =>
      include(directoryId)
        ? Effect.flatMap(
          tx.writer.get("directory", [directoryId]),
          (rows) => rows.has(directoryId) ? body : Effect.void
        )
        : Effect.void

    const applyEvent = (tx: Apply.Tx<OnChangeError, never>, event: DirectorySyncEvent.DirectorySyncEvent) => {
      switch (event._tag) {
        case "DirectoryActivated":
          return include(event.data.id) ? Apply.upsertDirectory(tx, event.data, Apply.event) : Effect.void
        case "DirectoryDeleted":
          return include(event.data.id) ? Apply.removeDirectory(tx, event.data.id) : Effect.void
        case "UserCreated":
        case "UserUpdated":
          return whenDirectory(tx, event.data.directoryId, Apply.upsertUsers(tx, [event.data], Apply.event))
        case "UserDeleted":
          return Effect.flatMap(tx.writer.get("user", [event.data.id]), (rows) => {
            const row = rows.get(event.data.id)
            return row === undefined
              ? tx.writer.tombstone("user", [event.data], tx.seq)
              : Apply.removeUsers(tx, [row])
          })
        case "GroupCreated":
        case "GroupUpdated":
          return whenDirectory(tx, event.data.directoryId, Apply.upsertGroups(tx, [event.data], Apply.event))
        case "GroupDeleted":
          return Effect.flatMap(tx.writer.get("group", [event.data.id]), (rows) => {
            const row = rows.get(event.data.id)
            return row === undefined
              ? tx.writer.tombstone("group", [event.data], tx.seq)
              : Apply.removeGroups(tx, [row])
          })
        case "GroupUserAdded":
        case "GroupUserRemoved": {
          const { directoryId, group, user } = event.data
          return whenDirectory(
            tx,
            directoryId,
            Effect.all([
              Apply.upsertUsers(tx, [user], Apply.event),
              Apply.upsertGroups(tx, [group], Apply.event),
              Apply.setMemberships(tx, [{
                directoryId,
                userId: user.id,
                groupId: group.id,
                present: event._tag === "GroupUserAdded"
              }], Apply.event)
            ], { discard: true })
          )
        }
        default:
          return Effect.void
      }
    }

    // Applies a page of events in order against a buffered writer: every row the page touches is read
    // first (one query per kind), the changes and hooks happen in memory in event order, and the rows are
    // written back with one multi-row statement per kind, all in the caller's transaction.
    const applyPage = (
      tx: Apply.Tx<OnChangeError, never>,
      page: ReadonlyArray<DirectorySyncEvent.DirectorySyncEvent>
    ) =>
      Effect.gen(function*() {
        const buffer = Buffer.make(tx.writer)
        const buffered = { ...tx, writer: buffer.writer }
        yield* buffer.load(touched(page))
        for (const event of page) yield* applyEvent(buffered, event)
        yield* buffer.flush
      })

    // Starts the event cursor (before any full sync) when the store has none.
    const bootstrap = Effect.gen(function*() {
      const head = yield* store.head
      if (head.after !== null || head.rangeStart !== null) return
      const at = yield* now
      yield* write((tx, locked) =>
        locked.after === null && locked.rangeStart === null
          ? tx.writer.setHead({ rangeStart: isoAt(at - Duration.toMillis(Duration.sum(settleDelay, bootstrapMargin))) })
          : Effect.void
      )
    })

    // A lost or expired cursor: read from (about) now again, and reconcile every directory fully.
    const recover = Effect.fn("DirectoryMirror.recoverCursor")(function*(head: MirrorStore.Head, reason: string) {
      const at = yield* now
      yield* Effect.logWarning(`DirectoryMirror: the event cursor was ${reason}; reconciling every directory`)
      yield* write((tx, locked) =>
        locked.after !== head.after || locked.rangeStart !== head.rangeStart ? Effect.void : Effect.zipRight(
          tx.writer.setHead({
            after: null,
            afterAt: null,
            rangeStart: isoAt(at - Duration.toMillis(Duration.sum(settleDelay, bootstrapMargin)))
          }),
          tx.writer.markAllPending(tx.seq)
        )
      )
      yield* Ref.set(lastRefresh, Option.none())
    })

    const listFrom = (cursor: string | null, rangeStart: string | null) =>
      events.listEvents({
        events: mirroredEvents,
        limit: pageSize,
        order: "asc",
        ...(cursor !== null ? { after: cursor } : { rangeStart: rangeStart ?? undefined })
      })

    // The page at the stored cursor, or `None` once a lost cursor has been reset.
    const firstPage = (head: MirrorStore.Head) =>
      Effect.gen(function*() {
        const page = yield* listFrom(head.after, head.rangeStart).pipe(
          Effect.map(Option.some),
          Effect.catchIf(
            (error) => head.after !== null && isCursorRejection(error),
            () => Effect.as(recover(head, "rejected by WorkOS"), Option.none())
          )
        )
        if (Option.isNone(page)) return Option.none()
        const first = page.value.data[0]
        // A cursor WorkOS does not know may be answered from the start of the log: never go back.
        if (first !== undefined && head.afterAt !== null && Codec.iso(first.createdAt) < head.afterAt) {
          yield* recover(head, "not honoured (events older than it came back)")
          return Option.none()
        }
        return Option.some(page.value.data)
      })

    // A page after one already in hand, or `None` to stop reading there: a failure, or a page that goes
    // back in time, is left to the next poll, which reads it again as its first page.
    const nextPage = (previous: DirectorySyncEvent.DirectorySyncEvent) =>
      listFrom(previous.id, null).pipe(
        Effect.option,
        Effect.map(Option.flatMap(({ data }) =>
          data[0] !== undefined && DateTime.lessThan(data[0].createdAt, previous.createdAt)
            ? Option.none()
            : Option.some(data)
        ))
      )

    // Reads settled events from the cursor, a page at a time, until a page is short or holds an event
    // back, or `eventsPerTransaction` are in hand, so that one transaction applies them all. `None`:
    // the cursor was lost and has been reset.
    const readSettled = (head: MirrorStore.Head, settledBefore: number) =>
      Effect.gen(function*() {
        const first = yield* firstPage(head)
        if (Option.isNone(first)) return Option.none()
        const settled: Array<DirectorySyncEvent.DirectorySyncEvent> = []
        let read = take(first.value, pageSize, settledBefore, settled)
        let received = first.value.length
        while (!read.caughtUp && settled.length + pageSize <= eventsPerTransaction) {
          const next = yield* nextPage(settled[settled.length - 1]!)
          if (Option.isNone(next)) break
          read = take(next.value, pageSize, settledBefore, settled)
          received += next.value.length
        }
        return Option.some({ settled, received, ...read })
      })

    const pollOnce = Effect.fn("DirectoryMirror.poll")(function*() {
      const head = yield* store.head
      const at = yield* now
      const idle: PollResult = { applied: 0, caughtUp: false, retryIn: undefined }
      // The cursor, or the point reading starts from before there is one, about to leave WorkOS's log.
      const from = head.afterAt ?? head.rangeStart
      if (from !== null && Date.parse(from) < at - Duration.toMillis(Duration.subtract(eventRetention, "1 day"))) {
        yield* recover(head, "older than WorkOS keeps events")
        return idle
      }
      const settledBefore = at - Duration.toMillis(settleDelay)
      const read = yield* readSettled(head, settledBefore)
      if (Option.isNone(read)) return idle
      const { caughtUp, held, received, settled } = read.value
      const last = settled[settled.length - 1]
      if (last === undefined && !caughtUp) return idle
      const applied = yield* write((tx, locked) =>
        Effect.gen(function*() {
          if (locked.after !== head.after || locked.rangeStart !== head.rangeStart) return yield* new CursorMoved()
          yield* applyPage(tx, settled)
          yield* tx.writer.setHead({
            ...(last === undefined ? {} : { after: last.id, afterAt: Codec.iso(last.createdAt), rangeStart: null }),
            ...(caughtUp ? { caughtUpAt: isoAt(at) } : {})
          })
          return settled.length
        })
      ).pipe(Effect.catchTag("CursorMoved", () => Effect.succeed(0)))
      yield* Effect.annotateCurrentSpan({ "workos.events.received": received, "workos.events.applied": applied })
      return {
        applied,
        caughtUp: caughtUp && applied === settled.length,
        retryIn: held === undefined
          ? undefined
          : Duration.millis(Math.max(1, DateTime.toEpochMillis(held.createdAt) - settledBefore))
      }
    })

    // Full syncs ---------------------------------------------------------------------------------

    // WorkOS answered 404 for the directory: it is gone (its `dsync.deleted` may be long expired).
    const removeGone = (directoryId: string) => write((tx) => Apply.removeDirectory(tx, directoryId))

    const gone = (directoryId: string) =>
      directorySync.getDirectory(directoryId).pipe(
        Effect.as(false),
        Effect.catchTag("NotFoundError", () => Effect.as(removeGone(directoryId), true))
      )

    const backfill = Effect.fn("DirectoryMirror.sync")(function*(directoryId: string) {
      yield* Effect.annotateCurrentSpan({ "workos.directory.id": directoryId })
      yield* Effect.logInfo("DirectoryMirror: syncing directory").pipe(
        Effect.annotateLogs({ directoryId, workerId: owner })
      )
      const seq0 = (yield* store.head).seq
      const source: Apply.Source = { _tag: "Listing", seq0 }
      const found = yield* directorySync.getDirectory(directoryId).pipe(
        Effect.map(Option.some),
        Effect.catchTag("NotFoundError", () => Effect.succeedNone)
      )
      if (Option.isNone(found)) {
        yield* removeGone(directoryId)
        return false
      }
      // The directory's own write: a `dsync.activated` after it makes the directory pending again.
      const started = yield* write((tx) => Effect.as(Apply.upsertDirectory(tx, found.value, source, false), tx.seq))
      const chunks = <A>(stream: Stream.Stream<A, WorkOSError.WorkOSError>) =>
        Stream.map(Stream.grouped(stream, 100), Chunk.toReadonlyArray)
      // A group deleted while it is listed: its memberships go with it (the sweep removes them).
      const members = (groupId: string) =>
        chunks(directorySync.streamUsers({ group: groupId, limit: 100 })).pipe(
          Stream.runForEach((users) =>
            writeTo(directoryId, (tx) =>
              Apply.setMemberships(
                tx,
                users.map((user) => ({ directoryId, userId: user.id, groupId, present: true })),
                source
              ))
          ),
          Effect.catchTag("NotFoundError", () => Effect.void)
        )
      const listed = yield* Effect.gen(function*() {
        yield* chunks(directorySync.streamUsers({ directory: directoryId, limit: 100 })).pipe(
          Stream.runForEach((users) => writeTo(directoryId, (tx) => Apply.upsertUsers(tx, users, source)))
        )
        yield* chunks(directorySync.streamGroups({ directory: directoryId, limit: 100 })).pipe(
          Stream.runForEach((groups) =>
            Effect.zipRight(
              writeTo(directoryId, (tx) => Apply.upsertGroups(tx, groups, source)),
              Effect.forEach(groups, (group) => members(group.id), { discard: true, concurrency: groupConcurrency })
            )
          )
        )
        return true
      }).pipe(
        // The directory itself may have gone while it was listed.
        Effect.catchTag(
          "NotFoundError",
          (error) => Effect.flatMap(gone(directoryId), (isGone) => isGone ? Effect.succeed(false) : Effect.fail(error))
        )
      )
      if (!listed) return false
      const at = yield* now
      yield* writeTo(directoryId, (tx) =>
        Effect.gen(function*() {
          yield* Apply.sweep(tx, directoryId, seq0)
          const row = (yield* tx.writer.get("directory", [directoryId])).get(directoryId)
          if (row === undefined) return
          yield* tx.writer.put("directory", [{
            ...row,
            phase: row.pendingSeq <= started ? "live" : row.phase,
            lastFullSyncAt: isoAt(at)
          }])
        }))
      yield* Effect.logInfo("DirectoryMirror: directory synced").pipe(
        Effect.annotateLogs({ directoryId, workerId: owner })
      )
      return true
    })

    // Leases ------------------------------------------------------------------------------------

    const claim = (name: string) =>
      Effect.flatMap(now, (at) => store.lease({ name, owner, now: at, until: at + leaseTtl }))

    // Runs `body` while this engine holds the lease `name`, renewing it; `None` when another engine holds it.
    const leased = <A, E2, R2>(name: string, body: Effect.Effect<A, E2, R2>) =>
      Effect.flatMap(claim(name), (mine) =>
        mine
          ? Effect.scoped(Effect.gen(function*() {
            yield* Effect.addFinalizer(() => Effect.ignore(store.release(name, owner)))
            yield* Effect.forkScoped(
              Effect.ignore(claim(name)).pipe(Effect.delay(Duration.millis(leaseTtl / 3)), Effect.forever)
            )
            return Option.some(yield* body)
          }))
          : Effect.succeedNone)

    const fullSync = (directoryId: string) =>
      Effect.zipRight(
        Ref.update(backfilling, HashSet.add(directoryId)),
        backfill(directoryId).pipe(
          Effect.catchTag("DirectoryGone", () => Effect.succeed(false)),
          Effect.ensuring(Ref.update(backfilling, HashSet.remove(directoryId)))
        )
      )

    // A full sync of the directory, unless another engine is doing it (`None`).
    const syncDirectory = (directoryId: string) => leased(`directory:${directoryId}`, fullSync(directoryId))

    // Lists every directory: new ones become pending, missing ones are removed.
    const refreshDirectories = Effect.fn("DirectoryMirror.refreshDirectories")(function*() {
      const seq0 = (yield* store.head).seq
      const source: Apply.Source = { _tag: "Listing", seq0 }
      yield* directorySync.streamDirectories({ limit: 100 }).pipe(
        Stream.filter((directory) => include(directory.id)),
        Stream.grouped(100),
        Stream.runForEach((directories) =>
          write((tx) =>
            Effect.forEach(directories, (d) => Apply.upsertDirectory(tx, d, source, true), { discard: true })
          )
        )
      )
      yield* write((tx) =>
        Effect.gen(function*() {
          const gone = yield* tx.writer.scan("directory", { unseen: { maxSeq: seq0 } }, 10_000)
          for (const row of gone) yield* Apply.removeDirectory(tx, row.id)
        })
      )
      yield* Ref.set(lastRefresh, Option.some(yield* now))
    })

    const dueDirectories = (all: boolean) =>
      Effect.gen(function*() {
        const at = yield* now
        const states = yield* store.syncStates
        return states.filter((state) =>
          state.phase === "pending" ||
          (all && (state.lastFullSyncAt === null ||
            Date.parse(state.lastFullSyncAt) <= at - Duration.toMillis(reconcileEvery)))
        ).map((state) => state.directoryId)
      })

    // Once it holds the lease, a due directory is synced only if it is still due: another engine may have synced
    // it since `due` was read. `None`: another engine is syncing it; `Some(None)`: another engine synced it.
    const syncIfDue = (directoryId: string, all: boolean) =>
      leased(
        `directory:${directoryId}`,
        Effect.flatMap(
          dueDirectories(all),
          (due) => due.includes(directoryId) ? Effect.asSome(fullSync(directoryId)) : Effect.succeedNone
        )
      )

    // How many due directories this engine synced, and which ones another engine is syncing.
    const syncDue = (all: boolean) =>
      Effect.flatMap(
        dueDirectories(all),
        (due) =>
          Effect.map(Effect.forEach(due, (id) => syncIfDue(id, all), { concurrency }), (results) => ({
            synced: results.filter((result) => Option.isSome(Option.flatten(result))).length,
            elsewhere: new Set(due.filter((_, i) => Option.isNone(results[i]!)))
          }))
      )

    // In `run`, a directory that fails to sync is logged and tried again later; events keep flowing.
    const syncDueLogged = Effect.flatMap(
      dueDirectories(true),
      (due) =>
        Effect.forEach(due, (directoryId) =>
          syncIfDue(directoryId, true).pipe(
            Effect.catchAllCause((cause) =>
              Effect.logWarning("DirectoryMirror: a directory sync failed; retrying later", cause).pipe(
                Effect.annotateLogs({ directoryId })
              )
            )
          ), { concurrency, discard: true })
    )

    const refreshIfDue = Effect.gen(function*() {
      const last = yield* Ref.get(lastRefresh)
      const at = yield* now
      if (Option.isNone(last) || last.value <= at - Duration.toMillis(reconcileEvery)) yield* refreshDirectories()
    })

    // A poke's change may still be held back by WorkOS when the poke arrives: after one, poll
    // again a few times, waiting max(settleDelay, 1 s), then twice and four times that.
    const followUps = yield* Ref.make(0)
    const leading = yield* Ref.make(false)
    const followUpBase = Duration.max(settleDelay, Duration.seconds(1))
    const followUp = (wait: Duration.Duration) =>
      Ref.modify(followUps, (left): readonly [Duration.Duration, number] =>
        left === 0
          ? [wait, 0]
          : [Duration.min(wait, Duration.times(followUpBase, 2 ** (pokeFollowUps - left))), left - 1])

    // One step of `run`: returns how long to wait before the next one.
    const step = Effect.gen(function*() {
      yield* bootstrap
      yield* refreshIfDue
      yield* syncDueLogged
      // One engine follows the events; the others sync directories and stand by.
      const leader = yield* claim("events")
      if (leader !== (yield* Ref.getAndSet(leading, leader))) {
        yield* Effect.logInfo(`DirectoryMirror: ${leader ? "following" : "no longer following"} the Events API`).pipe(
          Effect.annotateLogs({ workerId: owner })
        )
      }
      if (!leader) return pollInterval
      const result = yield* pollOnce()
      if (!result.caughtUp) return Duration.zero
      return yield* followUp(
        result.retryIn === undefined ? pollInterval : Duration.min(result.retryIn, pollInterval)
      )
    })

    const pause = (wait: Duration.Duration) =>
      Duration.isZero(wait) ? Effect.void : Effect.raceFirst(
        Effect.sleep(wait),
        Effect.zipRight(Queue.take(pokes), Ref.set(followUps, pokeFollowUps))
      )

    // After a failure: wait 1 s, doubling up to a minute while failures go on.
    const failures = yield* Ref.make(0)
    const run: Effect.Effect<never> = step.pipe(
      Effect.zipLeft(Ref.set(failures, 0)),
      Effect.catchAllCause((cause) =>
        Effect.gen(function*() {
          const count = yield* Ref.updateAndGet(failures, (n) => n + 1)
          yield* Effect.logWarning("DirectoryMirror: step failed; retrying", cause)
          return Duration.millis(Math.min(60_000, 1000 * 2 ** Math.min(count - 1, 6)))
        })
      ),
      Effect.flatMap(pause),
      Effect.forever,
      // Hand the event feed over at once when this engine stops.
      Effect.ensuring(Effect.ignore(store.release("events", owner))),
      Effect.withSpan("DirectoryMirror.run")
    )

    const catchUp: Effect.Effect<CatchUpReport, MirrorError> = Effect.gen(function*() {
      yield* bootstrap
      yield* refreshDirectories()
      let eventsApplied = 0
      let directoriesSynced = 0
      while (true) {
        const { elsewhere, synced } = yield* syncDue(false)
        directoriesSynced += synced
        const result = yield* pollOnce()
        eventsApplied += result.applied
        // Directories another engine is syncing right now are left to it.
        if (result.caughtUp && (yield* dueDirectories(false)).every((id) => elsewhere.has(id))) break
      }
      return { eventsApplied, directoriesSynced }
    }).pipe(Effect.withSpan("DirectoryMirror.catchUp"))

    // Waits while another engine syncs the directory, then syncs it (a sync asked for is a sync done).
    const syncNow = (directoryId: string): Effect.Effect<boolean, MirrorError> =>
      Effect.flatMap(
        syncDirectory(directoryId),
        Option.match({
          onNone: () => Effect.zipRight(Effect.sleep(leaseWait), syncNow(directoryId)),
          onSome: Effect.succeed
        })
      )

    const sync = (directoryId: string): Effect.Effect<SyncReport, MirrorError> =>
      Effect.gen(function*() {
        yield* bootstrap
        const found = yield* syncNow(directoryId)
        return { directoryId, found, counts: yield* store.counts(directoryId) }
      })

    const status: Effect.Effect<MirrorStatus, MirrorError> = Effect.gen(function*() {
      const head = yield* store.head
      const states = yield* store.syncStates
      const running = yield* Ref.get(backfilling)
      const at = yield* now
      const since = (iso: string | null) => iso === null ? null : Duration.millis(Math.max(0, at - Date.parse(iso)))
      const directories = yield* Effect.forEach(
        states,
        (state) =>
          Effect.map(store.counts(state.directoryId), (counts): DirectoryStatus => ({
            directoryId: state.directoryId,
            phase: HashSet.has(running, state.directoryId) ? "backfilling" : state.phase,
            lastFullSyncAt: state.lastFullSyncAt,
            counts
          }))
      )
      const caughtUp = since(head.caughtUpAt)
      return {
        directories,
        cursor: head.after,
        cursorAge: since(head.afterAt),
        lag: caughtUp === null ? null : Duration.sum(caughtUp, settleDelay)
      }
    })

    return DirectoryMirror.of({
      run,
      catchUp,
      sync,
      poke: Queue.offer(pokes, undefined).pipe(Effect.asVoid),
      status
    })
  })

/**
 * The engine as a layer. It does not start by itself: fork `run` (e.g.
 * `Layer.scopedDiscard(Effect.forkScoped(mirror.run))`) or call `catchUp`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E = never, R = never>(
  options: Options<E, R> = {}
): Layer.Layer<DirectoryMirror, never, MirrorStore.MirrorStore | DirectorySync.DirectorySync | Events.Events | R> =>
  Layer.effect(DirectoryMirror, make(options))
