// Records as the store keeps them: plain JSON values with sorted keys, so that equal data is equal text
// whatever order Graph sent the keys in or whichever decoded type a value came back as.
import * as DateTime from "effect/DateTime"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

export type Fields = { readonly [key: string]: Json }

/** A decoded value as plain JSON: times as ISO 8601 text, absent values dropped. */
export const toJson = (value: unknown): Json | undefined => {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined
  if (value === null || typeof value === "boolean" || typeof value === "string") return value
  if (typeof value === "number") return Number.isFinite(value) ? value : null
  if (typeof value === "bigint") return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (DateTime.isDateTime(value)) return DateTime.formatIso(value)
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null)
  const out: Record<string, Json> = {}
  for (const key of Object.keys(value as object).sort()) {
    const item = toJson((value as Record<string, unknown>)[key])
    if (item !== undefined) out[key] = item
  }
  return out
}

/** The fields of a record read from Graph, less the keys the store keeps elsewhere. */
export const fieldsOf = (record: object, leaveOut: ReadonlyArray<string>): Fields => {
  const out: Record<string, Json> = {}
  for (const key of Object.keys(record).sort()) {
    if (leaveOut.includes(key)) continue
    const value = toJson((record as Record<string, unknown>)[key])
    if (value !== undefined) out[key] = value
  }
  return out
}

export const encode = (value: Json): string => JSON.stringify(value)

export const decode = (text: string | null | undefined): Json | null =>
  text === null || text === undefined ? null : JSON.parse(text) as Json

export const equal = (a: Json | undefined, b: Json | undefined): boolean =>
  (a === undefined ? undefined : encode(a)) === (b === undefined ? undefined : encode(b))

export interface FieldChange {
  readonly field: string
  readonly kind: "added" | "removed" | "changed"
  readonly oldValue: Json | undefined
  readonly newValue: Json | undefined
}

/** Field by field, what turned `before` into `after`: a field appearing, disappearing or changing. */
export const diff = (before: Fields, after: Fields): ReadonlyArray<FieldChange> => {
  const changes: Array<FieldChange> = []
  for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const oldValue = before[field]
    const newValue = after[field]
    if (equal(oldValue, newValue)) continue
    changes.push({
      field,
      kind: oldValue === undefined ? "added" : newValue === undefined ? "removed" : "changed",
      oldValue,
      newValue
    })
  }
  return changes
}

/** A field's value as text for a filter column, when it is a plain string. */
export const column = (fields: Fields, name: string): string | null => {
  const value = fields[name]
  return typeof value === "string" ? value : null
}
