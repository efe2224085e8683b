/**
 * Where the command line writes: results on stdout, messages and progress on
 * stderr, and whether each end is a terminal. A service, so tests capture the
 * output in memory and the binary writes to the process streams.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"

/**
 * stdout was closed by its reader (`workos-dsync users list ... | head`).
 *
 * @since 0.1.0
 * @category errors
 */
export class OutputClosedError extends Schema.TaggedError<OutputClosedError>("@effect-workos/cli/OutputClosedError")(
  "OutputClosedError",
  {}
) {}

/**
 * The output streams.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Writes results; waits while the reader is behind. */
  readonly out: (text: string) => Effect.Effect<void, OutputClosedError>
  /** Writes messages, hints and progress. */
  readonly err: (text: string) => Effect.Effect<void>
  /** Whether stdout is a terminal. */
  readonly outIsTTY: boolean
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly errIsTTY: boolean
  /** Whether stdin is a terminal (a confirmation can be asked only then). */
  readonly inIsTTY: boolean
  /** One line typed on stdin, without its line break (`""` at end of input). */
  readonly readLine: Effect.Effect<string>
}

/**
 * The output streams.
 *
 * @since 0.1.0
 * @category tags
 */
export class Io extends Context.Tag("@effect-workos/cli/Io")<Io, Service>() {}

const isBrokenPipe = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && error.code === "EPIPE"

/**
 * The process's stdout, stderr and stdin.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNode: Layer.Layer<Io> = Layer.sync(Io, () => {
  let closed = false
  // An EPIPE arrives as an 'error' event; without a listener Node would crash with a stack trace.
  process.stdout.on("error", (error) => {
    if (isBrokenPipe(error)) closed = true
  })
  process.stderr.on("error", () => undefined)
  const out = (text: string) =>
    Effect.async<void, OutputClosedError>((resume) => {
      if (closed) return resume(Effect.fail(new OutputClosedError()))
      if (process.stdout.write(text)) return resume(Effect.void)
      const done = () => {
        process.stdout.off("drain", done)
        process.stdout.off("error", done)
        resume(closed ? Effect.fail(new OutputClosedError()) : Effect.void)
      }
      process.stdout.once("drain", done)
      process.stdout.once("error", done)
    })
  const readLine = Effect.async<string>((resume) => {
    let buffer = ""
    const finish = (line: string) => {
      process.stdin.off("data", onData)
      process.stdin.off("end", onEnd)
      process.stdin.pause()
      resume(Effect.succeed(line))
    }
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8")
      const end = buffer.indexOf("\n")
      if (end !== -1) finish(buffer.slice(0, end).replace(/\r$/, ""))
    }
    const onEnd = () => finish(buffer)
    process.stdin.on("data", onData)
    process.stdin.once("end", onEnd)
    process.stdin.resume()
  })
  return {
    out,
    err: (text) => Effect.sync(() => void process.stderr.write(text)),
    outIsTTY: process.stdout.isTTY === true,
    errIsTTY: process.stderr.isTTY === true,
    inIsTTY: process.stdin.isTTY === true,
    readLine
  }
})

/**
 * What an in-memory `Io` has captured.
 *
 * @since 0.1.0
 * @category models
 */
export interface Captured {
  readonly stdout: Effect.Effect<string>
  readonly stderr: Effect.Effect<string>
}

/**
 * Options of an in-memory `Io`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoryOptions {
  /** Pretend stderr is a terminal (default `false`). */
  readonly errIsTTY?: boolean | undefined
  /** Lines typed on stdin; when given, stdin is a terminal. */
  readonly input?: ReadonlyArray<string> | undefined
}

/**
 * An `Io` that keeps everything in memory, with what it captured.
 *
 * @example
 * ```ts
 * import { Io } from "@effect-workos/cli"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const [io, captured] = yield* Io.makeMemory()
 *   yield* io.err("hello\n")
 *   return yield* captured.stderr
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (options: MemoryOptions = {}): Effect.Effect<readonly [Service, Captured]> =>
  Effect.gen(function*() {
    const stdout = yield* Ref.make("")
    const stderr = yield* Ref.make("")
    const input = yield* Ref.make(options.input ?? [])
    const service: Service = {
      out: (text) => Ref.update(stdout, (all) => all + text),
      err: (text) => Ref.update(stderr, (all) => all + text),
      outIsTTY: false,
      errIsTTY: options.errIsTTY ?? false,
      inIsTTY: options.input !== undefined,
      readLine: Ref.modify(input, (lines) => [lines[0] ?? "", lines.slice(1)])
    }
    return [service, { stdout: Ref.get(stdout), stderr: Ref.get(stderr) }] as const
  })
