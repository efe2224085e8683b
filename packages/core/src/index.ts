/**
 * The client: config, HTTP layer, models, errors, retry, rate limits, pagination and Directory Sync.
 *
 * @since 0.1.0
 */
export * as Directory from "./Directory.js"

/**
 * The `DirectoryGroup` model.
 *
 * @since 0.1.0
 */
export * as DirectoryGroup from "./DirectoryGroup.js"

/**
 * The Directory Sync API service.
 *
 * @since 0.1.0
 */
export * as DirectorySync from "./DirectorySync.js"

/**
 * Directory Sync events: a Schema union of every `dsync.*` event, for webhooks and the Events API.
 *
 * @since 0.1.0
 */
export * as DirectorySyncEvent from "./DirectorySyncEvent.js"

/**
 * The `DirectoryUser` model.
 *
 * @since 0.1.0
 */
export * as DirectoryUser from "./DirectoryUser.js"

/**
 * The Events API service: one page of events, or a resumable stream of them.
 *
 * @since 0.1.0
 */
export * as Events from "./Events.js"

/**
 * Cursor pagination and the page stream.
 *
 * @since 0.1.0
 */
export * as Pagination from "./Pagination.js"

/**
 * Client-side rate limits.
 *
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"

/**
 * The retry policy.
 *
 * @since 0.1.0
 */
export * as Retry from "./Retry.js"

/**
 * Webhook signature verification.
 *
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"

/**
 * The configured client.
 *
 * @since 0.1.0
 */
export * as WorkOSClient from "./WorkOSClient.js"

/**
 * Typed errors.
 *
 * @since 0.1.0
 */
export * as WorkOSError from "./WorkOSError.js"
