/**
 * Test hooks between the core client and the fake: run an effect when a
 * response arrives (before the client reads it), hide events from `/events`
 * answers, and move the clock (the fake's and the engine's) forward in an
 * instant while sleeps stay real.
 */
import { FakeWorkOS } from "@effect-workos/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** A request as the hooks see it: its path and query parameters. */
export interface Seen {
  readonly path: string
  readonly param: (name: string) => string | undefined
}

interface Hook {
  readonly when: (request: Seen) => boolean
  readonly run: Effect.Effect<void, unknown>
}

interface Failure {
  readonly when: (request: Seen) => boolean
  readonly status: number
}

// Removes and returns the first entry whose `when` matches the request: each fires once.
const takeFirst = <A extends { readonly when: (request: Seen) => boolean }>(
  entries: Ref.Ref<ReadonlyArray<A>>,
  seen: Seen
): Effect.Effect<A | undefined> =>
  Ref.modify(entries, (all) => {
    const index = all.findIndex((entry) => entry.when(seen))
    return index < 0 ? [undefined, all] : [all[index], all.filter((_, i) => i !== index)]
  })

export class Intercept extends Context.Tag("@effect-workos/sync/test/utils/intercept")<Intercept, {
  /** Runs `run` once, when the first response to a request matching `when` arrives. */
  readonly once: (when: (request: Seen) => boolean, run: Effect.Effect<void, unknown>) => Effect.Effect<void>
  /** Answers the first request matching `when` with `status` (and a WorkOS error body) instead. */
  readonly failOnce: (when: (request: Seen) => boolean, status: number) => Effect.Effect<void>
  /** Leaves out of every `/events` answer the events `hide` picks (wire JSON). */
  readonly hideEvents: (hide: (event: Readonly<Record<string, unknown>>) => boolean) => Effect.Effect<void>
}>() {}

const seenOf = (response: HttpClientResponse.HttpClientResponse): Seen => {
  const request = response.request
  const url = new URL(request.url, "http://x.test")
  return {
    path: url.pathname,
    param: (name) =>
      Option.getOrUndefined(UrlParams.getFirst(request.urlParams, name)) ?? url.searchParams.get(name) ?? undefined
  }
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const withoutEvents = (
  response: HttpClientResponse.HttpClientResponse,
  hide: (event: Readonly<Record<string, unknown>>) => boolean
) =>
  Effect.gen(function*() {
    const body = yield* response.json
    if (!isRecord(body) || !Array.isArray(body["data"])) return response
    const data = body["data"].filter((event: unknown) => !(isRecord(event) && hide(event)))
    const web = new Response(JSON.stringify({ ...body, data }), { status: response.status, headers: response.headers })
    return HttpClientResponse.fromWeb(response.request, web)
  })

/** The fake's in-memory client with the hooks in between, and the `Intercept` that sets them. */
export const layer: Layer.Layer<HttpClient.HttpClient | Intercept, never, FakeWorkOS.FakeWorkOS> = Layer.effectContext(
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const hooks = yield* Ref.make<ReadonlyArray<Hook>>([])
    const hidden = yield* Ref.make<(event: Readonly<Record<string, unknown>>) => boolean>(() => false)
    const failures = yield* Ref.make<ReadonlyArray<Failure>>([])
    const fire = (response: HttpClientResponse.HttpClientResponse) =>
      Effect.gen(function*() {
        const seen = seenOf(response)
        const failure = yield* takeFirst(failures, seen)
        if (failure !== undefined) {
          const body = JSON.stringify({ message: "failed by the test" })
          const web = new Response(body, { status: failure.status, headers: { "content-type": "application/json" } })
          return HttpClientResponse.fromWeb(response.request, web)
        }
        const due = yield* takeFirst(hooks, seen)
        if (due !== undefined) yield* Effect.orDie(due.run)
        return seen.path === "/events" && response.status === 200
          ? yield* withoutEvents(response, yield* Ref.get(hidden))
          : response
      })
    const wrapped = HttpClient.transformResponse(client, Effect.flatMap(fire))
    return Context.make(HttpClient.HttpClient, wrapped).pipe(
      Context.add(Intercept, {
        once: (when, run) => Ref.update(hooks, (all) => [...all, { when, run }]),
        failOnce: (when, status) => Ref.update(failures, (all) => [...all, { when, status }]),
        hideEvents: (hide) => Ref.set(hidden, hide)
      })
    )
  })
).pipe(Layer.provide(FakeWorkOS.layerHttpClient))

/** A clock that runs with real time plus an offset the test moves forward. */
export const makeTimeTravel = Effect.sync(() => {
  let offset = 0
  const millis = () => Date.now() + offset
  const real = Clock.make()
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: () => BigInt(millis()) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(millis()) * 1_000_000n),
    sleep: (duration) => real.sleep(duration)
  }
  return {
    clock,
    advance: (duration: Duration.DurationInput) => Effect.sync(() => void (offset += Duration.toMillis(duration)))
  }
})
