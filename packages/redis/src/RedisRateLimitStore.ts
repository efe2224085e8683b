/**
 * A `RateLimitStore` on Redis: one sliding log per window (a sorted set of
 * admission times), and one Lua script that admits a request into all its
 * windows at once, on Redis's clock, so processes on different hosts agree.
 *
 * Hand-written because `@effect/experimental`'s `RateLimiter` (fixed window,
 * token bucket) admits 6-8 requests into a 1-second window of 4 when
 * several processes hammer it, which WorkOS answers with 429s.
 *
 * @since 0.1.0
 */
import { RateLimitStore } from "@effect-workos/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Redis, type RedisOptions } from "ioredis"
import * as Crypto from "node:crypto"

/**
 * Options of `make`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `redis://[user:password@]host:port[/db]`; default `redis://127.0.0.1:6379`. */
  readonly url?: string | undefined
  /** More ioredis options (TLS, sentinels...). `url` wins where both say. */
  readonly redis?: RedisOptions | undefined
  /** Prefix of every key the store writes (default `workos:rate-limit:`). */
  readonly prefix?: string | undefined
  /** How long a command may take before the request fails (default 1 second). */
  readonly commandTimeout?: Duration.DurationInput | undefined
}

/**
 * The prefix of the store's keys unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefix = "workos:rate-limit:"

// KEYS: the windows. ARGV: a unique member, the pending hold and poll (ms), then limit and interval (ms) per
// window. Returns {0, now} when admitted into every window at `now`, else {1, ms to wait before asking again}.
// An admitted request's entry stands at now + hold (arriving at any moment) until its arrival is reported.
const script = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold, poll = tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i + 2])
  local interval = tonumber(ARGV[2 * i + 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - interval)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local edge = tonumber(redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')[2])
    if edge > now then wait = math.max(wait, poll) else wait = math.max(wait, edge + interval - now) end
  end
end
if wait > 0 then return {1, wait} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + hold, ARGV[1])
  redis.call('PEXPIRE', key, hold + tonumber(ARGV[2 * i + 3]))
end
return {0, now}
`

const sha = Crypto.createHash("sha1").update(script).digest("hex")

// EVALSHA sends 40 bytes instead of the script; a Redis that has not seen it yet (or was restarted) says NOSCRIPT.
const run = (client: Redis, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) =>
  client.evalsha(sha, keys.length, ...keys, ...args).catch((error: unknown) =>
    error instanceof Error && error.message.startsWith("NOSCRIPT")
      ? client.eval(script, keys.length, ...keys, ...args)
      : Promise.reject(error)
  )

const failure = (what: string) => (cause: unknown) =>
  new RateLimitStore.RateLimitStoreError({
    // Redis's own message (connection refused, timeout, NOSCRIPT...) carries no request data.
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

/**
 * The store over an ioredis client you manage (it is not closed).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (
  client: Redis,
  options: Pick<Options, "prefix" | "commandTimeout"> = {}
): RateLimitStore.RateLimitStore => {
  const prefix = options.prefix ?? defaultPrefix
  const timeout = Duration.decode(options.commandTimeout ?? "1 second")
  let counter = 0
  const owner = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`
  const take = (windows: ReadonlyArray<RateLimitStore.Window>) => {
    // Unique per admission, so two admissions in one millisecond are two entries.
    const member = `${owner}:${(counter++).toString(36)}`
    return Effect.tryPromise({
      try: () =>
        run(client, windows.map((window) => `${prefix}${window.key}`), [
          member,
          RateLimitStore.pendingHold,
          RateLimitStore.pendingPoll,
          ...windows.flatMap((window) => [window.limit, Math.ceil(window.intervalMs)])
        ]),
      catch: failure("Redis did not admit the request")
    }).pipe(
      Effect.timeoutFail({ duration: timeout, onTimeout: () => failure("Redis")("no answer in time") }),
      Effect.flatMap((reply): Effect.Effect<RateLimitStore.Take, RateLimitStore.RateLimitStoreError> =>
        Array.isArray(reply) && typeof reply[0] === "number" && typeof reply[1] === "number"
          ? Effect.succeed(
            reply[0] === 0
              ? { _tag: "Admitted", ticket: { member, at: reply[1] } }
              : { _tag: "Wait", millis: reply[1] }
          )
          : Effect.fail(new RateLimitStore.RateLimitStoreError({ message: "Redis answered the script with nonsense" }))
      )
    )
  }
  // XX: a window that already dropped the entry does not get it back.
  const arrived = (windows: ReadonlyArray<RateLimitStore.Window>, ticket: RateLimitStore.Ticket, after: number) =>
    Effect.tryPromise({
      try: () =>
        windows.reduce(
          (pipeline, window) =>
            pipeline.zadd(`${prefix}${window.key}`, "XX", Math.round(ticket.at + Math.max(0, after)), ticket.member),
          client.pipeline()
        ).exec(),
      catch: failure("Redis did not record the arrival")
    }).pipe(
      Effect.timeoutFail({ duration: timeout, onTimeout: () => failure("Redis")("no answer in time") }),
      Effect.asVoid
    )
  return { take, arrived }
}

/**
 * The store on its own ioredis client, closed with the scope. Fails if
 * Redis does not answer a `PING` in time: a fleet should not start
 * without its shared budget.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<RateLimitStore.RateLimitStore, RateLimitStore.RateLimitStoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const timeout = Duration.decode(options.commandTimeout ?? "1 second")
    const client = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new Redis(options.url ?? "redis://127.0.0.1:6379", {
          ...options.redis,
          // Fail fast instead of queueing while Redis is away: the client's retries decide what happens next.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          lazyConnect: true
        })
      ),
      // Nothing is pending that matters (an admission is done when its command returns): no graceful QUIT.
      (client) => Effect.sync(() => client.disconnect())
    )
    // Failures reach the caller through the commands; without a listener ioredis prints every reconnect error.
    client.on("error", () => undefined)
    yield* Effect.tryPromise({ try: () => client.connect(), catch: failure("cannot connect to Redis") }).pipe(
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => failure("cannot connect to Redis")("no answer in time")
      })
    )
    return fromClient(client, options)
  })
