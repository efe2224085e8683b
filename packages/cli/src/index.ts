/**
 * `workos-dsync`, the Directory Sync command line: the command tree, its
 * exit codes, output formats and output streams.
 *
 * @since 0.1.0
 */

/**
 * The `workos-dsync` command tree, and `run`, which parses a command line,
 * runs it and returns its exit code: every failure is printed as one line
 * with a hint on stderr, never as a stack trace.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * Failures of the command line itself (as opposed to WorkOS's, which are
 * `WorkOSError`s): each renders as one line with a hint.
 *
 * @since 0.1.0
 */
export * as CliError from "./CliError.js"

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
export * as ExitCode from "./ExitCode.js"

/**
 * Output formats: `table` for people, `json`, `ndjson` and `csv` for
 * programs. Every format renders page by page, so an export of any size
 * holds one page in memory.
 *
 * - Records are shown as WorkOS sends them: snake_case names and wire values
 *   (a directory's `state` is `linked`, not the client's `active`).
 * - `csv` follows RFC 4180: a header line, CRLF line ends, and a field with a
 *   comma, a double quote, a CR or an LF quoted, its quotes doubled. Its
 *   columns are fixed per kind of record, whatever the data; nested values
 *   (`custom_attributes`, `roles`) are one column each, as JSON text.
 * - `json` is one array (closed even when the export stops early); `ndjson`
 *   is one object a line; `table` aligns columns on the first page and cuts
 *   longer values with `…`.
 *
 * @since 0.1.0
 */
export * as Format from "./Format.js"

/**
 * Where the command line writes: results on stdout, messages and progress on
 * stderr, and whether each end is a terminal. A service, so tests capture the
 * output in memory and the binary writes to the process streams.
 *
 * @since 0.1.0
 */
export * as Io from "./Io.js"
