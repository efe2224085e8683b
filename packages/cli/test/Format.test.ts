import { Format } from "@effect-workos/cli"
import { FakeWorkOS } from "@effect-workos/testing"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck } from "effect"
import { parseCsv, run } from "./utils.js"

// Text a spreadsheet could hold, biased towards what CSV must escape.
const cell = FastCheck.oneof(
  FastCheck.string({ unit: FastCheck.constantFrom(",", "\"", "\r", "\n", "a", " ", "é", "😀") }),
  FastCheck.string({ unit: "grapheme" })
)

describe("CSV (RFC 4180)", () => {
  it("any records read back field for field", () =>
    FastCheck.assert(
      FastCheck.property(
        FastCheck.array(FastCheck.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 }),
        (rows) => {
          const text = rows.map((row) => Format.csvRecord(row)).join("")
          expect(parseCsv(text)).toEqual(rows)
        }
      ),
      { numRuns: 500 }
    ))

  it.effect("users list --format csv: names with commas, quotes and line breaks come back intact", () =>
    Effect.promise(() =>
      FastCheck.assert(
        FastCheck.asyncProperty(
          FastCheck.array(FastCheck.tuple(cell, cell), { minLength: 1, maxLength: 5 }),
          (names) =>
            Effect.runPromise(
              Effect.gen(function*() {
                const fake = yield* FakeWorkOS.FakeWorkOS
                const directory = yield* fake.addDirectory({ name: "CSV Co" })
                for (const [i, [firstName, lastName]] of names.entries()) {
                  yield* fake.addUser({ directoryId: directory.id, email: `u${i}@csv.example`, firstName, lastName })
                }
                const { code, stdout } = yield* run(["users", "list", "--directory", directory.id, "-f", "csv"])
                expect(code).toBe(0)
                const [header, ...rows] = parseCsv(stdout)
                const first = header!.indexOf("first_name")
                const last = header!.indexOf("last_name")
                const byEmail = new Map(rows.map((row) => [row[header!.indexOf("email")], row]))
                for (const [i, [firstName, lastName]] of names.entries()) {
                  const row = byEmail.get(`u${i}@csv.example`)!
                  expect([row[first], row[last]]).toEqual([firstName, lastName])
                }
              }).pipe(Effect.provide(FakeWorkOS.layer()))
            )
        ),
        { numRuns: 25 }
      )
    ))
})
