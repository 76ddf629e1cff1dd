/**
 * The `fields` parameter, checked against a node's declaration: which fields each item carries, which
 * edges are expanded inside it (with their limit and nested fields), and the sub-fields of object fields.
 *
 * The syntax is graph-core's (`GraphFields.parse`), so the client and the emulator read one grammar.
 * `id` is always returned, last when it was not asked for, as Graph does.
 *
 * @internal
 */
import type { GraphEdge } from "@effect-waba/graph-core"
import { GraphFields } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import * as GraphError from "../GraphError.js"

/** @internal */
export interface Expansion {
  readonly edge: GraphEdge.Any
  readonly limit: number | undefined
  readonly fields: ReadonlyArray<Field>
  /** The nested selection as written, for the nested `next` link; absent for the default fields. */
  readonly written: ReadonlyArray<GraphFields.Selection> | undefined
}

/** @internal */
export interface Field {
  readonly name: string
  /** Sub-fields of an object field (`health_status{can_send_message}`). */
  readonly sub: ReadonlyArray<GraphFields.Selection> | undefined
  readonly expansion: Expansion | undefined
}

/** What can be selected: a node's fields (plus an edge's extra ones) and its expandable edges. @internal */
export interface Shape {
  readonly typeName: string
  readonly isField: (name: string) => boolean
  readonly defaultFields: ReadonlyArray<string>
  readonly expandable: Readonly<Record<string, GraphEdge.Any>>
}

/** @internal */
export const ofEdge = (edge: GraphEdge.Any): Shape => ({
  typeName: edge.node.name,
  isField: edge.isField,
  defaultFields: edge.node.defaultFields,
  expandable: edge.node.expandable
})

const check = (
  shape: Shape,
  selections: ReadonlyArray<GraphFields.Selection>
): Either.Either<ReadonlyArray<Field>, GraphError.GraphError> => {
  const seen = new Set<string>()
  const out: Array<Field> = []
  for (const selection of selections) {
    const name = selection.name
    const edge = Object.hasOwn(shape.expandable, name) ? shape.expandable[name] : undefined
    let field: Field
    if (edge !== undefined) {
      if (selection.limit !== undefined && selection.limit < 1) {
        return Either.left(GraphError.invalidParameter(`param limit must be a positive integer (in ${name})`))
      }
      const nested = check(ofEdge(edge), selection.fields ?? defaults(ofEdge(edge)))
      if (Either.isLeft(nested)) return nested
      field = {
        name,
        sub: undefined,
        expansion: { edge, limit: selection.limit, fields: nested.right, written: selection.fields }
      }
    } else if (shape.isField(name)) {
      if (selection.limit !== undefined) {
        return Either.left(GraphError.invalidParameter(`Field ${name} does not support the limit modifier`))
      }
      field = { name, sub: selection.fields, expansion: undefined }
    } else {
      return Either.left(GraphError.nonexistingField(name, shape.typeName))
    }
    if (seen.has(name)) continue
    seen.add(name)
    out.push(field)
  }
  if (!seen.has("id")) out.push({ name: "id", sub: undefined, expansion: undefined })
  return Either.right(out)
}

const defaults = (shape: Shape): ReadonlyArray<GraphFields.Selection> => shape.defaultFields.map((name) => ({ name }))

/**
 * Reads `fields` for a shape; `undefined` (parameter absent) selects the node's default fields.
 * Results are memoised per shape and text: a read pages with the same `fields` on every request.
 *
 * @internal
 */
export const parser = (shape: Shape) => {
  const memo = new Map<string, Either.Either<ReadonlyArray<Field>, GraphError.GraphError>>()
  const fallback = check(shape, defaults(shape))
  return (raw: string | undefined): Either.Either<ReadonlyArray<Field>, GraphError.GraphError> => {
    if (raw === undefined) return fallback
    const known = memo.get(raw)
    if (known !== undefined) return known
    const parsed = GraphFields.parse(raw)
    const result = Either.isLeft(parsed)
      ? Either.left(GraphError.fieldsSyntax(parsed.left, raw))
      : check(shape, parsed.right)
    // A bounded memo: a hostile client sending endless variants must not grow it.
    if (memo.size >= 256) memo.clear()
    memo.set(raw, result)
    return result
  }
}

/** Keeps the selected sub-fields of an object value (or of each element of a list). @internal */
export const narrow = (value: unknown, sub: ReadonlyArray<GraphFields.Selection>): unknown => {
  if (Array.isArray(value)) return value.map((element) => narrow(element, sub))
  if (typeof value !== "object" || value === null) return value
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const selection of sub) {
    const v = source[selection.name]
    if (v !== undefined) out[selection.name] = selection.fields === undefined ? v : narrow(v, selection.fields)
  }
  return out
}
