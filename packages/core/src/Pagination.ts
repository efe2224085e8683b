/**
 * Cursor pagination: the `Page` every list returns, the options every list
 * takes, and the lazy `Stream` that walks a list page by page in bounded memory.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

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
   * consumer asks for it.
   */
  readonly prefetch?: number | undefined
}

/**
 * Cursors around a page: `null` at either end of the list.
 *
 * @since 0.1.0
 * @category models
 */
export class ListMetadata extends Schema.Class<ListMetadata>("@effect-workos/core/ListMetadata")({
  /** Id to pass as `before` for the previous page; `null` at the start. */
  before: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  /** Id to pass as `after` for the next page; `null` at the end. */
  after: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
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
 * Where a walk starts: forward unless the options start it with `before`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startOf = (options: PageOptions): { readonly direction: Direction; readonly cursor: string | undefined } =>
  options.before !== undefined
    ? { direction: "before", cursor: options.before }
    : { direction: "after", cursor: options.after }

/**
 * Every item of a list, page after page, as a lazy `Stream`.
 *
 * `fetch(cursor)` gets the page after (or before) `cursor`; the walk follows
 * `list_metadata.after` (or `before`) and ends on `null`. A page is fetched
 * only once the consumer has taken the one before it, plus at most `prefetch`
 * pages ahead, so memory holds at most `prefetch + 1` pages. Each page fetch
 * carries its own retries: a failed page never restarts the walk.
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
): Stream.Stream<A, E, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const ahead = Math.max(0, Math.floor(options.prefetch ?? 1))
    const credits = yield* Queue.unbounded<void>()
    const pages = yield* Queue.unbounded<Exit.Exit<Option.Option<Page<A>>, E>>()
    // The producer fetches one page per credit, so the consumer decides how far ahead it runs.
    const produce = (cursor: string | undefined): Effect.Effect<void, never, R> =>
      Effect.zipRight(
        Queue.take(credits),
        Effect.flatMap(Effect.exit(fetch(cursor)), (exit) => {
          const next = Exit.isSuccess(exit)
            ? Option.fromNullable(exit.value.listMetadata[options.direction])
            : Option.none()
          return Effect.zipRight(
            Queue.offer(pages, Exit.map(exit, Option.some)),
            Option.match(next, {
              onNone: () => Queue.offer(pages, Exit.succeed(Option.none())),
              onSome: produce
            })
          )
        })
      )
    yield* Effect.forkScoped(produce(options.cursor))
    let granted = 0
    let taken = 0
    const grantUpTo = (count: number) =>
      Effect.suspend(() => {
        const extra = count - granted
        granted = Math.max(granted, count)
        return extra > 0 ? Queue.offerAll(credits, Array.from({ length: extra }, () => undefined)) : Effect.void
      })
    const pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>> = grantUpTo(taken + 1).pipe(
      Effect.zipRight(Queue.take(pages)),
      Effect.flatMap((exit) =>
        Exit.match(exit, {
          onFailure: (cause) => Effect.failCause(cause).pipe(Effect.mapError(Option.some)),
          onSuccess: Option.match({
            onNone: () => Effect.fail(Option.none()),
            onSome: (page) => {
              taken++
              return Effect.as(grantUpTo(taken + ahead), Chunk.unsafeFromArray(page.data))
            }
          })
        })
      )
    )
    return Stream.repeatEffectChunkOption(pull)
  }))
