/**
 * A Graph edge, declared once: the path template, the node it lists, the fields it adds to each item,
 * the filters and sorts it documents, its page sizes, and whether reads can resume from the data.
 *
 * Everything else is derived from the declaration: option validation, the request, typed field
 * narrowing, paging, decoding (see `GraphPaging`), and, in the emulator, the handler that serves it.
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
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type * as Types from "effect/Types"
import type * as GraphFilter from "./GraphFilter.js"
import type * as GraphNode from "./GraphNode.js"

/**
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/GraphEdge")

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The object an edge hangs off: the path's one placeholder.
 *
 * @since 0.2.0
 * @category models
 */
export interface Parent {
  /** The placeholder in the path, e.g. `business-id`. */
  readonly param: string
  /** How options and errors name the id, e.g. `businessId`. */
  readonly label: string
  /** What a valid id is, for error messages, e.g. "a numeric business id (Business Settings > Business info)". */
  readonly description: string
}

/**
 * How a read resumes from the data instead of a cursor: sorted ascending by `field` (unix seconds),
 * continuing at the last second seen and skipping the ids already delivered in that second.
 *
 * @since 0.2.0
 * @category models
 */
export interface Resume<Sort extends string = string> {
  readonly field: string
  /** The sort value that orders ascending by `field`. */
  readonly ascending: Sort
}

/**
 * @since 0.2.0
 * @category models
 */
export interface GraphEdge<
  Name extends string = string,
  N extends GraphNode.Any = GraphNode.Any,
  Extra extends Schema.Struct.Fields = {},
  Filters extends GraphFilter.Declarations = {},
  Sort extends string = string,
  ItemsName extends string = string
> {
  readonly [TypeId]: TypeId
  /** Names spans (`<name>.page`) and appears in docs, e.g. `OwnedAccounts`. */
  readonly name: Name
  /** The route template below the version prefix, e.g. `/{business-id}/owned_whatsapp_business_accounts`. */
  readonly path: string
  /** The edge's own segment of the path, e.g. `owned_whatsapp_business_accounts`. */
  readonly segment: string
  readonly parent: Parent
  readonly node: N
  /** Fields this edge adds to each item (e.g. `permitted_tasks` on shared accounts). */
  readonly extraFields: Extra
  /** The item's fields: the node's plus the edge's. */
  readonly itemFields: N["fields"] & Extra
  readonly itemSchema: Schema.Struct<N["fields"] & Extra>
  readonly filters: Filters
  readonly sorts: ReadonlyArray<Sort>
  /** The largest `limit` Graph serves on this edge. */
  readonly maxLimit: number
  /** The page size Graph uses when `limit` is absent. */
  readonly defaultLimit: number
  /** Set when reads of this edge can resume from a data checkpoint. */
  readonly resume: Resume<Sort> | undefined
  /** What a page calls its items besides `items`, e.g. `accounts`. */
  readonly itemsName: ItemsName
  readonly isField: (name: string) => boolean
}

/**
 * Any edge.
 *
 * @since 0.2.0
 * @category models
 */
export interface Any {
  readonly [TypeId]: TypeId
  readonly name: string
  readonly path: string
  readonly segment: string
  readonly parent: Parent
  readonly node: GraphNode.Any
  readonly extraFields: Schema.Struct.Fields
  readonly itemFields: Schema.Struct.Fields
  readonly itemSchema: Schema.Struct<any>
  readonly filters: GraphFilter.Declarations
  readonly sorts: ReadonlyArray<string>
  readonly maxLimit: number
  readonly defaultLimit: number
  readonly resume: Resume | undefined
  readonly itemsName: string
  readonly isField: (name: string) => boolean
}

/**
 * The names of an edge's item fields.
 *
 * @since 0.2.0
 * @category models
 */
export type FieldName<E extends Any> = keyof E["itemFields"] & string

/**
 * The decoded type of an item with every field.
 *
 * @since 0.2.0
 * @category models
 */
export type ItemType<E extends Any> = Schema.Struct.Type<E["itemFields"]>

/**
 * The node's default fields, for an edge.
 *
 * @since 0.2.0
 * @category models
 */
export type DefaultField<E extends Any> = E["node"]["defaultFields"][number]

/**
 * An item narrowed to the selected fields, plus `id`, which Graph always returns.
 *
 * @since 0.2.0
 * @category models
 */
export type Selected<E extends Any, F extends string> = Types.Simplify<
  Pick<ItemType<E>, (F | "id") & keyof ItemType<E>>
>

/**
 * The sort values an edge accepts.
 *
 * @since 0.2.0
 * @category models
 */
export type SortOf<E extends Any> = E["sorts"][number]

