/**
 * Opaque paging cursors. A cursor names the element it points at — its list, `(time, id)` sort key and
 * the position it had when the cursor was issued (a hint that makes the common case O(1)) — plus the
 * list's mutation count at that moment and a seeded check, so that an edited or invented cursor is
 * refused as Graph refuses one.
 *
 * Pointing at an element rather than at a position is what makes a cursor survive additions and
 * deletions elsewhere in the list: it goes stale only when its own element is deleted.
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
  /** The element's ascending position when the cursor was issued. */
  readonly hint: number
  readonly mutations: number
}

const check = (seed: number, body: string) => hex8(hash(seed, seedOf(body), 0xc0)).slice(0, 6)

/** @internal */
export const encode = (seed: number, cursor: Cursor): string => {
  const body = `${cursor.list}:${
    cursor.descending ? "d" : "a"
  }:${cursor.time}:${cursor.num}:${cursor.hint}:${cursor.mutations}`
  return Buffer.from(`${body}:${check(seed, body)}`, "utf8").toString("base64url")
}

const listPattern = /^[a-z][0-9]{1,20}$/
const number = /^-?[0-9]{1,17}$/

/** @internal */
export const decode = (seed: number, text: string): Cursor | undefined => {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text) || text.length > 200) return undefined
  const parts = Buffer.from(text, "base64url").toString("utf8").split(":")
  if (parts.length !== 7) return undefined
  const [list, direction, time, num, hint, mutations, sum] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string
  ]
  if (
    !listPattern.test(list) || (direction !== "a" && direction !== "d") || !number.test(time) ||
    !number.test(num) || !number.test(hint) || !number.test(mutations)
  ) return undefined
  if (check(seed, parts.slice(0, 6).join(":")) !== sum) return undefined
  return {
    list,
    descending: direction === "d",
    time: Number(time),
    num: Number(num),
    hint: Number(hint),
    mutations: Number(mutations)
  }
}
