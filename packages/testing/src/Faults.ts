/**
 * Fault injection for the fake WorkOS: added latency, error statuses (JSON or
 * not), dropped connections and truncated bodies, per route, for the next N
 * requests or with a seeded probability; optional enforcement of WorkOS's
 * real rate limits; and counters of what was served. Applied as middleware on
 * the fake's `HttpApp`, so the in-memory client and the localhost server
 * behave alike.
 *
 * @since 0.1.0
 */
import * as RateLimit from "@effect-workos/core/RateLimit"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Prng from "./internal/prng.js"
import * as Request from "./internal/request.js"
import { Transport } from "./internal/transport.js"

/**
 * Adds `delay` before the request is handled (`Effect.sleep`, so `TestClock` controls it).
 *
 * @since 0.1.0
 * @category models
 */
export interface Latency {
  readonly _tag: "Latency"
  readonly delay: Duration.Duration
}

/**
 * Answers with this status and body instead of handling the request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Respond {
  readonly _tag: "Respond"
  readonly status: number
  readonly contentType: string
  readonly body: string
  /** Sent as `Retry-After` (seconds) when set. */
  readonly retryAfter: number | undefined
}

/**
 * Ends the connection without answering.
 *
 * @since 0.1.0
 * @category models
 */
export interface DropConnection {
  readonly _tag: "DropConnection"
}

/**
 * Handles the request, then delivers only the first half of a 2xx body
 * (announcing its full length) and breaks the connection.
 *
 * @since 0.1.0
 * @category models
 */
export interface TruncateBody {
  readonly _tag: "TruncateBody"
}

/**
 * Something that can go wrong with a request.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = Latency | Respond | DropConnection | TruncateBody

/**
 * Adds latency to the request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const latency = (delay: Duration.DurationInput): Fault => ({ _tag: "Latency", delay: Duration.decode(delay) })

const defaultMessages: Record<number, readonly [message: string, code: string]> = {
  429: ["Too many requests.", "rate_limit_exceeded"],
  500: ["Internal server error.", "server_error"],
  502: ["Bad gateway.", "bad_gateway"],
  503: ["Service unavailable.", "service_unavailable"],
  504: ["Gateway timeout.", "gateway_timeout"]
}

/**
 * Answers with an error status and a WorkOS-style JSON body `{ message, code }`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const status = (
  status: number,
  options: {
    readonly message?: string | undefined
    readonly code?: string | undefined
    /** `Retry-After` in seconds. */
    readonly retryAfter?: number | undefined
  } = {}
): Fault => {
  const [message, code] = defaultMessages[status] ?? [`HTTP ${status}.`, "error"]
  return {
    _tag: "Respond",
    status,
    contentType: "application/json",
    body: JSON.stringify({ message: options.message ?? message, code: options.code ?? code }),
    retryAfter: options.retryAfter
  }
}

/**
 * A 429 `{ message, code: "rate_limit_exceeded" }` with `Retry-After` (default 1 second).
 *
 * @since 0.1.0
 * @category constructors
 */
export const rateLimited = (options: { readonly retryAfter?: number | undefined } = {}): Fault =>
  status(429, { retryAfter: options.retryAfter ?? 1 })

/**
 * Answers with a body that is not JSON, e.g. `text(429, "Ratelimited", { retryAfter: 1 })`
 * as the spec documents for `/directory_users`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (
  status: number,
  body: string,
  options: {
    readonly contentType?: string | undefined
    /** `Retry-After` in seconds. */
    readonly retryAfter?: number | undefined
  } = {}
): Fault => ({
  _tag: "Respond",
  status,
  contentType: options.contentType ?? "text/plain; charset=utf-8",
  body,
  retryAfter: options.retryAfter
})

/**
 * Answers with the HTML error page a proxy in front of the API would send (default 502).
 *
 * @since 0.1.0
 * @category constructors
 */
