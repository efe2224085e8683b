/**
 * Parameter checks that run before anything is sent, and path-safe ids. They
 * take `unknown`: a JavaScript caller can pass anything, and every mistake
 * must come back as an `InvalidParameterError`, never as a thrown exception.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Pagination from "../Pagination.js"
import { InvalidParameterError } from "../WorkOSError.js"

/** @internal */
export const invalid = (parameter: string, message: string) => new InvalidParameterError({ parameter, message })

// A lone surrogate cannot be percent-encoded (`encodeURIComponent` throws) and
// `URLSearchParams` would silently send it as U+FFFD, a different value.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether a string is well-formed Unicode (no lone surrogate). @internal */
export const isWellFormed = (value: string): boolean => !loneSurrogate.test(value)

/** Options given as anything but an object (or nothing). @internal */
export const checkOptions = (parameter: string, options: unknown): InvalidParameterError | undefined =>
  options === undefined || Predicate.isRecord(options)
    ? undefined
    : invalid(parameter, `${parameter} must be an object when given`)

const checkText = (parameter: string, value: unknown, what: string): InvalidParameterError | undefined => {
  if (typeof value !== "string" || value.length === 0) return invalid(parameter, `${parameter} must be ${what}`)
  return isWellFormed(value)
    ? undefined
    : invalid(parameter, `${parameter} must be well-formed Unicode (it holds a lone surrogate)`)
}

/** An id that goes into a path: a non-empty string that cannot walk out of its segment. @internal */
export const checkId = (parameter: string, id: unknown): InvalidParameterError | undefined => {
  const problem = checkText(parameter, id, "a non-empty string")
  if (problem !== undefined) return problem
  // URL parsers resolve "." and ".." segments even when percent-encoded, so no encoding makes them safe.
  if (id === "." || id === "..") return invalid(parameter, `${parameter} cannot be "." or ".."`)
  return undefined
}

/** An optional filter: when given, a non-empty string. @internal */
export const checkFilter = (parameter: string, value: unknown): InvalidParameterError | undefined =>
  value === undefined ? undefined : checkText(parameter, value, "a non-empty string when given")

/** `limit`, `before`, `after` and `order`. @internal */
export const checkPage = (options: Pagination.PageOptions): InvalidParameterError | undefined => {
  const limit: unknown = options.limit
  const order: unknown = options.order
  if (limit !== undefined && !(Number.isInteger(limit) && Number(limit) >= 1 && Number(limit) <= 100)) {
    return invalid("limit", `limit must be an integer from 1 to 100, got ${describe(limit)}`)
  }
  if (order !== undefined && !Pagination.orders.some((known) => known === order)) {
    return invalid("order", `order must be one of ${Pagination.orders.join(", ")}, got ${describe(order)}`)
  }
  return checkFilter("before", options.before) ?? checkFilter("after", options.after)
}

/** The most pages a stream may fetch ahead: beyond it, memory is no longer bounded in any useful sense. @internal */
export const maxPrefetch = 1000

/** `prefetch` of a stream: when given, an integer from 0 to `maxPrefetch` (`null` is not a default). @internal */
export const checkPrefetch = (prefetch: unknown): InvalidParameterError | undefined =>
  prefetch === undefined || (Number.isSafeInteger(prefetch) && Number(prefetch) >= 0 && Number(prefetch) <= maxPrefetch)
    ? undefined
    : invalid("prefetch", `prefetch must be an integer from 0 to ${maxPrefetch}, got ${describe(prefetch)}`)

/** A caller's value in a message: numbers and short words as they are, anything else by its type. @internal */
export const describe = (value: unknown): string => {
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value)
  }
  // Only the vocabulary of enums is echoed: a free string may be personal data.
  if (typeof value === "string") return /^[A-Za-z_]{1,20}$/.test(value) ? JSON.stringify(value) : "a string"
  return Array.isArray(value) ? "an array" : `a value of type ${typeof value}`
}

/** A requirement between parameters. @internal */
export const requireOne = (
  parameters: ReadonlyArray<readonly [name: string, value: unknown]>,
  because: string
): InvalidParameterError | undefined =>
  parameters.some(([, value]) => value !== undefined)
    ? undefined
    : invalid(parameters[0]![0], `${parameters.map(([name]) => name).join(" or ")} is required ${because}`)

/** Fails with the first problem found, if any. @internal */
export const validate = (...problems: ReadonlyArray<InvalidParameterError | undefined>) => {
  const problem = problems.find((p) => p !== undefined)
  return problem === undefined ? Effect.void : Effect.fail(problem)
}

/** A path segment for an id: percent-encoded so `/`, `?` and `#` stay inside it. @internal */
export const segment = (id: string): string => encodeURIComponent(id)
