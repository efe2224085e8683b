/**
 * The WorkOS REST routes as one `HttpApp` over the fake's state: the
 * directory-sync endpoints and `GET /events`, with WorkOS's pagination,
 * filters, validation errors, auth and `X-Request-ID`.
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Faults from "../Faults.js"
import { iso, timeOf } from "./ids.js"
import type * as Records from "./records.js"
import { bearerOf } from "./request.js"
import * as Sorted from "./sorted.js"
import * as Store from "./store.js"
import * as Wire from "./wire.js"

/** What the routes need of the fake. @internal */
export interface Dependencies {
  readonly state: Ref.Ref<Store.Store>
  /** The key requests must present now. */
  readonly apiKey: Effect.Effect<Redacted.Redacted<string>>
  readonly faults: Faults.Service
  /** A fresh `req_...` id. */
  readonly requestId: Effect.Effect<string>
  /** Removes a directory (recording `dsync.deleted`); `false` when there is none. */
  readonly removeDirectory: (id: string) => Effect.Effect<boolean>
  /** How long events are listed, and how long a fresh one is held back (milliseconds). */
  readonly events: { readonly retention: number; readonly holdBack: number }
}

/** An error answer, raised anywhere in a handler. */
class Problem extends Data.TaggedError("Problem")<{
  readonly status: number
  readonly body: Wire.WireObject
}> {}

const invalid = (field: string, code: string, message: string) =>
  new Problem({ status: 422, body: { message, code: "invalid_request_parameters", errors: [{ field, code }] } })

const notFound = (kind: string, id: string) =>
  new Problem({ status: 404, body: { message: `${kind} not found: '${id}'.`, code: "not_found" } })

const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

// Pagination ------------------------------------------------------------------------------------

type Order = "asc" | "desc" | "normal"

interface PageParams {
  readonly limit: number
  readonly order: Order
  readonly cursor: { readonly param: "before" | "after"; readonly id: string } | undefined
}

/** A page in display order and the cursors around it, in display terms. */
interface Page<V> {
  readonly data: ReadonlyArray<V>
  /** First id, when anything comes before it in display order. */
  readonly previous: string | null
  /** Last id, when anything comes after it in display order. */
  readonly next: string | null
}

const text = (query: URLSearchParams, name: string): string | undefined => {
  const value = query.get(name)
  return value === null || value === "" ? undefined : value
}

const pageParams = (query: URLSearchParams, defaultOrder: Order) =>
  Effect.gen(function*() {
    const rawLimit = text(query, "limit")
    const limit = rawLimit === undefined ? 10 : /^\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN
    if (!(limit >= 1 && limit <= 100)) {
      return yield* invalid("limit", "invalid", "limit must be an integer between 1 and 100.")
    }
    const order = text(query, "order") ?? defaultOrder
    if (order !== "asc" && order !== "desc" && order !== "normal") {
      return yield* invalid("order", "invalid", "order must be one of asc, desc or normal.")
    }
    const before = text(query, "before")
    const after = text(query, "after")
    if (before !== undefined && after !== undefined) {
      return yield* invalid("before", "invalid", "before and after cannot be used together.")
    }
    const cursor = before !== undefined
      ? { param: "before" as const, id: before }
      : after !== undefined
      ? { param: "after" as const, id: after }
      : undefined
    return { limit, order, cursor } satisfies PageParams
  })

type Entries = Iterable<readonly [Store.Key, string]>

// Entries strictly beyond `from`, nearest first, going up or down the key order.
const walk = (index: Store.Index, from: Store.Key | undefined, up: boolean): Entries =>
  up ? Sorted.above(index, from) : Sorted.below(index, from)

const collect = <V>(entries: Entries, pick: (id: string) => V | undefined, limit: number) => {
  const items: Array<readonly [Store.Key, string, V]> = []
  for (const [key, id] of entries) {
    const value = pick(id)
    if (value === undefined) continue
    if (items.length === limit) return { items, more: true }
    items.push([key, id, value])
  }
  return { items, more: false }
}

