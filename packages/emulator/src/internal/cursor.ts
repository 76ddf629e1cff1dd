/**
 * Opaque paging cursors. A cursor is base64url of `business:generation:direction:position:check`, where
 * `position` is a boundary in the business's sorted list, `generation` is the list's mutation count when
 * the cursor was issued, and `check` is a seeded hash so that an edited or invented cursor is refused like
 * Graph refuses one.
 *
 * @internal
 */
import { hash, hex8, seedOf } from "./hash.js"

/** @internal */
export interface Cursor {
  readonly business: string
  readonly generation: number
  readonly descending: boolean
  readonly position: number
}

const check = (seed: number, body: string) => hex8(hash(seed, seedOf(body), 0xc0)).slice(0, 6)

/** @internal */
export const encode = (seed: number, cursor: Cursor): string => {
  const body = `${cursor.business}:${cursor.generation}:${cursor.descending ? "d" : "a"}:${cursor.position}`
  return Buffer.from(`${body}:${check(seed, body)}`, "utf8").toString("base64url")
}

/** @internal */
export const decode = (seed: number, text: string): Cursor | undefined => {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return undefined
  const parts = Buffer.from(text, "base64url").toString("utf8").split(":")
  if (parts.length !== 5) return undefined
  const [business, generation, direction, position, sum] = parts as [string, string, string, string, string]
  if (
    !/^[0-9]+$/.test(business) || !/^[0-9]+$/.test(generation) || !/^[0-9]+$/.test(position) ||
    (direction !== "a" && direction !== "d")
  ) return undefined
  if (check(seed, `${business}:${generation}:${direction}:${position}`) !== sum) return undefined
  return { business, generation: Number(generation), descending: direction === "d", position: Number(position) }
}
