/**
 * The client: config, HTTP layer, models, errors, retry, rate limits, pagination and Directory Sync.
 *
 * @since 0.1.0
 */

/**
 * The `Directory` model: a connection to an identity provider or HR system.
 *
 * @since 0.1.0
 */
export * as Directory from "./Directory.js"

/**
 * The `DirectoryGroup` model: a group synced from a directory.
 *
 * @since 0.1.0
 */
export * as DirectoryGroup from "./DirectoryGroup.js"

/**
 * The Directory Sync API: list, get and delete directories; list and get
 * directory users and groups; and stream every item of a list.
 *
 * @since 0.1.0
 */
export * as DirectorySync from "./DirectorySync.js"

/**
 * Directory Sync events: a Schema union of every `dsync.*` event, decoded
 * into the same models as the REST client, with a fallback member that keeps
 * the raw payload of any event this library does not know. One decoder serves
 * webhooks and the Events API alike.
 *
 * @since 0.1.0
 */
export * as DirectorySyncEvent from "./DirectorySyncEvent.js"

/**
 * The `DirectoryUser` model: a person synced from a directory, with optional
 * typed custom attributes through a Schema of your own.
 *
 * @since 0.1.0
 */
export * as DirectoryUser from "./DirectoryUser.js"

/**
 * The Events API: read one page of events (`GET /events`), or follow the
 * event log as a `Stream` that catches up from a cursor, keeps polling, emits
 * each event once and in order, and resumes from the id of the last event you
 * processed.
 *
 * @since 0.1.0
 */
export * as Events from "./Events.js"

/**
 * Cursor pagination: the `Page` every list returns, the options every list
 * takes, and the lazy `Stream` that walks a list page by page in bounded memory.
 *
 * @since 0.1.0
 */
export * as Pagination from "./Pagination.js"

/**
 * Client-side rate limits, so a full sync runs at the fastest rate WorkOS
 * allows without tripping a 429: a budget per API key, and a budget per
 * directory on `/directory_users`. A request with room in every budget it
 * uses goes out at once; one without waits until the oldest request in the
 * full window leaves it, then looks again.
 *
 * WorkOS counts a request when it arrives, which the client cannot see: at
 * some moment after it was sent and before its answer came back. So a
 * request holds its place in the window from when it is sent until an
 * interval after its answer: however its round trip was split between the
 * way there and the way back (a slow connection, a busy server, a busy
 * client), WorkOS never counts more than the limit in any window. `margin`
 * covers a server clock coarser than the client's.
 *
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"

/**
 * Where rate-limit windows live when several processes share one API key.
 * WorkOS counts every request made with a key, whichever process sends it,
 * so processes that each keep their own windows overrun the key together. A
 * store keeps one sliding log per window and admits a request into all the
 * windows it uses at once, or tells it how long to wait.
 *
 * WorkOS counts a request when it arrives, which may be well after its
 * admission (a busy process, a slow network). So an admitted request is
 * taken to arrive at any moment until its sender reports, once the answer
 * is back, the latest moment it can have arrived, its answer (`arrived`); a
 * sender that never reports (it crashed) frees its place `pendingHold` after
 * the admission.
 *
 * `RateLimit.Options.store` plugs a store into `WorkOSClient`;
 * `@effect-workos/redis` provides one on Redis, and `makeMemory` one in
 * the process (for tests, and the shape of the contract).
 *
 * @since 0.1.0
 */
export * as RateLimitStore from "./RateLimitStore.js"

/**
 * How transient failures are retried: a `Schedule` over `WorkOSError` that
 * backs off exponentially with jitter and waits exactly as long as a
 * `Retry-After` header asks (capped at 60 seconds).
 *
 * @since 0.1.0
 */
export * as Retry from "./Retry.js"

/**
 * Webhook verification: checks the `WorkOS-Signature` header of a delivery
 * (HMAC-SHA256 through Web Crypto, compared in constant time, timestamp within
 * a tolerance both ways, read from `Clock`), then decodes the body into a
 * `DirectorySyncEvent`. Every failure is a `WebhookVerificationError` whose
 * `reason` says why; the secret never appears in any of them.
 *
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"

/**
 * The configured WorkOS client every API module sends through: base URL,
 * bearer auth with a `Redacted` key, headers, client-side rate limits, a
 * timeout per attempt, retries of transient failures, and the mapping of
 * every response to a value or a typed `WorkOSError`.
 *
 * @since 0.1.0
 */
export * as WorkOSClient from "./WorkOSClient.js"

/**
 * Every way a WorkOS call can fail, as `Schema.TaggedError` classes you can
 * `catchTag`, and the one mapping from an HTTP response to those errors.
 *
 * @since 0.1.0
 */
export * as WorkOSError from "./WorkOSError.js"
