/**
 * Serving the client's own declarations: one page of an edge, or a node. Everything is derived from the
 * `GraphEdge` / `GraphNode` value the client reads with: the selectable fields and expandable edges, the
 * documented filters (graph-core's `GraphFilter.parseWire`, evaluated with `GraphOperator.holds`), the
 * sorts, the page sizes, the cursors and the paging links. So the emulator accepts what the client may
 * send, by construction.
 *
 * @internal
 */
import type { GraphEdge } from "@effect-waba/graph-core"
import { GraphFields, GraphFilter, GraphOperator } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import * as Cursor from "./cursor.js"
import * as Fields from "./fields.js"
import * as GraphError from "./graphError.js"
import type { Item, ListView } from "./list.js"

/** A list an edge serves, in `(time, id)` order. @internal */
export interface Collection {
  /** Names the list in cursors: a lower-case letter and digits, e.g. `o1234`. */
  readonly key: string
  readonly view: ListView
  /** A field's wire value, `undefined` when absent. */
  readonly read: (item: Item, field: string) => unknown
  /** The list an expandable field of an item holds. */
  readonly expand: (item: Item, field: string) => Collection | undefined
  /** The field whose value is the list's sort time, if any: filters on it skip instead of scanning. */
  readonly sortedBy: string | undefined
}

/** One request, and the emulator's settings that shape the answer. @internal */
export interface Call {
  readonly url: URL
  /** The `vNN.N` of the path, kept by nested links. */
  readonly version: string | undefined
  readonly seed: number
  readonly defaultLimit: number | undefined
  readonly maxLimit: number
  readonly quirks: {
    readonly filterAfterPaging: boolean
    readonly ignoreUndocumentedFilters: boolean
    readonly staleCursors: "deleted-item" | "any-change"
    readonly creationTimeAsString: boolean
    readonly nullForAbsent: boolean
    readonly emptyExpansions: "omit" | "empty"
  }
}

/** An edge as served. @internal */
export const route = (
  edge: GraphEdge.Any,
  options: { readonly defaultSort?: string | undefined; readonly sortAliases?: boolean } = {}
) => ({
  edge,
  fields: Fields.parser(edge.node, edge.isField),
  defaultSort: options.defaultSort ?? edge.sorts[0],
  // Whether `x_ascending` and `x.asc` are both taken (where Meta's material disagrees on the format).
  sortAliases: options.sortAliases ?? false
})

/** @internal */
export type Route = ReturnType<typeof route>

type Result<A> = Either.Either<A, GraphError.GraphError>

const limitOf = (raw: string | null, fallback: number, max: number): Result<number> =>
  raw === null
    ? Either.right(Math.min(fallback, max))
    : /^\s*\d+\s*$/.test(raw) && Number(raw) >= 1
    // Graph caps page sizes rather than refusing large ones.
    ? Either.right(Math.min(Number(raw), max))
    : Either.left(GraphError.invalidParameter("param limit must be a positive integer"))

const isDescending = (sort: string | undefined) => sort !== undefined && /(_descending|\.desc)$/.test(sort)

const alias = (sort: string) =>
  /\.(asc|desc)$/.test(sort) ? sort.replace(/\.(asc|desc)$/, "_$1ending") : sort.replace(/_(asc|desc)ending$/, ".$1")

const sortOf = ({ defaultSort, edge, sortAliases }: Route, raw: string | null, call: Call) => {
  // Graph also takes a JSON array of sort keys; these edges sort by one key.
  const parsed = raw?.trim().startsWith("[") ? Either.getOrUndefined(Either.try(() => JSON.parse(raw))) : raw?.trim()
  const value: unknown = Array.isArray(parsed) ? parsed.length === 1 ? parsed[0] : undefined : parsed
  const sort =
    typeof value === "string" && (edge.sorts.includes(value) || (sortAliases && edge.sorts.includes(alias(value))))
      ? value
      : undefined
  return sort !== undefined || raw === null || call.quirks.ignoreUndocumentedFilters
    ? Either.right(isDescending(sort ?? defaultSort))
    : Either.left(GraphError.invalidParameter(
      edge.sorts.length === 0
        ? "param sort is not supported on this edge"
        : `param sort must be one of {${edge.sorts.join(", ")}}`
    ))
}

