/**
 * The `fields` parameter, checked against a node's declaration: which fields each item carries, which
 * edges are expanded inside it (with their limit and nested fields), and the sub-fields of object fields.
 * The syntax is graph-core's (`GraphFields.parse`): the client and the emulator read one grammar. `id` is
 * always returned, last when it was not asked for, as Graph does.
 *
 * @internal
 */
import type { GraphEdge, GraphNode } from "@effect-waba/graph-core"
import { GraphFields } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import * as GraphError from "./graphError.js"

/** @internal */
export interface Field {
  readonly name: string
  /** Sub-fields of an object field (`health_status{can_send_message}`). */
  readonly sub: ReadonlyArray<GraphFields.Selection> | undefined
  readonly expansion: Expansion | undefined
}

/** @internal */
export interface Expansion {
  readonly edge: GraphEdge.Any
  readonly limit: number | undefined
  readonly fields: ReadonlyArray<Field>
  /** The nested selection as written, for the nested `next` link; absent for the default fields. */
  readonly written: ReadonlyArray<GraphFields.Selection> | undefined
}

type Checked = Either.Either<ReadonlyArray<Field>, GraphError.GraphError>

// What can be selected: a node's fields, plus those an edge adds to its items.
const check = (
  node: GraphNode.Any,
  isField: (name: string) => boolean,
  selections: ReadonlyArray<GraphFields.Selection> = node.defaultFields.map((name) => ({ name }))
): Checked => {
  const out = new Map<string, Field>()
  for (const { fields, limit, name } of selections) {
    const edge = Object.hasOwn(node.expandable, name) ? node.expandable[name] : undefined
    if (edge !== undefined) {
      if (limit !== undefined && limit < 1) {
        return Either.left(GraphError.invalidParameter(`param limit must be a positive integer (in ${name})`))
      }
      const nested = check(edge.node, edge.isField, fields)
      if (Either.isLeft(nested)) return nested
      if (!out.has(name)) {
        out.set(name, { name, sub: undefined, expansion: { edge, limit, fields: nested.right, written: fields } })
      }
    } else if (!isField(name)) {
      return Either.left(GraphError.nonexistingField(name, node.name))
    } else if (limit !== undefined) {
      return Either.left(GraphError.invalidParameter(`Field ${name} does not support the limit modifier`))
    } else if (!out.has(name)) {
      out.set(name, { name, sub: fields, expansion: undefined })
    }
  }
  if (!out.has("id")) out.set("id", { name: "id", sub: undefined, expansion: undefined })
  return Either.right([...out.values()])
}

/**
 * Reads `fields` for a node (with an edge's extra fields): absent, it selects the node's default fields.
 *
 * @internal
 */
export const parse = (
  node: GraphNode.Any,
  raw: string | undefined,
  isField: (name: string) => boolean = node.isField
): Checked =>
  raw === undefined ? check(node, isField) : GraphFields.parse(raw).pipe(
    Either.mapLeft((error) => GraphError.fieldsSyntax(error, raw)),
    Either.flatMap((selections) => check(node, isField, selections))
  )

/** Keeps the selected sub-fields of an object value (or of each element of a list). @internal */
export const narrow = (value: unknown, sub: ReadonlyArray<GraphFields.Selection>): unknown => {
  if (Array.isArray(value)) return value.map((element) => narrow(element, sub))
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const { fields, name } of sub) {
    const v = (value as Record<string, unknown>)[name]
    if (v !== undefined) out[name] = fields === undefined ? v : narrow(v, fields)
  }
  return out
}
