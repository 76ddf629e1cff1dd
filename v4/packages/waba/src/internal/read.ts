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
import type * as Shape from "@effect-waba/graph-rules/shape"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
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
  /** `all` (default): an item comes with every one, its further pages read; `first`: Graph's first page only. */
  readonly pages?: "all" | "first" | undefined
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

/**
 * The items of an edge under `parentId`, page after page, as the stream is pulled: the clauses Graph
 * documents go on the wire, the others are evaluated here on the fields they need (read, then dropped).
 *
 * @internal
 */
export const edge = <N extends Shape.Node, C extends Clause, X extends Shape.Node = never>(
  node: N,
  declaration: Edge,
  expandable?: Expandable<X>
) =>
<
  const F extends keyof N["fields"] & string = N["defaultFields"][number],
  const XP extends { readonly phone_numbers?: Expansion<keyof X["fields"] & string> | undefined } | undefined =
    undefined
>(
  parentId: string,
  options?: EdgeOptions<F, C> & { readonly expand?: XP }
): Stream.Stream<Shape.Selected<N, F> & Expanded<X, XP>, GraphClient.GraphClientError, GraphClient.GraphClient> => {
  const checked = check(node, options, declaration.maxLimit)
  if (checked instanceof InvalidRequestError) return Stream.fail(checked)
  const sort = options?.sort
  if (sort !== undefined && !declaration.sorts.includes(sort)) {
    const sorts = declaration.sorts.length === 0 ? "it has no sorts" : `its sorts are ${declaration.sorts.join(", ")}`
    return Stream.fail(
      new InvalidRequestError({
        parameter: "sort",
        message: `${declaration.name} cannot be sorted by ${String(sort).slice(0, 100)}; ${sorts}.`
      })
    )
  }
  const expansion = expansionOf(expandable, options?.expand)
  if (expansion instanceof InvalidRequestError) return Stream.fail(expansion)
  const clauses = options?.filtering === undefined ? [] : FilterCheck.check(declaration.filters, options.filtering)
  if (!Array.isArray(clauses) && clauses._tag === "Failure") {
    return Stream.fail(new InvalidRequestError({ parameter: "filtering", message: clauses.failure }))
  }
  const filtering = Array.isArray(clauses) ? undefined : clauses.success
  const readOptions = { filtering, sort, limit: checked.limit }
  const plan = ReadPlan.filtering(declaration, readOptions)
  const { names, strip } = ReadPlan.fieldNames(node.defaultFields, checked.fields, undefined, plan.needed)
  const selection = [...names.map((name) => ({ name })), ...(expansion === undefined ? [] : [expansion.selection])]
  const start = ReadPlan.start(declaration, readOptions, plan, { fields: Fields.render(selection) })
  const visibility = { checkpointField: undefined, local: plan.local, resumeFrom: undefined, strip }
  const item = GraphSchema.node(node, names as ReadonlyArray<keyof N["fields"] & string>)
  const pages = GraphPaging.pages({
    route: declaration.route,
    params: { [declaration.parent]: parentId },
    query: start.query,
    item: expansion === undefined
      ? item
      : GraphSchema.node(node, names as ReadonlyArray<keyof N["fields"] & string>, {
        [expansion.name]: GraphPaging.PageBody(expansion.item)
      }),
    usageKey: parentId
  })
  type Item = Shape.Selected<N, F> & Expanded<X, XP>
  return Stream.flatMap(pages, (page) => {
    const items = Paging.visible(visibility, page.items) as unknown as ReadonlyArray<Record<string, unknown>>
    return expansion === undefined
      ? Stream.fromIterable(items as unknown as ReadonlyArray<Item>)
      : Stream.mapEffect(
        Stream.fromIterable(items),
        (one) => expansion.complete(one) as Effect.Effect<Item, GraphClient.GraphClientError, GraphClient.GraphClient>
      )
  })
}

/** An item's expanded edge as a list of its items (empty when Graph left it out). @internal */
export type Expanded<X extends Shape.Node, XP> = [X] extends [never] ? {}
  : XP extends { readonly phone_numbers: infer E } ? {
      readonly phone_numbers: ReadonlyArray<
        Shape.Selected<
          X,
          // `Extract` rather than a constraint on `infer`: TypeScript 5.9 writes such a constraint into the
          // declarations unresolved (a `Cannot find name 'X'` for their readers).
          E extends { readonly fields: ReadonlyArray<infer XF> } ? Extract<XF, keyof X["fields"] & string>
            : X["defaultFields"][number]
        >
      >
    }
  : {}

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
      const first = connection?.data ?? []
      const next = connection?.paging?.next ?? undefined
      const after = next === undefined
        ? undefined
        : Paging.nextCursor(next, connection?.paging?.cursors?.after ?? undefined)
      const whole = after === undefined || options.pages === "first"
        ? Effect.succeed(first)
        : Effect.map(rest(String(one.id), after), (more) => [...first, ...more])
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
