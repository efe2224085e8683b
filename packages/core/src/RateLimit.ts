/**
 * Client-side rate limits, so a full sync runs at the fastest rate WorkOS
 * allows without tripping a 429: a budget per API key, and a budget per
 * directory on `/directory_users`. A request with room in every budget it
 * uses goes out at once; one without waits until the oldest request in the
 * full window leaves it, then looks again.
 *
 * WorkOS counts a request when it arrives, which the client cannot see: at
 * some moment after it was sent and before its answer came back. So a
 * request holds its place in the window from when it is sent until an
 * interval after its answer: however its round trip was split between the
 * way there and the way back (a slow connection, a busy server, a busy
 * client), WorkOS never counts more than the limit in any window. `margin`
 * covers a server clock coarser than the client's.
 *
 * @since 0.1.0
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as RateLimitStore from "./RateLimitStore.js"

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
   * Added to each window, for a server that reads its clock more coarsely
   * than the client (default 25 millis).
   */
  readonly margin?: Duration.DurationInput | undefined
  /**
   * Keep the windows in this store instead of the process, so every process
   * using the API key shares its budgets (e.g. `@effect-workos/redis`). A
   * request then counts from when the store admits it until an interval after
   * its answer, and the default margin is `sharedMargin`.
   */
  readonly store?: RateLimitStore.RateLimitStore | undefined
}

/**
 * The margin added to each window kept in a shared store unless `margin`
 * says otherwise: the in-process 25 ms. A request holds its place from its
 * admission until an interval after its answer, timed from before the store
 * was asked, so its place is never early whichever host sent it; the margin,
 * as in one process, is for a server clock coarser than the store's.
 *
 * @since 0.1.0
 * @category constants
 */
