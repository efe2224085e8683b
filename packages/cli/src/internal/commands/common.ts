/**
 * Pieces every API command shares: the `--limit` check, a record printed
 * once, and a stream cut to `--limit`.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { UsageError } from "../../CliError.js"
import * as Format from "../../Format.js"
import { Io } from "../../Io.js"

/** Fails unless `--limit` is at least 1. */
export const checkLimit = (limit: Option.Option<number>): Effect.Effect<void, UsageError> =>
  Option.isSome(limit) && limit.value < 1
    ? Effect.fail(new UsageError({ message: "--limit must be 1 or more", hint: "leave --limit out to get everything" }))
    : Effect.void

/** The stream, cut after `--limit` records. */
export const limited = <A, E, R>(stream: Stream.Stream<A, E, R>, limit: Option.Option<number>) =>
  Option.match(limit, { onNone: () => stream, onSome: (n) => Stream.take(stream, n) })

/** Prints one record, encoded to its wire form. */
export const printOne = <A, W>(
  record: A,
  encode: (records: ReadonlyArray<A>) => Effect.Effect<ReadonlyArray<W>>,
  layout: Format.Layout<W>,
  format: Format.Format
) =>
  Effect.gen(function*() {
    const io = yield* Io
    const [wire] = yield* encode([record])
    yield* io.out(Format.one(format, layout, wire!))
  })

/** Text of an optional client-side filter for `--help`. */
export const clientSide = "Filtered on this machine: WorkOS has no such filter, so every page is still read and"
  + " only matching records are printed."
