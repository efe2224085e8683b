/**
 * Running the command line in process, over the in-memory fake, with its
 * output captured; and reading CSV back (RFC 4180) to check what was written.
 */
import { Cli, Io } from "@effect-workos/cli"
import { FakeWorkOS, Faults, Generators } from "@effect-workos/testing"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect, Fiber, Layer } from "effect"

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions extends Io.MemoryOptions {
  /** Environment the command reads (default: the fake's key and base URL). */
  readonly env?: Readonly<Record<string, string>> | undefined
}

export const fakeEnv = {
  WORKOS_API_KEY: FakeWorkOS.defaultApiKey,
  WORKOS_BASE_URL: "https://api.workos.test"
}

/** Starts `workos-dsync ...args` against the `FakeWorkOS` in context, in a fiber. */
export const start = (args: ReadonlyArray<string>, options: RunOptions = {}) =>
  Effect.gen(function*() {
    const [io, captured] = yield* Io.makeMemory(options)
    const fiber = yield* Cli.run(["node", "workos-dsync", ...args]).pipe(
      Effect.provideService(Io.Io, io),
      Effect.provide(Layer.merge(FakeWorkOS.layerHttpClient, NodeContext.layer)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? fakeEnv)))),
      Effect.fork
    )
    return { fiber, captured }
  })

/** Runs `workos-dsync ...args` against the `FakeWorkOS` in context. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}) =>
  Effect.gen(function*() {
    const { captured, fiber } = yield* start(args, options)
    const code = yield* Fiber.join(fiber)
    return { code, stdout: yield* captured.stdout, stderr: yield* captured.stderr } satisfies Ran
  })

/** A fake with 2 directories of 30 users and 4 groups each. */
export const seeded = () =>
  FakeWorkOS.layer(Generators.generate({ seed: 7, directories: 2, usersPerDirectory: 30, groupsPerDirectory: 4 }))

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields. */
export const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === "\"" && text[i + 1] === "\"") {
        field += "\""
        i++
      } else if (char === "\"") quoted = false
      else field += char
    } else if (char === "\"") quoted = true
    else if (char === ",") {
      row.push(field)
      field = ""
    } else if (char === "\r" && text[i + 1] === "\n") {
      // the \n ends the record
    } else if (char === "\n") {
      row.push(field)
      rows.push(row)
      row = []
      field = ""
    } else field += char
  }
  if (field !== "" || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

/** Records what the fake was asked: every request's method, path and query. */
export const recordRequests = Effect.gen(function*() {
  const fake = yield* FakeWorkOS.FakeWorkOS
  const seen: Array<{ readonly method: string; readonly path: string; readonly query: URLSearchParams }> = []
  yield* fake.faults.inject({
    route: (request) => {
      seen.push({ method: request.method, path: request.path, query: new URLSearchParams(request.searchParams) })
      return false
    },
    fault: Faults.latency(0)
  })
  return seen
})
