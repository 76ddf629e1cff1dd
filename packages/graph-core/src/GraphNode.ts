/**
 * A Graph node type, declared once: its fields as a Schema, the fields Graph returns when a request
 * names none, and the edges that can be expanded inside it (`phone_numbers` on a WhatsApp Business
 * Account).
 *
 * The declaration is data. `GraphRead` derives the reads from it (field validation, the `fields`
 * parameter, decoding, the element types); the emulator serves the same declaration, so both accept the
 * same fields.
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
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as Declaration from "./internal/declaration.js"

export type { AnyNode as Any, Fields, GraphNode } from "./internal/declaration.js"

/**
 * The decoded type of a node with every field.
 *
 * @since 0.1.0
 * @category models
 */
export type Type<N extends Declaration.AnyNode> = Schema.Struct.Type<N["fields"]>

/**
 * The names of a node's fields.
 *
 * @since 0.1.0
 * @category models
 */
export type FieldName<N extends Declaration.AnyNode> = keyof N["fields"] & string

/**
 * Declares a node. `expandable` is a function so that a node and the edges inside it can refer to each
 * other without an import cycle.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  F extends Declaration.Fields,
  const Default extends ReadonlyArray<keyof F & string>,
  const Expandable extends Readonly<Record<string, Declaration.AnyEdge>> = {}
>(declaration: {
  readonly name: Name
  readonly fields: F
  readonly defaultFields: Default
  readonly expandable?: (() => Expandable) | undefined
}): Declaration.GraphNode<Name, F, Default[number], Expandable> => {
  const { defaultFields, fields, name } = declaration
  const unknown = defaultFields.find((field) => !Object.hasOwn(fields, field))
  if (unknown !== undefined) throw new Error(`GraphNode ${name}: default field ${unknown} is not declared`)
  let expandable: Expandable | undefined
  return {
    name,
    fields,
    schema: Schema.Struct(fields).annotations({ identifier: name }),
    fieldNames: Object.keys(fields) as Array<keyof F & string>,
    defaultFields,
    get expandable() {
      return expandable ??= declaration.expandable?.() ?? ({} as Expandable)
    },
    isField: (field): field is keyof F & string => Object.hasOwn(fields, field)
  }
}
