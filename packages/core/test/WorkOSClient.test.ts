import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as DirectorySync from "../src/DirectorySync.js"
import * as WorkOSClient from "../src/WorkOSClient.js"
import type * as WorkOSError from "../src/WorkOSError.js"
import * as Directory from "./fixtures/Directory.js"
import { list } from "./fixtures/List.js"
import { failure, tagged } from "./utils/Assertions.js"
import * as Stub from "./utils/StubHttp.js"

const directories = () => Stub.json(list([Directory.linked]))

describe("WorkOSClient.layer", () => {
  const origins: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ["defaults to https://api.workos.com", undefined, "https://api.workos.com/directories"],
    ["takes a base URL with a trailing slash", "http://127.0.0.1:8787/", "http://127.0.0.1:8787/directories"],
    [
      "keeps a base URL's path prefix",
      "https://proxy.example.com/workos/",
      "https://proxy.example.com/workos/directories"
    ]
  ]
  for (const [name, baseUrl, url] of origins) {
    it.effect(name, () =>
      Stub.run(directories, (ds, requests) =>
        Effect.gen(function*() {
          yield* ds.listDirectories()
          assert.strictEqual(requests[0]!.url.href, url)
          assert.strictEqual((yield* WorkOSClient.WorkOSClient).baseUrl, url.replace(/\/directories$/, ""))
        }), { baseUrl }))
  }

  it.effect("a base URL that is no http(s) URL is an InvalidParameterError naming it: nothing sent, nothing retried", () =>
    Stub.run(directories, (ds, requests) =>
      Effect.gen(function*() {
        const attempts: ReadonlyArray<Effect.Effect<unknown, WorkOSError.WorkOSError>> = [
          ds.listDirectories(),
          ds.getDirectory(Directory.linked.id)
        ]
        for (const attempt of attempts) {
          const error = yield* Effect.flip(attempt)
          assert.strictEqual(error._tag, "InvalidParameterError")
          if (error._tag === "InvalidParameterError") assert.strictEqual(error.parameter, "baseUrl")
        }
        assert.strictEqual(requests.length, 0)
      }), { baseUrl: "api.workos.com", retry: { times: 3 } }))

  it.effect("applies transformClient to every request", () =>
    Stub.run(directories, (ds, requests) =>
      Effect.gen(function*() {
        yield* ds.listDirectories()
        yield* ds.deleteDirectory(Directory.linked.id)
        assert.deepStrictEqual(requests.map((r) => r.headers["x-tenant"]), ["acme", "acme"])
        assert.strictEqual(requests[0]!.headers.authorization, `Bearer ${Stub.apiKey}`)
      }), { transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-tenant", "acme")) }))

  it.effect("the client sends relative paths with the configured headers", () =>
    Stub.run(directories, (_, requests) =>
      Effect.gen(function*() {
        const client = yield* WorkOSClient.WorkOSClient
        yield* client.send(HttpClientRequest.get("/directories").pipe(HttpClientRequest.setUrlParam("limit", "1")))
        const [request] = requests
        assert.strictEqual(request!.url.href, `${Stub.baseUrl}/directories?limit=1`)
        assert.strictEqual(request!.headers.authorization, `Bearer ${Stub.apiKey}`)
        assert.strictEqual(request!.headers.accept, "application/json")
        assert.match(request!.headers["user-agent"]!, /^effect-workos\/\d+\.\d+\.\d+/)
      })))
})

describe("WorkOSClient.layerConfig", () => {
  // DirectorySync over layerConfig and a stub, configured from `env`.
  const fromEnv = (env: Record<string, string>, options: WorkOSClient.ConfigOptions = {}) => {
    const stub = Stub.make((request) => request.path.endsWith("/directories") ? directories() : Stub.json({}, 503))
    const layer = DirectorySync.layer.pipe(
      Layer.provideMerge(WorkOSClient.layerConfig({ rateLimit: false, ...options })),
      Layer.provide(stub.layer)
    )
    return {
      requests: stub.requests,
      build: Layer.build(layer).pipe(
        Effect.scoped,
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      ),
      provide: <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        effect.pipe(
          Effect.provide(layer),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
    }
  }

  it.effect("reads WORKOS_API_KEY and WORKOS_BASE_URL", () => {
    const env = fromEnv({ WORKOS_API_KEY: "sk_test_from_env", WORKOS_BASE_URL: "http://localhost:8787" })
    return env.provide(Effect.gen(function*() {
      yield* (yield* DirectorySync.DirectorySync).listDirectories()
      assert.strictEqual(env.requests[0]!.url.href, "http://localhost:8787/directories")
      assert.strictEqual(env.requests[0]!.headers.authorization, "Bearer sk_test_from_env")
    }))
  })

  it.effect("defaults the base URL when WORKOS_BASE_URL is unset", () => {
    const env = fromEnv({ WORKOS_API_KEY: "sk_test_from_env" })
    return env.provide(Effect.gen(function*() {
      yield* (yield* DirectorySync.DirectorySync).listDirectories()
      assert.strictEqual(env.requests[0]!.url.origin, "https://api.workos.com")
    }))
  })

  it.effect("works with Layer.setConfigProvider", () => {
    const stub = Stub.make(directories)
    const layer = DirectorySync.layer.pipe(
      Layer.provide(WorkOSClient.layerConfig({ rateLimit: false })),
      Layer.provide(stub.layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["WORKOS_API_KEY", "sk_test_layer"]]))))
    )
    return Effect.gen(function*() {
      yield* (yield* DirectorySync.DirectorySync).listDirectories()
      assert.strictEqual(stub.requests[0]!.headers.authorization, "Bearer sk_test_layer")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a missing WORKOS_API_KEY fails layer construction with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const env = fromEnv({ WORKOS_BASE_URL: "http://localhost:8787" })
      const error = yield* Effect.flip(env.build)
      assert.isTrue(ConfigError.isMissingData(error))
      assert.include(String(error), "WORKOS_API_KEY")
      assert.strictEqual(env.requests.length, 0)
    }))

  it.effect("an empty WORKOS_API_KEY fails with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromEnv({ WORKOS_API_KEY: "" }).build)
      assert.isTrue(ConfigError.isInvalidData(error))
      assert.include(String(error), "WORKOS_API_KEY")
      assert.include(String(error), "non-empty")
    }))

  for (const url of ["not a url", "ftp://api.workos.com", "api.workos.com"]) {
    it.effect(`an invalid WORKOS_BASE_URL (${url}) fails with a ConfigError naming it`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(fromEnv({ WORKOS_API_KEY: "sk_test_from_env", WORKOS_BASE_URL: url }).build)
        assert.isTrue(ConfigError.isInvalidData(error))
        assert.include(String(error), "WORKOS_BASE_URL")
      }))
  }

  it.effect("passes the other options through (retry: false makes one attempt)", () => {
    const env = fromEnv({ WORKOS_API_KEY: "sk_test_from_env" }, { retry: false })
    return env.provide(Effect.gen(function*() {
      const fiber = yield* Effect.fork(failure((yield* DirectorySync.DirectorySync).getDirectory("directory_01")))
      yield* TestClock.adjust("1 minute")
      tagged(yield* Fiber.join(fiber), "ServerError")
      assert.strictEqual(env.requests.length, 1)
    }))
  })

  it.effect("retries by default", () => {
    const env = fromEnv({ WORKOS_API_KEY: "sk_test_from_env" })
    return env.provide(Effect.gen(function*() {
      const fiber = yield* Effect.fork(failure((yield* DirectorySync.DirectorySync).getDirectory("directory_01")))
      yield* TestClock.adjust("1 minute")
      tagged(yield* Fiber.join(fiber), "ServerError")
      assert.strictEqual(env.requests.length, 4)
    }))
  })

  it.effect("takes other Configs for the key and the base URL", () => {
    const env = fromEnv(
      { ACME_WORKOS_KEY: "sk_test_acme", ACME_WORKOS_URL: "https://workos.acme.test" },
      {
        apiKey: Config.redacted("ACME_WORKOS_KEY"),
        baseUrl: Config.option(Config.string("ACME_WORKOS_URL"))
      }
    )
    return env.provide(Effect.gen(function*() {
      yield* (yield* DirectorySync.DirectorySync).listDirectories()
      assert.strictEqual(env.requests[0]!.url.origin, "https://workos.acme.test")
      assert.strictEqual(env.requests[0]!.headers.authorization, "Bearer sk_test_acme")
    }))
  })

  it("the key Config is redacted", () => {
    const key = Effect.runSync(
      WorkOSClient.apiKeyConfig.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["WORKOS_API_KEY", Stub.apiKey]])))
      )
    )
    assert.isTrue(Redacted.isRedacted(key))
    assert.strictEqual(Redacted.value(key), Stub.apiKey)
    assert.notInclude(String(key), Stub.apiKey)
  })
})
