/**
 * Open enums: WorkOS adds directory types and states over time, and a value
 * this library has not heard of must decode (keeping its string) rather than
 * break a whole page.
 *
 * @internal
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * A string outside the known literals. `string & Record<never, never>` keeps
 * editor completion for the known literals in `Known | Unknown`.
 *
 * @internal
 */
export type UnknownString = string & Record<never, never>

const UnknownString = Schema.declare(
  (input: unknown): input is UnknownString => Predicate.isString(input),
  // Any string, so Schema `Arbitrary` can generate the models (the fuzz suite does).
  { identifier: "UnknownString", arbitrary: () => (fc) => fc.string() }
)

/** @internal */
export const openEnum = <const Literals extends readonly [string, ...Array<string>]>(...literals: Literals) =>
  Schema.Union(Schema.Literal(...literals), UnknownString)