export const html = (status = 502): Fault =>
  text(
    status,
    `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
    { contentType: "text/html; charset=utf-8" }
  )

/**
 * Drops the connection without an answer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const dropConnection: Fault = { _tag: "DropConnection" }

/**
 * Cuts a 2xx body in half and breaks the connection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const truncateBody: Fault = { _tag: "TruncateBody" }

/**
 * What a rule sees of a request: `route` is the pattern it hits, e.g.
 * `/directories/:id` (any other path stands for itself).
 *
 * @since 0.1.0
 * @category models
 */
export type RequestInfo = Request.RequestInfo

/**
 * When to inject a fault. `route` is a pattern (`"/directory_users"`,
 * `"DELETE /directories/:id"`, `"*"`) or a predicate; `times` limits it to the
 * next N matching requests; `probability` (0 to 1, from a seeded generator)
 * makes it fire only sometimes. With neither, it fires on every match.
 * Latencies add up; the first other fault that fires decides the answer.
 *
 * @example
 * ```ts
 * import { FakeWorkOS, Faults } from "@effect-workos/testing"
 * import { Effect } from "effect"
 *
 * const flaky = Effect.gen(function*() {
 *   const fake = yield* FakeWorkOS.FakeWorkOS
 *   yield* fake.faults.inject(
 *     { route: "/directory_users", fault: Faults.status(503), times: 2 },
 *     { fault: Faults.latency("200 millis"), probability: 0.1 },
 *     { route: "GET /directories/:id", fault: Faults.dropConnection, times: 1 }
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  readonly fault: Fault
  readonly route?: string | ((request: RequestInfo) => boolean) | undefined
  readonly times?: number | undefined
  readonly probability?: number | undefined
}

/**
 * WorkOS's rate limits to enforce; each can be set to `false` to drop it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimits {
  /** Every request made with a key. Default (WorkOS): 6,000 per 60 seconds. */
  readonly perKey?: RateLimit.Budget | false | undefined
  /** `/directory_users` per directory (per group when only `group` is given). Default (WorkOS): 4 per second. */
  readonly directoryUsers?: RateLimit.Budget | false | undefined
}

/**
 * Faults to start with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly rules?: ReadonlyArray<Rule> | undefined
  /** Enforce rate limits: `true` for WorkOS's, or your own (default: off). */
  readonly rateLimits?: boolean | RateLimits | undefined
  /** Seed of the generator behind `probability` (default 0). */
  readonly seed?: number | undefined
}

/**
 * What the fake has served so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  /** Requests received, whatever their fate. */
  readonly requests: number
  /** Requests per route, keyed `"GET /directory_users"`. */
  readonly byRoute: Readonly<Record<string, number>>
  /** Responses per status (dropped connections have none). */
  readonly byStatus: Readonly<Record<string, number>>
  /** Injected faults served, per kind. */
  readonly faults: { readonly [K in Fault["_tag"]]: number }
  /** 429s sent, injected or enforced. */
  readonly rateLimited: number
  /** 429s sent because an enforced rate limit was exceeded. */
  readonly rateLimitEnforced: number
}

/**
 * The fault injector of one fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Adds rules after the current ones. */
  readonly inject: (...rules: ReadonlyArray<Rule>) => Effect.Effect<void>
  /** Removes every rule (rate limits stay as set). */
  readonly clear: Effect.Effect<void>
  /** Turns enforced rate limits on (`true`: WorkOS's), off (`false`), or to your own. */
  readonly setRateLimits: (limits: boolean | RateLimits) => Effect.Effect<void>
  /** The counters so far. */
  readonly stats: Effect.Effect<Stats>
  /** Sets every counter back to zero. */
  readonly resetStats: Effect.Effect<void>
  /** These faults as middleware over any `HttpApp`. */
  readonly apply: <E, R>(app: HttpApp.Default<E, R>, options?: ApplyOptions) => HttpApp.Default<E, R>
}

/**
 * What the enforced limits need to know of the app they guard.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApplyOptions {
  /**
   * The directory of a group, read when a request comes in. WorkOS counts a
   * `/directory_users` list by `group` alone against the group's directory;
   * without this, the fake counts it against the group.
   */
  readonly directoryOfGroup?: Effect.Effect<(group: string) => string | undefined> | undefined
}

interface ActiveRule {
  readonly rule: Rule
  readonly remaining: number | undefined
}

// A budget with its interval in milliseconds.
interface Limit {
  readonly limit: number
  readonly interval: number
}

interface Budgets {
  readonly perKey: Limit | undefined
  readonly directoryUsers: Limit | undefined
}

const toBudget = (budget: RateLimit.Budget | false | undefined, fallback: RateLimit.Budget): Limit | undefined => {
  if (budget === false) return undefined
  const { interval, limit } = budget ?? fallback
  return { limit, interval: Duration.toMillis(Duration.decode(interval)) }
}

