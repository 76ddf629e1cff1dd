/**
 * Reading a declared node or edge: the options checked against the declaration before any request (known
 * fields, a page size Graph serves), the fields asked for, and the answer decoded with the Schema made from
 * the shared declaration.
 *
 * @internal
 */
import { GraphClient, GraphPaging, GraphSchema, InvalidRequestError } from "@effect-waba/graph-core"
import * as Fields from "@effect-waba/graph-rules/fields"
import * as FilterCheck from "@effect-waba/graph-rules/filterCheck"
import type { Clause, Filterable, Unchecked } from "@effect-waba/graph-rules/filterClause"
import * as Paging from "@effect-waba/graph-rules/paging"
import * as ReadPlan from "@effect-waba/graph-rules/readPlan"
import * as Request from "@effect-waba/graph-rules/request"
import type * as Shape from "@effect-waba/graph-rules/shape"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/** What a read of a node or an edge's items may be given. @internal */
export interface Options<F extends string> {
  /** The fields to read (`id` always comes); Graph's defaults when absent. */
  readonly fields?: ReadonlyArray<F> | undefined
  /** Items per page, up to the edge's largest. Graph's default (25) when absent. */
  readonly limit?: number | undefined
}

/** What a read of an edge may be given besides. @internal */
export interface EdgeOptions<F extends string, C> extends Options<F> {
  /** One clause or a list of them, all of which must hold (see `Filter`). */
  readonly filtering?: C | ReadonlyArray<C | Unchecked> | Unchecked | undefined
  /** One of the edge's documented sorts. */
  readonly sort?: string | undefined
  /** Continue after this cursor (a page's `nextAfter`, taken moments ago). */
  readonly after?: string | undefined
  /**
   * Continue from a page's checkpoint (`GraphPaging.Checkpoint`): by its cursor while Graph takes it, else
   * from its data, so it works hours later. On edges that can resume; the read is sorted ascending by
   * creation time.
   */
  readonly checkpoint?: GraphPaging.Checkpoint | undefined
}

/** An edge read inside each item (`phone_numbers` of an account): its node and its own edge. @internal */
export interface Expandable<N extends Shape.Node = Shape.Node> {
  readonly name: string
  readonly node: N
  readonly edge: Edge
}

/** How an expanded edge is read: its fields, its page size, and whether its further pages are read too. @internal */
export interface Expansion<F extends string> {
  readonly fields?: ReadonlyArray<F> | undefined
  readonly limit?: number | undefined
  /**
   * `all` (default): an item comes with every one, its further pages read; `first`: Graph's first page only,
   * as a {@link FirstPage} with the cursor to continue it.
   */
  readonly pages?: "all" | "first" | undefined
}

/** The first page of an expanded edge, when `pages: "first"` was asked for. @internal */
export interface FirstPage<A> {
  readonly data: ReadonlyArray<A>
  /** The cursor to continue the nested edge after this page; `undefined` when it has no more. */
  readonly nextAfter: string | undefined
}

/** An edge as the shared declarations give it. @internal */
export interface Edge {
  readonly name: string
  readonly route: string
  readonly parent: string
  readonly maxLimit: number
  readonly filters: Readonly<Record<string, Filterable & FilterCheck.Declaration>>
  readonly sorts: ReadonlyArray<string>
  readonly resume: ReadPlan.Resume | undefined
}

/** The fields and page size of a read, checked against the node and the edge. @internal */
export const check = <N extends Shape.Node>(node: N, options: Options<string> | undefined, maxLimit: number) => {
  const fields = options?.fields ?? node.defaultFields
  if (!Array.isArray(fields)) {
    return new InvalidRequestError({ parameter: "fields", message: "fields must be an array of field names." })
  }
  const unknown = fields.find((field) => typeof field !== "string" || !Object.hasOwn(node.fields, field))
  if (unknown !== undefined) {
    const known = Object.keys(node.fields).join(", ")
    return new InvalidRequestError({
      parameter: "fields",
      message: `${String(unknown).slice(0, 100)} is not a field of ${node.name}; its fields are ${known}.`
    })
  }
  const limit = options?.limit
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)) {
    return new InvalidRequestError({
      parameter: "limit",
      message: `limit must be a whole number from 1 to ${maxLimit}.`
    })
  }
  return { fields: fields as ReadonlyArray<keyof N["fields"] & string>, limit }
}