const cursorAt = ({ key, view }: Collection, call: Call, descending: boolean, position: number) => {
  const item = view.itemAt(position)
  const [time, num, mutations] = [view.time(item), Number(view.id(item)), view.mutations]
  return Cursor.encode(call.seed, { list: key, descending, time, num, hint: position, mutations })
}

// Where a cursor says to start (after) or end (before), counted in the request's sort order.
const boundary = (
  list: Collection,
  call: Call,
  descending: boolean,
  direction: "after" | "before",
  raw: string
): Result<number> => {
  const cursor = Cursor.decode(call.seed, raw)
  const { view } = list
  if (
    cursor === undefined || cursor.list !== list.key || cursor.descending !== descending ||
    (call.quirks.staleCursors === "any-change" && cursor.mutations !== view.mutations)
  ) return Either.left(GraphError.invalidCursor())
  const hinted = cursor.hint < view.size ? view.itemAt(cursor.hint) : undefined
  const position = hinted !== undefined && Number(view.id(hinted)) === cursor.num && view.time(hinted) === cursor.time
    ? cursor.hint
    : view.positionOf(String(cursor.num), cursor.time)
  if (position === undefined) {
    // The element was deleted: the cursor is stale. Past the end of what is left, Graph says so.
    const above = view.rank(cursor.time, cursor.num + 1)
    const beyond = descending ? above === 0 : above >= view.size
    return Either.left(beyond ? GraphError.cursorBeyondEnd(direction) : GraphError.invalidCursor())
  }
  const q = descending ? view.size - 1 - position : position
  return Either.right(direction === "after" ? q + 1 : q)
}

const project = (fields: ReadonlyArray<Fields.Field>, list: Collection, item: Item, call: Call) => {
  const out: Record<string, unknown> = {}
  for (const { expansion, name, sub } of fields) {
    const nested = expansion && list.expand(item, name)
    const value = expansion ? nested && expand(nested, expansion, list.view.id(item), call) : list.read(item, name)
    // Graph leaves absent values out; the null quirk sends them as null, which clients must read as absent.
    if (value === undefined) {
      if (call.quirks.nullForAbsent && !expansion && name !== "id") out[name] = null
    } else if (call.quirks.creationTimeAsString && name === "creation_time") out[name] = String(value)
    else out[name] = sub === undefined ? value : Fields.narrow(value, sub)
  }
  return out
}

// The first page of an expanded edge inside an item, with a `next` that continues it on the edge's own path.
const expand = (list: Collection, spec: Fields.Expansion, parentId: string, call: Call) => {
  const size = list.view.size
  const limit = Math.min(spec.limit ?? call.defaultLimit ?? spec.edge.defaultLimit, spec.edge.maxLimit)
  if (size === 0) return call.quirks.emptyExpansions === "omit" ? undefined : { data: [] }
  const data = Array.from(
    { length: Math.min(limit, size) },
    (_, p) => project(spec.fields, list, list.view.itemAt(p), call)
  )
  const cursors = { before: cursorAt(list, call, false, 0), after: cursorAt(list, call, false, data.length - 1) }
  if (size <= limit) return { data, paging: { cursors } }
  const next = new URL(`${call.version ? `/${call.version}` : ""}/${parentId}/${spec.edge.segment}`, call.url)
  const token = call.url.searchParams.get("access_token")
  if (token !== null) next.searchParams.set("access_token", token)
  if (spec.written !== undefined) next.searchParams.set("fields", GraphFields.render(spec.written))
  next.searchParams.set("limit", String(limit))
  next.searchParams.set("after", cursors.after)
  return { data, paging: { cursors, next: next.toString() } }
}

/**
 * The q positions (counted in the request's sort order) of one page. Faithful by default: filters select
 * first, and the page is cut from the matches. With `filterAfterPaging` (Graph's quirk) the page is cut from
 * the unfiltered list, then filtered, so it may be short or empty while more follow; its cursors point at
 * the window it was cut from.
 */
