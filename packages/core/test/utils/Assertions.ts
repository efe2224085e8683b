/**
 * Assertions over effects shared by the suites.
 */
import { assert } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * The typed failure of `effect`. Fails the test when the effect succeeds or
 * dies: every WorkOS failure must be a typed error, never a defect.
 */
export const failure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) return assert.fail(`expected a failure, got ${String(exit.value)}`)
    if (!Cause.isFailType(exit.cause)) return assert.fail(`expected one typed failure, got ${Cause.pretty(exit.cause)}`)
    return exit.cause.error
  })

const hasTag = <E extends { readonly _tag: string }, Tag extends E["_tag"]>(
  error: E,
  tag: Tag
): error is Extract<E, { readonly _tag: Tag }> => error._tag === tag

/** Narrows a tagged error, failing the test on any other tag. */
export const tagged = <E extends { readonly _tag: string }, Tag extends E["_tag"]>(
  error: E,
  tag: Tag
): Extract<E, { readonly _tag: Tag }> =>
  hasTag(error, tag) ? error : assert.fail(`expected ${tag}, got ${error._tag}: ${String(error)}`)