type Expansions<X extends Shape.Node> = { readonly phone_numbers?: Expansion<keyof X["fields"] & string> | undefined }

/** The reads of one edge: its pages, and its items. @internal */
export interface EdgeReader<N extends Shape.Node, C, X extends Shape.Node> {
  /** Every page, lazily, each with its cursor and (on a read that can resume) its checkpoint. */
  readonly pages: <
    const F extends keyof N["fields"] & string = N["defaultFields"][number],
    const XP extends Expansions<X> | undefined = undefined
  >(
    parentId: string,
    options?: EdgeOptions<F, C> & { readonly expand?: XP }
  ) => Stream.Stream<
    GraphPaging.Page<Shape.Selected<N, F> & Expanded<X, XP>>,
    GraphClient.GraphClientError,
    GraphClient.GraphClient
  >
  /** Every item, lazily, in the order Graph returns them. */
  readonly stream: <
    const F extends keyof N["fields"] & string = N["defaultFields"][number],
    const XP extends Expansions<X> | undefined = undefined
  >(
    parentId: string,
    options?: EdgeOptions<F, C> & { readonly expand?: XP }
  ) => Stream.Stream<Shape.Selected<N, F> & Expanded<X, XP>, GraphClient.GraphClientError, GraphClient.GraphClient>
  /** Every item, collected. */
  readonly all: <
    const F extends keyof N["fields"] & string = N["defaultFields"][number],
    const XP extends Expansions<X> | undefined = undefined
  >(
    parentId: string,
    options?: EdgeOptions<F, C> & { readonly expand?: XP }
  ) => Effect.Effect<
    ReadonlyArray<Shape.Selected<N, F> & Expanded<X, XP>>,
    GraphClient.GraphClientError,
    GraphClient.GraphClient
  >
  /** The `InvalidRequestError` a read would fail with before any request, or `undefined`. */
  readonly validate: (
    parentId: string,
    options?: EdgeOptions<string, C> & { readonly expand?: Expansions<X> | undefined }
  ) => InvalidRequestError | undefined
}

const invalid = (parameter: string, message: string) => new InvalidRequestError({ parameter, message })

// A read's options checked against the declarations, as the request of its pages and what of each page the
// caller sees; or the first problem.
const prepare = <N extends Shape.Node, X extends Shape.Node>(
  node: N,
  declaration: Edge,
  expandable: Expandable<X> | undefined,
  parentId: unknown,
  options: EdgeOptions<string, unknown> & { readonly expand?: Expansions<X> | undefined } | undefined
) => {
  if (!Request.isGraphId(parentId)) {
    const shown = typeof parentId === "string" ? JSON.stringify(parentId.slice(0, 100)) : typeof parentId
    return invalid(
      declaration.parent,
      `${declaration.parent} must be a numeric Graph id, 1 to 25 digits; got ${shown}.`
    )
  }
  const checked = check(node, options, declaration.maxLimit)
  if (checked instanceof InvalidRequestError) return checked
  const sort = options?.sort
  if (sort !== undefined && !declaration.sorts.includes(sort)) {
    const sorts = declaration.sorts.length === 0 ? "it has no sorts" : `its sorts are ${declaration.sorts.join(", ")}`
    return invalid("sort", `${declaration.name} cannot be sorted by ${String(sort).slice(0, 100)}; ${sorts}.`)
  }
  const after = options?.after
  if (after !== undefined && (typeof after !== "string" || !Paging.isCursor(after))) {
    return invalid("after", "after must be a cursor as Graph returns it (a page's nextAfter).")
  }
  const checkpoint = options?.checkpoint
  if (checkpoint !== undefined && !Schema.is(GraphPaging.Checkpoint)(checkpoint)) {
    return invalid("checkpoint", "checkpoint must be a page's checkpoint (see GraphPaging.Checkpoint).")
  }
  const expansion = expansionOf(expandable, options?.expand)
  if (expansion instanceof InvalidRequestError) return expansion
  const clauses = options?.filtering === undefined ? [] : FilterCheck.check(declaration.filters, options.filtering)
  if (!Array.isArray(clauses) && clauses._tag === "Failure") return invalid("filtering", clauses.failure)
  const filtering = Array.isArray(clauses) ? undefined : clauses.success
  const readOptions = { filtering, sort, limit: checked.limit, after, checkpoint }
  const problem = ReadPlan.checkpointProblem(declaration, readOptions)
  if (problem !== undefined) return invalid("checkpoint", problem)
  const plan = ReadPlan.filtering(declaration, readOptions)
  const { names, strip } = ReadPlan.fieldNames(node.defaultFields, checked.fields, undefined, plan.needed)
  const selection = [...names.map((name) => ({ name })), ...(expansion === undefined ? [] : [expansion.selection])]
  const start = ReadPlan.start(declaration, readOptions, plan, { fields: Fields.render(selection) })
  const fields = names as ReadonlyArray<keyof N["fields"] & string>
  return {
    request: {
      route: declaration.route,
      query: { ...start.query, after: start.after },
      item: expansion === undefined
        ? GraphSchema.node(node, fields)
        : GraphSchema.node(node, fields, { [expansion.name]: GraphPaging.PageBody(expansion.item) }),
      resumable: plan.checkpointField === undefined
        ? undefined
        : { field: plan.checkpointField, from: start.resumeFrom, fallback: start.fallback }
    },
    visibility: { checkpointField: plan.checkpointField, local: plan.local, resumeFrom: start.resumeFrom, strip },
    expansion
  }
}