/**
 * One page of `index`. `asc` lists oldest first, `desc` and `normal` newest
 * first; `after` continues in display order and `before` goes back, except
 * in `normal`, where `before` fetches older records and `after` newer ones.
 */
const paginate = <V>(
  index: Store.Index,
  params: PageParams,
  cursorKey: Store.Key | undefined,
  pick: (id: string) => V | undefined
): Page<V> => {
  const ascending = params.order === "asc"
  const forward = params.cursor === undefined || (params.cursor.param === "after") === (params.order !== "normal")
  const found = collect(walk(index, cursorKey, ascending === forward), pick, params.limit)
  const items = forward ? found.items : [...found.items].reverse()
  const first = items[0]
  const last = items[items.length - 1]
  const exists = (from: Store.Key, up: boolean) => collect(walk(index, from, up), pick, 0).more
  const hasPrevious = forward ? first !== undefined && exists(first[0], !ascending) : found.more
  const hasNext = forward ? found.more : last !== undefined && exists(last[0], ascending)
  return {
    data: items.map(([, , value]) => value),
    previous: hasPrevious ? first![1] : null,
    next: hasNext ? last![1] : null
  }
}

const listMetadata = (page: Page<unknown>, order: Order) =>
  order === "normal" ? { before: page.next, after: page.previous } : { before: page.previous, after: page.next }

// Where a cursor sits: a known object's key, or the time encoded in a ULID id of one since deleted.
const cursorKey = (
  params: PageParams,
  lookup: (id: string) => { readonly createdAt: string; readonly id: string } | undefined
) =>
  Effect.gen(function*() {
    if (params.cursor === undefined) return undefined
    const { id, param } = params.cursor
    const known = lookup(id)
    if (known !== undefined) return Store.keyOf(known)
    const time = timeOf(id)
    if (time === undefined) return yield* invalid(param, "invalid", `${param} must be an object id.`)
    return Store.keyOf({ createdAt: iso(time), id })
  })

// Events: retention and hold-back -------------------------------------------------------------

/** Which recorded events `GET /events` lists now: not expired, not held back. */
const listedEvents = (options: Dependencies["events"]) =>
  Effect.map(Clock.currentTimeMillis, (now) => {
    const oldest = iso(now - options.retention)
    const newest = iso(now - options.holdBack)
    const expired = (event: Records.Event) => event.created_at < oldest
    return {
      expired,
      visible: (event: Records.Event) => !expired(event) && (options.holdBack <= 0 || event.created_at <= newest)
    }
  })

// An event cursor must be a listed (or held-back) event: an expired or unknown one is a 400,
// the fake's choice where WorkOS documents nothing.
const eventCursor = (params: PageParams, lookup: (id: string) => Records.Event | undefined) => {
  if (params.cursor === undefined) return Either.right(undefined)
  const { id, param } = params.cursor
  const event = lookup(id)
  return event === undefined
    ? Either.left(
      new Problem({
        status: 400,
        body: {
          message: `The ${param} cursor '${id}' is not a known event, or it has expired.`,
          code: "invalid_events_request"
        }
      })
    )
    : Either.right(Store.keyOf({ createdAt: event.created_at, id: event.id }))
}

const list = <V>(page: Page<V>, order: Order, toWire: (value: V) => Wire.WireObject) =>
  json({ object: "list", data: page.data.map(toWire), list_metadata: listMetadata(page, order) })

// Routes ----------------------------------------------------------------------------------------

const query = Effect.map(
  HttpServerRequest.HttpServerRequest,
  (request) => new URL(request.url, "http://fake.workos").searchParams
)

const pathId = Effect.map(HttpRouter.params, (params) => params["id"] ?? "")

const userOf = (store: Store.Store) => (entry: Store.UserEntry) =>
  Wire.userWithGroups(entry.record, Store.groupsOf(store, entry))

