/**
 * A Graph node type, declared once: its fields as a Schema, the fields Graph returns when a request
 * names none, and the edges that can be expanded inside it (`phone_numbers` on a WhatsApp Business
 * Account).
 *
 * The declaration is data. The client derives field validation, the `fields` parameter, decoding and
 * the element types from it; the emulator serves the same declaration, so both accept the same fields.
 *
 * @example
 * ```ts
 * import { GraphNode, GraphSchema } from "@effect-waba/graph-core"
 * import { Schema } from "effect"
 *
 * const Page = GraphNode.make({
 *   name: "Page",
 *   fields: {
 *     id: GraphSchema.GraphId,
 *     name: GraphSchema.optional(Schema.String),
 *     fan_count: GraphSchema.optional(Schema.Number)
 *   },
 *   defaultFields: ["id", "name"]
 * })
 * ```
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"
import type * as GraphEdge from "./GraphEdge.js"
import type { GraphId } from "./GraphSchema.js"

/**
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/GraphNode")

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The fields every node has: an `id`.
 *
 * @since 0.2.0
 * @category models
 */
export type Fields = Schema.Struct.Fields & { readonly id: typeof GraphId }

/**
 * @since 0.2.0
 * @category models
 */
export interface GraphNode<
  Name extends string = string,
  F extends Fields = Fields,
  Default extends string = string,
  Expandable extends Readonly<Record<string, GraphEdge.Any>> = {}
> {
  readonly [TypeId]: TypeId
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
 * Any node.
 *
 * @since 0.2.0
 * @category models
 */
export interface Any {
  readonly [TypeId]: TypeId
  readonly name: string
  readonly fields: Fields
  readonly schema: Schema.Struct<any>
  readonly fieldNames: ReadonlyArray<string>
  readonly defaultFields: ReadonlyArray<string>
  readonly expandable: Readonly<Record<string, GraphEdge.Any>>
  readonly isField: (name: string) => boolean
}

/**
 * The decoded type of a node with every field.
 *
 * @since 0.2.0
 * @category models
 */
export type Type<N extends Any> = Schema.Struct.Type<N["fields"]>

/**
 * The names of a node's fields.
 *
 * @since 0.2.0
 * @category models
 */
export type FieldName<N extends Any> = keyof N["fields"] & string

/**
 * The names of a node's default fields.
 *
 * @since 0.2.0
 * @category models
 */
export type DefaultField<N extends Any> = N["defaultFields"][number]

/**
 * Declares a node. `expandable` is a function so that a node and the edges inside it can refer to each
 * other without an import cycle.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  F extends Fields,
  const Default extends ReadonlyArray<keyof F & string>,
  const Expandable extends Readonly<Record<string, GraphEdge.Any>> = {}
>(declaration: {
  readonly name: Name
  readonly fields: F
  readonly defaultFields: Default
  readonly expandable?: (() => Expandable) | undefined
}): GraphNode<Name, F, Default[number], Expandable> => {
  const fieldNames = Object.keys(declaration.fields) as ReadonlyArray<keyof F & string>
  for (const name of declaration.defaultFields) {
    if (!Object.hasOwn(declaration.fields, name)) {
      throw new Error(`GraphNode ${declaration.name}: default field ${name} is not declared`)
    }
  }
  let expandable: Expandable | undefined
  const node: GraphNode<Name, F, Default[number], Expandable> = {
    [TypeId]: TypeId,
    name: declaration.name,
    fields: declaration.fields,
    schema: Schema.Struct(declaration.fields).annotations({ identifier: declaration.name }),
    fieldNames,
    defaultFields: declaration.defaultFields,
    get expandable() {
      expandable ??= declaration.expandable?.() ?? ({} as Expandable)
      return expandable
    },
    isField: (name): name is keyof F & string => Object.hasOwn(declaration.fields, name)
  }
  return node
}
