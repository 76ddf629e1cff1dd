/**
 * A Graph edge, declared once: the path template, the node it lists, the fields it adds to each item,
 * the filters and sorts it documents, its page sizes, and whether reads can resume from the data.
 *
 * The declaration is data: `GraphRead` derives the reads from it (option validation, the request, typed
 * field narrowing, paging, decoding) and the emulator the handler that serves it.
 *
 * @example
 * ```ts
 * import { GraphEdge, GraphFilter, GraphNode, GraphSchema } from "@effect-waba/graph-core"
 * import { Schema } from "effect"
 *
 * const Waba = GraphNode.make({
 *   name: "WhatsAppBusinessAccount",
 *   fields: { id: GraphSchema.GraphId, name: GraphSchema.optional(Schema.String), creation_time: GraphSchema.optional(GraphSchema.UnixSeconds) },
 *   defaultFields: ["id", "name"]
 * })
 *
 * const Owned = GraphEdge.make({
 *   name: "OwnedAccounts",
 *   path: "/{business-id}/owned_whatsapp_business_accounts",
 *   parent: { label: "businessId", description: "a numeric business id" },
 *   node: Waba,
 *   filters: { creation_time: GraphFilter.time(["LESS_THAN", "GREATER_THAN", "IN_RANGE"]) },
 *   sorts: ["creation_time_ascending", "creation_time_descending"],
 *   maxLimit: 100,
 *   resume: { field: "creation_time", ascending: "creation_time_ascending" }
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as GraphFilter from "./GraphFilter.js"
import type * as GraphNode from "./GraphNode.js"
import type * as Declaration from "./internal/declaration.js"

export type { AnyEdge as Any, GraphEdge, Parent, Resume } from "./internal/declaration.js"

/**
 * The names of an edge's item fields.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldName<E extends Declaration.AnyEdge> = keyof E["itemFields"] & string

/**
 * The sort values an edge accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type SortOf<E extends Declaration.AnyEdge> = E["sorts"][number]

/**
 * The filter clauses an edge accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type FilterOf<E extends Declaration.AnyEdge> = GraphFilter.ClauseOf<E["filters"]> | GraphFilter.Unchecked

const pathPattern = /^\/\{([a-z][a-z0-9-]*)\}\/([a-z][a-z0-9_]*)$/

/**
 * Declares an edge. The path has exactly one placeholder, the parent's id.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  N extends GraphNode.Any,
  const Sort extends string,
  const Filters extends GraphFilter.Declarations = {},
  Extra extends Schema.Struct.Fields = {},
  const ItemsName extends string = "items"
>(declaration: {
  readonly name: Name
  readonly path: string
  readonly parent: Omit<Declaration.Parent, "param">
  readonly node: N
  readonly extraFields?: Extra | undefined
  readonly filters?: Filters | undefined
  readonly sorts: ReadonlyArray<Sort>
  readonly maxLimit: number
  readonly defaultLimit?: number | undefined
  readonly resume?: Declaration.Resume<NoInfer<Sort>> | undefined
  readonly itemsName?: ItemsName | undefined
}): Declaration.GraphEdge<Name, N, Extra, Filters, Sort, ItemsName> => {
  const { name, node, path } = declaration
  const match = pathPattern.exec(path)
  if (match === null) throw new Error(`GraphEdge ${name}: the path must look like /{parent-id}/edge_name`)
  const itemFields = { ...node.fields, ...declaration.extraFields } as N["fields"] & Extra
  const filters = declaration.filters ?? ({} as Filters)
  const unknown = Object.keys(filters).find((field) => !Object.hasOwn(itemFields, field))
  if (unknown !== undefined) throw new Error(`GraphEdge ${name}: filter field ${unknown} is not a field of the item`)
  return {
    name,
    path,
    segment: match[2]!,
    parent: { param: match[1]!, ...declaration.parent },
    node,
    itemFields,
    itemSchema: Schema.Struct(itemFields).annotations({ identifier: node.name }),
    filters,
    sorts: declaration.sorts,
    maxLimit: declaration.maxLimit,
    defaultLimit: declaration.defaultLimit ?? 25,
    resume: declaration.resume,
    itemsName: declaration.itemsName ?? ("items" as ItemsName),
    isField: (field) => Object.hasOwn(itemFields, field)
  }
}
