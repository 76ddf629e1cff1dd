/**
 * Serving the client's own declarations. An edge is registered with the `GraphEdge` value the client
 * reads it with, and a function that finds its list for a parent object:
 *
 * ```ts
 * EmulatorEdges.serve(OwnedAccounts.edge, (world, parent) => parent._tag === "Business" ? world.owned(parent.business) : undefined)
 * ```
 *
 * One generic handler derives everything else from the declaration: which fields may be selected (the
 * item's fields, the node's default fields, the edges expandable inside it, each worded as Graph words a
 * refusal), which filters are accepted (`GraphFilter.parseWire` on the edge's documented operators), the
 * sorts, the page sizes, the cursors and the paging links. Node reads (`GET /{waba-id}`) work the same way
 * from a `GraphNode`. So the emulator accepts exactly what the client may send, by construction.
 *
 * @since 0.2.0
 */
import type { GraphEdge, GraphNode } from "@effect-waba/graph-core"
import { GraphFields, GraphFilter } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import type * as Dataset from "./Dataset.js"
import * as GraphError from "./GraphError.js"
import * as Cursor from "./internal/cursor.js"
import type { Item, ListView } from "./internal/list.js"
import * as Paging from "./internal/paging.js"
import * as Select from "./internal/select.js"
import * as TimeFilter from "./internal/timeFilter.js"
import type { AccountRef, World } from "./internal/world.js"

/**
 * A list an edge serves: its elements in `(time, id)` order, how to read a field of one (its wire value,
 * `undefined` when absent), and the lists expandable inside an element.
 *
 * @since 0.2.0
 * @category models
 */
export interface Collection {
  /** Names the list in cursors: a lower-case letter and digits, e.g. `o1234`. */
  readonly key: string
  readonly view: ListView
  readonly read: (item: Item, field: string) => unknown
  readonly expand: (item: Item, field: string) => Collection | undefined
  /** The wire field whose value is the list's sort time; range filters on it jump instead of scanning. */
  readonly timeField: string | undefined
}

/**
 * One node a node read serves.
 *
 * @since 0.2.0
 * @category models
 */
export interface Single {
  readonly read: (field: string) => unknown
  readonly expand: (field: string) => Collection | undefined
}

/**
 * What a path's id names.
 *
 * @since 0.2.0
 * @category models
 */
export type Parent =
  | { readonly _tag: "Business"; readonly business: Dataset.Business }
  | { readonly _tag: "Account"; readonly account: AccountRef }

/**
 * A registered edge.
 *
 * @since 0.2.0
 * @category models
 */
export interface EdgeRoute {
  readonly _tag: "EdgeRoute"
  readonly edge: GraphEdge.Any
  /** The list for a parent, or `undefined` when this edge does not hang off that kind of object. */
  readonly resolve: (world: World, parent: Parent) => Collection | undefined
  readonly select: (raw: string | undefined) => Either.Either<ReadonlyArray<Select.Field>, GraphError.GraphError>
  /** The sort used when `sort` is absent. */
  readonly defaultSort: string | undefined
  /** Whether `x_ascending` and `x.asc` are both accepted (where Meta's material disagrees on the format). */
  readonly sortAliases: boolean
}

/**
 * A registered node read.
 *
 * @since 0.2.0
 * @category models
 */
export interface NodeRoute {
  readonly _tag: "NodeRoute"
  readonly node: GraphNode.Any
  readonly resolve: (world: World, parent: Parent) => Single | undefined
  readonly select: (raw: string | undefined) => Either.Either<ReadonlyArray<Select.Field>, GraphError.GraphError>
}

/**
 * Registers an edge from its declaration.
 *
 * @since 0.2.0
 * @category constructors
 */
export const serve = (
  edge: GraphEdge.Any,
  resolve: (world: World, parent: Parent) => Collection | undefined,
  options?: {
    readonly defaultSort?: string | undefined
    readonly sortAliases?: boolean | undefined
  }
): EdgeRoute => ({
  _tag: "EdgeRoute",
  edge,
  resolve,
  select: Select.parser(Select.ofEdge(edge)),
  defaultSort: options?.defaultSort ?? edge.sorts[0],
  sortAliases: options?.sortAliases ?? false
})

