/**
 * The exit codes of `workos-dsync`, one per class of failure, so scripts can
 * tell a bad key from a network outage without reading the message.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | internal error (a bug: please report it) |
 * | 2 | usage: an unknown command, a bad or missing flag or argument |
 * | 3 | configuration: no API key, a bad base URL, a port that cannot be used |
 * | 4 | authentication: the key was rejected (401) or lacks a permission (403) |
 * | 5 | not found (404) |
 * | 6 | WorkOS rejected the request (400, 409, 422) or a parameter was invalid |
 * | 7 | WorkOS unavailable: 429 or 5xx after retries, or another unexpected status |
 * | 8 | network: the base URL could not be reached, or timed out |
 * | 9 | unexpected response: a 2xx body of the wrong shape |
 * | 10 | `verify`: at least one check failed |
 * | 11 | aborted: a deletion was not confirmed |
 * | 12 | `mirror`: the database could not be opened, migrated or written |
 * | 130 | interrupted (Ctrl-C); what was written so far is complete line by line |
 *
 * @since 0.1.0
 */

/**
 * Everything worked.
 *
 * @since 0.1.0
 * @category codes
 */
export const success = 0

/**
 * A bug in the command line: the message says what happened.
 *
 * @since 0.1.0
 * @category codes
 */
export const internal = 1

/**
 * An unknown command, or a bad or missing flag or argument.
 *
 * @since 0.1.0
 * @category codes
 */
export const usage = 2

/**
 * No API key, a bad base URL, or a port that cannot be listened on.
 *
 * @since 0.1.0
 * @category codes
 */
export const configuration = 3

/**
 * The API key was rejected (401) or lacks a permission (403).
 *
 * @since 0.1.0
 * @category codes
 */
export const authentication = 4

/**
 * The object does not exist (404).
 *
 * @since 0.1.0
 * @category codes
 */
export const notFound = 5

/**
 * WorkOS rejected the request (400, 409, 422), or a parameter was refused before sending.
 *
 * @since 0.1.0
 * @category codes
 */
export const rejected = 6

/**
 * WorkOS answered 429 or 5xx after every retry, or an unexpected status.
 *
 * @since 0.1.0
 * @category codes
 */
export const unavailable = 7

/**
 * The base URL could not be reached, or did not answer in time.
 *
 * @since 0.1.0
 * @category codes
 */
export const network = 8

/**
 * A successful response whose body was not the expected shape.
 *
 * @since 0.1.0
 * @category codes
 */
export const unexpectedResponse = 9

/**
 * `verify`: at least one check failed.
 *
 * @since 0.1.0
 * @category codes
 */
export const verificationFailed = 10

/**
 * A deletion was not confirmed.
 *
 * @since 0.1.0
 * @category codes
 */
export const aborted = 11

/**
 * `mirror`: the database could not be opened, migrated or written.
 *
 * @since 0.1.0
 * @category codes
 */
export const database = 12

/**
 * Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it.
 *
 * @since 0.1.0
 * @category codes
 */
export const interrupted = 130
