/**
 * Small deterministic hashing. The data set and the fault schedule are pure functions of
 * `(seed, ...coordinates)`, so nothing has to be stored to reproduce account `i` of business `b` or
 * the decision taken for request `n`.
 *
 * @internal
 */

// The finaliser of MurmurHash3: good avalanche for 32-bit integers.
const fmix = (input: number): number => {
  let h = input | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** @internal */
export const hash = (seed: number, a: number, b = 0, c = 0): number => {
  let h = fmix(seed ^ Math.imul(a | 0, 0x9e3779b1))
  h = fmix(h ^ Math.imul(b | 0, 0x85ebca77))
  h = fmix(h + Math.imul(c | 0, 0xc2b2ae3d))
  return h
}

/** A number in [0, 1) derived from the hash inputs. @internal */
export const unit = (seed: number, a: number, b = 0, c = 0): number => hash(seed, a, b, c) / 4294967296

/** Picks one element of a non-empty list. @internal */
export const pick = <A>(list: ReadonlyArray<A>, h: number): A => list[h % list.length]!

/** FNV-1a: turns a textual seed into the 32-bit seed everything else uses. @internal */
export const seedOf = (seed: number | string): number => {
  if (typeof seed === "number") return fmix(Math.floor(seed) ^ 0x5bd1e995)
  let h = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Lower-case hexadecimal of a 32-bit hash, always 8 digits. @internal */
export const hex8 = (h: number): string => (h >>> 0).toString(16).padStart(8, "0")
