/**
 * Effect 4 Schemas made from the field shapes both lines share (`@effect-waba/graph-rules/shape`): a
 * node's fields are declared once as data, and this module is all the Effect 4 line needs to decode them.
 * Graph's `null`s are read as absent fields, as on the Effect 3 line.
 *
 * @since 1.0.0
 */
import { dropNullsAt } from "@effect-waba/graph-rules/nulls"
import * as Shape from "@effect-waba/graph-rules/shape"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/**
 * A Graph id: a string, or a number Graph sometimes sends, read as its digits.
 *
 * @since 1.0.0
 * @category schemas
 */
export const GraphId = Schema.Union([
  Schema.String,
  Schema.Int.pipe(Schema.decodeTo(
    Schema.String,
    // BigInt prints large integers in full where String(1e21) would print "1e+21".
    SchemaTransformation.transform({ decode: (n: number) => BigInt(n).toString(), encode: (s: string) => Number(s) })
  ))
])

const time = (form: string) =>
  Schema.Union([Schema.Number, Schema.String]).pipe(
    Schema.check(Schema.makeFilter((input) => Shape.dateOf(input) !== undefined, { expected: form })),
    Schema.decodeTo(
      Schema.Date,
      SchemaTransformation.transform<Date, number | string>({
        decode: (input) => Shape.dateOf(input)!,
        encode: (date) => date.toISOString()
      })
    )
  )

const Opaque = Schema.Record(Schema.String, Schema.Unknown)

const schemaOf = (shape: Shape.Shape): Schema.Top => {
  switch (shape.kind) {
    case "id":
      return GraphId
    case "string":
    case "enum":
      // An open enum: the documented values, or one Meta adds later.
      return Schema.String
    case "number":
      return Schema.Number
    case "boolean":
      return Schema.Boolean
    case "unixSeconds":
      return time("Unix seconds")
    case "dateTime":
      return time("a date and time as Graph sends it")
    case "struct":
      return partialStruct(shape.fields)
    case "array":
      return Schema.Array(schemaOf(shape.of))
    case "reference":
      return Schema.Union([
        Schema.Struct({ id: Schema.optionalKey(GraphId), name: Schema.optionalKey(Schema.String) }),
        GraphId.pipe(Schema.decodeTo(
          Schema.Struct({ id: Schema.String }),
          SchemaTransformation.transform({
            decode: (id: string) => ({ id }),
            encode: (reference: { readonly id: string }) => reference.id
          })
        ))
      ])
    case "opaque":
      return Opaque
    case "stringOrOpaque":
      return Schema.Union([Schema.String, Opaque])
  }
}

const partialStruct = (fields: Readonly<Record<string, Shape.Shape>>) =>
  Schema.Struct(
    Object.fromEntries(Object.entries(fields).map(([name, shape]) => [name, Schema.optionalKey(schemaOf(shape))]))
  )

/**
 * The Schema of a field's shape.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromShape = <S extends Shape.Shape>(shape: S): Schema.Decoder<Shape.TypeOf<S>> =>
  schemaOf(shape) as unknown as Schema.Decoder<Shape.TypeOf<S>>

/**
 * `schema` with Graph's `null`s read as absent before it decodes: `null` properties as missing, `null` list
 * elements as not there, so fields can be declared plainly optional.
 *
 * @example
 * ```ts
 * import { GraphSchema } from "@effect-waba/graph-core"
 * import * as Schema from "effect/Schema"
 *
 * const Account = GraphSchema.tolerant(Schema.Struct({ id: Schema.String, name: Schema.optionalKey(Schema.String) }))
 * Schema.decodeUnknownSync(Account)({ id: "1", name: null }) // { id: "1" }
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const tolerant = <S extends Schema.Top>(schema: S): Schema.decodeTo<S, Schema.Unknown> =>
  Schema.Unknown.pipe(Schema.decodeTo(
    schema,
    SchemaTransformation.transform<S["Encoded"], unknown>({
      decode: (input) => dropNullsAt(input, 0) as S["Encoded"],
      encode: (value) => value
    })
  ))

/**
 * The Schema of a node read with the fields `selected` (its `id` always): Graph's `null`s are read as absent.
 *
 * @since 1.0.0
 * @category constructors
 */
export const node = <N extends Shape.Node, const F extends keyof N["fields"] & string>(
  declaration: N,
  selected: ReadonlyArray<F>,
  /** More fields, with their own Schemas (an expanded edge's page, say), each optional. */
  extra: Readonly<Record<string, Schema.Top>> = {}
): Schema.Decoder<Shape.Selected<N, F>> => {
  const { id: _, ...others } = Object.fromEntries(selected.map((name) => [name, declaration.fields[name]!]))
  const more = Object.fromEntries(Object.entries(extra).map(([name, schema]) => [name, Schema.optionalKey(schema)]))
  return tolerant(
    Schema.Struct({ id: GraphId, ...partialStruct(others).fields, ...more })
  ) as unknown as Schema.Decoder<
    Shape.Selected<N, F>
  >
}
