/**
 * Serving the client's own declarations: one page of an edge, or a node. Everything is derived from the
 * `GraphEdge` / `GraphNode` value the client reads with: the selectable fields and expandable edges, the
 * documented filters (graph-core's `GraphFilter.parseWire`, evaluated with `GraphOperator.holds`), the
 * sorts, the page sizes, the cursors and the paging links. So the emulator accepts what the client may
 * send, by construction.
 *
 * @internal
 */
import type { GraphEdge, GraphNode } from "@effect-waba/graph-core"
import { GraphFields, GraphFilter, GraphOperator } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import * as Cursor from "./cursor.js"
import * as Fields from "./fields.js"
import * as GraphError from "./graphError.js"
import type { Item, List } from "./list.js"

/** One request, and the emulator's settings that shape the answer. @internal */
export interface Call {
  readonly url: URL
  /** The `vNN.N` of the path, kept by nested links. */
  readonly version: string | undefined
  readonly seed: number
  /** The quirks in force that shape a page (see `Emulator.QuirkOptions`). */
  readonly quirks: {
    readonly filterAfterPaging: boolean
    readonly ignoreUndocumentedFilters: boolean
    readonly staleCursors: "deleted-item" | "any-change"
    readonly creationTimeAsString: boolean
    readonly nullForAbsent: boolean
    readonly emptyExpansions: "omit" | "empty"
  }
}

type Result<A> = Either.Either<A, GraphError.GraphError>

const limitOf = (raw: string | null, edge: GraphEdge.Any): Result<number> =>
  raw === null
    ? Either.right(Math.min(edge.defaultLimit, edge.maxLimit))
    : /^\s*\d+\s*$/.test(raw) && Number(raw) >= 1
    // Graph caps page sizes rather than refusing large ones.
    ? Either.right(Math.min(Number(raw), edge.maxLimit))
    : Either.left(GraphError.invalidParameter("param limit must be a positive integer"))

// Meta's material writes some edges' sorts `x.asc`, others `x_ascending`; where an edge declares the dotted
// form, the other is taken too (whether Graph does is not known).
const dotted = (sort: string) => sort.replace(/_(asc|desc)ending$/, ".$1")

/** Whether the request's order is descending (the edge's first sort, ascending, when `sort` is absent). */
const sortOf = (edge: GraphEdge.Any, raw: string | null, call: Call): Result<boolean> => {
  // Graph also takes a JSON array of sort keys; these edges sort by one key.
  const parsed = raw?.trim().startsWith("[") ? Either.getOrUndefined(Either.try(() => JSON.parse(raw))) : raw?.trim()
  const value: unknown = Array.isArray(parsed) ? parsed.length === 1 ? parsed[0] : undefined : parsed
  const sort = typeof value === "string" && (edge.sorts.includes(value) || edge.sorts.includes(dotted(value)))
    ? value
    : undefined
  return sort !== undefined || raw === null || call.quirks.ignoreUndocumentedFilters
    ? Either.right(sort !== undefined && /(_descending|\.desc)$/.test(sort))
    : Either.left(GraphError.invalidParameter(
      edge.sorts.length === 0
        ? "param sort is not supported on this edge"
        : `param sort must be one of {${edge.sorts.join(", ")}}`
    ))
}

const cursorAt = (list: List, call: Call, descending: boolean, position: number) => {
  const item = list.itemAt(position)
  const [time, num, mutations] = [list.time(item), Number(list.id(item)), list.mutations]
  return Cursor.encode(call.seed, { list: list.key, descending, time, num, hint: position, mutations })
}

// Where a cursor says to start (after) or end (before), counted in the request's sort order.
const boundary = (
  list: List,
  call: Call,
  descending: boolean,
  direction: "after" | "before",
  raw: string
): Result<number> => {
  const cursor = Cursor.decode(call.seed, raw)
  if (
    cursor === undefined || cursor.list !== list.key || cursor.descending !== descending ||
    (call.quirks.staleCursors === "any-change" && cursor.mutations !== list.mutations)
  ) return Either.left(GraphError.invalidCursor())
  const hinted = cursor.hint < list.size ? list.itemAt(cursor.hint) : undefined
  const position = hinted !== undefined && Number(list.id(hinted)) === cursor.num && list.time(hinted) === cursor.time
    ? cursor.hint
    : list.find(String(cursor.num)) !== undefined
    ? list.rank(cursor.time, cursor.num)
    : undefined
  if (position === undefined) {
    // The element was deleted: the cursor is stale. Past the end of what is left, Graph says so.
    const above = list.rank(cursor.time, cursor.num + 1)
    const beyond = descending ? above === 0 : above >= list.size
    return Either.left(beyond ? GraphError.cursorBeyondEnd(direction) : GraphError.invalidCursor())
  }
  const q = descending ? list.size - 1 - position : position
  return Either.right(direction === "after" ? q + 1 : q)
}

