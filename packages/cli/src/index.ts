/**
 * `workos-dsync`, the Directory Sync command line: the command tree, its
 * exit codes, output formats and output streams.
 *
 * @since 0.1.0
 */

/**
 * The command tree and how to run it.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * Failures of the command line itself.
 *
 * @since 0.1.0
 */
export * as CliError from "./CliError.js"

/**
 * The exit codes, one per class of failure.
 *
 * @since 0.1.0
 */
export * as ExitCode from "./ExitCode.js"

/**
 * Output formats: table, JSON, NDJSON and RFC 4180 CSV.
 *
 * @since 0.1.0
 */
export * as Format from "./Format.js"

/**
 * Where the command line writes.
 *
 * @since 0.1.0
 */
export * as Io from "./Io.js"
