/**
 * The `fields` parameter: which fields each account in `data` carries.
 *
 * Graph's syntax allows sub-selections on object fields (`health_status{can_send_message}`); they are
 * honoured for the node's object fields. `id` is always returned, last when it was not asked for, as
 * Graph does. A field without a value is left out, as Graph leaves out nulls.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as GraphError from "../GraphError.js"
import * as Node from "../WhatsAppBusinessAccount.js"

/** @internal */
export interface Selection {
  readonly name: string
  readonly sub: ReadonlyArray<Selection> | undefined
}

// Splits "a,b{c,d},e" at the commas that are not inside braces.
const splitTopLevel = (text: string): Array<string> | undefined => {
  const parts: Array<string> = []
  let depth = 0
  let current = ""
  for (const char of text) {
    if (char === "{") depth++
    if (char === "}") depth--
    if (depth < 0) return undefined
    if (char === "," && depth === 0) {
      parts.push(current)
      current = ""
    } else {
      current += char
    }
  }
  if (depth !== 0) return undefined
  parts.push(current)
  return parts
}

const parseList = (text: string): Array<Selection> | undefined => {
  const parts = splitTopLevel(text)
  if (parts === undefined) return undefined
  const selections: Array<Selection> = []
  for (const raw of parts) {
    const part = raw.trim()
    if (part === "") continue
    const brace = part.indexOf("{")
    if (brace === -1) {
      selections.push({ name: part, sub: undefined })
      continue
    }
    if (!part.endsWith("}")) return undefined
    const sub = parseList(part.slice(brace + 1, -1))
    if (sub === undefined) return undefined
    selections.push({ name: part.slice(0, brace).trim(), sub })
  }
  return selections
}

/** @internal */
export const defaultSelection: ReadonlyArray<Selection> = Node.defaultFields.map((name) => ({ name, sub: undefined }))

/** Parses `fields`; `undefined` (parameter absent) selects Graph's default fields. @internal */
export const parse = (raw: string | undefined): Either.Either<ReadonlyArray<Selection>, GraphError.GraphError> => {
  if (raw === undefined) return Either.right(defaultSelection)
  const selections = parseList(raw)
  if (selections === undefined) {
    return Either.left(GraphError.invalidParameter(`Syntax error in the field selection: ${raw}`))
  }
  const seen = new Set<string>()
  const unique: Array<Selection> = []
  for (const selection of selections) {
    if (!Node.isFieldName(selection.name)) {
      return Either.left(GraphError.nonexistingField(selection.name, Node.nodeType))
    }
    if (seen.has(selection.name)) continue
    seen.add(selection.name)
    unique.push(selection)
  }
  if (!seen.has("id")) unique.push({ name: "id", sub: undefined })
  return Either.right(unique)
}

const narrow = (value: unknown, sub: ReadonlyArray<Selection>): unknown => {
  if (Array.isArray(value)) return value.map((element) => narrow(element, sub))
  if (typeof value !== "object" || value === null) return value
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const selection of sub) {
    const v = source[selection.name]
    if (v !== undefined) out[selection.name] = selection.sub === undefined ? v : narrow(v, selection.sub)
  }
  return out
}

/** Builds one `data` element from a field reader. @internal */
export const project = (
  selections: ReadonlyArray<Selection>,
  read: (field: Node.FieldName) => unknown,
  creationTimeAsString: boolean
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const selection of selections) {
    let value = read(selection.name as Node.FieldName)
    if (value === undefined) continue
    if (selection.sub !== undefined) value = narrow(value, selection.sub)
    if (creationTimeAsString && selection.name === "creation_time") value = String(value)
    out[selection.name] = value
  }
  return out
}