const router = (deps: Dependencies) => {
  const withStore = <A, E, R>(f: (store: Store.Store) => Effect.Effect<A, E, R>) =>
    Effect.flatMap(Ref.get(deps.state), f)
  const found = <A>(kind: string, id: string, value: A | undefined) =>
    value === undefined ? Effect.fail(notFound(kind, id)) : Effect.succeed(value)

  const listDirectories = Effect.gen(function*() {
    const q = yield* query
    const params = yield* pageParams(q, "desc")
    const organizationId = text(q, "organization_id")
    const search = text(q, "search")?.toLowerCase()
    const domain = text(q, "domain")?.toLowerCase()
    const store = yield* Ref.get(deps.state)
    const cursor = yield* cursorKey(params, (id) => Sorted.get(store.directories, id))
    const page = paginate(store.directoryIndex, params, cursor, (id) => {
      const directory = Sorted.get(store.directories, id)
      const keep = directory !== undefined &&
        (organizationId === undefined || directory.organizationId === organizationId) &&
        (search === undefined || directory.name.toLowerCase().includes(search)) &&
        (domain === undefined || directory.domain?.toLowerCase() === domain)
      return keep ? directory : undefined
    })
    return list(page, params.order, (directory) => Wire.directory(directory, Store.metadataOf(store, directory.id)))
  })

  const getDirectory = Effect.gen(function*() {
    const id = yield* pathId
    const store = yield* Ref.get(deps.state)
    const directory = yield* found("Directory", id, Sorted.get(store.directories, id))
    return json(Wire.directory(directory, Store.metadataOf(store, id)))
  })

  const deleteDirectory = Effect.gen(function*() {
    const id = yield* pathId
    const removed = yield* deps.removeDirectory(id)
    return removed ? json({}, 202) : yield* notFound("Directory", id)
  })

  const listUsers = Effect.gen(function*() {
    const q = yield* query
    const directory = text(q, "directory")
    const group = text(q, "group")
    const idpId = text(q, "idp_id")
    const email = text(q, "email")?.toLowerCase()
    if (directory === undefined && group === undefined) {
      return yield* invalid("directory", "required", "Either directory or group is required.")
    }
    if (directory === undefined && (idpId !== undefined || email !== undefined)) {
      return yield* invalid("directory", "required", "directory is required to filter by idp_id or email.")
    }
    const params = yield* pageParams(q, "desc")
    return yield* withStore((store) =>
      Effect.gen(function*() {
        if (directory !== undefined) yield* found("Directory", directory, Sorted.get(store.directories, directory))
        const inGroup = group === undefined
          ? undefined
          : yield* found("Directory group", group, Sorted.get(store.groups, group))
        const index = Store.indexOf(store.usersByDirectory, directory ?? inGroup!.directoryId)
        const cursor = yield* cursorKey(params, (id) => Sorted.get(store.users, id)?.record)
        const page = paginate(index, params, cursor, (id) => {
          const entry = Sorted.get(store.users, id)
          const keep = entry !== undefined && (group === undefined || entry.groups.includes(group)) &&
            (idpId === undefined || entry.record.idpId === idpId) &&
            (email === undefined || entry.record.email?.toLowerCase() === email)
          return keep ? entry : undefined
        })
        return list(page, params.order, userOf(store))
      })
    )
  })

  const getUser = Effect.gen(function*() {
    const id = yield* pathId
    const store = yield* Ref.get(deps.state)
    return json(userOf(store)(yield* found("Directory user", id, Sorted.get(store.users, id))))
  })

  const listGroups = Effect.gen(function*() {
    const q = yield* query
    const directory = text(q, "directory")
    const user = text(q, "user")
    if (directory === undefined && user === undefined) {
      return yield* invalid("directory", "required", "Either directory or user is required.")
    }
    const params = yield* pageParams(q, "desc")
    return yield* withStore((store) =>
      Effect.gen(function*() {
        if (directory !== undefined) yield* found("Directory", directory, Sorted.get(store.directories, directory))
        const member = user === undefined
          ? undefined
          : yield* found("Directory user", user, Sorted.get(store.users, user))
        const index = Store.indexOf(store.groupsByDirectory, directory ?? member!.record.directoryId)
        const cursor = yield* cursorKey(params, (id) => Sorted.get(store.groups, id))
        const page = paginate(index, params, cursor, (id) =>
          member === undefined || member.groups.includes(id) ? Sorted.get(store.groups, id) : undefined)
        return list(page, params.order, Wire.group)
      })
    )
  })

  const getGroup = Effect.gen(function*() {
    const id = yield* pathId
    const store = yield* Ref.get(deps.state)
    return json(Wire.group(yield* found("Directory group", id, Sorted.get(store.groups, id))))
  })

  const listEvents = Effect.gen(function*() {
    const q = yield* query
    // `events=a,b` (WorkOS's encoding), `events=a&events=b` and `events[]=a` all filter by type.
    const types = [...q.getAll("events"), ...q.getAll("events[]")]
      .flatMap((value) => value.split(","))
      .map((type) => type.trim())
      .filter((type) => type.length > 0)
    const organizationId = text(q, "organization_id")
    const range = (name: string) =>
      Effect.gen(function*() {
        const value = text(q, name)
        if (value === undefined) return undefined
        const time = Date.parse(value)
        return Number.isNaN(time) ? yield* invalid(name, "invalid", `${name} must be an ISO 8601 date.`) : iso(time)
      })
    const start = yield* range("range_start")
    const end = yield* range("range_end")
    // Oldest first, so a consumer reads newer events with `after`.
    const params = yield* pageParams(q, "asc")
    const store = yield* Ref.get(deps.state)
    const listed = yield* listedEvents(deps.events)
    const cursor = yield* eventCursor(params, (id) => {
      const stored = Sorted.get(store.events, id)
      return stored === undefined || listed.expired(stored.event) ? undefined : stored.event
    })
    const page = paginate(store.eventIndex, params, cursor, (id) => {
      const stored = Sorted.get(store.events, id)
      if (stored === undefined || !listed.visible(stored.event)) return undefined
      const { event, organizationId: eventOrganization } = stored
      const keep = (types.length === 0 || types.includes(event.event)) &&
        (organizationId === undefined || eventOrganization === organizationId) &&
        (start === undefined || event.created_at >= start) &&
        (end === undefined || event.created_at < end)
      return keep ? event : undefined
    })
    return json({ object: "list", data: page.data, list_metadata: { after: listMetadata(page, params.order).after } })
  })

  return HttpRouter.empty.pipe(
    HttpRouter.get("/directories", listDirectories),
    HttpRouter.get("/directories/:id", getDirectory),
    HttpRouter.del("/directories/:id", deleteDirectory),
    HttpRouter.get("/directory_users", listUsers),
    HttpRouter.get("/directory_users/:id", getUser),
    HttpRouter.get("/directory_groups", listGroups),
    HttpRouter.get("/directory_groups/:id", getGroup),
    HttpRouter.get("/events", listEvents)
  )
}