/**
 * Registers a node read from its declaration.
 *
 * @since 0.2.0
 * @category constructors
 */
export const node = (
  declaration: GraphNode.Any,
  resolve: (world: World, parent: Parent) => Single | undefined
): NodeRoute => ({
  _tag: "NodeRoute",
  node: declaration,
  resolve,
  select: Select.parser({
    typeName: declaration.name,
    isField: declaration.isField,
    defaultFields: declaration.defaultFields,
    expandable: declaration.expandable
  })
})

/**
 * How the generic handler behaves; the emulator's quirks and limits.
 *
 * @since 0.2.0
 * @category models
 */
export interface Behaviour {
  readonly seed: number
  readonly defaultLimit: number | undefined
  readonly maxLimit: number
  readonly filterAfterPaging: boolean
  readonly acceptUndocumented: boolean
  readonly staleCursors: "deleted-item" | "any-change"
  readonly creationTimeAsString: boolean
  readonly nullForAbsent: boolean
  readonly emptyExpansions: "omit" | "empty"
  /** Overrides a route's default sort for the edge with this name. */
  readonly defaultSorts: Readonly<Record<string, string>>
}

/**
 * One request as the handler needs it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Call {
  readonly url: URL
  /** `/v23.0` or `""`: the prefix nested links keep. */
  readonly versionPrefix: string
}

type Result = Either.Either<unknown, GraphError.GraphError>

const fail = (error: GraphError.GraphError): Result => Either.left(error)

const limitOf = (raw: string | null, fallback: number, max: number): Either.Either<number, GraphError.GraphError> => {
  if (raw === null) return Either.right(Math.min(fallback, max))
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1) {
    return Either.left(GraphError.invalidParameter("param limit must be a positive integer"))
  }
  // Graph caps page sizes rather than refusing large ones.
  return Either.right(Math.min(Number(raw), max))
}

const aliasOf = (sort: string): string | undefined => {
  const dotted = /^(.+)\.(asc|desc)$/.exec(sort)
  if (dotted !== null) return `${dotted[1]}_${dotted[2] === "asc" ? "ascending" : "descending"}`
  const worded = /^(.+)_(ascending|descending)$/.exec(sort)
  if (worded !== null) return `${worded[1]}.${worded[2] === "ascending" ? "asc" : "desc"}`
  return undefined
}

const isDescending = (sort: string) => /(_descending|\.desc)$/.test(sort)

const sortOf = (
  route: EdgeRoute,
  raw: string | null,
  behaviour: Behaviour
): Either.Either<boolean, GraphError.GraphError> => {
  const fallback = behaviour.defaultSorts[route.edge.name] ?? route.defaultSort
  if (raw === null) return Either.right(fallback !== undefined && isDescending(fallback))
  let value: unknown = raw.trim()
  // Graph also takes a JSON array of sort keys; these edges sort by one key.
  if (typeof value === "string" && value.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value)
      value = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined
    } catch {
      value = undefined
    }
  }
  const sorts = route.edge.sorts
  if (typeof value === "string") {
    const alias = aliasOf(value)
    if (sorts.includes(value) || (route.sortAliases && alias !== undefined && sorts.includes(alias))) {
      return Either.right(isDescending(value))
    }
  }
  if (behaviour.acceptUndocumented) return Either.right(fallback !== undefined && isDescending(fallback))
  return Either.left(
    GraphError.invalidParameter(
      sorts.length === 0
        ? "param sort is not supported on this edge"
        : `param sort must be one of {${sorts.join(", ")}}`
    )
  )
}

const project = (
  fields: ReadonlyArray<Select.Field>,
  read: (field: string) => unknown,
  expand: (field: string) => Collection | undefined,
  parentId: () => string,
  call: Call,
  behaviour: Behaviour
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.expansion !== undefined) {
      const nested = expand(field.name)
      if (nested === undefined) continue
      const connection = expansion(nested, field.expansion, parentId(), call, behaviour)
      if (connection !== undefined) out[field.name] = connection
      continue
    }
    let value = read(field.name)
    if (value === undefined) {
      // Graph leaves absent values out; the null quirk sends them as null, which clients must read as absent.
      if (behaviour.nullForAbsent && field.name !== "id") out[field.name] = null
      continue
    }
    if (field.sub !== undefined) value = Select.narrow(value, field.sub)
    if (behaviour.creationTimeAsString && field.name === "creation_time") value = String(value)
    out[field.name] = value
  }
  return out
}

