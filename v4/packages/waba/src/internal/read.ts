/**
 * Reading a declared node or edge: the options checked against the declaration before any request (known
 * fields, a page size Graph serves), the fields asked for, and the answer decoded with the Schema made from
 * the shared declaration.
 *
 * @internal
 */
import { GraphClient, GraphPaging, GraphSchema, InvalidRequestError } from "@effect-waba/graph-core"
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
export const edge =
  <N extends Shape.Node, C extends Clause>(node: N, declaration: Edge) =>
  <const F extends keyof N["fields"] & string = N["defaultFields"][number]>(
    parentId: string,
    options?: EdgeOptions<F, C>
  ): Stream.Stream<Shape.Selected<N, F>, GraphClient.GraphClientError, GraphClient.GraphClient> => {
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
    const clauses = options?.filtering === undefined ? [] : FilterCheck.check(declaration.filters, options.filtering)
    if (!Array.isArray(clauses) && clauses._tag === "Failure") {
      return Stream.fail(new InvalidRequestError({ parameter: "filtering", message: clauses.failure }))
    }
    const filtering = Array.isArray(clauses) ? undefined : clauses.success
    const readOptions = { filtering, sort, limit: checked.limit }
    const plan = ReadPlan.filtering(declaration, readOptions)
    const { names, strip } = ReadPlan.fieldNames(node.defaultFields, checked.fields, undefined, plan.needed)
    const start = ReadPlan.start(declaration, readOptions, plan, { fields: names.join(",") })
    const visibility = { checkpointField: undefined, local: plan.local, resumeFrom: undefined, strip }
    const pages = GraphPaging.pages({
      route: declaration.route,
      params: { [declaration.parent]: parentId },
      query: start.query,
      item: GraphSchema.node(node, names as ReadonlyArray<keyof N["fields"] & string>),
      usageKey: parentId
    })
    return Stream.flatMap(
      pages,
      (page) =>
        Stream.fromIterable(Paging.visible(visibility, page.items) as unknown as ReadonlyArray<Shape.Selected<N, F>>)
    )
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