/**
 * The reads of an edge under a parent id, page after page, as the stream is pulled: the clauses Graph
 * documents go on the wire, the others are evaluated here on the fields they need (read, then dropped).
 *
 * @internal
 */
export const edge = <N extends Shape.Node, C extends Clause, X extends Shape.Node = never>(
  node: N,
  declaration: Edge,
  expandable?: Expandable<X>
): EdgeReader<N, C, X> => {
  type Item = Record<string, unknown>
  const pages = (
    parentId: string,
    options?: EdgeOptions<string, C> & { readonly expand?: Expansions<X> | undefined }
  ): Stream.Stream<GraphPaging.Page<Item>, GraphClient.GraphClientError, GraphClient.GraphClient> => {
    const prepared = prepare(node, declaration, expandable, parentId, options)
    if (prepared instanceof InvalidRequestError) return Stream.fail(prepared)
    const { expansion, request, visibility } = prepared
    const raw = GraphPaging.pages({
      ...request,
      item: request.item as unknown as Schema.Decoder<Item>,
      params: { [declaration.parent]: parentId },
      usageKey: parentId
    })
    return Stream.mapEffect(raw, (page) => {
      const items = Paging.visible(visibility, page.items)
      return expansion === undefined
        ? Effect.succeed({ ...page, items })
        : Effect.map(Effect.forEach(items, expansion.complete), (items) => ({ ...page, items }))
    })
  }
  const stream = (parentId: string, options?: EdgeOptions<string, C>) =>
    Stream.flatMap(pages(parentId, options), (page) => Stream.fromIterable(page.items))
  return {
    pages: pages as EdgeReader<N, C, X>["pages"],
    stream: stream as EdgeReader<N, C, X>["stream"],
    all:
      ((parentId: string, options?: EdgeOptions<string, C>) =>
        Stream.runCollect(stream(parentId, options))) as unknown as EdgeReader<N, C, X>["all"],
    validate: (parentId, options) => {
      const prepared = prepare(node, declaration, expandable, parentId, options)
      return prepared instanceof InvalidRequestError ? prepared : undefined
    }
  }
}

/**
 * An item's expanded edge: a list of its items (empty when Graph left it out), or its first page with
 * `pages: "first"`.
 *
 * @internal
 */
export type Expanded<X extends Shape.Node, XP> = [X] extends [never] ? {}
  : XP extends { readonly phone_numbers: infer E } ? {
      readonly phone_numbers: E extends { readonly pages: "first" } ? FirstPage<ExpandedItem<X, E>>
        : ReadonlyArray<ExpandedItem<X, E>>
    }
  : {}

type ExpandedItem<X extends Shape.Node, E> = Shape.Selected<
  X,
  // `Extract` rather than a constraint on `infer`: TypeScript 5.9 writes such a constraint into the
  // declarations unresolved (a `Cannot find name 'X'` for their readers).
  E extends { readonly fields: ReadonlyArray<infer XF> } ? Extract<XF, keyof X["fields"] & string>
    : X["defaultFields"][number]
