#!/usr/bin/env node
/**
 * The `workos-dsync` executable: runs `Cli.run` on the process's arguments,
 * streams and HTTP client, and exits with its code (130 on Ctrl-C).
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Cli from "./Cli.js"
import * as ExitCode from "./ExitCode.js"
import * as Io from "./Io.js"

const main = Cli.run(process.argv).pipe(
  Effect.tap((code) => Effect.sync(() => void (process.exitCode = code))),
  Effect.provide(Layer.mergeAll(
    Io.layerNode,
    NodeContext.layer,
    NodeHttpClient.layerUndici,
    // Logs, if any, go to stderr: stdout carries only results.
    Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true, colors: false }))
  )),
  Logger.withMinimumLogLevel(LogLevel.Warning)
)

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) =>
    onExit(
      Exit.isFailure(exit)
        ? Cause.isInterruptedOnly(exit.cause) ? ExitCode.interrupted : ExitCode.internal
        : Number(process.exitCode ?? ExitCode.success)
    )
})
