/**
 * Where the API is and which key to use: `--api-key` / `--base-url`, then
 * `WORKOS_API_KEY` / `WORKOS_BASE_URL`. The key is kept `Redacted` end to end.
 */
import { DirectorySync, Events, WorkOSClient } from "@effect-workos/core"
import * as Options from "@effect/cli/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { MissingApiKeyError } from "../CliError.js"

/** The connection flags every API command takes. */
export const options = {
  apiKey: Options.redacted("api-key").pipe(
    Options.withDescription("WorkOS secret key (sk_...). Default: WORKOS_API_KEY. Never printed."),
    Options.withFallbackConfig(Config.redacted("WORKOS_API_KEY")),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withDescription("API base URL, e.g. a local fake. Default: WORKOS_BASE_URL, else https://api.workos.com"),
    Options.withFallbackConfig(Config.string("WORKOS_BASE_URL")),
    Options.optional
  )
}

/** The parsed connection flags. */
export interface Connection {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly baseUrl: Option.Option<string>
}

/** The base URL requests go to. */
export const baseUrlOf = (connection: Connection): string =>
  Option.getOrElse(connection.baseUrl, () => WorkOSClient.defaultBaseUrl)

/** Client options of a connection (fails without a key). */
export const clientOptions = (
  connection: Connection,
  overrides: Partial<WorkOSClient.Options> = {}
): Effect.Effect<WorkOSClient.Options, MissingApiKeyError> =>
  Option.match(connection.apiKey, {
    onNone: () => Effect.fail(new MissingApiKeyError()),
    onSome: (apiKey) => Effect.succeed({ ...overrides, apiKey, baseUrl: baseUrlOf(connection) })
  })

/** The API services over a connection. */
export type Api = DirectorySync.DirectorySync | Events.Events

/** Runs `effect` with the API services of `connection`. */
export const provideApi = <A, E, R>(
  connection: Connection,
  effect: Effect.Effect<A, E, R>,
  overrides: Partial<WorkOSClient.Options> = {}
): Effect.Effect<A, E | MissingApiKeyError, Exclude<R, Api> | HttpClient.HttpClient> =>
  Effect.flatMap(clientOptions(connection, overrides), (options) =>
    Effect.provide(
      effect,
      Layer.mergeAll(DirectorySync.layer, Events.layer).pipe(Layer.provide(WorkOSClient.layer(options)))
    ))