const cursorOf = (collection: Collection, behaviour: Behaviour, descending: boolean, position: number): string => {
  const view = collection.view
  const item = view.itemAt(position)
  return Cursor.encode(behaviour.seed, {
    list: collection.key,
    descending,
    time: view.timeOf(item),
    num: view.numOf(item),
    hint: position,
    mutations: view.mutations
  })
}

// The first page of an expanded edge inside an item, with a `next` that continues it on the edge's own path.
const expansion = (
  collection: Collection,
  spec: Select.Expansion,
  parentId: string,
  call: Call,
  behaviour: Behaviour
): unknown => {
  const view = collection.view
  const limit = Math.min(spec.limit ?? behaviour.defaultLimit ?? spec.edge.defaultLimit, spec.edge.maxLimit)
  const page = Paging.cut({
    view,
    descending: false,
    intervals: undefined,
    keeps: () => true,
    limit,
    filterAfterPaging: false
  })
  if (page.items.length === 0 && behaviour.emptyExpansions === "omit") return undefined
  const data = page.items.map((item) =>
    project(
      spec.fields,
      (field) => collection.read(item, field),
      (field) => collection.expand(item, field),
      () => view.idOf(item),
      call,
      behaviour
    )
  )
  if (page.start === undefined || page.end === undefined) return { data }
  const after = cursorOf(collection, behaviour, false, page.end - 1)
  const paging: Record<string, unknown> = {
    cursors: { before: cursorOf(collection, behaviour, false, page.start), after }
  }
  if (page.hasNext) {
    const next = new URL(`${call.versionPrefix}/${parentId}/${spec.edge.segment}`, call.url.origin)
    const token = call.url.searchParams.get("access_token")
    if (token !== null) next.searchParams.set("access_token", token)
    if (spec.written !== undefined) next.searchParams.set("fields", GraphFields.render(spec.written))
    next.searchParams.set("limit", String(limit))
    next.searchParams.set("after", after)
    paging.next = next.toString()
  }
  return { data, paging }
}

// Where a cursor says to start (after) or end (before), in the request's sort order.
const boundary = (
  collection: Collection,
  behaviour: Behaviour,
  descending: boolean,
  direction: "after" | "before",
  raw: string
): Either.Either<number, GraphError.GraphError> => {
  const cursor = Cursor.decode(behaviour.seed, raw)
  const view = collection.view
  if (cursor === undefined || cursor.list !== collection.key || cursor.descending !== descending) {
    return Either.left(GraphError.invalidCursor())
  }
  if (behaviour.staleCursors === "any-change" && cursor.mutations !== view.mutations) {
    return Either.left(GraphError.invalidCursor())
  }
  const size = view.size
  let position: number | undefined
  if (cursor.hint < size) {
    const item = view.itemAt(cursor.hint)
    if (view.numOf(item) === cursor.num && view.timeOf(item) === cursor.time) position = cursor.hint
  }
  position ??= view.positionOf(String(cursor.num), cursor.time)
  if (position === undefined) {
    // The element the cursor points at was deleted: the cursor is stale. Past the end of what is left,
    // Graph words it as a cursor beyond the result set.
    const above = view.positionAfter(cursor.time, cursor.num)
    const beyond = descending ? above === 0 : above >= size
    return Either.left(beyond ? GraphError.cursorBeyondEnd(direction) : GraphError.invalidCursor())
  }
  const q = descending ? size - 1 - position : position
  return Either.right(direction === "after" ? q + 1 : q)
}

/**
 * Answers one page of an edge: `{ data, paging }`, or the Graph error a real call would get.
 *
 * @since 0.2.0
 * @category serving
 */
