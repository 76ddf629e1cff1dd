/**
 * Cutting one page out of a business's list.
 *
 * Positions here ("q") count in the requested sort order: q = 0 is the oldest account when ascending and
 * the newest when descending. A page covers the q range [start, end); its `before` cursor is `start`, its
 * `after` cursor is `end`.
 *
 * Two modes:
 * - faithful-to-intent (default): filters select the list, then the page is cut from the matches, so a page
 *   is full unless it is the last, and `next` is present exactly when another match exists;
 * - `filterAfterPaging` (Graph's quirk): the page is cut from the unfiltered list, then filtered, so a page
 *   may be short or empty while `next` is present.
 *
 * Time filters (on the field the list is sorted by) never cost a scan: the allowed times are intervals, and the scan jumps over a
 * gap between intervals with one binary search.
 *
 * @internal
 */
import type { Item, ListView } from "./list.js"

/** An inclusive range of times; `-Infinity` / `Infinity` leave an end open. @internal */
export type Interval = readonly [number, number]

/** @internal */
export interface PageRequest {
  readonly view: ListView
  readonly descending: boolean
  /** Allowed times as sorted, disjoint intervals; `undefined` when unconstrained. */
  readonly intervals: ReadonlyArray<Interval> | undefined
  /** Every other clause. */
  readonly keeps: (item: Item) => boolean
  readonly limit: number
  /** Start after this boundary (inclusive start position). */
  readonly after?: number | undefined
  /** End before this boundary (exclusive end position). */
  readonly before?: number | undefined
  readonly filterAfterPaging: boolean
}

const allows = (intervals: ReadonlyArray<Interval> | undefined, time: number): boolean => {
  if (intervals === undefined) return true
  for (const [lo, hi] of intervals) {
    if (time < lo) return false
    if (time <= hi) return true
  }
  return false
}

/** @internal */
export interface Page {
  readonly items: ReadonlyArray<Item>
  /** Cursor boundaries; absent when the page has nothing to point at. */
  readonly start: number | undefined
  readonly end: number | undefined
  readonly hasNext: boolean
  readonly hasPrevious: boolean
}

/** @internal */
export const cut = (request: PageRequest): Page => {
  const { descending, intervals, keeps, limit, view } = request
  const size = view.size
  const toAsc = (q: number) => descending ? size - 1 - q : q
  const itemAtQ = (q: number) => view.itemAt(toAsc(q))
  const keepsTime = (item: Item) => allows(intervals, view.timeOf(item))

  if (request.filterAfterPaging) {
    const start = request.before !== undefined ? Math.max(0, request.before - limit) : (request.after ?? 0)
    const end = request.before !== undefined ? request.before : Math.min(size, start + limit)
    const items: Array<Item> = []
    for (let q = start; q < end; q++) {
      const item = itemAtQ(q)
      if (keepsTime(item) && keeps(item)) items.push(item)
    }
    if (size === 0) return { items, start: undefined, end: undefined, hasNext: false, hasPrevious: false }
    return { items, start, end, hasNext: end < size, hasPrevious: start > 0 }
  }

  // The first ascending position >= p whose time is allowed (size if none).
  const nextAllowedAsc = (p: number): number => {
    if (intervals === undefined) return p
    while (p < size) {
      const t = view.timeAt(p)
      const interval = intervals.find(([, hi]) => hi >= t)
      if (interval === undefined) return size
      if (interval[0] <= t) return p
      p = view.lowerBound(interval[0])
    }
    return size
  }
  // The last ascending position <= p whose time is allowed (-1 if none).
  const previousAllowedAsc = (p: number): number => {
    if (intervals === undefined) return p
    while (p >= 0) {
      const t = view.timeAt(p)
      let interval: Interval | undefined
      for (let i = intervals.length - 1; i >= 0; i--) {
        if (intervals[i]![0] <= t) {
          interval = intervals[i]
          break
        }
      }
      if (interval === undefined) return -1
      if (t <= interval[1]) return p
      p = view.lowerBound(interval[1] + 1) - 1
    }
    return -1
  }
  // In q order: the first q >= from (resp. last q <= from) whose time is allowed.
  const forward = (from: number): number => {
    if (from >= size) return size
    return descending ? size - 1 - previousAllowedAsc(size - 1 - from) : nextAllowedAsc(from)
  }
  const backward = (from: number): number => {
    if (from < 0) return -1
    return descending ? size - 1 - nextAllowedAsc(size - 1 - from) : previousAllowedAsc(from)
  }
  const findForward = (from: number): number | undefined => {
    for (let q = forward(from); q < size; q = forward(q + 1)) {
      if (keeps(itemAtQ(q))) return q
    }
    return undefined
  }
  const findBackward = (from: number): number | undefined => {
    for (let q = backward(from); q >= 0; q = backward(q - 1)) {
      if (keeps(itemAtQ(q))) return q
    }
    return undefined
  }

  if (request.before !== undefined) {
    const found: Array<number> = []
    let q = request.before - 1
    while (found.length < limit) {
      const hit = findBackward(q)
      if (hit === undefined) break
      found.push(hit)
      q = hit - 1
    }
    found.reverse()
    const first = found[0]
    const last = found[found.length - 1]
    return {
      items: found.map(itemAtQ),
      start: first,
      end: last === undefined ? undefined : last + 1,
      hasPrevious: first !== undefined && found.length === limit && findBackward(first - 1) !== undefined,
      hasNext: findForward(request.before) !== undefined
    }
  }

  const from = request.after ?? 0
  const found: Array<number> = []
  let q = from
  while (found.length < limit) {
    const hit = findForward(q)
    if (hit === undefined) break
    found.push(hit)
    q = hit + 1
  }
  const first = found[0]
  const last = found[found.length - 1]
  return {
    items: found.map(itemAtQ),
    start: first,
    end: last === undefined ? undefined : last + 1,
    hasNext: last !== undefined && found.length === limit && findForward(last + 1) !== undefined,
    hasPrevious: findBackward(from - 1) !== undefined
  }
}
