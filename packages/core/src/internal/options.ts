/**
 * Checks of `WorkOSClient` options, so a bad setting (a timeout of "soon", a
 * rate limit of zero, a key passed as a plain string by a JavaScript caller)
 * is an `InvalidParameterError` naming it instead of a defect when the layer
 * is built.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type { InvalidParameterError } from "../WorkOSError.js"
import { describe, invalid } from "./params.js"

/** A duration input that decodes, as a `Duration` (`None` when it does not). @internal */
export const toDuration = (input: unknown): Option.Option<Duration.Duration> =>
  // `Duration.decodeUnknown` accepts what `Duration.decode` accepts, without throwing.
  Duration.decodeUnknown(input)

const checkDuration = (
  parameter: string,
  input: unknown,
  positive: boolean
): InvalidParameterError | undefined => {
  if (input === undefined) return undefined
  const ok = Option.exists(
    toDuration(input),
    (duration) => Duration.isFinite(duration) && (positive ? Duration.greaterThan(duration, Duration.zero) : true)
  )
  return ok ? undefined : invalid(
    parameter,
    `${parameter} must be a ${positive ? "positive" : "non-negative"}, finite duration such as "30 seconds", got ${
      describe(input)
    }`
  )
}

const checkBudget = (parameter: string, budget: unknown): InvalidParameterError | undefined => {
  if (budget === undefined || budget === false) return undefined
  if (!Predicate.isObject(budget)) return invalid(parameter, `${parameter} must be { limit, interval } or false`)
  const limit: unknown = Reflect.get(budget, "limit")
  if (!(Number.isSafeInteger(limit) && Number(limit) >= 1)) {
    return invalid(`${parameter}.limit`, `${parameter}.limit must be a positive integer, got ${describe(limit)}`)
  }
  return checkDuration(`${parameter}.interval`, Reflect.get(budget, "interval"), true) ??
    (Reflect.has(budget, "interval")
      ? undefined
      : invalid(`${parameter}.interval`, `${parameter}.interval is required`))
}

/** `rateLimit`: `false`, or budgets that can let a request through. @internal */
export const checkRateLimit = (rateLimit: unknown): InvalidParameterError | undefined => {
  if (rateLimit === undefined || rateLimit === false) return undefined
  if (!Predicate.isObject(rateLimit)) return invalid("rateLimit", "rateLimit must be an object or false")
  return checkBudget("rateLimit.perKey", Reflect.get(rateLimit, "perKey")) ??
    checkBudget("rateLimit.directoryUsers", Reflect.get(rateLimit, "directoryUsers")) ??
    checkDuration("rateLimit.margin", Reflect.get(rateLimit, "margin"), false)
}

/** `retry`: `false`, a `Schedule`, or backoff options. @internal */
export const checkRetry = (retry: unknown): InvalidParameterError | undefined => {
  if (retry === undefined || retry === false || Schedule.isSchedule(retry)) return undefined
  if (!Predicate.isObject(retry)) {
    return invalid("retry", "retry must be false, a Schedule or { times, base, maxDelay }")
  }
  const times: unknown = Reflect.get(retry, "times")
  if (times !== undefined && !(Number.isSafeInteger(times) && Number(times) >= 0)) {
    return invalid("retry.times", `retry.times must be a non-negative integer, got ${describe(times)}`)
  }
  return checkDuration("retry.base", Reflect.get(retry, "base"), true) ??
    checkDuration("retry.maxDelay", Reflect.get(retry, "maxDelay"), true)
}

/** Every option but `baseUrl` (checked by the client, which needs the parsed URL). @internal */
export const checkClientOptions = (options: unknown): InvalidParameterError | undefined => {
  if (!Predicate.isObject(options)) return invalid("options", "WorkOSClient options must be an object")
  const transformClient: unknown = Reflect.get(options, "transformClient")
  return (Redacted.isRedacted(Reflect.get(options, "apiKey"))
    ? undefined
    : invalid("apiKey", "apiKey must be a Redacted string: Redacted.make(key)")) ??
    checkDuration("timeout", Reflect.get(options, "timeout"), true) ??
    checkRetry(Reflect.get(options, "retry")) ??
    checkRateLimit(Reflect.get(options, "rateLimit")) ??
    (transformClient === undefined || Predicate.isFunction(transformClient)
      ? undefined
      : invalid("transformClient", "transformClient must be a function"))
}
