/**
 * Where rate-limit windows live when several processes share one API key.
 * WorkOS counts every request made with a key, whichever process sends it,
 * so processes that each keep their own windows overrun the key together. A
 * store keeps one sliding log per window and admits a request into all the
 * windows it uses at once, or tells it how long to wait.
 *
 * WorkOS counts a request when it arrives, which may be well after its
 * admission (a busy process, a slow network). So an admitted request is
 * taken to arrive at any moment until its sender reports, once the answer
 * is back, the latest moment it can have arrived, its answer (`arrived`); a
 * sender that never reports (it crashed) frees its place `pendingHold` after
 * the admission.
 *
 * `RateLimit.Options.store` plugs a store into `WorkOSClient`;
 * `@effect-workos/redis` provides one on Redis, and `makeMemory` one in
 * the process (for tests, and the shape of the contract).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/**
 * One sliding window: at most `limit` requests admitted in any `intervalMs`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Window {
  /** The window's name in the store; processes sharing a budget use the same key. */
  readonly key: string
  readonly limit: number
  /** The window's length in milliseconds, margin included. */
  readonly intervalMs: number
}

/**
 * The store could not be reached or answered nonsense. The client turns it
 * into a retryable `TransportError` with reason `RateLimitStore`: a request
 * is never sent without a place in its windows.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitStoreError extends Schema.TaggedError<RateLimitStoreError>(
  "@effect-workos/core/RateLimitStoreError"
)("RateLimitStoreError", {
  message: Schema.String
}) {}

/**
 * A request's place in its windows: `member` names its entries, `at` is
 * when the store admitted it, on the store's clock.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ticket {
  readonly member: string
  readonly at: number
}

/**
 * What `take` answers: admitted (with its ticket), or the milliseconds to
 * wait before asking again.
 *
 * @since 0.1.0
 * @category models
 */
export type Take =
  | { readonly _tag: "Admitted"; readonly ticket: Ticket }
  | { readonly _tag: "Wait"; readonly millis: number }

/**
 * A shared home for rate-limit windows.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStore {
  /**
   * Admits one request into every window, atomically; or, if any window is
   * full, admits it nowhere and says how long until the fullest has room
   * (at most `pendingPoll` when a pending request decides). The admitted
   * request counts as arriving at any moment until `arrived` is called.
   */
  readonly take: (windows: ReadonlyArray<Window>) => Effect.Effect<Take, RateLimitStoreError>
  /**
   * Records that the request reached WorkOS by `afterMillis` after its
   * admission (the client reports its answer's time): its place in each
   * window lasts an interval from then. Entries already gone from a window
   * stay gone.
   */
  readonly arrived: (
    windows: ReadonlyArray<Window>,
    ticket: Ticket,
    afterMillis: number
  ) => Effect.Effect<void, RateLimitStoreError>
}

interface Entry {
  readonly member: string
  at: number
}

/**
 * How long an admitted request whose arrival was never reported counts as
 * arriving: its sender crashed, or the request is that slow.
 *
 * @since 0.1.0
 * @category constants
 */
export const pendingHold = 30_000

/**
 * How soon a request held back by a request still on its way asks again:
 * that request's arrival, once reported, decides.
 *
 * @since 0.1.0
 * @category constants
 */
export const pendingPoll = 10

/** A window's entries, ordered by `at`; a pending entry's `at` is its admission plus `pendingHold`. */
type Log = Array<Entry>

const prune = (log: Log, horizon: number) => {
  let dropped = 0
  while (dropped < log.length && log[dropped]!.at <= horizon) dropped++
  if (dropped > 0) log.splice(0, dropped)
}

/**
 * A store in this process, on the `Clock` (so `TestClock` drives it): the
 * same sliding logs as the Redis store, shared by every client given it.
 * For tests: it keeps a (short) log for every window it has seen.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (): RateLimitStore => {
  const logs = new Map<string, Log>()
  let counter = 0
  const logOf = (key: string) => {
    let log = logs.get(key)
    if (log === undefined) logs.set(key, log = [])
    return log
  }
  const waitFor = (windows: ReadonlyArray<Window>, now: number) => {
    let wait = 0
    for (const window of windows) {
      const log = logOf(window.key)
      prune(log, now - window.intervalMs)
      // Room once the entry `limit` places from the newest has left the window.
      if (log.length >= window.limit) {
        const edge = log[log.length - window.limit]!.at
        wait = Math.max(wait, edge > now ? pendingPoll : edge + window.intervalMs - now)
      }
    }
    return wait
  }
  return {
    take: (windows) =>
      Effect.map(Clock.currentTimeMillis, (now): Take => {
        const wait = waitFor(windows, now)
        if (wait > 0) return { _tag: "Wait", millis: wait }
        const ticket = { member: String(counter++), at: now }
        for (const window of windows) logOf(window.key).push({ member: ticket.member, at: now + pendingHold })
        return { _tag: "Admitted", ticket }
      }),
    arrived: (windows, ticket, afterMillis) =>
      Effect.sync(() => {
        for (const window of windows) {
          const log = logOf(window.key)
          const entry = log.find((e) => e.member === ticket.member)
          if (entry === undefined) continue
          entry.at = ticket.at + Math.max(0, afterMillis)
          log.sort((a, b) => a.at - b.at)
        }
      })
  }
}
