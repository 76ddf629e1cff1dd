/**
 * The node and edge declarations, in one place because each names the other: a node lists the edges that
 * can be expanded inside it, an edge names the node it lists. Published by `GraphNode` and `GraphEdge`.
 *
 * @internal
 */
import type * as Schema from "effect/Schema"
import type * as GraphFilter from "../GraphFilter.js"
import type { GraphId } from "../GraphSchema.js"

/**
 * The fields every node has: an `id`.
 *
 * @since 0.1.0
 * @category models
 */
export type Fields = Schema.Struct.Fields & { readonly id: typeof GraphId }

/**
 * A node type (see `GraphNode.make`).
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphNode<
  Name extends string = string,
  F extends Fields = any,
  Default extends string = string,
  Expandable extends Readonly<Record<string, AnyEdge>> = Readonly<Record<string, AnyEdge>>
> {
  /** The type name Graph uses in its errors, e.g. `WhatsAppBusinessAccount`. */
  readonly name: Name
  readonly fields: F
  /** Every field, decoded tolerantly (see `GraphSchema`). */
  readonly schema: Schema.Struct<F>
  /** Every field name, in declaration order. */
  readonly fieldNames: ReadonlyArray<keyof F & string>
  /** What Graph returns when the request has no `fields` parameter. */
  readonly defaultFields: ReadonlyArray<Default>
  /** Edges that can be expanded inside this node, by the field name they are selected with. */
  readonly expandable: Expandable
  readonly isField: (name: string) => name is keyof F & string
}

/**
 * The object an edge hangs off: the path's one placeholder.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category models
 */
export interface Resume<Sort extends string = string> {
  readonly field: string
  /** The sort value that orders ascending by `field`. */
  readonly ascending: Sort
}

/**
 * An edge (see `GraphEdge.make`).
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphEdge<
  Name extends string = string,
  N extends AnyNode = AnyNode,
  Extra extends Schema.Struct.Fields = {},
  Filters extends GraphFilter.Declarations = GraphFilter.Declarations,
  Sort extends string = string,
  ItemsName extends string = string
> {
  /** Names spans (`<name>.page`) and appears in docs, e.g. `OwnedAccounts`. */
  readonly name: Name
  /** The route template below the version prefix, e.g. `/{business-id}/owned_whatsapp_business_accounts`. */
  readonly path: string
  /** The edge's own segment of the path, e.g. `owned_whatsapp_business_accounts`. */
  readonly segment: string
  readonly parent: Parent
  readonly node: N
  /** The item's fields: the node's plus the edge's own (e.g. `permitted_tasks` on shared accounts). */
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
 * Any node.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnyNode extends GraphNode {}

/**
 * Any edge.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnyEdge extends GraphEdge {}
