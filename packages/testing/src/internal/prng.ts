/**
 * A small seeded pseudo-random generator (mulberry32): the same seed always
 * gives the same sequence, so generated data and probabilistic faults are
 * reproducible. Not for anything secret.
 *
 * @internal
 */

/** @internal */
export interface Prng {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [0, bound). */
  readonly int: (bound: number) => number
  /** One element of a non-empty array. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
}

/** @internal */
export const make = (seed: number): Prng => {
  let state = Math.floor(seed) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (bound: number): number => Math.floor(next() * bound)
  return { next, int, pick: (items) => items[int(items.length)]! }
}
