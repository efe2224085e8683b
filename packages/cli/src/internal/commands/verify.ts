/**
 * `verify`: the five checks of the Directory Sync quick start, against the
 * real API or any base URL, as a table or JSON. Requests are not retried, so
 * the table shows what the API answered.
 */
import type { WorkOSError } from "@effect-workos/core"
import { DirectorySync } from "@effect-workos/core"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Arr from "effect/Array"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { VerifyFailedError } from "../../CliError.js"
import { Io } from "../../Io.js"
import * as Connection from "../connection.js"
import * as Failure from "../failure.js"
import * as Flags from "../flags.js"

/** One check's outcome, as printed. */
export interface CheckResult {
  readonly check: string
  readonly result: "pass" | "fail" | "skip"
  readonly ms: number
  readonly requestId: string | null
  readonly detail: string
  readonly hint: string | null
}

// An id that cannot exist, as in the quick start's last check.
const unknownUserId = "directory_user_invalid_id"

type Outcome =
  | { readonly result: "pass" | "skip"; readonly detail: string }
  | { readonly result: "fail"; readonly detail: string; readonly hint: string }

const pass = (detail: string): Outcome => ({ result: "pass", detail })
const skip = (detail: string): Outcome => ({ result: "skip", detail })

const plural = (n: number, noun: string, many = `${noun}s`) => `${n} ${n === 1 ? noun : many}`

const runChecks = (directoryFlag: Option.Option<string>, lastRequestId: Ref.Ref<string | null>) =>
  Effect.gen(function*() {
    const directorySync = yield* DirectorySync.DirectorySync
    const results: Array<CheckResult> = []
    const run = (check: string, effect: Effect.Effect<Outcome, WorkOSError.WorkOSError>) =>
      Effect.gen(function*() {
        yield* Ref.set(lastRequestId, null)
        const [elapsed, outcome] = yield* Effect.timed(Effect.catchAll(effect, (error): Effect.Effect<Outcome> => {
          const rendered = Failure.render(error)
          const outcome: Outcome = { result: "fail", detail: rendered.message, hint: rendered.hint }
          return rendered.requestId === undefined
            ? Effect.succeed(outcome)
            : Effect.as(Ref.set(lastRequestId, rendered.requestId), outcome)
        }))
        const requestId = outcome.result === "skip" ? null : yield* Ref.get(lastRequestId)
        results.push({
          check,
          result: outcome.result,
          ms: outcome.result === "skip" ? 0 : Math.round(Duration.toMillis(elapsed)),
          requestId,
          detail: outcome.detail,
          hint: outcome.result === "fail" ? outcome.hint : null
        })
      })
    const noDirectory = skip("no directory to read (none listed; pass --directory)")

    let directory = directoryFlag
    yield* run(
      "1. list directories",
      Effect.map(directorySync.listDirectories(), (page) => {
        if (Option.isNone(directory)) directory = Option.map(Arr.head(page.data), (first) => first.id)
        return pass(`${plural(page.data.length, "directory", "directories")} on the first page`)
      })
    )
    let userId = Option.none<string>()
    yield* run(
      "2. list 5 users",
      Option.match(directory, {
        onNone: () => Effect.succeed(noDirectory),
        onSome: (id) =>
          Effect.map(directorySync.listUsers({ directory: id, limit: 5 }), (page) => {
            userId = Option.map(Arr.head(page.data), (user) => user.id)
            return pass(`${plural(page.data.length, "user")} of ${id}`)
          })
      })
    )
    yield* run(
      "3. get one user",
      Option.match(userId, {
        onNone: () => Effect.succeed(skip("no user to read")),
        onSome: (id) => Effect.as(directorySync.getUser(id), pass(id))
      })
    )
    yield* run(
      "4. list 5 groups",
      Option.match(directory, {
        onNone: () => Effect.succeed(noDirectory),
        onSome: (id) =>
          Effect.map(
            directorySync.listGroups({ directory: id, limit: 5 }),
            (page) => pass(`${plural(page.data.length, "group")} of ${id}`)
          )
      })
    )
    yield* run(
      "5. unknown id is a 404",
      directorySync.getUser(unknownUserId).pipe(
        Effect.as<Outcome>({
          result: "fail",
          detail: `${unknownUserId} was found (expected 404)`,
          hint: "is the base URL a WorkOS API?"
        }),
        Effect.catchTag("NotFoundError", () => Effect.succeed(pass("404 as expected")))
      )
    )
    return results
  })

const table = (results: ReadonlyArray<CheckResult>): string => {
  const rows = [
    ["CHECK", "RESULT", "TIME", "REQUEST ID", "DETAIL"],
    ...results.map((r) => [r.check, r.result, r.result === "skip" ? "-" : `${r.ms} ms`, r.requestId ?? "-", r.detail])
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  const lines = rows.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ").trimEnd()
  )
  const hints = Arr.dedupe(results.flatMap((r) => r.hint === null ? [] : [r.hint]))
  return [...lines, ...hints.map((hint) => `hint: ${hint}`)].join("\n") + "\n"
}

/** `verify`. */
export const command = Command.make(
  "verify",
  {
    ...Connection.options,
    directory: Flags.filter("directory", "The directory to read in checks 2 to 4 (default: the first one listed)"),
    json: Options.boolean("json").pipe(Options.withDescription("Print the results as JSON instead of a table"))
  },
  (flags) =>
    Effect.gen(function*() {
      const io = yield* Io
      const lastRequestId = yield* Ref.make<string | null>(null)
      const results = yield* Connection.provideApi(flags, runChecks(flags.directory, lastRequestId), {
        retry: false,
        timeout: Duration.seconds(15),
        transformClient: HttpClient.tap((response) => Ref.set(lastRequestId, response.headers["x-request-id"] ?? null))
      })
      const failed = results.filter((r) => r.result === "fail").length
      yield* io.out(
        flags.json
          ? `${JSON.stringify({ ok: failed === 0, baseUrl: Connection.baseUrlOf(flags), checks: results }, null, 2)}\n`
          : table(results)
      )
      if (failed > 0) return yield* new VerifyFailedError({ failed, total: results.length })
    })
).pipe(
  Command.withDescription(
    "Check that a key works against Directory Sync: list directories, list 5 users, get a user, "
      + "list 5 groups, and get an unknown id (expects 404). Exit code 0 only if no check fails"
      + " (a check with nothing to read, e.g. no directory, is skipped)."
  )
)