/**
 * The filter clauses an edge accepts.
 *
 * @since 0.2.0
 * @category models
 */
export type FilterOf<E extends Any> = GraphFilter.ClauseOf<E["filters"]> | GraphFilter.Unchecked

/**
 * How an expanded edge is read inside each item.
 *
 * - `fields`: the nested items' fields (default: the nested node's default fields);
 * - `limit`: the nested page size sent as `.limit(n)` (default: Graph's);
 * - `pages`: `"all"` (default) follows the nested edge's paging until every nested item is read, so the
 *   array is complete; `"first"` keeps the first nested page and exposes its cursor.
 *
 * @since 0.2.0
 * @category models
 */
export interface ExpandOptions<E extends Any, F extends string = FieldName<E>> {
  readonly fields?: ReadonlyArray<F> | undefined
  readonly limit?: number | undefined
  readonly pages?: "all" | "first" | undefined
}

/**
 * The `expand` option of a read of edge `E`: one entry per edge expandable inside its node.
 *
 * @since 0.2.0
 * @category models
 */
export type ExpandSpec<E extends Any> = {
  readonly [K in keyof E["node"]["expandable"]]?: ExpandOptions<E["node"]["expandable"][K]> | undefined
}

/**
 * The first page of an expanded edge, when `pages: "first"` was asked for.
 *
 * @since 0.2.0
 * @category models
 */
export interface FirstPage<A> {
  readonly data: ReadonlyArray<A>
  /** The cursor to continue the nested edge after this page; `undefined` when it has no more. */
  readonly nextAfter: string | undefined
}

/**
 * The value an expanded edge takes in each item.
 *
 * @since 0.2.0
 * @category models
 */
export type Expanded<NE extends Any, O> = O extends { readonly pages: "first" } ? FirstPage<ExpandedItem<NE, O>>
  : ReadonlyArray<ExpandedItem<NE, O>>

/**
 * One nested item of an expanded edge.
 *
 * @since 0.2.0
 * @category models
 */
export type ExpandedItem<NE extends Any, O> = O extends { readonly fields: ReadonlyArray<infer F extends string> }
  ? Selected<NE, F>
  : Selected<NE, DefaultField<NE>>

/**
 * The element type of a read: the selected fields, `id`, fields Meta added that the library does not
 * know yet (`extraFields`, typed `unknown`), and the expanded edges.
 *
 * @since 0.2.0
 * @category models
 */
export type Item<E extends Any, F extends string, X extends string = never, XP = {}> = Types.Simplify<
  & Selected<E, F>
  & { readonly [K in X]?: unknown }
  & { readonly [K in keyof XP & keyof E["node"]["expandable"]]: Expanded<E["node"]["expandable"][K], XP[K]> }
>

const placeholder = /^\/\{([a-z][a-z0-9-]*)\}\/([a-z][a-z0-9_]*)$/

/**
 * Declares an edge. The path has exactly one placeholder, the parent's id.
 *
 * @since 0.2.0
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
  readonly parent: Omit<Parent, "param">
  readonly node: N
  readonly extraFields?: Extra | undefined
  readonly filters?: Filters | undefined
  readonly sorts: ReadonlyArray<Sort>
  readonly maxLimit: number
  readonly defaultLimit?: number | undefined
  readonly resume?: Resume<NoInfer<Sort>> | undefined
  readonly itemsName?: ItemsName | undefined
}): GraphEdge<Name, N, Extra, Filters, Sort, ItemsName> => {
  const match = placeholder.exec(declaration.path)
  if (match === null) {
    throw new Error(`GraphEdge ${declaration.name}: the path must look like /{parent-id}/edge_name`)
  }
  const extraFields = (declaration.extraFields ?? {}) as Extra
  const itemFields = { ...declaration.node.fields, ...extraFields } as N["fields"] & Extra
  const filters = (declaration.filters ?? {}) as Filters
  for (const field of Object.keys(filters)) {
    if (!Object.hasOwn(itemFields, field)) {
      throw new Error(`GraphEdge ${declaration.name}: filter field ${field} is not a field of the item`)
    }
  }
  return {
    [TypeId]: TypeId,
    name: declaration.name,
    path: declaration.path,
    segment: match[2]!,
    parent: { param: match[1]!, ...declaration.parent },
    node: declaration.node,
    extraFields,
    itemFields,
    itemSchema: Schema.Struct(itemFields).annotations({ identifier: declaration.node.name }),
    filters,
    sorts: declaration.sorts,
    maxLimit: declaration.maxLimit,
    defaultLimit: declaration.defaultLimit ?? 25,
    resume: declaration.resume,
    itemsName: declaration.itemsName ?? ("items" as ItemsName),
    isField: (name) => Object.hasOwn(itemFields, name)
  }
}
