/**
 * A persistent map from string keys to values, kept in key order as a list of
 * sorted chunks. A change copies one chunk and the list of chunks, so it
 * costs about the square root of the size; building from sorted entries is
 * linear, which lets the fake start with hundreds of thousands of users at once.
 *
 * @internal
 */

/** @internal */
export type Entry<V> = readonly [key: string, value: V]

/** @internal */
export interface Sorted<V> {
  readonly chunks: ReadonlyArray<ReadonlyArray<Entry<V>>>
  readonly size: number
}

const chunkSize = 512

const cut = <V>(entries: ReadonlyArray<Entry<V>>): Array<ReadonlyArray<Entry<V>>> => {
  const chunks: Array<ReadonlyArray<Entry<V>>> = []
  for (let i = 0; i < entries.length; i += chunkSize) chunks.push(entries.slice(i, i + chunkSize))
  return chunks
}

/** @internal */
export const empty = <V>(): Sorted<V> => ({ chunks: [], size: 0 })

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Entries in any order; a later entry with the same key wins. @internal */
export const fromEntries = <V>(entries: ReadonlyArray<Entry<V>>): Sorted<V> => {
  let sorted = true
  for (let i = 1; i < entries.length && sorted; i++) sorted = entries[i - 1]![0] < entries[i]![0]
  const ordered = sorted ? entries : [...entries].sort((a, b) => compare(a[0], b[0]))
  const unique = sorted
    ? ordered
    : ordered.filter((entry, i) => i + 1 === ordered.length || ordered[i + 1]![0] !== entry[0])
  return { chunks: cut(unique), size: unique.length }
}

// The first position whose key is >= `key` (or > `key` when `strict`), as [chunk, offset].
const locate = <V>(self: Sorted<V>, key: string, strict: boolean): readonly [number, number] => {
  const chunks = self.chunks
  const past = (k: string) => (strict ? k > key : k >= key)
  let lo = 0
  let hi = chunks.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const chunk = chunks[mid]!
    if (past(chunk[chunk.length - 1]![0])) hi = mid
    else lo = mid + 1
  }
  if (lo === chunks.length) return [lo, 0]
  const chunk = chunks[lo]!
  let a = 0
  let b = chunk.length
  while (a < b) {
    const mid = (a + b) >>> 1
    if (past(chunk[mid]![0])) b = mid
    else a = mid + 1
  }
  return [lo, a]
}

/** @internal */
export const get = <V>(self: Sorted<V>, key: string): V | undefined => {
  const [c, o] = locate(self, key, false)
  const entry = self.chunks[c]?.[o]
  return entry !== undefined && entry[0] === key ? entry[1] : undefined
}

/** @internal */
export const has = <V>(self: Sorted<V>, key: string): boolean => get(self, key) !== undefined

const replaceChunk = <V>(
  self: Sorted<V>,
  index: number,
  chunk: ReadonlyArray<Entry<V>>,
  sizeChange: number
): Sorted<V> => {
  const parts = chunk.length === 0 ? [] : chunk.length > 2 * chunkSize ? cut(chunk) : [chunk]
  const chunks = [...self.chunks.slice(0, index), ...parts, ...self.chunks.slice(index + 1)]
  return { chunks, size: self.size + sizeChange }
}

/** Inserts or replaces. @internal */
export const set = <V>(self: Sorted<V>, key: string, value: V): Sorted<V> => {
  if (self.chunks.length === 0) return { chunks: [[[key, value]]], size: 1 }
  const [found, offset] = locate(self, key, false)
  // Past the end: the entry joins the last chunk.
  const c = Math.min(found, self.chunks.length - 1)
  const chunk = self.chunks[c]!
  const o = found === c ? offset : chunk.length
  const replaces = chunk[o]?.[0] === key
  const next = [...chunk.slice(0, o), [key, value] as const, ...chunk.slice(replaces ? o + 1 : o)]
  return replaceChunk(self, c, next, replaces ? 0 : 1)
}

/** @internal */
export const remove = <V>(self: Sorted<V>, key: string): Sorted<V> => {
  const [c, o] = locate(self, key, false)
  const chunk = self.chunks[c]
  if (chunk?.[o]?.[0] !== key) return self
  return replaceChunk(self, c, [...chunk.slice(0, o), ...chunk.slice(o + 1)], -1)
}

/** Entries with a key greater than `key` (all when `undefined`), in ascending order. @internal */
export function* above<V>(self: Sorted<V>, key: string | undefined): Generator<Entry<V>> {
  let [c, o] = key === undefined ? [0, 0] : locate(self, key, true)
  for (; c < self.chunks.length; c++, o = 0) {
    const chunk = self.chunks[c]!
    for (; o < chunk.length; o++) yield chunk[o]!
  }
}

/** Entries with a key less than `key` (all when `undefined`), in descending order. @internal */
export function* below<V>(self: Sorted<V>, key: string | undefined): Generator<Entry<V>> {
  const [end, offset] = key === undefined ? [self.chunks.length, 0] : locate(self, key, false)
  let c = offset === 0 ? end - 1 : end
  let o = offset === 0 ? (self.chunks[c]?.length ?? 0) - 1 : offset - 1
  for (; c >= 0; c--, o = (self.chunks[c]?.length ?? 0) - 1) {
    const chunk = self.chunks[c]!
    for (; o >= 0; o--) yield chunk[o]!
  }
}

/** Values in key order. @internal */
export function* values<V>(self: Sorted<V>): Generator<V> {
  for (const chunk of self.chunks) for (const entry of chunk) yield entry[1]
}

/** The entries for which `keep` holds. @internal */
export const filter = <V>(self: Sorted<V>, keep: (value: V, key: string) => boolean): Sorted<V> => {
  const kept: Array<Entry<V>> = []
  for (const chunk of self.chunks) for (const entry of chunk) if (keep(entry[1], entry[0])) kept.push(entry)
  return { chunks: cut(kept), size: kept.length }
}
