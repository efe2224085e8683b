/**
 * Failures of the command line itself (as opposed to WorkOS's, which are
 * `WorkOSError`s): each renders as one line with a hint.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * No API key: neither `--api-key` nor `WORKOS_API_KEY`.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingApiKeyError extends Schema.TaggedError<MissingApiKeyError>("@effect-workos/cli/MissingApiKeyError")(
  "MissingApiKeyError",
  {}
) {
  override get message(): string {
    return "no API key"
  }
}

/**
 * A flag combination the command cannot serve, found after parsing.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("@effect-workos/cli/UsageError")("UsageError", {
  message: Schema.String,
  hint: Schema.String
}) {}

/**
 * A deletion that was not confirmed.
 *
 * @since 0.1.0
 * @category errors
 */
export class AbortedError extends Schema.TaggedError<AbortedError>("@effect-workos/cli/AbortedError")("AbortedError", {
  message: Schema.String,
  hint: Schema.String
}) {}

/**
 * `verify` ran and at least one check failed (the table says which).
 *
 * @since 0.1.0
 * @category errors
 */
export class VerifyFailedError extends Schema.TaggedError<VerifyFailedError>("@effect-workos/cli/VerifyFailedError")(
  "VerifyFailedError",
  { failed: Schema.Number, total: Schema.Number }
) {
  override get message(): string {
    return `${this.failed} of ${this.total} checks failed`
  }
}

/**
 * The fake server could not listen (the port is taken, or not allowed).
 *
 * @since 0.1.0
 * @category errors
 */
export class ListenError extends Schema.TaggedError<ListenError>("@effect-workos/cli/ListenError")("ListenError", {
  port: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot listen on 127.0.0.1:${this.port}: ${this.reason}`
  }
}

/**
 * The mirror's database could not be opened, migrated or written. `database`
 * names it without credentials (a file path, or PostgreSQL's host, port and
 * database name).
 *
 * @since 0.1.0
 * @category errors
 */
export class DatabaseError extends Schema.TaggedError<DatabaseError>("@effect-workos/cli/DatabaseError")(
  "DatabaseError",
  { database: Schema.String, reason: Schema.String }
) {
  override get message(): string {
    return `database ${this.database}: ${this.reason}`
  }
}

/**
 * Any failure of the command line itself.
 *
 * @since 0.1.0
 * @category errors
 */
export type CliError =
  | MissingApiKeyError
  | UsageError
  | AbortedError
  | VerifyFailedError
  | ListenError
  | DatabaseError
