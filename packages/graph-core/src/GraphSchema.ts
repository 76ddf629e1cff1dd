/**
 * The value types Graph puts on the wire, as Schemas that decode what Graph really sends.
 *
 * Graph drifts: ids arrive as strings or bare numbers, unix times as numbers or numeric strings, enums
 * gain values, new fields appear, and any optional field may come back as JSON `null`. The schemas here
 * accept all of that, so a node declared with them never fails a page because Meta changed something
 * harmless.
 *
 * @since 0.1.0
 */
import * as nulls from "@effect-waba/graph-rules/nulls"
import * as Shape from "@effect-waba/graph-rules/shape"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * A Graph id: a numeric string, sometimes sent as a bare JSON number. Kept a string either way, since
 * ids exceed `Number.MAX_SAFE_INTEGER` in places.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphId = Schema.Union(
  Schema.String,
  // BigInt prints large integers in full where String(1e21) would print "1e+21".
  Schema.transform(Schema.Int, Schema.String, {
    strict: true,
    decode: (n) => BigInt(n).toString(),
    encode: (s) => Number(s)
  })
).annotations({ identifier: "GraphId" })

/**
 * Unix seconds (a number, or a numeric string) as a `Date`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnixSeconds = Schema.transform(
  Schema.Union(Schema.Number, Schema.NumberFromString),
  Schema.ValidDateFromSelf,
  {
    strict: true,
    decode: (seconds) => new Date(seconds * 1000),
    encode: (date) => Math.floor(date.getTime() / 1000)
  }
).annotations({ identifier: "UnixSeconds" })

/**
 * A string enum that stays open: the known values type the common case and help editors, and any
 * other string Meta adds later still decodes (typed `string`).
 *
 * @example
 * ```ts
 * import { GraphSchema } from "@effect-waba/graph-core"
 *
 * const QualityRating = GraphSchema.openEnum("GREEN", "YELLOW", "RED", "UNKNOWN")
 * // Schema<"GREEN" | "YELLOW" | "RED" | "UNKNOWN" | (string & {}), string>
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const openEnum = <const Known extends ReadonlyArray<string>>(
  ...known: Known
): OpenEnum<Known> =>
  Object.assign(
    Schema.String.annotations({ description: `One of ${known.join(", ")}, or a value Meta added later` }),
    { known }
  ) as unknown as OpenEnum<Known>

/**
 * A schema made by {@link openEnum}: it remembers the values it knows.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenEnum<Known extends ReadonlyArray<string>>
  extends Schema.Schema<Known[number] | (string & {}), string>
{
  readonly known: Known
}

/**
 * An optional field of a node. Graph may also send `null` for it: decode through {@link tolerant} (the
 * client always does), which reads `null` as absent before the field is looked at.
 *
 * @since 0.1.0
 * @category schemas
 */
export const optional = <S extends Schema.Schema.All>(schema: S): Schema.optionalWith<S, { exact: true }> =>
  Schema.optionalWith(schema, { exact: true })

/**
 * A list in a node. Through {@link tolerant}, `null` elements are dropped (Graph has sent `[null]` for an
 * empty list).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ArrayOf = <A, I, R>(item: Schema.Schema<A, I, R>): Schema.Array$<Schema.Schema<A, I, R>> =>
  Schema.Array(item)

/**
 * A schema that reads Graph's `null`s as absent before decoding with `schema`, so that the fields can be
 * declared plainly optional.
 *
 * @example
 * ```ts
 * import { GraphSchema } from "@effect-waba/graph-core"
 * import { Schema } from "effect"
 *
 * const Account = GraphSchema.tolerant(Schema.Struct({ id: Schema.String, name: GraphSchema.optional(Schema.String) }))
 * Schema.decodeUnknownSync(Account)({ id: "1", name: null }) // { id: "1" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const tolerant = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A, unknown, R> =>
  Schema.compose(
    Schema.transform(Schema.Unknown, Schema.Unknown, {
      strict: true,
      decode: (value) => nulls.dropNullsAt(value, 0),
      encode: (value) => value
    }),
    schema as unknown as Schema.Schema<A, unknown, R>
  ) as unknown as Schema.Schema<A, unknown, R>

/**
 * An edge's answer: `{ data: [...], paging: { cursors, next, previous } }`, with `summary` when one was
 * asked for.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Connection = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({
    data: ArrayOf(item),
    // The ONLY end signal is the absence of `next`.
    paging: optional(Schema.Struct({
      cursors: optional(Schema.Struct({ before: optional(Schema.String), after: optional(Schema.String) })),
      next: optional(Schema.String),
      previous: optional(Schema.String)
    })),
    summary: optional(Schema.Struct({ total_count: optional(Schema.Number) }))
  })

/**
 * A point in time as Graph writes it in most nodes: ISO 8601 with a compact offset
 * (`2023-08-22T19:05:09+0000`), a standard ISO string, or unix seconds. Decoded to a `Date`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DateTime = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number),
  Schema.ValidDateFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const date = Shape.dateOf(input)
      return date === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, "a date and time Graph sent in a form not known here"))
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(date.toISOString().replace(/\.\d{3}Z$/, "+0000"))
  }
).annotations({ identifier: "GraphDateTime" })

/**
 * An object Graph refers to by id (a commerce account, an ad account), with whatever else it sends; Graph
 * may also send the bare id.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reference = Schema.Union(
  Schema.Struct({ id: optional(GraphId), name: optional(Schema.String) }),
  Schema.transform(GraphId, Schema.Struct({ id: Schema.String }), {
    strict: true,
    decode: (id) => ({ id }),
    encode: (reference) => reference.id
  })
)

/**
 * A JSON object whose shape Meta does not document; kept as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Opaque = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * The Schema {@link fromShape} makes of a shape: the same Schema types the modules declared by hand.
 *
 * @since 0.1.0
 * @category models
 */
