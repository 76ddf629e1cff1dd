/**
 * The shape of a Graph field as plain data, so that a node's fields are declared once and each Effect line
 * makes its own Schema of them (`TypeOf` gives both lines the same TypeScript type). The shapes are the few
 * forms Graph's WhatsApp Business Management nodes use: ids (strings, or numbers Graph sometimes sends),
 * strings, numbers, booleans, times (Unix seconds, or ISO text with Graph's `+0000` offset), open enums
 * (the documented values, or one Meta adds later), objects whose every field may be missing, lists, a
 * reference (an object with an id, or the bare id), and opaque objects kept as they came.
 *
 * @internal
 */

/** @internal */
export type Shape =
  | { readonly kind: "id" }
  | { readonly kind: "string" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "unixSeconds" }
  | { readonly kind: "dateTime" }
  | { readonly kind: "enum"; readonly values: ReadonlyArray<string> }
  | { readonly kind: "struct"; readonly fields: Readonly<Record<string, Shape>> }
  | { readonly kind: "array"; readonly of: Shape }
  | { readonly kind: "reference" }
  | { readonly kind: "opaque" }
  | { readonly kind: "stringOrOpaque" }

/** @internal */
export const id = { kind: "id" } as const
/** @internal */
export const string = { kind: "string" } as const
/** @internal */
export const number = { kind: "number" } as const
/** @internal */
export const boolean = { kind: "boolean" } as const
/** @internal */
export const unixSeconds = { kind: "unixSeconds" } as const
/** @internal */
export const dateTime = { kind: "dateTime" } as const
/** @internal */
export const reference = { kind: "reference" } as const
/** @internal */
export const opaque = { kind: "opaque" } as const
/** @internal */
export const stringOrOpaque = { kind: "stringOrOpaque" } as const

/** The documented values, or any string Meta adds later. @internal */
export const openEnum = <const Values extends ReadonlyArray<string>>(...values: Values) =>
  ({ kind: "enum", values }) as const

/** An object whose every field may be missing. @internal */
export const struct = <const Fields extends Readonly<Record<string, Shape>>>(fields: Fields) =>
  ({ kind: "struct", fields }) as const

/** @internal */
export const array = <const Of extends Shape>(of: Of) => ({ kind: "array", of }) as const

/** An object with every field optional, as `TypeOf` gives it. @internal */
export type Partial<Fields extends Readonly<Record<string, Shape>>> = {
  readonly [K in keyof Fields]?: TypeOf<Fields[K]>
}

/** The TypeScript type a shape decodes to, on either line. @internal */
export type TypeOf<S extends Shape> = S extends { readonly kind: "id" | "string" } ? string
  : S extends { readonly kind: "number" } ? number
  : S extends { readonly kind: "boolean" } ? boolean
  : S extends { readonly kind: "unixSeconds" | "dateTime" } ? Date
  : S extends { readonly kind: "enum"; readonly values: infer V extends ReadonlyArray<string> } ?
    V[number] | (string & {})
  : S extends { readonly kind: "struct"; readonly fields: infer F extends Readonly<Record<string, Shape>> } ? Partial<F>
  : S extends { readonly kind: "array"; readonly of: infer O extends Shape } ? ReadonlyArray<TypeOf<O>>
  : S extends { readonly kind: "reference" } ? { readonly id?: string; readonly name?: string }
  : S extends { readonly kind: "stringOrOpaque" } ? string | Readonly<Record<string, unknown>>
  : Readonly<Record<string, unknown>>

const graphOffset = /([+-]\d{2})(\d{2})$/

/**
 * A time as Graph sends it: Unix seconds (a number, or digits), or ISO text whose offset may lack its
 * colon (`+0000`). `undefined` when it is neither.
 *
 * @internal
 */
export const dateOf = (input: unknown): Date | undefined => {
  const date = typeof input === "number"
    ? new Date(input * 1000)
    : typeof input === "string"
    ? new Date(/^\d+$/.test(input) ? Number(input) * 1000 : input.replace(graphOffset, "$1:$2"))
    : undefined
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date
}

/** A node's fields: which one is always there, which Graph returns when `fields` is absent. @internal */
export interface Node<Fields extends Readonly<Record<string, Shape>> = Readonly<Record<string, Shape>>> {
  readonly name: string
  readonly fields: Fields
  readonly defaultFields: ReadonlyArray<keyof Fields & string>
}

/** A node with the fields `F` selected: `id` always, the others when Graph has them. @internal */
export type Selected<N extends Node, F extends keyof N["fields"]> =
  & { readonly id: string }
  & { readonly [K in Exclude<F, "id">]?: TypeOf<N["fields"][K]> }
