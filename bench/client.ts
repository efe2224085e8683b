/**
 * One measurement in its own process: `node client.ts '<Task as JSON>'`.
 * Prints `BENCH_ANSWER <Answer as JSON>` on stdout.
 */
import { DirectorySync, DirectoryUser, Pagination, WorkOSClient } from "@effect-workos/core"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { WorkOS } from "@workos-inc/node"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
// The client's own decoder (internal to the package): what `WorkOSClient.json` decodes every response with.
import * as Decoder from "../packages/core/src/internal/decoder.js"
import {
  type Answer,
  answerPrefix,
  type DecodeMeasurement,
  type Measurement,
  type Target,
  type Task
} from "./protocol.js"

// ---------------------------------------------------------------------------
// Memory: RSS sampled every 20 ms, plus the kernel's high-water mark.
// ---------------------------------------------------------------------------

let sampledPeak = 0
const sample = () => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())
}
const sampler = setInterval(sample, 20)

// Started with `--expose-gc`: a full collection before reading what is still live.
const liveHeap = (): number => {
  const gc: unknown = Reflect.get(globalThis, "gc")
  if (typeof gc === "function") gc()
  return process.memoryUsage().heapUsed
}

/**
 * Times `count`, which calls `settled` once every user has arrived, while
 * it still holds whatever it returns to its caller.
 */
const measure = async (count: (settled: () => void) => Promise<number>): Promise<Measurement> => {
  sample()
  const baselineRssBytes = process.memoryUsage.rss()
  let elapsedMs = 0
  let liveHeapBytes = 0
  const start = performance.now()
  const users = await count(() => {
    elapsedMs = performance.now() - start
    sample()
    liveHeapBytes = liveHeap()
  })
  clearInterval(sampler)
  const highWaterMark = process.resourceUsage().maxRSS * 1024
  return {
    count: users,
    elapsedMs,
    baselineRssBytes,
    peakRssBytes: Math.max(sampledPeak, highWaterMark),
    liveHeapBytes
  }
}

// ---------------------------------------------------------------------------
// This client
// ---------------------------------------------------------------------------

const effectLayer = (target: Target, rateLimit: boolean) =>
  DirectorySync.layer.pipe(
    Layer.provide(WorkOSClient.layer({
      apiKey: Redacted.make(target.apiKey),
      baseUrl: target.baseUrl,
      ...(rateLimit ? {} : { rateLimit: false })
    })),
    Layer.provide(NodeHttpClient.layerUndici)
  )

// Builds the client first, so the baseline includes it, then measures.
const runEffect = async (
  target: Target,
  rateLimit: boolean,
  count: Effect.Effect<number, unknown, DirectorySync.DirectorySync>
): Promise<Measurement> => {
  const runtime = ManagedRuntime.make(effectLayer(target, rateLimit))
  await runtime.runtime()
  try {
    return await measure(async (settled) => {
      const users = await runtime.runPromise(count)
      settled()
      return users
    })
  } finally {
    await runtime.dispose()
  }
}

const loop = async (seconds: number, once: () => Promise<unknown>): Promise<number> => {
  const deadline = performance.now() + seconds * 1000
  let done = 0
  while (performance.now() < deadline) {
    await once()
    done++
  }
  return done
}

// ---------------------------------------------------------------------------
// The official SDK
// ---------------------------------------------------------------------------

const sdkClient = (target: Target) =>
  new WorkOS(target.apiKey, { apiHostname: "127.0.0.1", port: target.port, https: false })

// The SDK waits `setTimeout(resolve, 350)` between pages; only that timer is shortened.
const skipSdkPause = () => {
  const original = globalThis.setTimeout
  const shortened = (handler: (...args: Array<unknown>) => void, timeout?: number, ...args: Array<unknown>) =>
    original(handler, timeout === 350 ? 0 : timeout, ...args)
  Object.defineProperty(globalThis, "setTimeout", { value: shortened, configurable: true, writable: true })
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

const UserPage = Pagination.Page(DirectoryUser.DirectoryUser)
// The options `WorkOSClient` decodes with.
const decodeOptions = { onExcessProperty: "ignore", errors: "first" } as const

// Microseconds per user of each variant: interleaved rounds, the best round of each (least disturbed by GC and JIT).
const perUser = (
  seconds: number,
  users: number,
  variants: Record<string, () => unknown>
): Record<string, number> => {
  const rounds = 5
  const best: Record<string, number> = {}
  for (const run of Object.values(variants)) for (let i = 0; i < 200; i++) run() // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now()
      const deadline = start + (seconds * 1000) / rounds
      let pages = 0
      while (performance.now() < deadline) {
        run()
        pages++
      }
      const micros = ((performance.now() - start) * 1000) / (pages * users)
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, micros)
    }
  }
  return best
}

