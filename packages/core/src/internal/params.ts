/**
 * Parameter checks that run before anything is sent, and path-safe ids.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Pagination from "../Pagination.js"
import { InvalidParameterError } from "../WorkOSError.js"

const invalid = (parameter: string, message: string) => new InvalidParameterError({ parameter, message })

/** An id that goes into a path: a non-empty string that cannot walk out of its segment. @internal */
export const checkId = (parameter: string, id: unknown): InvalidParameterError | undefined => {
  if (typeof id !== "string" || id.length === 0) return invalid(parameter, `${parameter} must be a non-empty string`)
  // URL parsers resolve "." and ".." segments even when percent-encoded, so no encoding makes them safe.
  if (id === "." || id === "..") return invalid(parameter, `${parameter} cannot be "." or ".."`)
  return undefined
}

/** An optional filter: when given, a non-empty string. @internal */
export const checkFilter = (parameter: string, value: unknown): InvalidParameterError | undefined =>
  value === undefined || (typeof value === "string" && value.length > 0)
    ? undefined
    : invalid(parameter, `${parameter} must be a non-empty string when given`)

/** `limit`, `before`, `after` and `order`. @internal */
export const checkPage = (options: Pagination.PageOptions): InvalidParameterError | undefined => {
  const { limit, order } = options
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100)) {
    return invalid("limit", `limit must be an integer from 1 to 100, got ${String(limit)}`)
  }
  if (order !== undefined && !Pagination.orders.includes(order)) {
    return invalid("order", `order must be one of ${Pagination.orders.join(", ")}, got ${String(order)}`)
  }
  return checkFilter("before", options.before) ?? checkFilter("after", options.after)
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