>

// The expansion asked for, checked: its selection, the Schema of its page, and how an item is completed.
const expansionOf = <X extends Shape.Node>(
  expandable: Expandable<X> | undefined,
  expand: Readonly<Record<string, Expansion<string> | undefined>> | undefined
) => {
  if (expand === undefined) return undefined
  const names = Object.keys(expand)
  if (expandable === undefined || names.some((name) => name !== expandable.name)) {
    const what = expandable === undefined ? "nothing can be expanded here" : `only ${expandable.name} can be expanded`
    return new InvalidRequestError({ parameter: "expand", message: `${names.join(", ")} cannot be expanded: ${what}.` })
  }
  const options = expand[expandable.name]!
  const checked = check(expandable.node, options, expandable.edge.maxLimit)
  if (checked instanceof InvalidRequestError) {
    return new InvalidRequestError({
      parameter: `expand.${expandable.name}.${checked.parameter}`,
      message: checked.message
    })
  }
  if (options.pages !== undefined && options.pages !== "all" && options.pages !== "first") {
    return new InvalidRequestError({
      parameter: `expand.${expandable.name}.pages`,
      message: "pages must be \"all\" or \"first\"."
    })
  }
  const fields = [...new Set(["id", ...checked.fields])] as ReadonlyArray<keyof X["fields"] & string>
  const limit = checked.limit ?? expandable.edge.maxLimit
  const name = expandable.name
  const item = GraphSchema.node(expandable.node, fields)
  const rest = (parentId: string, after: string) =>
    Stream.runCollect(GraphPaging.items({
      route: expandable.edge.route,
      params: { [expandable.edge.parent]: parentId },
      // The rest in the largest pages: the expansion's own limit sizes only the page inside each item.
      query: { fields: fields.join(","), limit: expandable.edge.maxLimit, after },
      item,
      usageKey: parentId
    }))
  return {
    name,
    selection: { name, limit, fields: fields.map((field) => ({ name: field })) },
    item,
    // The first page came inside the item; the rest is read from the expanded edge itself, after its cursor.
    complete: (one: Record<string, unknown>) => {
      const connection = one[name] as GraphPaging.Connection<unknown> | undefined
      const first = Paging.dropRepeats(new Set(), connection?.data ?? [])
      const next = connection?.paging?.next ?? undefined
      const after = next === undefined
        ? undefined
        : Paging.nextCursor(next, connection?.paging?.cursors?.after ?? undefined)
      if (options.pages === "first") return Effect.succeed({ ...one, [name]: { data: first, nextAfter: after } })
      const whole = after === undefined
        ? Effect.succeed(first)
        // The rest is a read of its own: what it repeats of the first page is dropped here.
        : Effect.map(rest(String(one.id), after), (more) => Paging.dropRepeats(new Set(), [...first, ...more]))
      return Effect.map(whole, (items) => ({ ...one, [name]: items }))
    }
  }
}

/** One node by id. @internal */
export const node =
  <N extends Shape.Node>(declaration: N, usageKeyOf: (id: string) => string | undefined = () => undefined) =>
  <const F extends keyof N["fields"] & string = N["defaultFields"][number]>(
    id: string,
    options?: Pick<Options<F>, "fields">
  ): Effect.Effect<Shape.Selected<N, F>, GraphClient.GraphClientError, GraphClient.GraphClient> => {
    const checked = check(declaration, options, Infinity)
    if (checked instanceof InvalidRequestError) return Effect.fail(checked)
    return Effect.gen(function*() {
      const client = yield* GraphClient.GraphClient
      const { body } = yield* client.get({
        route: "/{id}",
        params: { id },
        query: { fields: checked.fields.join(",") },
        schema: GraphSchema.node(declaration, checked.fields) as Schema.Decoder<Shape.Selected<N, F>>,
        usageKey: usageKeyOf(id)
      })
      return body
    })
  }

/** What a node's module publishes: its declaration, its fields, Graph's defaults, and `get`. @internal */
export const nodeModule = <N extends Shape.Node>(declaration: N) => ({
  declaration,
  fields: Object.keys(declaration.fields) as ReadonlyArray<keyof N["fields"] & string>,
  defaultFields: declaration.defaultFields as N["defaultFields"],
  get: node(declaration)
})