export const sharedMargin: Duration.Duration = Duration.millis(25)

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
 * Runs requests within the budgets.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimiter {
  /**
   * Runs `send` (one attempt at `request`) once every budget the request
   * uses has room, counting it in them, and times it.
   */
  readonly limit: <A, E, R>(
    request: HttpClientRequest.HttpClientRequest,
    send: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | RateLimitStore.RateLimitStoreError, R>
  /**
   * Tells the limiter that `group` belongs to `directory`. WorkOS counts a
   * `/directory_users` list by `group` alone against the group's directory,
   * so from now on the limiter does too (`DirectorySync` reports every group
   * it decodes). Optional: a limiter without it counts such a list against
   * the group.
   */
  readonly groupInDirectory?: ((group: string, directory: string) => Effect.Effect<void>) | undefined
}

/**
 * A limiter that never waits.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: RateLimiter = { limit: (_, send) => send }

/**
 * The requests of one budget that can still hold a new one back: pending
 * ones, which may arrive at any moment, and answered ones whose answer came
 * less than an interval ago.
 *
 * An answered request reached WorkOS at some moment before its answer came
 * back, so its answer time is the latest it can have been counted. Taking
 * any earlier moment (half the round trip, say) is a guess about how the
 * round trip was split, and a request slow on its way there and quick on its
 * way back (a busy server, a busy client) proves it wrong: measured against
 * the localhost fake under load, with 50 ms of latency, the way there took up
 * to 180 ms and the way back 8 ms, and half the fastest round trip placed
 * arrivals 85 ms early, enough for a 429.
 */
class Window {
  /** Answer times, ascending, from `head` on. */
  private answers: Array<number> = []
  private head = 0
  private pending = 0
  constructor(readonly limit: number, readonly interval: number) {}

  /** Earliest time, not before `now`, at which one more request keeps every window within `limit`. */
  earliest(now: number): number {
    this.prune(now)
    const answered = this.answers.length - this.head
    if (answered + this.pending < this.limit) return now
    // The limit-th latest answer decides; pending requests count as arriving now.
    const needed = this.limit - this.pending
    if (needed <= 0) return now + this.interval
    return Math.max(now, this.answers[this.answers.length - needed]! + this.interval)
  }

  /** Counts a request sent now, pending until `complete`. */
  record(): void {
    this.pending++
  }

  /** A pending request was answered at `now`. */
  complete(now: number): void {
    this.pending--
    const answers = this.answers
    // Answers come in order; an out-of-order clock reading goes to its place.
    let at = answers.length
    while (at > this.head && answers[at - 1]! > now) at--
    if (at === answers.length) answers.push(now)
    else answers.splice(at, 0, now)
  }

  /** No longer holds anything back at `now`. */
  idle(now: number): boolean {
    this.prune(now)
    return this.pending === 0 && this.head === this.answers.length
  }

  private prune(now: number): void {
    const horizon = now - this.interval
    const answers = this.answers
    while (this.head < answers.length && answers[this.head]! <= horizon) this.head++
    // Drop the passed answers once they are half the array.
    if (this.head > 32 && this.head * 2 > answers.length) {
      this.answers = answers.slice(this.head)
      this.head = 0
    }
  }
}

/**
 * The key WorkOS counts a `/directory_users` list against: its directory
 * (`directory:<id>`); when only `group` is given, the group's directory if
 * `directoryOfGroup` knows it, else the group itself (`group:<id>`);
 * `undefined` for any other path. `param` reads a query parameter; an empty
 * value counts as absent. The fake's enforced limits use the same key.
 *
 * @since 0.1.0
 * @category utils
 */
export const directoryUsersKey = (
  path: string,
  param: (name: string) => string | null | undefined,
  directoryOfGroup: (group: string) => string | undefined = () => undefined
): string | undefined => {
  if (path !== "/directory_users") return undefined
  const directory = param("directory")
  if (directory) return `directory:${directory}`
  const group = param("group")
  if (!group) return undefined
  const ofGroup = directoryOfGroup(group)
  return ofGroup ? `directory:${ofGroup}` : `group:${group}`
}

// The directories of the groups a client has seen, the most recently told kept. Bounded: a group forgotten only
// costs its next list being counted against the group instead of its directory.
class GroupDirectories {
  private readonly map = new Map<string, string>()
  constructor(private readonly capacity: number) {}
  readonly set = (group: string, directory: string): Effect.Effect<void> =>
    Effect.sync(() => {
      this.map.delete(group)
      this.map.set(group, directory)
      const oldest = this.map.keys().next()
      if (this.map.size > this.capacity && !oldest.done) this.map.delete(oldest.value)
    })
  readonly keyOf = (request: HttpClientRequest.HttpClientRequest): string | undefined =>
    directoryUsersKey(
      request.url,
      (name) => Option.getOrUndefined(UrlParams.getFirst(request.urlParams, name)),
      (group) => this.map.get(group)
    )
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

// The windows a request uses in a shared store, named under the key's scope. The braces are a Redis Cluster
// hash tag: every window of one key lands in one slot, so one script can admit a request into all of them.
const sharedWindows = (
  scope: string,
  perKey: Budget | false,
  directoryUsers: Budget | false,
  margin: number,
  keyOf: (request: HttpClientRequest.HttpClientRequest) => string | undefined
) =>
(request: HttpClientRequest.HttpClientRequest): ReadonlyArray<RateLimitStore.Window> => {
  const windows: Array<RateLimitStore.Window> = []
  if (perKey !== false) {
    windows.push({ key: `{${scope}}:key`, limit: perKey.limit, intervalMs: toMillis(perKey.interval) + margin })
  }
  const key = directoryUsers === false ? undefined : keyOf(request)
  if (key !== undefined && directoryUsers !== false) {
    windows.push({
      key: `{${scope}}:directory_users:${key}`,
      limit: directoryUsers.limit,
      intervalMs: toMillis(directoryUsers.interval) + margin
    })
  }
  return windows
}

// Admits a request through the store, then, once its answer is back, moves its entries to the answer: the
// latest moment WorkOS can have counted it, as the in-process windows take it.
const shared = (
  store: RateLimitStore.RateLimitStore,
  windowsOf: (request: HttpClientRequest.HttpClientRequest) => ReadonlyArray<RateLimitStore.Window>
): RateLimiter => {
  // The admission comes with when it was asked for: the store admitted the request at some moment after that,
  // so the answer, timed from there, is placed no earlier than it came.
  const admit = (
    windows: ReadonlyArray<RateLimitStore.Window>
  ): Effect.Effect<readonly [RateLimitStore.Ticket, number], RateLimitStore.RateLimitStoreError> =>
    Effect.flatMap(now, (asked) =>
      Effect.flatMap(store.take(windows), (take) =>
        take._tag === "Admitted"
          ? Effect.succeed([take.ticket, asked] as const)
          : Effect.zipRight(Effect.sleep(Duration.millis(Math.max(1, Math.ceil(take.millis)))), admit(windows))))
  // Best effort: if the store fails now, the entries stay pending (the store's `pendingHold`), and the next
  // `take` fails anyway.
  const arrived = (windows: ReadonlyArray<RateLimitStore.Window>, ticket: RateLimitStore.Ticket, asked: number) =>
    Effect.flatMap(now, (answered) => Effect.ignore(store.arrived(windows, ticket, Math.max(0, answered - asked))))
  return {
    limit: (request, send) => {
      const windows = windowsOf(request)
      return windows.length === 0 ?
        send :
        Effect.flatMap(admit(windows), ([ticket, asked]) => Effect.ensuring(send, arrived(windows, ticket, asked)))
    }
  }
}

/**
 * Builds a limiter whose state is shared by every fiber that uses it:
 * WorkOS's limits unless `options` says otherwise, none for `false`. A
 * budget that can never let a request through (a limit below 1, an empty
 * interval) is a defect. With a `store`, the windows are the store's, named
 * under `scope`: clients that share a budget must use the same scope
 * (`WorkOSClient` uses a digest of its API key).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options | false = {}, scope = "workos"): Effect.Effect<RateLimiter> =>
  Effect.suspend(() => {
    if (options === false) return Effect.succeed(unlimited)
    const perKey = options.perKey ?? workosLimits.perKey
    const directoryUsers = options.directoryUsers ?? workosLimits.directoryUsers
    if (perKey === false && directoryUsers === false) return Effect.succeed(unlimited)
    const problem = (perKey === false ? undefined : checkBudget("perKey", perKey)) ??
      (directoryUsers === false ? undefined : checkBudget("directoryUsers", directoryUsers))
    if (problem !== undefined) return Effect.dieMessage(problem)
    const groups = new GroupDirectories(10_000)
    if (options.store !== undefined) {
      const margin = toMillis(options.margin ?? sharedMargin)
      const limiter = shared(options.store, sharedWindows(scope, perKey, directoryUsers, margin, groups.keyOf))
      return Effect.succeed<RateLimiter>({ ...limiter, groupInDirectory: groups.set })
    }
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
    const acquire = (key: string | undefined): Effect.Effect<(answered: number) => void> =>
      Effect.flatMap(now, (at) => {
        const directory = windowFor(key, at)
        const ready = Math.max(directory?.earliest(at) ?? at, global?.earliest(at) ?? at)
        // Rounded up to whole milliseconds: timers have no finer grain, and one that wakes a fraction early only loops.
        if (ready > at) return Effect.zipRight(Effect.sleep(Duration.millis(Math.ceil(ready - at))), acquire(key))
        directory?.record()
        global?.record()
        return Effect.succeed((answered: number) => {
          directory?.complete(answered)
          global?.complete(answered)
        })
      })
    const limit = <A, E, R>(request: HttpClientRequest.HttpClientRequest, send: Effect.Effect<A, E, R>) =>
      Effect.flatMap(
        acquire(groups.keyOf(request)),
        (complete) => Effect.ensuring(send, Effect.map(now, complete))
      )
    return Effect.succeed<RateLimiter>({ limit, groupInDirectory: groups.set })
  })
