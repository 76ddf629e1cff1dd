// The fast decoding path against Effect's decoder: on every body it decides, it must return exactly what
// Effect's decoder returns (keys in the same order), and it must decide every body Effect's decoder accepts
// for a Graph-shaped schema.
import { GraphSchema } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Fast from "../src/internal/client/fastDecode.js"

const optional = GraphSchema.optional

const Phone = Schema.Struct({
  id: GraphSchema.GraphId,
  display_phone_number: optional(Schema.String),
  quality_rating: optional(GraphSchema.openEnum("GREEN", "YELLOW", "RED")),
  last_onboarded_time: optional(GraphSchema.DateTime),
  throughput: optional(Schema.Struct({ level: optional(GraphSchema.openEnum("STANDARD", "HIGH")) }))
})

const Account = Schema.Struct({
  id: GraphSchema.GraphId,
  name: optional(Schema.String),
  timezone_id: optional(GraphSchema.GraphId),
  creation_time: optional(GraphSchema.UnixSeconds),
  enabled: optional(Schema.Boolean),
  errors: optional(GraphSchema.ArrayOf(Schema.Struct({ code: optional(Schema.Number) }))),
  reference: optional(Schema.Union(
    Schema.Struct({ id: optional(GraphSchema.GraphId), name: optional(Schema.String) }),
    Schema.transform(GraphSchema.GraphId, Schema.Struct({ id: Schema.String }), {
      strict: true,
      decode: (id) => ({ id }),
      encode: (reference) => reference.id
    })
  )),
  location: optional(Schema.Union(Schema.String, Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  extra: optional(Schema.Unknown),
  kind: optional(Schema.Literal("A", "B")),
  phone_numbers: optional(GraphSchema.Connection(Phone))
})

const Page = GraphSchema.Connection(Account)
const TolerantPage = GraphSchema.tolerant(Page)

// Bodies of the page's encoded shape, then roughened as Graph roughens them: nulls for values, null list
// elements, fields nobody asked for, the odd value of the wrong type.
const roughen = (value: unknown, dice: ReadonlyArray<number>): unknown => {
  let i = 0
  const roll = () => dice[i++ % dice.length]!
  const go = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) {
      const out = v.map((e) => go(e, depth + 1))
      if (roll() % 5 === 0) out.splice(roll() % (out.length + 1), 0, null)
      return out
    }
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {}
      for (const [key, field] of Object.entries(v)) {
        const r = roll() % 23
        out[key] = r === 0 ? null : r === 1 ? 42 : go(field, depth + 1)
      }
      if (roll() % 4 === 0) out.unrequested = roll() % 2 === 0 ? null : { deep: [null, { x: null }] }
      return out
    }
    return v
  }
  return go(value, 0)
}

// Every key in order (undefined ones too) and dates by their time: two decodes agree only if these do.
const render = (value: unknown): string =>
  value instanceof Date
    ? `Date(${value.getTime()})`
    : Array.isArray(value)
    ? `[${value.map(render).join(",")}]`
    : typeof value === "object" && value !== null
    ? `{${Object.keys(value).map((key) => `${key}:${render((value as Record<string, unknown>)[key])}`).join(",")}}`
    : typeof value === "string"
    ? JSON.stringify(value)
    : String(value)

// Valid bodies: decoded pages encoded back to the wire; and anything of the wire's shape.
const encode = Schema.encodeEither(Page)
const valid = Arbitrary.make(Page).map((page) => Either.getOrElse(encode(page), () => null))
const wire = FastCheck.oneof(valid, Arbitrary.make(Schema.encodedSchema(Page)))

const bodies = FastCheck.oneof(
  { weight: 6, arbitrary: wire },
  {
    weight: 6,
    arbitrary: FastCheck.tuple(
      wire,
      FastCheck.array(FastCheck.nat(), { minLength: 1, maxLength: 64 })
    ).map(([body, dice]) => roughen(body, dice))
  },
  { weight: 1, arbitrary: FastCheck.jsonValue() }
)

const agree = (schema: Schema.Schema<any, any>, runs: number) => {
  const fast = Fast.fastDecoder(schema.ast)
  expect(fast).toBeDefined()
  const slow = Schema.decodeUnknownEither(schema)
  let decided = 0
  FastCheck.assert(
    FastCheck.property(bodies, (body) => {
      const expected = slow(body)
      const got = fast!(body)
      if (Either.isRight(expected)) {
        expect(got).not.toBe(Fast.Undecided)
        expect(render(got)).toBe(render(expected.right))
        decided++
      } else {
        expect(got).toBe(Fast.Undecided)
      }
    }),
    { numRuns: runs, seed: 20261203 }
  )
  // The property says something only if a good share of the bodies decode.
  expect(decided).toBeGreaterThan(runs / 10)
}

describe("fast decoding", () => {
  it("decides what Effect's decoder accepts, with the same value, and nothing it refuses", () => {
    agree(Page, 400)
  })

  it("through GraphSchema.tolerant: nulls read as absent as the decode reaches them", () => {
    agree(TolerantPage, 400)
  })

  it("a body with nulls beside nested edges decodes to the same value as null-dropping first", () => {
    const body = {
      data: [
        null,
        {
          id: 12,
          name: null,
          creation_time: "1700000000",
          reference: "99",
          extra: { a: null, b: [null, 1] },
          phone_numbers: { data: [null, { id: "7", quality_rating: "PURPLE" }], paging: null }
        }
      ],
      paging: { cursors: { after: "A", before: null }, next: null }
    }
    const got = Fast.fastDecoder(TolerantPage.ast)!(body)
    expect(render(got)).toBe(render(Schema.decodeUnknownSync(TolerantPage)(body)))
    expect(got).toEqual({
      data: [{
        id: "12",
        creation_time: new Date(1_700_000_000_000),
        reference: { id: "99" },
        extra: { b: [1] },
        phone_numbers: { data: [{ id: "7", quality_rating: "PURPLE" }] }
      }],
      paging: { cursors: { after: "A" } }
    })
  })

  it("leaves schemas it cannot speed up, and recursion, to Effect's decoder", () => {
    expect(Fast.fastDecoder(Schema.String.ast)).toBeUndefined()
    interface Tree {
      readonly id: Tree | string
    }
    const Tree: Schema.Schema<Tree> = Schema.Struct({ id: Schema.Union(Schema.String, Schema.suspend(() => Tree)) })
    const fast = Fast.fastDecoder(Tree.ast)!
    expect(fast({ id: { id: "x" } })).toEqual({ id: { id: "x" } })
    let deep: unknown = "bottom"
    for (let i = 0; i < 20_000; i++) deep = { id: deep }
    expect(fast(deep)).toBe(Fast.Undecided)
  })
})