const toBudgets = (limits: boolean | RateLimits | undefined): Budgets => {
  if (limits === undefined || limits === false) return { perKey: undefined, directoryUsers: undefined }
  const options = limits === true ? {} : limits
  return {
    perKey: toBudget(options.perKey, RateLimit.workosLimits.perKey),
    directoryUsers: toBudget(options.directoryUsers, RateLimit.workosLimits.directoryUsers)
  }
}

const emptyStats: Stats = {
  requests: 0,
  byRoute: {},
  byStatus: {},
  faults: { Latency: 0, Respond: 0, DropConnection: 0, TruncateBody: 0 },
  rateLimited: 0,
  rateLimitEnforced: 0
}

const matches = (rule: Rule, info: RequestInfo): boolean => {
  const route = rule.route
  if (route === undefined || route === "*") return true
  if (typeof route === "function") return route(info)
  return route === info.route || route === `${info.method} ${info.route}`
}

const bump = (record: Readonly<Record<string, number>>, key: string): Record<string, number> => ({
  ...record,
  [key]: (record[key] ?? 0) + 1
})

const respond = (fault: Respond): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(fault.body, {
    status: fault.status,
    contentType: fault.contentType,
    headers: fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) }
  })

// Sliding windows of arrival times, per budget key. A refused request does not count.
type Windows = ReadonlyMap<string, ReadonlyArray<number>>

// The mutable state of one injector.
interface Injector {
  readonly random: Prng.Prng
  readonly rules: Ref.Ref<ReadonlyArray<ActiveRule>>
  readonly budgets: Ref.Ref<Budgets>
  readonly windows: Ref.Ref<Windows>
  readonly stats: Ref.Ref<Stats>
}

const activate = (rule: Rule): ActiveRule => ({ rule, remaining: rule.times })

// Which rules fire for this request, consuming their `times` atomically.
const draw = (injector: Injector, info: RequestInfo) =>
  Ref.modify(injector.rules, (active): readonly [ReadonlyArray<Fault>, ReadonlyArray<ActiveRule>] => {
    const fired: Array<Fault> = []
    let decided = false
    const next = active.flatMap((entry): Array<ActiveRule> => {
      const { remaining, rule } = entry
      const eligible = !(decided && rule.fault._tag !== "Latency") && matches(rule, info) &&
        (rule.probability === undefined || injector.random.next() < rule.probability)
      if (!eligible) return [entry]
      fired.push(rule.fault)
      if (rule.fault._tag !== "Latency") decided = true
      if (remaining === undefined) return [entry]
      return remaining > 1 ? [{ rule, remaining: remaining - 1 }] : []
    })
    return [fired, next]
  })

// The budgets a request counts against, keyed as the windows are.
const budgetsOf = (
  limits: Budgets,
  info: RequestInfo,
  token: string | undefined,
  directoryOfGroup: (group: string) => string | undefined
) => {
  const checks: Array<readonly [string, Limit]> = []
  if (limits.perKey !== undefined) {
    checks.push([`key:${token ?? ""}`, limits.perKey])
  }
  const directory = RateLimit.directoryUsersKey(info.path, (name) => info.searchParams.get(name), directoryOfGroup)
  if (limits.directoryUsers !== undefined && directory !== undefined) {
    checks.push([directory, limits.directoryUsers])
  }
  return checks
}

// Seconds to wait when a budget is exhausted (the arrival is not recorded); records the arrival otherwise.
const arrive = (
  current: Windows,
  checks: ReadonlyArray<readonly [string, Limit]>,
  now: number
): readonly [number | undefined, Windows] => {
  if (checks.length === 0) return [undefined, current]
  let wait = 0
  const kept = checks.map(([key, budget]) => {
    const arrivals = (current.get(key) ?? []).filter((at) => at > now - budget.interval)
    if (arrivals.length >= budget.limit) {
      wait = Math.max(wait, arrivals[arrivals.length - budget.limit]! + budget.interval - now)
    }
    return [key, arrivals] as const
  })
  const next = new Map(current)
  for (const [key, arrivals] of kept) next.set(key, wait > 0 ? arrivals : [...arrivals, now])
  return [wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : undefined, next]
}

const noGroups = Effect.succeed((_group: string): string | undefined => undefined)