export type FromShape<S extends Shape.Shape> = S extends { readonly kind: "id" } ? typeof GraphId
  : S extends { readonly kind: "string" } ? typeof Schema.String
  : S extends { readonly kind: "number" } ? typeof Schema.Number
  : S extends { readonly kind: "boolean" } ? typeof Schema.Boolean
  : S extends { readonly kind: "unixSeconds" } ? typeof UnixSeconds
  : S extends { readonly kind: "dateTime" } ? typeof DateTime
  : S extends { readonly kind: "enum"; readonly values: infer V extends ReadonlyArray<string> } ? OpenEnum<V>
  : S extends { readonly kind: "struct"; readonly fields: infer F extends Readonly<Record<string, Shape.Shape>> } ?
    Schema.Struct<{ readonly [K in keyof F]: Schema.optionalWith<FromShape<F[K]>, { exact: true }> }>
  : S extends { readonly kind: "array"; readonly of: infer O extends Shape.Shape } ? Schema.Array$<FromShape<O>>
  : S extends { readonly kind: "reference" } ? typeof Reference
  : S extends { readonly kind: "stringOrOpaque" } ? Schema.Union<[typeof Schema.String, typeof Opaque]>
  : typeof Opaque

// The shapes that are one Schema each; enums, objects and lists are made from their parts.
const plain: Readonly<Record<Exclude<Shape.Shape["kind"], "enum" | "struct" | "array">, Schema.Schema.Any>> = {
  id: GraphId,
  string: Schema.String,
  number: Schema.Number,
  boolean: Schema.Boolean,
  unixSeconds: UnixSeconds,
  dateTime: DateTime,
  reference: Reference,
  opaque: Opaque,
  stringOrOpaque: Schema.Union(Schema.String, Opaque)
}

const schemaOf = (shape: Shape.Shape): Schema.Schema.Any =>
  shape.kind === "enum"
    ? openEnum(...shape.values)
    : shape.kind === "struct"
    ? Schema.Struct(fieldsOf(shape.fields, false))
    : shape.kind === "array"
    ? ArrayOf(schemaOf(shape.of))
    : plain[shape.kind]

const fieldsOf = (fields: Readonly<Record<string, Shape.Shape>>, idRequired: boolean) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, shape]) => [
      name,
      idRequired && name === "id" ? GraphId : optional(schemaOf(shape))
    ])
  )

/**
 * The Schema of a field shape declared as data (`@effect-waba/graph-rules/shape`): ids as {@link GraphId},
 * times as {@link UnixSeconds} or {@link DateTime}, enums as {@link openEnum}, objects with every field
 * optional, lists as {@link ArrayOf}, references as {@link Reference}, undocumented objects as {@link Opaque}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const fromShape = <const S extends Shape.Shape>(shape: S): FromShape<S> => schemaOf(shape) as FromShape<S>

/**
 * A node's fields as a Schema struct's fields: `id` always there, every other field optional.
 *
 * @since 0.1.0
 * @category models
 */
export type NodeFields<F extends Readonly<Record<string, Shape.Shape>>> = {
  readonly [K in keyof F]: K extends "id" ? typeof GraphId : Schema.optionalWith<FromShape<F[K]>, { exact: true }>
}

/**
 * The fields of a node declared as data, as `GraphNode.make` takes them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const nodeFields = <const F extends Readonly<Record<string, Shape.Shape>>>(fields: F): NodeFields<F> =>
  fieldsOf(fields, true) as NodeFields<F>
