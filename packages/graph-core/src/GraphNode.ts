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
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Types from "effect/Types"
import * as GraphClient from "./GraphClient.js"
import type * as GraphEdge from "./GraphEdge.js"
import type * as GraphPaging from "./GraphPaging.js"
import type { GraphId } from "./GraphSchema.js"
import * as paging from "./internal/paging.js"
import * as prepare from "./internal/prepare.js"
import type { InvalidRequestError } from "./InvalidRequestError.js"

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

/**
 * The options of a node read.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReadOptions<N extends Any, F extends ReadonlyArray<string>, X extends string, XP> {
  /** The fields to read; the result has exactly these plus `id`. Omit for Graph's default fields. */
  readonly fields?: F | undefined
  /** Fields this library does not know yet, typed `unknown`. */
  readonly extraFields?: ReadonlyArray<X> | undefined
  /** Edges to expand inside the node, e.g. `{ phone_numbers: { fields: ["display_phone_number"] } }`. */
  readonly expand?: XP | undefined
  /** Only for typing: the node the options are for. */
  readonly "~node"?: N | undefined
}

/**
 * The `expand` option of a read of node `N`.
 *
 * @since 0.2.0
 * @category models
 */
export type ExpandSpec<N extends Any> = {
  readonly [K in keyof N["expandable"]]?: GraphEdge.ExpandOptions<N["expandable"][K]> | undefined
}

/**
 * A node narrowed to the selected fields, with its expanded edges.
 *
 * @since 0.2.0
 * @category models
 */
export type Item<N extends Any, F extends string, X extends string = never, XP = {}> = Types.Simplify<
  & Pick<Type<N>, (F | "id") & keyof Type<N>>
  & { readonly [K in X]?: unknown }
  & { readonly [K in keyof XP & keyof N["expandable"]]: GraphEdge.Expanded<N["expandable"][K], XP[K]> }
>

/**
 * The typed read of one node type.
 *
 * @since 0.2.0
 * @category models
 */
export interface Reader<N extends Any> {
  readonly node: N
  readonly get: <
    const F extends ReadonlyArray<FieldName<N>> = N["defaultFields"],
    const X extends string = never,
    const XP extends ExpandSpec<N> = {}
  >(
    id: string,
    options?: ReadOptions<N, F, X, XP> | undefined
  ) => Effect.Effect<Item<N, F[number], X, XP>, GraphPaging.ReadError, GraphClient.GraphClient>
  /** The `InvalidRequestError` a read would fail with, or nothing. */
  readonly validate: (
    id: string,
    options?: ReadOptions<N, ReadonlyArray<string>, string, any> | undefined
  ) => Option.Option<InvalidRequestError>
}

const prepareRead = (node: Any, id: unknown, options: unknown, parent: GraphEdge.Parent) =>
  prepare.guarded(() => prepareReadUnguarded(node, id, options, parent))

const prepareReadUnguarded = (node: Any, id: unknown, options: unknown, parent: GraphEdge.Parent) =>
  Either.gen(function*() {
    const checkedId = yield* prepare.decodeSafely(prepare.parentIdSchema(parent), id, parent.label, [])
    const decoded = yield* prepare.decodeSafely(
      prepare.nodeOptionsSchema(node),
      options,
      "options",
      prepare.nodeOptionNames
    )
    const selection = prepare.select({ node, itemFields: node.fields }, decoded, [])
    return { id: checkedId, selection }
  })

/**
 * The typed read of a node: `GET /{id}` with the selected fields and expansions, nested edges completed
 * through the same client.
 *
 * @example
 * ```ts
 * import { GraphNode } from "@effect-waba/graph-core"
 * import { WhatsAppBusinessAccount } from "@effect-waba/waba"
 *
 * const waba = GraphNode.reader(WhatsAppBusinessAccount.node, {
 *   param: "waba-id",
 *   label: "wabaId",
 *   description: "a numeric WABA id"
 * })
 * const account = waba.get("102290129340398", { fields: ["name", "status"], expand: { phone_numbers: {} } })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const reader = <N extends Any>(
  node: N,
  id: GraphEdge.Parent
): Reader<N> => ({
  node,
  get: (value, options) =>
    Either.match(prepareRead(node, value, options, id), {
      onLeft: (error) => Effect.fail(error),
      onRight: ({ id: checked, selection }) => {
        const query: Record<string, string> = selection.wire === undefined ? {} : { fields: selection.wire }
        const expansions = { expansions: selection.expansions } as unknown as prepare.Prepared
        return GraphClient.get({
          route: `/{${id.param}}`,
          params: { [id.param]: checked },
          query,
          schema: selection.tolerantItemSchema,
          usageKey: checked
        }).pipe(
          Effect.flatMap((response) =>
            paging.completeItem(expansions, response.body as Record<string, unknown>) as Effect.Effect<any, any, any>
          ),
          Effect.withSpan(`${node.name}.get`, { attributes: { "graph.id": checked } })
        )
      }
    }),
  validate: (value, options) => Either.getLeft(prepareRead(node, value, options, id))
})
