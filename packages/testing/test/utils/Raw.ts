/**
 * Raw HTTP against the fake's in-memory client: status, headers and the JSON
 * body exactly as sent, for wire-format tests.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as FakeWorkOS from "../../src/FakeWorkOS.js"

/** A response as the wire carries it. */
export interface Raw {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly body: unknown
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Sends `method path` to the fake with the default key (or `key`; `null` sends
 * no Authorization header) and extra `headers`.
 */
export const call = (
  path: string,
  options: {
    readonly method?: "GET" | "DELETE" | undefined
    readonly key?: string | null | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
  } = {}
) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const key = options.key === undefined ? FakeWorkOS.defaultApiKey : options.key
    const request = HttpClientRequest.make(options.method ?? "GET")(`https://api.workos.test${path}`).pipe(
      HttpClientRequest.setHeaders({ ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...options.headers })
    )
    const response = yield* client.execute(request)
    const text = yield* response.text
    return { status: response.status, headers: response.headers, text, body: parse(text) } satisfies Raw
  })

/** A JSON object. */
export const Json = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A list body: exactly `{ object: "list", data, list_metadata: { before, after } }`. */
export const ListBody = Schema.Struct({
  object: Schema.Literal("list"),
  data: Schema.Array(Json),
  list_metadata: Schema.Struct({ before: Schema.NullOr(Schema.String), after: Schema.NullOr(Schema.String) })
})

/** An `/events` body: `list_metadata` holds only `after`. */
export const EventsBody = Schema.Struct({
  object: Schema.Literal("list"),
  data: Schema.Array(Json),
  list_metadata: Schema.Struct({ after: Schema.NullOr(Schema.String) })
})

/** An error body: exactly `{ message, code }`, plus `errors` on validation failures. */
export const ErrorBody = Schema.Struct({
  message: Schema.String,
  code: Schema.String,
  errors: Schema.optional(Schema.Array(Schema.Struct({ field: Schema.String, code: Schema.String })))
})

/** Decodes a response body, failing the test on any key too many or too few. */
export const body = <A, I>(schema: Schema.Schema<A, I>, raw: Raw) =>
  Schema.decodeUnknown(schema, { onExcessProperty: "error" })(raw.body)

/** The ids of a list's items. */
export const ids = (list: { readonly data: ReadonlyArray<Readonly<Record<string, unknown>>> }) =>
  list.data.map((item) => String(item["id"]))

/** The fake and its in-memory client, seeded with `seed`. */
export const layer = (seed?: FakeWorkOS.Seed) =>
  FakeWorkOS.layerHttpClient.pipe(Layer.provideMerge(FakeWorkOS.layer(seed)))
