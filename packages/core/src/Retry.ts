/**
 * How transient failures are retried: a `Schedule` over `WorkOSError` that
 * backs off exponentially with jitter and waits exactly as long as a
 * `Retry-After` header asks (capped at 60 seconds).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as WorkOSError from "./WorkOSError.js"

/**
 * The longest `Retry-After` honoured: a server asking for more is waited on for this long.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRetryAfter: Duration.Duration = Duration.seconds(60)

/**
 * Settings for the default backoff.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Retries after the first attempt (default 3; 0 disables). */
  readonly times?: number | undefined
  /** First backoff delay (default 500 millis), doubled each retry. */
  readonly base?: Duration.DurationInput | undefined
  /** Upper bound of one backoff delay before jitter (default 30 seconds). */
  readonly maxDelay?: Duration.DurationInput | undefined
}

/**
 * What `WorkOSClient` accepts as `retry`: `false` to disable, options for the
 * default backoff, or any `Schedule` over the failure. Only transient failures
 * (408, 429, 5xx, transport errors and timeouts) are ever retried.
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = false | Options | Schedule.Schedule<unknown, WorkOSError.WorkOSError>

/**
 * Exponential backoff with jitter, capped, recurring `times` times.
 *
 * @since 0.1.0
 * @category schedules
 */
export const backoff = (options: Options = {}): Schedule.Schedule<unknown, WorkOSError.WorkOSError> => {
  const maxDelay = Duration.decode(options.maxDelay ?? "30 seconds")
  return Schedule.exponential(options.base ?? "500 millis", 2).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(options.times ?? 3))
  )
}

/**
 * Makes a schedule wait what a failure's `Retry-After` asks (capped at
 * `maxRetryAfter`) instead of its own delay, whenever the failure carries one.
 *
 * @since 0.1.0
 * @category schedules
 */
export const honorRetryAfter = <Out>(
  self: Schedule.Schedule<Out, WorkOSError.WorkOSError>
): Schedule.Schedule<Out, WorkOSError.WorkOSError> =>
  Schedule.intersect(self, Schedule.identity<WorkOSError.WorkOSError>()).pipe(
    Schedule.modifyDelay(([, error], delay) =>
      Option.match(WorkOSError.retryAfter(error), {
        // Whole milliseconds: a jittered fraction would leave TestClock at an instant it
        // cannot turn into nanoseconds, and the rate limiter reads nanoseconds.
        onNone: () => Duration.millis(Math.round(Duration.toMillis(delay))),
        onSome: (wait) => Duration.min(wait, maxRetryAfter)
      })
    ),
    Schedule.map(([out]) => out)
  )

/**
 * The schedule a policy stands for, `Retry-After` aware; `undefined` when retries are off.
 *
 * @since 0.1.0
 * @category schedules
 */
export const toSchedule = (
  policy: Policy | undefined
): Schedule.Schedule<unknown, WorkOSError.WorkOSError> | undefined => {
  if (policy === false) return undefined
  if (policy === undefined) return honorRetryAfter(backoff())
  if (Schedule.isSchedule(policy)) return honorRetryAfter(policy)
  return policy.times === 0 ? undefined : honorRetryAfter(backoff(policy))
}
