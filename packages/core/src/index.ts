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
 * The `DirectoryUser` model.
 *
 * @since 0.1.0
 */
export * as DirectoryUser from "./DirectoryUser.js"

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
