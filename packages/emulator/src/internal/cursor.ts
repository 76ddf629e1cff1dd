/**
 * Opaque paging cursors. A cursor names the element it points at — its list, its `(time, id)` sort key and
 * the position it had when issued (a hint that usually saves the search) — plus the list's change count
 * then and a seeded check, so that an edited or invented cursor is refused as Graph refuses one.
 *
 * Naming the element rather than a position is what lets a cursor survive additions and deletions
 * elsewhere in the list: it goes stale only when its own element is deleted.
 *
 * @internal
 */
import { hash, hex8, seedOf } from "./hash.js"

/** @internal */
export interface Cursor {
  /** Which list, e.g. `o1234` (owned accounts of business 1234), `p5678` (phone numbers of account 5678). */
  readonly list: string
  readonly descending: boolean
  readonly time: number
  readonly num: number
  /** The element's position when the cursor was issued. */
  readonly hint: number
  readonly mutations: number
}

const check = (seed: number, body: string) => hex8(hash(seed, seedOf(body), 0xc0)).slice(0, 6)

/** @internal */
export const encode = (seed: number, c: Cursor): string => {
  const body = `${c.list}:${c.descending ? "d" : "a"}:${c.time}:${c.num}:${c.hint}:${c.mutations}`
  return Buffer.from(`${body}:${check(seed, body)}`, "utf8").toString("base64url")
}

const shape =
  /^([a-z][0-9]{1,20}):([ad]):(-?[0-9]{1,17}):(-?[0-9]{1,17}):(-?[0-9]{1,17}):(-?[0-9]{1,17}):([0-9a-f]{6})$/

/** @internal */
export const decode = (seed: number, text: string): Cursor | undefined => {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text) || text.length > 200) return undefined
  const parts = shape.exec(Buffer.from(text, "base64url").toString("utf8"))
  if (parts === null || check(seed, parts[0].slice(0, -7)) !== parts[7]) return undefined
  const [time, num, hint, mutations] = parts.slice(3, 7).map(Number) as [number, number, number, number]
  return { list: parts[1]!, descending: parts[2] === "d", time, num, hint, mutations }
}
