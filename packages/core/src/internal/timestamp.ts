/**
 * WorkOS timestamps: ISO 8601 in the spec, but older payloads carry a space
 * for `T`, microseconds, or no zone at all (meaning UTC).
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const shape = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

const normalizeZone = (zone: string | undefined): string => {
  if (zone === undefined || zone === "Z" || zone === "z") return "Z"
  const digits = zone.slice(1).replace(":", "")
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2).padEnd(2, "0")}`
}

// The form the spec gives and WorkOS sends today, which `Date.parse` reads exactly as the tolerant path would rebuild it.
const plainIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/

// Any form WorkOS has sent, rebuilt into one `Date.parse` reads.
const tolerant = (input: string): number => {
  const match = shape.exec(input.trim())
  if (match === null) return Number.NaN
  const [, date, time, fraction, zone] = match
  // Date.parse understands milliseconds only; sub-millisecond digits are dropped, not rounded.
  const millis = fraction === undefined ? "" : `.${fraction.slice(0, 3).padEnd(3, "0")}`
  const seconds = time!.length === 5 ? `${time}:00` : time
  return Date.parse(`${date}T${seconds}${millis}${normalizeZone(zone)}`)
}

/** The instant `input` names, or `undefined`: the plain ISO form first, then the tolerant parse. @internal */
export const timestampOf = (input: string): DateTime.Utc | undefined => {
  const epoch = plainIso.test(input) ? Date.parse(input) : tolerant(input)
  return Number.isNaN(epoch) ? undefined : DateTime.unsafeMake(epoch)
}

/** @internal */
export const parseTimestamp = (input: string): Option.Option<DateTime.Utc> => Option.fromNullable(timestampOf(input))

/**
 * A `DateTime.Utc` decoded from any timestamp shape WorkOS has sent, encoded
 * back as `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * @internal
 */
export const Timestamp: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DateTimeUtcFromSelf,
  {
    strict: true,
    decode: (input, _, ast) =>
      Option.match(parseTimestamp(input), {
        onNone: () =>
          ParseResult.fail(
            new ParseResult.Type(ast, input, `Expected an ISO 8601 timestamp, got ${JSON.stringify(input)}`)
          ),
        onSome: ParseResult.succeed
      }),
    encode: (dateTime) => ParseResult.succeed(DateTime.formatIso(dateTime))
  }
).annotations({ identifier: "Timestamp" })
