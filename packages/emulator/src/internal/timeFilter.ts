/**
 * Clauses on the time a list is sorted by (`creation_time` of accounts), turned into the intervals of
 * allowed times, so that a filtered read jumps over the gaps with a binary search instead of scanning.
 * Every clause `GraphFilter.parseWire` accepts on a time field has an interval form.
 *
 * @internal
 */
import type { GraphFilter } from "@effect-waba/graph-core"
import type { Interval } from "./paging.js"

const everything: ReadonlyArray<Interval> = [[-Infinity, Infinity]]

// Keeps only the parts of `a` that are also in `b`. Both are sorted and disjoint.
const intersect = (a: ReadonlyArray<Interval>, b: ReadonlyArray<Interval>): ReadonlyArray<Interval> => {
  const out: Array<Interval> = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0])
    const hi = Math.min(a[i]![1], b[j]![1])
    if (lo <= hi) out.push([lo, hi])
    if (a[i]![1] < b[j]![1]) i++
    else j++
  }
  return out
}

const seconds = (value: unknown): number => Number(value)

const intervalsOf = (clause: GraphFilter.WireClause): ReadonlyArray<Interval> | undefined => {
  const { operator, value } = clause
  if (operator === "IN_RANGE" || operator === "NOT_IN_RANGE") {
    const [lo, hi] = (value as ReadonlyArray<unknown>).map(seconds) as [number, number]
    // Times are whole seconds, so fractional bounds round inwards.
    const range: Interval = [Math.ceil(lo), Math.floor(hi)]
    if (operator === "IN_RANGE") return range[0] <= range[1] ? [range] : []
    return range[0] <= range[1] ? [[-Infinity, range[0] - 1], [range[1] + 1, Infinity]] : everything
  }
  const t = seconds(value)
  switch (operator) {
    case "EQUAL":
      return Number.isInteger(t) ? [[t, t]] : []
    case "NOT_EQUAL":
      return Number.isInteger(t) ? [[-Infinity, t - 1], [t + 1, Infinity]] : everything
    case "GREATER_THAN":
      return [[Math.floor(t) + 1, Infinity]]
    case "GREATER_THAN_OR_EQUAL":
      return [[Math.ceil(t), Infinity]]
    case "LESS_THAN":
      return [[-Infinity, Math.ceil(t) - 1]]
    case "LESS_THAN_OR_EQUAL":
      return [[-Infinity, Math.floor(t)]]
    default:
      return undefined
  }
}

/**
 * Splits clauses into the intervals of `timeField` they allow and the clauses left to test per item.
 *
 * @internal
 */
export const split = (
  clauses: ReadonlyArray<GraphFilter.WireClause>,
  timeField: string | undefined
): {
  readonly intervals: ReadonlyArray<Interval> | undefined
  readonly rest: ReadonlyArray<GraphFilter.WireClause>
} => {
  let intervals: ReadonlyArray<Interval> | undefined
  const rest: Array<GraphFilter.WireClause> = []
  for (const clause of clauses) {
    const allowed = clause.field === timeField ? intervalsOf(clause) : undefined
    if (allowed === undefined) rest.push(clause)
    else intervals = intersect(intervals ?? everything, allowed)
  }
  return { intervals, rest }
}