export const servePage = (
  route: EdgeRoute,
  collection: Collection,
  call: Call,
  behaviour: Behaviour
): Result => {
  const params = call.url.searchParams
  const fields = route.select(params.get("fields") ?? undefined)
  if (Either.isLeft(fields)) return fail(fields.left)

  const edge = route.edge
  const filteringRaw = params.get("filtering")
  let clauses: ReadonlyArray<GraphFilter.WireClause> = []
  if (filteringRaw !== null) {
    const parsed = GraphFilter.parseWire(edge.filters, filteringRaw, {
      acceptUndocumented: behaviour.acceptUndocumented
    })
    if (Either.isLeft(parsed)) {
      const documented = Object.keys(edge.filters).filter((name) => edge.filters[name]!.pushdown.length > 0)
      return fail(GraphError.filteringRefused(parsed.left, documented))
    }
    clauses = parsed.right
  }

  const sort = sortOf(route, params.get("sort"), behaviour)
  if (Either.isLeft(sort)) return fail(sort.left)
  const descending = sort.right

  const limit = limitOf(
    params.get("limit"),
    behaviour.defaultLimit ?? edge.defaultLimit,
    Math.min(behaviour.maxLimit, edge.maxLimit)
  )
  if (Either.isLeft(limit)) return fail(limit.left)

  const afterRaw = params.get("after")
  const beforeRaw = params.get("before")
  if (afterRaw !== null && beforeRaw !== null) {
    return fail(GraphError.invalidParameter("Cannot specify both after and before cursors"))
  }
  let after: number | undefined
  let before: number | undefined
  if (afterRaw !== null) {
    const start = boundary(collection, behaviour, descending, "after", afterRaw)
    if (Either.isLeft(start)) return fail(start.left)
    after = start.right
  }
  if (beforeRaw !== null) {
    const end = boundary(collection, behaviour, descending, "before", beforeRaw)
    if (Either.isLeft(end)) return fail(end.left)
    before = end.right
  }

  const { intervals, rest } = TimeFilter.split(clauses, collection.timeField)
  const keeps = rest.length === 0
    ? () => true
    : (item: Item) => rest.every((clause) => GraphFilter.matchesWire(clause, collection.read(item, clause.field)))
  const page = Paging.cut({
    view: collection.view,
    descending,
    intervals,
    keeps,
    limit: limit.right,
    after,
    before,
    filterAfterPaging: behaviour.filterAfterPaging
  })

  const view = collection.view
  const data = page.items.map((item) =>
    project(
      fields.right,
      (field) => collection.read(item, field),
      (field) => collection.expand(item, field),
      () => view.idOf(item),
      call,
      behaviour
    )
  )

  // q positions (request order) to ascending positions, for the cursors.
  const size = view.size
  const toAsc = (q: number) => descending ? size - 1 - q : q
  const cursor = (q: number) => cursorOf(collection, behaviour, descending, toAsc(q))
  const link = (name: "after" | "before", value: string) => {
    const next = new URL(call.url.pathname, call.url.origin)
    for (const [key, v] of params) {
      // Graph never echoes the proof (a client must re-apply it on every page), nor the old cursor.
      if (
        key === "appsecret_proof" || key === "appsecret_time" || key === "after" || key === "before" ||
        key === "limit"
      ) continue
      next.searchParams.append(key, v)
    }
    next.searchParams.set("limit", String(limit.right))
    next.searchParams.set(name, value)
    return next.toString()
  }

  const response: { data: typeof data; paging?: Record<string, unknown> } = { data }
  if (page.start !== undefined && page.end !== undefined) {
    const first = cursor(page.start)
    const last = cursor(page.end - 1)
    const paging: Record<string, unknown> = { cursors: { before: first, after: last } }
    if (page.hasPrevious) paging.previous = link("before", first)
    if (page.hasNext) paging.next = link("after", last)
    response.paging = paging
  }
  return Either.right(response)
}

/**
 * Answers a node read: the node's selected fields, with expanded edges.
 *
 * @since 0.2.0
 * @category serving
 */
export const serveNode = (
  route: NodeRoute,
  single: Single,
  id: string,
  call: Call,
  behaviour: Behaviour
): Result => {
  const fields = route.select(call.url.searchParams.get("fields") ?? undefined)
  if (Either.isLeft(fields)) return fail(fields.left)
  return Either.right(project(fields.right, single.read, single.expand, () => id, call, behaviour))
}