const cut = (
  size: number,
  keeps: (q: number) => boolean,
  runs: ReadonlyArray<readonly [number, number]> | undefined,
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
  // The next q from `q` on, in the direction of `step`, that the runs allow and the clauses keep.
  const find = (q: number, step: 1 | -1): number | undefined => {
    while (q >= 0 && q < size) {
      if (runs !== undefined) {
        const run = (step > 0 ? runs : [...runs].reverse()).find(([lo, hi]) => step > 0 ? hi > q : lo <= q)
        if (run === undefined) return undefined
        q = step > 0 ? Math.max(q, run[0]) : Math.min(q, run[1] - 1)
      }
      if (keeps(q)) return q
      q += step
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

// Clauses on the time the list is sorted by select runs of positions: a comparison with a value changes its
// truth only where the time crosses that value, so one element per stretch between crossings decides it.
const timeRuns = ({ sortedBy, view }: Collection, clauses: ReadonlyArray<GraphFilter.WireClause>) => {
  const timed = clauses.filter((clause) => clause.field === sortedBy)
  if (timed.length === 0) return undefined
  const cuts = [0, view.size]
  for (const x of timed.flatMap((clause) => [clause.value].flat()).map(Number)) {
    cuts.push(view.rank(Math.ceil(x), -Infinity), view.rank(Math.floor(x) + 1, -Infinity))
  }
  cuts.sort((a, b) => a - b)
  return cuts.slice(1).map((hi, k) => [cuts[k]!, hi] as const).filter(([lo, hi]) =>
    lo < hi && timed.every((clause) => GraphOperator.holds(clause.operator, view.time(view.itemAt(lo)), clause.value))
  )
}

const documented = (edge: GraphEdge.Any) =>
  Object.keys(edge.filters).filter((name) => edge.filters[name]!.pushdown.length > 0)

/** One page of an edge: `{ data, paging }`, or the Graph error a real call would get. @internal */
export const page = (route: Route, list: Collection, call: Call): Result<unknown> =>
  Either.gen(function*() {
    const { edge } = route
    const params = call.url.searchParams
    const fields = yield* route.fields(params.get("fields") ?? undefined)
    const filtering = params.get("filtering")
    const clauses = filtering === null ? [] : yield* Either.mapLeft(
      GraphFilter.parseWire(edge.filters, filtering, { acceptUndocumented: call.quirks.ignoreUndocumentedFilters }),
      (refusal) => GraphError.filteringRefused(refusal, documented(edge))
    )
    const descending = yield* sortOf(route, params.get("sort"), call)
    const max = Math.min(call.maxLimit, edge.maxLimit)
    const limit = yield* limitOf(params.get("limit"), call.defaultLimit ?? edge.defaultLimit, max)
    const [afterRaw, beforeRaw] = [params.get("after"), params.get("before")]
    if (afterRaw !== null && beforeRaw !== null) {
      return yield* Either.left(GraphError.invalidParameter("Cannot specify both after and before cursors"))
    }
    const after = afterRaw === null ? undefined : yield* boundary(list, call, descending, "after", afterRaw)
    const before = beforeRaw === null ? undefined : yield* boundary(list, call, descending, "before", beforeRaw)

    const { view } = list
    const size = view.size
    const ascending = (q: number) => descending ? size - 1 - q : q
    const runs = timeRuns(list, clauses)?.map(([lo, hi]) =>
      descending ? [size - hi, size - lo] as const : [lo, hi] as const
    )
    const keeps = (q: number) => {
      const item = view.itemAt(ascending(q))
      const value = (field: string) => list.read(item, field) as GraphOperator.Scalar | undefined
      return clauses.every((clause) => GraphOperator.holds(clause.operator, value(clause.field), clause.value))
    }
    const { filterAfterPaging } = call.quirks
    const page = cut(size, keeps, descending ? runs?.reverse() : runs, { limit, after, before, filterAfterPaging })
    const data = page.found.map((q) => project(fields, list, view.itemAt(ascending(q)), call))
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
export const node = (fields: ReturnType<typeof Fields.parser>, list: Collection, item: Item, call: Call) =>
  Either.map(
    fields(call.url.searchParams.get("fields") ?? undefined),
    (selected) => project(selected, list, item, call)
  )
