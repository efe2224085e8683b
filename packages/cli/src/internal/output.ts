/**
 * Writing a stream of records page by page, with progress on stderr when a
 * person is watching an export go to a file or a pipe.
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Format from "../Format.js"
import { Io, type OutputClosedError } from "../Io.js"

const redrawEvery = 150

const count = (n: number) => n.toLocaleString("en-US")

/** Counts records and redraws one status line on stderr (a no-op unless stderr is a terminal and stdout is not). */
export const progress = (noun: string) =>
  Effect.gen(function*() {
    const io = yield* Io
    const shown = io.errIsTTY && !io.outIsTTY
    const start = yield* Clock.currentTimeMillis
    const state = yield* Ref.make({ count: 0, drawnAt: 0 })
    const status = (total: number, now: number) => {
      const seconds = Math.max(0.001, (now - start) / 1000)
      return `${count(total)} ${noun} · ${count(Math.round(total / seconds))}/s · ${seconds.toFixed(1)} s`
    }
    const add = (n: number) =>
      shown
        ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(
            Ref.modify(state, (s) => {
              const total = s.count + n
              const draw = now - s.drawnAt >= redrawEvery
              return [draw ? total : undefined, { count: total, drawnAt: draw ? now : s.drawnAt }]
            }),
            (total) => total === undefined ? Effect.void : io.err(`\r\x1b[K${status(total, now)}`)
          ))
        : Effect.void
    const done = shown
      ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(Ref.get(state), (s) => io.err(`\r\x1b[K${status(s.count, now)}\n`)))
      : Effect.void
    return { add, done }
  })

/** What to export and how. */
export interface ExportOptions<A, W, E, R> {
  readonly stream: Stream.Stream<A, E, R>
  readonly encode: (records: ReadonlyArray<A>) => Effect.Effect<ReadonlyArray<W>>
  readonly layout: Format.Layout<W>
  readonly format: Format.Format
  /** Plural, for progress: `users`. */
  readonly noun: string
}

/**
 * Writes every record of the stream, one page per write. Nothing is written
 * before the first page (a failing first request leaves stdout empty); once
 * something is written, the output is closed properly whatever happens next
 * (a `json` array gets its `]` even on Ctrl-C).
 */
export const exportStream = <A, W, E, R>(
  options: ExportOptions<A, W, E, R>
): Effect.Effect<void, E | OutputClosedError, R | Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const render = Format.renderer(options.format, options.layout)
    const meter = yield* progress(options.noun)
    const begun = yield* Ref.make(false)
    const write = (text: string) =>
      Effect.zipRight(
        Effect.flatMap(Ref.getAndSet(begun, true), (was) => io.out(was ? text : render.begin() + text)),
        Effect.void
      )
    const close = Effect.flatMap(Ref.get(begun), (was) => was ? io.out(render.end()) : Effect.void).pipe(Effect.ignore)
    yield* Stream.runForEachChunk(options.stream, (chunk) =>
      Effect.flatMap(options.encode(Chunk.toReadonlyArray(chunk)), (records) =>
        Effect.zipRight(write(render.page(records)), meter.add(records.length)))).pipe(
        Effect.zipRight(write("")),
        Effect.ensuring(Effect.zipRight(close, meter.done))
      )
  })