const project = (fields: ReadonlyArray<Fields.Field>, list: List, item: Item, call: Call) => {
  const out: Record<string, unknown> = {}
  for (const { expansion, name, sub } of fields) {
    const nested = expansion && list.expand(item, name)
    const value = expansion ? nested && expand(nested, expansion, list.id(item), call) : list.read(item, name)
    // Graph leaves absent values out; the null quirk sends them as null, which clients must read as absent.
    if (value === undefined) {
      if (call.quirks.nullForAbsent && !expansion && name !== "id") out[name] = null
    } else if (call.quirks.creationTimeAsString && name === "creation_time") out[name] = String(value)
    else out[name] = sub === undefined ? value : Fields.narrow(value, sub)
  }
  return out
}

// An expanded edge inside an item is the first page of a read of the edge's own path, which its `next`
// continues.
const expand = (list: List, spec: Fields.Expansion, parentId: string, call: Call) => {
  if (list.size === 0) return call.quirks.emptyExpansions === "omit" ? undefined : { data: [] }
  const url = new URL(`${call.version ? `/${call.version}` : ""}/${parentId}/${spec.edge.segment}`, call.url)
  const token = call.url.searchParams.get("access_token")
  if (token !== null) url.searchParams.set("access_token", token)
  if (spec.written !== undefined) url.searchParams.set("fields", GraphFields.render(spec.written))
  if (spec.limit !== undefined) url.searchParams.set("limit", String(spec.limit))
  // The nested fields and limit were checked with the item's: this read cannot be refused.
  return Either.getOrThrow(page(spec.edge, list, { ...call, url }))
}

/**
 * The q positions (counted in the request's sort order) of one page. Faithful by default: filters select
 * first, and the page is cut from the matches, looking only within `bounds`. With `filterAfterPaging`
 * (Graph's quirk) the page is cut from the unfiltered list, then filtered, so it may be short or empty while
 * more follow; its cursors point at the window it was cut from.
 */
const cut = (
  size: number,
  keeps: (q: number) => boolean,
  [lo, hi]: readonly [number, number],
  { after, before, filterAfterPaging, limit }: {
    readonly limit: number
    readonly after: number | undefined
    readonly before: number | undefined
    readonly filterAfterPaging: boolean
  }
) => {
  if (filterAfterPaging) {
    const start = before !== undefined ? Math.max(0, before - limit) : (after ?? 0)
    const end = before ?? Math.min(size, start + limit)
    const found = Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k).filter(keeps)
    return {
      found,
      window: size === 0 ? undefined : [start, end] as const,
      hasNext: end < size,
      hasPrevious: start > 0
    }
  }
  // The first q from `from` on, in the direction of `step`, that the clauses keep.
  const find = (from: number, step: 1 | -1): number | undefined => {
    for (let q = step > 0 ? Math.max(from, lo) : Math.min(from, hi - 1); q >= lo && q < hi; q += step) {
      if (keeps(q)) return q
    }
    return undefined
  }
  const found: Array<number> = []
  let q = before !== undefined ? find(before - 1, -1) : find(after ?? 0, 1)
  for (; q !== undefined && found.length < limit; q = before !== undefined ? find(q - 1, -1) : find(q + 1, 1)) {
    found.push(q)
  }
  if (before !== undefined) found.reverse()
  const window = found.length === 0 ? undefined : [found[0]!, found[found.length - 1]! + 1] as const
  // The search that ended the loop found the next match past a full page, if there is one.
  return before !== undefined
    ? { found, window, hasPrevious: q !== undefined, hasNext: find(before, 1) !== undefined }
    : { found, window, hasNext: q !== undefined, hasPrevious: find((after ?? 0) - 1, -1) !== undefined }
}

