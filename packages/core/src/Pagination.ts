/**
 * Cursor pagination: the `Page` every list returns, the options every list
 * takes, and the lazy `Stream` that walks a list page by page in bounded memory.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Scheduler from "effect/Scheduler"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { InvalidParameterError } from "./WorkOSError.js"

/**
 * Sort order by creation time. `normal` is descending with reversed cursor
 * semantics (`before` fetches older records, `after` newer ones).
 *
 * @since 0.1.0
 * @category models
 */
export type Order = "asc" | "desc" | "normal"

/**
 * The values `order` accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const orders: ReadonlyArray<Order> = ["asc", "desc", "normal"]

/**
 * Options every list endpoint takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions {
  /** Items per page, 1 to 100 (WorkOS default 10; streams default to 100). */
  readonly limit?: number | undefined
  /** An object id: fetch the page before it. */
  readonly before?: string | undefined
  /** An object id: fetch the page after it. */
  readonly after?: string | undefined
  /** Sort order by creation time (WorkOS default `desc`). */
  readonly order?: Order | undefined
}

/**
 * Options of the `stream*` methods.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  /**
   * Pages fetched ahead of the consumer (default 1): while the consumer works
   * on one page the next is on its way. `0` fetches a page only when the
   * consumer asks for it. At most 1000.
   */
  readonly prefetch?: number | undefined
}

/**
 * A cursor in `list_metadata`: an id, or `null` at that end of the list. An
 * empty string names no object, so it is read as `null` too.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Cursor: Schema.Schema<string | null, string | null> = Schema.transform(
  Schema.NullOr(Schema.String),
  Schema.NullOr(Schema.String),
  { strict: true, decode: (cursor) => cursor === "" ? null : cursor, encode: (cursor) => cursor }
)

/**
 * Cursors around a page: `null` at either end of the list.
 *
 * @since 0.1.0
 * @category models
 */
export class ListMetadata extends Schema.Class<ListMetadata>("@effect-workos/core/ListMetadata")({
  /** Id to pass as `before` for the previous page; `null` at the start. */
  before: Schema.optionalWith(Cursor, { default: () => null }),
  /** Id to pass as `after` for the next page; `null` at the end. */
  after: Schema.optionalWith(Cursor, { default: () => null })
}) {}

/**
 * One page of a list.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly data: ReadonlyArray<A>
  readonly listMetadata: ListMetadata
}

/**
 * Schema of a list response (`{ object: "list", data, list_metadata }`) with items of `item`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    data: Schema.Array(item),
    listMetadata: Schema.propertySignature(ListMetadata).pipe(Schema.fromKey("list_metadata"))
  })

/**
 * Which way a walk goes: forward following `after`, or backward following `before`.
 *
 * @since 0.1.0
 * @category models
 */
export type Direction = "after" | "before"

/**
 * Where a walk starts and which cursor it follows: onward through the list
 * unless the options start it with the other cursor. Onward is `after` in
 * `asc` and `desc`, and `before` in `normal`, whose cursors are reversed
 * (newest first, with `before` leading to older records).
 *
 * @since 0.1.0
 * @category constructors
 */
export const startOf = (
  options: PageOptions
): { readonly direction: Direction; readonly cursor: string | undefined } => {
  const [onward, back]: readonly [Direction, Direction] = options.order === "normal"
    ? ["before", "after"]
    : ["after", "before"]
  const direction = options[back] !== undefined ? back : onward
  return { direction, cursor: options[direction] }
}

/**
 * Every item of a list, page after page, as a lazy `Stream`.
 *
 * `fetch(cursor)` gets the page after (or before) `cursor`; the walk follows
 * `list_metadata.after` (or `before`) and ends on `null`. The first page is
 * fetched when the consumer first pulls. Once the consumer has taken page
 * `n`, pages up to `n + prefetch` may be fetched (one at a time: each needs
 * the cursor of the one before), so network time overlaps the consumer's
 * time and memory holds at most `prefetch + 1` pages. A prefetch waits
 * until the consumer pulls again or has settled (one macrotask), so a
 * consumer that stops inside the page it just took (`Stream.take(5)`) ends
 * the stream before another page is asked for; with `prefetch: 0` no page is
 * ever asked for before the consumer pulls it.
 * A `prefetch` that is not a non-negative integer fails the stream with an
 * `InvalidParameterError` before anything is fetched.
 * Each page fetch carries its own retries: a failed page never restarts the
 * walk, and the stream fails with the page's error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream = <A, E, R>(
  fetch: (cursor: string | undefined) => Effect.Effect<Page<A>, E, R>,
  options: {
    readonly direction: Direction
    readonly cursor: string | undefined
    readonly prefetch?: number | undefined
  }
): Stream.Stream<A, E | InvalidParameterError, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const ahead = options.prefetch ?? 1
    if (!(Number.isSafeInteger(ahead) && ahead >= 0)) {
      return yield* new InvalidParameterError({
        parameter: "prefetch",
        message: `prefetch must be a non-negative integer, got ${String(ahead)}`
      })
    }
    // One credit per page the producer may fetch; the consumer hands them out.
    const credits = yield* Queue.unbounded<void>()
    // `None` after the last page.
    const pages = yield* Queue.unbounded<Exit.Exit<Option.Option<Page<A>>, E>>()
    let granted = 0
    let taken = 0
    // The consumer is blocked in `pull`: the page asked for next is wanted now.
    let waiting = false
    // Completed when the consumer next pulls, while the producer settles.
    let pulled: Deferred.Deferred<void> | undefined

    const producer = Effect.gen(function*() {
      let cursor = options.cursor
      while (true) {
        yield* Queue.take(credits)
        if (!waiting) {
          // A consumer that pulls again is not stopping: no need to wait for the hop.
          pulled = yield* Deferred.make<void>()
          yield* Effect.raceFirst(settle, Deferred.await(pulled))
          pulled = undefined
        }
        const exit = yield* Effect.exit(fetch(cursor))
        yield* Queue.offer(pages, Exit.map(exit, Option.some))
        if (Exit.isFailure(exit)) return
        const next = exit.value.listMetadata[options.direction]
        if (next === null) return yield* Queue.offer(pages, Exit.succeed(Option.none()))
        cursor = next
      }
    })
    yield* Effect.forkScoped(producer)

    const grantUpTo = (count: number) => {
      const extra = count - granted
      if (extra <= 0) return Effect.void
      granted = count
      return Queue.offerAll(credits, Array.from({ length: extra }, () => undefined))
    }
    const pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>> = Effect.suspend(() => {
      waiting = true
      if (pulled !== undefined) Deferred.unsafeDone(pulled, Exit.void)
      return Effect.zipRight(grantUpTo(taken + 1), Queue.take(pages))
    }).pipe(
      Effect.flatMap((exit): Effect.Effect<Chunk.Chunk<A>, Option.Option<E>> => {
        waiting = false
        if (Exit.isFailure(exit)) return Effect.failCause(Cause.map(exit.cause, Option.some))
        if (Option.isNone(exit.value)) return Effect.fail(Option.none())
        taken++
        return Effect.as(grantUpTo(taken + ahead), Chunk.unsafeFromArray(exit.value.value.data))
      })
    )
    return Stream.repeatEffectChunkOption(pull)
  }))

// A hop through the macrotask queue: a consumer that stops right after
// taking a page closes the stream in microtasks, before this resumes.
const settle = Effect.withScheduler(Effect.yieldNow(), Scheduler.timer(0))
