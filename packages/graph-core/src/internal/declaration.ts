/**
 * The shapes of node and edge declarations, in one place because each names the other: a node lists the
 * edges that can be expanded inside it, an edge names the node it lists.
 *
 * @internal
 */
import type * as Schema from "effect/Schema"
import type * as GraphFilter from "../GraphFilter.js"
import type { GraphId } from "../GraphSchema.js"

/** @internal */
export type Fields = Schema.Struct.Fields & { readonly id: typeof GraphId }

/** @internal */
export interface Parent {
  /** The placeholder in the path, e.g. `business-id`. */
  readonly param: string
  /** How options and errors name the id, e.g. `businessId`. */
  readonly label: string
  /** What a valid id is, for error messages, e.g. "a numeric business id (Business Settings > Business info)". */
  readonly description: string
}

/** @internal */
export interface Resume<Sort extends string = string> {
  readonly field: string
  /** The sort value that orders ascending by `field`. */
  readonly ascending: Sort
}

/** @internal */
export interface Node {
  readonly name: string
  readonly fields: Fields
  readonly schema: Schema.Struct<any>
  readonly fieldNames: ReadonlyArray<string>
  readonly defaultFields: ReadonlyArray<string>
  readonly expandable: Readonly<Record<string, Edge>>
  readonly isField: (name: string) => boolean
}

/** @internal */
export interface Edge {
  readonly name: string
  readonly path: string
  readonly segment: string
  readonly parent: Parent
  readonly node: Node
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