/**
 * The fake's `HttpApp`: request id, faults, auth, then the routes. Every
 * answer carries `X-Request-ID` (the caller's, or a new `req_...`).
 *
 * @internal
 */
export const make = (deps: Dependencies): HttpApp.Default => {
  const routes = router(deps).pipe(
    Effect.catchTags({
      Problem: (problem) => Effect.succeed(json(problem.body, problem.status)),
      RouteNotFound: (error) =>
        Effect.succeed(
          json({
            message: `No route for ${error.request.method} ${error.request.url.split("?")[0]}.`,
            code: "not_found"
          }, 404)
        )
    })
  )
  const authorized = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const apiKey = yield* deps.apiKey
    return bearerOf(request) === Redacted.value(apiKey)
      ? yield* routes
      : json({ message: "Unauthorized: the API key is missing or invalid.", code: "unauthorized" }, 401)
  })
  const directoryOfGroup = Effect.map(
    Ref.get(deps.state),
    (store) => (group: string) => Sorted.get(store.groups, group)?.directoryId
  )
  const app = deps.faults.apply(authorized, { directoryOfGroup }).pipe(
    Effect.catchAllCause((cause) =>
      Effect.as(
        Effect.logError("FakeWorkOS: a route failed", cause),
        json({ message: "Internal server error.", code: "server_error" }, 500)
      )
    )
  )
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const requestId = request.headers["x-request-id"] || (yield* deps.requestId)
    return HttpServerResponse.setHeader(yield* app, "x-request-id", requestId)
  })
}