const decodeBench = async (task: Extract<Task, { readonly kind: "decode" }>): Promise<DecodeMeasurement> => {
  const url = `${task.target.baseUrl}/directory_users?directory=${encodeURIComponent(task.directory)}&limit=100`
  const body = await (await fetch(url, { headers: { authorization: `Bearer ${task.target.apiKey}` } })).text()
  const decode = Schema.decodeUnknownEither(UserPage, decodeOptions)
  const page = decode(JSON.parse(body))
  if (Either.isLeft(page)) throw new Error(`The fake's page does not decode: ${page.left.message}`)
  const users = page.right.data.length
  const onePass = Decoder.decodeUnknownEither(UserPage)
  if (Either.isLeft(onePass(JSON.parse(body)))) throw new Error("The fake's page does not decode in one pass")
  const micros = perUser(task.seconds, users, {
    parse: () => JSON.parse(body),
    decode: () => decode(JSON.parse(body)),
    onePass: () => onePass(JSON.parse(body)),
    // What `WorkOSClient.json` does for each response: an Effect decoder made for the call, run.
    client: () => Effect.runSync(Decoder.decodeUnknown(UserPage)(JSON.parse(body)))
  })
  const parseMicros = micros.parse!
  return {
    usersPerPage: users,
    pageBytes: Buffer.byteLength(body),
    parseMicros,
    // Decoding alone: the parse is inside every loop.
    decodeMicros: micros.decode! - parseMicros,
    onePassMicros: micros.onePass! - parseMicros,
    decodeFreshMicros: micros.client! - parseMicros
  }
}

// ---------------------------------------------------------------------------

const perform = async (task: Task): Promise<Answer> => {
  switch (task.kind) {
    case "decode":
      return { _tag: "DecodeMeasurement", value: await decodeBench(task) }
    case "directory": {
      if (task.impl === "effect-workos") {
        return {
          _tag: "Measurement",
          value: await runEffect(
            task.target,
            task.rateLimit,
            Stream.runCount(
              Stream.unwrap(
                Effect.map(DirectorySync.DirectorySync, (ds) => ds.streamUsers({ directory: task.directory }))
              )
            )
          )
        }
      }
      if (task.skipSdkPause) skipSdkPause()
      const workos = sdkClient(task.target)
      return {
        _tag: "Measurement",
        value: await measure(async (settled) => {
          const users = await (await workos.directorySync.listUsers({ directory: task.directory })).autoPagination()
          settled()
          return users.length
        })
      }
    }
    case "organization": {
      if (task.impl === "effect-workos") {
        return {
          _tag: "Measurement",
          value: await runEffect(
            task.target,
            true,
            Stream.runCount(DirectorySync.streamOrganizationUsers({
              organizationId: task.organizationId,
              concurrency: task.concurrency
            }))
          )
        }
      }
      const workos = sdkClient(task.target)
      return {
        _tag: "Measurement",
        value: await measure(async (settled) => {
          const directories =
            await (await workos.directorySync.listDirectories({ organizationId: task.organizationId }))
              .autoPagination()
          const users = await Promise.all(
            directories.map(async (directory) =>
              (await workos.directorySync.listUsers({ directory: directory.id })).autoPagination()
            )
          )
          settled()
          return users.reduce((sum, list) => sum + list.length, 0)
        })
      }
    }
    case "loopback": {
      if (task.impl === "effect-workos") {
        return {
          _tag: "Measurement",
          value: await runEffect(
            task.target,
            false,
            Effect.gen(function*() {
              const directorySync = yield* DirectorySync.DirectorySync
              const deadline = performance.now() + task.seconds * 1000
              let done = 0
              while (performance.now() < deadline) {
                yield* directorySync.listUsers({ directory: task.directory, limit: 100 })
                done++
              }
              return done
            })
          )
        }
      }
      const workos = sdkClient(task.target)
      return {
        _tag: "Measurement",
        value: await measure(async (settled) => {
          const done = await loop(
            task.seconds,
            () => workos.directorySync.listUsers({ directory: task.directory, limit: 100 })
          )
          settled()
          return done
        })
      }
    }
  }
}

const task: Task = JSON.parse(process.argv[2] ?? "null")
perform(task).then(
  (answer) => {
    process.stdout.write(`${answerPrefix}${JSON.stringify(answer)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    const answer: Answer = {
      _tag: "Failed",
      message: error instanceof Error ? error.stack ?? error.message : String(error)
    }
    process.stdout.write(`${answerPrefix}${JSON.stringify(answer)}\n`)
    process.exit(1)
  }
)
