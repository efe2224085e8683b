/**
 * The client: config, HTTP layer, models, errors, retry, rate limits, pagination and Directory Sync.
 *
 * @since 0.1.0
 */