// The stretch of positions that clauses on the list's time can hold on: a comparison with a value changes its
// truth only where the time crosses that value, so one element per stretch between crossings decides it.
const timeBounds = (list: List, clauses: ReadonlyArray<GraphFilter.WireClause>): readonly [number, number] => {
  const timed = clauses.filter((clause) => clause.field === list.source.timeField)
  const cuts = [0, list.size]
  for (const x of timed.flatMap((clause) => [clause.value].flat()).map(Number)) {
    cuts.push(list.rank(Math.ceil(x), -Infinity), list.rank(Math.floor(x) + 1, -Infinity))
  }
  cuts.sort((a, b) => a - b)
  const runs = cuts.slice(1).map((hi, k) => [cuts[k]!, hi] as const).filter(([lo, hi]) =>
    lo < hi && timed.every((clause) => GraphOperator.holds(clause.operator, list.time(list.itemAt(lo)), clause.value))
  )
  return runs.length === 0 ? [0, 0] : [runs[0]![0], runs[runs.length - 1]![1]]
}

const documented = (edge: GraphEdge.Any) =>
  Object.keys(edge.filters).filter((name) => edge.filters[name]!.pushdown.length > 0)

/** One page of an edge: `{ data, paging }`, or the Graph error a real call would get. @internal */
export const page = (edge: GraphEdge.Any, list: List, call: Call): Result<unknown> =>
  Either.gen(function*() {
    const params = call.url.searchParams
    const fields = yield* Fields.parse(edge.node, params.get("fields") ?? undefined, edge.isField)
    const filtering = params.get("filtering")
    const clauses = filtering === null ? [] : yield* Either.mapLeft(
      GraphFilter.parseWire(edge.filters, filtering, { acceptUndocumented: call.quirks.ignoreUndocumentedFilters }),
      (refusal) => GraphError.filteringRefused(refusal, documented(edge))
    )
    const descending = yield* sortOf(edge, params.get("sort"), call)
    const limit = yield* limitOf(params.get("limit"), edge)
    const [afterRaw, beforeRaw] = [params.get("after"), params.get("before")]
    if (afterRaw !== null && beforeRaw !== null) {
      return yield* Either.left(GraphError.invalidParameter("Cannot specify both after and before cursors"))
    }
    const after = afterRaw === null ? undefined : yield* boundary(list, call, descending, "after", afterRaw)
    const before = beforeRaw === null ? undefined : yield* boundary(list, call, descending, "before", beforeRaw)

    const size = list.size
    const ascending = (q: number) => descending ? size - 1 - q : q
    const keeps = (q: number) => {
      const item = list.itemAt(ascending(q))
      const value = (field: string) => list.read(item, field) as GraphOperator.Scalar | undefined
      return clauses.every((clause) => GraphOperator.holds(clause.operator, value(clause.field), clause.value))
    }
    const [lo, hi] = timeBounds(list, clauses)
    const bounds = descending ? [size - hi, size - lo] as const : [lo, hi] as const
    const { filterAfterPaging } = call.quirks
    const page = cut(size, keeps, bounds, { limit, after, before, filterAfterPaging })
    const data = page.found.map((q) => project(fields, list, list.itemAt(ascending(q)), call))
    if (page.window === undefined) return { data }
    const link = (direction: "after" | "before", cursor: string) => {
      const next = new URL(call.url.pathname, call.url)
      for (const [key, value] of params) {
        // Graph never echoes the proof (a client must re-apply it on every page), nor the old cursor.
        if (!["appsecret_proof", "appsecret_time", "after", "before", "limit"].includes(key)) {
          next.searchParams.append(key, value)
        }
      }
      next.searchParams.set("limit", String(limit))
      next.searchParams.set(direction, cursor)
      return next.toString()
    }
    const first = cursorAt(list, call, descending, ascending(page.window[0]))
    const last = cursorAt(list, call, descending, ascending(page.window[1] - 1))
    return {
      data,
      paging: {
        cursors: { before: first, after: last },
        ...(page.hasPrevious ? { previous: link("before", first) } : {}),
        ...(page.hasNext ? { next: link("after", last) } : {})
      }
    }
  })

/** A node read: the node's selected fields, with expanded edges. @internal */
export const node = (node: GraphNode.Any, list: List, item: Item, call: Call) =>
  Either.map(
    Fields.parse(node, call.url.searchParams.get("fields") ?? undefined),
    (selected) => project(selected, list, item, call)
  )
