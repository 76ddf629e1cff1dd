/**
 * Graph's paging rules as plain functions: which cursor a `next` link continues with, when paging cannot go
 * on (a cursor seen before, a `next` without a cursor), the data checkpoint after a page, what of a page a
 * read passes on (each id once; what a resumed or locally filtered read lets through), and which refusal
 * means a stale cursor. `GraphRead` runs the
 * loop; these decide.
 *
 * @internal
 */
import type { LocalPredicate } from "./filterPlan.js"

/** Where a read stands in the data (see `GraphPaging.Checkpoint`). @internal */
export interface Checkpoint {
  readonly at?: number | undefined
  readonly ids: ReadonlyArray<string>
  readonly after?: string | undefined
}

/**
 * What a checkpoint may hold: a creation second up to the year 9999, at most 10,000 ids (of one second),
 * each a Graph id of 1 to 25 digits. Each line's `Checkpoint` Schema checks these.
 *
 * @internal
 */
export const checkpointBounds = { maxAt: 253_402_300_799, maxIds: 10_000, id: /^[0-9]{1,25}$/ } as const

/** The checkpoint a read resumed from a checkpoint starts with: its data, without its cursor. @internal */
export const seed = (
  resumeFrom: { readonly at: number; readonly ids: Iterable<string> } | undefined
): Checkpoint => resumeFrom === undefined ? { ids: [] } : { at: resumeFrom.at, ids: [...resumeFrom.ids] }

/** The longest cursor accepted. @internal */
export const maxCursorLength = 4096

/** A cursor as Graph returns it: non-empty, at most 4096 characters, no whitespace or control characters. @internal */
export const isCursor = (cursor: string): boolean =>
  // eslint-disable-next-line no-control-regex
  cursor.length > 0 && cursor.length <= maxCursorLength && !/[\s\u0000-\u001f\u007f]/.test(cursor)

/** The cursor a `next` link continues with (its `after` parameter), else `cursors.after`. @internal */
export const nextCursor = (next: string, after: string | undefined): string | undefined => {
  const query = next.indexOf("?")
  const fromLink = query === -1 ? null : new URLSearchParams(next.slice(query + 1)).get("after")
  return fromLink !== null && fromLink !== "" ? fromLink : after
}

/** Why paging cannot go on (the data of a `GraphPagingError`). @internal */
export interface Break {
  readonly reason: "CursorCycle" | "MissingCursor"
  readonly message: string
  readonly route: string
  readonly page: number
  readonly cycleLength?: number
}

/**
 * Why paging cannot go on after page `page`, whose `next` continues with `after`, given every cursor followed
 * so far with the page that followed it (0: the one the read started from); `undefined` when it can.
 *
 * @internal
 */
export const brokenPaging = (
  route: string,
  page: number,
  seen: ReadonlyMap<string, number>,
  after: string | undefined
): Break | undefined => {
  if (after === undefined) {
    const message = `${route} page ${page} has paging.next but no cursor to continue with.`
    return { reason: "MissingCursor", message, route, page }
  }
  const first = seen.get(after)
  if (first === undefined) return undefined
  const cycleLength = page - first
  const message = cycleLength <= 1
    ? `${route} page ${page} pointed next at the cursor it was fetched with; paging would never end.`
    : `${route} page ${page} pointed next at the cursor of page ${
      first + 1
    }: a cycle of ${cycleLength} pages; paging would never end.`
  return { reason: "CursorCycle", message, route, page, cycleLength }
}

type Item = Readonly<Record<string, unknown>>

/** A time as unix seconds: a `Date` (whole seconds), or a number as it is. @internal */
export const secondsOf = (value: unknown): number | undefined =>
  value instanceof Date ? Math.floor(value.getTime() / 1000) : typeof value === "number" ? value : undefined

/**
 * The checkpoint after a page: the last creation second reached (`field`), with every id delivered in it, and
 * the cursor, which continues cheaply while it is fresh (the data takes over when it is not). A read resumed
 * from a checkpoint starts from its {@link seed}: a page that ends in the same second adds to its ids (once
 * each, though a read resumed from the data meets them again), and an empty page keeps it.
 *
 * @internal
 */
export const advance = (
  field: string,
  checkpoint: Checkpoint,
  data: ReadonlyArray<Item>,
  after?: string
): Checkpoint => {
  const last = data.length === 0 ? undefined : secondsOf(data[data.length - 1]![field])
  const inLast = data.filter((item) => secondsOf(item[field]) === last).map((item) => String(item.id))
  const at = last ?? checkpoint.at
  const ids = last === undefined
    ? checkpoint.ids
    : last === checkpoint.at
    ? [...new Set([...checkpoint.ids, ...inLast])]
    : inLast
  return { ...(at !== undefined ? { at } : {}), ids, ...(after !== undefined ? { after } : {}) }
}

const idOf = (item: unknown): string | undefined => {
  const id = typeof item === "object" && item !== null ? (item as { readonly id?: unknown }).id : undefined
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : undefined
}

/**
 * The items a read has not passed on yet, their ids added to `delivered` (one set per read, kept from its first
 * page to its last): a server that sends an item again, on a later page or within one, must not make the
 * caller see it twice. The first arrival is the one kept, in its place. An item without an `id` always
 * passes: nothing tells it from another, and two alike may both be real. Memory grows with the read's ids, as
 * the fan-out's does with its accounts; checkpoints cannot serve, as they hold only the last second's ids.
 *
 * @internal
 */
export const dropRepeats = <A>(delivered: Set<string>, items: ReadonlyArray<A>): Array<A> =>
  items.filter((item) => {
    const id = idOf(item)
    if (id === undefined) return true
    if (delivered.has(id)) return false
    delivered.add(id)
    return true
  })

/** What {@link visible} needs of a read. @internal */
export interface Visibility {
  readonly checkpointField: string | undefined
  readonly local: ReadonlyArray<LocalPredicate>
  readonly resumeFrom: { readonly at: number; readonly ids: ReadonlySet<string> } | undefined
  readonly strip: ReadonlyArray<string>
}

/**
 * What the caller sees of a page's items: not what an earlier read delivered (resuming from a checkpoint),
 * only what the local clauses let through, without the fields requested for the client's use.
 *
 * @internal
 */
export const visible = <A extends Item>(
  { checkpointField, local, resumeFrom: from, strip }: Visibility,
  data: ReadonlyArray<A>
): Array<A> =>
  data.filter((item) => {
    const t = from === undefined || checkpointField === undefined ? undefined : secondsOf(item[checkpointField])
    const fresh = t === undefined || t > from!.at || (t === from!.at && !from!.ids.has(String(item.id)))
    return fresh && local.every((predicate) => predicate.test(item))
  }).map((item) =>
    strip.length === 0 ? item : Object.fromEntries(Object.entries(item).filter(([key]) => !strip.includes(key))) as A
  )

/**
 * Whether Graph refused a cursor as stale: 2642 "Invalid cursors values", or 100 "The After Cursor specified
 * exceeds the max limit...".
 *
 * @internal
 */
export const isStaleCursor = (code: unknown, message: string): boolean =>
  code === 2642 || (code === 100 && /cursor/i.test(message))
