/**
 * Client-side rate limits, so a full sync runs at the fastest rate WorkOS
 * allows without tripping a 429: a budget per API key, and a budget per
 * directory on `/directory_users`. A request with budget left in every
 * budget it uses goes out at once; one without waits until the oldest send
 * in the full window leaves it, then looks again.
 *
 * @since 0.1.0
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * At most `limit` requests in any window of `interval`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Budget {
  /** Requests allowed per window: a positive integer. */
  readonly limit: number
  /** The window's length: positive. */
  readonly interval: Duration.DurationInput
}

/**
 * Which budgets the client keeps. Each can be set to `false` to drop it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Every request made with the key. WorkOS: 6,000 per 60 seconds. */
  readonly perKey?: Budget | false | undefined
  /** `/directory_users` lists per directory (per group when only `group` is given). WorkOS: 4 per second. */
  readonly directoryUsers?: Budget | false | undefined
  /**
   * Added to each window so requests that leave one window apart still
   * arrive one window apart when the network delays the first less than
   * the second (default 25 millis).
   */
  readonly margin?: Duration.DurationInput | undefined
}

/**
 * WorkOS's documented limits.
 *
 * @since 0.1.0
 * @category constants
 */
export const workosLimits: { readonly perKey: Budget; readonly directoryUsers: Budget } = {
  perKey: { limit: 6000, interval: "60 seconds" },
  directoryUsers: { limit: 4, interval: "1 second" }
}

/**
 * Waits until a request may be sent, then counts it in every budget it uses.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimiter {
  readonly acquire: (request: HttpClientRequest.HttpClientRequest) => Effect.Effect<void>
}

/**
 * A limiter that never waits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: RateLimiter = { acquire: () => Effect.void }

/**
 * The send times of the last `limit` requests, in a ring. Sends are only
 * recorded at the moment they happen, so the log is in time order and the
 * oldest of the last `limit` is the only one that can hold the next back.
 */
class Window {
  private readonly sends: Float64Array
  private next = 0
  private count = 0
  constructor(readonly limit: number, readonly interval: number) {
    this.sends = new Float64Array(limit)
  }

  /** Earliest time, not before `now`, at which one more send keeps every window within `limit`. */
  earliest(now: number): number {
    return this.count < this.limit ? now : Math.max(now, this.sends[this.next]! + this.interval)
  }

  record(now: number): void {
    this.sends[this.next] = now
    this.next = (this.next + 1) % this.limit
    if (this.count < this.limit) this.count++
  }

  /** No longer holds anything back at `now`. */
  idle(now: number): boolean {
    const newest = this.sends[(this.next + this.limit - 1) % this.limit]!
    return this.count === 0 || newest + this.interval <= now
  }
}

// The budget key of a `/directory_users` list: WorkOS counts it per directory.
const directoryUsersKey = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  if (request.url !== "/directory_users") return undefined
  const directory = UrlParams.getFirst(request.urlParams, "directory")
  if (Option.isSome(directory)) return `directory:${directory.value}`
  const group = UrlParams.getFirst(request.urlParams, "group")
  return Option.isSome(group) ? `group:${group.value}` : undefined
}

const toMillis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

const checkBudget = (name: string, budget: Budget): string | undefined => {
  if (!(Number.isInteger(budget.limit) && budget.limit >= 1)) {
    return `rateLimit.${name}.limit must be a positive integer, got ${String(budget.limit)}`
  }
  const interval = toMillis(budget.interval)
  return interval > 0 && Number.isFinite(interval)
    ? undefined
    : `rateLimit.${name}.interval must be a positive, finite duration`
}

// Sub-millisecond precision and monotonic in real time; exact under `TestClock`.
const now = Effect.map(Clock.currentTimeNanos, (nanos) => Number(nanos) / 1_000_000)

/**
 * Builds a limiter whose state is shared by every fiber that uses it:
 * WorkOS's limits unless `options` says otherwise, none for `false`. A
 * budget that can never let a request through (a limit below 1, an empty
 * interval) is a defect.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options | false = {}): Effect.Effect<RateLimiter> =>
  Effect.suspend(() => {
    if (options === false) return Effect.succeed(unlimited)
    const perKey = options.perKey ?? workosLimits.perKey
    const directoryUsers = options.directoryUsers ?? workosLimits.directoryUsers
    if (perKey === false && directoryUsers === false) return Effect.succeed(unlimited)
    const problem = (perKey === false ? undefined : checkBudget("perKey", perKey)) ??
      (directoryUsers === false ? undefined : checkBudget("directoryUsers", directoryUsers))
    if (problem !== undefined) return Effect.dieMessage(problem)
    const margin = toMillis(options.margin ?? "25 millis")
    const global = perKey === false ? undefined : new Window(perKey.limit, toMillis(perKey.interval) + margin)
    const directories = new Map<string, Window>()
    // Windows of directories no longer synced are dropped, amortized over new keys.
    let sweepAt = 64
    const windowFor = (key: string | undefined, at: number): Window | undefined => {
      if (key === undefined || directoryUsers === false) return undefined
      let window = directories.get(key)
      if (window === undefined) {
        if (directories.size >= sweepAt) {
          for (const [other, w] of directories) if (w.idle(at)) directories.delete(other)
          sweepAt = Math.max(64, 2 * directories.size)
        }
        window = new Window(directoryUsers.limit, toMillis(directoryUsers.interval) + margin)
        directories.set(key, window)
      }
      return window
    }
    // A waiting request holds no place in any budget: it looks again when it
    // wakes, so a request held back by its directory never delays another
    // directory's request through the shared per-key budget.
    const acquire = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<void> => {
      const key = directoryUsersKey(request)
      const attempt: Effect.Effect<void> = Effect.flatMap(now, (at) => {
        const directory = windowFor(key, at)
        const ready = Math.max(directory?.earliest(at) ?? at, global?.earliest(at) ?? at)
        if (ready <= at) {
          directory?.record(at)
          global?.record(at)
          return Effect.void
        }
        return Effect.zipRight(Effect.sleep(Duration.millis(ready - at)), attempt)
      })
      return attempt
    }
    return Effect.succeed<RateLimiter>({ acquire })
  })
