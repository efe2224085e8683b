/**
 * Client-side rate limits, so a full sync runs at the fastest rate WorkOS
 * allows without tripping a 429: a budget per API key, and a budget per
 * directory on `/directory_users`. A request with budget left goes out at
 * once; one without waits exactly until the oldest request in its window
 * leaves it.
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
  readonly limit: number
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
  /** `/directory_users` per directory (per group when only `group` is given). WorkOS: 4 per second. */
  readonly directoryUsers?: Budget | false | undefined
  /**
   * Added to each window so requests that leave back to back still arrive in
   * separate windows when the network delays one more than the other
   * (default 25 millis).
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
 * Waits until a request may be sent, reserving its place in every budget it uses.
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
 * A sliding-window log of reserved send times, kept sorted. The `limit`-th
 * latest reservation is the only one that can hold the next back.
 */
class Window {
  private readonly slots: Array<number> = []
  constructor(readonly limit: number, readonly interval: number) {}

  /** Earliest time at or after `now` that keeps at most `limit` sends in any window. */
  next(now: number): number {
    const slots = this.slots
    while (slots.length > this.limit && slots[0]! <= now - this.interval) slots.shift()
    const held = slots.length >= this.limit ? slots[slots.length - this.limit]! + this.interval : now
    return Math.max(now, held)
  }

  reserve(at: number): void {
    // Another budget may have pushed an earlier caller later, so insert in order.
    const slots = this.slots
    let index = slots.length
    while (index > 0 && slots[index - 1]! > at) index--
    slots.splice(index, 0, at)
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

/**
 * Builds a limiter whose state is shared by every fiber that uses it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): RateLimiter => {
  const perKey = options.perKey === undefined ? workosLimits.perKey : options.perKey
  const directoryUsers = options.directoryUsers === undefined ? workosLimits.directoryUsers : options.directoryUsers
  if (perKey === false && directoryUsers === false) return unlimited
  const margin = toMillis(options.margin ?? "25 millis")
  const global = perKey === false ? undefined : new Window(perKey.limit, toMillis(perKey.interval) + margin)
  const perDirectory = new Map<string, Window>()
  const windowFor = (key: string | undefined): Window | undefined => {
    if (key === undefined || directoryUsers === false) return undefined
    let window = perDirectory.get(key)
    if (window === undefined) {
      window = new Window(directoryUsers.limit, toMillis(directoryUsers.interval) + margin)
      perDirectory.set(key, window)
    }
    return window
  }
  // Reserve in the directory's window first, then in the key's window at the
  // time the directory allows, so neither budget is spent on a slot the other refuses.
  const reserve = (request: HttpClientRequest.HttpClientRequest, now: number): number => {
    const directory = windowFor(directoryUsersKey(request))
    const afterDirectory = directory === undefined ? now : directory.next(now)
    const at = global === undefined ? afterDirectory : global.next(afterDirectory)
    directory?.reserve(at)
    global?.reserve(at)
    return at
  }
  return {
    acquire: (request) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const at = reserve(request, now)
        return at > now ? Effect.sleep(Duration.millis(at - now)) : Effect.void
      })
  }
}
