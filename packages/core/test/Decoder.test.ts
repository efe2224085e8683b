import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { Directory } from "../src/Directory.js"
import { DirectoryGroup } from "../src/DirectoryGroup.js"
import * as DirectoryUser from "../src/DirectoryUser.js"
import { EventPage } from "../src/Events.js"
import * as Decoder from "../src/internal/decoder.js"
import { formatPaths, formatTree } from "../src/internal/issues.js"
import * as Pagination from "../src/Pagination.js"

const CustomAttributes = Schema.Struct({
  department: Schema.String,
  level: Schema.optional(Schema.Number),
  manager: Schema.NullOr(Schema.Struct({ id: Schema.String }))
})

// The wire as a response carries it: the encoded value through JSON.
const wireOf = <A, I>(schema: Schema.Schema<A, I>, value: A): unknown =>
  JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value)))

// Both decoders on one input: the same value, or the same failure at the same wire path.
const assertAgree = <A, I>(schema: Schema.Schema<A, I>, input: unknown) => {
  const expected = Schema.decodeUnknownEither(schema, Decoder.options)(input)
  const actual = Decoder.decodeUnknownEither(schema)(input)
  if (Either.isRight(expected)) {
    assert.isTrue(Either.isRight(actual), "the one-pass decoder fails where Schema succeeds")
    assert.deepStrictEqual(Either.getOrThrow(actual), expected.right)
  } else {
    assert.isTrue(Either.isLeft(actual), "the one-pass decoder succeeds where Schema fails")
    Either.mapLeft(actual, (error) => {
      assert.strictEqual(formatPaths(error), formatPaths(expected.left))
      assert.strictEqual(formatTree(error), formatTree(expected.left))
    })
  }
  return expected
}

// Every path to a value inside `value`, at most `depth` levels down (the fields of a page's items and their parts).
const pathsOf = (value: unknown, depth = 4): ReadonlyArray<ReadonlyArray<string | number>> => {
  if (depth === 0 || !Predicate.isObject(value)) return []
  const keys: ReadonlyArray<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return keys.flatMap((key) => [[key], ...pathsOf(Reflect.get(value, key), depth - 1).map((rest) => [key, ...rest])])
}

const hostile: ReadonlyArray<unknown> = [
  null,
  42,
  "",
  "not a timestamp",
  true,
  [],
  {},
  [[[[]]]],
  { id: 1 },
  "2026-13-45T99:99:99.000Z",
  JSON.parse("[".repeat(3000) + "]".repeat(3000))
]

// `input` with the value at `path` replaced by `replacement`, or removed when `replacement` is `undefined`.
const mutate = (input: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown => {
  if (path.length === 0) return replacement
  const [key, ...rest] = path
  if (Array.isArray(input)) {
    return input.map((item, i) => i === key ? mutate(item, rest, replacement) : item)
  }
  if (!Predicate.isRecord(input)) return input
  const copy: Record<string, unknown> = { ...input }
  if (rest.length === 0 && replacement === undefined) {
    delete copy[String(key)]
  } else {
    copy[String(key)] = mutate(copy[String(key)], rest, replacement)
  }
  return copy
}

// Agreement of the one-pass decoder with Schema, on generated bodies and on every way of breaking them.
const suite = <A, I>(name: string, schema: Schema.Schema<A, I>, numRuns: number) => {
  const values = Arbitrary.make(schema)
  // Bodies Schema accepts (JSON turns a generated `NaN` into `null`, which it does not), to break one part at a time.
  const validWires = values.map((value) => wireOf(schema, value)).filter((wire) =>
    Either.isRight(Schema.decodeUnknownEither(schema, Decoder.options)(wire))
  )

  it(`${name}: agrees with Schema on every encoded value, without falling back to it`, () => {
    FastCheck.assert(
      FastCheck.property(values, (value) => {
        const wire = wireOf(schema, value)
        const expected = assertAgree(schema, wire)
        // A valid body is the fast path's alone; only a failure goes through Schema.
        if (Either.isRight(expected)) {
          assert.notStrictEqual(Decoder.compile(schema.ast)(wire), Decoder.defer)
        }
      }),
      { numRuns }
    )
  })

  it(`${name}: agrees with Schema on broken bodies (same value or same error path)`, () => {
    // Every part of the body, in turn, removed or replaced by each hostile value.
    FastCheck.assert(
      FastCheck.property(validWires, (wire) => {
        // The shallowest paths first (the models' own fields), a bounded number of them.
        const paths = [[], ...pathsOf(wire)].sort((a, b) => a.length - b.length).slice(0, 80)
        for (const path of paths) {
          for (const replacement of [undefined, ...hostile]) assertAgree(schema, mutate(wire, path, replacement))
        }
      }),
      { numRuns: Math.ceil(numRuns / 20) }
    )
  })
}

describe("the one-pass decoder", () => {
  suite("Directory", Directory, 100)
  suite("DirectoryGroup", DirectoryGroup, 100)
  suite("DirectoryUser", DirectoryUser.DirectoryUser, 100)
  suite("Page(Directory)", Pagination.Page(Directory), 25)
  suite("Page(DirectoryGroup)", Pagination.Page(DirectoryGroup), 25)
  suite("Page(DirectoryUser)", Pagination.Page(DirectoryUser.DirectoryUser), 25)
  suite("Page(withCustomAttributes)", Pagination.Page(DirectoryUser.withCustomAttributes(CustomAttributes)), 25)
  suite("EventPage", EventPage, 15)

  it("names the wire path of a failure, as Schema does", () => {
    const page = Pagination.Page(DirectoryUser.DirectoryUser)
    const user = {
      id: "directory_user_01",
      directory_id: "directory_01",
      organization_id: null,
      idp_id: "1",
      state: "active",
      created_at: "2026-01-15T12:00:00.000Z",
      updated_at: "2026-01-15T12:00:00.000Z"
    }
    const { directory_id: _, ...withoutDirectory } = user
    const result = Decoder.decodeUnknownEither(page)({ data: [user, withoutDirectory], list_metadata: {} })
    assert.isTrue(Either.isLeft(result))
    Either.mapLeft(result, (error) => assert.strictEqual(formatPaths(error), "data[1].directory_id: is missing"))
  })

  it("keeps attributes as decoded, and decodes plain ISO and older timestamps alike", () => {
    const raw = { nested: { deep: [1, 2, 3] } }
    const user = Either.getOrThrow(
      Decoder.decodeUnknownEither(DirectoryUser.DirectoryUser)({
        id: "directory_user_01",
        directory_id: "directory_01",
        idp_id: "1",
        state: "active",
        raw_attributes: raw,
        created_at: "2026-01-15T12:00:00.000Z",
        updated_at: "2026-01-15 12:00:00.123456+02"
      })
    )
    assert.strictEqual(user.rawAttributes, raw)
    assert.deepStrictEqual(user.customAttributes, {})
    assert.strictEqual(user.createdAt.epochMillis, Date.UTC(2026, 0, 15, 12))
    assert.strictEqual(user.updatedAt.epochMillis, Date.UTC(2026, 0, 15, 10, 0, 0, 123))
    assert.isTrue(user instanceof DirectoryUser.DirectoryUser)
  })
})
