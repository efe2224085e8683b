/**
 * Every failure as one line on stderr, with a hint, and its exit code.
 */
import type { WorkOSError } from "@effect-workos/core"
import type { DirectoryMirror } from "@effect-workos/sync"
import type * as CliError from "../CliError.js"
import * as ExitCode from "../ExitCode.js"
import type * as Io from "../Io.js"

/** What a failure prints and exits with. */
export interface Rendered {
  readonly code: number
  readonly message: string
  readonly hint: string
  /** WorkOS's request id, when the failure came with one. */
  readonly requestId?: string | undefined
}

/** Any failure a command can end with. */
export type Failure = WorkOSError.WorkOSError | CliError.CliError | Io.OutputClosedError | DirectoryMirror.MirrorError

const keyHint = "check --api-key or WORKOS_API_KEY (a secret key, sk_..., of the environment you mean)"
const baseUrlHint = "check --base-url or WORKOS_BASE_URL (default https://api.workos.com) and the network"

const databaseHint =
  "check --db: a writable SQLite file path, or postgres://user@host:port/database of a running server"

const http = (error: { readonly method: string; readonly path: string }) => `${error.method} ${error.path}`

const renderWorkOS = (error: WorkOSError.WorkOSError): Rendered => {
  switch (error._tag) {
    case "UnauthorizedError":
      return {
        code: ExitCode.authentication,
        message: `the API key was rejected (401 on ${http(error)})`,
        requestId: error.requestId,
        hint: keyHint
      }
    case "ForbiddenError":
      return {
        code: ExitCode.authentication,
        message: `the API key is not allowed to do this (403 on ${http(error)})`,
        requestId: error.requestId,
        hint: "give the key Directory Sync permissions in the WorkOS dashboard, or use another key"
      }
    case "NotFoundError":
      return {
        code: ExitCode.notFound,
        message: `not found (404 on ${http(error)})`,
        requestId: error.requestId,
        hint: "check the id; the list commands show the ids that exist"
      }
    case "BadRequestError":
    case "ConflictError":
    case "UnprocessableEntityError":
      return {
        code: ExitCode.rejected,
        message: `WorkOS rejected the request (${error.status} on ${http(error)}): ${error.message}`,
        requestId: error.requestId,
        hint: "check the flags against --help"
      }
    case "RateLimitedError":
      return {
        code: ExitCode.unavailable,
        message: `still rate limited after retries (429 on ${http(error)})`,
        requestId: error.requestId,
        hint: "wait a minute and run again; other programs may share this key's budget"
      }
    case "ServerError":
      return {
        code: ExitCode.unavailable,
        message: `WorkOS failed after retries (${error.status} on ${http(error)})`,
        requestId: error.requestId,
        hint: "WorkOS may be having trouble: try again later (status.workos.com)"
      }
    case "UnexpectedStatusError":
      return {
        code: ExitCode.unavailable,
        message: `unexpected status ${error.status} on ${http(error)}`,
        requestId: error.requestId,
        hint: `is the base URL a WorkOS API? ${baseUrlHint}`
      }
    case "TransportError":
      return {
        code: ExitCode.network,
        message: `${error.reason === "Timeout" ? "no answer in time" : "could not reach WorkOS"} (${
          http(error)
        }): ${error.message}`,
        hint: baseUrlHint
      }
    case "DecodeError":
      return {
        code: ExitCode.unexpectedResponse,
        message: `unexpected response to ${http(error)}: ${error.message}`,
        requestId: error.requestId,
        hint: `is the base URL a WorkOS API? ${baseUrlHint}`
      }
    case "InvalidParameterError":
      return error.parameter === "baseUrl"
        ? { code: ExitCode.configuration, message: error.message, hint: baseUrlHint }
        : { code: ExitCode.rejected, message: error.message, hint: "check the flags against --help" }
  }
}

/** The line and exit code of a failure. */
export const render = (error: Failure): Rendered => {
  switch (error._tag) {
    case "MissingApiKeyError":
      return { code: ExitCode.configuration, message: "no API key", hint: "pass --api-key or set WORKOS_API_KEY" }
    case "UsageError":
      return { code: ExitCode.usage, message: error.message, hint: error.hint }
    case "AbortedError":
      return { code: ExitCode.aborted, message: error.message, hint: error.hint }
    case "VerifyFailedError":
      return { code: ExitCode.verificationFailed, message: error.message, hint: "the table above says which and why" }
    case "ListenError":
      return {
        code: ExitCode.configuration,
        message: error.message,
        hint: "choose another --port (0 picks a free one)"
      }
    case "DatabaseError":
      return { code: ExitCode.database, message: error.message, hint: databaseHint }
    case "MirrorStoreError":
      return {
        code: ExitCode.database,
        message: `the mirror's database failed: ${error.message}`,
        hint: error.reason === "Decode"
          ? "a stored row no longer decodes: mirror into a new --db, or report this"
          : databaseHint
      }
    // The command line installs no hook, so this is a bug if it ever shows.
    case "OnChangeError":
      return {
        code: ExitCode.internal,
        message: `the onChange hook failed on ${error.change}`,
        hint: "please report this"
      }
    case "OutputClosedError":
      return { code: ExitCode.success, message: "", hint: "" }
    default:
      return renderWorkOS(error)
  }
}

/** The one line a failure prints (empty when it prints nothing). */
export const line = (rendered: Rendered): string =>
  rendered.message === ""
    ? ""
    : `error: ${rendered.message}${
      rendered.requestId === undefined ? "" : ` (request id ${rendered.requestId})`
    }. Hint: ${rendered.hint}\n`
