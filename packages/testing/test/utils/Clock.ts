/**
 * Running effects to the end under `TestClock` when they sleep (rate limits,
 * backoff, injected latency) without scripting every step.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

/** Runs `effect`, moving the test clock in small steps while it waits. */
export const settle = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    while (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("100 millis")
    return yield* Fiber.join(fiber)
  })
