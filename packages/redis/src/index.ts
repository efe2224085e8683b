/**
 * Redis for a fleet of processes on one WorkOS API key: the rate-limit
 * store that makes every process draw on the key's one budget.
 *
 * @since 0.1.0
 */

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
export * as RedisRateLimitStore from "./RedisRateLimitStore.js"