const admit = (injector: Injector, info: RequestInfo, token: string | undefined, options: ApplyOptions) =>
  Effect.flatMap(
    Effect.all([Ref.get(injector.budgets), Clock.currentTimeMillis, options.directoryOfGroup ?? noGroups]),
    ([limits, now, directoryOfGroup]) =>
      Ref.modify(injector.windows, (current) => arrive(current, budgetsOf(limits, info, token, directoryOfGroup), now))
  )

const countFault = (injector: Injector, fault: Fault) =>
  Ref.update(injector.stats, (s) => ({ ...s, faults: { ...s.faults, [fault._tag]: s.faults[fault._tag] + 1 } }))

const enforced429 = (retryAfter: number) =>
  HttpServerResponse.unsafeJson(
    {
      message: "Too many requests. Retry after the time in the Retry-After header.",
      code: "rate_limit_exceeded"
    },
    { status: 429, headers: { "retry-after": String(retryAfter) } }
  )

// Handles the request under a `TruncateBody` fault: only a 2xx byte body is cut.
const truncated = <E, R>(injector: Injector, app: HttpApp.Default<E, R>, fault: TruncateBody) =>
  Effect.gen(function*() {
    const response = yield* app
    if (response.status < 200 || response.status >= 300 || response.body._tag !== "Uint8Array") return response
    yield* countFault(injector, fault)
    return yield* (yield* Transport).truncate(yield* HttpServerRequest.HttpServerRequest, {
      status: response.status,
      headers: response.headers,
      body: response.body.body
    })
  })

// The answer to a request, or `undefined` when its connection was dropped.
const serve = <E, R>(injector: Injector, app: HttpApp.Default<E, R>, info: RequestInfo, options: ApplyOptions) =>
  Effect.gen(function*() {
    const faults = yield* draw(injector, info)
    for (const fault of faults) {
      if (fault._tag !== "Latency") continue
      yield* countFault(injector, fault)
      yield* Effect.sleep(fault.delay)
    }
    const fault = faults.find((fault) => fault._tag !== "Latency")
    if (fault?._tag === "Respond") return yield* Effect.as(countFault(injector, fault), respond(fault))
    if (fault?._tag === "DropConnection") return yield* Effect.as(countFault(injector, fault), undefined)
    const retryAfter = yield* admit(
      injector,
      info,
      Request.bearerOf(yield* HttpServerRequest.HttpServerRequest),
      options
    )
    if (retryAfter !== undefined) {
      yield* Ref.update(injector.stats, (s) => ({ ...s, rateLimitEnforced: s.rateLimitEnforced + 1 }))
      return enforced429(retryAfter)
    }
    return yield* (fault?._tag === "TruncateBody" ? truncated(injector, app, fault) : app)
  })

const apply = <E, R>(injector: Injector, app: HttpApp.Default<E, R>, options: ApplyOptions): HttpApp.Default<E, R> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const info = Request.infoOf(request)
    yield* Ref.update(injector.stats, (s) => ({
      ...s,
      requests: s.requests + 1,
      byRoute: bump(s.byRoute, `${info.method} ${info.route}`)
    }))
    const response = yield* serve(injector, app, info, options)
    if (response === undefined) return yield* (yield* Transport).drop(request)
    yield* Ref.update(injector.stats, (s) => ({
      ...s,
      byStatus: bump(s.byStatus, String(response.status)),
      rateLimited: s.rateLimited + (response.status === 429 ? 1 : 0)
    }))
    return response
  })

/**
 * Builds a fault injector.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const injector: Injector = {
      random: Prng.make(options.seed ?? 0),
      rules: yield* Ref.make<ReadonlyArray<ActiveRule>>((options.rules ?? []).map(activate)),
      budgets: yield* Ref.make(toBudgets(options.rateLimits)),
      windows: yield* Ref.make<Windows>(new Map()),
      stats: yield* Ref.make(emptyStats)
    }
    return {
      inject: (...added) => Ref.update(injector.rules, (active) => [...active, ...added.map(activate)]),
      clear: Ref.set(injector.rules, []),
      setRateLimits: (limits) =>
        Effect.zipRight(Ref.set(injector.budgets, toBudgets(limits)), Ref.set(injector.windows, new Map())),
      stats: Ref.get(injector.stats),
      resetStats: Ref.set(injector.stats, emptyStats),
      apply: (app, options = {}) => apply(injector, app, options)
    }
  })
