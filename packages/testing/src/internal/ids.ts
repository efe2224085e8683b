/**
 * WorkOS-style object ids: a prefix and a 26-character Crockford base32 ULID
 * (10 characters of millisecond time, 16 of randomness). Ids made in the same
 * millisecond count upward, so ids sort in creation order, and the time in an
 * id is the object's `created_at`.
 *
 * @internal
 */
import type { Prng } from "./prng.js"

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const ulidShape = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** @internal */
export interface IdGenerator {
  /** A new id for an object created at `time` (epoch milliseconds). */
  readonly next: (prefix: string, time: number) => string
}

const codes = Array.from(alphabet, (char) => char.charCodeAt(0))

/** @internal */
export const make = (random: Prng): IdGenerator => {
  let lastTime = Number.NaN
  const digits: Array<number> = Array.from({ length: 16 }, () => 0)
  // Char codes of the 26 ULID characters; turned into a string in one call, as this runs
  // hundreds of thousands of times when generating data.
  const chars: Array<number> = Array.from({ length: 26 }, () => 0)
  return {
    next: (prefix, time) => {
      if (time === lastTime) {
        // Same millisecond: count up so the new id sorts after the previous one.
        let i = digits.length - 1
        while (i >= 0 && digits[i] === 31) digits[i--] = 0
        if (i >= 0) digits[i]!++
      } else {
        lastTime = time
        let rest = Math.max(0, Math.floor(time))
        for (let i = 9; i >= 0; i--) {
          chars[i] = codes[rest % 32]!
          rest = Math.floor(rest / 32)
        }
        for (let i = 0; i < digits.length; i++) digits[i] = random.int(32)
      }
      for (let i = 0; i < digits.length; i++) chars[10 + i] = codes[digits[i]!]!
      return prefix + String.fromCharCode.apply(null, chars)
    }
  }
}

/** The creation time encoded in an id, when it is a prefixed ULID. @internal */
export const timeOf = (id: string): number | undefined => {
  const ulid = id.slice(id.lastIndexOf("_") + 1)
  if (!ulidShape.test(ulid)) return undefined
  let time = 0
  for (let i = 0; i < 10; i++) time = time * 32 + alphabet.indexOf(ulid[i]!)
  return time
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, the timestamp shape the fake emits. @internal */
export const iso = (time: number): string => new Date(time).toISOString()
